// The process's realtime parts (the bus for now), chosen by configuration and shared by every module.
import type { Bus } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';

export { channels, type Bus } from './bus.ts';

const KEY = Symbol.for('parley.bus');
type Holder = { [KEY]?: Bus };

export function getBus(): Bus {
  const holder = globalThis as Holder;
  // REDIS_URL selects the Redis bus once it exists (scale-out); one instance needs only this one.
  return (holder[KEY] ??= new MemoryBus());
}

export async function closeBus(): Promise<void> {
  const holder = globalThis as Holder;
  await holder[KEY]?.close();
  delete holder[KEY];
}
