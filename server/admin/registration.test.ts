// Registration modes and invite links, and the first account becoming the admin. These change the
// instance for everyone (its registration mode, its admins), so this file runs with the system tests,
// alone, and puts everything back.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { getDb } from '../db/client.ts';
import { callerFor, createUser, expectTRPCError, releaseServices, TEST_PASSWORD, uniqueUsername } from '../test/helpers.ts';

afterAll(releaseServices);

const anonymous = callerFor(null);
const register = (invite?: string) =>
  anonymous.auth.register({ username: uniqueUsername('reg'), displayName: 'Registrant', password: TEST_PASSWORD, ...(invite === undefined ? {} : { invite }) });
const userCount = () => getDb().user.count();

async function asAdmin() {
  const admin = await createUser('regadm');
  await getDb().user.update({ where: { id: admin.id }, data: { role: 'admin' } });
  return admin;
}

afterEach(async () => {
  await getDb().instanceSetting.deleteMany({ where: { key: 'registration' } }); // open, as on a new install
});

describe('registration', () => {
  test('open by default: anyone may register, and the registration page can tell', async () => {
    expect(await anonymous.auth.registration()).toEqual({ mode: 'open' });
    await expect(register()).resolves.toMatchObject({ displayName: 'Registrant' });
  });

  test('closed: nobody may, not even with an invite; nothing is created', async () => {
    const admin = await asAdmin();
    const { code } = await admin.caller.admin.createInvite({});
    await admin.caller.admin.setRegistration({ mode: 'closed' });
    expect(await anonymous.auth.registration()).toEqual({ mode: 'closed' });
    const before = await userCount();
    expect((await expectTRPCError(register(), 'FORBIDDEN')).message).toBe('Registration is closed on this server');
    await expectTRPCError(register(code), 'FORBIDDEN');
    expect(await userCount()).toBe(before);
    // The unused invite is still whole for when registration opens again.
    expect((await admin.caller.admin.invites())[0]).toMatchObject({ uses: 0, active: true });
  });

  test('invite only: an invite opens as many accounts as it allows, until it expires or is revoked', async () => {
    const admin = await asAdmin();
    await admin.caller.admin.setRegistration({ mode: 'invite' });
    const before = await userCount();
    expect((await expectTRPCError(register(), 'FORBIDDEN')).message).toBe('Registration on this server needs an invite link');
    await expectTRPCError(register(randomBytes(18).toString('base64url')), 'FORBIDDEN');

    const single = await admin.caller.admin.createInvite({ maxUses: 1 });
    await register(single.code);
    const usedUp = await expectTRPCError(register(single.code), 'FORBIDDEN');
    expect(usedUp.message).toMatch(/used up, expired or revoked/);

    const twice = await admin.caller.admin.createInvite({ maxUses: 2, expiresInHours: null });
    await register(twice.code);
    await register(twice.code);
    await expectTRPCError(register(twice.code), 'FORBIDDEN');

    const revoked = await admin.caller.admin.createInvite({ maxUses: null });
    await register(revoked.code);
    await admin.caller.admin.revokeInvite({ inviteId: revoked.invite.id });
    await expectTRPCError(register(revoked.code), 'FORBIDDEN');

    const expired = await admin.caller.admin.createInvite({ maxUses: null });
    await getDb().invite.update({ where: { id: expired.invite.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectTRPCError(register(expired.code), 'FORBIDDEN');
    expect(await userCount()).toBe(before + 4);
    // A registration refused for another reason (a taken username) uses nothing up.
    const spare = await admin.caller.admin.createInvite({ maxUses: 1 });
    await expectTRPCError(anonymous.auth.register({ username: admin.username, displayName: 'Taken', password: TEST_PASSWORD, invite: spare.code }), 'CONFLICT');
    await expect(register(spare.code)).resolves.toMatchObject({ displayName: 'Registrant' });
  });

  test('a single-use invite opens one account however many try it at once', async () => {
    const admin = await asAdmin();
    await admin.caller.admin.setRegistration({ mode: 'invite' });
    const { code, invite } = await admin.caller.admin.createInvite({ maxUses: 1 });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => register(code)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await admin.caller.admin.invites()).find((i) => i.id === invite.id)).toMatchObject({ uses: 1, active: false });
  });

  test('the first account of an instance is its admin, even when two register at once; later ones are not', async () => {
    const admins = await getDb().user.findMany({ where: { role: 'admin' }, select: { id: true } });
    await getDb().user.updateMany({ where: { role: 'admin' }, data: { role: 'user' } }); // as on a new install
    try {
      const [a, b] = await Promise.all([register(), register()]);
      const roles = await getDb().user.findMany({ where: { id: { in: [a.id, b.id] } }, select: { role: true } });
      expect(roles.map((r) => r.role).sort()).toEqual(['admin', 'user']);
      const later = await register();
      expect(await callerFor(later.id).users.me()).toMatchObject({ role: 'user' });
    } finally {
      await getDb().user.updateMany({ where: { role: 'admin' }, data: { role: 'user' } });
      await getDb().user.updateMany({ where: { id: { in: admins.map((x) => x.id) } }, data: { role: 'admin' } });
    }
  });
});
