// Delivery and read receipts: watermarks that only move forward, batches, and who hears receipt.updated.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { HeadsEvent, ReceiptUpdatedEvent, ServerEvent } from '../../lib/events.ts';
import type { ConversationId, Message, ReceiptState } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import {
  createGroup,
  createPair,
  createUser,
  EventReader,
  expectTRPCError,
  releaseServices,
  send,
  type TestUser,
} from '../test/helpers.ts';
import { writeAcks } from './write.ts';

afterAll(releaseServices);

type Receipt = { conversationId: ConversationId; deliveredSeq?: number; readSeq?: number };

function ack(user: TestUser, ...receipts: Receipt[]): Promise<ReceiptState[]> {
  return user.caller.receipts.ack({ receipts });
}

/** Every member's stored watermarks, by user id. */
async function watermarks(conversationId: ConversationId): Promise<Record<string, { delivered: number; read: number }>> {
  const rows = await getDb().member.findMany({ where: { conversationId }, select: { userId: true, deliveredSeq: true, readSeq: true } });
  return Object.fromEntries(rows.map((m) => [m.userId, { delivered: Number(m.deliveredSeq), read: Number(m.readSeq) }]));
}

async function sendAll(user: TestUser, conversationId: ConversationId, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await send(user, conversationId, `${user.username} ${i}`);
}

/** Subscriptions that are live: each has received its heads, so every later publish reaches it. */
async function openReaders(...users: TestUser[]): Promise<EventReader[]> {
  const readers = await Promise.all(users.map((u) => EventReader.open(u.id)));
  await Promise.all(readers.map((r) => r.next((e) => e.type === 'sync.heads')));
  return readers;
}

const closeAll = (readers: EventReader[]) => Promise.all(readers.map((r) => r.close()));

function isReceiptIn(conversationId: ConversationId) {
  return (e: ServerEvent) => e.type === 'receipt.updated' && e.conversationId === conversationId;
}

/**
 * Asserts that nothing reached the reader between what it has taken and `marker`: events arrive in
 * publish order, so anything published before the marker would come first. The marker's own event
 * may carry the receipt of its send (it may read what came before).
 */
async function expectNextIsMarker(reader: EventReader, marker: Message): Promise<void> {
  const next = await reader.next();
  expect(next.type === 'message.new' && next.message).toEqual(marker);
}

describe('receipts.ack: watermarks', () => {
  test('watermarks only move forward: a lower, zero or replayed ack never moves them back', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('mono');
    await sendAll(alice, conversationId, 5);

    expect(await ack(bob, { conversationId, readSeq: 3 })).toEqual([
      { conversationId, userId: bob.id, deliveredSeq: 3, readSeq: 3, allDeliveredSeq: 3, allReadSeq: 3 },
    ]);
    expect(await ack(bob, { conversationId, deliveredSeq: 5 })).toMatchObject([{ deliveredSeq: 5, readSeq: 3 }]);
    expect(await ack(bob, { conversationId, deliveredSeq: 2, readSeq: 1 })).toMatchObject([{ deliveredSeq: 5, readSeq: 3 }]);
    expect(await ack(bob, { conversationId, deliveredSeq: 0, readSeq: 0 })).toMatchObject([{ deliveredSeq: 5, readSeq: 3 }]);
    expect(await ack(bob, { conversationId, readSeq: 3 })).toMatchObject([{ deliveredSeq: 5, readSeq: 3 }]);

    expect((await watermarks(conversationId))[bob.id]).toEqual({ delivered: 5, read: 3 });
    expect(await bob.caller.conversations.get({ conversationId })).toMatchObject({ readSeq: 3, unreadCount: 2 });
    // Bob's watermarks are his alone.
    expect((await watermarks(conversationId))[alice.id]).toEqual({ delivered: 5, read: 5 });
  });

  test('a watermark never passes the last message, so later messages still count as unread', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('clamp');
    expect(await ack(bob, { conversationId, deliveredSeq: 7, readSeq: 7 })).toMatchObject([{ deliveredSeq: 0, readSeq: 0 }]);
    await sendAll(alice, conversationId, 2);

    expect(await ack(bob, { conversationId, deliveredSeq: 999, readSeq: Number.MAX_SAFE_INTEGER })).toMatchObject([
      { deliveredSeq: 2, readSeq: 2, allDeliveredSeq: 2, allReadSeq: 2 },
    ]);
    expect((await watermarks(conversationId))[bob.id]).toEqual({ delivered: 2, read: 2 });

    await send(alice, conversationId, 'after the ack');
    expect(await bob.caller.conversations.get({ conversationId })).toMatchObject({ lastSeq: 3, readSeq: 2, unreadCount: 1 });
  });

  test('reading implies delivered: an ack of readSeq alone moves deliveredSeq up to it', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('rimpd');
    await sendAll(alice, conversationId, 4);

    expect(await ack(bob, { conversationId, deliveredSeq: 1 })).toMatchObject([{ deliveredSeq: 1, readSeq: 0 }]);
    expect(await ack(bob, { conversationId, readSeq: 3 })).toMatchObject([{ deliveredSeq: 3, readSeq: 3 }]);
    // Asking for less delivered than read in one receipt still gives delivered >= read.
    expect(await ack(bob, { conversationId, deliveredSeq: 2, readSeq: 4 })).toMatchObject([{ deliveredSeq: 4, readSeq: 4 }]);
    expect((await watermarks(conversationId))[bob.id]).toEqual({ delivered: 4, read: 4 });
  });

  test('a sender has delivered and read their own messages, so read never runs ahead of delivered', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('sendwm');
    await sendAll(alice, conversationId, 2);
    expect(await watermarks(conversationId)).toEqual({ [alice.id]: { delivered: 2, read: 2 }, [bob.id]: { delivered: 0, read: 0 } });

    await send(bob, conversationId, 'reply');
    expect(await watermarks(conversationId)).toEqual({ [alice.id]: { delivered: 2, read: 2 }, [bob.id]: { delivered: 3, read: 3 } });
  });

  test("a user's own messages never count as unread, and sending reads everything before it", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('ownunr');
    const inboxEntry = async (user: TestUser) => (await user.caller.conversations.list()).conversations.find((c) => c.id === conversationId);

    await sendAll(alice, conversationId, 3);
    expect(await inboxEntry(alice)).toMatchObject({ lastSeq: 3, readSeq: 3, unreadCount: 0 });
    expect(await inboxEntry(bob)).toMatchObject({ lastSeq: 3, readSeq: 0, unreadCount: 3 });

    await ack(bob, { conversationId, readSeq: 1 });
    expect(await inboxEntry(bob)).toMatchObject({ readSeq: 1, unreadCount: 2 });
    await send(bob, conversationId, 'b4');
    expect(await inboxEntry(bob)).toMatchObject({ readSeq: 4, unreadCount: 0 });
    expect(await inboxEntry(alice)).toMatchObject({ readSeq: 3, unreadCount: 1 });

    await ack(alice, { conversationId, readSeq: 4 });
    expect(await inboxEntry(alice)).toMatchObject({ readSeq: 4, unreadCount: 0 });
  });

  test('one call acknowledges several conversations, each to its own watermarks', async () => {
    const [alice, bob, carol] = await Promise.all([createUser('batcha'), createUser('batchb'), createUser('batchc')]);
    const withBob = (await alice.caller.conversations.openDirect({ username: bob.username })).id;
    const withCarol = (await alice.caller.conversations.openDirect({ username: carol.username })).id;
    await sendAll(bob, withBob, 2);
    await sendAll(carol, withCarol, 3);

    const states = await ack(alice, { conversationId: withBob, readSeq: 2 }, { conversationId: withCarol, deliveredSeq: 3, readSeq: 1 });
    expect([...states].sort((x, y) => x.conversationId.localeCompare(y.conversationId))).toEqual(
      [
        { conversationId: withBob, userId: alice.id, deliveredSeq: 2, readSeq: 2, allDeliveredSeq: 2, allReadSeq: 2 },
        { conversationId: withCarol, userId: alice.id, deliveredSeq: 3, readSeq: 1, allDeliveredSeq: 3, allReadSeq: 1 },
      ].sort((x, y) => x.conversationId.localeCompare(y.conversationId)),
    );
    expect((await watermarks(withBob))[alice.id]).toEqual({ delivered: 2, read: 2 });
    expect((await watermarks(withCarol))[alice.id]).toEqual({ delivered: 3, read: 1 });
  });

  test('the same conversation twice in one batch counts as its highest watermarks', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('dupe');
    await sendAll(alice, conversationId, 4);
    const states = await ack(
      bob,
      { conversationId, deliveredSeq: 3, readSeq: 1 },
      { conversationId, readSeq: 2 },
      { conversationId, deliveredSeq: 1 },
    );
    expect(states).toEqual([{ conversationId, userId: bob.id, deliveredSeq: 3, readSeq: 2, allDeliveredSeq: 3, allReadSeq: 2 }]);
    expect((await watermarks(conversationId))[bob.id]).toEqual({ delivered: 3, read: 2 });
  });

  test("entries for a conversation the caller is not in are dropped, the others apply; with none left it is FORBIDDEN and nothing changes", async () => {
    const { a: alice, b: bob, conversationId: own } = await createPair('forb');
    const { conversationId: foreign, a: carol } = await createPair('forbx');
    await sendAll(bob, own, 2);
    await sendAll(carol, foreign, 2);
    const foreignBefore = await watermarks(foreign);

    const readers = await openReaders(alice, bob, carol);
    try {
      // One refused entry no longer blocks the rest (a client's backlog of acks must drain).
      const states = await ack(alice, { conversationId: own, readSeq: 2 }, { conversationId: foreign, readSeq: 2 }, { conversationId: randomUUID(), readSeq: 1 });
      expect(states.map((s) => [s.conversationId, s.readSeq])).toEqual([[own, 2]]);
      await expectTRPCError(ack(alice, { conversationId: foreign, deliveredSeq: 1 }, { conversationId: randomUUID(), deliveredSeq: 2 }), 'FORBIDDEN');
      expect(await watermarks(foreign)).toEqual(foreignBefore);
      expect((await watermarks(own))[alice.id]).toEqual({ delivered: 2, read: 2 });

      // Carol's conversation heard nothing of Alice.
      const [, , carolEvents] = readers;
      const otherMarker = await send(carol, foreign, 'marker');
      await expectNextIsMarker(carolEvents, otherMarker);
    } finally {
      await closeAll(readers);
    }
  });

  test('rejects a negative, fractional or missing watermark and an empty batch with BAD_REQUEST', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('ackbad');
    await send(alice, conversationId, 'hi');
    await expectTRPCError(ack(bob, { conversationId, readSeq: -1 }), 'BAD_REQUEST');
    await expectTRPCError(ack(bob, { conversationId, deliveredSeq: 1.5 }), 'BAD_REQUEST');
    await expectTRPCError(ack(bob, { conversationId }), 'BAD_REQUEST');
    await expectTRPCError(ack(bob), 'BAD_REQUEST');
    expect((await watermarks(conversationId))[bob.id]).toEqual({ delivered: 0, read: 0 });
  });
});

describe('receipt.updated', () => {
  test("reaches every device of the acking user, with their watermarks and the conversation's aggregate", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('devs');
    await sendAll(alice, conversationId, 2);
    const readers = await openReaders(bob, bob);
    try {
      await ack(bob, { conversationId, deliveredSeq: 2, readSeq: 1 });
      for (const reader of readers) {
        expect(await reader.next(isReceiptIn(conversationId))).toEqual({
          type: 'receipt.updated',
          conversationId,
          userId: bob.id,
          deliveredSeq: 2,
          readSeq: 1,
          allDeliveredSeq: 2,
          allReadSeq: 1,
        });
      }
    } finally {
      await closeAll(readers);
    }
  });

  test('reaches the other member, with the new aggregate, when the aggregate moved', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('aggmv');
    await sendAll(alice, conversationId, 2);
    const readers = await openReaders(alice);
    const [aliceEvents] = readers;
    try {
      await ack(bob, { conversationId, deliveredSeq: 2 });
      expect(await aliceEvents.next()).toEqual({
        type: 'receipt.updated',
        conversationId,
        userId: bob.id,
        deliveredSeq: 2,
        readSeq: 0,
        allDeliveredSeq: 2,
        allReadSeq: 0,
      });
      await ack(bob, { conversationId, readSeq: 1 });
      expect(await aliceEvents.next()).toEqual({
        type: 'receipt.updated',
        conversationId,
        userId: bob.id,
        deliveredSeq: 2,
        readSeq: 1,
        allDeliveredSeq: 2,
        allReadSeq: 1,
      });
    } finally {
      await closeAll(readers);
    }
  });

  // In a 1:1 every real move changes the aggregate: a message above the lower member's watermark
  // was sent by the other, whose send moved their own watermarks to it, so only the lower one can
  // move. It takes a third member to move a watermark that is not the minimum.
  test("does not reach the other members when only the acker's watermark moved, not the aggregate", async () => {
    const { users, conversationId } = await createGroup('aggst', 3);
    const [alice, bob, carol] = users;
    await sendAll(alice, conversationId, 2);
    const readers = await openReaders(alice, bob, carol);
    const [aliceEvents, bobEvents, carolEvents] = readers;
    try {
      // Carol still has nothing delivered: the minimum stays 0.
      const [state] = await ack(bob, { conversationId, deliveredSeq: 2 });
      const bobsOwn = { type: 'receipt.updated', ...state };
      expect(bobsOwn).toEqual({
        type: 'receipt.updated',
        conversationId,
        userId: bob.id,
        deliveredSeq: 2,
        readSeq: 0,
        allDeliveredSeq: 0,
        allReadSeq: 0,
      });
      expect(await bobEvents.next()).toEqual(bobsOwn);

      const marker = await send(alice, conversationId, 'marker');
      for (const reader of readers) await expectNextIsMarker(reader, marker);

      // Carol was the minimum: her ack moves the aggregate, and everyone hears it.
      await ack(carol, { conversationId, deliveredSeq: 2 });
      const carols = { type: 'receipt.updated', conversationId, userId: carol.id, deliveredSeq: 2, readSeq: 0, allDeliveredSeq: 2, allReadSeq: 0 };
      for (const reader of [aliceEvents, bobEvents, carolEvents]) {
        expect(await reader.next<ReceiptUpdatedEvent>()).toEqual(carols);
      }
    } finally {
      await closeAll(readers);
    }
  });

  test('acks that move the aggregate together reach the other members once, not once per acker', async () => {
    const { users, conversationId } = await createGroup('aggonce', 3);
    const [alice, bob, carol] = users;
    await sendAll(alice, conversationId, 2);
    const readers = await openReaders(alice);
    const [aliceEvents] = readers;
    try {
      // Submitted in the same turn: one batch, in which the minimum moves from 0 to 2.
      await Promise.all([ack(bob, { conversationId, deliveredSeq: 2 }), ack(carol, { conversationId, deliveredSeq: 2 })]);
      const heard = await aliceEvents.next<ReceiptUpdatedEvent>();
      expect(heard).toMatchObject({ type: 'receipt.updated', conversationId, allDeliveredSeq: 2, allReadSeq: 0 });
      const marker = await send(alice, conversationId, 'marker');
      await expectNextIsMarker(aliceEvents, marker);
    } finally {
      await closeAll(readers);
    }
  });

  test('the same ack twice publishes once', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('idem');
    await send(alice, conversationId, 'one');
    const readers = await openReaders(alice, bob, bob);
    try {
      const first = await ack(bob, { conversationId, deliveredSeq: 1, readSeq: 1 });
      expect(await ack(bob, { conversationId, deliveredSeq: 1, readSeq: 1 })).toEqual(first);
      const marker = await send(alice, conversationId, 'marker');
      for (const reader of readers) {
        expect(await reader.next()).toEqual({ type: 'receipt.updated', ...first[0] });
        await expectNextIsMarker(reader, marker);
      }
    } finally {
      await closeAll(readers);
    }
  });

  test("an ack that moves nothing, because the acker's own sends already covered it, publishes nothing to anyone", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('noop');
    await sendAll(alice, conversationId, 2);
    const readers = await openReaders(alice, alice, bob);
    try {
      expect(await ack(alice, { conversationId, deliveredSeq: 2, readSeq: 2 }, { conversationId, readSeq: 1 })).toEqual([
        { conversationId, userId: alice.id, deliveredSeq: 2, readSeq: 2, allDeliveredSeq: 0, allReadSeq: 0 },
      ]);
      const marker = await send(bob, conversationId, 'marker');
      for (const reader of readers) await expectNextIsMarker(reader, marker);
    } finally {
      await closeAll(readers);
    }
  });
});

describe('aggregates in heads and the inbox', () => {
  test("sync.heads carries the caller's deliveredSeq and readSeq and the conversation's allDeliveredSeq and allReadSeq", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('heads');
    await sendAll(alice, conversationId, 3);
    const headOf = async (user: TestUser) => {
      const [reader] = await openReaders(user);
      try {
        const heads = reader.events[0] as HeadsEvent;
        return heads.conversations.find((c) => c.id === conversationId);
      } finally {
        await reader.close();
      }
    };

    // The aggregate is the lowest over the members, not the caller's own.
    expect(await headOf(alice)).toEqual({ id: conversationId, lastSeq: 3, deliveredSeq: 3, readSeq: 3, allDeliveredSeq: 0, allReadSeq: 0 });
    await ack(bob, { conversationId, deliveredSeq: 3, readSeq: 1 });
    expect(await headOf(alice)).toEqual({ id: conversationId, lastSeq: 3, deliveredSeq: 3, readSeq: 3, allDeliveredSeq: 3, allReadSeq: 1 });
    expect(await headOf(bob)).toEqual({ id: conversationId, lastSeq: 3, deliveredSeq: 3, readSeq: 1, allDeliveredSeq: 3, allReadSeq: 1 });
  });

  test('conversations.list and get carry allDeliveredSeq and allReadSeq, the lowest over all members', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('inboxagg');
    await sendAll(alice, conversationId, 2);
    await send(bob, conversationId, 'reply');
    const views = async () => [
      (await alice.caller.conversations.list()).conversations.find((c) => c.id === conversationId),
      await alice.caller.conversations.get({ conversationId }),
      (await bob.caller.conversations.list()).conversations.find((c) => c.id === conversationId),
      await bob.caller.conversations.get({ conversationId }),
    ];

    // Alice has 1..2 (her own), Bob 1..3 (his reply read everything before it).
    for (const view of await views()) expect(view).toMatchObject({ lastSeq: 3, allDeliveredSeq: 2, allReadSeq: 2 });
    await ack(alice, { conversationId, deliveredSeq: 3 });
    for (const view of await views()) expect(view).toMatchObject({ allDeliveredSeq: 3, allReadSeq: 2 });
    expect((await views())[0]).toMatchObject({ readSeq: 2, unreadCount: 1 });
  });
});

describe('receipts written in batches', () => {
  test('two members reading the last message at once, each on another instance, still make it read by all', async () => {
    const { users, conversationId } = await createGroup('race', 3);
    const last = await send(users[0], conversationId, 'everyone read this?');
    // Each write as another instance would make it, concurrently: one of them must see the other's.
    const [first, second] = await Promise.all(
      [users[1], users[2]].map((u) => writeAcks([{ userId: u.id, conversationId, deliveredSeq: last.seq, readSeq: last.seq }])),
    );
    const seen = [first, second].map((w) => w.aggregates.get(conversationId)!.allReadSeq);
    expect(Math.max(...seen)).toBe(last.seq);
  });

  test("a member's watermark moves within one second leave one receipt mark, not one per move", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('marks');
    for (let i = 1; i <= 10; i++) await send(alice, conversationId, `m${i}`);
    const t0 = Date.now();
    const at = (ms: number) => () => new Date(t0 + ms);
    for (let i = 1; i <= 10; i++) await writeAcks([{ userId: bob.id, conversationId, deliveredSeq: i, readSeq: 0 }], at(i * 90));
    const marks = () => getDb().receiptMark.findMany({ where: { conversationId, userId: bob.id }, orderBy: { at: 'asc' } });
    expect((await marks()).map((m) => [Number(m.deliveredSeq), m.at.getTime() - t0])).toEqual([[10, 90]]);
    // A move more than a second later is a mark of its own: "Message info" keeps its times to the second.
    await writeAcks([{ userId: bob.id, conversationId, deliveredSeq: 10, readSeq: 10 }], at(2_500));
    expect((await marks()).map((m) => [Number(m.readSeq), m.at.getTime() - t0])).toEqual([[0, 90], [10, 2_500]]);
  });
});
