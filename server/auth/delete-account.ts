// Deleting an account, by its owner (with their password) or by an admin. Decided as WhatsApp does
// it: what the account said stays with the people it said it to, under "Deleted account"; the
// account leaves every group (a "left" line, in its name as it was), every session ends (so its
// devices leave the app and its pushes stop), its contacts, blocks, reset links and profile go, and
// its username is free again. The row stays, anonymised and disabled for good, as the sender of
// those messages.
import { randomBytes } from 'node:crypto';
import { DELETED_ACCOUNT_NAME, type UserId } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { leaveGroup } from '../groups/service.ts';
import { setPresenceVisibility } from '../presence/service.ts';
import { hashPassword } from './hashing.ts';
import { endSessions } from './sessions.ts';

export async function deleteAccount(userId: UserId): Promise<void> {
  const db = getDb();
  const user = await db.user.findUnique({ where: { id: userId }, select: { deletedAt: true } });
  if (!user) throw new AppError('NOT_FOUND', 'No such user', 'userId');
  if (user.deletedAt) return;
  const groups = await db.member.findMany({ where: { userId, leftSeq: null, conversation: { kind: 'group' } }, select: { conversationId: true } });
  for (const g of groups) await leaveGroup(userId, g.conversationId);
  // Partners stop seeing a status before the name goes.
  await setPresenceVisibility(userId, 'nobody');
  await endSessions(userId, { except: null });
  const now = new Date();
  await db.$transaction([
    db.contact.deleteMany({ where: { OR: [{ ownerId: userId }, { contactId: userId }] } }),
    db.block.deleteMany({ where: { OR: [{ blockerId: userId }, { blockedId: userId }] } }),
    db.passwordReset.deleteMany({ where: { userId } }),
    db.user.update({
      where: { id: userId },
      data: {
        username: `deleted.${userId.replace(/-/g, '').slice(0, 20)}`,
        displayName: DELETED_ACCOUNT_NAME,
        about: '',
        photoId: null,
        // A password nobody knows: the old one opens nothing.
        passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
        role: 'user',
        pushPreviews: false,
        lastSeenAt: null,
        disabledAt: now,
        deletedAt: now,
      },
    }),
  ]);
}
