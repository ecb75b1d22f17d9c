// openEventStream: listens from the moment it is opened, yields in order, and lets go on abort.
import { describe, expect, test } from 'vitest';
import type { BusEvent } from '../../lib/events.ts';
import type { Bus, Unsubscribe } from './bus.ts';
import { openEventStream, RESYNC } from './event-stream.ts';
import { MemoryBus } from './memory-bus.ts';

const receipt = (readSeq: number, conversationId = 'c1'): BusEvent => ({
  type: 'receipt.updated',
  conversationId,
  userId: 'u1',
  deliveredSeq: readSeq,
  readSeq,
  allDeliveredSeq: readSeq,
  allReadSeq: readSeq,
});

/** A MemoryBus that counts live subscriptions, to see that a stream lets go of them. */
class CountingBus extends MemoryBus {
  active = 0;
  override subscribe(channel: string, onEvent: (event: BusEvent) => void): Unsubscribe {
    const unsubscribe = super.subscribe(channel, onEvent);
    this.active++;
    let done = false;
    return () => {
      if (!done) this.active--;
      done = true;
      unsubscribe();
    };
  }
}

type Item = BusEvent | typeof RESYNC;

async function take(iterator: AsyncIterator<Item>, n: number): Promise<Item[]> {
  const out: Item[] = [];
  while (out.length < n) {
    const r = await iterator.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('openEventStream', () => {
  test('yields events published after it was opened, even before reading starts, and not earlier ones', async () => {
    const bus: Bus = new MemoryBus();
    await bus.publish('u1', receipt(1));
    const abort = new AbortController();
    const stream = openEventStream(bus, ['u1'], abort.signal);
    // Published while the caller is still busy (reading the backlog, say): kept for it.
    await bus.publish('u1', receipt(2));
    await bus.publish('u1', receipt(3));
    const iterator = stream[Symbol.asyncIterator]();
    expect(await take(iterator, 2)).toEqual([receipt(2), receipt(3)]);
    const waiting = iterator.next();
    await bus.publish('u1', receipt(4));
    expect(await waiting).toEqual({ done: false, value: receipt(4) });
    abort.abort();
  });

  test('merges several channels, in publish order, and ignores the rest', async () => {
    const bus = new MemoryBus();
    const abort = new AbortController();
    const iterator = openEventStream(bus, ['a', 'b'], abort.signal)[Symbol.asyncIterator]();
    await bus.publish('a', receipt(1, 'a'));
    await bus.publish('elsewhere', receipt(9, 'x'));
    await bus.publish('b', receipt(2, 'b'));
    await bus.publish('a', receipt(3, 'a'));
    expect(await take(iterator, 3)).toEqual([receipt(1, 'a'), receipt(2, 'b'), receipt(3, 'a')]);
    abort.abort();
  });

  test('stops and unsubscribes when aborted while waiting for an event', async () => {
    const bus = new CountingBus();
    const abort = new AbortController();
    const iterator = openEventStream(bus, ['a', 'b'], abort.signal)[Symbol.asyncIterator]();
    expect(bus.active).toBe(2);
    const waiting = iterator.next();
    abort.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(bus.active).toBe(0);
    await bus.publish('a', receipt(1));
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  test('stops at once when aborted before reading', async () => {
    const bus = new CountingBus();
    const abort = new AbortController();
    const stream = openEventStream(bus, ['a'], abort.signal);
    await bus.publish('a', receipt(1));
    abort.abort();
    expect(bus.active).toBe(0);
    const seen: Item[] = [];
    for await (const event of stream) seen.push(event);
    expect(seen).toEqual([]);
  });

  test('unsubscribes when the reader stops early', async () => {
    const bus = new CountingBus();
    const abort = new AbortController();
    const stream = openEventStream(bus, ['a'], abort.signal);
    await bus.publish('a', receipt(1));
    for await (const event of stream) {
      expect(event).toEqual(receipt(1));
      break;
    }
    expect(bus.active).toBe(0);
  });

  test('fails instead of buffering without bound for a reader that does not keep up', async () => {
    const bus = new MemoryBus();
    const abort = new AbortController();
    const iterator = openEventStream(bus, ['a'], abort.signal)[Symbol.asyncIterator]();
    for (let i = 1; i <= 10_001; i++) await bus.publish('a', receipt(i));
    // Wait for the bus to deliver the last one.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await expect(iterator.next()).rejects.toThrow('Event stream overflowed');
    abort.abort();
  });

  test('a gap signalled by the bus becomes one RESYNC item, in order with the events', async () => {
    class GappyBus extends MemoryBus {
      private listeners = new Set<() => void>();
      override onGap(l: () => void): Unsubscribe {
        this.listeners.add(l);
        return () => this.listeners.delete(l);
      }
      gap() {
        for (const l of this.listeners) l();
      }
    }
    const bus = new GappyBus();
    const abort = new AbortController();
    const iterator = openEventStream(bus, ['u1'], abort.signal)[Symbol.asyncIterator]();
    await bus.publish('u1', receipt(1));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    bus.gap();
    bus.gap(); // two signals before the reader catches up: one resync is enough
    await bus.publish('u1', receipt(2));
    expect(await take(iterator, 3)).toEqual([receipt(1), RESYNC, receipt(2)]);
    abort.abort();
  });
});
