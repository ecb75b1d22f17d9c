// Messages: the send path (save, then ack, then publish) and who has a message.
import { randomInt } from 'node:crypto';
import type { ConversationId, Message, MessageInfo, SendMessageInput, UserId } from '../../lib/schemas.ts';
import { inWindow, type ReadableRange } from '../conversations/service.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { env } from '../env.ts';
import { metrics } from '../metrics.ts';
import { enforceLocally, LIMITS } from '../rate-limits.ts';
import { Snowflake } from '../snowflake.ts';
import { fanout } from './fanout.ts';
import { Batcher } from '../db/batcher.ts';
import { writeSends, type Send, type SendOutcome, type WrittenSends } from './write.ts';
import { withPhotos } from '../users/visibility.ts';

/** The one id generator of this process: every message id, sent or system, comes from it. */
export const messageIds = new Snowflake(env.NODE_ID ?? randomInt(1024));

function publishWritten({ outcomes, audiences }: WrittenSends): void {
  // A retry returns the original without publishing again; a receiver that missed it resyncs by heads.
  const created = new Map<ConversationId, Message[]>();
  for (const o of outcomes) {
    if (!o.ok || !o.created) continue;
    const list = created.get(o.message.conversationId);
    if (list) list.push(o.message);
    else created.set(o.message.conversationId, [o.message]);
  }
  for (const [conversationId, messages] of created) fanout.publish(conversationId, messages, audiences.get(conversationId));
}

const batcher = new Batcher<Send, SendOutcome, WrittenSends>((sends) => writeSends(sends, messageIds), publishWritten);

/**
 * Resolves once the message is committed; a retry with the same clientId returns the original.
 * Nothing is awaited before the send joins the queue: one connection's sends are written in the
 * order they arrived, also when a bot pipelines them without waiting for acks.
 */
export async function sendMessage(senderId: UserId, input: SendMessageInput): Promise<Message> {
  enforceLocally(LIMITS.sends, senderId);
  const stopTimer = metrics.sendLatency.startTimer();
  const outcome = await batcher.submit({ ...input, senderId }).finally(stopTimer);
  if (!outcome.ok) throw outcome.error;
  return outcome.message;
}

/**
 * Graceful shutdown: sends from now on are refused as retryable (the client's retry goes to another
 * instance); those already accepted are written and fanned out before this resolves.
 */
export async function stopSends(): Promise<void> {
  await batcher.close();
  await fanout.idle();
}

interface InfoRow {
  id: string;
  username: string;
  display_name: string;
  delivered: boolean;
  read: boolean;
  delivered_at: Date | null;
  read_at: Date | null;
}

/**
 * Who among the current members has one of the caller's own messages delivered and read, and since
 * when: the first time their watermark passed its seq.
 */
export async function getMessageInfo(userId: UserId, input: { conversationId: string; seq: number }, view: ReadableRange): Promise<MessageInfo> {
  const seq = BigInt(input.seq);
  const message =
    inWindow(seq, view)
      ? await getDb().message.findUnique({
          where: { conversationId_seq: { conversationId: input.conversationId, seq } },
          select: { senderId: true, kind: true },
        })
      : null;
  if (!message) throw new AppError('NOT_FOUND', 'No such message');
  if (message.senderId !== userId || message.kind !== 'text') throw new AppError('FORBIDDEN', 'Only its sender can see who has a message');
  // Read states keep changing after someone leaves; a former member is told nothing newer than their departure.
  if (view.toSeq !== null) throw new AppError('FORBIDDEN', 'Message info is only for current members');
  const rows = await getDb().$queryRaw<InfoRow[]>`
    SELECT u.id, u.username, u.display_name, m.delivered_seq >= ${seq} AS delivered, m.read_seq >= ${seq} AS read,
      (SELECT min(r.at) FROM receipt_marks r
        WHERE r.conversation_id = m.conversation_id AND r.user_id = m.user_id AND r.delivered_seq >= ${seq}) AS delivered_at,
      (SELECT min(r.at) FROM receipt_marks r
        WHERE r.conversation_id = m.conversation_id AND r.user_id = m.user_id AND r.read_seq >= ${seq}) AS read_at
    FROM members m JOIN users u ON u.id = m.user_id
    WHERE m.conversation_id = ${input.conversationId}::uuid AND m.left_seq IS NULL AND m.from_seq <= ${seq}
      AND m.user_id <> ${userId}::uuid
    ORDER BY u.display_name, u.id`;
  const people = new Map((await withPhotos(userId, rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name })))).map((p) => [p.id, p]));
  const user = (r: InfoRow) => people.get(r.id)!;
  return {
    seq: input.seq,
    read: rows.filter((r) => r.read).map((r) => ({ user: user(r), at: r.read_at })),
    delivered: rows.filter((r) => r.delivered && !r.read).map((r) => ({ user: user(r), at: r.delivered_at })),
    waiting: rows.filter((r) => !r.delivered).map(user),
  };
}
