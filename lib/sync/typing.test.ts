// Typing on the client: entries expire by themselves; the sender repeats at most every 3 s and stops once.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { TYPING_REPEAT_MS, TYPING_TTL_MS } from '../limits.ts';
import { TypingNotifier, TypingStore } from './typing.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('TypingStore', () => {
  test('shows a typer until the entry expires, unless renewed', () => {
    const store = new TypingStore();
    store.apply({ conversationId: 'c', userId: 'alice', isTyping: true });
    expect(store.typers('c')).toEqual(['alice']);
    vi.advanceTimersByTime(TYPING_TTL_MS - 1000);
    store.apply({ conversationId: 'c', userId: 'alice', isTyping: true }); // renewed
    vi.advanceTimersByTime(TYPING_TTL_MS - 1000);
    expect(store.typers('c')).toEqual(['alice']);
    vi.advanceTimersByTime(1000);
    expect(store.typers('c')).toEqual([]);
  });

  test('a stop removes the typer at once; conversations are separate; snapshots are stable', () => {
    const store = new TypingStore();
    const changes = vi.fn();
    store.subscribe(changes);
    store.apply({ conversationId: 'c', userId: 'alice', isTyping: true });
    store.apply({ conversationId: 'c', userId: 'bob', isTyping: true });
    store.apply({ conversationId: 'd', userId: 'carol', isTyping: true });
    const snapshot = store.typers('c');
    expect(store.typers('c')).toBe(snapshot);
    expect(snapshot).toEqual(['alice', 'bob']);
    store.apply({ conversationId: 'c', userId: 'alice', isTyping: false });
    expect(store.typers('c')).toEqual(['bob']);
    expect(store.typers('d')).toEqual(['carol']);
    store.apply({ conversationId: 'c', userId: 'nobody', isTyping: false }); // no change, no notification
    expect(changes).toHaveBeenCalledTimes(4);
  });
});

describe('TypingNotifier', () => {
  test('sends "typing" at most once per repeat interval, and "stopped" once after', () => {
    let now = 0;
    const send = vi.fn();
    const notifier = new TypingNotifier(send, () => now);
    notifier.typed('c');
    now += 500;
    notifier.typed('c');
    now += TYPING_REPEAT_MS - 500;
    notifier.typed('c');
    expect(send.mock.calls).toEqual([['c', true], ['c', true]]);
    notifier.stopped('c');
    notifier.stopped('c');
    expect(send.mock.calls.at(-1)).toEqual(['c', false]);
    expect(send).toHaveBeenCalledTimes(3);
  });

  test('never sends "stopped" for a conversation it never said "typing" in', () => {
    const send = vi.fn();
    new TypingNotifier(send).stopped('c');
    expect(send).not.toHaveBeenCalled();
  });
});
