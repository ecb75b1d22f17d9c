// A bot client for tests of real servers: one WebSocket connection (bearer token, any URL a load
// balancer picks), the real MessageStore and SyncEngine, and an outbox-like sender.
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import type { ServerEvent } from '../../lib/events.ts';
import type { Message } from '../../lib/schemas.ts';
import { MessageStore } from '../../lib/sync/message-store.ts';
import { ReceiptBatcher } from '../../lib/sync/receipt-batcher.ts';
import { SyncEngine } from '../../lib/sync/sync-engine.ts';
import type { AppRouter } from '../router.ts';

// Nothing listens on port 1: a connection attempt there fails at once, as with the network down.
export const UNREACHABLE_URL = 'ws://127.0.0.1:1/';
/** A send with no answer (an ack lost with its socket) is given up after this and made again, as the outbox does. */
export const SEND_TIMEOUT_MS = 10_000;
// Server errors a retry cannot fix: the send itself is wrong, so the test is, not the network.
const FATAL_CODES = new Set(['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);

export interface SendRecord {
  sender: string;
  index: number;
  conversationId: string;
  clientId: string;
  body: string;
  attempts: number;
  ack?: Message;
  /** From the first attempt to the ack, ms. */
  latencyMs?: number;
}

export interface SimClient<U extends { id: string } = { id: string }> {
  user: U;
  tag: string;
  conversationIds: string[];
  store: MessageStore;
  engine: SyncEngine;
  /** The socket the wsClient currently uses (the last one it made). */
  socket: WebSocket | null;
  /** While set, every connection attempt goes nowhere (the network is down for this client). */
  offline: boolean;
  trpc: ReturnType<typeof createTRPCClient<AppRouter>>;
  /** Per conversation, the delivered tick the client shows: every member's delivered watermark, as heads and receipt events told it. */
  ticks: Map<string, number>;
  close(): Promise<void>;
  stats: {
    /** WebSockets that opened (the first, and one per reconnect). */
    socketsOpened: number;
    /** The URL of the last socket that opened. */
    connectedTo: string | null;
    headsEvents: number;
    /** When the last heads arrived (ms since the epoch; 0: none yet). */
    lastHeadsAt: number;
    /** Gap fills (messages.list calls) under way. */
    fillsInFlight: number;
    subscriptionStarts: number;
    /** Messages that came over the wire: message.new events and rows of gap-fill pages. */
    wireMessages: number;
    distinctWire: Set<string>;
    fillErrors: number;
    subscriptionErrors: number;
  };
}

export interface ClientOptions<U extends { id: string }> {
  user: U;
  tag: string;
  /** Conversations on screen from their start: the store resumes each of them from seq 0. */
  conversationIds: string[];
  /** Where to connect, asked before every attempt: a fixed URL, or a load balancer's pick. */
  url: string | (() => string);
  /** A session token of the user (sent as a bearer token, as a bot does). */
  token: string;
  retryDelayMs?: (attempt: number) => number;
  /** Every event of the subscription, after the sync engine has applied it. */
  onEvent?: (event: ServerEvent) => void;
  /** Acknowledges delivery of what it holds, as the app does (its ReceiptBatcher). */
  acks?: boolean;
}

export async function connectClient<U extends { id: string }>(options: ClientOptions<U>): Promise<SimClient<U>> {
  const { user, tag, conversationIds, token } = options;
  const authorization = `Bearer ${token}`;
  const client = { user, tag, conversationIds, socket: null, offline: false } as SimClient<U>;
  client.stats = {
    socketsOpened: 0,
    connectedTo: null,
    headsEvents: 0,
    lastHeadsAt: 0,
    fillsInFlight: 0,
    subscriptionStarts: 0,
    wireMessages: 0,
    distinctWire: new Set(),
    fillErrors: 0,
    subscriptionErrors: 0,
  };
  const { stats } = client;

  // A bot's connection (bearer token, no Origin), whose sockets the fault injector can reach.
  class TrackedSocket extends WebSocket {
    constructor(url: string | URL) {
      const target = client.offline ? UNREACHABLE_URL : url;
      super(target, { headers: { authorization } });
      client.socket = this;
      this.once('open', () => {
        stats.socketsOpened++;
        stats.connectedTo = String(target);
      });
    }
  }
  const wsClient = createWSClient({
    url: options.url,
    WebSocket: TrackedSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: options.retryDelayMs ?? ((attempt) => Math.min(50 * 2 ** attempt, 500)),
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
  client.trpc = trpc;

  client.ticks = new Map();
  const receipts = options.acks ? new ReceiptBatcher((input) => trpc.receipts.ack.mutate(input)) : null;
  client.store = new MessageStore();
  for (const id of conversationIds) client.store.addMessages(id, [], { hasMoreBefore: false });
  const countWire = (messages: Message[]) => {
    stats.wireMessages += messages.length;
    for (const m of messages) stats.distinctWire.add(`${m.conversationId}:${m.seq}`);
  };
  client.engine = new SyncEngine(
    client.store,
    {
      listAfter: async (conversationId, after, limit) => {
        stats.fillsInFlight++;
        try {
          const page = await trpc.messages.list.query({ conversationId, after, limit });
          countWire(page.messages);
          return page;
        } finally {
          stats.fillsInFlight--;
        }
      },
    },
    {
      onError: () => stats.fillErrors++,
      // As the app: a conversation's news is delivered once the heads told of it, or a message came.
      onMessages: (conversationId, messages) => {
        const fromOthers = messages.filter((m) => m.senderId !== user.id);
        if (fromOthers.length) receipts?.delivered(conversationId, Math.max(...fromOthers.map((m) => m.seq)));
      },
      onHeads: (heads) => {
        for (const h of heads) {
          client.ticks.set(h.id, h.allDeliveredSeq);
          if (h.deliveredSeq < h.lastSeq) receipts?.delivered(h.id, h.lastSeq);
        }
      },
      onReceipt: (r) => client.ticks.set(r.conversationId, Math.max(client.ticks.get(r.conversationId) ?? 0, r.allDeliveredSeq)),
    },
  );

  let closing = false;
  let subscription: { unsubscribe(): void } | null = null;
  const subscribe = () => {
    subscription = trpc.sync.events.subscribe(undefined, {
      onStarted: () => stats.subscriptionStarts++,
      onData: (tracked) => {
        const event = tracked.data as ServerEvent;
        if (event.type === 'sync.heads') {
          stats.headsEvents++;
          stats.lastHeadsAt = Date.now();
        }
        if (event.type === 'message.new') countWire([event.message]);
        client.engine.handle(event);
        options.onEvent?.(event);
      },
      // wsClient resends a subscription on reconnect by itself; one the server ended is made again.
      onError: () => {
        stats.subscriptionErrors++;
        if (!closing) setTimeout(subscribe, 100);
      },
    });
  };
  subscribe();

  client.close = async () => {
    closing = true;
    receipts?.close();
    client.engine.close();
    subscription?.unsubscribe();
    await wsClient.close();
  };
  return client;
}

/** Cuts the client off: its socket dies and it cannot connect again until `goOnline`. */
export function goOffline(client: SimClient): void {
  client.offline = true;
  client.socket?.terminate();
}

export function goOnline(client: SimClient): void {
  client.offline = false; // wsClient's own retry finds the server again within its backoff
}

/**
 * Sends until acked, with the same clientId every time (the outbox contract). `isOver` says the test
 * has ended, so a failed run's send loops stop instead of retrying in a shared worker.
 */
export async function sendUntilAcked(client: SimClient, record: SendRecord, deadline: number, isOver: () => boolean = () => false): Promise<void> {
  const { conversationId, clientId, body } = record;
  client.store.addPending({ clientId, conversationId, body, createdAt: new Date(), status: 'sending' });
  const firstTry = Date.now();
  for (let attempt = 0; ; attempt++) {
    record.attempts++;
    try {
      const signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
      record.ack = await client.trpc.messages.send.mutate({ conversationId, clientId, body }, { signal });
      client.store.addMessages(conversationId, [record.ack]);
      record.latencyMs = Date.now() - firstTry;
      return;
    } catch (err) {
      const code = err instanceof TRPCClientError ? (err.data as { code?: string } | undefined)?.code : undefined;
      if (code && FATAL_CODES.has(code)) throw new Error(`send ${body} refused with ${code}: ${(err as Error).message}`);
      if (isOver()) throw new Error(`send ${record.body} abandoned: the test is over`);
      if (Date.now() > deadline) throw new Error(`send ${body} not acked after ${record.attempts} attempts: ${String(err)}`);
      await pause(Math.min(25 * 2 ** attempt, 400));
    }
  }
}

export const between = ([min, max]: [number, number]) => randomInt(min, max + 1);
export const pick = <T>(items: T[]): T => items[randomInt(items.length)];

/** The sends of a run: each body unique to (sender, index), so each must be stored, and shown, exactly once. */
export class SendRun<U extends { id: string }> {
  readonly records: SendRecord[] = [];
  acked = 0;
  private readonly sentBy = new Map<SimClient<U>, number>();

  /** `deadline`: when a send still not acked fails the test; `isOver`: the test has ended. */
  constructor(private readonly deadline: number, private readonly isOver: () => boolean) {}

  /** One send, retried until acked. */
  send(client: SimClient<U>, conversationId: string): Promise<void> {
    const index = this.sentBy.get(client) ?? 0;
    this.sentBy.set(client, index + 1);
    const record: SendRecord = { sender: client.tag, index, conversationId, clientId: randomUUID(), body: `${client.tag}#${index}`, attempts: 0 };
    this.records.push(record);
    return sendUntilAcked(client, record, this.deadline, this.isOver).then(() => void this.acked++);
  }

  /** `count` sends of one client into its conversations at random, `inFlight` at a time, `gapMs` apart. */
  async sender(client: SimClient<U>, count: number, gapMs: [number, number], inFlight: number): Promise<void> {
    const sending = new Set<Promise<void>>();
    for (let i = 0; i < count; i++) {
      await pause(between(gapMs));
      while (sending.size >= inFlight) await Promise.race(sending);
      const one: Promise<void> = this.send(client, pick(client.conversationIds)).finally(() => sending.delete(one));
      sending.add(one);
    }
    await Promise.all(sending);
  }
}
