// The in-process bus: the same contract as the Redis one, for a single instance with no REDIS_URL.
import type { BusEvent } from '../../lib/events.ts';
import { logger } from '../logger.ts';
import { type Bus, channelList, type Unsubscribe } from './bus.ts';

const log = logger.child({ part: 'memory-bus' });

export class MemoryBus implements Bus {
  private readonly handlers = new Map<string, Set<(event: BusEvent) => void>>();

  async publish(to: string | readonly string[], event: BusEvent): Promise<void> {
    const handlers: ((event: BusEvent) => void)[] = [];
    for (const channel of channelList(to)) {
      const set = this.handlers.get(channel);
      if (set) for (const handler of set) handlers.push(handler);
    }
    if (handlers.length === 0) return;
    // After the publisher's own work, as over a network; one subscriber's failure must not stop the
    // others (or crash the process).
    queueMicrotask(() => {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch (err) {
          log.error({ err }, 'bus subscriber failed');
        }
      }
    });
  }

  subscribe(channel: string, onEvent: (event: BusEvent) => void): Unsubscribe {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(onEvent);
    return () => {
      set.delete(onEvent);
      if (set.size === 0 && this.handlers.get(channel) === set) this.handlers.delete(channel);
    };
  }

  onGap(_onGap: () => void): Unsubscribe {
    return () => {}; // nothing between publisher and subscriber can fail
  }

  async ready(): Promise<void> {}

  /** Whether anyone here listens on channel. */
  hasSubscribers(channel: string): boolean {
    return this.handlers.has(channel);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
