'use client';
// The history: messages by sequence with day separators, older pages loaded as you scroll up, no jumps.
import { Fragment, useLayoutEffect, useRef, useState } from 'react';
import type { Message } from '@/lib/schemas.ts';
import { formatDayLabel, formatTime, isSameDay } from '../ui/format.ts';
import { AlertIcon, ChevronDownIcon, ClockIcon, DoubleTickIcon, TickIcon } from '../ui/icons.tsx';
import { LinkifiedText } from '../ui/linkified-text.tsx';
import { describeSystemEvent, nameColour, type NameOf } from '../ui/people.ts';
import type { ConversationMessages, PendingMessage } from '@/lib/sync/message-store.ts';

// Start loading the previous page this far (px) before the top is reached.
const LOAD_OLDER_MARGIN = 400;
// Within this distance of the bottom, new messages keep the view pinned to the bottom.
const STICKY_BOTTOM = 80;

type Row = { kind: 'message'; message: Message } | { kind: 'pending'; pending: PendingMessage };

type TickStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export function MessageList({ view, meId, isDirect, nameOf, allDeliveredSeq, allReadSeq, onLoadOlder, onBottomVisibleSeq, onRetry, onDiscard, onInfo }: {
  view: ConversationMessages;
  meId: string;
  isDirect: boolean;
  /** Names of the conversation's members ("You" for the caller): senders in groups, system messages. */
  nameOf: NameOf;
  /** Every member has messages up to these seqs delivered / read: the ticks. */
  allDeliveredSeq: number;
  allReadSeq: number;
  onLoadOlder: () => Promise<void>;
  /** The newest message whose bottom edge is on screen, whenever it changes. */
  onBottomVisibleSeq: (seq: number) => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** Opens "Message info" for one of the caller's messages. */
  onInfo: (seq: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
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
        onBottomVisibleSeq(Number(items[i].dataset.seq));
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
        <p className="mt-8 text-center text-sm text-neutral-500" aria-busy="true">Loading messages…</p>
      ) : (
        <>
          {view.hasMoreBefore ? (
            <p className="py-3 text-center text-xs text-neutral-500">{loadingOlder ? 'Loading earlier messages…' : '\u00a0'}</p>
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
                    <li className="sticky top-0 z-10 flex justify-center py-2" role="separator" aria-label={formatDayLabel(at)}>
                      <span className="rounded-md bg-white/95 px-3 py-1 text-xs font-medium text-neutral-600 shadow-sm dark:bg-surface-panel-dark dark:text-neutral-300">
                        {formatDayLabel(at)}
                      </span>
                    </li>
                  )}
                  {row.kind === 'message' && row.message.kind === 'system' ? (
                    <li className="flex justify-center py-1" data-seq={row.message.seq}>
                      <span className="max-w-[85%] rounded-md bg-white/95 px-3 py-1 text-center text-xs text-neutral-600 shadow-sm dark:bg-surface-panel-dark dark:text-neutral-300">
                        {describeSystemEvent(row.message.event, row.message.body, nameOf)}
                      </span>
                    </li>
                  ) : row.kind === 'message' ? (
                    <Bubble mine={row.message.senderId === meId} body={row.message.body} at={at} seq={row.message.seq}
                      status={row.message.seq <= readUpTo ? 'read' : row.message.seq <= deliveredUpTo ? 'delivered' : 'sent'}
                      sender={!isDirect && row.message.senderId !== meId && (newDay || !continuesRun(prev, row.message))
                        ? { id: row.message.senderId, name: nameOf(row.message.senderId) ?? 'Former member' } : undefined}
                      onInfo={row.message.senderId === meId ? () => onInfo(row.message.seq) : undefined} />
                  ) : (
                    <Bubble mine body={row.pending.body} at={at} status={row.pending.status} error={row.pending.error}
                      onRetry={() => onRetry(row.pending.clientId)}
                      onDelete={() => onDiscard(row.pending.clientId)} />
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

function Bubble({ mine, body, at, status, seq, sender, error, onRetry, onDelete, onInfo }: {
  mine: boolean;
  body: string;
  at: Date;
  status: TickStatus;
  seq?: number;
  /** In groups, the first of a run of someone else's messages is labelled with their name. */
  sender?: { id: string; name: string };
  error?: string;
  onRetry?: () => void;
  onDelete?: () => void;
  onInfo?: () => void;
}) {
  return (
    <li className={`flex ${mine ? 'justify-end' : 'justify-start'} ${sender ? 'pt-1' : ''}`} data-seq={seq}>
      <div
        className={`group relative max-w-[85%] rounded-lg px-2.5 pb-1.5 pt-1.5 text-[15px] shadow-sm sm:max-w-[65%] ${
          mine ? 'rounded-tr-none bg-bubble-out dark:bg-bubble-out-dark' : 'rounded-tl-none bg-bubble-in dark:bg-bubble-in-dark'
        }`}
      >
        {sender && <p className={`mb-0.5 text-[13px] font-semibold ${nameColour(sender.id)}`}>{sender.name}</p>}
        {onInfo && (
          <button type="button" onClick={onInfo} aria-label="Message info" title="Message info"
            className="absolute right-1 top-1 z-10 rounded-full bg-bubble-out/90 p-0.5 text-neutral-500 opacity-0 transition focus-visible:opacity-100 group-hover:opacity-100 dark:bg-bubble-out-dark/90 dark:text-neutral-300 [@media(hover:none)]:opacity-70">
            <ChevronDownIcon className="h-4 w-4" />
          </button>
        )}
        <p dir="auto" className="whitespace-pre-wrap [overflow-wrap:anywhere]">
          <LinkifiedText text={body} />
          {/* Room for the time so it never overlaps the last line. */}
          <span className={`inline-block ${mine ? 'w-[5.5rem]' : 'w-16'}`} aria-hidden="true" />
        </p>
        <span className="absolute bottom-1 right-2 flex items-center gap-1 text-[11px] text-neutral-500 dark:text-neutral-400">
          <time dateTime={at.toISOString()}>{formatTime(at)}</time>
          {mine && <Tick status={status} />}
        </span>
        {status === 'failed' && (
          <div role="alert" className="mt-1 flex flex-wrap items-center gap-2 border-t border-black/10 pt-1 text-xs text-red-700 dark:border-white/10 dark:text-red-300">
            <span>Not sent: {error}</span>
            <button type="button" onClick={onRetry} className="font-semibold underline">Retry</button>
            <button type="button" onClick={onDelete} className="font-semibold underline">Delete</button>
          </div>
        )}
      </div>
    </li>
  );
}

const TICK_LABEL: Record<TickStatus, string> = { sending: 'Pending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' };

/** WhatsApp's ticks: a clock while pending, one tick sent, two delivered, two coloured read. */
function Tick({ status }: { status: TickStatus }) {
  const icon =
    status === 'sending' ? <ClockIcon className="h-3.5 w-3.5" />
    : status === 'failed' ? <AlertIcon className="h-3.5 w-3.5 text-red-600" />
    : status === 'sent' ? <TickIcon className="h-4 w-4" />
    : <DoubleTickIcon className={`h-4 w-[18px] ${status === 'read' ? 'text-tick-read' : ''}`} />;
  return (
    <span role="img" aria-label={TICK_LABEL[status]} title={TICK_LABEL[status]} data-status={status} className="inline-flex">
      {icon}
    </span>
  );
}
