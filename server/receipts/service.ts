// Receipts: per-member delivered/read watermarks, moved forward only, in one statement per batch.
import type { AckReceiptsInput, ConversationId, ReceiptState, UserId } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { push } from '../push/service.ts';
import { channels, getBus } from '../realtime/index.ts';

interface AckRow {
  id: string;
  delivered_seq: bigint;
  read_seq: bigint;
  old_delivered: bigint;
  old_read: bigint;
  /** A push had gone out for a message this read covers: the user's notifications can close. */
  push_cleared: boolean;
}

/**
 * Moves the caller's watermarks up (never back, never past the conversation's last message; read
 * implies delivered) and tells whoever must know. A conversation the caller is not a member of
 * refuses the whole batch.
 */
export async function ackReceipts(userId: UserId, input: AckReceiptsInput): Promise<ReceiptState[]> {
  const merged = new Map<ConversationId, { delivered: number; read: number }>();
  for (const r of input.receipts) {
    const prior = merged.get(r.conversationId) ?? { delivered: 0, read: 0 };
    merged.set(r.conversationId, {
      delivered: Math.max(prior.delivered, r.deliveredSeq ?? 0),
      read: Math.max(prior.read, r.readSeq ?? 0),
    });
  }
  const ids = [...merged.keys()];
  const db = getDb();
  // Former members may still acknowledge what they saw (up to their departure, see below).
  const memberships = await db.member.count({ where: { userId, conversationId: { in: ids } } });
  if (memberships !== ids.length) throw new AppError('FORBIDDEN', 'You are not a member of this conversation');

  const delivered = ids.map((id) => merged.get(id)!.delivered);
  const read = ids.map((id) => merged.get(id)!.read);
  // `old` and `upd` see the same snapshot, so old_* are the values this statement replaced.
  const rows = await db.$queryRaw<AckRow[]>`
    WITH v AS (
      SELECT * FROM unnest(${ids}::uuid[], ${delivered}::bigint[], ${read}::bigint[]) AS v(cid, delivered, read)
    ), old AS (
      SELECT m.conversation_id, m.delivered_seq, m.read_seq, m.pushed_seq FROM members m JOIN v ON v.cid = m.conversation_id
      WHERE m.user_id = ${userId}::uuid
    ), upd AS (
      UPDATE members m SET
        read_seq = GREATEST(m.read_seq, LEAST(v.read, COALESCE(m.left_seq, c.last_seq))),
        delivered_seq = GREATEST(m.delivered_seq, LEAST(GREATEST(v.delivered, v.read), COALESCE(m.left_seq, c.last_seq))),
        -- What was pushed and is now read is no longer outstanding (see server/push).
        pushed_seq = CASE WHEN m.pushed_seq <= GREATEST(m.read_seq, LEAST(v.read, COALESCE(m.left_seq, c.last_seq))) THEN 0 ELSE m.pushed_seq END
      FROM v JOIN conversations c ON c.id = v.cid
      WHERE m.conversation_id = v.cid AND m.user_id = ${userId}::uuid
      RETURNING m.conversation_id, m.delivered_seq, m.read_seq, m.pushed_seq
    ), marks AS (
      -- When each watermark moved, for "Message info".
      INSERT INTO receipt_marks (conversation_id, user_id, delivered_seq, read_seq)
      SELECT upd.conversation_id, ${userId}::uuid, upd.delivered_seq, upd.read_seq FROM upd JOIN old USING (conversation_id)
      WHERE upd.delivered_seq <> old.delivered_seq OR upd.read_seq <> old.read_seq
    )
    SELECT upd.conversation_id AS id, upd.delivered_seq, upd.read_seq,
      old.delivered_seq AS old_delivered, old.read_seq AS old_read, old.pushed_seq > 0 AND upd.pushed_seq = 0 AS push_cleared
    FROM upd JOIN old USING (conversation_id)`;

  const changed = rows.filter((r) => r.delivered_seq !== r.old_delivered || r.read_seq !== r.old_read);
  // Read here what had been pushed: the notifications of it on the user's browsers can close.
  for (const r of rows) if (r.push_cleared) push.read(userId, r.id);
  // Every acked conversation's current members, moved or not: the returned aggregate needs them either way.
  const members = await db.member.findMany({
    where: { conversationId: { in: rows.map((r) => r.id) } },
    select: { conversationId: true, userId: true, deliveredSeq: true, readSeq: true, leftSeq: true },
  });
  const bus = getBus();
  const states: ReceiptState[] = rows.map((r) => {
    const others = members.filter((m) => m.conversationId === r.id && m.userId !== userId && m.leftSeq === null);
    // A former member's watermarks no longer count towards the aggregate.
    const counts = members.some((m) => m.conversationId === r.id && m.userId === userId && m.leftSeq === null);
    const minOf = (mine: bigint, key: 'deliveredSeq' | 'readSeq') => {
      const seqs = others.map((m) => m[key]);
      if (counts || seqs.length === 0) seqs.push(mine);
      return seqs.reduce((min, seq) => (seq < min ? seq : min));
    };
    const state: ReceiptState = {
      conversationId: r.id,
      userId,
      deliveredSeq: Number(r.delivered_seq),
      readSeq: Number(r.read_seq),
      allDeliveredSeq: Number(minOf(r.delivered_seq, 'deliveredSeq')),
      allReadSeq: Number(minOf(r.read_seq, 'readSeq')),
    };
    if (!changed.includes(r)) return state;
    const aggregateMoved =
      minOf(r.delivered_seq, 'deliveredSeq') !== minOf(r.old_delivered, 'deliveredSeq') ||
      minOf(r.read_seq, 'readSeq') !== minOf(r.old_read, 'readSeq');
    // Own devices always hear (unread counts sync); others only when their ticks change.
    const audience = aggregateMoved ? [userId, ...others.map((m) => m.userId)] : [userId];
    void bus.publish(audience.map(channels.user), { type: 'receipt.updated', ...state });
    return state;
  });
  return states;
}
