// Changes to messages: who may edit, delete for everyone and react, when, and how the changes travel
// (in the conversation's sequence, to every member's devices, never past a former member's window).
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { MessageNewEvent } from '../../lib/events.ts';
import type { ConversationId, Message } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { createGroup, createPair, createUser, EventReader, expectTRPCError, isMessageIn, releaseServices, send, type TestUser } from '../test/helpers.ts';
import { fanout } from './fanout.ts';

afterAll(releaseServices);

const edit = (user: TestUser, conversationId: ConversationId, seq: number, body: string, clientId: string = randomUUID()) =>
  user.caller.messages.edit({ conversationId, seq, body, clientId }).finally(() => fanout.idle());
const remove = (user: TestUser, conversationId: ConversationId, seq: number, clientId: string = randomUUID()) =>
  user.caller.messages.delete({ conversationId, seq, clientId }).finally(() => fanout.idle());
const react = (user: TestUser, conversationId: ConversationId, seq: number, emoji: string | null, clientId: string = randomUUID()) =>
  user.caller.messages.react({ conversationId, seq, emoji, clientId }).finally(() => fanout.idle());

async function shown(user: TestUser, conversationId: ConversationId, seq: number): Promise<Message | undefined> {
  const page = await user.caller.messages.list({ conversationId });
  return page.messages.find((m) => m.seq === seq);
}

async function lastSeq(conversationId: ConversationId): Promise<number> {
  const c = await getDb().conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { lastSeq: true } });
  return Number(c.lastSeq);
}

/** Makes a message look as if it had been sent `ms` ago. */
async function age(message: Message, ms: number): Promise<void> {
  await getDb().message.update({ where: { id: BigInt(message.id) }, data: { createdAt: new Date(Date.now() - ms) } });
}

describe('messages.edit', () => {
  test('an edit is the next seq of the conversation; every member hears it, and history and the inbox show the new text', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('edit');
    const original = await send(alice, conversationId, 'helo');
    const before = await bob.caller.conversations.get({ conversationId });
    const bobEvents = await EventReader.open(bob.id);
    try {
      const change = await edit(alice, conversationId, original.seq, 'hello');
      expect(change).toMatchObject({ seq: 2, kind: 'change', senderId: alice.id, body: 'hello', event: { type: 'message.edited', targetSeq: 1 } });
      expect((await bobEvents.next<MessageNewEvent>(isMessageIn(conversationId))).message).toEqual(change);
    } finally {
      await bobEvents.close();
    }
    for (const user of [alice, bob]) {
      const page = await user.caller.messages.list({ conversationId });
      expect(page.messages.map((m) => [m.seq, m.kind])).toEqual([[1, 'text'], [2, 'change']]);
      expect(page.messages[0]).toMatchObject({ body: 'hello', edited: true, changedSeq: 2 });
    }
    const after = await bob.caller.conversations.get({ conversationId });
    // Not a new message: no unread, no move up the chat list; the preview shows the new text.
    expect(after).toMatchObject({ lastSeq: 2, unreadCount: 1, lastActivityAt: before.lastActivityAt });
    expect(after.lastMessage).toMatchObject({ seq: 1, body: 'hello', edited: true });
  });

  test('only your own text message, within 15 minutes, changed and not deleted; a refused edit changes nothing', async () => {
    const { users: [alice, bob, carol], conversationId } = await createGroup('editrule', 3);
    const outsider = await createUser('editout');
    const mine = await send(alice, conversationId, 'mine');
    const old = await send(alice, conversationId, 'old');
    await age(old, 15 * 60_000 + 1_000);
    const head = await lastSeq(conversationId);
    await expectTRPCError(edit(bob, conversationId, mine.seq, 'not yours'), 'FORBIDDEN');
    await expectTRPCError(edit(alice, conversationId, old.seq, 'too late'), 'FORBIDDEN');
    await expectTRPCError(edit(alice, conversationId, 1, 'the group was created'), 'BAD_REQUEST');
    await expectTRPCError(edit(alice, conversationId, mine.seq, 'mine'), 'BAD_REQUEST');
    await expectTRPCError(edit(alice, conversationId, head + 5, 'nothing there'), 'NOT_FOUND');
    await expectTRPCError(edit(outsider, conversationId, mine.seq, 'outsider'), 'FORBIDDEN');
    await expectTRPCError(edit(carol, randomUUID(), 1, 'no such chat'), 'FORBIDDEN');
    expect(await lastSeq(conversationId)).toBe(head);
    const change = await edit(alice, conversationId, mine.seq, 'mine, edited');
    // A change is not a message to change.
    await expectTRPCError(edit(alice, conversationId, change.seq, 'an edit of an edit'), 'NOT_FOUND');
    expect(await shown(carol, conversationId, mine.seq)).toMatchObject({ body: 'mine, edited', edited: true });
  });

  test('a retried edit returns the first one and writes nothing; a client id used for something else is a conflict', async () => {
    const { a: alice, conversationId } = await createPair('editretry');
    const m = await send(alice, conversationId, 'one');
    const clientId = randomUUID();
    const first = await edit(alice, conversationId, m.seq, 'two', clientId);
    await edit(alice, conversationId, m.seq, 'three', randomUUID());
    const retried = await edit(alice, conversationId, m.seq, 'two', clientId);
    expect(retried).toEqual(first);
    expect(await lastSeq(conversationId)).toBe(3);
    await expectTRPCError(edit(alice, conversationId, m.seq, 'four', m.clientId), 'CONFLICT');
    expect(await shown(alice, conversationId, m.seq)).toMatchObject({ body: 'three' });
  });
});

describe('messages.delete (for everyone)', () => {
  test('erases the text of the message and of its edits on the server; everyone sees it deleted, also in the inbox', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('del');
    const m = await send(alice, conversationId, 'secret');
    await edit(alice, conversationId, m.seq, 'secret, edited');
    await react(bob, conversationId, m.seq, '😮');
    const change = await remove(alice, conversationId, m.seq);
    expect(change).toMatchObject({ kind: 'change', body: '', event: { type: 'message.deleted', targetSeq: m.seq } });
    const stored = await getDb().message.findMany({ where: { conversationId }, select: { body: true } });
    expect(stored.map((r) => r.body).filter((b) => b.includes('secret'))).toEqual([]);
    const seen = await shown(bob, conversationId, m.seq);
    expect(seen).toMatchObject({ kind: 'text', body: '', deleted: true });
    expect(seen?.reactions).toBeUndefined();
    expect(seen?.edited).toBeUndefined();
    expect((await bob.caller.conversations.get({ conversationId })).lastMessage).toMatchObject({ seq: m.seq, body: '', deleted: true });
    // Nothing more can happen to it.
    await expectTRPCError(edit(alice, conversationId, m.seq, 'back'), 'CONFLICT');
    await expectTRPCError(react(bob, conversationId, m.seq, '👍'), 'CONFLICT');
    await expectTRPCError(remove(alice, conversationId, m.seq), 'CONFLICT');
  });

  test('only your own message, within an hour', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('delrule');
    const m = await send(alice, conversationId, 'hi');
    const old = await send(alice, conversationId, 'yesterday');
    await age(old, 3600_000 + 1_000);
    await expectTRPCError(remove(bob, conversationId, m.seq), 'FORBIDDEN');
    await expectTRPCError(remove(alice, conversationId, old.seq), 'FORBIDDEN');
    expect(await lastSeq(conversationId)).toBe(2);
    expect(await shown(bob, conversationId, old.seq)).toMatchObject({ body: 'yesterday' });
  });
});

describe('messages.react', () => {
  test('one reaction per person per message, changeable and taken back; counts per emoji', async () => {
    const { users: [alice, bob, carol, dave], conversationId } = await createGroup('react', 4);
    const m = await send(alice, conversationId, 'news');
    await react(bob, conversationId, m.seq, '👍');
    await react(carol, conversationId, m.seq, '👍');
    await react(alice, conversationId, m.seq, '❤️');
    expect((await shown(alice, conversationId, m.seq))?.reactions).toEqual([
      { emoji: '👍', userIds: [bob.id, carol.id] },
      { emoji: '❤️', userIds: [alice.id] },
    ]);
    await react(bob, conversationId, m.seq, '❤️');
    await react(carol, conversationId, m.seq, null);
    expect((await shown(carol, conversationId, m.seq))?.reactions).toEqual([{ emoji: '❤️', userIds: [alice.id, bob.id] }]);
    const head = await lastSeq(conversationId);
    await expectTRPCError(react(bob, conversationId, m.seq, '❤️'), 'BAD_REQUEST');
    await expectTRPCError(react(carol, conversationId, m.seq, null), 'BAD_REQUEST');
    expect(await lastSeq(conversationId)).toBe(head);
    // Reactions are no news: who did not react has the one message unread (reacting reads it).
    expect((await dave.caller.conversations.get({ conversationId })).unreadCount).toBe(1);
    expect((await carol.caller.conversations.get({ conversationId })).unreadCount).toBe(0);
  });

  test('a reaction is one emoji', async () => {
    const { a: alice, conversationId } = await createPair('emoji');
    const m = await send(alice, conversationId, 'hi');
    for (const emoji of ['a', '1', '👍👍', '👍 ', '<b>', '']) await expectTRPCError(react(alice, conversationId, m.seq, emoji), 'BAD_REQUEST');
    for (const emoji of ['👍🏽', '🇫🇷', '👨‍👩‍👧', '1️⃣', '❤️']) await react(alice, conversationId, m.seq, emoji);
    expect((await shown(alice, conversationId, m.seq))?.reactions).toEqual([{ emoji: '❤️', userIds: [alice.id] }]);
  });
});

describe('changes and membership windows', () => {
  test('a former member sees the messages as they were when they left and hears none of the later changes', async () => {
    const { users: [alice, bob, carol], conversationId } = await createGroup('window', 3);
    const m = await send(alice, conversationId, 'before');
    await react(bob, conversationId, m.seq, '👍');
    const carolsClientId = randomUUID();
    const carols = await react(carol, conversationId, m.seq, '😮', carolsClientId);
    await carol.caller.groups.leave({ conversationId });
    // Idempotency first: her retry is answered with the original, though she is no longer a member.
    expect(await react(carol, conversationId, m.seq, '😮', carolsClientId)).toEqual(carols);
    await fanout.idle();
    const carolEvents = await EventReader.open(carol.id);
    try {
      await edit(alice, conversationId, m.seq, 'after');
      await react(bob, conversationId, m.seq, '🎉');
      await expectTRPCError(react(carol, conversationId, m.seq, '👍'), 'FORBIDDEN');
      const marker = await send(alice, conversationId, 'marker');
      expect(carolEvents.events.filter((e) => e.type === 'message.new')).toEqual([]);
      expect(await shown(carol, conversationId, m.seq)).toMatchObject({
        body: 'before', reactions: [{ emoji: '👍', userIds: [bob.id] }, { emoji: '😮', userIds: [carol.id] }],
      });
      expect(await shown(carol, conversationId, m.seq)).not.toHaveProperty('edited');
      expect((await carol.caller.conversations.get({ conversationId })).lastMessage?.seq).toBeLessThan(marker.seq);
      expect(await shown(alice, conversationId, m.seq)).toMatchObject({
        body: 'after', edited: true, reactions: [{ emoji: '😮', userIds: [carol.id] }, { emoji: '🎉', userIds: [bob.id] }],
      });
    } finally {
      await carolEvents.close();
    }
  });

  test('someone added later cannot change what was said before they came', async () => {
    const { users: [alice, bob], conversationId } = await createGroup('late', 2);
    const m = await send(alice, conversationId, 'before you came');
    const dave = await createUser('latedave');
    await alice.caller.groups.addMembers({ conversationId, usernames: [dave.username] });
    await expectTRPCError(react(dave, conversationId, m.seq, '👍'), 'NOT_FOUND');
    await react(bob, conversationId, m.seq, '👍');
  });
});

describe('history with changes', () => {
  test('a page holds `limit` shown messages and every change between them; a gap fill by seq holds changes too', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('page');
    const first = await send(alice, conversationId, 'm1');
    const second = await send(alice, conversationId, 'm2');
    for (const emoji of ['👍', '❤️', '😂', '😮', '😢']) await react(bob, conversationId, second.seq, emoji);
    const latest = await bob.caller.messages.list({ conversationId, limit: 1 });
    expect(latest.messages.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(latest.messages[0]).toMatchObject({ body: 'm2', reactions: [{ emoji: '😢', userIds: [bob.id] }], changedSeq: 7 });
    expect(latest.hasMoreBefore).toBe(true);
    const older = await bob.caller.messages.list({ conversationId, before: 2, limit: 1 });
    expect(older.messages.map((m) => m.body)).toEqual([first.body]);
    const fill = await bob.caller.messages.list({ conversationId, after: 1, limit: 3 });
    expect(fill.messages.map((m) => m.seq)).toEqual([2, 3, 4]);
  });
});
