// The process's realtime parts (the bus for now), chosen by configuration (REDIS_URL) and shared by every module.
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import type { Bus } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';
import { MemoryPresenceRegistry } from './memory-presence.ts';
import type { PresenceRegistry } from './presence-registry.ts';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { RedisBus } from './redis-bus.ts';
import { RedisPresenceRegistry } from './redis-presence.ts';

export { channels, type Bus } from './bus.ts';
export type { PresenceRegistry } from './presence-registry.ts';

const KEY = Symbol.for('parley.bus');
const PRESENCE_KEY = Symbol.for('parley.presence');
const LIMITER_KEY = Symbol.for('parley.rate-limiter');
type Holder = { [KEY]?: Bus; [PRESENCE_KEY]?: PresenceRegistry; [LIMITER_KEY]?: RateLimiter };

export function getRateLimiter(): RateLimiter {
  const holder = globalThis as Holder;
  return (holder[LIMITER_KEY] ??= env.REDIS_URL ? new RedisRateLimiter(env.REDIS_URL) : new MemoryRateLimiter());
}

export function getBus(): Bus {
  const holder = globalThis as Holder;
  // Several instances share events through Redis; a single instance needs none.
  return (holder[KEY] ??= env.REDIS_URL ? new RedisBus(env.REDIS_URL, logger.child({ part: 'bus' })) : new MemoryBus());
}

export function getPresenceRegistry(): PresenceRegistry {
  const holder = globalThis as Holder;
  return (holder[PRESENCE_KEY] ??= env.REDIS_URL
    ? new RedisPresenceRegistry(env.REDIS_URL, env.PRESENCE_TTL_MS)
    : new MemoryPresenceRegistry(env.PRESENCE_TTL_MS));
}

/** For tests: use this registry (one on a clock of their own, say) instead of the configured one, until closeBus. */
export function setPresenceRegistry(registry: PresenceRegistry): void {
  (globalThis as Holder)[PRESENCE_KEY] = registry;
}

export async function closeBus(): Promise<void> {
  const holder = globalThis as Holder;
  await holder[KEY]?.close();
  await holder[PRESENCE_KEY]?.close();
  await holder[LIMITER_KEY]?.close();
  delete holder[KEY];
  delete holder[PRESENCE_KEY];
  delete holder[LIMITER_KEY];
}
