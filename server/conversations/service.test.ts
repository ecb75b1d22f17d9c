// Direct conversations, the inbox, unread counts and heads, through the tRPC caller (receipts: server/receipts).
import { afterAll, describe, expect, test } from 'vitest';
import type { HeadsEvent } from '../../lib/events.ts';
import type { InboxPage } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import type { AppError } from '../errors.ts';
import {
  createPair,
  createUser,
  EventReader,
  expectTRPCError,
  releaseServices,
  send,
  uniqueUsername,
} from '../test/helpers.ts';

afterAll(releaseServices);

describe('conversations.openDirect', () => {
  test('opening twice, from either side, gives the same conversation', async () => {
    const [alice, bob] = await Promise.all([createUser('od1a'), createUser('od1b')]);
    const first = await alice.caller.conversations.openDirect({ username: bob.username });
    const again = await alice.caller.conversations.openDirect({ username: bob.username });
    const fromBob = await bob.caller.conversations.openDirect({ username: alice.username.toUpperCase() });
    expect(again.id).toBe(first.id);
    expect(fromBob.id).toBe(first.id);
    expect(first).toMatchObject({
      kind: 'direct',
      title: bob.displayName,
      peer: { id: bob.id, username: bob.username, displayName: bob.displayName },
      lastSeq: 0,
      readSeq: 0,
      allDeliveredSeq: 0,
      allReadSeq: 0,
      unreadCount: 0,
      lastMessage: null,
    });
    expect(fromBob.peer?.id).toBe(alice.id);
  });

  test('opening concurrently from both sides creates one conversation with two members', async () => {
    const [alice, bob] = await Promise.all([createUser('od2a'), createUser('od2b')]);
    const opened = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0
          ? alice.caller.conversations.openDirect({ username: bob.username })
          : bob.caller.conversations.openDirect({ username: alice.username }),
      ),
    );
    const ids = new Set(opened.map((c) => c.id));
    expect(ids.size).toBe(1);
    const directKey = [alice.id, bob.id].sort().join(':');
    expect(await getDb().conversation.count({ where: { directKey } })).toBe(1);
    const members = await getDb().member.findMany({ where: { conversationId: opened[0].id }, select: { userId: true } });
    expect(members.map((m) => m.userId).sort()).toEqual([alice.id, bob.id].sort());
  });

  test('opening a conversation with yourself is a BAD_REQUEST and creates nothing', async () => {
    const alice = await createUser('odself');
    const err = await expectTRPCError(alice.caller.conversations.openDirect({ username: alice.username }), 'BAD_REQUEST');
    expect((err.cause as AppError).field).toBe('username');
    expect(await getDb().member.count({ where: { userId: alice.id } })).toBe(0);
  });

  test('opening a conversation with an unknown user is NOT_FOUND and creates nothing', async () => {
    const alice = await createUser('odnone');
    await expectTRPCError(alice.caller.conversations.openDirect({ username: uniqueUsername('ghost') }), 'NOT_FOUND');
    await expectTRPCError(alice.caller.conversations.openDirect({ username: 'no such user!' }), 'BAD_REQUEST');
    expect(await getDb().member.count({ where: { userId: alice.id } })).toBe(0);
  });
});

/** Waits until the clock is past `time`, so the next message's timestamp is strictly later. */
async function clockPasses(time: Date): Promise<void> {
  while (Date.now() <= time.getTime()) await new Promise((resolve) => setImmediate(resolve));
}

describe('conversations.list (the inbox)', () => {
  test('is sorted by last activity, with the last message and the unread count', async () => {
    const [alice, bob, carol] = await Promise.all([createUser('inba'), createUser('inbb'), createUser('inbc')]);
    const withBob = (await alice.caller.conversations.openDirect({ username: bob.username })).id;
    const withCarol = (await alice.caller.conversations.openDirect({ username: carol.username })).id;

    await clockPasses((await send(bob, withBob, 'bob 1')).createdAt);
    const carols = await send(carol, withCarol, 'carol 1');
    let inbox = (await alice.caller.conversations.list()).conversations;
    expect(inbox.map((c) => c.id)).toEqual([withCarol, withBob]);

    await clockPasses(carols.createdAt);
    await send(bob, withBob, 'bob 2');
    const last = await send(bob, withBob, 'bob 3');
    inbox = (await alice.caller.conversations.list()).conversations;
    expect(inbox.map((c) => c.id)).toEqual([withBob, withCarol]);
    expect(inbox[0]).toMatchObject({
      title: bob.displayName,
      peer: { id: bob.id },
      lastSeq: 3,
      readSeq: 0,
      unreadCount: 3,
      lastMessage: { id: last.id, seq: 3, senderId: bob.id, body: 'bob 3', conversationId: withBob },
    });
    expect(inbox[0].lastMessage?.createdAt).toBeInstanceOf(Date);
    expect(inbox[0].lastActivityAt.getTime()).toBe(last.createdAt.getTime());
    expect(inbox[1]).toMatchObject({ unreadCount: 1, lastMessage: { body: 'carol 1' } });
  });

  test('comes in pages by last activity: every chat once, ties split by id, a moved chat not repeated', async () => {
    const alice = await createUser('pga');
    const peers = await Promise.all(Array.from({ length: 7 }, (_, i) => createUser(`pg${i}`)));
    const ids: string[] = [];
    for (const peer of peers) {
      const id = (await alice.caller.conversations.openDirect({ username: peer.username })).id;
      await send(peer, id, `from ${peer.username}`);
      ids.push(id);
    }
    // Three chats with the very same last activity: the page boundary falls among them.
    await getDb().$executeRaw`UPDATE conversations SET last_at = '2026-01-01T00:00:00.123456Z' WHERE id = ANY(${ids.slice(2, 5)}::uuid[])`;
    const expected = (await alice.caller.conversations.list({ limit: 200 })).conversations.map((c) => c.id);
    expect(expected).toHaveLength(7);
    expect(new Set(expected)).toEqual(new Set(ids));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: InboxPage = await alice.caller.conversations.list({ limit: 3, cursor });
      expect(page.conversations.length).toBeLessThanOrEqual(3);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);

    // The oldest chat gets a message after the first page: it is new on top, not on a later page.
    const first = await alice.caller.conversations.list({ limit: 3 });
    const oldest = expected[6];
    await send(peers[ids.indexOf(oldest)], oldest, 'back on top');
    const rest: string[] = [];
    for (let c = first.nextCursor; c; ) {
      const page: InboxPage = await alice.caller.conversations.list({ limit: 3, cursor: c });
      rest.push(...page.conversations.map((x) => x.id));
      c = page.nextCursor;
    }
    expect(rest).toEqual(expected.slice(3, 6));
    expect((await alice.caller.conversations.list()).conversations[0].id).toBe(oldest);
  });

  test('a cursor it did not give out or a page size out of range is a BAD_REQUEST', async () => {
    const alice = await createUser('pgbad');
    for (const input of [{ cursor: 'x' }, { cursor: '99999999999999999:00000000-0000-0000-0000-000000000000' }, { limit: 0 }, { limit: 201 }]) {
      await expectTRPCError(alice.caller.conversations.list(input), 'BAD_REQUEST');
    }
    // A well-formed cursor past every chat is just the end.
    expect(await alice.caller.conversations.list({ cursor: '1:00000000-0000-0000-0000-000000000000' })).toEqual({ conversations: [], nextCursor: null });
  });

  test('leaves out a conversation with no messages yet, which conversations.get still returns', async () => {
    const { a, b, conversationId } = await createPair('inbempty');
    expect((await a.caller.conversations.list()).conversations.map((c) => c.id)).not.toContain(conversationId);
    expect((await b.caller.conversations.list()).conversations.map((c) => c.id)).not.toContain(conversationId);
    expect(await b.caller.conversations.get({ conversationId })).toMatchObject({ id: conversationId, lastSeq: 0, lastMessage: null });
  });

  test("unread counts only other people's messages, and sending reads everything before it", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('unr');
    await send(alice, conversationId, 'a1');
    await send(alice, conversationId, 'a2');
    await send(alice, conversationId, 'a3');
    expect(await alice.caller.conversations.get({ conversationId })).toMatchObject({ unreadCount: 0, readSeq: 3 });
    expect(await bob.caller.conversations.get({ conversationId })).toMatchObject({ unreadCount: 3, readSeq: 0 });

    await send(bob, conversationId, 'b4');
    expect(await bob.caller.conversations.get({ conversationId })).toMatchObject({ unreadCount: 0, readSeq: 4 });
    expect(await alice.caller.conversations.get({ conversationId })).toMatchObject({ unreadCount: 1, readSeq: 3 });
  });
});

describe('heads', () => {
  test('the first event of sync.events is the heads of every conversation of the user', async () => {
    const [alice, bob, carol] = await Promise.all([createUser('hda'), createUser('hdb'), createUser('hdc')]);
    const withBob = (await alice.caller.conversations.openDirect({ username: bob.username })).id;
    const withCarol = (await alice.caller.conversations.openDirect({ username: carol.username })).id;
    await send(bob, withBob, 'one');
    await send(bob, withBob, 'two');
    await alice.caller.receipts.ack({ receipts: [{ conversationId: withBob, deliveredSeq: 2, readSeq: 1 }] });

    const events = await EventReader.open(alice.id);
    try {
      const heads = await events.next<HeadsEvent>();
      expect(heads.type).toBe('sync.heads');
      expect([...heads.conversations].sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [
          { id: withBob, lastSeq: 2, deliveredSeq: 2, readSeq: 1, allDeliveredSeq: 2, allReadSeq: 1 },
          { id: withCarol, lastSeq: 0, deliveredSeq: 0, readSeq: 0, allDeliveredSeq: 0, allReadSeq: 0 },
        ].sort((x, y) => x.id.localeCompare(y.id)),
      );
    } finally {
      await events.close();
    }
  });
});
