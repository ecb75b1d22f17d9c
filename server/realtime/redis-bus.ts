// The Redis bus: events reach subscribers on this instance at once and other instances through Redis
// pub/sub; a Redis channel is subscribed only while a subscriber here needs it.
import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import superjson from 'superjson';
import type { BusEvent } from '../../lib/events.ts';
import { type Bus, channelList, type Unsubscribe } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';
import { stringifyFast } from '../wire-format.ts';

const PREFIX = 'parley:bus:';
/** How long a publish waits for a new bus's first connection to Redis before it gives up on it. */
const FIRST_CONNECT_WAIT_MS = 5_000;

/**
 * On the wire: the publishing instance's id (36 characters, so it can drop its own echo without
 * parsing: it delivered locally already), then the event as superjson's JSON.
 */
const ORIGIN_LENGTH = 36;

export class RedisBus implements Bus {
  private readonly origin = randomUUID();
  private readonly local = new MemoryBus();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly refs = new Map<string, number>();
  /** The (un)subscribe commands not yet answered by Redis. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly gapListeners = new Set<() => void>();
  private wasReady = false;
  private publisherWasReady = false;
  private endFirstWait!: () => void;
  /** Resolves when the publisher first connects (it is made with the bus, often just before a publish), or the bus closes. */
  private readonly publisherFirstReady = new Promise<void>((resolve) => (this.endFirstWait = resolve));

  constructor(url: string, private readonly log: Logger) {
    // No offline queue for publishing: during an outage an event fails fast instead of piling up;
    // receivers resync from the database when the link is back (see onGap).
    this.publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, connectionName: `parley-bus-sub-${this.origin}` });
    this.publisher.once('ready', () => {
      this.publisherWasReady = true;
      this.endFirstWait();
    });
    for (const [name, client] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      client.on('error', (err) => this.log.warn({ err: err.message, client: name }, 'redis bus connection error'));
    }
    this.subscriber.on('ready', () => {
      // ioredis resubscribes by itself; whatever was published meanwhile is lost to us.
      if (this.wasReady) {
        this.log.warn('redis bus reconnected: telling subscribers to resync');
        for (const l of this.gapListeners) l();
      }
      this.wasReady = true;
    });
    // A group message arrives once per recipient's channel, the same text each time, back to back:
    // it is parsed once.
    let lastRaw = '';
    let lastEvent: BusEvent | undefined;
    this.subscriber.on('message', (redisChannel: string, raw: string) => {
      if (raw.startsWith(this.origin)) return;
      if (raw !== lastRaw) {
        try {
          lastEvent = superjson.parse<BusEvent>(raw.slice(ORIGIN_LENGTH));
          lastRaw = raw;
        } catch {
          return this.log.warn({ redisChannel }, 'redis bus: unreadable message dropped');
        }
      }
      void this.local.publish(redisChannel.slice(PREFIX.length), lastEvent!);
    });
  }

  async publish(to: string | readonly string[], event: BusEvent): Promise<void> {
    const list = channelList(to);
    if (list.length === 0) return;
    await this.local.publish(list, event);
    const payload = this.origin + stringifyFast(event);
    // Failing fast is for outages, which end in a gap signal on the receiving side. Before the first
    // connection there is none: an event dropped then (an instance's first) would never be resynced.
    if (!this.publisherWasReady) await Promise.race([this.publisherFirstReady, pause(FIRST_CONNECT_WAIT_MS, undefined, { ref: false })]);
    try {
      if (list.length === 1) await this.publisher.publish(PREFIX + list[0], payload);
      else {
        const pipeline = this.publisher.pipeline();
        for (const channel of list) pipeline.publish(PREFIX + channel, payload);
        const results = (await pipeline.exec()) ?? [];
        const failed = results.find(([err]) => err);
        if (failed) throw failed[0];
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message, channels: list.length }, 'redis bus publish failed; receivers will resync');
    }
  }

  subscribe(channel: string, onEvent: (event: BusEvent) => void): Unsubscribe {
    const unsubscribeLocal = this.local.subscribe(channel, onEvent);
    const count = (this.refs.get(channel) ?? 0) + 1;
    this.refs.set(channel, count);
    if (count === 1) {
      this.track(this.subscriber.subscribe(PREFIX + channel).catch((err) => this.log.warn({ err: err.message, channel }, 'redis subscribe failed')));
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      unsubscribeLocal();
      const left = (this.refs.get(channel) ?? 1) - 1;
      if (left > 0) return void this.refs.set(channel, left);
      this.refs.delete(channel);
      this.track(this.subscriber.unsubscribe(PREFIX + channel).catch(() => {}));
    };
  }

  onGap(onGap: () => void): Unsubscribe {
    this.gapListeners.add(onGap);
    return () => this.gapListeners.delete(onGap);
  }

  /** Resolves once Redis has answered every (un)subscribe made so far. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Whether Redis answers (readiness). */
  async isHealthy(): Promise<boolean> {
    return this.publisher.ping().then(() => this.subscriber.status === 'ready', () => false);
  }

  /** The Redis client id of the subscriber connection (tests cut it to simulate an outage). */
  async subscriberClientId(): Promise<number> {
    const list = String(await this.publisher.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    const line = list.split('\n').find((l) => l.includes(` name=parley-bus-sub-${this.origin} `));
    return Number(line?.match(/\bid=(\d+)/)?.[1] ?? NaN);
  }

  private track(command: Promise<unknown>): void {
    this.inFlight.add(command);
    void command.finally(() => this.inFlight.delete(command));
  }

  async close(): Promise<void> {
    this.endFirstWait();
    await this.local.close();
    this.gapListeners.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
