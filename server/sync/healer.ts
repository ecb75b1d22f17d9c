// Heals live events lost on the way while the connection stays up: a publish that failed (the
// sending instance's Redis link dropped), a process that died between the commit and the fan-out,
// a fan-out whose member query failed. None of those tell the receiver anything, so every instance
// compares, every few seconds (a third of the bound DELIVERY_HEAL_S, 60 s by default, 5 s at most),
// what its live subscriptions have been sent with what the database committed since the last
// comparison, messages and receipts alike: one query for all of them. A subscription still behind
// on a conversation at the next sweep (an event merely in flight has arrived by then) is sent fresh
// heads, and its client fetches what it lacks. So a committed message reaches every connected member
// within the bound, their delivered ack follows, and the sender's ticks (a lost receipt event) catch
// up the same way. The same sweeps send the web pushes that such a fan-out never queued
// (push/service.ts, healMissedPushes).
import type { ConversationHead, ConversationId, UserId } from '../../lib/schemas.ts';
import { AGGREGATE_WATERMARKS, HEAD_COLUMNS, toHead, type HeadRow } from '../conversations/service.ts';
import { getPool } from '../db/client.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { healMissedPushes } from '../push/service.ts';
import { snowflakeAt } from '../snowflake.ts';

const log = logger.child({ part: 'healer' });

/** Where a conversation stands, as a subscription was told (by events and heads) or as committed. */
export type Standing = Omit<ConversationHead, 'id'>;
const FIELDS = ['lastSeq', 'deliveredSeq', 'readSeq', 'allDeliveredSeq', 'allReadSeq'] as const;
const isBehind = (told: Partial<Standing> | undefined, committed: Standing) => FIELDS.some((f) => (told?.[f] ?? 0) < committed[f]);

/** What the healer needs of one live subscription. */
export interface Healable {
  /** Heads went out and events flow (false while heads are read). */
  ready(): boolean;
  /**
   * The most it has been sent of the conversation (by events or the heads): its highest seq, the
   * member's own watermarks and every member's; a field it was never sent is missing.
   */
  told(conversationId: ConversationId): Partial<Standing> | undefined;
  /** Sends fresh heads. */
  resync(): void;
}

const watched = new Map<UserId, Set<Healable>>();
/** Per subscription, conversations found behind at the last sweep, and where they should stand. */
const behind = new Map<Healable, Map<ConversationId, Standing>>();

/** Puts a subscription under the healer's eye until the returned function is called. */
export function watch(userId: UserId, live: Healable): () => void {
  let mine = watched.get(userId);
  if (!mine) watched.set(userId, (mine = new Set()));
  mine.add(live);
  return () => {
    mine.delete(live);
    if (mine.size === 0 && watched.get(userId) === mine) watched.delete(userId);
    behind.delete(live);
  };
}

// For the watched users: the head of each of their conversations with a message since $1 (a Snowflake
// id, so the primary key finds them by time) or a receipt since $3, as the heads event gives it. A
// former member hears no receipts of others, so theirs are not compared.
const RECENT = `
  SELECT m.user_id, m.left_seq IS NOT NULL AS former, ${HEAD_COLUMNS}
  FROM (SELECT conversation_id FROM messages WHERE id > $1::bigint
        UNION SELECT conversation_id FROM receipt_marks WHERE at > $3) r
  JOIN conversations c ON c.id = r.conversation_id
  JOIN members m ON m.conversation_id = c.id
  ${AGGREGATE_WATERMARKS}
  WHERE m.user_id = ANY($2::uuid[])`;

/**
 * One round: subscriptions still behind since the last round get fresh heads; then what was
 * committed in the last `lookbackMs` (messages and receipts) is compared with what each has been
 * sent. Returns how many subscriptions were sent heads.
 */
export async function sweep(lookbackMs: number): Promise<number> {
  let healed = 0;
  for (const [live, conversations] of behind) {
    behind.delete(live);
    if (!live.ready()) continue; // heads are being read already
    if ([...conversations].some(([id, committed]) => isBehind(live.told(id), committed))) {
      live.resync();
      healed++;
    }
  }
  if (watched.size === 0) return healed;
  const since = Date.now() - lookbackMs;
  const { rows } = await getPool().query<HeadRow & { user_id: string; former: boolean }>(RECENT, [
    snowflakeAt(since).toString(),
    [...watched.keys()],
    new Date(since),
  ]);
  for (const row of rows) {
    const { id, ...committed } = toHead(row);
    if (row.former) committed.allDeliveredSeq = committed.allReadSeq = 0;
    for (const live of watched.get(row.user_id) ?? []) {
      if (!live.ready() || !isBehind(live.told(id), committed)) continue;
      let mine = behind.get(live);
      if (!mine) behind.set(live, (mine = new Map()));
      mine.set(id, committed);
    }
  }
  metrics.deliveriesHealed.inc(healed);
  return healed;
}

/**
 * Sweeps until stopped, every third of `boundMs` but at least every 5 s (each sweep then reads only a
 * few seconds of messages: a short query rather than a long one that delays sends). Each reads what
 * was committed since the previous one began (2 s more, for other instances' clocks a little behind):
 * an event lost at any moment is found behind at the next sweep and healed at the one after, within
 * two periods, with time to spare for the client's fetch. Pushes whose round never ran are looked for
 * one period later (the regular round goes first) over the same span; the first sweep after start
 * looks back the whole bound, so a lone instance that crashed and came back still sends them.
 */
export function startHealing(boundMs: number): () => void {
  const periodMs = Math.max(1_000, Math.min(5_000, Math.floor(boundMs / 3)));
  const CLOCK_SLACK_MS = 2_000;
  let running = false;
  let lastStart = Date.now() - boundMs;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    const start = Date.now();
    const lookbackMs = start - lastStart + CLOCK_SLACK_MS;
    sweep(lookbackMs)
      .then(async (healed) => {
        if (healed > 0) log.warn({ healed }, 'live events were lost on the way; subscriptions resynced');
        const pushed = await healMissedPushes(lookbackMs + periodMs, periodMs);
        if (pushed > 0) log.warn({ pushed }, 'pushes whose round never ran were sent');
        lastStart = start; // a failed sweep's window is read again by the next
      })
      .catch((err: unknown) => log.warn({ err }, 'healing sweep failed; trying again next round'))
      .finally(() => (running = false));
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
