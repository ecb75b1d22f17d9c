// Merging a refetched inbox with the cached one: what a device saw live is never taken back.
import { describe, expect, test } from 'vitest';
import type { ConversationSummary, InboxPage, Message } from '@/lib/schemas.ts';
import { appendPage, newerOf } from './inbox-cache.ts';

const message = (seq: number, body: string): Message => ({
  id: String(seq), conversationId: 'c1', seq, senderId: 'u2', clientId: `k${seq}`, body, kind: 'text', event: null, createdAt: new Date(seq * 1000),
});
const summary = (id: string, lastSeq: number, extra: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id, kind: 'group', title: id, description: null, peer: null, role: 'member', memberCount: 3, lastSeq, readSeq: 0,
  allDeliveredSeq: 0, allReadSeq: 0, unreadCount: lastSeq, lastActivityAt: new Date(lastSeq * 1000), lastMessage: message(lastSeq, `#${lastSeq}`),
  lastSenderName: 'Bob', mutedUntil: null, pinnedAt: null, archived: false, markedUnread: false, ...extra,
});
const page = (conversations: ConversationSummary[], nextCursor: string | null = null): InboxPage => ({ conversations, nextCursor });
const ids = (p: InboxPage) => p.conversations.map((c) => c.id);

describe('newerOf', () => {
  test('a refetch that left before a live message keeps the live one; the rest comes from the server', () => {
    const cached = page([summary('c1', 8), summary('c2', 3)]);
    const fresh = page([summary('c1', 7, { title: 'renamed' }), summary('c2', 4), summary('c3', 1)]);
    const merged = newerOf(cached, fresh).conversations;
    expect(merged.map((c) => [c.id, c.lastSeq, c.lastMessage?.body])).toEqual([['c1', 8, '#8'], ['c2', 4, '#4'], ['c3', 1, '#1']]);
  });

  test('watermarks keep the higher value from either side', () => {
    const merged = newerOf(page([summary('c1', 5, { readSeq: 5, allReadSeq: 4 })]), page([summary('c1', 5, { readSeq: 3, allDeliveredSeq: 5 })]));
    expect(merged.conversations[0]).toMatchObject({ readSeq: 5, allReadSeq: 4, allDeliveredSeq: 5 });
  });

  test('with nothing cached, the server has it all', () => {
    const fresh = page([summary('c1', 2)]);
    expect(newerOf(undefined, fresh)).toBe(fresh);
  });

  test('later pages loaded before stay after a fresh first page, with their cursor', () => {
    const cached = page([summary('c9', 9), summary('c8', 8), summary('c5', 5), summary('c4', 4)], 'after-c4');
    const fresh = page([summary('c10', 10), summary('c9', 9)], 'after-c9');
    const merged = newerOf(cached, fresh);
    expect(ids(merged)).toEqual(['c10', 'c9', 'c8', 'c5', 'c4']);
    expect(merged.nextCursor).toBe('after-c4');
  });

  test('a fresh page that is the whole inbox drops chats the server no longer lists', () => {
    const merged = newerOf(page([summary('c2', 2), summary('c1', 1)], 'after-c1'), page([summary('c2', 2)]));
    expect(ids(merged)).toEqual(['c2']);
    expect(merged.nextCursor).toBeNull();
  });

  test('a fresh page reaching past everything cached keeps its own cursor', () => {
    const merged = newerOf(page([summary('c3', 3)], 'after-c3'), page([summary('c3', 3), summary('c2', 2)], 'after-c2'));
    expect(ids(merged)).toEqual(['c3', 'c2']);
    expect(merged.nextCursor).toBe('after-c2');
  });
});

describe('appendPage', () => {
  test('adds the next page after what is loaded, a chat that moved up only once, and takes its cursor', () => {
    const loaded = page([summary('c7', 7), summary('c6', 6)], 'after-c6');
    const next = page([summary('c7', 7), summary('c5', 5)], null);
    const merged = appendPage(loaded, next);
    expect(ids(merged)).toEqual(['c7', 'c6', 'c5']);
    expect(merged.nextCursor).toBeNull();
  });
});
