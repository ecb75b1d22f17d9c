// The write of the receipts path: acks of any users to any conversations in one statement and one commit.
import type { ConversationId, UserId } from '../../lib/schemas.ts';
import { getPool } from '../db/client.ts';

export interface Ack {
  userId: UserId;
  conversationId: ConversationId;
  deliveredSeq: number;
  readSeq: number;
}

/** The member's watermarks before and after the ack; null: not a member, now or before. */
export type AckOutcome = {
  deliveredSeq: number;
  readSeq: number;
  oldDeliveredSeq: number;
  oldReadSeq: number;
  /** A push had gone out for a message this read covers: the user's notifications can close. */
  pushCleared: boolean;
} | null;

/** A conversation's lowest watermarks over its current members, before and after the batch. */
export interface Aggregate {
  allDeliveredSeq: number;
  allReadSeq: number;
  moved: boolean;
  members: UserId[];
}

export interface WrittenAcks {
  outcomes: AckOutcome[];
  aggregates: Map<ConversationId, Aggregate>;
}

interface AckRow {
  kind: 'ack' | 'aggregate';
  cid: string;
  uid: string | null;
  delivered_seq: string | null;
  read_seq: string | null;
  old_delivered: string | null;
  old_read: string | null;
  push_cleared: boolean | null;
  all_delivered: string | null;
  all_read: string | null;
  old_all_delivered: string | null;
  old_all_read: string | null;
  members: string[] | null;
}

// One prepared call for a whole batch (prisma/migrations/20261202010000_ack_batch): three queries per
// ack before, one of them reading every member of the conversation.
const ACK_BATCH = 'SELECT * FROM parley_ack($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[], $5)';

/** Writes acks and returns one outcome per ack, in order (the same member twice in a batch is merged). */
export async function writeAcks(acks: Ack[], now: () => Date = () => new Date()): Promise<WrittenAcks> {
  const merged = new Map<string, Ack>();
  for (const a of acks) {
    const key = `${a.userId}/${a.conversationId}`;
    const prior = merged.get(key);
    merged.set(key, prior ? { ...a, deliveredSeq: Math.max(prior.deliveredSeq, a.deliveredSeq), readSeq: Math.max(prior.readSeq, a.readSeq) } : a);
  }
  const unique = [...merged.values()];
  const { rows } = await getPool().query<AckRow>({
    name: 'ack-batch',
    text: ACK_BATCH,
    values: [unique.map((a) => a.userId), unique.map((a) => a.conversationId), unique.map((a) => a.deliveredSeq), unique.map((a) => a.readSeq), now()],
  });
  const byKey = new Map<string, AckOutcome>();
  const aggregates = new Map<ConversationId, Aggregate>();
  for (const r of rows) {
    if (r.kind === 'aggregate') {
      aggregates.set(r.cid, {
        allDeliveredSeq: Number(r.all_delivered),
        allReadSeq: Number(r.all_read),
        moved: r.all_delivered !== r.old_all_delivered || r.all_read !== r.old_all_read,
        members: r.members!,
      });
    } else {
      byKey.set(`${r.uid}/${r.cid}`, {
        deliveredSeq: Number(r.delivered_seq),
        readSeq: Number(r.read_seq),
        oldDeliveredSeq: Number(r.old_delivered),
        oldReadSeq: Number(r.old_read),
        pushCleared: r.push_cleared === true,
      });
    }
  }
  return { outcomes: acks.map((a) => byKey.get(`${a.userId}/${a.conversationId}`) ?? null), aggregates };
}
