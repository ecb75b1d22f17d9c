// The send path and history: acks, idempotent retries, gapless sequences under concurrency, limits, pages.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { MessageNewEvent } from '../../lib/events.ts';
import { MAX_MESSAGE_LENGTH } from '../../lib/limits.ts';
import type { ConversationId, Message } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { Snowflake } from '../snowflake.ts';
import { createGroup, createPair, createUser, EventReader, expectTRPCError, isMessageIn, releaseServices, send, type TestUser } from '../test/helpers.ts';
import { fanout } from './fanout.ts';
import { sendMessage } from './service.ts';
import { writeSends, type Send } from './write.ts';
import { enforceLocally, LIMITS } from '../rate-limits.ts';

afterAll(releaseServices);

// Other "instances" writing to the same database: node ids the workers' own generators never use.
// Fewer than the pool's 10 connections, so that a writer waits for the row lock, never for a connection
// (Prisma gives up starting a transaction after 2 s, which a busy 2-core machine could reach).
const instances = [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008].map((node) => new Snowflake(node));

async function storedSeqs(conversationId: ConversationId): Promise<number[]> {
  const rows = await getDb().message.findMany({ where: { conversationId }, select: { seq: true }, orderBy: { seq: 'asc' } });
  return rows.map((r) => Number(r.seq));
}

async function lastSeq(conversationId: ConversationId): Promise<number> {
  const c = await getDb().conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { lastSeq: true } });
  return Number(c.lastSeq);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function sendOf(user: TestUser, conversationId: ConversationId, body: string, clientId: string = randomUUID()): Send {
  return { conversationId, senderId: user.id, clientId, body };
}

describe('messages.send', () => {
  test('acks with the server id, the sequence number and the time, once stored', async () => {
    const { a: alice, conversationId } = await createPair('ack');
    const clientId = randomUUID();
    const ack = await send(alice, conversationId, 'hello', clientId);
    expect(ack).toEqual({
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      conversationId,
      seq: 1,
      senderId: alice.id,
      clientId,
      body: 'hello',
      kind: 'text',
      event: null,
      createdAt: expect.any(Date),
    });
    const row = await getDb().message.findUniqueOrThrow({ where: { id: BigInt(ack.id) } });
    expect(row).toMatchObject({ seq: 1n, body: 'hello', clientId, senderId: alice.id });
    expect(row.createdAt.getTime()).toBe(ack.createdAt.getTime());
  });

  test('delivers message.new with the acked id and seq to every member, sender included', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('deliv');
    const [aliceEvents, bobEvents] = await Promise.all([EventReader.open(alice.id), EventReader.open(bob.id)]);
    try {
      const ack = await send(alice, conversationId, 'live');
      for (const reader of [bobEvents, aliceEvents]) {
        const event = await reader.next<MessageNewEvent>(isMessageIn(conversationId));
        expect(event.message).toEqual(ack);
      }
    } finally {
      await Promise.all([aliceEvents.close(), bobEvents.close()]);
    }
  });

  test('a retried send returns the original message and neither stores nor delivers a second one', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('retry');
    const bobEvents = await EventReader.open(bob.id);
    try {
      const clientId = randomUUID();
      const original = await send(alice, conversationId, 'once', clientId);
      const retry = await send(alice, conversationId, 'once (retried)', clientId);
      expect(retry).toEqual(original);
      const next = await send(alice, conversationId, 'next');
      expect(next.seq).toBe(2);
      // The first message.new events Bob gets are seq 1 then seq 2: the retry published nothing.
      expect((await bobEvents.next<MessageNewEvent>(isMessageIn(conversationId))).message.seq).toBe(1);
      expect((await bobEvents.next<MessageNewEvent>(isMessageIn(conversationId))).message.seq).toBe(2);
      expect(await storedSeqs(conversationId)).toEqual([1, 2]);
    } finally {
      await bobEvents.close();
    }
  });

  test('a client id already used in another conversation is a CONFLICT and stores nothing', async () => {
    const { a: alice, conversationId: withBob } = await createPair('cidx');
    const carol = await createUser('cidxc');
    const withCarol = (await alice.caller.conversations.openDirect({ username: carol.username })).id;
    const clientId = randomUUID();
    await send(alice, withBob, 'to Bob', clientId);
    await expectTRPCError(send(alice, withCarol, 'to Carol, same id', clientId), 'CONFLICT');
    expect(await storedSeqs(withCarol)).toEqual([]);
    expect(await lastSeq(withCarol)).toBe(0);
  });

  test('20 concurrent retries of one send store one message and all return it', async () => {
    const { a: alice, conversationId } = await createPair('idem');
    const clientId = randomUUID();
    const acks = await Promise.all(range(1, 20).map(() => send(alice, conversationId, 'same', clientId)));
    expect(new Set(acks.map((m) => m.id)).size).toBe(1);
    expect(new Set(acks.map((m) => m.seq))).toEqual(new Set([1]));
    expect(await getDb().message.count({ where: { senderId: alice.id, clientId } })).toBe(1);
    expect(await lastSeq(conversationId)).toBe(1);
  });

  test('concurrent retries of one send on several instances store one message', async () => {
    const { a: alice, conversationId } = await createPair('idemx');
    const clientId = randomUUID();
    const outcomes = (
      await Promise.all(instances.map(async (instance) => (await writeSends([sendOf(alice, conversationId, 'same', clientId)], instance)).outcomes))
    ).flat();
    const messages = outcomes.map((o) => (o.ok ? o.message : expect.fail(`send failed: ${o.error.message}`)));
    expect(new Set(messages.map((m) => m.id)).size).toBe(1);
    expect(outcomes.filter((o) => o.ok && o.created)).toHaveLength(1);
    expect(await storedSeqs(conversationId)).toEqual([1]);
  });

  test('a retry of a message sent before its sender left the group returns the original, not FORBIDDEN', async () => {
    const { users: [owner, member], conversationId } = await createGroup('retryleft', 3);
    const clientId = randomUUID();
    const original = await send(member, conversationId, 'said while a member', clientId);
    await member.caller.groups.leave({ conversationId });
    const retried = await send(member, conversationId, 'said while a member', clientId);
    expect(retried).toEqual(original);
    // Anything new from them is refused, and nothing was stored twice.
    await expectTRPCError(send(member, conversationId, 'after leaving'), 'FORBIDDEN');
    expect(await getDb().message.count({ where: { conversationId, senderId: member.id, kind: 'text' } })).toBe(1);
    expect(await owner.caller.messages.list({ conversationId })).toMatchObject({ messages: expect.arrayContaining([expect.objectContaining({ id: original.id })]) });
  });

  test('a send the database refuses fails alone: the sends written with it are all stored, in order', async () => {
    const { users, conversationId } = await createGroup('refused', 5);
    // PostgreSQL refuses a NUL character in text; the other members' sends share its batch.
    const sends = users.flatMap((u, i) => Array.from({ length: 10 }, (_, k) => ({ user: u, body: `${i}-${k}` })));
    sends.splice(23, 0, { user: users[1], body: 'nul \u0000 inside' });
    const results = await Promise.allSettled(sends.map((s) => sendMessage(s.user.id, { conversationId, clientId: randomUUID(), body: s.body })));
    await fanout.idle();
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[23].status).toBe('rejected');
    const stored = await getDb().message.findMany({ where: { conversationId, kind: 'text' }, orderBy: { seq: 'asc' }, select: { body: true } });
    expect(stored.map((m) => m.body)).toEqual(sends.filter((_, i) => i !== 23).map((s) => s.body));
  });

  test('50 concurrent senders get sequence numbers exactly 1..50', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('gap');
    const acks = await Promise.all(range(1, 50).map((i) => send(i % 2 ? alice : bob, conversationId, `m${i}`)));
    expect(acks.map((m) => m.seq).sort((x, y) => x - y)).toEqual(range(1, 50));
    expect(await storedSeqs(conversationId)).toEqual(range(1, 50));
    expect(await lastSeq(conversationId)).toBe(50);
  });

  test('writers on 8 instances at once, and the lane, keep sequences gapless, and no reader ever sees a gap', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('gapx');
    // A separate connection samples what is committed while the writers run: always exactly 1..n.
    const reader = new pg.Client({ connectionString: inject('databaseUrl') });
    await reader.connect();
    try {
      let writing = true;
      const snapshots: number[][] = [];
      const sampling = (async () => {
        while (writing) {
          const { rows } = await reader.query<{ seq: string }>(
            'SELECT seq FROM messages WHERE conversation_id = $1 ORDER BY seq',
            [conversationId],
          );
          snapshots.push(rows.map((r) => Number(r.seq)));
        }
      })();
      // Each instance writes one send at a time, as its lane for the conversation does; the instances
      // and this worker's own lane race each other for the conversation row.
      const writeAsInstance = async (instance: Snowflake, n: number) => {
        for (let i = 1; i <= 5; i++) await writeSends([sendOf(i % 2 ? alice : bob, conversationId, `i${n}-${i}`)], instance);
      };
      const writes = Promise.all([
        ...instances.map(writeAsInstance),
        ...range(1, 10).map((i) => send(alice, conversationId, `lane${i}`)),
      ]);
      try {
        await writes;
      } finally {
        writing = false;
        await sampling;
      }

      expect(await storedSeqs(conversationId)).toEqual(range(1, 50));
      expect(await lastSeq(conversationId)).toBe(50);
      for (const seen of snapshots) expect(seen).toEqual(range(1, seen.length));
    } finally {
      await reader.end();
    }
  });

  test("one sender's messages get sequence numbers and ids in the order sent", async () => {
    const { a: alice, conversationId } = await createPair('order');
    const acks: Message[] = [];
    for (let i = 0; i < 5; i++) acks.push(await send(alice, conversationId, `o${i}`));
    expect(acks.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    const ids = acks.map((m) => BigInt(m.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
  });

  test.each([
    ['an empty body', ''],
    ['a blank body', ' \n\t '],
    ['a body over the limit', 'x'.repeat(MAX_MESSAGE_LENGTH + 1)],
  ])('%s is a BAD_REQUEST and stores nothing', async (_why, body) => {
    const { a: alice, conversationId } = await createPair('body');
    await expectTRPCError(send(alice, conversationId, body), 'BAD_REQUEST');
    expect(await storedSeqs(conversationId)).toEqual([]);
    expect(await lastSeq(conversationId)).toBe(0);
  });

  test('a body of exactly the limit is stored whole', async () => {
    const { a: alice, conversationId } = await createPair('bodymax');
    const body = 'y'.repeat(MAX_MESSAGE_LENGTH);
    const ack = await send(alice, conversationId, body);
    const row = await getDb().message.findUniqueOrThrow({ where: { id: BigInt(ack.id) } });
    expect(row.body).toBe(body);
  });

  test('the send and ack functions keep their plans: a small batch is not planned afresh at every call', async () => {
    // PostgreSQL's default re-plans a statement while a fresh plan looks cheaper than the kept one,
    // which it does for the one-message batches of a quiet server: 60 % of the send's database CPU.
    // A migration that restates either function must keep this setting (and enable_seqscan off).
    const rows = await getDb().$queryRaw<{ proname: string; proconfig: string[] }[]>`
      SELECT proname, proconfig FROM pg_proc WHERE proname IN ('parley_send', 'parley_ack') ORDER BY proname`;
    expect(rows.map((r) => r.proname)).toEqual(['parley_ack', 'parley_send']);
    for (const { proconfig } of rows) expect(proconfig).toEqual(expect.arrayContaining(['enable_seqscan=off', 'plan_cache_mode=force_generic_plan']));
  });

  test('a client id that is not a UUID is a BAD_REQUEST', async () => {
    const { a: alice, conversationId } = await createPair('cid');
    await expectTRPCError(send(alice, conversationId, 'hi', 'not-a-uuid'), 'BAD_REQUEST');
    expect(await storedSeqs(conversationId)).toEqual([]);
  });
});

describe('messages.list', () => {
  async function conversationWith120Messages() {
    const pair = await createPair('page');
    // One batch, as the batcher writes a burst: message i gets seq i.
    const { outcomes } = await writeSends(range(1, 120).map((i) => sendOf(pair.a, pair.conversationId, `m${i}`)), instances[0]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    return pair;
  }

  test('pages through 120 messages by sequence, backwards and forwards', async () => {
    const { b: bob, conversationId } = await conversationWith120Messages();
    const list = bob.caller.messages.list;
    const seqs = (page: { messages: Message[] }) => page.messages.map((m) => m.seq);

    const latest = await list({ conversationId });
    expect(seqs(latest)).toEqual(range(71, 120));
    expect(latest.messages.map((m) => m.body)).toEqual(range(71, 120).map((i) => `m${i}`));
    expect(latest.hasMoreBefore).toBe(true);

    const older = await list({ conversationId, before: 71 });
    expect(seqs(older)).toEqual(range(21, 70));
    expect(older.hasMoreBefore).toBe(true);

    const oldest = await list({ conversationId, before: 21 });
    expect(seqs(oldest)).toEqual(range(1, 20));
    expect(oldest.hasMoreBefore).toBe(false);

    const gapFill = await list({ conversationId, after: 100 });
    expect(seqs(gapFill)).toEqual(range(101, 120));
    expect(gapFill.hasMoreBefore).toBe(true);

    const fromStart = await list({ conversationId, after: 0, limit: 10 });
    expect(seqs(fromStart)).toEqual(range(1, 10));
    expect(fromStart.hasMoreBefore).toBe(false);

    expect(seqs(await list({ conversationId, limit: 100 }))).toEqual(range(21, 120));
    expect(seqs(await list({ conversationId, before: 2, limit: 1 }))).toEqual([1]);
    expect(await list({ conversationId, after: 120 })).toEqual({ messages: [], fromSeq: 1, hasMoreBefore: true });
  });

  test('message ids are distinct decimal strings of 64-bit numbers', async () => {
    const { a: alice, conversationId } = await conversationWith120Messages();
    const all = [
      ...(await alice.caller.messages.list({ conversationId, after: 0, limit: 100 })).messages,
      ...(await alice.caller.messages.list({ conversationId, after: 100, limit: 100 })).messages,
    ];
    expect(all).toHaveLength(120);
    for (const m of all) {
      expect(m.id).toMatch(/^[1-9][0-9]*$/);
      expect(BigInt(m.id) < 1n << 63n).toBe(true);
    }
    expect(new Set(all.map((m) => m.id)).size).toBe(120);
  });

  test('an empty conversation has an empty page with nothing before it', async () => {
    const { a: alice, conversationId } = await createPair('pageempty');
    expect(await alice.caller.messages.list({ conversationId })).toEqual({ messages: [], fromSeq: 1, hasMoreBefore: false });
  });

  test.each([
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['a fractional limit', { limit: 2.5 }],
    ['before 0', { before: 0 }],
    ['a negative after', { after: -1 }],
    ['both before and after', { before: 10, after: 2 }],
  ])('%s is a BAD_REQUEST', async (_why, extra) => {
    const { a: alice, conversationId } = await createPair('pagebad');
    await expectTRPCError(alice.caller.messages.list({ conversationId, ...extra }), 'BAD_REQUEST');
  });
});

describe('send rate limit', () => {
  test('past the per-user limit a send is refused with TOO_MANY_REQUESTS and stores nothing; others still send', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('rate');
    for (let i = 0; i < LIMITS.sends.max; i++) enforceLocally(LIMITS.sends, alice.id);
    await expectTRPCError(send(alice, conversationId, 'one too many'), 'TOO_MANY_REQUESTS');
    expect(await storedSeqs(conversationId)).toEqual([]);
    expect((await send(bob, conversationId, 'bob is fine')).seq).toBe(1);
  });
});
