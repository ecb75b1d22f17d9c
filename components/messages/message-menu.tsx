'use client';
// A message's menu: a quick row of reactions and what can be done with it (reply, copy, forward, edit,
// info, delete for me or everyone), beside the bubble (components/ui/menu.tsx).
import { DELETE_WINDOW_MS, EDIT_WINDOW_MS } from '@/lib/limits.ts';
import { reactionOf } from '@/lib/message-changes.ts';
import type { Message } from '@/lib/schemas.ts';
import { PlusIcon } from '../ui/icons.tsx';
import { Menu, type MenuItem } from '../ui/menu.tsx';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export interface MessageActions {
  /** False for a former member: they may read and copy, nothing more. */
  canChange: boolean;
  reply(message: Message): void;
  forward(message: Message): void;
  react(message: Message, emoji: string | null): void;
  /** Opens the full emoji picker to react with any emoji. */
  chooseReaction(message: Message): void;
  copy(message: Message): void;
  edit(message: Message): void;
  /** Asks, then deletes for me, or (forEveryone: the caller's own, within the hour) for everyone too. */
  remove(message: Message, forEveryone: boolean): void;
  info(message: Message): void;
  /** Shows a message (the one a reply quotes), loading history as far up as needed. */
  show(seq: number): void;
  /** Opens a message's photo in the viewer. */
  openPhoto(message: Message): void;
}

function itemsFor(message: Message, mine: boolean, actions: MessageActions): MenuItem[] {
  const age = Date.now() - message.createdAt.getTime();
  const can = actions.canChange;
  const remove: MenuItem = { label: 'Delete', run: () => actions.remove(message, can && mine && !message.deleted && age < DELETE_WINDOW_MS), danger: true };
  // "This message was deleted" can still be deleted for me, and nothing else.
  if (message.deleted) return [remove];
  const items: MenuItem[] = [];
  if (can) items.push({ label: 'Reply', run: () => actions.reply(message) });
  items.push({ label: 'Copy', run: () => actions.copy(message) });
  items.push({ label: 'Forward', run: () => actions.forward(message) });
  if (can && mine && age < EDIT_WINDOW_MS) items.push({ label: 'Edit', run: () => actions.edit(message) });
  if (can && mine) items.push({ label: 'Message info', run: () => actions.info(message) });
  items.push(remove);
  return items;
}

export function MessageMenu({ message, mine, meId, actions, open, onOpenChange }: {
  message: Message;
  mine: boolean;
  meId: string;
  actions: MessageActions;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const current = reactionOf(message, meId);
  return (
    <Menu label="Message actions" buttonLabel="Message menu" items={itemsFor(message, mine, actions)} open={open} onOpenChange={onOpenChange}
      align={mine ? 'end' : 'start'} buttonClassName="self-center"
      header={(choose) =>
        actions.canChange && !message.deleted && (
          <>
            <div className="flex items-center justify-between px-2 py-1" role="group" aria-label="React">
              {QUICK_REACTIONS.map((emoji) => (
                <button key={emoji} type="button" role="menuitem" aria-label={current === emoji ? `Remove reaction ${emoji}` : `React ${emoji}`}
                  onClick={() => choose(() => actions.react(message, current === emoji ? null : emoji))}
                  className={`rounded-full p-0.5 text-xl leading-none transition hover:scale-110 hover:bg-black/5 dark:hover:bg-white/10 ${current === emoji ? 'bg-brand/15 dark:bg-white/15' : ''}`}>
                  {emoji}
                </button>
              ))}
              <button type="button" role="menuitem" aria-label="More reactions" title="More reactions"
                onClick={() => choose(() => actions.chooseReaction(message))}
                className="rounded-full p-1 text-neutral-600 hover:bg-black/5 dark:text-neutral-300 dark:hover:bg-white/10">
                <PlusIcon className="h-5 w-5" />
              </button>
            </div>
            <div className="my-1 border-t border-black/5 dark:border-white/10" />
          </>
        )
      } />
  );
}
