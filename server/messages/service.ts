// Messages: the send path (save, then ack, then publish) and history pages by sequence.
import { randomInt } from 'node:crypto';
import type { ListMessagesInput, Message, MessagePage, SendMessageInput, UserId } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { env } from '../env.ts';
import { metrics } from '../metrics.ts';
import { enforce, LIMITS } from '../rate-limits.ts';
import { channels, getBus } from '../realtime/index.ts';
import { Snowflake } from '../snowflake.ts';
import { SendLanes } from './send-lanes.ts';
import { toMessage, writeSends, type SendOutcome } from './write.ts';

const ids = new Snowflake(env.NODE_ID ?? randomInt(1024));

function publishOutcomes(outcomes: SendOutcome[]): void {
  const bus = getBus();
  for (const outcome of outcomes) {
    // A retry returns the original without publishing again; a receiver that missed it resyncs by heads.
    if (!outcome.ok || !outcome.created) continue;
    metrics.messagesSent.inc();
    for (const userId of outcome.recipients) {
      void bus.publish(channels.user(userId), { type: 'message.new', message: outcome.message });
    }
  }
}

const lanes = new SendLanes((sends) => writeSends(sends, ids), publishOutcomes);

/** Resolves once the message is committed; a retry with the same clientId returns the original. */
export async function sendMessage(senderId: UserId, input: SendMessageInput): Promise<Message> {
  await enforce(LIMITS.sends, senderId);
  const stopTimer = metrics.sendLatency.startTimer();
  const outcome = await lanes.submit({ ...input, senderId }).finally(stopTimer);
  if (!outcome.ok) throw outcome.error;
  return outcome.message;
}

/** Waits for sends already accepted to be written (graceful shutdown). */
export function drainSends(): Promise<void> {
  return lanes.idle();
}

/**
 * A page of history in ascending sequence order: the latest page, the page before `before`, or the
 * page after `after`. Sequences are gapless from 1, so "more before" is simply "first seq > 1".
 */
export async function listMessages(input: ListMessagesInput): Promise<MessagePage> {
  const { conversationId, before, after, limit } = input;
  const rows = await getDb().message.findMany({
    where: {
      conversationId,
      seq: after !== undefined ? { gt: after } : before !== undefined ? { lt: before } : undefined,
    },
    orderBy: { seq: after !== undefined ? 'asc' : 'desc' },
    take: limit,
  });
  const messages = rows.map(toMessage);
  if (after === undefined) messages.reverse();
  return { messages, hasMoreBefore: (messages[0]?.seq ?? before ?? after ?? 1) > 1 };
}
