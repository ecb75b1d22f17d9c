'use client';
// The inbox as last seen, kept in localStorage per account, so the app opens with it offline (and
// shows it at once online, before the server answers).
import { decodeWire, encodePlain } from '@/lib/wire-format.ts';
import type { InboxPage } from '@/lib/schemas.ts';

const PREFIX = 'parley-inbox:';

export function loadInboxSnapshot(userId: string): InboxPage | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + userId);
    const snapshot = raw ? decodeWire<InboxPage>(JSON.parse(raw)) : undefined;
    return Array.isArray(snapshot?.conversations) ? snapshot : undefined; // older copies were a bare list
  } catch {
    return undefined;
  }
}

export function saveInboxSnapshot(userId: string, inbox: InboxPage): void {
  try {
    localStorage.setItem(PREFIX + userId, JSON.stringify(encodePlain(inbox)));
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
