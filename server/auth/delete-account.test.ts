// Deleting an account, by its owner or an admin: what goes (sessions, groups, contacts, blocks, the
// name and username) and what stays (what it said, under "Deleted account").
import { afterAll, describe, expect, test } from 'vitest';
import { getDb } from '../db/client.ts';
import { callerFor, createUser, expectTRPCError, releaseServices, send, TEST_PASSWORD } from '../test/helpers.ts';
import { startSession } from './sessions.ts';

afterAll(releaseServices);

const anonymous = callerFor(null);

describe('deleting an account', () => {
  test('by its owner with their password: its sessions, groups, contacts and name go; what it said stays under "Deleted account"', async () => {
    const alice = await createUser('del');
    const bob = await createUser('delb');
    const carol = await createUser('delc');
    const group = await alice.caller.groups.create({ title: 'Alice’s group', usernames: [bob.username, carol.username] });
    const chat = await bob.caller.conversations.openDirect({ username: alice.username });
    await send(alice, chat.id, 'something Alice said');
    await bob.caller.contacts.add({ username: alice.username });
    await alice.caller.contacts.block({ userId: carol.id });
    const session = await startSession(alice.id, 'browser', 'Her browser');

    const wrong = await expectTRPCError(alice.caller.auth.deleteAccount({ password: 'not her password 1' }), 'BAD_REQUEST');
    expect(wrong.cause).toMatchObject({ field: 'password' });
    expect(await getDb().user.findUniqueOrThrow({ where: { id: alice.id } })).toMatchObject({ deletedAt: null, username: alice.username });

    await alice.caller.auth.deleteAccount({ password: TEST_PASSWORD });
    expect(await getDb().session.findUnique({ where: { id: session.id } })).toBeNull();
    await expectTRPCError(anonymous.auth.createToken({ username: alice.username, password: TEST_PASSWORD }), 'UNAUTHORIZED');
    // She left her group in her name; one of the two others owns it now.
    const lines = (await bob.caller.messages.list({ conversationId: group.id })).messages.map((m) => m.body);
    expect(lines.at(-2)).toBe(`${alice.displayName} left`);
    expect(lines.at(-1)).toMatch(/is now the group owner$/);
    const members = (await bob.caller.conversations.members({ conversationId: group.id })).filter((m) => m.active);
    expect(members.map((m) => m.id).sort()).toEqual([bob.id, carol.id].sort());
    expect(members.filter((m) => m.role === 'owner')).toHaveLength(1);
    // Bob keeps what she said; she shows as "Deleted account", with no status, in nobody's contacts.
    const direct = await bob.caller.conversations.get({ conversationId: chat.id });
    expect(direct.peer).toMatchObject({ id: alice.id, displayName: 'Deleted account' });
    expect((await bob.caller.messages.list({ conversationId: chat.id })).messages.map((m) => [m.senderId, m.body])).toEqual([[alice.id, 'something Alice said']]);
    expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual([{ userId: alice.id, visible: false }]);
    expect(await bob.caller.contacts.list()).toEqual([]);
    expect(await getDb().block.count({ where: { blockerId: alice.id } })).toBe(0);
    // Nobody finds her or starts a chat with her; her username is free for someone new.
    expect(await bob.caller.users.search({ query: 'Deleted account' })).toEqual([]);
    const deleted = await getDb().user.findUniqueOrThrow({ where: { id: alice.id } });
    await expectTRPCError(bob.caller.conversations.openDirect({ username: deleted.username }), 'NOT_FOUND');
    await expect(anonymous.auth.register({ username: alice.username, displayName: 'New Alice', password: TEST_PASSWORD })).resolves.toMatchObject({ username: alice.username });
  });

  test('by an admin: never themselves, never the last admin, and a deleted account cannot be enabled again', async () => {
    const admin = await createUser('deladm');
    await getDb().user.update({ where: { id: admin.id }, data: { role: 'admin' } });
    const dave = await createUser('deld');
    await expectTRPCError(dave.caller.admin.deleteUser({ userId: admin.id }), 'FORBIDDEN');
    await expectTRPCError(admin.caller.admin.deleteUser({ userId: admin.id }), 'BAD_REQUEST');
    await admin.caller.admin.deleteUser({ userId: dave.id });
    expect((await admin.caller.admin.users({ query: 'deleted' })).users.find((u) => u.id === dave.id)).toMatchObject({ deleted: true, disabled: true, displayName: 'Deleted account' });
    await expectTRPCError(admin.caller.admin.setDisabled({ userId: dave.id, disabled: false }), 'BAD_REQUEST');
    await expectTRPCError(admin.caller.admin.deleteUser({ userId: dave.id }), 'BAD_REQUEST');
  });
});
