// History pages by sequence, each message in its current state as the caller may see it.
import type { ListMessagesInput, Message, MessagePage, UserId } from '../../lib/schemas.ts';
import { applyChanges, hiddenForMe, toQuote } from '../../lib/message-changes.ts';
import type { ReadableRange } from '../conversations/service.ts';
import { getDb, getPool } from '../db/client.ts';
import type { Prisma } from '../db/generated/client.ts';
import { messageColumns, toMessage, type MessageRow } from './write.ts';

/** A page never holds more rows than this, however many changes lie between its messages. */
const MAX_PAGE_ROWS = 1000;

/** A stored message with what a page needs to complete it. */
export type HistoryRow = MessageRow & { changedSeq: bigint | null; replyToSeq: bigint | null; hidden?: boolean };

// With whether the reader ($5) deleted it for themselves.
const COLUMNS = `${messageColumns('x')}, x.changed_seq AS "changedSeq", x.reply_to_seq AS "replyToSeq",
  EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = x.conversation_id AND h.user_id = $5::uuid AND h.seq = x.seq) AS hidden`;

// One prepared statement per page, read at every opening of a chat: the page's `limit` shown messages
// (text and system) below $3 and at or above $2, then every row from the first of them up, changes
// included, newest first up to MAX_PAGE_ROWS.
const PAGE = `
  WITH shown AS (
    SELECT seq FROM messages
    WHERE conversation_id = $1::uuid AND seq >= $2::bigint AND seq < $3::bigint AND kind <> 'change'
    ORDER BY seq DESC LIMIT $4
  )
  SELECT ${COLUMNS} FROM messages x
  WHERE conversation_id = $1::uuid AND seq >= GREATEST($2::bigint, COALESCE((SELECT min(seq) FROM shown), $2::bigint)) AND seq < $3::bigint
  ORDER BY seq DESC LIMIT ${MAX_PAGE_ROWS}`;

// A gap fill: the next `limit` seqs after $2 up to $3, changes included.
const AFTER = `
  SELECT ${COLUMNS} FROM messages x
  WHERE conversation_id = $1::uuid AND seq > $2::bigint AND seq < $3::bigint
  ORDER BY seq ASC LIMIT $4`;

/**
 * The messages with every change to them up to `bound` (a former member's departure; null: all)
 * folded in. Only those whose changed_seq says they have changes are looked up; a change's seq is
 * above its message's, so the changes may lie beyond the page.
 */
export async function foldChanges(db: Prisma.TransactionClient, rows: HistoryRow[], bound: bigint | null): Promise<Message[]> {
  const messages = rows.map(toMessage);
  // pg hands bigint columns over as strings, Prisma as bigints.
  const targets = rows.filter((r) => r.kind === 'text' && r.changedSeq !== null && r.deletedAt == null).map((r) => BigInt(r.seq));
  if (targets.length === 0) return messages;
  const changes = await db.message.findMany({
    where: { conversationId: rows[0].conversationId, targetSeq: { in: targets }, ...(bound !== null && { seq: { lte: bound } }) },
    orderBy: { seq: 'asc' },
  });
  if (changes.length === 0) return messages;
  const folded = new Map(applyChanges(messages, changes.map(toMessage)).map((m) => [m.seq, m]));
  return messages.map((m) => folded.get(m.seq) ?? m);
}

/**
 * Replies get the message they quote, in its state up to `bound` (which may lie before the reader's
 * window: the quote is part of the reply, as its sender chose to repeat it).
 */
async function withQuotes(db: Prisma.TransactionClient, messages: Message[], rows: HistoryRow[], bound: bigint | null): Promise<Message[]> {
  const replyTo = new Map(rows.filter((r) => r.replyToSeq !== null).map((r) => [Number(r.seq), BigInt(r.replyToSeq!)]));
  if (replyTo.size === 0) return messages;
  const quoted = await db.message.findMany({ where: { conversationId: rows[0].conversationId, seq: { in: [...new Set(replyTo.values())] } } });
  const current = new Map((await foldChanges(db, quoted, bound)).map((m) => [m.seq, m]));
  return messages.map((m) => {
    const target = current.get(Number(replyTo.get(m.seq)));
    return target ? { ...m, replyTo: toQuote(target) } : m;
  });
}

/**
 * A page of history in ascending sequence order, inside the caller's window (`view`, from
 * readableRange): the latest page, the page before `before`, or the page after `after`. The first two
 * hold `limit` messages that are shown (text and system) and every change between them, so a page
 * never looks empty; a page after `after` fills a gap by seq, changes and all. Sequences are
 * gapless, so "more before" is simply "first seq > fromSeq".
 */
export async function listMessages(readerId: UserId, input: ListMessagesInput, view: ReadableRange): Promise<MessagePage> {
  const { conversationId, before, after, limit } = input;
  // Below this seq: the end of the window, and `before`.
  const end = [view.toSeq === null ? null : view.toSeq + 1n, before === undefined ? null : BigInt(before)]
    .filter((x): x is bigint => x !== null)
    .reduce((a, b) => (b < a ? b : a), 2n ** 62n);
  const { rows } =
    after !== undefined
      ? await getPool().query<HistoryRow>({ name: 'history-after', text: AFTER, values: [conversationId, BigInt(Math.max(after, Number(view.fromSeq) - 1)), end, limit, readerId] })
      : await getPool().query<HistoryRow>({ name: 'history-page', text: PAGE, values: [conversationId, view.fromSeq, end, limit, readerId] });
  if (after === undefined) rows.reverse();
  const db = getDb();
  const hidden = new Set(rows.filter((r) => r.hidden).map((r) => Number(r.seq)));
  const messages = (await withQuotes(db, await foldChanges(db, rows, view.toSeq), rows, view.toSeq)).map((m) => (hidden.has(m.seq) ? hiddenForMe(m) : m));
  const fromSeq = Number(view.fromSeq);
  const first = messages[0]?.seq ?? before ?? (after !== undefined ? after + 1 : fromSeq);
  return { messages, fromSeq, hasMoreBefore: first > fromSeq };
}
