// Accounts: registration, password checks (argon2id) and changes, and personal access tokens for bots and scripts.
import { randomUUID } from 'node:crypto';
import type { ChangePasswordInput, CreateTokenInput, LoginInput, RegisterInput, SessionInfo, UserSummary } from '../../lib/schemas.ts';
import { admitRegistration } from '../admin/service.ts';
import { deleteAccount } from './delete-account.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { LIMITS, reserve, reserveAll, type Limit } from '../rate-limits.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './hashing.ts';
import { assertStrongPassword } from './password-strength.ts';
import { createAccessToken, endSessions } from './sessions.ts';

/** `clientAddress`: where the request came from (null: unknown, as in tests), for the limit per address. */
export async function register(input: RegisterInput, clientAddress: string | null = null): Promise<UserSummary> {
  await assertStrongPassword(input.password, [input.username, input.displayName]);
  if (clientAddress) await reserve(LIMITS.registrationsPerAddress, clientAddress);
  const passwordHash = await hashPassword(input.password);
  try {
    return await getDb().$transaction(async (tx) => {
      // Open, by invite, or closed (server/admin); the first account administers the instance.
      const { role } = await admitRegistration(tx, input.invite);
      return tx.user.create({
        data: { id: randomUUID(), username: input.username, displayName: input.displayName, passwordHash, role },
        select: { id: true, username: true, displayName: true },
      });
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new AppError('CONFLICT', 'That username is taken', 'username');
    throw err;
  }
}

/**
 * The user, if the password is right; null otherwise (never says which part was wrong); RATE_LIMITED
 * after too many failures; FORBIDDEN for a disabled account.
 */
export async function verifyCredentials(input: LoginInput, clientAddress: string | null = null): Promise<UserSummary | null> {
  // Counted per username before the password is checked (guesses sent at once cannot all pass), and
  // taken back when it was right: only failures use up the budget, so an attacker cannot lock out an
  // owner who knows the password for longer than the window, nor guess faster than the limit.
  // The same per address (one password sprayed over many usernames), when the address is known.
  const takeBack = await reserveAll([
    [LIMITS.failedLogins, input.username],
    ...(clientAddress ? [[LIMITS.failedLoginsPerAddress, clientAddress] as [Limit, string]] : []),
  ]);
  let user: { id: string; username: string; displayName: string; passwordHash: string; disabledAt: Date | null } | null;
  let ok: boolean;
  try {
    user = await getDb().user.findUnique({ where: { username: input.username } });
    ok = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH), input.password);
  } catch (err) {
    await takeBack(); // nothing was checked (the server was busy, or the database failed): no guess was made
    throw err;
  }
  if (!user || !ok) return null;
  await takeBack(); // a right password uses up nothing
  // Said only to someone who knows the password.
  if (user.disabledAt) throw new AppError('FORBIDDEN', 'This account is disabled: ask the administrator of this server');
  return { id: user.id, username: user.username, displayName: user.displayName };
}

/** A personal access token for a script, from its owner's username and password. */
export async function createApiToken(input: CreateTokenInput, clientAddress: string | null = null): Promise<{ token: string; user: UserSummary; session: SessionInfo }> {
  const user = await verifyCredentials(input, clientAddress);
  if (!user) throw new AppError('UNAUTHORIZED', 'Wrong username or password');
  return { ...(await createAccessToken(user.id, input.name)), user };
}

/**
 * Changes the password: the current one is needed (and counts as a failed login when wrong), the new
 * one must be hard to guess. Every other session ends, browsers and tokens alike (whoever knew the
 * old password may have made one); the caller's own goes on. Returns how many ended.
 */
export async function changePassword(userId: string, sessionId: string | null, input: ChangePasswordInput, clientAddress: string | null = null): Promise<{ endedSessions: number }> {
  const me = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { username: true, displayName: true } });
  if (input.newPassword === input.currentPassword) throw new AppError('BAD_REQUEST', 'The new password is the one you have', 'newPassword');
  await assertStrongPassword(input.newPassword, [me.username, me.displayName], 'newPassword');
  if (!(await verifyCredentials({ username: me.username, password: input.currentPassword }, clientAddress))) {
    throw new AppError('BAD_REQUEST', 'That is not your current password', 'currentPassword');
  }
  await getDb().user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(input.newPassword) } });
  return { endedSessions: await endSessions(userId, { except: sessionId }) };
}

/** Deletes the caller's account (server/auth/delete-account.ts); their password is needed (a wrong one counts as a failed login). */
export async function deleteOwnAccount(userId: string, password: string, clientAddress: string | null = null): Promise<void> {
  const me = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { username: true } });
  if (!(await verifyCredentials({ username: me.username, password }, clientAddress))) {
    throw new AppError('BAD_REQUEST', 'That is not your password', 'password');
  }
  await deleteAccount(userId);
}
