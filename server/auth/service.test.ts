// Registration, password checks and API tokens, through the tRPC caller against the real database.
import { encode } from 'next-auth/jwt';
import { afterAll, describe, expect, test } from 'vitest';
import { getDb } from '../db/client.ts';
import { authSecret } from '../env.ts';
import { AppError } from '../errors.ts';
import { LIMITS } from '../rate-limits.ts';
import { callerFor, createUser, errorShape, expectTRPCError, releaseServices, TEST_PASSWORD, uniqueUsername } from '../test/helpers.ts';
import { BoundedWork, HASHING_AT_ONCE, HASHING_WAITING } from './hashing.ts';
import { register, verifyCredentials } from './service.ts';
import { callerFromHeaders, issueSessionToken, sessionCookieName } from './session.ts';
import { endSessions } from './sessions.ts';

afterAll(releaseServices);

const anonymous = callerFor(null);

async function userCount(username: string): Promise<number> {
  return getDb().user.count({ where: { username: username.toLowerCase() } });
}

describe('auth.register', () => {
  test('creates a user and returns its public summary only', async () => {
    const username = uniqueUsername('reg');
    const user = await anonymous.auth.register({ username, displayName: 'Reg', password: TEST_PASSWORD });
    expect(user).toEqual({ id: expect.any(String), username, displayName: 'Reg' });
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(TEST_PASSWORD);
  });

  test('a taken username is a CONFLICT on the username field', async () => {
    const first = await createUser('taken');
    const err = await expectTRPCError(
      anonymous.auth.register({ username: first.username, displayName: 'Other', password: TEST_PASSWORD }),
      'CONFLICT',
    );
    expect((err.cause as AppError).field).toBe('username');
    expect(errorShape(err).data).toMatchObject({ code: 'CONFLICT', field: 'username' });
    expect(await userCount(first.username)).toBe(1);
  });

  test('usernames are case-insensitive: stored lowercase, and a different case is taken', async () => {
    const lower = uniqueUsername('case');
    const user = await anonymous.auth.register({ username: lower.toUpperCase(), displayName: 'Case', password: TEST_PASSWORD });
    expect(user.username).toBe(lower);
    await expectTRPCError(anonymous.auth.register({ username: lower, displayName: 'Case 2', password: TEST_PASSWORD }), 'CONFLICT');
    expect(await userCount(lower)).toBe(1);
  });

  test('two registrations of one username at once create one user', async () => {
    const username = uniqueUsername('race');
    const results = await Promise.allSettled(
      [1, 2].map(() => anonymous.auth.register({ username, displayName: 'Race', password: TEST_PASSWORD })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'CONFLICT' });
    expect(await userCount(username)).toBe(1);
  });

  test.each([
    ['too short', 'abc12'],
    ['letters only', 'onlyletters'],
    ['digits only', '1234567890'],
    ['too long', `a1${'x'.repeat(199)}`],
  ])('a weak password (%s) is a BAD_REQUEST and creates nothing', async (_why, password) => {
    const username = uniqueUsername('weak');
    const err = await expectTRPCError(anonymous.auth.register({ username, displayName: 'Weak', password }), 'BAD_REQUEST');
    expect(errorShape(err).data.fieldErrors).toHaveProperty('password');
    expect(await userCount(username)).toBe(0);
  });

  test.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(33)],
    ['a space', 'bad name'],
    ['a symbol', 'bad-name!'],
    ['non-ASCII letters', 'zoë_user'],
  ])('a bad username (%s) is a BAD_REQUEST and creates nothing', async (_why, username) => {
    const err = await expectTRPCError(
      anonymous.auth.register({ username, displayName: 'Bad', password: TEST_PASSWORD }),
      'BAD_REQUEST',
    );
    expect(errorShape(err).data.fieldErrors).toHaveProperty('username');
    expect(await userCount(username)).toBe(0);
  });

  test('an empty display name is a BAD_REQUEST', async () => {
    const username = uniqueUsername('nodn');
    await expectTRPCError(anonymous.auth.register({ username, displayName: '   ', password: TEST_PASSWORD }), 'BAD_REQUEST');
    expect(await userCount(username)).toBe(0);
  });
});

describe('verifyCredentials', () => {
  test('returns the user for the right password and null for a wrong one', async () => {
    const user = await createUser('login');
    expect(await verifyCredentials({ username: user.username, password: TEST_PASSWORD })).toEqual({
      id: user.id,
      username: user.username,
      displayName: user.displayName,
    });
    expect(await verifyCredentials({ username: user.username, password: `${TEST_PASSWORD}x` })).toBeNull();
  });

  test('returns null for a user that does not exist', async () => {
    expect(await verifyCredentials({ username: uniqueUsername('ghost'), password: TEST_PASSWORD })).toBeNull();
  });
});

describe('auth.createToken and sessions', () => {
  test('returns a personal access token that identifies the user as a bearer token, not as a cookie', async () => {
    const user = await createUser('tok');
    // The login form may send any case: the schema lowercases it.
    const { token, user: summary, session } = await anonymous.auth.createToken({ username: user.username.toUpperCase(), password: TEST_PASSWORD, name: 'deploy bot' });
    expect(summary.id).toBe(user.id);
    expect(token).toMatch(/^parley_pat_[0-9a-f]{32}_[\w-]{43}$/);
    expect(session).toMatchObject({ kind: 'token', name: 'deploy bot', current: false });
    expect(await callerFromHeaders({ authorization: `Bearer ${token}` })).toEqual({ userId: user.id, sessionId: session.id });
    expect(await callerFromHeaders({ cookie: `theme=dark; ${sessionCookieName()}=${encodeURIComponent(token)}` })).toBeNull();
    // Only its hash is stored.
    const row = await getDb().session.findUniqueOrThrow({ where: { id: session.id } });
    expect(Buffer.from(row.secretHash!).toString('base64url')).not.toContain(token.split('_').at(-1));
  });

  test('a wrong password gets UNAUTHORIZED and no token', async () => {
    const user = await createUser('tokbad');
    await expectTRPCError(anonymous.auth.createToken({ username: user.username, password: 'wrong-password-1' }), 'UNAUTHORIZED');
    await expectTRPCError(anonymous.auth.createToken({ username: uniqueUsername('nobody'), password: TEST_PASSWORD }), 'UNAUTHORIZED');
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0);
  });

  test('a missing, garbage, foreign-secret, expired, sessionless or tampered token identifies nobody', async () => {
    const user = await createUser('forge');
    const sid = (await callerFromHeaders({ authorization: `Bearer ${await issueSessionToken(user)}` }))!.sessionId;
    const claims = { sub: user.id, sid, name: user.displayName };
    const foreign = await encode({ token: claims, secret: 'x'.repeat(40) });
    const expired = await encode({ token: claims, secret: authSecret(), maxAge: -60 });
    // Signed, but from before server-side sessions (no session id): it could never be ended.
    const sessionless = await encode({ token: { sub: user.id }, secret: authSecret() });
    const othersSession = await encode({ token: { ...claims, sub: (await createUser('forge2')).id }, secret: authSecret() });
    const { token } = await anonymous.auth.createToken({ username: user.username, password: TEST_PASSWORD });
    const wrongSecret = `${token.slice(0, -4)}AAAA`;
    for (const bearer of ['garbage', foreign, expired, sessionless, othersSession, wrongSecret, `${token}x`, 'parley_pat_']) {
      expect(await callerFromHeaders({ authorization: `Bearer ${bearer}` }), bearer).toBeNull();
    }
    expect(await callerFromHeaders({})).toBeNull();
    expect(await callerFromHeaders({ cookie: `${sessionCookieName()}=${foreign}` })).toBeNull();
    expect(await callerFromHeaders({ cookie: `other-cookie=${foreign}` })).toBeNull();
  });

  test('an ended session is refused at once: its cookie, and a token revoked by its owner', async () => {
    const user = await createUser('ended');
    const cookie = `${sessionCookieName()}=${await issueSessionToken(user, 'Firefox on Linux')}`;
    const browser = (await callerFromHeaders({ cookie }))!;
    const { token, session } = await user.caller.auth.createAccessToken({ name: 'ci' });
    expect(await callerFromHeaders({ authorization: `Bearer ${token}` })).not.toBeNull();

    const me = callerFor(user.id, { sessionId: browser.sessionId });
    expect((await me.auth.sessions()).map((s) => [s.kind, s.name, s.current])).toEqual(
      expect.arrayContaining([['browser', 'Firefox on Linux', true], ['token', 'ci', false]]),
    );
    await me.auth.endSession({ sessionId: session.id });
    expect(await callerFromHeaders({ authorization: `Bearer ${token}` })).toBeNull();
    await endSessions(user.id, { only: browser.sessionId }); // what logging out does
    expect(await callerFromHeaders({ cookie })).toBeNull();
  });

  test('"log out all other devices" ends the other browsers, not this one and not the tokens; nobody ends another user\'s session', async () => {
    const [user, stranger] = [await createUser('others'), await createUser('othersx')];
    const [here, phone, laptop] = await Promise.all(['Chrome on macOS', 'Safari on iOS', 'Firefox on Windows'].map((d) => issueSessionToken(user, d)));
    const token = (await user.caller.auth.createAccessToken({ name: 'bot' })).token;
    const hereSession = (await callerFromHeaders({ authorization: `Bearer ${here}` }))!.sessionId;
    const theirs = (await callerFromHeaders({ authorization: `Bearer ${await issueSessionToken(stranger)}` }))!;
    await expectTRPCError(user.caller.auth.endSession({ sessionId: theirs.sessionId }), 'NOT_FOUND');
    expect(await callerFromHeaders({ authorization: `Bearer ${await issueSessionToken(stranger)}` })).not.toBeNull();

    expect(await callerFor(user.id, { sessionId: hereSession }).auth.endOtherSessions()).toEqual({ ended: 2 });
    const alive = async (bearer: string) => (await callerFromHeaders({ authorization: `Bearer ${bearer}` })) !== null;
    expect([await alive(here), await alive(phone), await alive(laptop), await alive(token)]).toEqual([true, false, false, true]);
  });

  test('changing the password needs the current one and a strong new one, and ends every other session', async () => {
    const user = await createUser('chpw');
    const [here, elsewhere] = [await issueSessionToken(user), await issueSessionToken(user)];
    const { token } = await user.caller.auth.createAccessToken({ name: 'bot' });
    const me = callerFor(user.id, { sessionId: (await callerFromHeaders({ authorization: `Bearer ${here}` }))!.sessionId });
    const refused = async (input: { currentPassword: string; newPassword: string }) => (errorShape(await expectTRPCError(me.auth.changePassword(input), 'BAD_REQUEST')) as { data: { field?: string } }).data.field;

    expect(await refused({ currentPassword: 'not it at all 9', newPassword: 'a brand new passphrase 7' })).toBe('currentPassword');
    expect(await refused({ currentPassword: TEST_PASSWORD, newPassword: 'password1' })).toBe('newPassword');
    expect(await refused({ currentPassword: TEST_PASSWORD, newPassword: `${user.username}1` })).toBe('newPassword');
    expect(await refused({ currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD })).toBe('newPassword');
    expect(await verifyCredentials({ username: user.username, password: TEST_PASSWORD })).not.toBeNull(); // nothing changed

    expect(await me.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase 7' })).toEqual({ endedSessions: 2 });
    expect(await verifyCredentials({ username: user.username, password: 'a brand new passphrase 7' })).not.toBeNull();
    expect(await verifyCredentials({ username: user.username, password: TEST_PASSWORD })).toBeNull();
    const alive = async (bearer: string) => (await callerFromHeaders({ authorization: `Bearer ${bearer}` })) !== null;
    expect([await alive(here), await alive(elsewhere), await alive(token)]).toEqual([true, false, false]);
  });

  test('registration refuses a password that is easy to guess, and says why', async () => {
    const username = uniqueUsername('weak');
    for (const password of ['password1', `${username}1`, 'qwerty123']) {
      const err = errorShape(await expectTRPCError(anonymous.auth.register({ username, displayName: 'Weak', password }), 'BAD_REQUEST')) as { message: string; data: { field?: string } };
      expect(err.data.field).toBe('password');
      expect(err.message).toMatch(/common|guess|similar|words/i);
    }
    expect(await getDb().user.count({ where: { username } })).toBe(0);
  });
});

describe('login rate limit', () => {
  test('after 10 wrong passwords even the right one is refused for that username, not for others', async () => {
    const [victim, bystander] = await Promise.all([createUser('rlv'), createUser('rlb')]);
    for (let i = 0; i < LIMITS.failedLogins.max; i++) {
      await expectTRPCError(anonymous.auth.createToken({ username: victim.username, password: 'wrong guess 1' }), 'UNAUTHORIZED');
    }
    const refused = await expectTRPCError(anonymous.auth.createToken({ username: victim.username, password: TEST_PASSWORD }), 'TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(/Too many failed attempts/);
    await expect(anonymous.auth.createToken({ username: bystander.username, password: TEST_PASSWORD })).resolves.toMatchObject({ user: { id: bystander.id } });
  });

  test('guesses sent all at once are counted before they are checked: no more than the limit get an answer', async () => {
    const victim = await createUser('rlburst');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, () => anonymous.auth.createToken({ username: victim.username, password: 'wrong guess 1' })),
    );
    const codes = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'OK'));
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(LIMITS.failedLogins.max);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(30 - LIMITS.failedLogins.max);
  });

  test('a right password uses up none of the budget', async () => {
    const owner = await createUser('rlowner');
    for (let i = 0; i < LIMITS.failedLogins.max - 1; i++) expect(await verifyCredentials({ username: owner.username, password: 'wrong guess 1' })).toBeNull();
    for (let i = 0; i < 3; i++) expect(await verifyCredentials({ username: owner.username, password: TEST_PASSWORD })).toMatchObject({ id: owner.id });
    expect(await verifyCredentials({ username: owner.username, password: 'wrong guess 1' })).toBeNull(); // the tenth failure
    await expectTRPCError(anonymous.auth.createToken({ username: owner.username, password: TEST_PASSWORD }), 'TOO_MANY_REQUESTS');
  });

  test(`a flood of sign-ins is hashed ${HASHING_AT_ONCE} at a time: past ${HASHING_WAITING} waiting the rest are refused at once, retryable`, async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: HASHING_AT_ONCE + HASHING_WAITING + 20 }, () => anonymous.auth.createToken({ username: uniqueUsername('flood'), password: 'a guess 1' })),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'TOO_MANY_REQUESTS');
    expect(refused.length).toBeGreaterThanOrEqual(20);
    expect(errorShape((refused[0] as PromiseRejectedResult).reason).data).toMatchObject({ retryAfterMs: expect.any(Number) });
    const someone = await createUser('rlafter');
    await expect(anonymous.auth.createToken({ username: someone.username, password: TEST_PASSWORD })).resolves.toMatchObject({ user: { id: someone.id } });
  });
});

describe('limits per address', () => {
  test('one password sprayed over many usernames from one address is stopped at the limit; another address is not', async () => {
    const sprayer = '203.0.113.7';
    for (let i = 0; i < LIMITS.failedLoginsPerAddress.max; i++) {
      expect(await verifyCredentials({ username: uniqueUsername('spray'), password: 'Summer2026!' }, sprayer)).toBeNull();
    }
    const refused = await verifyCredentials({ username: uniqueUsername('spray'), password: 'Summer2026!' }, sprayer).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many failed attempts from your network. Try again later.' });
    const someone = await createUser('sprayok');
    expect(await verifyCredentials({ username: someone.username, password: TEST_PASSWORD }, '198.51.100.9')).toMatchObject({ id: someone.id });
  });

  test('new accounts from one address are limited per hour', async () => {
    const address = '203.0.113.8';
    const input = () => ({ username: uniqueUsername('reg'), displayName: 'Reg', password: 'correct-horse-1' });
    for (let i = 0; i < LIMITS.registrationsPerAddress.max; i++) await register(input(), address);
    const refused = input();
    await expect(register(refused, address)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await userCount(refused.username)).toBe(0);
    await expect(register(input(), '198.51.100.10')).resolves.toMatchObject({ displayName: 'Reg' });
  });
});

describe('BoundedWork', () => {
  test('runs at most so many at once, in arrival order, and refuses past the waiting room', async () => {
    const work = new BoundedWork(2, 3);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(i);
      running--;
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => work.run(task(i))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(most).toBe(2);
    expect(order.slice(2)).toEqual([2, 3, 4]);
    expect((results[5] as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1_000 });
    await expect(work.run(task(9))).resolves.toBe(9); // free again
  });
});
