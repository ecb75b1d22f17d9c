// The in-process bus: delivery per channel, after publish returns, until unsubscribed.
import { describe, expect, test, vi } from 'vitest';
import type { BusEvent } from '../../lib/events.ts';
import { channels } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';

const receipt = (readSeq: number): BusEvent => ({
  type: 'receipt.updated',
  conversationId: 'c1',
  userId: 'u1',
  deliveredSeq: readSeq,
  readSeq,
  allDeliveredSeq: readSeq,
  allReadSeq: readSeq,
});

describe('MemoryBus', () => {
  test('delivers an event to every subscriber of its channel, in publish order', async () => {
    const bus = new MemoryBus();
    const a = vi.fn();
    const b = vi.fn();
    bus.subscribe('room', a);
    bus.subscribe('room', b);
    await bus.publish('room', receipt(1));
    await bus.publish('room', receipt(2));
    await vi.waitFor(() => expect(b).toHaveBeenCalledTimes(2));
    expect(a.mock.calls).toEqual([[receipt(1)], [receipt(2)]]);
    expect(b.mock.calls).toEqual([[receipt(1)], [receipt(2)]]);
  });

  test('does not deliver to other channels', async () => {
    const bus = new MemoryBus();
    const other = vi.fn();
    const mine = vi.fn();
    bus.subscribe(channels.user('u2'), other);
    bus.subscribe(channels.user('u1'), mine);
    await bus.publish(channels.user('u1'), receipt(1));
    await vi.waitFor(() => expect(mine).toHaveBeenCalledOnce());
    expect(other).not.toHaveBeenCalled();
  });

  test('delivers asynchronously, never inside publish', async () => {
    const bus = new MemoryBus();
    const handler = vi.fn();
    bus.subscribe('room', handler);
    const published = bus.publish('room', receipt(1));
    expect(handler).not.toHaveBeenCalled();
    await published;
    await vi.waitFor(() => expect(handler).toHaveBeenCalledOnce());
  });

  test('stops delivering after unsubscribe, to that subscriber only; unsubscribing twice is harmless', async () => {
    const bus = new MemoryBus();
    const gone = vi.fn();
    const stays = vi.fn();
    const unsubscribe = bus.subscribe('room', gone);
    bus.subscribe('room', stays);
    unsubscribe();
    unsubscribe();
    await bus.publish('room', receipt(1));
    await vi.waitFor(() => expect(stays).toHaveBeenCalledOnce());
    expect(gone).not.toHaveBeenCalled();
  });

  test('a subscriber that unsubscribes and subscribes again gets later events once', async () => {
    const bus = new MemoryBus();
    const handler = vi.fn();
    bus.subscribe('room', handler)();
    bus.subscribe('room', handler);
    await bus.publish('room', receipt(1));
    await vi.waitFor(() => expect(handler).toHaveBeenCalledOnce());
  });

  test('publishing to a channel nobody listens to is fine', async () => {
    await expect(new MemoryBus().publish('nobody', receipt(1))).resolves.toBeUndefined();
  });

  test('a failing subscriber does not stop the others', async () => {
    const bus = new MemoryBus();
    const after = vi.fn();
    bus.subscribe('room', () => {
      throw new Error('subscriber bug');
    });
    bus.subscribe('room', after);
    await bus.publish('room', receipt(1));
    await vi.waitFor(() => expect(after).toHaveBeenCalledOnce());
  });

  test('close drops every subscription', async () => {
    const bus = new MemoryBus();
    const handler = vi.fn();
    bus.subscribe('room', handler);
    await bus.close();
    await bus.publish('room', receipt(1));
    const later = vi.fn();
    bus.subscribe('room', later);
    await bus.publish('room', receipt(2));
    await vi.waitFor(() => expect(later).toHaveBeenCalledOnce());
    expect(handler).not.toHaveBeenCalled();
  });
});
