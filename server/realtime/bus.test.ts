// The Bus contract, held by both implementations (in-process and Redis), and what only Redis adds:
// delivery across instances, no echo, and a resync signal after the link to Redis was down.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { BusEvent } from '../../lib/events.ts';
import { channels, type Bus } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';
import { RedisBus } from './redis-bus.ts';
import { receiptEvent as receipt } from '../test/helpers.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });
// Test runs share one Redis: every channel name carries this run's id.
const RUN = randomUUID();
const ch = (name: string) => `${RUN}:${name}`;


const open: Bus[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});
function track<B extends Bus>(bus: B): B {
  open.push(bus);
  return bus;
}
const newRedisBus = () => track(new RedisBus(REDIS_URL, silent));

describe.each([
  ['MemoryBus', () => track(new MemoryBus())],
  ['RedisBus', newRedisBus],
] as [string, () => Bus][])('%s keeps the Bus contract', (_name, makeBus) => {
  test('delivers an event to every subscriber of its channel, in publish order', async () => {
    const bus = makeBus();
    const a = vi.fn();
    const b = vi.fn();
    bus.subscribe(ch('room'), a);
    bus.subscribe(ch('room'), b);
    await bus.publish(ch('room'), receipt(1));
    await bus.publish(ch('room'), receipt(2));
    await vi.waitFor(() => expect(b).toHaveBeenCalledTimes(2));
    expect(a.mock.calls).toEqual([[receipt(1)], [receipt(2)]]);
    expect(b.mock.calls).toEqual([[receipt(1)], [receipt(2)]]);
  });

  test('does not deliver to other channels', async () => {
    const bus = makeBus();
    const other = vi.fn();
    const mine = vi.fn();
    bus.subscribe(ch(channels.user('u2')), other);
    bus.subscribe(ch(channels.user('u1')), mine);
    await bus.publish(ch(channels.user('u1')), receipt(1));
    await vi.waitFor(() => expect(mine).toHaveBeenCalledOnce());
    expect(other).not.toHaveBeenCalled();
  });

  test('delivers asynchronously, never inside publish', async () => {
    const bus = makeBus();
    const handler = vi.fn();
    bus.subscribe(ch('room'), handler);
    const published = bus.publish(ch('room'), receipt(1));
    expect(handler).not.toHaveBeenCalled();
    await published;
    await vi.waitFor(() => expect(handler).toHaveBeenCalledOnce());
  });

  test('stops delivering after unsubscribe, to that subscriber only; unsubscribing twice is harmless', async () => {
    const bus = makeBus();
    const gone = vi.fn();
    const stays = vi.fn();
    const unsubscribe = bus.subscribe(ch('room'), gone);
    bus.subscribe(ch('room'), stays);
    unsubscribe();
    unsubscribe();
    await bus.publish(ch('room'), receipt(1));
    await vi.waitFor(() => expect(stays).toHaveBeenCalledOnce());
    expect(gone).not.toHaveBeenCalled();
  });

  test('a subscriber that unsubscribes and subscribes again gets later events once', async () => {
    const bus = makeBus();
    const handler = vi.fn();
    bus.subscribe(ch('room'), handler)();
    bus.subscribe(ch('room'), handler);
    await bus.publish(ch('room'), receipt(1));
    await vi.waitFor(() => expect(handler).toHaveBeenCalledOnce());
  });

  test('one publish to several channels reaches each of their subscribers once, and no other channel', async () => {
    const bus = makeBus();
    const [u1, u2, u3] = [vi.fn(), vi.fn(), vi.fn()];
    bus.subscribe(ch('u1'), u1);
    bus.subscribe(ch('u2'), u2);
    bus.subscribe(ch('u3'), u3);
    await bus.publish([ch('u1'), ch('u2'), ch('nobody')], receipt(1));
    await bus.publish([], receipt(2));
    await bus.publish(ch('u2'), receipt(3));
    await vi.waitFor(() => expect(u2).toHaveBeenCalledTimes(2));
    expect(u1.mock.calls).toEqual([[receipt(1)]]);
    expect(u2.mock.calls).toEqual([[receipt(1)], [receipt(3)]]);
    expect(u3).not.toHaveBeenCalled();
  });

  test('publishing to a channel nobody listens to is fine', async () => {
    await expect(makeBus().publish(ch('nobody'), receipt(1))).resolves.toBeUndefined();
  });

  test('a failing subscriber does not stop the others', async () => {
    const bus = makeBus();
    const after = vi.fn();
    bus.subscribe(ch('room'), () => {
      throw new Error('subscriber bug');
    });
    bus.subscribe(ch('room'), after);
    await bus.publish(ch('room'), receipt(1));
    await vi.waitFor(() => expect(after).toHaveBeenCalledOnce());
  });

  test('close drops every subscription', async () => {
    const bus = makeBus();
    const handler = vi.fn();
    bus.subscribe(ch('room'), handler);
    await bus.close();
    await bus.publish(ch('room'), receipt(1));
    const later = vi.fn();
    bus.subscribe(ch('room'), later);
    await bus.publish(ch('room'), receipt(2));
    await vi.waitFor(() => expect(later).toHaveBeenCalledOnce());
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('RedisBus across instances', () => {
  test('an event published on one instance reaches a subscriber on another, once, with its types intact', async () => {
    const [a, b] = [newRedisBus(), newRedisBus()];
    const onB = vi.fn();
    b.subscribe(ch('x'), onB);
    await b.ready();
    const event: BusEvent = {
      type: 'message.new',
      message: { id: '1', conversationId: 'c', seq: 1, senderId: 'u', clientId: 'k', body: 'hi', kind: 'text', event: null, createdAt: new Date(1_000) },
    };
    await a.publish(ch('x'), event);
    await vi.waitFor(() => expect(onB).toHaveBeenCalledOnce());
    expect(onB.mock.calls[0][0]).toEqual(event);
    expect((onB.mock.calls[0][0] as { message: { createdAt: unknown } }).message.createdAt).toBeInstanceOf(Date);
  });

  test('the publishing instance delivers to its own subscribers once (its Redis echo is dropped)', async () => {
    const [a, b] = [newRedisBus(), newRedisBus()];
    const onA = vi.fn();
    const onB = vi.fn();
    a.subscribe(ch('y'), onA);
    b.subscribe(ch('y'), onB);
    await Promise.all([a.ready(), b.ready()]);
    await a.publish(ch('y'), receipt(1));
    await a.publish(ch('y'), receipt(2));
    await vi.waitFor(() => expect(onB).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(2));
    // A later marker proves no echo of 1 or 2 arrived after it.
    await b.publish(ch('y'), receipt(3));
    await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(3));
    expect(onA.mock.calls.map((c) => (c[0] as { readSeq: number }).readSeq)).toEqual([1, 2, 3]);
  });

  test('a publish to many channels reaches the other instance on each of them, in order, each event its own', async () => {
    const [a, b] = [newRedisBus(), newRedisBus()];
    const names = Array.from({ length: 20 }, (_, i) => ch(`member-${i}`));
    const seen = new Map<string, number[]>();
    for (const name of names) b.subscribe(name, (e) => seen.set(name, [...(seen.get(name) ?? []), (e as { readSeq: number }).readSeq]));
    await b.ready();
    await a.publish(names, receipt(1));
    await a.publish(names, receipt(2));
    await a.publish(names.slice(0, 1), receipt(3));
    await vi.waitFor(() => expect(seen.get(names[0])).toEqual([1, 2, 3]));
    await vi.waitFor(() => expect(seen.get(names[19])).toEqual([1, 2]));
    for (const name of names.slice(1)) expect(seen.get(name)).toEqual([1, 2]);
  });

  test("a new bus's first events reach other instances, though its publisher was still connecting", async () => {
    const b = newRedisBus();
    const onB = vi.fn();
    b.subscribe(ch('first'), onB);
    await b.ready();
    const a = newRedisBus(); // an instance's bus is made on first use, often by a publish
    await a.publish(ch('first'), receipt(1));
    await vi.waitFor(() => expect(onB).toHaveBeenCalledWith(receipt(1)));
  });

  test('is subscribed once, from its start: a subscriber made later hears the very next event', async () => {
    const [a, b] = [newRedisBus(), newRedisBus()];
    await b.ready();
    const onB = vi.fn();
    b.subscribe(ch('late'), onB); // no round trip to Redis: the instance already hears everything
    await a.publish(ch('late'), receipt(1));
    await vi.waitFor(() => expect(onB).toHaveBeenCalledWith(receipt(1)));
  });

  test('what one instance publishes in one turn reaches Redis as one message, in publish order', async () => {
    const [a, b] = [newRedisBus(), newRedisBus()];
    const probe = new Redis(REDIS_URL);
    const batches: string[] = [];
    try {
      await probe.subscribe('parley:bus');
      probe.on('message', (_c: string, raw: string) => {
        if (raw.includes(ch('turn'))) batches.push(raw);
      });
      const seen: number[] = [];
      b.subscribe(ch('turn'), (e) => seen.push((e as { readSeq: number }).readSeq));
      await b.ready();
      await Promise.all([1, 2, 3, 4, 5].map((n) => a.publish(ch('turn'), receipt(n))));
      await vi.waitFor(() => expect(seen).toEqual([1, 2, 3, 4, 5]));
      expect(batches).toHaveLength(1);
    } finally {
      probe.disconnect();
    }
  });

  test('after its Redis connection drops and comes back it signals a gap and receives again', async () => {
    const [a, b] = [newRedisBus(), newRedisBus()];
    const onB = vi.fn();
    const gap = vi.fn();
    b.subscribe(ch('g'), onB);
    b.onGap(gap);
    await b.ready();
    const admin = new Redis(REDIS_URL);
    try {
      await admin.client('KILL', 'ID', String(await b.subscriberClientId()));
      await vi.waitFor(() => expect(gap).toHaveBeenCalledOnce(), { timeout: 10_000 });
      await b.ready();
      await a.publish(ch('g'), receipt(7));
      await vi.waitFor(() => expect(onB).toHaveBeenCalledOnce());
    } finally {
      admin.disconnect();
    }
  });
});
