// The one write of the send path: a list of sends to one conversation, committed in one transaction.
import { randomUUID } from 'node:crypto';
import type { ConversationId, Message, SystemEvent, UserId } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import type { Prisma } from '../db/generated/client.ts';
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
  | { ok: true; message: Message; created: boolean }
  | { ok: false; error: AppError };

interface MessageRow {
  id: bigint;
  conversationId: string;
  seq: bigint;
  senderId: string;
  clientId: string;
  body: string;
  kind: string;
  event: Prisma.JsonValue | null;
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
    kind: row.kind === 'system' ? 'system' : 'text',
    event: (row.event ?? null) as SystemEvent | null,
    createdAt: row.createdAt,
  };
}

type Tx = Prisma.TransactionClient;

/** Locks the conversation row (the order of everything written to it); null when there is none. */
export async function lockConversation(tx: Tx, conversationId: ConversationId): Promise<{ lastSeq: bigint; kind: string } | null> {
  const rows = await tx.$queryRaw<{ last_seq: bigint; kind: string }[]>`
    SELECT last_seq, kind FROM conversations WHERE id = ${conversationId}::uuid FOR UPDATE`;
  return rows[0] ? { lastSeq: rows[0].last_seq, kind: rows[0].kind } : null;
}

/**
 * Appends messages after lastSeq under the lock taken by lockConversation: moves the conversation's
 * head and the senders' own watermarks (sending reads everything before it, so a user's own
 * messages never count as unread; read implies delivered).
 */
async function append(tx: Tx, conversationId: ConversationId, rows: MessageRow[]): Promise<void> {
  const last = rows[rows.length - 1];
  await tx.$executeRaw`UPDATE conversations SET last_seq = ${last.seq}, last_at = ${last.createdAt} WHERE id = ${conversationId}::uuid`;
  await tx.message.createMany({ data: rows.map((r) => ({ ...r, event: r.event ?? undefined })) });
  await tx.$executeRaw`
    WITH upd AS (
      UPDATE members SET read_seq = ${last.seq}, delivered_seq = ${last.seq}
      WHERE conversation_id = ${conversationId}::uuid AND left_seq IS NULL AND read_seq < ${last.seq}
        AND user_id = ANY(${[...new Set(rows.map((m) => m.senderId))]}::uuid[])
      RETURNING conversation_id, user_id, delivered_seq, read_seq
    )
    INSERT INTO receipt_marks (conversation_id, user_id, delivered_seq, read_seq, at)
    SELECT conversation_id, user_id, delivered_seq, read_seq, ${last.createdAt} FROM upd`;
}

/**
 * Writes system messages (a membership or settings change by actorId) after lastSeq, in a
 * transaction that holds the conversation's lock; returns them in seq order.
 */
export async function appendSystemMessages(
  tx: Tx,
  ids: Snowflake,
  conversationId: ConversationId,
  lastSeq: bigint,
  items: { event: SystemEvent; body: string }[],
): Promise<Message[]> {
  if (items.length === 0) return [];
  const createdAt = new Date();
  const rows: MessageRow[] = items.map((item, i) => ({
    id: ids.next(),
    conversationId,
    seq: lastSeq + BigInt(i + 1),
    senderId: item.event.actorId,
    clientId: randomUUID(),
    body: item.body,
    kind: 'system',
    event: item.event as unknown as Prisma.JsonValue,
    createdAt,
  }));
  await append(tx, conversationId, rows);
  return rows.map(toMessage);
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
    const locked = await lockConversation(tx, conversationId);
    if (!locked) {
      return sends.map(() => ({ ok: false as const, error: new AppError('FORBIDDEN', 'You are not a member of this conversation') }));
    }
    // Only the senders' membership is read here: the ack costs the same in a 500-member group as
    // in a one-to-one chat. Recipients are found after the commit (fanout.ts).
    const senders = await tx.member.findMany({
      where: { conversationId, leftSeq: null, userId: { in: [...new Set(sends.map((s) => s.senderId))] } },
      select: { userId: true },
    });
    const memberSet = new Set(senders.map((m) => m.userId));
    const existing = await tx.message.findMany({
      where: { OR: sends.map((s) => ({ senderId: s.senderId, clientId: s.clientId })) },
    });
    const byKey = new Map(existing.map((m) => [`${m.senderId}/${m.clientId}`, m]));

    const fresh: MessageRow[] = [];
    let seq = locked.lastSeq;
    const createdAt = now();
    const outcomes: SendOutcome[] = sends.map((s) => {
      if (!memberSet.has(s.senderId)) {
        return { ok: false, error: new AppError('FORBIDDEN', 'You are not a member of this conversation') };
      }
      const key = `${s.senderId}/${s.clientId}`;
      const original = byKey.get(key);
      if (original?.conversationId === conversationId) {
        return { ok: true, message: toMessage(original), created: false };
      }
      if (original) {
        return { ok: false, error: new AppError('CONFLICT', 'This client id was already used for another message', 'clientId') };
      }
      seq += 1n;
      const row: MessageRow = { id: ids.next(), conversationId, seq, senderId: s.senderId, clientId: s.clientId, body: s.body, kind: 'text', event: null, createdAt };
      byKey.set(key, row); // the same client id twice in one batch is one message
      fresh.push(row);
      return { ok: true, message: toMessage(row), created: true };
    });
    if (fresh.length > 0) await append(tx, conversationId, fresh);
    return outcomes;
  }, TRANSACTION_LIMITS);
}
