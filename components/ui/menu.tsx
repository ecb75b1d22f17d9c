'use client';
// A popup menu as people expect one: opened by its button (or a right click, or a long press on
// touch), placed beside the button on screen, the first item focused, arrows move, Esc and a click
// outside close it, and the focus goes back to the button.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent, type ReactNode } from 'react';
import { ChevronDownIcon } from './icons.tsx';
import { useDismiss } from './use-dismiss.ts';

const MENU_WIDTH = 224;

/** Below the button when there is room, else above; aligned to its start or end; never off screen. */
function placeMenu(button: HTMLElement, menu: HTMLElement, align: 'start' | 'end'): { left: number; top: number } {
  const b = button.getBoundingClientRect();
  const height = menu.offsetHeight;
  const top = b.bottom + height + 8 < window.innerHeight ? b.bottom + 4 : Math.max(8, b.top - height - 4);
  const left = align === 'end' ? b.right - MENU_WIDTH : b.left;
  return { top, left: Math.min(Math.max(8, left), window.innerWidth - MENU_WIDTH - 8) };
}

export interface MenuItem {
  label: string;
  run: () => void;
  danger?: boolean;
}

/**
 * The button and, while open, the menu. `header`: what comes before the items (a row of reactions),
 * its controls with role menuitem; `choose` wraps their actions so the menu closes first.
 */
export function Menu({ label, buttonLabel, items, open, onOpenChange, align = 'start', buttonClassName = '', header, icon }: {
  label: string;
  buttonLabel: string;
  items: MenuItem[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  align?: 'start' | 'end';
  buttonClassName?: string;
  header?: (choose: (run: () => void) => void) => ReactNode;
  /** The button's own icon, always shown (a toolbar's button); else a chevron shown on hover (a row's). */
  icon?: ReactNode;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);
  const close = useCallback(() => onOpenChange(false), [onOpenChange]);
  useDismiss(open, [button, menu], close);
  useLayoutEffect(() => {
    if (!open) return setPlace(null);
    if (button.current && menu.current) setPlace(placeMenu(button.current, menu.current, align));
  }, [open, align]);
  // Focus the first item when the menu opens; back to the button when it closes with the focus in it
  // (Esc, or an item chosen: the focus would be lost with the menu). A click elsewhere keeps its own.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open && place) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const lost = !document.activeElement || document.activeElement === document.body;
    if (!open && wasOpen.current && lost) button.current?.focus();
    wasOpen.current = open;
  }, [open, place]);

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
      <button ref={button} type="button" aria-label={buttonLabel} aria-haspopup="menu" aria-expanded={open}
        onClick={(e) => {
          e.stopPropagation();
          onOpenChange(!open);
        }}
        className={`shrink-0 rounded-full text-neutral-600 transition hover:bg-black/5 focus-visible:opacity-100 dark:text-neutral-300 dark:hover:bg-white/10 ${
          icon ? '' : `p-1 ${open ? 'opacity-100' : 'opacity-0 group-hover/row:opacity-100 [@media(hover:none)]:hidden'}`
        } ${buttonClassName}`}>
        {icon ?? <ChevronDownIcon className="h-5 w-5" />}
      </button>
      {open && (
        <div ref={menu} role="menu" aria-label={label} onKeyDown={onKeyDown}
          style={{ position: 'fixed', width: MENU_WIDTH, ...(place ?? { left: -9999, top: 0 }) }}
          className="z-40 overflow-hidden rounded-xl bg-surface-panel py-1 text-left text-sm shadow-lg ring-1 ring-black/10 dark:bg-surface-panel-dark dark:ring-white/10">
          {header?.(choose)}
          {items.map((item) => (
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

/** Opens a menu on a long press (touch) or a right click, as WhatsApp does. */
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
