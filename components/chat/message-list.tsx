'use client';
// The history: messages by sequence with day separators, older pages loaded as you scroll up, no jumps.
import { Fragment, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Message, SystemEvent } from '@/lib/schemas.ts';
import type { ConversationMessages, PendingMessage } from '@/lib/sync/message-store.ts';
import { MessageBubble, PendingBubble } from '../messages/bubble.tsx';
import type { MessageActions } from '../messages/message-menu.tsx';
import { formatDayLabel, isSameDay } from '../ui/format.ts';
import { describeSystemEvent, type NameOf } from '../ui/people.ts';

// Start loading the previous page this far (px) before the top is reached.
const LOAD_OLDER_MARGIN = 400;
// Within this distance of the bottom, new messages keep the view pinned to the bottom.
const STICKY_BOTTOM = 80;
// A message jumped to stays marked this long.
const HIGHLIGHT_MS = 1_600;

type Row = { kind: 'message'; message: Message } | { kind: 'pending'; pending: PendingMessage };

export function MessageList({ view, meId, isDirect, nameOf, allDeliveredSeq, allReadSeq, onLoadOlder, onBottomVisibleSeq, onRetry, onDiscard, actions, jump }: {
  view: ConversationMessages;
  meId: string;
  isDirect: boolean;
  /** Names of the conversation's members ("You" for the caller): senders in groups, system messages. */
  nameOf: NameOf;
  /** Every member has messages up to these seqs delivered / read: the ticks. */
  allDeliveredSeq: number;
  allReadSeq: number;
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
  const [loadingOlder, setLoadingOlder] = useState(false);

  // The peer's own messages move their watermarks (sending reads everything before it), so in a
  // one-to-one chat a reply is proof of reading, even before their receipt arrives.
  const peerSeqs = isDirect ? view.messages.filter((m) => m.senderId !== meId && m.kind === 'text').map((m) => m.seq - 1) : [];
  const readUpTo = Math.max(allReadSeq, ...peerSeqs);
  const deliveredUpTo = Math.max(allDeliveredSeq, readUpTo);

  const rows: Row[] = [
    ...view.messages.map((message) => ({ kind: 'message' as const, message })),
    ...view.pending.map((pending) => ({ kind: 'pending' as const, pending })),
  ];

  // After every change: stay pinned to the bottom if we were there; otherwise keep what is on screen
  // where it was (older messages added above must not push it away).
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (fromBottom.current - el.clientHeight <= STICKY_BOTTOM) el.scrollTop = el.scrollHeight;
    else el.scrollTop = el.scrollHeight - fromBottom.current;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    reportVisible();
  }, [view]);

  function reportVisible() {
    const el = ref.current;
    if (!el) return;
    const viewportBottom = el.getBoundingClientRect().bottom;
    const items = el.querySelectorAll<HTMLElement>('li[data-seq]');
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i].getBoundingClientRect().bottom <= viewportBottom + 1) {
        onBottomVisibleSeq(i === items.length - 1 ? Math.max(view.topSeq, Number(items[i].dataset.seq)) : Number(items[i].dataset.seq));
        return;
      }
    }
  }

  async function onScroll() {
    const el = ref.current!;
    fromBottom.current = el.scrollHeight - el.scrollTop;
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
    <div ref={ref} onScroll={() => void onScroll()} className="chat-wallpaper min-h-0 flex-1 overflow-y-auto px-3 py-2 sm:px-[6%]"
      role="log" aria-label="Messages" aria-live="polite">
      {!view.loaded ? (
        <p className="mt-8 text-center text-sm text-neutral-600 dark:text-neutral-400" aria-busy="true">Loading messages…</p>
      ) : (
        <>
          {view.hasMoreBefore ? (
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
          <ol className="space-y-1">
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
                  {row.kind === 'message' && row.message.kind === 'system' ? (
                    <li className="flex justify-center py-1" data-seq={row.message.seq}>
                      <span className="max-w-[85%] rounded-md bg-white/95 px-3 py-1 text-center text-xs text-neutral-600 shadow-sm dark:bg-surface-panel-dark dark:text-neutral-300">
                        {describeSystemEvent(row.message.event as SystemEvent | null, row.message.body, nameOf)}
                      </span>
                    </li>
                  ) : row.kind === 'message' ? (
                    <MessageBubble message={row.message} mine={row.message.senderId === meId} meId={meId} nameOf={nameOf} actions={actions}
                      highlighted={highlighted === row.message.seq}
                      status={row.message.seq <= readUpTo ? 'read' : row.message.seq <= deliveredUpTo ? 'delivered' : 'sent'}
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
  );
}

/** Whether a group message continues the previous row's run (same sender, no system message between). */
function continuesRun(prev: Row | undefined, message: Message): boolean {
  return prev?.kind === 'message' && prev.message.kind === 'text' && prev.message.senderId === message.senderId;
}
