// The Redis connection registry: a sorted set per user (connection -> expiry) and one index of all
// connections by expiry, so any instance can sweep the connections of an instance that died.
import { Redis } from 'ioredis';
import type { PresenceRegistry } from './presence-registry.ts';

// Under the client's keyPrefix (parley:presence: unless told otherwise).
const USER = (userId: string) => `user:${userId}`;
const INDEX = 'expiry';

// Atomic per user: add or remove one connection and say whether the user's live count crossed zero.
const CONNECT = `
local live = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return live == 0 and 1 or 0`;
const DISCONNECT = `
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
if removed == 0 then return 0 end
local live = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
if live > 0 then return 0 end
-- Offline now: connections left behind expired (their instance died) go too, or a sweep would
-- report the user offline a second time, with a later last seen.
for _, c in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('ZREM', KEYS[2], ARGV[4] .. '|' .. c) end
redis.call('DEL', KEYS[1])
return 1`;

export class RedisPresenceRegistry implements PresenceRegistry {
  private readonly redis: Redis;

  /** `keyPrefix` sets apart registries that must not see each other (test runs sharing one Redis). */
  constructor(url: string, private readonly ttlMs: number, private readonly now: () => number = Date.now, keyPrefix = 'parley:presence:') {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, keyPrefix });
    this.redis.on('error', () => {}); // readiness reports it; callers see failed commands
  }

  async connect(userId: string, connectionId: string): Promise<boolean> {
    const now = this.now();
    const cameOnline = await this.redis.eval(CONNECT, 2, USER(userId), INDEX, now, now + this.ttlMs, connectionId, `${userId}|${connectionId}`, this.ttlMs * 2);
    return cameOnline === 1;
  }

  async disconnect(userId: string, connectionId: string): Promise<boolean> {
    const wentOffline = await this.redis.eval(DISCONNECT, 2, USER(userId), INDEX, this.now(), connectionId, `${userId}|${connectionId}`, userId);
    return wentOffline === 1;
  }

  async renew(list: { userId: string; connectionId: string }[]): Promise<void> {
    if (list.length === 0) return;
    const expiresAt = this.now() + this.ttlMs;
    const multi = this.redis.multi();
    // Not ZADD XX: a live connection Redis lost (a restart without persistence) is registered again.
    for (const { userId, connectionId } of list) {
      multi.zadd(USER(userId), expiresAt, connectionId);
      multi.zadd(INDEX, expiresAt, `${userId}|${connectionId}`);
      multi.pexpire(USER(userId), this.ttlMs * 2);
    }
    await multi.exec();
  }

  async online(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    const now = this.now();
    for (const id of userIds) pipeline.zcount(USER(id), `(${now}`, '+inf');
    const counts = (await pipeline.exec()) ?? [];
    return new Set(userIds.filter((_, i) => Number(counts[i]?.[1] ?? 0) > 0));
  }

  async sweep(): Promise<string[]> {
    const expired = await this.redis.zrangebyscore(INDEX, '-inf', this.now(), 'LIMIT', 0, 1000);
    const gone = new Set<string>();
    for (const entry of expired) {
      const [userId, connectionId] = entry.split('|');
      // Whichever instance removes the entry first reports the user; the others see 0 and skip it.
      if (await this.disconnect(userId, connectionId)) gone.add(userId);
      else await this.redis.zrem(INDEX, entry);
    }
    return [...gone];
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
