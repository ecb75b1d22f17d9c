// Contacts and blocking. A contact list per person: who they start chats from, and who "my contacts"
// means for their presence. A block (docs/api.md, "Blocking"): the blocked person's one-to-one
// messages are written but withheld from the blocker (the send statement does it: migration
// 20261208010000_contacts_and_blocks), and they no longer see the blocker's presence or about line,
// type to them, or add them to groups; the blocker writes to them only after unblocking. Every rule
// reads the blocks table, so a block holds on every instance at once.
import type { ConversationId, UserId, UserSummary } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { tellPresence } from '../presence/service.ts';
import { channels, getBus } from '../realtime/index.ts';
import { withPhotos } from '../users/visibility.ts';

const SUMMARY = { id: true, username: true, displayName: true } as const;
const byName = (a: UserSummary, b: UserSummary) => a.displayName.localeCompare(b.displayName) || a.username.localeCompare(b.username);

async function otherPerson(callerId: UserId, where: { id: UserId } | { username: string }): Promise<UserSummary> {
  const user = await getDb().user.findUnique({ where, select: SUMMARY });
  if (!user) throw new AppError('NOT_FOUND', 'No such user', 'id' in where ? 'userId' : 'username');
  if (user.id === callerId) throw new AppError('BAD_REQUEST', 'That is you', 'id' in where ? 'userId' : 'username');
  return user;
}

/** The caller's other devices update their lists. */
const changed = (userId: UserId) => getBus().publish([channels.user(userId)], { type: 'people.updated' });

export async function listContacts(ownerId: UserId): Promise<UserSummary[]> {
  const rows = await getDb().contact.findMany({ where: { ownerId }, select: { contact: { select: SUMMARY } } });
  return withPhotos(ownerId, rows.map((r) => r.contact).sort(byName));
}

/** Adds a person by username (again: nothing changes). */
export async function addContact(ownerId: UserId, username: string): Promise<UserSummary> {
  const person = await otherPerson(ownerId, { username });
  await getDb().contact.upsert({ where: { ownerId_contactId: { ownerId, contactId: person.id } }, create: { ownerId, contactId: person.id }, update: {} });
  await changed(ownerId);
  await tellPresence(ownerId, [person.id]); // "my contacts" may now include them
  const [seen] = await withPhotos(ownerId, [person]);
  return seen;
}

export async function removeContact(ownerId: UserId, contactId: UserId): Promise<void> {
  await getDb().contact.deleteMany({ where: { ownerId, contactId } });
  await changed(ownerId);
  await tellPresence(ownerId, [contactId]);
}

export async function listBlocked(blockerId: UserId): Promise<UserSummary[]> {
  const rows = await getDb().block.findMany({ where: { blockerId }, select: { blocked: { select: SUMMARY } } });
  return withPhotos(blockerId, rows.map((r) => r.blocked).sort(byName));
}

export async function block(blockerId: UserId, blockedId: UserId): Promise<void> {
  await otherPerson(blockerId, { id: blockedId });
  await getDb().block.upsert({ where: { blockerId_blockedId: { blockerId, blockedId } }, create: { blockerId, blockedId }, update: {} });
  await changed(blockerId);
  // They stop seeing the blocker's status at once, as if it were hidden from everyone.
  await tellPresence(blockerId, [blockedId]);
}

export async function unblock(blockerId: UserId, blockedId: UserId): Promise<void> {
  await getDb().block.deleteMany({ where: { blockerId, blockedId } });
  await changed(blockerId);
  await tellPresence(blockerId, [blockedId]);
}

/** Whether `a` blocked `b`, and whether `b` blocked `a`. */
export async function blocksBetween(a: UserId, b: UserId): Promise<{ aBlockedB: boolean; bBlockedA: boolean }> {
  const rows = await getDb().block.findMany({
    where: { OR: [{ blockerId: a, blockedId: b }, { blockerId: b, blockedId: a }] },
    select: { blockerId: true },
  });
  return { aBlockedB: rows.some((r) => r.blockerId === a), bBlockedA: rows.some((r) => r.blockerId === b) };
}

/** The other person of a one-to-one chat and the blocks between them and `userId`; null for a group. */
export async function directBlocks(conversationId: ConversationId, userId: UserId) {
  const other = await getDb().member.findFirst({
    where: { conversationId, userId: { not: userId }, conversation: { kind: 'direct' } },
    select: { userId: true },
  });
  if (!other) return null;
  const { aBlockedB, bBlockedA } = await blocksBetween(userId, other.userId);
  return { otherId: other.userId, iBlocked: aBlockedB, theyBlocked: bBlockedA };
}

/** Of `userIds`, those who blocked `actorId` and those `actorId` blocked. */
export async function blocksAmong(actorId: UserId, userIds: UserId[]): Promise<{ blockedMe: Set<UserId>; iBlocked: Set<UserId> }> {
  const rows = await getDb().block.findMany({
    where: { OR: [{ blockerId: { in: userIds }, blockedId: actorId }, { blockerId: actorId, blockedId: { in: userIds } }] },
    select: { blockerId: true, blockedId: true },
  });
  return {
    blockedMe: new Set(rows.filter((r) => r.blockedId === actorId).map((r) => r.blockerId)),
    iBlocked: new Set(rows.filter((r) => r.blockerId === actorId).map((r) => r.blockedId)),
  };
}
