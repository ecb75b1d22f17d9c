// The writes of a conversation's sequence: sends in batches (one statement, one commit), and system messages.
import { randomUUID } from 'node:crypto';
import { toQuote } from '../../lib/message-changes.ts';
import type { MediaSummary, SharedLocation } from '../../lib/media.ts';
import type { ReceiptWatermarks } from '../../lib/events.ts';
import type { ConversationId, Message, Quote, SystemEvent, UserId } from '../../lib/schemas.ts';
import { getPool } from '../db/client.ts';
import type { Prisma } from '../db/generated/client.ts';
import { AppError, notAMember } from '../errors.ts';
import { attachableMedia } from '../media/service.ts';
import type { Snowflake } from '../snowflake.ts';

export interface Send {
  conversationId: ConversationId;
  senderId: UserId;
  clientId: string;
  body: string;
  /** A reply: the seq of the message it quotes. */
  replyToSeq?: number;
  forwarded?: boolean;
  /** Media it carries (server/media). */
  mediaId?: string;
  /** Or a place it shares. */
  location?: SharedLocation;
}

export type SendOutcome =
  | { ok: true; message: Message; created: boolean }
  | { ok: false; error: AppError };

export interface MessageRow {
  id: bigint;
  conversationId: string;
  seq: bigint;
  senderId: string;
  clientId: string;
  body: string;
  kind: string;
  event: Prisma.JsonValue | null;
  createdAt: Date;
  /** A change: the seq of the message it changes. */
  targetSeq?: bigint | null;
  deletedAt?: Date | null;
  forwarded?: boolean;
  media?: Prisma.JsonValue | null;
}

/** A messages row (table alias `m`) as a MessageRow, in raw SQL. The one list of its columns. */
export const messageColumns = (m: string) =>
  `${m}.id, ${m}.conversation_id AS "conversationId", ${m}.seq, ${m}.sender_id AS "senderId", ${m}.client_id AS "clientId", ` +
  `${m}.body, ${m}.kind, ${m}.event, ${m}.created_at AS "createdAt", ${m}.deleted_at AS "deletedAt", ${m}.forwarded, ${m}.media`;

const KINDS = new Set<string>(['text', 'system', 'change'] satisfies Message['kind'][]);

/** A stored row as the API shows it (changes not folded in: see lib/message-changes.ts). */
export function toMessage(row: MessageRow): Message {
  const message: Message = {
    id: row.id.toString(),
    conversationId: row.conversationId,
    seq: Number(row.seq),
    senderId: row.senderId,
    clientId: row.clientId,
    body: row.body,
    kind: KINDS.has(row.kind) ? (row.kind as Message['kind']) : 'text',
    event: (row.event ?? null) as Message['event'],
    createdAt: row.createdAt,
  };
  if (row.deletedAt) message.deleted = true;
  else Object.assign(message, attachmentOf(row.media));
  if (row.forwarded) message.forwarded = true;
  return message;
}

/**
 * A message's `media` column: media (a row of its own, by id), or a place (only in the column: kind
 * 'location'). storedAttachment writes it, attachmentOf reads it as the API shows it.
 */
function storedAttachment(media: MediaSummary | undefined, location: SharedLocation | undefined): object | null {
  return media ?? (location ? { kind: 'location', ...location } : null);
}

export function attachmentOf(stored: unknown): Pick<Message, 'media' | 'location'> {
  if (!stored || typeof stored !== 'object') return {};
  const { kind, ...rest } = stored as { kind: string };
  return kind === 'location' ? { location: rest as SharedLocation } : { media: stored as MediaSummary };
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
export async function append(tx: Tx, conversationId: ConversationId, rows: MessageRow[]): Promise<void> {
  const last = rows[rows.length - 1];
  // A change is no new activity: the chat does not move up the list for an edit or a reaction.
  if (rows.some((r) => r.kind !== 'change')) {
    await tx.$executeRaw`UPDATE conversations SET last_seq = ${last.seq}, last_at = ${last.createdAt} WHERE id = ${conversationId}::uuid`;
  } else {
    await tx.$executeRaw`UPDATE conversations SET last_seq = ${last.seq} WHERE id = ${conversationId}::uuid`;
  }
  await tx.message.createMany({ data: rows.map((r) => ({ ...r, event: r.event ?? undefined, media: r.media ?? undefined })) });
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

/** Who hears of a conversation's new messages: its current members, and those of them with a browser to push to. */
export interface Audience {
  recipients: UserId[];
  pushTo: UserId[];
  /**
   * By sender: a send that read someone else's messages is a receipt, as an ack is: where its sender
   * now stands, with the conversation's "by all" watermarks after the batch.
   */
  reads: Map<UserId, ReceiptWatermarks>;
}

export interface WrittenSends {
  /** One per send, in the order given. */
  outcomes: SendOutcome[];
  /** For each conversation that got new messages. */
  audiences: Map<ConversationId, Audience>;
}

interface SendRow {
  ord: number;
  status: 'created' | 'existing' | 'conflict' | 'forbidden' | 'blocked' | 'audience' | 'read';
  id: string | null;
  seq: string | null;
  created_at: Date | null;
  body: string | null;
  cid: string | null;
  recipients: string[] | null;
  push_to: string[] | null;
  /** 'read': where a sender stands, with the conversation's aggregates. */
  receipt: (ReceiptWatermarks & { userId: UserId }) | null;
}

// One prepared call for a whole batch (prisma/migrations/20261202000000_send_batch, replies and
// forwards since 20261204010000_replies_and_forwards): 10 round trips and ~7 ms of CPU per message through Prisma's query
// builder before (bench/capacity.ts).
const SEND_BATCH = 'SELECT * FROM parley_send($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::bigint[], $7::boolean[], $8::jsonb[], $9)';

const CLIENT_ID_TAKEN = () => new AppError('CONFLICT', 'This client id was already used for another message', 'clientId');
/** The sender blocked the other person of this one-to-one chat (server/contacts). */
export const YOU_BLOCKED = () => new AppError('FORBIDDEN', 'You blocked this person: unblock them to write to them');
const NO_SUCH_MEDIA = () => new AppError('BAD_REQUEST', 'No such photo or file: upload it first', 'mediaId');
const NO_SUCH_QUOTE = () => new AppError('BAD_REQUEST', 'You can only reply to a message of this chat that you can see', 'replyToSeq');

/**
 * What the newest text of message (conversation `conv`, seq `seq`) is up to seq `bound`: the body of
 * its latest edit, or null when it was not edited. The one definition, as SQL over those expressions.
 */
export const latestEditBody = (conv: string, seq: string, bound: string) => `
  (SELECT e.body FROM messages e
    WHERE e.conversation_id = ${conv} AND e.target_seq = ${seq} AND e.seq <= ${bound} AND e.event->>'type' = 'message.edited'
    ORDER BY e.seq DESC LIMIT 1)`;

const QUOTES = `
  SELECT t.ord::int AS ord, m.seq, m.sender_id, m.deleted_at IS NOT NULL AS deleted, m.media,
    COALESCE(CASE WHEN m.deleted_at IS NULL THEN ${latestEditBody('m.conversation_id', 'm.seq', 'c.last_seq')} END, m.body) AS body
  FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) WITH ORDINALITY AS t(cid, sender, seq, ord)
  JOIN members mb ON mb.conversation_id = t.cid AND mb.user_id = t.sender AND mb.from_seq <= t.seq
  JOIN conversations c ON c.id = t.cid
  JOIN messages m ON m.conversation_id = t.cid AND m.seq = t.seq AND m.kind <> 'change'`;

/**
 * The messages that the replies among `sends` quote, by position in `sends`; a reply whose quote the
 * sender may not see (no such message, a change, before they joined) has none. One query for the
 * batch, only when it holds replies: the batch's order is fixed already, so this wait reorders nothing.
 */
async function quotesFor(sends: Send[]): Promise<Map<number, Quote>> {
  const replies = sends.flatMap((s, i) => (s.replyToSeq === undefined ? [] : [{ s, i }]));
  const quotes = new Map<number, Quote>();
  if (replies.length === 0) return quotes;
  const { rows } = await getPool().query<{ ord: number; seq: string; sender_id: string; deleted: boolean; body: string; media: unknown }>({
    name: 'reply-quotes',
    text: QUOTES,
    values: [replies.map((r) => r.s.conversationId), replies.map((r) => r.s.senderId), replies.map((r) => r.s.replyToSeq)],
  });
  for (const r of rows) {
    quotes.set(replies[r.ord - 1].i, toQuote({ seq: Number(r.seq), senderId: r.sender_id, body: r.body, ...(r.deleted && { deleted: true }), ...attachmentOf(r.media) }));
  }
  return quotes;
}

/**
 * Writes sends to any conversations in one statement and one commit, and returns one outcome per
 * send. Sends to one conversation get consecutive seqs in the order given; a retry (the same sender
 * and client id, here or committed before) is the original message. See the migration for how the
 * statement orders its locks and why idempotency comes before membership.
 */
export async function writeSends(sends: Send[], ids: Snowflake, now: () => Date = () => new Date()): Promise<WrittenSends> {
  // The same client id twice in one batch is one message: the statement sees each key once.
  const firstOf = new Map<string, number>();
  const unique: Send[] = [];
  const slot = sends.map((s) => {
    const key = `${s.senderId}/${s.clientId}`;
    let i = firstOf.get(key);
    if (i === undefined) {
      i = unique.push(s) - 1;
      firstOf.set(key, i);
    }
    return i;
  });
  const [quotes, media] = await Promise.all([quotesFor(unique), attachableMedia(unique)]);
  const outcomes = new Array<SendOutcome>(unique.length);
  // A reply to a message the sender cannot see, or media they cannot, fails alone; the rest of the batch is written.
  const written: number[] = [];
  unique.forEach((s, i) => {
    if (s.replyToSeq !== undefined && !quotes.has(i)) outcomes[i] = { ok: false, error: NO_SUCH_QUOTE() };
    else if (s.mediaId !== undefined && !media.has(i)) outcomes[i] = { ok: false, error: NO_SUCH_MEDIA() };
    else written.push(i);
  });
  const batch = written.map((i) => unique[i]);
  const createdAt = now();
  const { rows } = batch.length
    ? await getPool().query<SendRow>({
        name: 'send-batch',
        text: SEND_BATCH,
        values: [
          batch.map((s) => s.conversationId),
          batch.map((s) => s.senderId),
          batch.map((s) => s.clientId),
          batch.map((s) => s.body),
          batch.map(() => ids.next().toString()),
          batch.map((s) => s.replyToSeq ?? null),
          batch.map((s) => s.forwarded ?? false),
          written.map((i) => {
            const stored = storedAttachment(media.get(i), unique[i].location);
            return stored && JSON.stringify(stored); // SQL NULL for a text message, not JSON null
          }),
          createdAt,
        ],
      })
    : { rows: [] as SendRow[] };
  const audiences = new Map<ConversationId, Audience>();
  for (const row of rows) {
    if (row.status === 'audience') {
      audiences.set(row.cid!, { recipients: row.recipients!, pushTo: row.push_to ?? [], reads: new Map() });
      continue;
    }
    if (row.status === 'read') {
      // The function's second statement, so after every audience; a read comes only with new
      // messages in its conversation, so with an audience.
      const { userId, ...watermarks } = row.receipt!;
      audiences.get(row.cid!)?.reads.set(userId, watermarks);
      continue;
    }
    const i = written[row.ord - 1];
    const s = unique[i];
    if (row.status === 'forbidden') outcomes[i] = { ok: false, error: notAMember() };
    else if (row.status === 'blocked') outcomes[i] = { ok: false, error: YOU_BLOCKED() };
    else if (row.status === 'conflict') outcomes[i] = { ok: false, error: CLIENT_ID_TAKEN() };
    else {
      const message: Message = {
        id: row.id!,
        conversationId: s.conversationId,
        seq: Number(row.seq),
        senderId: s.senderId,
        clientId: s.clientId,
        body: row.body ?? s.body,
        kind: 'text',
        event: null,
        createdAt: row.created_at ?? createdAt,
      };
      const quote = quotes.get(i);
      if (quote) message.replyTo = quote;
      if (s.forwarded) message.forwarded = true;
      Object.assign(message, attachmentOf(storedAttachment(media.get(i), s.location)));
      outcomes[i] = { ok: true, message, created: row.status === 'created' };
    }
  }
  // A send given twice in the batch gets its first copy's outcome.
  return { outcomes: slot.map((i, k) => (k === i ? outcomes[i] : duplicateOf(outcomes[i]))), audiences };
}

/** A second copy of a send in the same batch: the same message, not created a second time. */
function duplicateOf(outcome: SendOutcome): SendOutcome {
  return outcome.ok ? { ...outcome, created: false } : outcome;
}
