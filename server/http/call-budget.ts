// What one account (before login: one address) may ask of an instance: a bucket of call units that
// refills at CALLS_PER_SECOND_PER_USER (200) and holds five seconds' worth (a bot pipelining 800 sends
// at once fits), shared by its HTTP requests and all its sockets. A call costs 1 unit, a page of the
// inbox or of search results 25 (each reads up to 200 conversations, or words over every chat of the
// caller: bench/inbox.ts, bench/search.ts, up to tens of milliseconds), anything that checks or hashes
// a password 100 (argon2 takes a core for tens of milliseconds). Past it, a socket's calls are refused with
// TOO_MANY_REQUESTS and when to retry, and the socket is not read until the bucket has refilled; an
// HTTP call waits for its units. Either way a flood costs the server little more than the calls it
// is allowed, and other people keep their share of the core (bench/abuse.ts).
import { setTimeout as pause } from 'node:timers/promises';
import { env } from '../env.ts';
import { AppError } from '../errors.ts';

/** A password check or hash: the next-auth sign-in spends it too (auth/next-auth.ts). */
export const PASSWORD_COST = 100;
/** Units per call, by procedure (1 unless named). */
const COSTS: Record<string, number> = {
  'conversations.list': 25,
  'messages.search': 25,
  'messages.list': 2,
  'users.search': 2,
  'users.profile': 2,
  'auth.register': PASSWORD_COST,
  'auth.createToken': PASSWORD_COST,
  'auth.changePassword': PASSWORD_COST,
  'auth.resetPassword': PASSWORD_COST,
  'auth.deleteAccount': PASSWORD_COST,
};
export const costOf = (path: string) => COSTS[path] ?? 1;

/** The bucket holds this many seconds' worth. */
export const CALL_BURST_SECONDS = 5;
const MAX_BUCKETS = 100_000;

export class CallBudget {
  private readonly buckets = new Map<string, { units: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst = perSecond * CALL_BURST_SECONDS,
  ) {}

  /** Takes `cost` units from `who`'s bucket: 0 when it had them, else ms until it will (nothing taken). */
  take(who: string, cost: number, now = Date.now()): number {
    let bucket = this.buckets.get(who);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.forgetFull(now);
      this.buckets.set(who, (bucket = { units: this.burst, at: now }));
    } else {
      bucket.units = Math.min(this.burst, bucket.units + ((now - bucket.at) * this.perSecond) / 1000);
      bucket.at = now;
    }
    if (bucket.units >= cost) {
      bucket.units -= cost;
      return 0;
    }
    // Rounded up to 100 ms steps: a refusal's written form is then reused (live-socket.ts) rather than made anew.
    return Math.ceil(((cost - bucket.units) * 1000) / this.perSecond / 100) * 100;
  }

  /** Drops the buckets that have refilled (a full bucket is the same as none). */
  private forgetFull(now: number): void {
    for (const [who, b] of this.buckets) if (b.units + ((now - b.at) * this.perSecond) / 1000 >= this.burst) this.buckets.delete(who);
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}

// The process's, shared with the copy of this module in Next's bundle (its sign-in route); a server
// may be given another (createParleyServer's options).
const KEY = Symbol.for('parley.call-budget');
export const callBudget: CallBudget = ((globalThis as { [KEY]?: CallBudget })[KEY] ??= new CallBudget(env.CALLS_PER_SECOND_PER_USER));

/** Whose bucket a call draws from: the user's, or before login the address's. */
export const budgetKey = (userId: string | null, clientAddress: string | null) => (userId ? `u:${userId}` : `a:${clientAddress ?? 'unknown'}`);

export const overBudget = (retryAfterMs: number) =>
  new AppError('RATE_LIMITED', 'Too many requests. Try again in a moment.', undefined, retryAfterMs);

/** How long an HTTP call over budget is held before it is refused. */
export const HTTP_BUDGET_WAIT_MS = 10_000;

/**
 * Spends a call's units. Over budget, an HTTP call is held until they have refilled (up to
 * HTTP_BUDGET_WAIT_MS, then refused with RATE_LIMITED): a client that floods then waits on its own
 * requests, each costing the server a timer rather than the parsing and refusing of a new one.
 */
export async function spend(budget: CallBudget, who: string, cost: number): Promise<void> {
  const start = Date.now();
  for (;;) {
    const wait = budget.take(who, cost);
    if (wait === 0) return;
    if (Date.now() - start + wait > HTTP_BUDGET_WAIT_MS) throw overBudget(wait);
    await pause(wait);
  }
}
