// Password reset links: an admin makes one for an account (no email on a self-hosted box by
// default: the admin hands it over), the person opens it and chooses a new password. A link works
// once, for RESET_LINK_HOURS; making a new one voids the account's earlier ones; only the SHA-256
// of its token is kept. Using it ends every session of the account.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ResetPasswordInput, UserId, UserSummary } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { env } from '../env.ts';
import { AppError } from '../errors.ts';
import { hashPassword } from './hashing.ts';
import { assertStrongPassword } from './password-strength.ts';
import { endSessions } from './sessions.ts';

export const RESET_LINK_HOURS = 24;

const hashToken = (token: string) => new Uint8Array(createHash('sha256').update(token).digest());
const NO_LINK = () => new AppError('NOT_FOUND', 'This reset link does not work any more: it was used, it expired, or a newer one was made', 'token');

/** A new link for the account (shown this once), voiding its earlier ones. */
export async function createResetLink(actorId: UserId | null, userId: UserId): Promise<{ url: string; expiresAt: Date }> {
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) throw new AppError('NOT_FOUND', 'No such user', 'userId');
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + RESET_LINK_HOURS * 3_600_000);
  await getDb().$transaction([
    getDb().passwordReset.deleteMany({ where: { userId } }),
    getDb().passwordReset.create({ data: { id: randomUUID(), userId, tokenHash: hashToken(token), createdBy: actorId, expiresAt } }),
  ]);
  return { url: `${env.publicUrl}/reset/${token}`, expiresAt };
}

/** Whose password a link resets, while it works (the reset page greets them by name). */
export async function resetLinkOwner(token: string): Promise<UserSummary> {
  const row = await getDb().passwordReset.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { expiresAt: true, user: { select: { id: true, username: true, displayName: true } } },
  });
  if (!row || row.expiresAt <= new Date()) throw NO_LINK();
  return row.user;
}

/** Sets the new password through a link, once; every session of the account ends. */
export async function resetPassword(input: ResetPasswordInput): Promise<{ username: string }> {
  const user = await resetLinkOwner(input.token);
  await assertStrongPassword(input.newPassword, [user.username, user.displayName], 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  await getDb().$transaction(async (tx) => {
    // Taken by the statement that checks it: two uses at once cannot both pass.
    const { count } = await tx.passwordReset.deleteMany({ where: { tokenHash: hashToken(input.token), expiresAt: { gt: new Date() } } });
    if (count === 0) throw NO_LINK();
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
  });
  await endSessions(user.id, { except: null });
  return { username: user.username };
}
