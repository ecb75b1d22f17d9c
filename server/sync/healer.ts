// Heals live events lost on the way while the connection stays up: a publish that failed (the
// sending instance's Redis link dropped), a process that died between the commit and the fan-out,
// a fan-out whose member query failed. None of those tell the receiver anything, so every instance
// compares, every few seconds (a third of the bound DELIVERY_HEAL_S, 60 s by default, 5 s at most),
// what its live subscriptions have been sent with what the database committed since the last
// comparison: one query for all of them. A subscription still behind on a conversation at the next
// sweep (an event merely in flight has arrived by then) is sent fresh heads, and its client fetches
// what it lacks. So a committed message reaches every connected member within the bound, and their
// delivered ack (the sender's second tick) follows.
import type { ConversationId, UserId } from '../../lib/schemas.ts';
import { getPool } from '../db/client.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { snowflakeAt } from '../snowflake.ts';

const log = logger.child({ part: 'healer' });

/** What the healer needs of one live subscription. */
export interface Healable {
  /** Heads went out and events flow (false while heads are read). */
  ready(): boolean;
  /** The highest seq of the conversation it has been sent (by an event or the heads), if any. */
  seen(conversationId: ConversationId): number | undefined;
  /** Sends fresh heads. */
  resync(): void;
}

const watched = new Map<UserId, Set<Healable>>();
/** Per subscription, conversations found behind at the last sweep, and the seq they should reach. */
const behind = new Map<Healable, Map<ConversationId, number>>();

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

// For the watched users: each of their conversations with a message since $1 (a Snowflake id, so the
// primary key finds them by time) and the seq they may read up to there.
const RECENT = `
  SELECT m.user_id, r.conversation_id, LEAST(r.last_seq, COALESCE(m.left_seq, r.last_seq)) AS last_seq
  FROM (SELECT conversation_id, max(seq) AS last_seq FROM messages WHERE id > $1::bigint GROUP BY conversation_id) r
  JOIN members m ON m.conversation_id = r.conversation_id
  WHERE m.user_id = ANY($2::uuid[])`;

/**
 * One round: subscriptions still behind since the last round get fresh heads; then what was
 * committed in the last `lookbackMs` is compared with what each has been sent. Returns how many
 * subscriptions were sent heads.
 */
export async function sweep(lookbackMs: number): Promise<number> {
  let healed = 0;
  for (const [live, conversations] of behind) {
    behind.delete(live);
    if (!live.ready()) continue; // heads are being read already
    if ([...conversations].some(([id, seq]) => (live.seen(id) ?? 0) < seq)) {
      live.resync();
      healed++;
    }
  }
  if (watched.size === 0) return healed;
  const { rows } = await getPool().query<{ user_id: string; conversation_id: string; last_seq: string }>(RECENT, [
    snowflakeAt(Date.now() - lookbackMs).toString(),
    [...watched.keys()],
  ]);
  for (const row of rows) {
    const lastSeq = Number(row.last_seq);
    for (const live of watched.get(row.user_id) ?? []) {
      if (!live.ready() || (live.seen(row.conversation_id) ?? 0) >= lastSeq) continue;
      let mine = behind.get(live);
      if (!mine) behind.set(live, (mine = new Map()));
      mine.set(row.conversation_id, lastSeq);
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
 * two periods, with time to spare for the client's fetch.
 */
export function startHealing(boundMs: number): () => void {
  const periodMs = Math.max(1_000, Math.min(5_000, Math.floor(boundMs / 3)));
  const CLOCK_SLACK_MS = 2_000;
  let running = false;
  let lastStart = Date.now();
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    const start = Date.now();
    sweep(start - lastStart + CLOCK_SLACK_MS)
      .then((healed) => {
        lastStart = start; // a failed sweep's window is read again by the next
        if (healed > 0) log.warn({ healed }, 'live events were lost on the way; subscriptions resynced');
      })
      .catch((err: unknown) => log.warn({ err }, 'healing sweep failed; trying again next round'))
      .finally(() => (running = false));
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
