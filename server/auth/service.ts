// Accounts: registration and password checks (argon2id), and API tokens for bots and scripts.
import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { LoginInput, RegisterInput, UserSummary } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { assertUnder, count, LIMITS } from '../rate-limits.ts';
import { issueSessionToken } from './session.ts';

// @node-rs/argon2 defaults to argon2id; these are OWASP's suggested costs for it.
const HASH_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
// A real hash to verify against when the user does not exist, so timing does not reveal usernames.
const DUMMY_HASH = hash('parley-dummy-password', HASH_OPTIONS);

export async function register(input: RegisterInput): Promise<UserSummary> {
  const db = getDb();
  const passwordHash = await hash(input.password, HASH_OPTIONS);
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
export async function verifyCredentials(input: LoginInput): Promise<UserSummary | null> {
  // Counted per username, on failures only: an attacker cannot lock out an owner who knows the password
  // for longer than the window, and cannot guess faster than the limit.
  await assertUnder(LIMITS.failedLogins, input.username);
  const user = await getDb().user.findUnique({ where: { username: input.username } });
  const ok = await verify(user?.passwordHash ?? (await DUMMY_HASH), input.password);
  if (!user || !ok) {
    await count(LIMITS.failedLogins, input.username);
    return null;
  }
  return { id: user.id, username: user.username, displayName: user.displayName };
}

/** A bearer token for API clients: the same signed JWT a browser session carries. */
export async function createApiToken(input: LoginInput): Promise<{ token: string; user: UserSummary }> {
  const user = await verifyCredentials(input);
  if (!user) throw new AppError('UNAUTHORIZED', 'Wrong username or password');
  return { token: await issueSessionToken(user), user };
}
