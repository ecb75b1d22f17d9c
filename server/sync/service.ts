// What the live subscription promises (one per connection, on any transport):
// - it listens before it reads: it subscribes to the user's channel first, then reads the heads of
//   their conversations (id, last seq, watermarks), so nothing committed in between is missed;
// - it starts with those heads and holds live events back until they went out, then carries every
//   event for the user; a conversation's messages in seq order (in-order.ts: events published on
//   several instances can cross on the way);
// - whenever the bus says it may have lost events, it sends fresh heads: the client fetches what it
//   lacks by seq and drops what it already has by (conversation, seq);
// - reading the heads may fail (a database failover): it retries with backoff by itself, and never
//   shows the client an internal error;
// - an event lost on the way without the bus noticing (healer.ts), a message or a receipt, is made good
//   by fresh heads within DELIVERY_HEAL_S of its commit.
import { receiptOf, type BusEvent, type HeadsEvent, type ReceiptWatermarks, type ServerEvent } from '../../lib/events.ts';
import type { ConversationHead, ConversationId, ReceiptState, UserId } from '../../lib/schemas.ts';
import { listHeads } from '../conversations/service.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { channels, getBus, type Bus } from '../realtime/index.ts';
import { watch } from './healer.ts';
import { InOrder } from './in-order.ts';
import { backoffMs } from '../../lib/backoff.ts';

const log = logger.child({ part: 'sync' });
/** Events held back while heads are read; past it they are dropped and the heads read again (they cover them). */
const MAX_HELD = 10_000;

export type Deliver = (event: ServerEvent) => void;

export interface LiveEvents {
  /** Stops the events. */
  close(): void;
  /** Sends fresh heads (a reader that had to drop events asks for them). */
  resync(): void;
}

/** Where the events and the heads come from: the process's bus and database, unless a test says otherwise. */
export interface LiveSources {
  bus?: Bus;
  readHeads?: (userId: UserId) => Promise<ConversationHead[]>;
}

/** Opens the user's live events: `deliver` gets the heads, then every event, until closed. */
export function openLiveEvents(userId: UserId, deliver: Deliver, { bus = getBus(), readHeads = listHeads }: LiveSources = {}): LiveEvents {
  let closed = false;
  // Events that arrived while heads were being read (null: heads are out, events flow).
  let held: BusEvent[] | null = [];
  let reading = false;
  let readAgain = false;
  let retryTimer: NodeJS.Timeout | null = null;

  const onEvent = (event: BusEvent) => {
    if (closed) return;
    if (held === null) return forward(event);
    if (held.length < MAX_HELD) held.push(event);
    else readAgain = true; // the next heads will cover what was dropped
  };

  // The receipt watermarks each conversation's events and heads told the client (the healer compares).
  const receipts = new Map<ConversationId, ReceiptWatermarks>();
  const tell = (r: ReceiptState) => {
    const told = receipts.get(r.conversationId) ?? { deliveredSeq: 0, readSeq: 0, allDeliveredSeq: 0, allReadSeq: 0 };
    const own = r.userId === userId;
    receipts.set(r.conversationId, {
      deliveredSeq: own ? Math.max(told.deliveredSeq, r.deliveredSeq) : told.deliveredSeq,
      readSeq: own ? Math.max(told.readSeq, r.readSeq) : told.readSeq,
      allDeliveredSeq: Math.max(told.allDeliveredSeq, r.allDeliveredSeq),
      allReadSeq: Math.max(told.allReadSeq, r.allReadSeq),
    });
  };
  const order = new InOrder((event) => {
    if (event.type === 'message.new') {
      metrics.messagesDelivered.inc();
      metrics.busLag.observe((Date.now() - event.message.createdAt.getTime()) / 1000);
      // A send that read someone else's messages says so; one that passed only its sender's own
      // moves their watermarks up to it at most (messages/write.ts), with nothing to say.
      const { conversationId, senderId, seq } = event.message;
      const receipt = receiptOf(event);
      if (receipt) tell(receipt);
      else if (senderId === userId) tell({ conversationId, userId, deliveredSeq: seq, readSeq: seq, allDeliveredSeq: 0, allReadSeq: 0 });
    } else if (event.type === 'receipt.updated') {
      tell(event);
    }
    deliver(event);
  });
  const forward = (event: BusEvent) => order.push(event);

  const sendHeads = async (attempt = 0): Promise<void> => {
    if (closed) return;
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    held ??= [];
    try {
      const heads: HeadsEvent = { type: 'sync.heads', conversations: await readHeads(userId) };
      if (closed) return;
      deliver(heads);
      order.reset(heads.conversations);
      for (const { id, lastSeq: _, ...watermarks } of heads.conversations) receipts.set(id, watermarks);
      const release = held;
      held = null;
      release.forEach(forward);
    } catch (err) {
      const delay = backoffMs(attempt);
      metrics.headsRetried.inc();
      log.warn({ err, userId, retryInMs: delay }, 'reading heads failed; retrying');
      reading = false;
      retryTimer = setTimeout(() => void sendHeads(attempt + 1), delay);
      return;
    }
    reading = false;
    if (readAgain) {
      readAgain = false;
      void sendHeads();
    }
  };

  const unsubscribe = bus.subscribe(channels.user(userId), onEvent);
  const stopGaps = bus.onGap(() => void sendHeads());
  const stopHealing = watch(userId, {
    ready: () => held === null && !closed,
    told: (conversationId) => ({ lastSeq: order.seen(conversationId), ...receipts.get(conversationId) }),
    resync: () => void sendHeads(),
  });
  void sendHeads();
  return {
    close: () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      order.close();
      unsubscribe();
      stopGaps();
      stopHealing();
    },
    resync: () => void sendHeads(),
  };
}

/** The same events as an async iterable, for tRPC's subscription procedure (the HTTP fallback, tests). */
export async function* liveEvents(userId: UserId, signal: AbortSignal | undefined, sources: LiveSources = {}): AsyncGenerator<ServerEvent> {
  const queue: ServerEvent[] = [];
  let wake: (() => void) | null = null;
  const live = openLiveEvents(userId, (event) => {
    // A reader this far behind gets fresh heads instead of the backlog.
    if (queue.length >= MAX_HELD && event.type !== 'sync.heads') {
      queue.length = 0;
      live.resync();
    } else queue.push(event);
    wake?.();
  }, sources);
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal?.aborted) {
      const event = queue.shift();
      if (event) {
        yield event;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    live.close();
    signal?.removeEventListener('abort', onAbort);
  }
}
