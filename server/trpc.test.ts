// Access rules every procedure shares: log in first, members only, and errors that reveal nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { MessageNewEvent } from '../lib/events.ts';
import { getDb } from './db/client.ts';
import {
  callerFor,
  createPair,
  createUser,
  errorShape,
  EventReader,
  expectTRPCError,
  releaseServices,
  send,
  type TestUser,
} from './test/helpers.ts';

afterAll(releaseServices);

/** Everything a stranger could try to change or learn about a conversation. */
async function snapshot(conversationId: string) {
  const db = getDb();
  return {
    conversation: await db.conversation.findUnique({ where: { id: conversationId } }),
    members: await db.member.findMany({ where: { conversationId }, orderBy: { userId: 'asc' } }),
    messages: await db.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } }),
  };
}

function conversationProcedures(user: TestUser, conversationId: string) {
  return {
    'conversations.get': () => user.caller.conversations.get({ conversationId }),
    'receipts.ack': () => user.caller.receipts.ack({ receipts: [{ conversationId, deliveredSeq: 1, readSeq: 1 }] }),
    'messages.send': () => user.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'let me in' }),
    'messages.list': () => user.caller.messages.list({ conversationId }),
  };
}

describe('members only', () => {
  test('a stranger gets FORBIDDEN on every conversation procedure, and nothing changes', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('priv');
    await send(alice, conversationId, 'secret 1');
    await send(bob, conversationId, 'secret 2');
    const stranger = await createUser('stranger');
    const before = await snapshot(conversationId);

    for (const [name, call] of Object.entries(conversationProcedures(stranger, conversationId))) {
      const err = await expectTRPCError(call(), 'FORBIDDEN').catch((e: Error) => {
        throw new Error(`${name}: ${e.message}`);
      });
      expect(err.message).not.toContain('secret');
    }
    expect(await snapshot(conversationId)).toEqual(before);
    expect((await stranger.caller.conversations.list()).conversations.map((c) => c.id)).not.toContain(conversationId);
  });

  test('a conversation that does not exist gets the same FORBIDDEN, so existence cannot be inferred', async () => {
    const { conversationId } = await createPair('exists');
    const stranger = await createUser('prober');
    const real = conversationProcedures(stranger, conversationId);
    const missing = conversationProcedures(stranger, randomUUID());
    for (const name of Object.keys(real) as (keyof typeof real)[]) {
      const [a, b] = [await expectTRPCError(real[name](), 'FORBIDDEN'), await expectTRPCError(missing[name](), 'FORBIDDEN')];
      expect(errorShape(a)).toEqual(errorShape(b));
    }
  });

  test("a stranger's event subscription never carries the conversation's events", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('spy');
    const stranger = await createUser('spy');
    const friend = await createUser('spyfriend');
    const own = (await friend.caller.conversations.openDirect({ username: stranger.username })).id;

    const events = await EventReader.open(stranger.id);
    try {
      const heads = await events.next();
      expect(heads.type).toBe('sync.heads');
      expect(heads.type === 'sync.heads' && heads.conversations.map((c) => c.id)).toEqual([own]);

      await send(alice, conversationId, 'not for you');
      await send(bob, conversationId, 'nor this');
      // Moves the conversation's aggregate, so its receipt.updated goes to every member.
      const [receipt] = await alice.caller.receipts.ack({ receipts: [{ conversationId, readSeq: 2 }] });
      expect(receipt).toMatchObject({ readSeq: 2, allReadSeq: 2 });
      const mine = await send(friend, own, 'for you');

      // Events arrive in publish order: if any of the others leaked, it would come before this one.
      const first = await events.next<MessageNewEvent>((e) => e.type === 'message.new');
      expect(first.message).toEqual(mine);
      expect(events.events.slice(1)).toEqual([first]);
    } finally {
      await events.close();
    }
  });
});

describe('log in first', () => {
  test('an unauthenticated caller gets UNAUTHORIZED from every procedure but registration and login', async () => {
    const { conversationId } = await createPair('anon');
    const anonymous = callerFor(null);
    const calls: Record<string, () => Promise<unknown>> = {
      'users.me': () => anonymous.users.me(),
      'users.search': () => anonymous.users.search({ query: 'anon' }),
      'conversations.list': () => anonymous.conversations.list(),
      'conversations.get': () => anonymous.conversations.get({ conversationId }),
      'conversations.openDirect': () => anonymous.conversations.openDirect({ username: 'someone' }),
      'receipts.ack': () => anonymous.receipts.ack({ receipts: [{ conversationId, readSeq: 1 }] }),
      'messages.send': () => anonymous.messages.send({ conversationId, clientId: randomUUID(), body: 'hi' }),
      'messages.list': () => anonymous.messages.list({ conversationId }),
      'sync.events': () => anonymous.sync.events(),
      // Refused before its input is even looked at.
      'messages.send (bad input)': () => anonymous.messages.send({ conversationId: 'x', clientId: 'y', body: '' }),
    };
    for (const [name, call] of Object.entries(calls)) {
      await expectTRPCError(call(), 'UNAUTHORIZED').catch((e: Error) => {
        throw new Error(`${name}: ${e.message}`);
      });
    }
    expect((await snapshot(conversationId)).messages).toEqual([]);
  });
});

describe('errors', () => {
  test('an unexpected failure reaches the client as INTERNAL_SERVER_ERROR with no details', async () => {
    // A context no real session produces: the database rejects the id, which is not a UUID.
    const err = await expectTRPCError(callerFor('not-a-uuid').users.me(), 'INTERNAL_SERVER_ERROR');
    const shape = errorShape(err);
    expect(shape.message).toBe('Something went wrong on the server');
    expect(JSON.stringify(shape)).not.toMatch(/prisma|uuid|stack|at /i);
  });

  test('bad input is a BAD_REQUEST naming the field, with no stack', async () => {
    const { a: alice, conversationId } = await createPair('badin');
    const err = await expectTRPCError(alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: '' }), 'BAD_REQUEST');
    const shape = errorShape(err);
    expect(shape.message).toBe('Message is empty');
    expect(shape.data.fieldErrors).toEqual({ body: ['Message is empty'] });
    expect(shape.data).not.toHaveProperty('stack');
  });
});
