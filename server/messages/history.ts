// History pages by sequence, each message in its current state as the caller may see it.
import type { ListMessagesInput, Message, MessagePage } from '../../lib/schemas.ts';
import { applyChanges } from '../../lib/message-changes.ts';
import type { ReadableRange } from '../conversations/service.ts';
import { getDb } from '../db/client.ts';
import type { Prisma } from '../db/generated/client.ts';
import { toMessage } from './write.ts';

/** A page never holds more rows than this, however many changes lie between its messages. */
const MAX_PAGE_ROWS = 1000;

/**
 * The messages with every change to them up to `bound` (a former member's departure; null: all)
 * folded in. A change's seq is above its message's, so the changes may lie beyond the page.
 */
export async function foldChanges(db: Prisma.TransactionClient, messages: Message[], bound: bigint | null): Promise<Message[]> {
  const targets = messages.filter((m) => m.kind === 'text' && !m.deleted).map((m) => BigInt(m.seq));
  if (targets.length === 0) return messages;
  const changes = await db.message.findMany({
    where: { conversationId: messages[0].conversationId, targetSeq: { in: targets }, ...(bound !== null && { seq: { lte: bound } }) },
    orderBy: { seq: 'asc' },
  });
  if (changes.length === 0) return messages;
  const folded = new Map(applyChanges(messages, changes.map(toMessage)).map((m) => [m.seq, m]));
  return messages.map((m) => folded.get(m.seq) ?? m);
}

/**
 * A page of history in ascending sequence order, inside the caller's window (`view`, from
 * readableRange): the latest page, the page before `before`, or the page after `after`. The first two
 * hold `limit` messages that are shown (text and system) and every change between them, so a page
 * never looks empty; a page after `after` fills a gap by seq, changes and all. Sequences are
 * gapless, so "more before" is simply "first seq > fromSeq".
 */
export async function listMessages(input: ListMessagesInput, view: ReadableRange): Promise<MessagePage> {
  const { conversationId, before, after, limit } = input;
  const db = getDb();
  const seq = { gte: view.fromSeq, ...(view.toSeq !== null && { lte: view.toSeq }) };
  let rows;
  if (after !== undefined) {
    rows = await db.message.findMany({ where: { conversationId, seq: { ...seq, gt: after } }, orderBy: { seq: 'asc' }, take: limit });
  } else {
    const below = before !== undefined ? { lt: before } : {};
    const shown = await db.message.findMany({
      where: { conversationId, seq: { ...seq, ...below }, kind: { not: 'change' } },
      orderBy: { seq: 'desc' },
      take: limit,
      select: { seq: true },
    });
    const from = shown.at(-1)?.seq ?? view.fromSeq;
    rows = (
      await db.message.findMany({
        where: { conversationId, seq: { ...seq, ...below, gte: from > view.fromSeq ? from : view.fromSeq } },
        orderBy: { seq: 'desc' },
        take: MAX_PAGE_ROWS,
      })
    ).reverse();
  }
  const messages = await foldChanges(db, rows.map(toMessage), view.toSeq);
  const fromSeq = Number(view.fromSeq);
  const first = messages[0]?.seq ?? before ?? (after !== undefined ? after + 1 : fromSeq);
  return { messages, fromSeq, hasMoreBefore: first > fromSeq };
}
