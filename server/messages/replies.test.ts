// Replies (a message quoting an earlier one of its conversation, only one the sender may see) and forwards.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { MessageNewEvent } from '../../lib/events.ts';
import { getDb } from '../db/client.ts';
import { createGroup, createPair, createUser, EventReader, expectTRPCError, isMessageIn, releaseServices, send } from '../test/helpers.ts';
import { fanout } from './fanout.ts';
import { messageIds } from './service.ts';
import { writeSends } from './write.ts';

afterAll(releaseServices);

describe('replies', () => {
  test('a reply carries its quote in the ack, the live event and history, which follows later edits and deletion', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('reply');
    const original = await send(alice, conversationId, 'Lunch at noon?');
    const bobEvents = await EventReader.open(bob.id);
    try {
      const reply = await bob.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'Sure!', replyToSeq: original.seq });
      const quote = { seq: original.seq, senderId: alice.id, body: 'Lunch at noon?' };
      expect(reply.replyTo).toEqual(quote);
      expect((await bobEvents.next<MessageNewEvent>(isMessageIn(conversationId))).message.replyTo).toEqual(quote);
      await alice.caller.messages.edit({ conversationId, seq: original.seq, clientId: randomUUID(), body: 'Lunch at 1pm?' });
      let page = await alice.caller.messages.list({ conversationId });
      expect(page.messages.find((m) => m.seq === reply.seq)?.replyTo).toEqual({ ...quote, body: 'Lunch at 1pm?' });
      await alice.caller.messages.delete({ conversationId, seq: original.seq, clientId: randomUUID() });
      await fanout.idle();
      page = await bob.caller.messages.list({ conversationId });
      expect(page.messages.find((m) => m.seq === reply.seq)?.replyTo).toEqual({ ...quote, body: '', deleted: true });
    } finally {
      await bobEvents.close();
    }
  });

  test('only to a message of the chat the sender may see; a refused reply stores nothing', async () => {
    const { users: [alice, bob], conversationId } = await createGroup('replyno', 2);
    const before = await send(alice, conversationId, 'before Dave came');
    const dave = await createUser('replydave');
    await alice.caller.groups.addMembers({ conversationId, usernames: [dave.username] });
    const change = await bob.caller.messages.react({ conversationId, seq: before.seq, clientId: randomUUID(), emoji: '👍' });
    const other = await createPair('replyother');
    const elsewhere = await send(other.a, other.conversationId, 'another chat');
    const head = (await getDb().conversation.findUniqueOrThrow({ where: { id: conversationId } })).lastSeq;
    const reply = (user: typeof alice, replyToSeq: number) => user.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'reply', replyToSeq });
    await expectTRPCError(reply(dave, before.seq), 'BAD_REQUEST');
    await expectTRPCError(reply(bob, change.seq), 'BAD_REQUEST');
    await expectTRPCError(reply(bob, Number(head) + 10), 'BAD_REQUEST');
    await expectTRPCError(reply(bob, elsewhere.seq + 100), 'BAD_REQUEST');
    expect((await getDb().conversation.findUniqueOrThrow({ where: { id: conversationId } })).lastSeq).toBe(head);
    // Dave may quote what he saw: the message that added him.
    const added = (await dave.caller.messages.list({ conversationId })).messages[0];
    expect((await reply(dave, added.seq)).replyTo).toMatchObject({ seq: added.seq, senderId: alice.id });
  });

  test('a refused reply fails alone: the other sends of its batch are written, in order', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('replybatch');
    const first = await send(alice, conversationId, 'one');
    const { outcomes } = await writeSends(
      [
        { conversationId, senderId: bob.id, clientId: randomUUID(), body: 'plain' },
        { conversationId, senderId: bob.id, clientId: randomUUID(), body: 'bad reply', replyToSeq: 99 },
        { conversationId, senderId: bob.id, clientId: randomUUID(), body: 'good reply', replyToSeq: first.seq },
        { conversationId, senderId: bob.id, clientId: randomUUID(), body: 'plain again' },
      ],
      messageIds,
    );
    expect(outcomes.map((o) => (o.ok ? [o.message.seq, o.message.replyTo?.seq ?? null] : o.error.code))).toEqual([[2, null], 'BAD_REQUEST', [3, 1], [4, null]]);
  });

  test('a forwarded message is marked so in its ack, live and in history; others are not', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('forward');
    const bobEvents = await EventReader.open(bob.id);
    try {
      const forwarded = await alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'from elsewhere', forwarded: true });
      expect(forwarded.forwarded).toBe(true);
      expect((await bobEvents.next<MessageNewEvent>(isMessageIn(conversationId))).message.forwarded).toBe(true);
      await send(alice, conversationId, 'my own words');
      const page = await bob.caller.messages.list({ conversationId });
      expect(page.messages.map((m) => [m.body, m.forwarded ?? false])).toEqual([['from elsewhere', true], ['my own words', false]]);
    } finally {
      await bobEvents.close();
    }
  });
});
