// Finding people: users.search and users.me through the tRPC caller.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { getDb } from '../db/client.ts';
import { createUser, expectTRPCError, releaseServices, TEST_PASSWORD } from '../test/helpers.ts';

afterAll(releaseServices);

describe('users', () => {
  test('me returns the caller', async () => {
    const alice = await createUser('me');
    expect(await alice.caller.users.me()).toEqual({ id: alice.id, username: alice.username, displayName: alice.displayName, presenceVisibility: 'everyone', pushPreviews: true });
  });

  test('search finds by username prefix (any case) and display name, never the caller', async () => {
    const tag = randomBytes(5).toString('hex');
    const alice = await createUser(`s${tag}`);
    const bob = await createUser(`s${tag}`);
    const byPrefix = await alice.caller.users.search({ query: `S${tag.toUpperCase()}_` });
    expect(byPrefix).toEqual([{ id: bob.id, username: bob.username, displayName: bob.displayName }]);
    const byName = await bob.caller.users.search({ query: `${tag} TEST` });
    expect(byName.map((u) => u.id)).toEqual([alice.id]);
  });

  test('search treats % and _ in the query as plain characters', async () => {
    const tag = randomBytes(5).toString('hex');
    const caller = await createUser('w');
    const plain = await getDb().user.create({
      data: { id: randomUUID(), username: `w${tag}xa`, displayName: `Plain ${tag}`, passwordHash: TEST_PASSWORD },
    });
    const underscored = await getDb().user.create({
      data: { id: randomUUID(), username: `w${tag}_a`, displayName: `Under ${tag}`, passwordHash: TEST_PASSWORD },
    });
    expect((await caller.caller.users.search({ query: `w${tag}_` })).map((u) => u.id)).toEqual([underscored.id]);
    expect((await caller.caller.users.search({ query: `w${tag}%` })).map((u) => u.id)).toEqual([]);
    expect((await caller.caller.users.search({ query: `w${tag}` })).map((u) => u.id).sort()).toEqual([plain.id, underscored.id].sort());
  });

  test('an empty or over-long query is a BAD_REQUEST', async () => {
    const alice = await createUser('sbad');
    await expectTRPCError(alice.caller.users.search({ query: '  ' }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.users.search({ query: 'x'.repeat(33) }), 'BAD_REQUEST');
  });
});
