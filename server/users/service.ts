// People: finding other users to talk to, and profiles (one's own with its photo, and another's contact panel).
import type { ConversationId, Me, SetPhotoInput, UpdateProfileInput, UserId, UserProfile, UserSummary } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { photoFromUpload } from '../media/service.ts';
import { partnersOf } from '../presence/service.ts';
import { channels, getBus } from '../realtime/index.ts';
import { withPhotos } from './visibility.ts';

const SEARCH_LIMIT = 20;

export async function searchUsers(callerId: UserId, query: string): Promise<UserSummary[]> {
  const q = query.replace(/[\\%_]/g, (c) => `\\${c}`);
  const found = await getDb().user.findMany({
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
  return withPhotos(callerId, found);
}

export async function getMe(userId: UserId): Promise<Me | null> {
  const me = await getDb().user.findUnique({
    where: { id: userId },
    select: ME,
  });
  return me && asMe(me);
}

const ME = {
  id: true, username: true, displayName: true, about: true, role: true, presenceVisibility: true, photoVisibility: true, pushPreviews: true, photoId: true,
} as const;
type MeRow = Omit<Me, 'presenceVisibility' | 'photoVisibility' | 'role' | 'photo'> & { presenceVisibility: string; photoVisibility: string; role: string; photoId: string | null };
const asMe = ({ photoId, ...me }: MeRow): Me => ({
  ...me,
  role: me.role === 'admin' ? 'admin' : 'user',
  presenceVisibility: me.presenceVisibility as Me['presenceVisibility'],
  photoVisibility: me.photoVisibility as Me['photoVisibility'],
  ...(photoId && { photo: photoId }),
});

/**
 * Tells the caller's devices and their one-to-one partners that how the caller looks changed (name,
 * photo, who sees it): their apps load their people and chat list again. Members of groups only
 * see it when their app next loads it (telling every group of every change would cost much).
 */
async function lookChanged(userId: UserId): Promise<void> {
  const partners = await partnersOf(userId);
  await getBus().publish([userId, ...partners].map(channels.user), { type: 'people.updated' });
}

/** Changes the caller's name, "about" line and who sees their photo (what is given). */
export async function updateProfile(userId: UserId, input: UpdateProfileInput): Promise<Me> {
  const me = await getDb().user.update({ where: { id: userId }, data: input, select: ME });
  if (input.displayName !== undefined || input.photoVisibility !== undefined) await lookChanged(userId);
  return asMe(me);
}

/** Makes a finished upload of a picture the caller's profile photo (cropped square: media/service.ts). */
export async function setPhoto(userId: UserId, input: SetPhotoInput): Promise<Me> {
  const photo = await photoFromUpload(userId, input.uploadId, input.crop);
  const me = await getDb().user.update({ where: { id: userId }, data: { photoId: photo.id }, select: ME });
  await lookChanged(userId);
  return asMe(me);
}

/** The caller has no profile photo any more (the old one is nobody's to fetch but theirs). */
export async function removePhoto(userId: UserId): Promise<Me> {
  const me = await getDb().user.update({ where: { id: userId }, data: { photoId: null }, select: ME });
  await lookChanged(userId);
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
  const [seen] = await withPhotos(callerId, [person]);
  return {
    ...seen,
    // Someone who blocked the caller shows them no about line (as if they had none).
    about: blocking.length ? '' : person.about,
    sharedGroups: userId === callerId ? [] : shared.map((g) => ({ id: g.id as ConversationId, title: g.title ?? '' })),
    isContact: contactOf.length > 0,
    blocked: blockedBy.length > 0,
  };
}

const SHARED_GROUPS_LIMIT = 50;
