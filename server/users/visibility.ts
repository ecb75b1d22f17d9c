// Who sees what of a person: their online status and last seen (presence_visibility) and their
// profile photo (photo_visibility), each as they allow: everyone, their contacts (people in their
// contact list) or nobody; never someone they blocked; always themselves.
import type { UserId } from '../../lib/schemas.ts';
import { getPool } from '../db/client.ts';

type Setting = 'presence_visibility' | 'photo_visibility';

/** Whether viewer `viewer` (an SQL expression) may see `setting` of user row `u`: the one definition, as SQL. */
export const visibleTo = (viewer: string, setting: Setting, u = 'u') => `
  (${u}.id = ${viewer} OR NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ${u}.id AND b.blocked_id = ${viewer})
    AND (${u}.${setting} = 'everyone'
      OR ${u}.${setting} = 'contacts' AND EXISTS (SELECT 1 FROM contacts k WHERE k.owner_id = ${u}.id AND k.contact_id = ${viewer})))`;

/** User row `u`'s photo (a media id) when `viewer` may see it, else NULL: SQL. */
export const photoAsSeen = (viewer: string, u = 'u') => `CASE WHEN ${u}.photo_id IS NOT NULL AND ${visibleTo(viewer, 'photo_visibility', u)} THEN ${u}.photo_id END`;

/** These people with the photo each has for the viewer (`photo` left out where there is none to see). */
export async function withPhotos<T extends { id: string }>(viewerId: UserId, people: T[]): Promise<(T & { photo?: string })[]> {
  const ids = [...new Set(people.map((p) => p.id))];
  if (ids.length === 0) return people;
  const { rows } = await getPool().query<{ id: string; photo: string }>({
    name: 'photos-as-seen',
    text: `SELECT u.id, u.photo_id AS photo FROM users u
      WHERE u.id = ANY($2::uuid[]) AND u.photo_id IS NOT NULL AND ${visibleTo('$1::uuid', 'photo_visibility')}`,
    values: [viewerId, ids],
  });
  const photos = new Map(rows.map((r) => [r.id, r.photo]));
  return people.map((p) => (photos.has(p.id) ? { ...p, photo: photos.get(p.id)! } : p));
}
