// Bad input through the real procedures: a clear BAD_REQUEST naming the field, and nothing changed.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { getDb } from './db/client.ts';
import { callerFor, createGroup, createPair, createUser, errorShape, expectTRPCError, releaseServices, send } from './test/helpers.ts';

afterAll(releaseServices);

const NUL = 'a\u0000b';
const LONE = 'a\uD800b';
const BIDI_OVERRIDE = 'evil\u202Egnp.exe';

/** The field a BAD_REQUEST names, as the client sees it. */
async function refusedField(call: Promise<unknown>): Promise<string[]> {
  const err = await expectTRPCError(call, 'BAD_REQUEST');
  return Object.keys((errorShape(err).data as { fieldErrors?: Record<string, unknown> }).fieldErrors ?? {});
}

describe('text fields refuse NUL and lone surrogates with a BAD_REQUEST naming the field, and store nothing', () => {
  test('a message body', async () => {
    const { a: alice, conversationId } = await createPair('inmsg');
    for (const body of [NUL, LONE, 'bell\u0007']) {
      expect(await refusedField(alice.caller.messages.send({ conversationId, clientId: randomUUID(), body }))).toEqual(['body']);
    }
    expect(await getDb().message.count({ where: { conversationId } })).toBe(0);
    // Line breaks, tabs and right-to-left controls are text.
    const ok = await send(alice, conversationId, 'line one\n\tline two \u202Bעברית\u202C');
    expect(ok.body).toBe('line one\n\tline two \u202Bעברית\u202C');
  });

  test('a group title and description, at creation and on update', async () => {
    const owner = await createUser('ingrp');
    for (const title of [NUL, LONE, BIDI_OVERRIDE, 'two\nlines']) {
      expect(await refusedField(owner.caller.groups.create({ title }))).toEqual(['title']);
    }
    for (const description of [NUL, LONE]) {
      expect(await refusedField(owner.caller.groups.create({ title: 'ok', description }))).toEqual(['description']);
    }
    expect(await getDb().member.count({ where: { userId: owner.id } })).toBe(0);
    const { users: [admin], conversationId } = await createGroup('ingrpu', 2);
    expect(await refusedField(admin.caller.groups.update({ conversationId, title: NUL }))).toEqual(['title']);
    expect(await refusedField(admin.caller.groups.update({ conversationId, description: LONE }))).toEqual(['description']);
    expect(await getDb().conversation.findUnique({ where: { id: conversationId }, select: { title: true, description: true } })).toEqual({
      title: 'ingrpu group',
      description: null,
    });
  });

  test('a display name, a search query and a push endpoint', async () => {
    const anonymous = callerFor(null);
    for (const displayName of [NUL, LONE, BIDI_OVERRIDE]) {
      const username = `in${randomUUID().slice(0, 8)}`;
      expect(await refusedField(anonymous.auth.register({ username, displayName, password: 'correct-horse-1' }))).toEqual(['displayName']);
      expect(await getDb().user.count({ where: { username } })).toBe(0);
    }
    const user = await createUser('insrch');
    expect(await refusedField(user.caller.users.search({ query: NUL }))).toEqual(['query']);
    expect(await refusedField(user.caller.push.unsubscribe({ endpoint: `https://fcm.googleapis.com/x${NUL}` }))).toEqual(['endpoint']);
  });
});

describe('ids are canonical whatever case they arrive in', () => {
  test('a retry of a send with its client id in upper case is the same message, not an error', async () => {
    const { a: alice, conversationId } = await createPair('incase');
    const clientId = randomUUID();
    const first = await alice.caller.messages.send({ conversationId, clientId, body: 'once' });
    const retry = await alice.caller.messages.send({ conversationId: conversationId.toUpperCase(), clientId: clientId.toUpperCase(), body: 'once' });
    expect(retry).toEqual(first);
    expect(await getDb().message.count({ where: { conversationId } })).toBe(1);
  });

  test('an upper-case conversation id is answered with the canonical one', async () => {
    const { a: alice, conversationId } = await createPair('incase2');
    const message = await alice.caller.messages.send({ conversationId: conversationId.toUpperCase(), clientId: randomUUID(), body: 'hi' });
    expect(message.conversationId).toBe(conversationId);
    expect((await alice.caller.conversations.get({ conversationId: conversationId.toUpperCase() })).id).toBe(conversationId);
  });
});
