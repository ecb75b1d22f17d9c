// Receipts: per-member delivered/read watermarks, moved forward only, written in batches across users.
import type { AckReceiptsInput, ConversationId, ReceiptState, UserId } from '../../lib/schemas.ts';
import { Batcher, type Written } from '../db/batcher.ts';
import { notAMember } from '../errors.ts';
import { push } from '../push/service.ts';
import { channels, getBus } from '../realtime/index.ts';
import { writeAcks, type Ack } from './write.ts';

/** An ack as written: where the member now stands, and who must hear of it; null: not a member, now or before. */
type Applied = {
  state: ReceiptState;
  /** Empty when nothing moved. */
  audience: UserId[];
  /** A push had gone out for a message this read covers: the user's notifications can close. */
  pushCleared: boolean;
} | null;

async function write(acks: Ack[]): Promise<Written<Applied>> {
  const { outcomes, aggregates } = await writeAcks(acks);
  // Every state of a batch carries the same aggregate: the members hear it once per conversation,
  // with the first ack that moved; the others go to their own devices only.
  const told = new Set<ConversationId>();
  return {
    outcomes: acks.map((ack, i) => {
      const o = outcomes[i];
      if (!o) return null;
      const aggregate = aggregates.get(ack.conversationId);
      const state: ReceiptState = {
        conversationId: ack.conversationId,
        userId: ack.userId,
        deliveredSeq: o.deliveredSeq,
        readSeq: o.readSeq,
        // No current member left (a former member acking alone): their own is all there is.
        allDeliveredSeq: aggregate?.allDeliveredSeq ?? o.deliveredSeq,
        allReadSeq: aggregate?.allReadSeq ?? o.readSeq,
      };
      const moved = o.deliveredSeq !== o.oldDeliveredSeq || o.readSeq !== o.oldReadSeq;
      // The member's own devices always hear (unread counts sync); everyone when the aggregate moved (their ticks change).
      const toAll = moved && aggregate?.moved && !told.has(ack.conversationId);
      if (toAll) told.add(ack.conversationId);
      const audience = !moved ? [] : toAll ? [...new Set([ack.userId, ...aggregate!.members])] : [ack.userId];
      return { state, audience, pushCleared: o.pushCleared };
    }),
  };
}

function publish({ outcomes }: Written<Applied>): void {
  const bus = getBus();
  for (const applied of outcomes) {
    if (!applied) continue;
    if (applied.pushCleared) push.read(applied.state.userId, applied.state.conversationId);
    if (applied.audience.length > 0) void bus.publish(applied.audience.map(channels.user), { type: 'receipt.updated', ...applied.state });
  }
}

const batcher = new Batcher<Ack, Applied, Written<Applied>>(write, publish);

/**
 * Moves the caller's watermarks up (never back, never past the conversation's last message or their
 * departure; read implies delivered) and returns where each conversation stands. Entries for
 * conversations the caller never was in are dropped; FORBIDDEN when none is left.
 */
export async function ackReceipts(userId: UserId, input: AckReceiptsInput): Promise<ReceiptState[]> {
  const merged = new Map<ConversationId, Ack>();
  for (const r of input.receipts) {
    const prior = merged.get(r.conversationId);
    merged.set(r.conversationId, {
      userId,
      conversationId: r.conversationId,
      deliveredSeq: Math.max(prior?.deliveredSeq ?? 0, r.deliveredSeq ?? 0),
      readSeq: Math.max(prior?.readSeq ?? 0, r.readSeq ?? 0),
    });
  }
  const applied = await Promise.all([...merged.values()].map((ack) => batcher.submit(ack)));
  const states = applied.flatMap((a) => (a ? [a.state] : []));
  if (states.length === 0) throw notAMember();
  return states;
}

/** Waits for acks already accepted to be written (tests). */
export function drainAcks(): Promise<void> {
  return batcher.idle();
}

/** Graceful shutdown: acks from now on are refused as retryable; those accepted are written first. */
export function stopAcks(): Promise<void> {
  return batcher.close();
}
