// Turns bus subscriptions into an async iterable for a subscription generator, listening from the moment it is made.
import type { BusEvent } from '../../lib/events.ts';
import type { Bus } from './bus.ts';

// A connection that does not read this many events is too slow to keep; it will resync on reconnect.
const MAX_BUFFERED = 10_000;

/** Yielded when the bus may have missed events: the reader must resync from the database. */
export const RESYNC = Symbol('resync');

export function openEventStream(
  bus: Bus,
  channelNames: string[],
  signal: AbortSignal | undefined,
): AsyncIterable<BusEvent | typeof RESYNC> {
  const buffer: (BusEvent | typeof RESYNC)[] = [];
  let wake: (() => void) | null = null;
  let overflowed = false;
  const onEvent = (event: BusEvent) => {
    if (buffer.length >= MAX_BUFFERED) overflowed = true;
    else buffer.push(event);
    wake?.();
  };
  // Subscribe now, before the caller reads any backlog, so nothing committed meanwhile is missed.
  const unsubscribes = channelNames.map((c) => bus.subscribe(c, onEvent));
  unsubscribes.push(
    bus.onGap(() => {
      if (buffer.at(-1) !== RESYNC) buffer.push(RESYNC);
      wake?.();
    }),
  );
  const stop = () => {
    unsubscribes.forEach((u) => u());
    wake?.();
  };
  signal?.addEventListener('abort', stop, { once: true });

  return {
    async *[Symbol.asyncIterator]() {
      try {
        while (!signal?.aborted) {
          if (overflowed) throw new Error('Event stream overflowed');
          const event = buffer.shift();
          if (event !== undefined) {
            yield event;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        stop();
        signal?.removeEventListener('abort', stop);
      }
    },
  };
}
