'use client';
// The inbox as last seen, kept in localStorage per account, so the app opens with it offline (and
// shows it at once online, before the server answers).
import superjson from 'superjson';
import type { ConversationSummary } from '@/lib/schemas.ts';

const PREFIX = 'parley-inbox:';

export function loadInboxSnapshot(userId: string): ConversationSummary[] | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + userId);
    return raw ? superjson.parse<ConversationSummary[]>(raw) : undefined;
  } catch {
    return undefined;
  }
}

export function saveInboxSnapshot(userId: string, conversations: ConversationSummary[]): void {
  try {
    localStorage.setItem(PREFIX + userId, superjson.stringify(conversations));
  } catch {
    // Storage full or blocked: the snapshot is a convenience.
  }
}

/** Logging out leaves no copy of anyone's inbox in this browser; signing in, none of anyone else's. */
export function clearInboxSnapshots({ except }: { except?: string } = {}): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX) && key !== PREFIX + except) localStorage.removeItem(key);
  } catch {
    // Nothing stored, or storage blocked.
  }
}
