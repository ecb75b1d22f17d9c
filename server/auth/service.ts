// Accounts: registration and password checks (argon2id), and API tokens for bots and scripts.
import { randomUUID } from 'node:crypto';
import type { LoginInput, RegisterInput, UserSummary } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { LIMITS, reserve, reserveAll, type Limit } from '../rate-limits.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './hashing.ts';
import { issueSessionToken } from './session.ts';

/** `clientAddress`: where the request came from (null: unknown, as in tests), for the limit per address. */
export async function register(input: RegisterInput, clientAddress: string | null = null): Promise<UserSummary> {
  if (clientAddress) await reserve(LIMITS.registrationsPerAddress, clientAddress);
  const db = getDb();
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { id: randomUUID(), username: input.username, displayName: input.displayName, passwordHash },
      select: { id: true, username: true, displayName: true },
    });
    return user;
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new AppError('CONFLICT', 'That username is taken', 'username');
    throw err;
  }
}

/** The user, if the password is right; null otherwise (never says which part was wrong); RATE_LIMITED after too many failures. */
export async function verifyCredentials(input: LoginInput, clientAddress: string | null = null): Promise<UserSummary | null> {
  // Counted per username before the password is checked (guesses sent at once cannot all pass), and
  // taken back when it was right: only failures use up the budget, so an attacker cannot lock out an
  // owner who knows the password for longer than the window, nor guess faster than the limit.
  // The same per address (one password sprayed over many usernames), when the address is known.
  const takeBack = await reserveAll([
    [LIMITS.failedLogins, input.username],
    ...(clientAddress ? [[LIMITS.failedLoginsPerAddress, clientAddress] as [Limit, string]] : []),
  ]);
  let user: { id: string; username: string; displayName: string; passwordHash: string } | null;
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
  return { id: user.id, username: user.username, displayName: user.displayName };
}

/** A bearer token for API clients: the same signed JWT a browser session carries. */
export async function createApiToken(input: LoginInput, clientAddress: string | null = null): Promise<{ token: string; user: UserSummary }> {
  const user = await verifyCredentials(input, clientAddress);
  if (!user) throw new AppError('UNAUTHORIZED', 'Wrong username or password');
  return { token: await issueSessionToken(user), user };
}
