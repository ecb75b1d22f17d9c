'use client';
// One chat in the list: avatar (online dot), name, time, what was said last (or typing…, or a draft),
// pin, mute and unread marks, and its menu.
import { useState, useSyncExternalStore, type ReactNode } from 'react';
import type { ConversationSummary } from '@/lib/schemas.ts';
import { messagePreview } from '@/lib/media.ts';
import type { DraftStore } from '@/lib/sync/drafts.ts';
import type { TypingStore } from '@/lib/sync/typing.ts';
import { Avatar } from '../ui/avatar.tsx';
import { formatInboxTime } from '../ui/format.ts';
import { BellOffIcon, PinIcon } from '../ui/icons.tsx';
import { useMenuGestures } from '../ui/menu.tsx';

const NOBODY: readonly string[] = [];
const noSubscription = () => () => {};
const zero = () => 0;

/** The chat's menu, given whether it is open: rendered beside the row (never inside its button). */
export type RowMenu = (open: boolean, setOpen: (open: boolean) => void) => ReactNode;

export function ConversationRow({ conversation: c, active, meId, onOpen, typing, drafts, online = false, menu }: {
  conversation: ConversationSummary;
  drafts?: DraftStore;
  active: boolean;
  meId: string;
  onOpen: (id: string) => void;
  typing?: TypingStore;
  online?: boolean;
  menu?: RowMenu;
}) {
  const typers = useSyncExternalStore(typing?.subscribe ?? noSubscription, () => typing?.typers(c.id) ?? NOBODY, () => NOBODY);
  useSyncExternalStore(drafts?.subscribe ?? noSubscription, drafts?.getVersion ?? zero, zero);
  const [menuOpen, setMenuOpen] = useState(false);
  const gestures = useMenuGestures(() => setMenuOpen(true));
  const draft = active ? '' : (drafts?.get(c.id) ?? '');
  const preview = previewOf(c, meId);
  const unread = c.unreadCount > 0 || c.markedUnread;
  return (
    <div className="group/row relative" {...(menu ? gestures : {})}>
      <button
        type="button"
        onClick={() => onOpen(c.id)}
        aria-current={active ? 'true' : undefined}
        className={`flex w-full items-center gap-3 px-3 py-2.5 text-left transition hover:bg-black/[.04] dark:hover:bg-white/[.04] ${active ? 'bg-black/[.06] dark:bg-white/[.06]' : ''}`}
      >
        <span className="relative shrink-0">
          <Avatar id={c.peer?.id ?? c.id} name={c.title} group={c.kind === 'group'} photo={c.photo} />
          {online && (
            <span role="img" aria-label="online" className="absolute bottom-0 right-0 h-3.5 w-3.5 rounded-full border-2 border-surface-panel bg-emerald-500 dark:border-surface-panel-dark" />
          )}
        </span>
        <span className="min-w-0 flex-1 border-b border-black/5 pb-2.5 dark:border-white/5">
          <span className="flex items-baseline justify-between gap-2">
            <span className="truncate font-medium">{c.title}</span>
            <span className={`shrink-0 text-xs ${unread && !c.mutedUntil ? 'font-medium text-brand dark:text-emerald-400' : 'text-neutral-600 dark:text-neutral-400'}`}>
              {formatInboxTime(c.lastActivityAt)}
            </span>
          </span>
          <span className="mt-0.5 flex items-center justify-between gap-2">
            {typers.length > 0 ? (
              <span className="truncate text-sm font-medium text-brand dark:text-emerald-400">typing…</span>
            ) : draft ? (
              <span dir="auto" className="truncate text-sm text-neutral-600 dark:text-neutral-400">
                <span className="font-medium text-brand dark:text-emerald-400">Draft: </span>
                {draft}
              </span>
            ) : (
              <span dir="auto" className="truncate text-sm text-neutral-600 dark:text-neutral-400">{preview}</span>
            )}
            {/* Room for the menu button, which sits over this corner. */}
            <span className={`flex shrink-0 items-center gap-1.5 ${menu ? 'pr-6' : ''}`}>
              {c.mutedUntil && <BellOffIcon label="Muted" className="h-4 w-4 text-neutral-500" />}
              {c.pinnedAt && <PinIcon label="Pinned" className="h-4 w-4 text-neutral-500" />}
              {c.unreadCount > 0 ? (
                <span
                  aria-label={`${c.unreadCount} unread ${c.unreadCount === 1 ? 'message' : 'messages'}`}
                  className={`min-w-5 shrink-0 rounded-full px-1.5 text-center text-xs font-semibold leading-5 ${c.mutedUntil ? 'bg-neutral-600 text-white dark:bg-neutral-500 dark:text-neutral-900' : 'bg-brand text-white dark:bg-emerald-500 dark:text-neutral-900'}`}
                >
                  {c.unreadCount > 999 ? '999+' : c.unreadCount}
                </span>
              ) : c.markedUnread ? (
                <span role="img" aria-label="Marked unread" className={`h-3 w-3 rounded-full ${c.mutedUntil ? 'bg-neutral-600' : 'bg-brand dark:bg-emerald-500'}`} />
              ) : null}
            </span>
          </span>
        </span>
      </button>
      {menu && <div className="absolute bottom-3 right-2">{menu(menuOpen, setMenuOpen)}</div>}
    </div>
  );
}

/** "You: …" for your own messages; "Alice: …" in groups; a system message in words ("You added Bob"). */
export function previewOf(c: ConversationSummary, meId: string): string {
  const m = c.lastMessage;
  if (!m) return 'No messages yet';
  if (m.kind === 'system') {
    // The inbox knows only the actor's name (the sender's); the stored text names everyone.
    const actorIsMe = m.senderId === meId && c.lastSenderName && m.body.startsWith(c.lastSenderName);
    return actorIsMe ? `You${m.body.slice(c.lastSenderName!.length)}` : m.body;
  }
  if (m.deleted) return m.senderId === meId ? 'You deleted this message' : 'This message was deleted';
  const said = messagePreview(m);
  if (m.senderId === meId) return `You: ${said}`;
  return c.kind === 'group' && c.lastSenderName ? `${c.lastSenderName}: ${said}` : said;
}
