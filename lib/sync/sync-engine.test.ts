// The client's sync engine against a stubbed history API: dedup by seq, gap fills, and a fill that
// news arrives during goes round once more.
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Message, MessagePage } from '../schemas.ts';
import { MessageStore } from './message-store.ts';
import { SyncEngine, type SyncApi } from './sync-engine.ts';

const msg = (seq: number): Message => ({
  id: String(seq),
  conversationId: 'c',
  seq,
  senderId: 'peer',
  clientId: `k${seq}`,
  body: `m${seq}`,
  kind: 'text',
  event: null,
  createdAt: new Date(seq),
});

/** A history that holds seqs 1..committed; each request can be held until the test releases it. */
class FakeHistory implements SyncApi {
  committed = 0;
  /** The first seq this user may see (a group they were added to later). */
  fromSeq = 1;
  requests: { after: number; release: () => void }[] = [];
  hold = false;
  /** Errors the next calls fail with, in order. */
  failures: unknown[] = [];
  calls = 0;
  async listAfter(_c: string, after: number, limit: number): Promise<MessagePage> {
    this.calls++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    const snapshot = this.committed; // what the database had when the query ran
    if (this.hold) await new Promise<void>((release) => this.requests.push({ after, release }));
    const messages = [];
    const start = Math.max(after + 1, this.fromSeq);
    for (let s = start; s <= Math.min(snapshot, start + limit - 1); s++) messages.push(msg(s));
    return { messages, fromSeq: this.fromSeq, hasMoreBefore: start > this.fromSeq };
  }
}

function setup() {
  const store = new MessageStore();
  const api = new FakeHistory();
  const delivered: number[] = [];
  const engine = new SyncEngine(store, api, { onMessages: (_c, ms) => delivered.push(...ms.map((m) => m.seq)) });
  store.addMessages('c', [], { hasMoreBefore: false });
  const seqs = () => store.get('c').messages.map((m) => m.seq);
  return { store, api, engine, delivered, seqs };
}

describe('SyncEngine', () => {
  test('changes take a seq like messages (no gap to fill) and show as the state of the message they change', () => {
    const { engine, store, api, seqs } = setup();
    api.committed = 3;
    engine.handle({ type: 'message.new', message: msg(1) });
    engine.handle({ type: 'message.new', message: { ...msg(2), kind: 'change', body: 'edited', senderId: 'peer', event: { type: 'message.edited', targetSeq: 1 } } });
    engine.handle({ type: 'message.new', message: { ...msg(3), kind: 'change', body: '', event: { type: 'reaction.set', targetSeq: 1, emoji: '👍' } } });
    expect(seqs()).toEqual([1]);
    expect(store.get('c')).toMatchObject({ topSeq: 3, messages: [{ seq: 1, body: 'edited', edited: true, reactions: [{ emoji: '👍', userIds: ['peer'] }] }] });
    expect(store.contiguousTop('c')).toBe(3);
    expect(api.calls).toBe(0);
  });

  test('a page that folded in changes this client never got is not undone by an older copy of the message', () => {
    const { store, engine } = setup();
    store.addMessages('c', [{ ...msg(1), body: 'from a page', edited: true, changedSeq: 7 }]);
    engine.handle({ type: 'message.new', message: msg(1) });
    expect(store.get('c').messages[0]).toMatchObject({ body: 'from a page', changedSeq: 7 });
  });

  test('a live event already held is dropped; each message is reported once', () => {
    const { engine, delivered, seqs } = setup();
    engine.handle({ type: 'message.new', message: msg(1) });
    engine.handle({ type: 'message.new', message: msg(1) });
    expect(seqs()).toEqual([1]);
    expect(delivered).toEqual([1]);
  });

  test('a message whose send read the other\'s messages is also that receipt, after the message; one without says nothing', () => {
    const store = new MessageStore();
    const heard: string[] = [];
    const engine = new SyncEngine(store, new FakeHistory(), {
      onMessages: (_c, ms) => heard.push(...ms.map((m) => `message ${m.seq}`)),
      onReceipt: (r) => heard.push(`receipt ${JSON.stringify(r)}`),
    });
    const senderRead = { deliveredSeq: 2, readSeq: 2, allDeliveredSeq: 1, allReadSeq: 1 };
    engine.handle({ type: 'message.new', message: msg(1) });
    engine.handle({ type: 'message.new', message: msg(2), senderRead });
    expect(heard).toEqual(['message 1', 'message 2', `receipt ${JSON.stringify({ conversationId: 'c', userId: 'peer', ...senderRead })}`]);
  });

  test('a live event past a gap fetches the gap', async () => {
    const { api, engine, seqs, store } = setup();
    api.committed = 4;
    engine.handle({ type: 'message.new', message: msg(4) });
    await engine.fill('c');
    expect(seqs()).toEqual([1, 2, 3, 4]);
    expect(store.contiguousTop('c')).toBe(4);
  });

  test('heads above what is held trigger a fill up to the head', async () => {
    const { api, engine, seqs } = setup();
    api.committed = 250; // more than one page
    engine.handle({ type: 'sync.heads', conversations: [{ id: 'c', lastSeq: 250, deliveredSeq: 0, readSeq: 0, allDeliveredSeq: 0, allReadSeq: 0 }] });
    await engine.fill('c');
    expect(seqs()).toHaveLength(250);
    expect(seqs().at(-1)).toBe(250);
  });

  test('a member added back later resumes above the messages they may not see, without looping', async () => {
    const { api, engine, seqs, store } = setup();
    store.addMessages('c', [msg(1), msg(2), msg(3)]); // held from their first membership
    api.committed = 400;
    api.fromSeq = 150; // the message that added them again
    engine.handle({ type: 'sync.heads', conversations: [{ id: 'c', lastSeq: 400, deliveredSeq: 0, readSeq: 0, allDeliveredSeq: 0, allReadSeq: 0 }] });
    await engine.fill('c');
    expect(seqs()).toHaveLength(3 + 251);
    expect(seqs().slice(2, 4)).toEqual([3, 150]);
    expect(store.contiguousTop('c')).toBe(400);
  });

  test('news that arrives while a fill is in flight makes the fill go round once more', async () => {
    const { api, engine, seqs } = setup();
    api.committed = 2;
    api.hold = true;
    const first = engine.fill('c'); // its query sees seqs 1..2
    await expect.poll(() => api.requests.length).toBe(1);
    api.committed = 3; // seq 3 commits after that query ran…
    const second = engine.fill('c'); // …and its heads arrive while the fill is still in flight
    expect(second).toBe(first);
    api.hold = false;
    api.requests[0].release();
    await first;
    expect(seqs()).toEqual([1, 2, 3]);
  });

  describe('a fill that fails', () => {
    afterEach(() => void vi.useRealTimers());
    const apiError = (code: string, retryAfterMs?: number) => Object.assign(new Error(code), { data: { code, retryAfterMs } });

    test('on the way is tried again, after the server\'s retry hint, until it succeeds', async () => {
      vi.useFakeTimers();
      const { api, engine, seqs } = setup();
      api.committed = 2;
      api.failures = [apiError('TOO_MANY_REQUESTS', 5_000), new TypeError('fetch failed')];
      await engine.fill('c');
      expect(seqs()).toEqual([]);
      await vi.advanceTimersByTimeAsync(4_900);
      expect(api.calls).toBe(1); // the hint is waited out
      await vi.advanceTimersByTimeAsync(200);
      expect(api.calls).toBe(2); // failed again: backoff
      await vi.advanceTimersByTimeAsync(30_000);
      expect(seqs()).toEqual([1, 2]);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(api.calls).toBe(3); // and then it rests
    });

    test('because it was refused is not tried again', async () => {
      vi.useFakeTimers();
      const { api, engine, seqs } = setup();
      api.committed = 2;
      api.failures = [apiError('FORBIDDEN')];
      await engine.fill('c');
      await vi.advanceTimersByTimeAsync(120_000);
      expect(api.calls).toBe(1);
      expect(seqs()).toEqual([]);
    });

    test('is not tried again once the engine is closed', async () => {
      vi.useFakeTimers();
      const { api, engine } = setup();
      api.failures = [new TypeError('fetch failed')];
      await engine.fill('c');
      engine.close();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(api.calls).toBe(1);
    });
  });
});
