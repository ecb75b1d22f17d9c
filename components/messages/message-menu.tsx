'use client';
// A message's menu: a quick row of reactions and what can be done with it (copy, edit, delete for
// everyone, info). Opened by its button beside the bubble (hover or keyboard), a right click, or a
// long press on touch screens.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import { DELETE_WINDOW_MS, EDIT_WINDOW_MS } from '@/lib/limits.ts';
import { reactionOf } from '@/lib/message-changes.ts';
import type { Message } from '@/lib/schemas.ts';
import { ChevronDownIcon } from '../ui/icons.tsx';
import { useDismiss } from '../ui/use-dismiss.ts';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export interface MessageActions {
  /** False for a former member: they may read and copy, nothing more. */
  canChange: boolean;
  reply(message: Message): void;
  forward(message: Message): void;
  react(message: Message, emoji: string | null): void;
  copy(message: Message): void;
  edit(message: Message): void;
  remove(message: Message): void;
  info(message: Message): void;
  /** Shows a message (the one a reply quotes), loading history as far up as needed. */
  show(seq: number): void;
}

interface Item {
  label: string;
  run: () => void;
  danger?: boolean;
}

function itemsFor(message: Message, mine: boolean, actions: MessageActions): Item[] {
  const age = Date.now() - message.createdAt.getTime();
  const items: Item[] = [];
  if (actions.canChange) items.push({ label: 'Reply', run: () => actions.reply(message) });
  items.push({ label: 'Copy', run: () => actions.copy(message) });
  items.push({ label: 'Forward', run: () => actions.forward(message) });
  if (!actions.canChange) return items;
  if (mine && age < EDIT_WINDOW_MS) items.push({ label: 'Edit', run: () => actions.edit(message) });
  if (mine) items.push({ label: 'Message info', run: () => actions.info(message) });
  if (mine && age < DELETE_WINDOW_MS) items.push({ label: 'Delete for everyone', run: () => actions.remove(message), danger: true });
  return items;
}

const MENU_WIDTH = 224;

/** Where the menu goes: beside the button, below it when there is room, else above; never off screen. */
function placeMenu(button: HTMLElement, menu: HTMLElement, mine: boolean): { left: number; top: number } {
  const b = button.getBoundingClientRect();
  const height = menu.offsetHeight;
  const top = b.bottom + height + 8 < window.innerHeight ? b.bottom + 4 : Math.max(8, b.top - height - 4);
  const left = mine ? b.right - MENU_WIDTH : b.left;
  return { top, left: Math.min(Math.max(8, left), window.innerWidth - MENU_WIDTH - 8) };
}

export function MessageMenu({ message, mine, meId, actions, open, onOpenChange }: {
  message: Message;
  mine: boolean;
  meId: string;
  actions: MessageActions;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);
  const close = useCallback(() => onOpenChange(false), [onOpenChange]);
  useDismiss(open, [button, menu], close);
  useLayoutEffect(() => {
    if (!open) return setPlace(null);
    if (button.current && menu.current) setPlace(placeMenu(button.current, menu.current, mine));
  }, [open, mine]);
  // Focus the first item when the menu opens; back to the button when it closes with the focus in it
  // (Esc, or an item chosen: the focus would be lost with the menu). A click elsewhere keeps its own.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open && place) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const lost = !document.activeElement || document.activeElement === document.body;
    if (!open && wasOpen.current && lost) button.current?.focus();
    wasOpen.current = open;
  }, [open, place]);

  const current = reactionOf(message, meId);
  const choose = (run: () => void) => {
    onOpenChange(false);
    button.current?.focus();
    run();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const all = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[e.key];
    if (step) {
      e.preventDefault();
      all[(at + step + all.length) % all.length]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
      button.current?.focus();
    } else if (e.key === 'Tab') close();
  };

  return (
    <>
      <button ref={button} type="button" aria-label="Message menu" aria-haspopup="menu" aria-expanded={open}
        onClick={() => onOpenChange(!open)}
        className={`shrink-0 self-center rounded-full p-1 text-neutral-600 dark:text-neutral-400 transition hover:bg-black/5 focus-visible:opacity-100 dark:text-neutral-300 dark:hover:bg-white/10 ${
          open ? 'opacity-100' : 'opacity-0 group-hover/row:opacity-100 [@media(hover:none)]:hidden'
        }`}>
        <ChevronDownIcon className="h-5 w-5" />
      </button>
      {open && (
        <div ref={menu} role="menu" aria-label="Message actions" onKeyDown={onKeyDown}
          style={{ position: 'fixed', width: MENU_WIDTH, ...(place ?? { left: -9999, top: 0 }) }}
          className="z-40 overflow-hidden rounded-xl bg-surface-panel py-1 text-sm shadow-lg ring-1 ring-black/10 dark:bg-surface-panel-dark dark:ring-white/10">
          {actions.canChange && (<>
          <div className="flex justify-between px-2 py-1" role="group" aria-label="React">
            {QUICK_REACTIONS.map((emoji) => (
              <button key={emoji} type="button" role="menuitem" aria-label={current === emoji ? `Remove reaction ${emoji}` : `React ${emoji}`}
                onClick={() => choose(() => actions.react(message, current === emoji ? null : emoji))}
                className={`rounded-full p-1 text-xl leading-none transition hover:scale-110 hover:bg-black/5 dark:hover:bg-white/10 ${current === emoji ? 'bg-brand/15 dark:bg-white/15' : ''}`}>
                {emoji}
              </button>
            ))}
          </div>
          <div className="my-1 border-t border-black/5 dark:border-white/10" />
          </>)}
          {itemsFor(message, mine, actions).map((item) => (
            <button key={item.label} type="button" role="menuitem" onClick={() => choose(item.run)}
              className={`block w-full px-4 py-2 text-left hover:bg-black/5 focus:bg-black/5 focus:outline-none dark:hover:bg-white/10 dark:focus:bg-white/10 ${
                item.danger ? 'text-red-700 dark:text-red-300' : ''
              }`}>
              {item.label}
            </button>
          ))}
        </div>
      )}
    </>
  );
}

/** Opens the menu on a long press (touch) or a right click, as WhatsApp does. */
export function useMenuGestures(open: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = useRef<{ x: number; y: number } | null>(null);
  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  useEffect(() => cancel, []);
  return {
    onContextMenu: (e: MouseEvent) => {
      if (window.getSelection()?.toString()) return; // leave the browser's menu for copying a selection
      e.preventDefault();
      open();
    },
    onPointerDown: (e: PointerEvent) => {
      if (e.pointerType !== 'touch') return;
      start.current = { x: e.clientX, y: e.clientY };
      cancel();
      timer.current = setTimeout(open, 500);
    },
    onPointerMove: (e: PointerEvent) => {
      if (start.current && Math.hypot(e.clientX - start.current.x, e.clientY - start.current.y) > 10) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
  };
}
