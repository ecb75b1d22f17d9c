// The process's realtime parts (the bus for now), chosen by configuration (REDIS_URL) and shared by every module.
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import type { Bus } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';
import { RedisBus } from './redis-bus.ts';

export { channels, type Bus } from './bus.ts';

const KEY = Symbol.for('parley.bus');
type Holder = { [KEY]?: Bus };

export function getBus(): Bus {
  const holder = globalThis as Holder;
  // Several instances share events through Redis; a single instance needs none.
  return (holder[KEY] ??= env.REDIS_URL ? new RedisBus(env.REDIS_URL, logger.child({ part: 'bus' })) : new MemoryBus());
}

export async function closeBus(): Promise<void> {
  const holder = globalThis as Holder;
  await holder[KEY]?.close();
  delete holder[KEY];
}
