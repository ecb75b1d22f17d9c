// How people show up in a conversation: a stable name colour per member, and system messages in words.
import type { MemberSummary, SystemEvent } from '@/lib/schemas.ts';
import { lazily } from '../../lib/lazily.ts';

// Readable on both the light and the dark incoming bubble.
const NAME_COLOURS = [
  'text-emerald-700 dark:text-emerald-300',
  'text-sky-700 dark:text-sky-300',
  'text-violet-700 dark:text-violet-300',
  'text-amber-700 dark:text-amber-300',
  'text-rose-700 dark:text-rose-300',
  'text-teal-700 dark:text-teal-300',
  'text-indigo-700 dark:text-indigo-300',
  'text-orange-700 dark:text-orange-300',
  'text-fuchsia-700 dark:text-fuchsia-300',
  'text-lime-700 dark:text-lime-300',
];

/** The same member always gets the same colour, on every screen. */
export function nameColour(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) | 0;
  return NAME_COLOURS[Math.abs(h) % NAME_COLOURS.length];
}

export type NameOf = (userId: string) => string | undefined;
/** A member's photo as the caller may see it (a media id). */
export type PhotoOf = (userId: string) => string | undefined;

/** A lookup of the photos of a conversation's members. */
export function photosFrom(members: MemberSummary[] | undefined): PhotoOf {
  const byId = new Map((members ?? []).map((m) => [m.id, m.photo]));
  return (userId) => byId.get(userId);
}

/** A lookup of display names, "You" for the caller, from a conversation's members (current and former). */
export function namesFrom(members: MemberSummary[] | undefined, meId: string): NameOf {
  const byId = new Map((members ?? []).map((m) => [m.id, m.displayName]));
  return (userId) => (userId === meId ? 'You' : byId.get(userId));
}

const list = lazily(() => new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }));

/**
 * A system message in words, from its event, with "you" for the caller. Falls back to the text the
 * server stored when a name is not known here.
 */
export function describeSystemEvent(event: SystemEvent | null, fallback: string, nameOf: NameOf): string {
  if (!event) return fallback;
  const actor = nameOf(event.actorId);
  const object = (id: string) => {
    const n = nameOf(id);
    return n === 'You' ? 'you' : n;
  };
  if (!actor) return fallback;
  switch (event.type) {
    case 'group.created':
      return `${actor} created group "${event.title}"`;
    case 'group.renamed':
      return `${actor} changed the group name to "${event.title}"`;
    case 'group.described':
      return event.description ? `${actor} changed the group description` : `${actor} removed the group description`;
    case 'group.photo':
      return event.removed ? `${actor} removed the group photo` : `${actor} changed the group photo`;
    case 'members.added': {
      const names = event.userIds.map(object);
      return names.every(Boolean) ? `${actor} added ${list().format(names as string[])}` : fallback;
    }
    case 'member.removed': {
      const name = object(event.userId);
      return name ? `${actor} removed ${name}` : fallback;
    }
    case 'member.left':
      return `${actor} left`;
    case 'role.changed': {
      const name = object(event.userId);
      if (!name) return fallback;
      if (event.role === 'owner') return actor === 'You' ? 'You are now the group owner' : `${actor} is now the group owner`;
      return event.role === 'admin' ? `${actor} made ${name} an admin` : `${actor} dismissed ${name} as admin`;
    }
  }
}
