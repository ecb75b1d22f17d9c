'use client';
// The newest messages of each chat as last shown, kept in IndexedDB per account, so a chat opened
// while the server cannot be reached (or after an offline reload) shows what this device had.
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { Message } from '@/lib/schemas.ts';

const PREFIX = 'parley-history-';
/** Per chat: enough to read back a screen or two, small enough to keep for every chat. */
export const CACHED_MESSAGES = 100;

interface CachedChat {
  conversationId: string;
  messages: Message[];
}

const databases = new Map<string, Promise<IDBPDatabase>>();

function db(userId: string): Promise<IDBPDatabase> {
  let open = databases.get(userId);
  if (!open) {
    open = openDB(PREFIX + userId, 1, { upgrade: (d) => void d.createObjectStore('chats', { keyPath: 'conversationId' }) });
    databases.set(userId, open);
  }
  return open;
}

export async function loadCachedHistory(userId: string, conversationId: string): Promise<Message[]> {
  try {
    const chat: CachedChat | undefined = await (await db(userId)).get('chats', conversationId);
    return chat?.messages ?? [];
  } catch {
    return []; // no IndexedDB here (private mode): nothing kept
  }
}

export async function saveCachedHistory(userId: string, conversationId: string, messages: Message[]): Promise<void> {
  try {
    const chat: CachedChat = { conversationId, messages: messages.slice(-CACHED_MESSAGES) };
    await (await db(userId)).put('chats', chat);
  } catch {
    // A convenience: the server has everything.
  }
}

/** Logging out leaves no copy of anyone's chats in this browser; signing in, none of anyone else's. */
export async function clearCachedHistories({ except }: { except?: string } = {}): Promise<void> {
  try {
    const names = (await indexedDB.databases()).map((d) => d.name).filter((n): n is string => !!n?.startsWith(PREFIX));
    for (const name of names) {
      if (name === PREFIX + except) continue;
      const userId = name.slice(PREFIX.length);
      const open = databases.get(userId);
      databases.delete(userId);
      if (open) (await open.catch(() => null))?.close();
      await deleteDB(name);
    }
  } catch {
    // Nothing stored, or storage blocked.
  }
}
