// Work that must run one at a time per key (a conversation), in the order it was queued, off the caller's path.
import type { Logger } from 'pino';

export class SerialQueues<K> {
  private readonly chains = new Map<K, Promise<void>>();

  /** `what` names the work in the log when it fails; a failure does not stop the work queued after it. */
  constructor(private readonly log: Logger, private readonly what: string) {}

  run(key: K, work: () => Promise<void>): void {
    const prior = this.chains.get(key) ?? Promise.resolve();
    const next = prior
      .then(work)
      .catch((err) => this.log.warn({ err, key }, `${this.what} failed`))
      .finally(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    this.chains.set(key, next);
  }

  /** Whether work for key is queued or running (work for it now would have to wait its turn). */
  busy(key: K): boolean {
    return this.chains.has(key);
  }

  /** Resolves when everything queued so far is done (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }
}
