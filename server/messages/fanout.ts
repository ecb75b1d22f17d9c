// Fan-out: after a commit, each new message goes to every member who may see it, off the sender's ack path.
import type { ConversationId, Message } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { push } from '../push/service.ts';
import { channels, getBus } from '../realtime/index.ts';
import { SerialQueues } from '../serial-queues.ts';

const log = logger.child({ part: 'fanout' });

/**
 * Who receives a message is decided after its commit, from the members table: whoever's window
 * (from their "added" message to their "left"/"removed" one) holds its seq. A member removed in
 * the meantime still gets it when its seq is inside their window, and a member added since does
 * not; the sync protocol's gap fill covers anyone the bus misses.
 */
class Fanout {
  // One chain per conversation, so its events leave in the order their commits happened here.
  private readonly queues = new SerialQueues<ConversationId>(log, 'fan-out (receivers catch up by resync)');

  /** Queues messages of one conversation (committed, in seq order) for delivery. */
  publish(conversationId: ConversationId, messages: Message[]): void {
    if (messages.length > 0) this.queues.run(conversationId, () => deliver(conversationId, messages));
  }

  /** Resolves when everything queued so far went out (graceful shutdown, tests). */
  idle(): Promise<void> {
    return this.queues.idle();
  }
}

async function deliver(conversationId: ConversationId, messages: Message[]): Promise<void> {
  const first = messages[0].seq;
  const last = messages[messages.length - 1].seq;
  // With whether each has a browser to push to: most messages then need no push round at all.
  const members = await getDb().$queryRaw<{ user_id: string; from_seq: bigint; left_seq: bigint | null; pushable: boolean }[]>`
    SELECT m.user_id, m.from_seq, m.left_seq, EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = m.user_id) AS pushable
    FROM members m
    WHERE m.conversation_id = ${conversationId}::uuid AND m.from_seq <= ${last} AND (m.left_seq IS NULL OR m.left_seq >= ${first})`;
  const bus = getBus();
  const toPush: Message[] = [];
  for (const message of messages) {
    metrics.messagesSent.inc();
    const seq = BigInt(message.seq);
    const recipients = members.filter((m) => m.from_seq <= seq && (m.left_seq === null || m.left_seq >= seq));
    void bus.publish(recipients.map((m) => channels.user(m.user_id)), { type: 'message.new', message });
    if (recipients.some((m) => m.pushable && m.user_id !== message.senderId)) toPush.push(message);
  }
  push.messages(toPush);
}

export const fanout = new Fanout();
