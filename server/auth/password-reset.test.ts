// Password reset links through the tRPC caller: made by an admin, used once, voided by a newer one
// or by time; using one sets the password and ends every session of the account.
import { afterAll, describe, expect, test } from 'vitest';
import { getDb } from '../db/client.ts';
import { callerFor, createUser, expectTRPCError, releaseServices, TEST_PASSWORD } from '../test/helpers.ts';
import { startSession } from './sessions.ts';

afterAll(releaseServices);

const anonymous = callerFor(null);
const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const NEW_PASSWORD = 'a brand new passphrase 7';

async function setUp() {
  const admin = await createUser('rsadm');
  await getDb().user.update({ where: { id: admin.id }, data: { role: 'admin' } });
  const bob = await createUser('rsbob');
  return { admin, bob };
}

describe('password reset links', () => {
  test('an admin makes one; it names its account, takes a strong password once, and ends every session', async () => {
    const { admin, bob } = await setUp();
    const session = await startSession(bob.id, 'browser', 'Old browser');
    const { url, expiresAt } = await admin.caller.admin.createResetLink({ userId: bob.id });
    expect(url).toMatch(/^http:\/\/localhost:3000\/reset\/[\w-]{32}$/);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const token = tokenOf(url);
    expect(await anonymous.auth.resetLink({ token })).toEqual({ id: bob.id, username: bob.username, displayName: bob.displayName });

    // A weak password is refused with the reason, and the link still works.
    const weak = await expectTRPCError(anonymous.auth.resetPassword({ token, newPassword: 'password1' }), 'BAD_REQUEST');
    expect(weak.cause).toMatchObject({ field: 'newPassword' });
    await anonymous.auth.resetLink({ token });

    expect(await anonymous.auth.resetPassword({ token, newPassword: NEW_PASSWORD })).toEqual({ username: bob.username });
    expect(await getDb().session.findUnique({ where: { id: session.id } })).toBeNull();
    await expectTRPCError(anonymous.auth.createToken({ username: bob.username, password: TEST_PASSWORD }), 'UNAUTHORIZED');
    await expect(anonymous.auth.createToken({ username: bob.username, password: NEW_PASSWORD })).resolves.toMatchObject({ user: { id: bob.id } });
    // Once only.
    await expectTRPCError(anonymous.auth.resetPassword({ token, newPassword: 'yet another passphrase 8' }), 'NOT_FOUND');
    await expectTRPCError(anonymous.auth.resetLink({ token }), 'NOT_FOUND');
  });

  test('a newer link voids the older; an expired or made-up one does nothing', async () => {
    const { admin, bob } = await setUp();
    const older = tokenOf((await admin.caller.admin.createResetLink({ userId: bob.id })).url);
    const newer = tokenOf((await admin.caller.admin.createResetLink({ userId: bob.id })).url);
    await expectTRPCError(anonymous.auth.resetPassword({ token: older, newPassword: NEW_PASSWORD }), 'NOT_FOUND');
    await getDb().passwordReset.updateMany({ where: { userId: bob.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectTRPCError(anonymous.auth.resetPassword({ token: newer, newPassword: NEW_PASSWORD }), 'NOT_FOUND');
    await expectTRPCError(anonymous.auth.resetPassword({ token: 'made-up', newPassword: NEW_PASSWORD }), 'NOT_FOUND');
    await expect(anonymous.auth.createToken({ username: bob.username, password: TEST_PASSWORD })).resolves.toMatchObject({ user: { id: bob.id } });
  });

  test('only an admin makes one, for an account that exists', async () => {
    const { admin, bob } = await setUp();
    await expectTRPCError(bob.caller.admin.createResetLink({ userId: admin.id }), 'FORBIDDEN');
    await expectTRPCError(admin.caller.admin.createResetLink({ userId: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND');
    expect(await getDb().passwordReset.count({ where: { userId: admin.id } })).toBe(0);
  });
});
