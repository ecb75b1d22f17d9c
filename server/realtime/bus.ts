// The bus: publish/subscribe of live events between the services and the connections, on any instance.
import type { BusEvent } from '../../lib/events.ts';

export type Unsubscribe = () => void;

export interface Bus {
  /**
   * Sends event to everyone subscribed to any of the channels (one channel per recipient: a group
   * message goes to many, serialized once).
   */
  publish(to: string | readonly string[], event: BusEvent): Promise<void>;
  /** Calls onEvent for every event published on channel from now on, until unsubscribed. */
  subscribe(channel: string, onEvent: (event: BusEvent) => void): Unsubscribe;
  /**
   * Calls onGap when events may have been missed (the link to other instances was down). Whoever
   * relies on the bus must then resync from the database; the in-process bus never misses any.
   */
  onGap(onGap: () => void): Unsubscribe;
  /** Resolves once events from other instances reach this one (the instance may say it is ready). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Channel names are made here and nowhere else. */
export const channels = {
  user: (userId: string) => `user:${userId}`,
};

export const channelList = (to: string | readonly string[]): readonly string[] => (typeof to === 'string' ? [to] : to);
