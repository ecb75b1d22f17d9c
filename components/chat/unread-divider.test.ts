// The unread divider: where it goes and what it counts.
import { describe, expect, test } from 'vitest';
import type { Message } from '@/lib/schemas.ts';
import { unreadDivider } from './unread-divider.ts';

const message = (seq: number, senderId: string, kind: Message['kind'] = 'text'): Message => ({
  id: String(seq), conversationId: 'c', seq, senderId, clientId: `k${seq}`, body: `m${seq}`, kind, event: null, createdAt: new Date(seq * 1000),
});

describe('unreadDivider', () => {
  test('above the first message from someone else after the read watermark; mine and system lines are not unread', () => {
    const held = [message(1, 'peer'), message(2, 'me'), message(3, 'peer', 'system'), message(4, 'peer'), message(5, 'peer')];
    expect(unreadDivider(held, 'me', { readSeq: 1, count: 2 }, true)).toEqual({ fromSeq: 4, count: 2 });
    expect(unreadDivider(held, 'me', { readSeq: 5, count: 0 }, true)).toBeNull();
  });

  test('counts what is under it when all of it is held, whatever an older copy of the chat list said', () => {
    const held = Array.from({ length: 71 }, (_, i) => message(i + 1, 'peer'));
    expect(unreadDivider(held, 'me', { readSeq: 1, count: 68 }, true)).toEqual({ fromSeq: 2, count: 70 });
  });

  test('with older pages not all loaded, at least the summary’s count', () => {
    const held = Array.from({ length: 10 }, (_, i) => message(i + 91, 'peer'));
    expect(unreadDivider(held, 'me', { readSeq: 1, count: 99 }, false)).toEqual({ fromSeq: 91, count: 99 });
  });
});
