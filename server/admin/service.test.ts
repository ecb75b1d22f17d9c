// Administration through the tRPC caller: only admins, disabling accounts (sessions end, sign-in
// refused), admins making admins, the accounts list, invite links and the instance's figures.
// Registration modes change the instance for everyone: server/admin/registration.test.ts.
import { afterAll, describe, expect, test } from 'vitest';
import { startSession } from '../auth/sessions.ts';
import { getDb } from '../db/client.ts';
import { callerFor, createUser, expectTRPCError, releaseServices, TEST_PASSWORD, type TestUser } from '../test/helpers.ts';
import { setAdmin, startInstanceHeartbeat } from './service.ts';

afterAll(releaseServices);

async function createAdmin(prefix = 'adm'): Promise<TestUser> {
  const admin = await createUser(prefix);
  await getDb().user.update({ where: { id: admin.id }, data: { role: 'admin' } });
  return admin;
}

const signIn = (user: TestUser) => callerFor(null).auth.createToken({ username: user.username, password: TEST_PASSWORD });

describe('admin', () => {
  test('every admin procedure refuses anyone who is not an admin, and a signed-out caller', async () => {
    const user = await createUser('notadm');
    const calls = [
      (c: TestUser['caller']) => c.admin.figures(),
      (c: TestUser['caller']) => c.admin.users({}),
      (c: TestUser['caller']) => c.admin.invites(),
      (c: TestUser['caller']) => c.admin.createInvite({}),
      (c: TestUser['caller']) => c.admin.setRegistration({ mode: 'closed' }),
      (c: TestUser['caller']) => c.admin.setDisabled({ userId: user.id, disabled: true }),
      (c: TestUser['caller']) => c.admin.setAdmin({ userId: user.id, admin: true }),
    ];
    for (const call of calls) {
      await expectTRPCError(call(user.caller), 'FORBIDDEN');
      await expectTRPCError(call(callerFor(null)), 'UNAUTHORIZED');
    }
    expect(await user.caller.users.me()).toMatchObject({ role: 'user' });
    expect(await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ role: 'user', disabledAt: null });
  });

  test('a disabled account: its sessions end at once, it cannot sign in (told so only with the right password), and an admin is refused too once disabled', async () => {
    const admin = await createAdmin();
    const bob = await createUser('dis');
    const session = await startSession(bob.id, 'browser', 'Test browser');
    const { token } = await signIn(bob);
    await admin.caller.admin.setDisabled({ userId: bob.id, disabled: true });
    expect(await getDb().session.count({ where: { userId: bob.id } })).toBe(0);
    expect(await getDb().session.findUnique({ where: { id: session.id } })).toBeNull();
    expect(token).toMatch(/^parley_/);
    const refused = await expectTRPCError(signIn(bob), 'FORBIDDEN');
    expect(refused.message).toMatch(/disabled/);
    await expectTRPCError(callerFor(null).auth.createToken({ username: bob.username, password: 'wrong password 1' }), 'UNAUTHORIZED');
    expect((await admin.caller.admin.users({ query: bob.username })).users).toMatchObject([{ id: bob.id, disabled: true }]);

    await admin.caller.admin.setDisabled({ userId: bob.id, disabled: false });
    await expect(signIn(bob)).resolves.toMatchObject({ user: { id: bob.id } });

    // An admin disabled by another is no longer one in effect.
    const other = await createAdmin();
    await admin.caller.admin.setDisabled({ userId: other.id, disabled: true });
    await expectTRPCError(other.caller.admin.figures(), 'FORBIDDEN');
  });

  test('admins make admins; nobody disables or demotes themselves; the last admin stays one', async () => {
    const admin = await createAdmin();
    const carol = await createUser('prom');
    await admin.caller.admin.setAdmin({ userId: carol.id, admin: true });
    expect(await carol.caller.users.me()).toMatchObject({ role: 'admin' });
    await expect(carol.caller.admin.figures()).resolves.toMatchObject({ users: expect.any(Number) });
    await carol.caller.admin.setAdmin({ userId: admin.id, admin: false });
    expect(await admin.caller.users.me()).toMatchObject({ role: 'user' });
    await expectTRPCError(carol.caller.admin.setAdmin({ userId: carol.id, admin: false }), 'BAD_REQUEST');
    await expectTRPCError(carol.caller.admin.setDisabled({ userId: carol.id, disabled: true }), 'BAD_REQUEST');
    await expectTRPCError(carol.caller.admin.setDisabled({ userId: '00000000-0000-4000-8000-000000000000', disabled: true }), 'NOT_FOUND');
  });

  test('the last admin cannot be demoted (from the command line, where nobody is signed in)', async () => {
    const admin = await createAdmin('last');
    // For this check it is the only admin: the others are plain users for a moment.
    const others = await getDb().user.findMany({ where: { role: 'admin', id: { not: admin.id } }, select: { id: true } });
    await getDb().user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: 'user' } });
    try {
      await expect(setAdmin(null, admin.id, false)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'The last admin cannot be demoted' });
      expect(await admin.caller.users.me()).toMatchObject({ role: 'admin' });
    } finally {
      await getDb().user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: 'admin' } });
    }
  });

  test('the accounts list finds by username or name and pages by username', async () => {
    const admin = await createAdmin();
    const tag = `pg${Date.now().toString(36)}`;
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createUser(`${tag}${i}`));
    const first = await admin.caller.admin.users({ query: tag, limit: 2 });
    expect(first.users.map((u) => u.id)).toEqual(made.slice(0, 2).map((u) => u.id));
    expect(first.users[0]).toMatchObject({ role: 'user', disabled: false, online: false });
    const second = await admin.caller.admin.users({ query: tag, limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ users: [expect.objectContaining({ id: made[2].id })], nextCursor: null });
    await expectTRPCError(admin.caller.admin.users({ limit: 0 }), 'BAD_REQUEST');
  });

  test('invite links: shown once, listed with their limits, revoked', async () => {
    const admin = await createAdmin();
    const { code, url, invite } = await admin.caller.admin.createInvite({ maxUses: 5, expiresInHours: 2 });
    expect(url).toBe(`http://localhost:3000/register?invite=${code}`);
    expect(invite).toMatchObject({ maxUses: 5, uses: 0, revokedAt: null, active: true, createdBy: { id: admin.id } });
    expect(invite.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    // Only its hash is kept.
    const stored = await getDb().invite.findUniqueOrThrow({ where: { id: invite.id } });
    expect(Buffer.from(stored.codeHash).toString()).not.toContain(code);
    expect((await admin.caller.admin.invites()).find((i) => i.id === invite.id)).toMatchObject({ active: true });
    await admin.caller.admin.revokeInvite({ inviteId: invite.id });
    expect((await admin.caller.admin.invites()).find((i) => i.id === invite.id)).toMatchObject({ active: false, revokedAt: expect.any(Date) });
    await expectTRPCError(admin.caller.admin.revokeInvite({ inviteId: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND');
    await expectTRPCError(admin.caller.admin.createInvite({ maxUses: 0 }), 'BAD_REQUEST');
    await expectTRPCError(admin.caller.admin.createInvite({ expiresInHours: 24 * 366 }), 'BAD_REQUEST');
  });

  test('the figures count accounts and show each live instance with its connections', async () => {
    const admin = await createAdmin();
    const stop = startInstanceHeartbeat(() => 7);
    try {
      await expect.poll(async () => (await admin.caller.admin.figures()).instances.some((i) => i.connections === 7)).toBe(true);
      const figures = await admin.caller.admin.figures();
      expect(figures.users).toBe(await getDb().user.count());
      expect(figures.messages).toBeGreaterThanOrEqual(0);
      expect(['open', 'invite', 'closed']).toContain(figures.registration);
    } finally {
      await stop();
    }
    expect((await admin.caller.admin.figures()).instances.some((i) => i.connections === 7)).toBe(false);
  });
});
