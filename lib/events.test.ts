// Event ids: the same (conversation, seq) always gives the same id, so a client can drop duplicates.
import { describe, expect, test } from 'vitest';
import { eventId, type BusEvent } from './events.ts';

const message = (conversationId: string, seq: number, body = 'x'): BusEvent => ({
  type: 'message.new',
  message: { id: String(seq), conversationId, seq, senderId: 'u', clientId: 'c', body, kind: 'text', event: null, createdAt: new Date(0) },
});

const receipt = (conversationId: string, userId: string, deliveredSeq: number, readSeq: number): BusEvent => ({
  type: 'receipt.updated',
  conversationId,
  userId,
  deliveredSeq,
  readSeq,
  allDeliveredSeq: 0,
  allReadSeq: 0,
});

describe('eventId', () => {
  test('is stable per conversation and sequence, whatever else the event holds', () => {
    expect(eventId(message('c1', 7, 'a'))).toBe(eventId(message('c1', 7, 'b')));
  });

  test('differs between sequences, conversations and kinds of event', () => {
    const ids = [
      eventId(message('c1', 7)),
      eventId(message('c1', 8)),
      eventId(message('c2', 7)),
      eventId(receipt('c1', 'u', 7, 7)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("receipts' ids differ by conversation, member and either watermark", () => {
    const ids = [
      eventId(receipt('c1', 'u1', 3, 2)),
      eventId(receipt('c1', 'u1', 3, 3)),
      eventId(receipt('c1', 'u1', 4, 2)),
      eventId(receipt('c1', 'u2', 3, 2)),
      eventId(receipt('c2', 'u1', 3, 2)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
