// The Redis bus: events reach subscribers on this instance at once and other instances through one
// Redis pub/sub channel that every instance subscribes to from its start. What an instance
// publishes in one turn of the event loop leaves as one Redis message; each instance hands on the
// entries for channels it has subscribers for and drops the rest unparsed.
import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import superjson from 'superjson';
import type { BusEvent } from '../../lib/events.ts';
import { stringifyFast } from '../wire-format.ts';
import { type Bus, channelList, type Unsubscribe } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';

const CHANNEL = 'parley:bus';
/** How long a publish waits for a new bus's first connection to Redis before it gives up on it. */
const FIRST_CONNECT_WAIT_MS = 5_000;
/** A batch this large (characters) leaves at once rather than at the end of the turn. */
const MAX_BATCH_CHARS = 256 * 1024;

/**
 * On the wire: the publishing instance's id (36 characters, so it drops its own batches without
 * parsing them: it delivered locally already), then a JSON array of [channels, event] entries, each
 * event as superjson's JSON text (parsed only where someone listens).
 */
const ORIGIN_LENGTH = 36;
type Entry = [channels: readonly string[], event: string];

export class RedisBus implements Bus {
  private readonly origin = randomUUID();
  private readonly local = new MemoryBus();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly gapListeners = new Set<() => void>();
  private wasReady = false;
  private publisherWasReady = false;
  private endFirstWait!: () => void;
  /** Resolves when the publisher first connects (it is made with the bus, often just before a publish), or the bus closes. */
  private readonly publisherFirstReady = new Promise<void>((resolve) => (this.endFirstWait = resolve));
  /** Resolves once Redis confirmed the subscription to the bus channel. */
  private readonly subscribed: Promise<void>;
  private batch: Entry[] = [];
  private batchChars = 0;
  private batchSent: Promise<void> | null = null;
  private endBatch!: () => void;

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
    this.subscribed = this.subscriber.subscribe(CHANNEL).then(
      () => {},
      (err) => this.log.warn({ err: err.message }, 'redis bus subscribe failed'),
    );
    this.subscriber.on('message', (_channel: string, raw: string) => {
      if (raw.startsWith(this.origin)) return;
      let entries: Entry[];
      try {
        entries = JSON.parse(raw.slice(ORIGIN_LENGTH)) as Entry[];
      } catch {
        return this.log.warn('redis bus: unreadable batch dropped');
      }
      for (const [list, text] of entries) {
        if (!list.some((channel) => this.local.hasSubscribers(channel))) continue;
        let event: BusEvent;
        try {
          event = superjson.parse<BusEvent>(text);
        } catch {
          this.log.warn('redis bus: unreadable event dropped');
          continue;
        }
        void this.local.publish(list, event);
      }
    });
  }

  /** Resolves once the event is delivered here and handed to Redis (or its publish failed, logged). */
  async publish(to: string | readonly string[], event: BusEvent): Promise<void> {
    const list = channelList(to);
    if (list.length === 0) return;
    await this.local.publish(list, event);
    const text = stringifyFast(event);
    this.batch.push([list, text]);
    this.batchChars += text.length;
    const sent = (this.batchSent ??= new Promise<void>((resolve) => {
      this.endBatch = resolve;
      setImmediate(() => void this.flush());
    }));
    if (this.batchChars >= MAX_BATCH_CHARS) void this.flush();
    return sent;
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const [entries, done] = [this.batch, this.endBatch];
    this.batch = [];
    this.batchChars = 0;
    this.batchSent = null;
    // Failing fast is for outages, which end in a gap signal on the receiving side. Before the first
    // connection there is none: an event dropped then (an instance's first) would never be resynced.
    if (!this.publisherWasReady) await Promise.race([this.publisherFirstReady, pause(FIRST_CONNECT_WAIT_MS, undefined, { ref: false })]);
    try {
      await this.publisher.publish(CHANNEL, this.origin + JSON.stringify(entries));
    } catch (err) {
      this.log.warn({ err: (err as Error).message, events: entries.length }, 'redis bus publish failed; the healer sends its receivers heads within DELIVERY_HEAL_S');
    } finally {
      done();
    }
  }

  subscribe(channel: string, onEvent: (event: BusEvent) => void): Unsubscribe {
    return this.local.subscribe(channel, onEvent);
  }

  onGap(onGap: () => void): Unsubscribe {
    this.gapListeners.add(onGap);
    return () => this.gapListeners.delete(onGap);
  }

  /** Resolves once both connections are up and Redis confirmed this instance's subscription (made at start). */
  async ready(): Promise<void> {
    await Promise.all([this.subscribed, this.publisherFirstReady]);
  }

  /** Whether Redis answers and this instance is subscribed (readiness). */
  async isHealthy(): Promise<boolean> {
    return this.publisher.ping().then(() => this.subscriber.status === 'ready', () => false);
  }

  /** The Redis client id of the subscriber connection (tests cut it to simulate an outage). */
  async subscriberClientId(): Promise<number> {
    const list = String(await this.publisher.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    const line = list.split('\n').find((l) => l.includes(` name=parley-bus-sub-${this.origin} `));
    return Number(line?.match(/\bid=(\d+)/)?.[1] ?? NaN);
  }

  async close(): Promise<void> {
    this.endFirstWait();
    await this.flush();
    await this.local.close();
    this.gapListeners.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
