// The live subscription's promises on their own: a bus of the test's and heads read by a function of
// the test's (the database's part is covered by the integration tests of the send path and receipts).
import { describe, expect, test } from 'vitest';
import type { BusEvent, ServerEvent } from '../../lib/events.ts';
import type { ConversationHead } from '../../lib/schemas.ts';
import type { Unsubscribe } from '../realtime/bus.ts';
import { MemoryBus } from '../realtime/memory-bus.ts';
import { EventQueue, receiptEvent as receipt } from '../test/helpers.ts';
import { liveEvents, openLiveEvents } from './service.ts';

const head = (lastSeq: number): ConversationHead => ({ id: 'c1', lastSeq, deliveredSeq: 0, readSeq: 0, allDeliveredSeq: 0, allReadSeq: 0 });

/** A bus that can report a gap, and counts its live subscriptions. */
class TestBus extends MemoryBus {
  active = 0;
  private readonly gapListeners = new Set<() => void>();
  override subscribe(channel: string, onEvent: (event: BusEvent) => void): Unsubscribe {
    const unsubscribe = super.subscribe(channel, onEvent);
    this.active++;
    return () => {
      this.active--;
      unsubscribe();
    };
  }
  override onGap(listener: () => void): Unsubscribe {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }
  gap(): void {
    for (const l of this.gapListeners) l();
  }
}

/** Heads read on demand: each read waits until the test answers it (or fails it). */
class HeadsSource {
  private readonly pending: { resolve: (h: ConversationHead[]) => void; reject: (e: Error) => void }[] = [];
  reads = 0;
  read = (): Promise<ConversationHead[]> => {
    this.reads++;
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  };
  async answer(heads: ConversationHead[] | Error): Promise<void> {
    while (this.pending.length === 0) await new Promise((r) => setImmediate(r));
    const p = this.pending.shift()!;
    if (heads instanceof Error) p.reject(heads);
    else p.resolve(heads);
  }
}

const isHeads = (e: ServerEvent) => e.type === 'sync.heads';

describe('the live subscription', () => {
  test('listens before it reads: events published while heads are read come after the heads, in order', async () => {
    const bus = new TestBus();
    const heads = new HeadsSource();
    const seen = new EventQueue();
    const live = openLiveEvents('u1', (e) => seen.push(e), { bus, readHeads: heads.read });
    await bus.publish('user:u1', receipt(1));
    await bus.publish('user:u1', receipt(2));
    await heads.answer([head(2)]);
    await bus.publish('user:u1', receipt(3));
    expect(await seen.next()).toEqual({ type: 'sync.heads', conversations: [head(2)] });
    expect([await seen.next(), await seen.next(), await seen.next()]).toEqual([receipt(1), receipt(2), receipt(3)]);
    live.close();
    expect(bus.active).toBe(0);
  });

  test('a gap reported by the bus brings fresh heads, once however many gaps came while reading', async () => {
    const bus = new TestBus();
    const heads = new HeadsSource();
    const seen = new EventQueue();
    const live = openLiveEvents('u1', (e) => seen.push(e), { bus, readHeads: heads.read });
    await heads.answer([head(1)]);
    await seen.next(isHeads);
    bus.gap();
    bus.gap();
    await bus.publish('user:u1', receipt(5));
    await heads.answer([head(5)]);
    expect(await seen.next()).toEqual({ type: 'sync.heads', conversations: [head(5)] });
    expect(await seen.next()).toEqual(receipt(5));
    // The second gap arrived while the first read ran: one more read covers it.
    await heads.answer([head(5)]);
    await seen.next(isHeads);
    expect(heads.reads).toBe(3);
    live.close();
  });

  test('a failed read of the heads is retried by itself; the client never sees the error', async () => {
    const bus = new TestBus();
    const heads = new HeadsSource();
    const seen = new EventQueue();
    const live = openLiveEvents('u1', (e) => seen.push(e), { bus, readHeads: heads.read });
    await heads.answer(new Error('terminating connection due to administrator command'));
    await bus.publish('user:u1', receipt(1));
    await heads.answer([head(1)]);
    expect(await seen.next()).toEqual({ type: 'sync.heads', conversations: [head(1)] });
    expect(await seen.next()).toEqual(receipt(1));
    expect(seen.events.map((e) => e.type)).toEqual(['sync.heads', 'receipt.updated']);
    live.close();
  });

  test('as an async iterable it stops and lets go of the bus when aborted', async () => {
    const bus = new TestBus();
    const abort = new AbortController();
    const iterator = liveEvents('u1', abort.signal, { bus, readHeads: async () => [head(0)] });
    expect((await iterator.next()).value).toMatchObject({ type: 'sync.heads' });
    const waiting = iterator.next();
    abort.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(bus.active).toBe(0);
  });
});

describe("a conversation's messages, put back in seq order", () => {
  const message = (seq: number): BusEvent => ({
    type: 'message.new',
    message: { id: String(seq), conversationId: 'c1', seq, senderId: 'u2', clientId: `k${seq}`, body: `#${seq}`, kind: 'text', event: null, createdAt: new Date(0) },
  });
  const seqs = (events: ServerEvent[]) => events.flatMap((e) => (e.type === 'message.new' ? [e.message.seq] : []));

  test('events that crossed on the way (two instances publishing) arrive at the client in seq order', async () => {
    const bus = new TestBus();
    const seen = new EventQueue();
    const live = openLiveEvents('u1', (e) => seen.push(e), { bus, readHeads: async () => [head(4)] });
    await seen.next(isHeads);
    for (const seq of [6, 5, 8, 7]) await bus.publish('user:u1', message(seq));
    await seen.next((e) => e.type === 'message.new' && e.message.seq === 8);
    expect(seqs(seen.events)).toEqual([5, 6, 7, 8]);
    live.close();
  });

  test('a seq that never comes is waited for briefly; then the rest goes on, in order, and the client fills the gap', async () => {
    const bus = new TestBus();
    const seen = new EventQueue();
    const live = openLiveEvents('u1', (e) => seen.push(e), { bus, readHeads: async () => [head(4)] });
    await seen.next(isHeads);
    for (const seq of [7, 6]) await bus.publish('user:u1', message(seq));
    const startedAt = Date.now();
    await seen.next((e) => e.type === 'message.new' && e.message.seq === 7, 2_000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
    expect(seqs(seen.events)).toEqual([6, 7]);
    live.close();
  });
});
