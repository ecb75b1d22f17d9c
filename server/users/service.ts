// People: finding other users to talk to, and profiles (one's own, and another's contact panel).
import type { ConversationId, Me, UpdateProfileInput, UserId, UserProfile, UserSummary } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';

const SEARCH_LIMIT = 20;

export async function searchUsers(callerId: UserId, query: string): Promise<UserSummary[]> {
  const q = query.replace(/[\\%_]/g, (c) => `\\${c}`);
  return getDb().user.findMany({
    where: {
      id: { not: callerId },
      disabledAt: null, // disabled and deleted accounts cannot chat
      OR: [
        { username: { startsWith: q.toLowerCase() } },
        { displayName: { contains: q, mode: 'insensitive' } },
      ],
    },
    select: { id: true, username: true, displayName: true },
    orderBy: { username: 'asc' },
    take: SEARCH_LIMIT,
  });
}

export async function getMe(userId: UserId): Promise<Me | null> {
  const me = await getDb().user.findUnique({
    where: { id: userId },
    select: ME,
  });
  return me && asMe(me);
}

const ME = { id: true, username: true, displayName: true, about: true, role: true, presenceVisibility: true, pushPreviews: true } as const;
const asMe = (me: Omit<Me, 'presenceVisibility' | 'role'> & { presenceVisibility: string; role: string }): Me => ({
  ...me,
  role: me.role === 'admin' ? 'admin' : 'user',
  presenceVisibility: me.presenceVisibility as Me['presenceVisibility'],
});

/**
 * Changes the caller's name and "about" line (what is given). Others see the new name wherever
 * their app next loads it from the server (their chat list, a chat's header); nothing is pushed.
 */
export async function updateProfile(userId: UserId, input: UpdateProfileInput): Promise<Me> {
  const me = await getDb().user.update({ where: { id: userId }, data: input, select: ME });
  return asMe(me);
}

/**
 * Another person's contact panel: who they are, the groups the caller shares with them now, and
 * whether the caller has them as a contact or blocked them.
 * Any signed-in person may look anyone up (names and usernames are found by search anyway).
 */
export async function getProfile(callerId: UserId, userId: UserId): Promise<UserProfile> {
  const db = getDb();
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true, username: true, displayName: true, about: true,
      contactOf: { where: { ownerId: callerId }, select: { ownerId: true } },
      blockedBy: { where: { blockerId: callerId }, select: { blockerId: true } },
      blocking: { where: { blockedId: callerId }, select: { blockedId: true } },
    },
  });
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  const shared = await db.conversation.findMany({
    where: {
      kind: 'group',
      AND: [{ members: { some: { userId: callerId, leftSeq: null } } }, { members: { some: { userId, leftSeq: null } } }],
    },
    select: { id: true, title: true },
    orderBy: { title: 'asc' },
    take: SHARED_GROUPS_LIMIT,
  });
  const { contactOf, blockedBy, blocking, ...person } = user;
  return {
    ...person,
    // Someone who blocked the caller shows them no about line (as if they had none).
    about: blocking.length ? '' : person.about,
    sharedGroups: userId === callerId ? [] : shared.map((g) => ({ id: g.id as ConversationId, title: g.title ?? '' })),
    isContact: contactOf.length > 0,
    blocked: blockedBy.length > 0,
  };
}

const SHARED_GROUPS_LIMIT = 50;
