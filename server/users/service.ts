// People: finding other users to talk to.
import type { Me, UserId, UserSummary } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';

const SEARCH_LIMIT = 20;

export async function searchUsers(callerId: UserId, query: string): Promise<UserSummary[]> {
  const q = query.replace(/[\\%_]/g, (c) => `\\${c}`);
  return getDb().user.findMany({
    where: {
      id: { not: callerId },
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
    select: { id: true, username: true, displayName: true, presenceVisibility: true, pushPreviews: true },
  });
  return me && { ...me, presenceVisibility: me.presenceVisibility as Me['presenceVisibility'] };
}
