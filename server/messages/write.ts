// The one write of the send path: a list of sends to one conversation, committed in one transaction.
import type { ConversationId, Message, UserId } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { Snowflake } from '../snowflake.ts';

// Waiting for a pooled connection behind other writers is normal under load; give it room before failing.
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 };

export interface Send {
  conversationId: ConversationId;
  senderId: UserId;
  clientId: string;
  body: string;
}

export type SendOutcome =
  | { ok: true; message: Message; created: boolean; recipients: UserId[] }
  | { ok: false; error: AppError };

interface MessageRow {
  id: bigint;
  conversationId: string;
  seq: bigint;
  senderId: string;
  clientId: string;
  body: string;
  createdAt: Date;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id.toString(),
    conversationId: row.conversationId,
    seq: Number(row.seq),
    senderId: row.senderId,
    clientId: row.clientId,
    body: row.body,
    createdAt: row.createdAt,
  };
}

/**
 * Writes sends (all to one conversation, in arrival order) and returns one outcome per send.
 *
 * Ordering: the conversation row is locked first, so concurrent writers of one conversation (other
 * instances included) take sequence numbers one after the other and commit in that order; a reader
 * can never see seq n+1 committed before n. The idempotency check runs after the lock, so a retry
 * racing its original sees the original's committed row.
 */
export async function writeSends(sends: Send[], ids: Snowflake, now: () => Date = () => new Date()): Promise<SendOutcome[]> {
  const conversationId = sends[0].conversationId;
  if (sends.some((s) => s.conversationId !== conversationId)) throw new Error('writeSends takes one conversation');
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ last_seq: bigint }[]>`
      SELECT last_seq FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
    if (locked.length === 0) {
      return sends.map(() => ({ ok: false as const, error: new AppError('FORBIDDEN', 'You are not a member of this conversation') }));
    }
    const members = (await tx.member.findMany({ where: { conversationId }, select: { userId: true } })).map((m) => m.userId);
    const memberSet = new Set(members);
    const existing = await tx.message.findMany({
      where: { OR: sends.map((s) => ({ senderId: s.senderId, clientId: s.clientId })) },
    });
    const byKey = new Map(existing.map((m) => [`${m.senderId}/${m.clientId}`, m]));

    const fresh: MessageRow[] = [];
    let seq = locked[0].last_seq;
    const createdAt = now();
    const outcomes: SendOutcome[] = sends.map((s) => {
      if (!memberSet.has(s.senderId)) {
        return { ok: false, error: new AppError('FORBIDDEN', 'You are not a member of this conversation') };
      }
      const key = `${s.senderId}/${s.clientId}`;
      const original = byKey.get(key);
      if (original?.conversationId === conversationId) {
        return { ok: true, message: toMessage(original), created: false, recipients: members };
      }
      if (original) {
        return { ok: false, error: new AppError('CONFLICT', 'This client id was already used for another message', 'clientId') };
      }
      seq += 1n;
      const row: MessageRow = { id: ids.next(), conversationId, seq, senderId: s.senderId, clientId: s.clientId, body: s.body, createdAt };
      byKey.set(key, row); // the same client id twice in one batch is one message
      fresh.push(row);
      return { ok: true, message: toMessage(row), created: true, recipients: members };
    });
    if (fresh.length > 0) {
      await tx.$executeRaw`UPDATE conversations SET last_seq = ${seq}, last_at = ${createdAt} WHERE id = ${conversationId}::uuid`;
      await tx.message.createMany({ data: fresh });
      // Sending reads everything before it: the sender's own messages never count as unread. Read
      // implies delivered, so the delivered watermark moves with it.
      await tx.$executeRaw`
        UPDATE members SET read_seq = GREATEST(read_seq, ${seq}), delivered_seq = GREATEST(delivered_seq, ${seq})
        WHERE conversation_id = ${conversationId}::uuid
          AND user_id = ANY(${[...new Set(fresh.map((m) => m.senderId))]}::uuid[])`;
    }
    return outcomes;
  }, TRANSACTION_LIMITS);
}
