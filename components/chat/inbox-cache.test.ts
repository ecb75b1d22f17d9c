// Merging a refetched inbox with the cached one: what a device saw live is never taken back.
import { describe, expect, test } from 'vitest';
import type { ConversationSummary, Message } from '@/lib/schemas.ts';
import { newerOf } from './inbox-cache.ts';

const message = (seq: number, body: string): Message => ({
  id: String(seq), conversationId: 'c1', seq, senderId: 'u2', clientId: `k${seq}`, body, kind: 'text', event: null, createdAt: new Date(seq * 1000),
});
const summary = (id: string, lastSeq: number, extra: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id, kind: 'group', title: id, description: null, peer: null, role: 'member', memberCount: 3, lastSeq, readSeq: 0,
  allDeliveredSeq: 0, allReadSeq: 0, unreadCount: lastSeq, lastActivityAt: new Date(lastSeq * 1000), lastMessage: message(lastSeq, `#${lastSeq}`),
  lastSenderName: 'Bob', mutedUntil: null, ...extra,
});

describe('newerOf', () => {
  test('a refetch that left before a live message keeps the live one; the rest comes from the server', () => {
    const cached = [summary('c1', 8), summary('c2', 3)];
    const fresh = [summary('c1', 7, { title: 'renamed' }), summary('c2', 4), summary('c3', 1)];
    const merged = newerOf(cached, fresh);
    expect(merged.map((c) => [c.id, c.lastSeq, c.lastMessage?.body])).toEqual([['c1', 8, '#8'], ['c2', 4, '#4'], ['c3', 1, '#1']]);
  });

  test('watermarks keep the higher value from either side', () => {
    const merged = newerOf([summary('c1', 5, { readSeq: 5, allReadSeq: 4 })], [summary('c1', 5, { readSeq: 3, allDeliveredSeq: 5 })]);
    expect(merged[0]).toMatchObject({ readSeq: 5, allReadSeq: 4, allDeliveredSeq: 5 });
  });

  test('with nothing cached, the server has it all', () => {
    const fresh = [summary('c1', 2)];
    expect(newerOf(undefined, fresh)).toBe(fresh);
  });
});
