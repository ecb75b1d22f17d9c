// Finding people and profiles: users.search, users.me, users.updateProfile and users.profile through the tRPC caller.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { getDb } from '../db/client.ts';
import { createUser, expectTRPCError, releaseServices, TEST_PASSWORD } from '../test/helpers.ts';

afterAll(releaseServices);

describe('users', () => {
  test('me returns the caller', async () => {
    const alice = await createUser('me');
    expect(await alice.caller.users.me()).toEqual({ id: alice.id, username: alice.username, displayName: alice.displayName, about: '', role: 'user', presenceVisibility: 'everyone', photoVisibility: 'everyone', pushPreviews: true });
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

  test('updateProfile changes what is given (trimmed), and others find the new name', async () => {
    const tag = randomBytes(5).toString('hex');
    const alice = await createUser('prof');
    const bob = await createUser('prof');
    const me = await alice.caller.users.updateProfile({ displayName: `  Alice ${tag} `, about: ' At the gym ' });
    expect(me).toMatchObject({ id: alice.id, displayName: `Alice ${tag}`, about: 'At the gym' });
    expect(await alice.caller.users.me()).toEqual(me);
    // The name alone: the about line stays.
    expect(await alice.caller.users.updateProfile({ displayName: `Alicia ${tag}` })).toMatchObject({ displayName: `Alicia ${tag}`, about: 'At the gym' });
    expect((await bob.caller.users.search({ query: `Alicia ${tag}` })).map((u) => u.id)).toEqual([alice.id]);
    // An empty about line is allowed: it clears it.
    expect(await alice.caller.users.updateProfile({ about: '' })).toMatchObject({ about: '' });
  });

  test('a bad profile change is a BAD_REQUEST naming the field, and changes nothing', async () => {
    const alice = await createUser('profbad');
    await alice.caller.users.updateProfile({ about: 'kept' });
    for (const input of [{ displayName: '   ' }, { displayName: 'x'.repeat(65) }, { about: 'x'.repeat(141) }, { about: 'a\u0007bell' }, { displayName: 'ok', about: 'x'.repeat(141) }]) {
      await expectTRPCError(alice.caller.users.updateProfile(input), 'BAD_REQUEST');
    }
    expect(await alice.caller.users.me()).toMatchObject({ displayName: alice.displayName, about: 'kept' });
  });

  test('profile shows another person with the groups the caller shares with them now', async () => {
    const alice = await createUser('pa');
    const bob = await createUser('pb');
    const carol = await createUser('pc');
    await bob.caller.users.updateProfile({ about: 'Bob here' });
    const both = await alice.caller.groups.create({ title: 'B both', usernames: [bob.username] });
    const also = await bob.caller.groups.create({ title: 'A also', usernames: [alice.username, carol.username] });
    const left = await alice.caller.groups.create({ title: 'C left', usernames: [bob.username] });
    await bob.caller.groups.leave({ conversationId: left.id });
    await carol.caller.groups.create({ title: 'Not Alice', usernames: [bob.username] });
    await alice.caller.conversations.openDirect({ username: bob.username });
    expect(await alice.caller.users.profile({ userId: bob.id })).toEqual({
      id: bob.id, username: bob.username, displayName: bob.displayName, about: 'Bob here',
      sharedGroups: [{ id: also.id, title: 'A also' }, { id: both.id, title: 'B both' }],
      isContact: false, blocked: false,
    });
    // Bob sees the same groups from his side; and nobody shares groups with themselves.
    expect((await bob.caller.users.profile({ userId: alice.id })).sharedGroups.map((g) => g.title)).toEqual(['A also', 'B both']);
    expect((await alice.caller.users.profile({ userId: alice.id })).sharedGroups).toEqual([]);
  });

  test('profile of an unknown user is NOT_FOUND, of a malformed id a BAD_REQUEST', async () => {
    const alice = await createUser('pnf');
    await expectTRPCError(alice.caller.users.profile({ userId: randomUUID() }), 'NOT_FOUND');
    await expectTRPCError(alice.caller.users.profile({ userId: 'nope' }), 'BAD_REQUEST');
  });
});
