// The limits that keep one account (or one attacker) from flooding the service, and how they are enforced.
import { env } from './env.ts';
import { AppError } from './errors.ts';
import { getRateLimiter } from './realtime/index.ts';
import { FixedWindows } from './realtime/rate-limiter.ts';

export interface Limit {
  name: string;
  max: number;
  windowMs: number;
  message: string;
}

export const LIMITS = {
  /** Wrong passwords per username: slows guessing to a crawl; the owner waits 15 minutes at worst. */
  failedLogins: { name: 'login', max: 10, windowMs: 15 * 60_000, message: 'Too many failed attempts. Try again in a few minutes.' },
  /** Wrong passwords from one address, whatever the usernames: one password sprayed over many accounts. */
  failedLoginsPerAddress: { name: 'login-addr', max: 100, windowMs: 15 * 60_000, message: 'Too many failed attempts from your network. Try again later.' },
  /** New accounts from one address. */
  registrationsPerAddress: {
    name: 'register-addr',
    max: env.REGISTRATIONS_PER_ADDRESS_PER_HOUR,
    windowMs: 3_600_000,
    message: 'Too many new accounts from your network. Try again later.',
  },
  /**
   * Sends per user and instance: far above any person's pace, below a runaway script's. Counted in
   * the process (the send path waits on nothing but the database), so with N instances a user may
   * send up to N times this.
   */
  sends: { name: 'send', max: env.SEND_RATE_LIMIT_PER_MINUTE, windowMs: 60_000, message: 'You are sending too fast. Wait a moment.' },
} satisfies Record<string, Limit>;

const local = new FixedWindows();

const keyOf = (limit: Limit, subject: string) => `${limit.name}:${subject}`;

/** Counts one event in this process and refuses it (RATE_LIMITED, nothing done) past the limit; never waits. */
export function enforceLocally(limit: Limit, subject: string): void {
  const key = keyOf(limit, subject);
  if (local.hit(key, limit.windowMs) > limit.max) throw new AppError('RATE_LIMITED', limit.message, undefined, local.retryAfterMs(key));
}

/**
 * Counts an attempt before it is made (across instances when Redis is configured) and refuses it
 * (RATE_LIMITED, nothing done) past the limit, so attempts sent in parallel cannot all pass a check
 * made before any of them was counted. For limits on failures, the returned function takes the
 * attempt back (it succeeded, or never ran).
 */
export async function reserve(limit: Limit, subject: string): Promise<() => Promise<void>> {
  const key = keyOf(limit, subject);
  const limiter = getRateLimiter();
  if ((await limiter.hit(key, limit.windowMs)) > limit.max) throw new AppError('RATE_LIMITED', limit.message);
  return () => limiter.release(key);
}

/** reserve() over several limits at once: all pass, or none is counted. */
export async function reserveAll(limits: [Limit, string][]): Promise<() => Promise<void>> {
  const taken: (() => Promise<void>)[] = [];
  try {
    for (const [limit, subject] of limits) taken.push(await reserve(limit, subject));
  } catch (err) {
    await Promise.all(taken.map((takeBack) => takeBack()));
    throw err;
  }
  return async () => void (await Promise.all(taken.map((takeBack) => takeBack())));
}
