// The "N unread messages" divider of a chat opened with news in it.
import type { Message } from '@/lib/schemas.ts';

/**
 * Where the "N unread messages" divider goes: above the first message from someone else after the
 * read watermark. N counts the messages under it when all of them are held; the chat's summary
 * may be the last-seen copy of the list, from before the newest came (CI saw "68 unread" over 70).
 * When older pages were not all loaded, at least the summary's count.
 */
export function unreadDivider(messages: readonly Message[], meId: string, at: { readSeq: number; count: number }, complete: boolean): { fromSeq: number; count: number } | null {
  const unread = messages.filter((m) => m.seq > at.readSeq && m.kind === 'text' && m.senderId !== meId);
  if (unread.length === 0) return null;
  return { fromSeq: unread[0].seq, count: complete ? unread.length : Math.max(unread.length, at.count) };
}
