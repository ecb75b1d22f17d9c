'use client';
// The history: messages by sequence with day separators, older pages loaded as you scroll up, no jumps.
import { Fragment, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Message, SystemEvent } from '@/lib/schemas.ts';
import type { ConversationMessages, PendingMessage } from '@/lib/sync/message-store.ts';
import { MessageBubble, PendingBubble } from '../messages/bubble.tsx';
import type { MessageActions } from '../messages/message-menu.tsx';
import { formatDayLabel, isSameDay } from '../ui/format.ts';
import { ChevronDownIcon } from '../ui/icons.tsx';
import { describeSystemEvent, type NameOf, type PhotoOf } from '../ui/people.ts';

// Start loading the previous page this far (px) before the top is reached.
const LOAD_OLDER_MARGIN = 400;
// Within this distance of the bottom, new messages keep the view pinned to the bottom.
const STICKY_BOTTOM = 80;
// A message jumped to stays marked this long.
const HIGHLIGHT_MS = 1_600;

type Row = { kind: 'message'; message: Message } | { kind: 'pending'; pending: PendingMessage };

export function MessageList({ view, meId, isDirect, nameOf, photoOf, allDeliveredSeq, allReadSeq, unread, onLoadOlder, onBottomVisibleSeq, onRetry, onDiscard, actions, jump }: {
  view: ConversationMessages;
  meId: string;
  isDirect: boolean;
  /** Names of the conversation's members ("You" for the caller): senders in groups, system messages. */
  nameOf: NameOf;
  /** Group members' photos, beside their runs of messages. */
  photoOf?: PhotoOf;
  /** Every member has messages up to these seqs delivered / read: the ticks. */
  allDeliveredSeq: number;
  allReadSeq: number;
  /**
   * What was unread when the chat opened: an "N unread messages" divider goes before fromSeq, and the
   * chat opens there instead of at the bottom. Undefined while that is not known yet: nothing is
   * positioned nor reported as seen until it is.
   */
  unread: { fromSeq: number; count: number } | null | undefined;
  onLoadOlder: () => Promise<void>;
  /**
   * The newest message whose bottom edge is on screen, whenever it changes; the top seq held when it
   * is the last one (the changes after it are read with it).
   */
  onBottomVisibleSeq: (seq: number) => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  actions: MessageActions;
  /** Scroll to this message (held by now) and mark it for a moment; a new object each time. */
  jump: { seq: number } | null;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [highlighted, setHighlighted] = useState<number | null>(null);
  useEffect(() => {
    if (!jump) return;
    ref.current?.querySelector(`li[data-seq="${jump.seq}"]`)?.scrollIntoView({ block: 'center' });
    setHighlighted(jump.seq);
    const timer = setTimeout(() => setHighlighted(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [jump]);
  const fromBottom = useRef(0); // scrollHeight - scrollTop, kept across renders
  const firstSeq = useRef<number | undefined>(undefined);
  const pendingCount = useRef(0);
  const positioned = useRef(false);
  const [atBottom, setAtBottom] = useState(true);
  const [bottomSeq, setBottomSeq] = useState(0);
  const [loadingOlder, setLoadingOlder] = useState(false);

  // The peer's own messages move their watermarks (sending reads everything before it), so in a
  // one-to-one chat a reply is proof of reading, even before their receipt arrives.
  const peerSeqs = isDirect ? view.messages.filter((m) => m.senderId !== meId && m.kind === 'text').map((m) => m.seq - 1) : [];
  const readUpTo = Math.max(allReadSeq, ...peerSeqs);
  const deliveredUpTo = Math.max(allDeliveredSeq, readUpTo);
  // New messages below what is on screen, for the button that goes down.
  const below = atBottom ? 0 : view.messages.filter((m) => m.seq > bottomSeq && m.kind === 'text' && m.senderId !== meId).length;

  const rows: Row[] = [
    ...view.messages.map((message) => ({ kind: 'message' as const, message })),
    ...view.pending.map((pending) => ({ kind: 'pending' as const, pending })),
  ];

  const isAtBottom = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight <= STICKY_BOTTOM;

  // After every change: the first time, open at the unread divider (or the bottom); then stay pinned
  // to the bottom if we were there; when older messages came in above, keep what is on screen where
  // it was; when newer ones came in below, leave the view alone (reading history is not disturbed).
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || (!view.loaded && view.messages.length === 0) || unread === undefined) return;
    const divider = el.querySelector<HTMLElement>('[data-unread-divider]');
    const olderAdded = firstSeq.current !== undefined && (view.messages[0]?.seq ?? Infinity) < firstSeq.current;
    // Your own send takes you to the bottom, wherever you were reading.
    const sent = view.pending.length > pendingCount.current;
    pendingCount.current = view.pending.length;
    if (sent) el.scrollTop = el.scrollHeight;
    else if (!positioned.current) {
      positioned.current = true;
      // Below the day's label, which stays stuck at the top and would cover the divider.
      if (divider) el.scrollTop = divider.offsetTop - 8 - (el.querySelector<HTMLElement>('li.sticky')?.offsetHeight ?? 0);
      else el.scrollTop = el.scrollHeight;
    } else if (fromBottom.current - el.clientHeight <= STICKY_BOTTOM) el.scrollTop = el.scrollHeight;
    else if (olderAdded) el.scrollTop = el.scrollHeight - fromBottom.current;
    firstSeq.current = view.messages[0]?.seq;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    setAtBottom(isAtBottom(el));
    reportVisible();
  }, [view, unread]);

  // The list gets shorter when the composer grows (or the keyboard opens): one at the bottom stays there.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let height = el.clientHeight;
    const observer = new ResizeObserver(() => {
      if (fromBottom.current - height <= STICKY_BOTTOM) el.scrollTop = el.scrollHeight;
      height = el.clientHeight;
      fromBottom.current = el.scrollHeight - el.scrollTop;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  function toBottom() {
    const el = ref.current;
    if (el) el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
  }

  function reportVisible() {
    const el = ref.current;
    if (!el || !positioned.current) return;
    const viewportBottom = el.getBoundingClientRect().bottom;
    const items = el.querySelectorAll<HTMLElement>('li[data-seq]');
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i].getBoundingClientRect().bottom <= viewportBottom + 1) {
        const seq = Number(items[i].dataset.seq);
        setBottomSeq(seq);
        onBottomVisibleSeq(i === items.length - 1 ? Math.max(view.topSeq, seq) : seq);
        return;
      }
    }
  }

  async function onScroll() {
    const el = ref.current!;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    setAtBottom(isAtBottom(el));
    reportVisible();
    if (el.scrollTop < LOAD_OLDER_MARGIN && view.hasMoreBefore && !loadingOlder) {
      setLoadingOlder(true);
      try {
        await onLoadOlder();
      } finally {
        setLoadingOlder(false);
      }
    }
  }

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
    <div ref={ref} onScroll={() => void onScroll()} className="chat-wallpaper min-h-0 flex-1 overflow-y-auto px-3 py-2 sm:px-[6%]"
      role="log" aria-label="Messages" aria-live="polite">
      {!view.loaded && view.messages.length === 0 && view.pending.length === 0 ? (
        <p className="mt-8 text-center text-sm text-neutral-600 dark:text-neutral-400" aria-busy="true">Loading messages…</p>
      ) : (
        <>
          {!view.loaded ? (
            // What this device kept, shown until the server answers: older messages may exist.
            <p className="py-3 text-center text-xs text-neutral-600 dark:text-neutral-400">Earlier messages load when the server is reachable.</p>
          ) : view.hasMoreBefore ? (
            <p className="py-3 text-center text-xs text-neutral-600 dark:text-neutral-400">{loadingOlder ? 'Loading earlier messages…' : '\u00a0'}</p>
          ) : rows.length === 0 ? (
            <p className="mx-auto mt-8 max-w-xs rounded-lg bg-amber-50 px-4 py-2 text-center text-sm text-amber-900 shadow-sm dark:bg-amber-950/60 dark:text-amber-100">
              No messages here yet. Say hello!
            </p>
          ) : (
            <p className="mx-auto my-3 max-w-sm rounded-lg bg-amber-50 px-3 py-1.5 text-center text-xs text-amber-900 shadow-sm dark:bg-amber-950/60 dark:text-amber-100">
              This is the beginning of your conversation.
            </p>
          )}
          <ol className="space-y-0.5">
            {rows.map((row, i) => {
              const at = row.kind === 'message' ? row.message.createdAt : row.pending.createdAt;
              const prev = rows[i - 1];
              const prevAt = prev && (prev.kind === 'message' ? prev.message.createdAt : prev.pending.createdAt);
              const newDay = !prevAt || !isSameDay(prevAt, at);
              return (
                <Fragment key={row.kind === 'message' ? `m${row.message.seq}` : `p${row.pending.clientId}`}>
                  {newDay && (
                    <li className="sticky top-0 z-10 flex justify-center py-2">
                      <span className="rounded-md bg-white/95 px-3 py-1 text-xs font-medium text-neutral-600 shadow-sm dark:bg-surface-panel-dark dark:text-neutral-300">
                        {formatDayLabel(at)}
                      </span>
                    </li>
                  )}
                  {unread && row.kind === 'message' && row.message.seq === unread.fromSeq && (
                    <li data-unread-divider className="flex justify-center py-2">
                      <span className="rounded-full bg-white/95 px-4 py-1 text-xs font-medium text-brand shadow-sm dark:bg-surface-panel-dark dark:text-emerald-300">
                        {unread.count === 1 ? '1 unread message' : `${unread.count.toLocaleString()} unread messages`}
                      </span>
                    </li>
                  )}
                  {row.kind === 'message' && row.message.kind === 'system' ? (
                    <li className="flex justify-center py-1" data-seq={row.message.seq}>
                      <span className="max-w-[85%] rounded-md bg-white/95 px-3 py-1 text-center text-xs text-neutral-600 shadow-sm dark:bg-surface-panel-dark dark:text-neutral-300">
                        {describeSystemEvent(row.message.event as SystemEvent | null, row.message.body, nameOf)}
                      </span>
                    </li>
                  ) : row.kind === 'message' ? (
                    <MessageBubble message={row.message} mine={row.message.senderId === meId} meId={meId} nameOf={nameOf} photoOf={photoOf} actions={actions}
                      highlighted={highlighted === row.message.seq}
                      status={row.message.seq <= readUpTo ? 'read' : row.message.seq <= deliveredUpTo ? 'delivered' : 'sent'}
                      first={newDay || !continuesRun(prev, row.message) || unread?.fromSeq === row.message.seq}
                      avatar={!isDirect && row.message.senderId !== meId}
                      sender={!isDirect && row.message.senderId !== meId && (newDay || !continuesRun(prev, row.message))
                        ? { id: row.message.senderId, name: nameOf(row.message.senderId) ?? 'Former member' } : undefined} />
                  ) : (
                    <PendingBubble pending={row.pending} nameOf={nameOf} onRetry={() => onRetry(row.pending.clientId)} onDiscard={() => onDiscard(row.pending.clientId)} />
                  )}
                </Fragment>
              );
            })}
          </ol>
        </>
      )}
    </div>
    {!atBottom && (
      <button type="button" onClick={toBottom} aria-label={below ? `Scroll to the newest messages: ${below} new` : 'Scroll to the newest messages'}
        className="absolute bottom-3 right-4 flex h-10 w-10 items-center justify-center rounded-full bg-surface-panel text-neutral-600 shadow-md ring-1 ring-black/5 hover:bg-white dark:bg-surface-panel-dark dark:text-neutral-300 dark:ring-white/10">
        <ChevronDownIcon className="h-6 w-6" />
        {below > 0 && (
          <span className="absolute -top-2 -right-1 min-w-5 rounded-full bg-brand px-1.5 text-center text-xs font-semibold leading-5 text-white dark:bg-emerald-500 dark:text-neutral-900">
            {below > 99 ? '99+' : below}
          </span>
        )}
      </button>
    )}
    </div>
  );
}

/** Whether a message continues the previous row's run (same sender, no system message between). */
function continuesRun(prev: Row | undefined, message: Message): boolean {
  return prev?.kind === 'message' && prev.message.kind === 'text' && prev.message.senderId === message.senderId;
}
