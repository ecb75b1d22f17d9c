// Healing against the real database: a message committed but never published (the process died
// between the commit and the fan-out, or the publish was lost) still reaches a connected member.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { HeadsEvent, MessageNewEvent } from '../../lib/events.ts';
import { fanout } from '../messages/fanout.ts';
import { messageIds } from '../messages/service.ts';
import { writeSends } from '../messages/write.ts';
import { writeAcks } from '../receipts/write.ts';
import { createGroup, createPair, EventQueue, releaseServices, send } from '../test/helpers.ts';
import { sweep } from './healer.ts';
import { openLiveEvents } from './service.ts';

afterAll(releaseServices);

const LOOKBACK_MS = 60_000;
const isHeads = (e: { type: string }) => e.type === 'sync.heads';

describe('healing lost live events', () => {
  test('a message committed and never published reaches the connected member at the second sweep', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('heal');
    const events = new EventQueue();
    const live = openLiveEvents(bob.id, (e) => events.push(e));
    try {
      await events.next(isHeads);
      await send(alice, conversationId, 'published');
      expect((await events.next<MessageNewEvent>((e) => e.type === 'message.new')).message.seq).toBe(1);

      // Committed, then nothing: as if the sending process died before its fan-out.
      const [lost] = (await writeSends([{ conversationId, senderId: alice.id, clientId: randomUUID(), body: 'lost' }], messageIds)).outcomes;
      expect(lost.ok).toBe(true);

      expect(await sweep(LOOKBACK_MS)).toBe(0); // found behind; it may only be in flight
      expect(await sweep(LOOKBACK_MS)).toBe(1); // still behind: healed
      const heads = await events.next<HeadsEvent>(isHeads);
      expect(heads.conversations.find((c) => c.id === conversationId)?.lastSeq).toBe(2);
      expect(await sweep(LOOKBACK_MS)).toBe(0);
      expect(await sweep(LOOKBACK_MS)).toBe(0); // and it stays healed
    } finally {
      live.close();
    }
  });

  test('an event that was only in flight at a sweep is not healed: it arrived by the next one', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('inflight');
    const events = new EventQueue();
    const live = openLiveEvents(bob.id, (e) => events.push(e));
    try {
      await events.next(isHeads);
      const [written] = (await writeSends([{ conversationId, senderId: alice.id, clientId: randomUUID(), body: 'slow' }], messageIds)).outcomes;
      if (!written.ok) throw written.error;
      expect(await sweep(LOOKBACK_MS)).toBe(0);
      fanout.publish(conversationId, [written.message]); // its fan-out comes late, before the next sweep
      await events.next((e) => e.type === 'message.new');
      expect(await sweep(LOOKBACK_MS)).toBe(0);
      expect(events.events.filter(isHeads)).toHaveLength(1); // only the first heads
    } finally {
      live.close();
    }
  });

  test('a receipt whose event was lost: the sender\'s ticks and the reader\'s other devices get heads at the second sweep', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('healack');
    const [toAlice, toBob] = [new EventQueue(), new EventQueue()];
    const lives = [openLiveEvents(alice.id, (e) => toAlice.push(e)), openLiveEvents(bob.id, (e) => toBob.push(e))];
    try {
      await Promise.all([toAlice.next(isHeads), toBob.next(isHeads)]);
      await send(alice, conversationId, 'did you get it?');
      await toBob.next((e) => e.type === 'message.new');
      // Written, never published: as if the acking instance's publish was lost.
      await writeAcks([{ userId: bob.id, conversationId, deliveredSeq: 1, readSeq: 1 }]);

      expect(await sweep(LOOKBACK_MS)).toBe(0);
      expect(await sweep(LOOKBACK_MS)).toBe(2);
      const alicesHead = (await toAlice.next<HeadsEvent>(isHeads)).conversations.find((c) => c.id === conversationId);
      expect(alicesHead).toMatchObject({ allDeliveredSeq: 1, allReadSeq: 1 });
      const bobsHead = (await toBob.next<HeadsEvent>(isHeads)).conversations.find((c) => c.id === conversationId);
      expect(bobsHead).toMatchObject({ deliveredSeq: 1, readSeq: 1 });
      expect(await sweep(LOOKBACK_MS)).toBe(0);
      expect(await sweep(LOOKBACK_MS)).toBe(0);
    } finally {
      for (const live of lives) live.close();
    }
  });

  test('a conversation going back and forth needs no healing: a send that read the other\'s messages says so with its message, one that passed only the sender\'s own says nothing', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('chat');
    const [toAlice, toBob] = [new EventQueue(), new EventQueue()];
    const lives = [openLiveEvents(alice.id, (e) => toAlice.push(e)), openLiveEvents(bob.id, (e) => toBob.push(e))];
    // Each message with the receipt it carries; a receipt.updated (none should come) as its own entry.
    const told = (q: EventQueue): unknown[] =>
      q.events.flatMap((e): unknown[] => (e.type === 'message.new' ? [[e.message.seq, e.senderRead ?? null]] : e.type === 'receipt.updated' ? ['receipt.updated'] : []));
    try {
      await Promise.all([toAlice.next(isHeads), toBob.next(isHeads)]);
      await send(alice, conversationId, 'hi'); // 1
      await send(alice, conversationId, 'are you there?'); // 2: passes only her own
      await send(bob, conversationId, 'yes'); // 3: reads 1 and 2, so alice's ticks turn blue
      await send(alice, conversationId, 'good'); // 4: reads 3
      await send(bob, conversationId, 'and you?'); // 5: reads 4
      await Promise.all([toAlice.next((e) => e.type === 'message.new' && e.message.seq === 5), toBob.next((e) => e.type === 'message.new' && e.message.seq === 5)]);

      const expected = [
        [1, null],
        [2, null],
        [3, { deliveredSeq: 3, readSeq: 3, allDeliveredSeq: 2, allReadSeq: 2 }],
        [4, { deliveredSeq: 4, readSeq: 4, allDeliveredSeq: 3, allReadSeq: 3 }],
        [5, { deliveredSeq: 5, readSeq: 5, allDeliveredSeq: 4, allReadSeq: 4 }],
      ];
      expect(told(toAlice)).toEqual(expected);
      expect(told(toBob)).toEqual(expected);

      // What each subscription was told is what was committed: the sweeps find nobody behind.
      expect(await sweep(LOOKBACK_MS)).toBe(0);
      expect(await sweep(LOOKBACK_MS)).toBe(0);
      expect(toAlice.events.filter(isHeads)).toHaveLength(1);
      expect(toBob.events.filter(isHeads)).toHaveLength(1);
    } finally {
      for (const live of lives) live.close();
    }
  });

  test('a member who left is not healed past their departure', async () => {
    const { users: [owner, leaver], conversationId } = await createGroup('healleft', 2);
    const events = new EventQueue();
    const live = openLiveEvents(leaver.id, (e) => events.push(e));
    try {
      await events.next(isHeads);
      await leaver.caller.groups.leave({ conversationId });
      await events.next((e) => e.type === 'message.new'); // their own "left" line
      await writeSends([{ conversationId, senderId: owner.id, clientId: randomUUID(), body: 'after you left' }], messageIds);
      expect(await sweep(LOOKBACK_MS)).toBe(0);
      expect(await sweep(LOOKBACK_MS)).toBe(0);
    } finally {
      live.close();
    }
  });
});
