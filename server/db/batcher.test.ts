// The group-commit queue on its own, with the database write replaced by a recording function.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../lib/schemas.ts';
import { AppError } from '../errors.ts';
import type { Send, SendOutcome, WrittenSends } from '../messages/write.ts';
import { Batcher } from './batcher.ts';

const SendBatcher = Batcher<Send, SendOutcome, WrittenSends>;

const sendOf = (conversationId: string, body: string): Send => ({ conversationId, senderId: 'u', clientId: body, body });

function stored(send: Send, seq: number): SendOutcome {
  return { ok: true, created: true, message: { ...send, id: String(seq), seq, kind: 'text', event: null, createdAt: new Date(0) } as Message };
}

/** A write that records its batches and resolves each when the test says so. */
class FakeDatabase {
  readonly batches: string[][] = [];
  private readonly waiting: (() => void)[] = [];
  failWhen: (bodies: string[]) => Error | null = () => null;
  private seq = 0;

  write = (sends: Send[]): Promise<WrittenSends> => {
    this.batches.push(sends.map((s) => s.body));
    return new Promise((resolve, reject) => {
      this.waiting.push(() => {
        const failure = this.failWhen(sends.map((s) => s.body));
        if (failure) return reject(failure);
        resolve({ outcomes: sends.map((s) => stored(s, ++this.seq)), audiences: new Map() });
      });
    });
  };

  /** Completes the oldest write in flight, once one has started. */
  async complete(): Promise<void> {
    while (this.waiting.length === 0) await new Promise((r) => setImmediate(r));
    this.waiting.shift()!();
  }

  /** Completes writes as they come until `done` settles. */
  async completeAll(done: Promise<unknown>): Promise<void> {
    let settled = false;
    void done.finally(() => (settled = true));
    while (!settled) {
      if (this.waiting.length > 0) this.waiting.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  }
}

const dataError = (message: string) => Object.assign(new Error(message), { code: '22021' });

describe('Batcher (as the send path uses it)', () => {
  test('sends that arrive together go in one write; those that arrive during it go together in the next, in order', async () => {
    const db = new FakeDatabase();
    const batcher = new SendBatcher(db.write, () => {});
    const first = ['a', 'b'].map((b) => batcher.submit(sendOf(b === 'a' ? 'c1' : 'c2', b)));
    await db.complete(); // writes a, b
    const later = ['c', 'd', 'e'].map((b) => batcher.submit(sendOf('c1', b)));
    await Promise.all(first);
    await db.complete();
    const outcomes = await Promise.all(later);
    expect(db.batches).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    expect(outcomes.map((o) => (o.ok ? o.message.seq : 0))).toEqual([3, 4, 5]);
  });

  test('a write is never started while another runs', async () => {
    const db = new FakeDatabase();
    const batcher = new SendBatcher(db.write, () => {});
    const one = batcher.submit(sendOf('c1', 'a'));
    await new Promise((r) => setImmediate(r));
    const two = batcher.submit(sendOf('c2', 'b'));
    for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
    expect(db.batches).toEqual([['a']]);
    await db.completeAll(Promise.all([one, two]));
    expect(db.batches).toEqual([['a'], ['b']]);
  });

  test('closing (graceful shutdown) refuses new sends as retryable, and resolves once the accepted ones are written and published', async () => {
    const db = new FakeDatabase();
    const published: string[] = [];
    const batcher = new SendBatcher(db.write, (w) => published.push(...w.outcomes.map((o) => (o.ok ? o.message.body : '?'))));
    const accepted = ['a', 'b'].map((b) => batcher.submit(sendOf('c1', b)));
    const closed = batcher.close();
    const refusal = await batcher.submit(sendOf('c1', 'late')).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'UNAVAILABLE', retryAfterMs: 1_000 });
    await db.completeAll(closed);
    expect(published).toEqual(['a', 'b']);
    expect((await Promise.all(accepted)).every((o) => o.ok)).toBe(true);
    expect(db.batches.flat()).not.toContain('late');
  });

  test('published before the acks resolve', async () => {
    const db = new FakeDatabase();
    const order: string[] = [];
    const batcher = new SendBatcher(db.write, () => order.push('published'));
    const ack = batcher.submit(sendOf('c1', 'a')).then(() => order.push('acked'));
    await db.completeAll(ack);
    expect(order).toEqual(['published', 'acked']);
  });

  test("one send the database refuses fails alone: the others are written, in their order", async () => {
    const db = new FakeDatabase();
    db.failWhen = (bodies) => (bodies.includes('bad') ? dataError('invalid byte sequence') : null);
    const published: string[] = [];
    const batcher = new SendBatcher(db.write, (w) => published.push(...w.outcomes.map((o) => (o.ok ? o.message.body : '?'))));
    const bodies = ['a', 'b', 'c', 'bad', 'd', 'e', 'f'];
    const all = Promise.allSettled(bodies.map((b) => batcher.submit(sendOf('c1', b))));
    await db.completeAll(all);
    const results = await all;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(published).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  test('a failure of the database itself fails the whole batch at once, without retries', async () => {
    const db = new FakeDatabase();
    db.failWhen = () => Object.assign(new Error('connection terminated'), { code: '57P01' });
    const batcher = new SendBatcher(db.write, () => {});
    const all = Promise.allSettled(['a', 'b', 'c'].map((b) => batcher.submit(sendOf('c1', b))));
    await db.completeAll(all);
    expect((await all).every((r) => r.status === 'rejected')).toBe(true);
    expect(db.batches).toEqual([['a', 'b', 'c']]);
  });

  test('past the queue limit sends are refused at once with a retry hint, and accepted again once it drains', async () => {
    const db = new FakeDatabase();
    const batcher = new SendBatcher(db.write, () => {}, { maxBatch: 2, maxQueued: 3, retryAfterMs: 750, lingerMs: 0, lingerBelow: 0 });
    const accepted = ['a', 'b', 'c'].map((b) => batcher.submit(sendOf('c1', b)));
    const refusal = await batcher.submit(sendOf('c1', 'd')).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 750 });
    await db.completeAll(Promise.all(accepted));
    const after = batcher.submit(sendOf('c1', 'e'));
    await db.completeAll(after);
    expect(db.batches).toEqual([['a', 'b'], ['c'], ['e']]);
  });

  test('under steady load a write waits briefly for company: a few stragglers wait, enough of them go at once', async () => {
    const db = new FakeDatabase();
    const batcher = new SendBatcher(db.write, () => {}, { maxBatch: 100, maxQueued: 100, retryAfterMs: 0, lingerMs: 60_000, lingerBelow: 3 });
    const first = batcher.submit(sendOf('c1', 'a'));
    await db.complete(); // a is being written; b arrives meanwhile
    const b = batcher.submit(sendOf('c2', 'b'));
    await first;
    for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
    expect(db.batches).toEqual([['a']]); // b lingers
    const rest = ['c', 'd'].map((x) => batcher.submit(sendOf('c3', x)));
    await db.completeAll(Promise.all([b, ...rest]));
    expect(db.batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  test('an idle batcher writes a lone send at once', async () => {
    const db = new FakeDatabase();
    const batcher = new SendBatcher(db.write, () => {}, { maxBatch: 100, maxQueued: 100, retryAfterMs: 0, lingerMs: 60_000, lingerBelow: 3 });
    const one = batcher.submit(sendOf('c1', 'a'));
    await db.completeAll(one);
    expect(db.batches).toEqual([['a']]);
  });

  test('idle resolves once everything submitted so far is written', async () => {
    const db = new FakeDatabase();
    const batcher = new SendBatcher(db.write, () => {});
    const sends = [batcher.submit(sendOf('c1', 'a')), batcher.submit(sendOf('c2', 'b'))];
    let idle = false;
    const waiting = batcher.idle().then(() => (idle = true));
    await db.complete();
    await Promise.all(sends);
    await waiting;
    expect(idle).toBe(true);
  });
});
