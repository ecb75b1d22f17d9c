// Send lanes: one write at a time per conversation, in arrival order, with queued sends batched together.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../lib/schemas.ts';
import { SendLanes } from './send-lanes.ts';
import type { Send, SendOutcome } from './write.ts';

const sendTo = (conversationId: string, body: string): Send => ({ conversationId, senderId: 'u', clientId: body, body });

const outcomeOf = (send: Send, seq: number): SendOutcome => ({
  ok: true,
  created: true,
  message: { ...send, id: String(seq), seq, kind: 'text', event: null, createdAt: new Date(0) } satisfies Message,
});

/** A write whose calls the test finishes by hand, to see what queues behind each one. */
function controlledWrite() {
  const calls: { sends: Send[]; finish: () => void; fail: (err: Error) => void }[] = [];
  let seq = 0;
  let onCall: (() => void) | null = null;
  const write = (sends: Send[]) =>
    new Promise<SendOutcome[]>((resolve, reject) => {
      calls.push({ sends, finish: () => resolve(sends.map((s) => outcomeOf(s, ++seq))), fail: reject });
      onCall?.();
    });
  /** Resolves once the write has been called n times in all. */
  const called = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => calls.length >= n && resolve();
      onCall = check;
      check();
    });
  return { calls, write, called };
}

describe('SendLanes', () => {
  test('writes one batch at a time per conversation, and sends that queue meanwhile go together, in order', async () => {
    const { calls, write, called } = controlledWrite();
    const published: string[] = [];
    const lanes = new SendLanes(write, (outcomes) => outcomes.forEach((o) => o.ok && published.push(o.message.body)));

    const first = lanes.submit(sendTo('c1', 'a'));
    await called(1);
    const queued = ['b', 'c', 'd'].map((body) => lanes.submit(sendTo('c1', body)));
    expect(calls).toHaveLength(1); // b, c, d wait for a's write

    calls[0].finish();
    expect(await first).toMatchObject({ ok: true, message: { body: 'a', seq: 1 } });
    await called(2);
    expect(calls[1].sends.map((s) => s.body)).toEqual(['b', 'c', 'd']);
    calls[1].finish();
    const acks = await Promise.all(queued);
    expect(acks.map((o) => o.ok && o.message.seq)).toEqual([2, 3, 4]);
    // Published before each batch is acked, in sequence order.
    expect(published).toEqual(['a', 'b', 'c', 'd']);
  });

  test('conversations do not wait for each other', async () => {
    const { calls, write, called } = controlledWrite();
    const lanes = new SendLanes(write, () => {});
    const one = lanes.submit(sendTo('c1', 'a'));
    const two = lanes.submit(sendTo('c2', 'b'));
    await called(2);
    calls[1].finish();
    expect(await two).toMatchObject({ ok: true, message: { body: 'b' } });
    calls[0].finish();
    await one;
  });

  test('a failed write rejects its own batch only, and the lane goes on', async () => {
    const { calls, write, called } = controlledWrite();
    const lanes = new SendLanes(write, () => {});
    const doomed = lanes.submit(sendTo('c1', 'a'));
    await called(1);
    const next = lanes.submit(sendTo('c1', 'b'));
    calls[0].fail(new Error('database down'));
    await expect(doomed).rejects.toThrow('database down');
    await called(2);
    calls[1].finish();
    expect(await next).toMatchObject({ ok: true, message: { body: 'b' } });
  });

  test('idle resolves once everything submitted so far is written', async () => {
    const { calls, write, called } = controlledWrite();
    const lanes = new SendLanes(write, () => {});
    void lanes.submit(sendTo('c1', 'a'));
    void lanes.submit(sendTo('c2', 'b'));
    await called(2);
    let idle = false;
    const waiting = lanes.idle().then(() => (idle = true));
    calls[0].finish();
    await Promise.resolve();
    expect(idle).toBe(false);
    calls[1].finish();
    await waiting;
    expect(idle).toBe(true);
  });
});
