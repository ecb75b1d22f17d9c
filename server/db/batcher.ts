// Group commit for the hot paths (sends, receipts): one write at a time for the whole process; the
// items that arrive while it runs go out together in the next one, in arrival order.
import { AppError } from '../errors.ts';

export interface BatcherLimits {
  /** Most items in one write: keeps one statement (and its locks) short. */
  maxBatch: number;
  /** Most items waiting for a write; past it they are refused at once (retryable). */
  maxQueued: number;
  /** The retry hint given with a refusal, ms. */
  retryAfterMs: number;
  /**
   * After a write, fewer than `lingerBelow` items waiting wait up to `lingerMs` for company: under
   * steady load every write costs a commit (the database's CPU per commit dwarfs its CPU per row).
   */
  lingerMs: number;
  lingerBelow: number;
}

const DEFAULT_LIMITS: BatcherLimits = {
  maxBatch: 1_000,
  maxQueued: 2_000,
  retryAfterMs: 1_000,
  // bench/capacity.ts: 2 ms of lingering took core use at 1,000/s from 89 to 67 % and p99 from 49 to
  // 31 ms (a commit costs this machine ~1 ms of CPU, a row ~0.05 ms); 5 ms (2026-12-07) took it from
  // 51 to 36 %, core per message at 4,000/s from 0.17 to 0.15 ms and two instances' at 2,000/s from
  // 0.46 to 0.31 ms, for 3-5 ms more p50 under load (none when idle: an idle batcher writes at once).
  lingerMs: 5,
  lingerBelow: 32,
};

/** What a write returns: one outcome per item, in order, and whatever else its caller needs. */
export interface Written<R> {
  outcomes: R[];
}

interface Job<T, R> {
  item: T;
  resolve: (outcome: R) => void;
  reject: (err: unknown) => void;
}

/** An error that says nothing about any one item: the database or the link to it failed. */
function isWholeBatchFailure(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  // SQLSTATE classes 22 (data), 23 (constraints) and 40 (deadlock, serialization) can come from one
  // item (or its race with another instance); anything else fails every item alike.
  return !(typeof code === 'string' && /^(22|23|40)/.test(code));
}

/**
 * Items wait here from the moment they arrive (no await before `submit`), so one connection's
 * pipelined sends keep their order. An idle batcher writes at the next turn of the event loop
 * (items that arrived together go together); a busy one writes everything queued as soon as the
 * current write is done. One item's database error is that item's alone: the batch is retried
 * once, then split in halves until the culprit is alone.
 */
export class Batcher<T, R, W extends Written<R>> {
  private queue: Job<T, R>[] = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;
  private lingering: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly write: (items: T[]) => Promise<W>,
    private readonly afterWrite: (written: W) => void,
    private readonly limits: BatcherLimits = DEFAULT_LIMITS,
  ) {}

  /**
   * Queues an item; refuses it at once when too many are waiting (TOO_MANY_REQUESTS) or the batcher
   * is closed (SERVICE_UNAVAILABLE: this instance is stopping, another will take it). Both retryable.
   */
  submit(item: T): Promise<R> {
    if (this.closed) {
      return Promise.reject(new AppError('UNAVAILABLE', 'This server is restarting. Try again in a moment.', undefined, this.limits.retryAfterMs));
    }
    if (this.queue.length >= this.limits.maxQueued) {
      return Promise.reject(new AppError('RATE_LIMITED', 'The server is busy. Try again in a moment.', undefined, this.limits.retryAfterMs));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.lingering && this.queue.length >= this.limits.lingerBelow) {
        clearTimeout(this.lingering);
        this.lingering = null;
        this.flush();
      } else this.schedule();
    });
  }

  /** Refuses new items from now on and resolves once the accepted ones are written (graceful shutdown). */
  close(): Promise<void> {
    this.closed = true;
    return this.idle();
  }

  /** Resolves once every item submitted so far is written. */
  async idle(): Promise<void> {
    while (this.writing || this.queue.length > 0 || this.scheduled) await (this.writing ?? new Promise((r) => setTimeout(r, 1)));
  }

  private schedule(): void {
    if (this.writing || this.scheduled || this.lingering) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue.slice(0, this.limits.maxBatch);
    this.queue = this.queue.slice(batch.length);
    this.writing = this.writeBatch(batch).finally(() => {
      this.writing = null;
      if (this.queue.length === 0 || this.queue.length >= this.limits.lingerBelow || this.limits.lingerMs === 0) return this.flush();
      this.lingering = setTimeout(() => {
        this.lingering = null;
        this.flush();
      }, this.limits.lingerMs);
    });
  }

  private async writeBatch(batch: Job<T, R>[], retried = false): Promise<void> {
    let written: W;
    try {
      written = await this.write(batch.map((j) => j.item));
    } catch (err) {
      if (isWholeBatchFailure(err)) return batch.forEach((job) => job.reject(err));
      if (!retried) return this.writeBatch(batch, true);
      if (batch.length === 1) return batch[0].reject(err);
      // In order: the first half's items keep their places (seqs) ahead of the second half's.
      const half = Math.ceil(batch.length / 2);
      await this.writeBatch(batch.slice(0, half), true);
      await this.writeBatch(batch.slice(half), true);
      return;
    }
    // Published before the outcomes resolve: a sender's other devices hear of a message no later than its ack.
    this.afterWrite(written);
    batch.forEach((job, i) => job.resolve(written.outcomes[i]));
  }
}
