// Rate-limit counters: fixed windows per key, in process or in Redis (shared by every instance).
import { Redis } from 'ioredis';

export interface RateLimiter {
  /** Counts one more event for key and returns the count in the current window. */
  hit(key: string, windowMs: number): Promise<number>;
  /** The count in the current window, without counting. */
  peek(key: string): Promise<number>;
  /** Takes one hit back (within the current window; never below 0). */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Fixed-window counters in this process, synchronous: for limits checked on the request path. */
export class FixedWindows {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one more event for key and returns the count in the current window. */
  hit(key: string, windowMs: number): number {
    const current = this.current(key);
    if (current) return ++current.count;
    if (this.windows.size > 100_000) this.prune();
    this.windows.set(key, { count: 1, resetAt: this.now() + windowMs });
    return 1;
  }

  peek(key: string): number {
    return this.current(key)?.count ?? 0;
  }

  release(key: string): void {
    const current = this.current(key);
    if (current && current.count > 0) current.count--;
  }

  /** Until key's window ends, ms (0 when it has none). */
  retryAfterMs(key: string): number {
    const w = this.current(key);
    return w ? w.resetAt - this.now() : 0;
  }

  clear(): void {
    this.windows.clear();
  }

  private current(key: string) {
    const w = this.windows.get(key);
    return w && w.resetAt > this.now() ? w : undefined;
  }

  private prune(): void {
    for (const [key, w] of this.windows) if (w.resetAt <= this.now()) this.windows.delete(key);
  }
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows: FixedWindows;

  constructor(now: () => number = Date.now) {
    this.windows = new FixedWindows(now);
  }

  async hit(key: string, windowMs: number): Promise<number> {
    return this.windows.hit(key, windowMs);
  }

  async peek(key: string): Promise<number> {
    return this.windows.peek(key);
  }

  async release(key: string): Promise<void> {
    this.windows.release(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}

const RELEASE = "if redis.call('get', KEYS[1]) and tonumber(redis.call('get', KEYS[1])) > 0 then return redis.call('decr', KEYS[1]) end return 0";

/**
 * Counters in Redis, shared by every instance. Nothing waits on an unreachable or silent Redis: a
 * command is not queued while the link is down and times out after COMMAND_TIMEOUT_MS, and meanwhile
 * this instance counts in its own memory (the limit then holds per instance, not across them).
 */
const COMMAND_TIMEOUT_MS = 500;

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly local = new FixedWindows();

  constructor(url: string, keyPrefix = 'parley:rate:') {
    this.redis = new Redis(url, { keyPrefix, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS });
    this.redis.on('error', () => {}); // reconnects by itself; the local counters stand in meanwhile
  }

  async hit(key: string, windowMs: number): Promise<number> {
    try {
      const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').exec()) as [[null, number]];
      return count;
    } catch {
      return this.local.hit(key, windowMs);
    }
  }

  async peek(key: string): Promise<number> {
    try {
      return Number((await this.redis.get(key)) ?? 0);
    } catch {
      return this.local.peek(key);
    }
  }

  async release(key: string): Promise<void> {
    // Only within a window that still exists: a DECR on a missing key would start one at -1.
    await this.redis.eval(RELEASE, 1, key).catch(() => this.local.release(key));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
