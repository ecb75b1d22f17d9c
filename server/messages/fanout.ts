// Fan-out: after a commit, each new message goes to every member who may see it, off the sender's ack path.
import type { ConversationId, Message, UserId } from '../../lib/schemas.ts';
import { inWindow } from '../conversations/service.ts';
import { getDb } from '../db/client.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { push } from '../push/service.ts';
import { channels, getBus } from '../realtime/index.ts';
import { SerialQueues } from '../serial-queues.ts';
import type { Audience } from './write.ts';

const log = logger.child({ part: 'fanout' });
/** Up to this many recipients a message is published before its ack; more, right after it. */
const INLINE_AUDIENCE = 16;

/**
 * Who receives a message is decided after its commit, from the members table: whoever's window
 * (from their "added" message to their "left"/"removed" one) holds its seq. A member removed in
 * the meantime still gets it when its seq is inside their window, and a member added since does
 * not. Anyone the bus misses gets heads from the healer (sync/healer.ts) within DELIVERY_HEAL_S.
 */
class Fanout {
  // One chain per conversation, so its events leave in the order their commits happened here.
  private readonly queues = new SerialQueues<ConversationId>(log, 'fan-out (the healer, sync/healer.ts, makes good what it drops)');

  /**
   * Queues messages of one conversation (committed, in seq order) for delivery. `audience`: its
   * current members, when the write already knows them (the send statement returns them: new
   * messages at the head reach exactly the current members); else they are read from the windows.
   */
  publish(conversationId: ConversationId, messages: Message[], audience?: Audience): void {
    if (messages.length === 0) return;
    // A small audience hears at once (a one-to-one message costs no queueing); a big group after the
    // sender's ack, so its fan-out never delays the ack (bench/group.ts, 500 members: the group
    // ack's median was 5.7x the one-to-one ack's when published first).
    const toAudience = audience && (() => deliver(messages, () => audience.recipients, new Set(audience.pushTo), audience.reads));
    if (toAudience && audience.recipients.length <= INLINE_AUDIENCE && !this.queues.busy(conversationId)) return toAudience();
    this.queues.run(conversationId, async () => {
      if (toAudience) {
        await new Promise((resolve) => setImmediate(resolve)); // the acks of this batch go first
        return toAudience();
      }
      const members = await membersOverlapping(conversationId, messages[0].seq, messages[messages.length - 1].seq);
      const windowHolding = (m: Message) => members.filter((w) => inWindow(m.seq, { fromSeq: w.from_seq, toSeq: w.left_seq })).map((w) => w.user_id);
      deliver(messages, windowHolding, new Set(members.filter((w) => w.pushable).map((w) => w.user_id)));
    });
  }

  /** Resolves when everything queued so far went out (graceful shutdown, tests). */
  idle(): Promise<void> {
    return this.queues.idle();
  }
}

/** Members whose window overlaps seqs first..last, and whether each has a browser to push to. */
function membersOverlapping(conversationId: ConversationId, first: number, last: number) {
  return getDb().$queryRaw<{ user_id: string; from_seq: bigint; left_seq: bigint | null; pushable: boolean }[]>`
    SELECT m.user_id, m.from_seq, m.left_seq, EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = m.user_id) AS pushable
    FROM members m
    WHERE m.conversation_id = ${conversationId}::uuid AND m.from_seq <= ${last} AND (m.left_seq IS NULL OR m.left_seq >= ${first})`;
}

/** `reads`: by sender, the receipts of sends that read someone else's messages, told with their messages. */
function deliver(messages: Message[], recipientsOf: (message: Message) => UserId[], pushable: Set<UserId>, reads?: Audience['reads']): void {
  const bus = getBus();
  const toPush: Message[] = [];
  for (const message of messages) {
    metrics.messagesSent.inc();
    const recipients = recipientsOf(message);
    const senderRead = reads?.get(message.senderId);
    void bus.publish(recipients.map(channels.user), senderRead ? { type: 'message.new', message, senderRead } : { type: 'message.new', message });
    if (recipients.some((r) => pushable.has(r) && r !== message.senderId)) toPush.push(message);
  }
  if (toPush.length > 0) push.messages(toPush);
}

export const fanout = new Fanout();
