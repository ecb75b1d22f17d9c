// Group commit for sends: one write at a time for the whole process; the sends that arrive while it
// runs go out together in the next one, across conversations, in arrival order.
import { AppError } from '../errors.ts';
import type { Send, SendOutcome, WrittenSends } from './write.ts';

export interface BatcherLimits {
  /** Most sends in one write: keeps one statement (and its locks) short. */
  maxBatch: number;
  /** Most sends waiting for a write; past it sends are refused at once (retryable). */
  maxQueued: number;
  /** The retry hint given with a refusal, ms. */
  retryAfterMs: number;
}

export const DEFAULT_LIMITS: BatcherLimits = { maxBatch: 1_000, maxQueued: 2_000, retryAfterMs: 1_000 };

interface Job {
  send: Send;
  resolve: (outcome: SendOutcome) => void;
  reject: (err: unknown) => void;
}

/** An error that says nothing about any one send: the database or the link to it failed. */
function isWholeBatchFailure(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  // SQLSTATE classes 22 (data), 23 (constraints) and 40 (deadlock, serialization) can come from one
  // send (or a race of one send with another instance); anything else fails every send alike.
  return !(typeof code === 'string' && /^(22|23|40)/.test(code));
}

/**
 * Sends wait here from the moment they arrive (no await before `submit`), so one connection's
 * pipelined sends keep their order. An idle batcher writes at the next turn of the event loop
 * (sends that arrived together go together); a busy one writes everything queued as soon as the
 * current write is done. One send's database error is that send's alone: the batch is retried
 * once, then split in halves until the culprit is alone.
 */
export class SendBatcher {
  private queue: Job[] = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;

  constructor(
    private readonly write: (sends: Send[]) => Promise<WrittenSends>,
    private readonly afterWrite: (written: WrittenSends) => void,
    private readonly limits: BatcherLimits = DEFAULT_LIMITS,
  ) {}

  /** Queues a send; refuses it at once (TOO_MANY_REQUESTS) when too many are waiting. */
  submit(send: Send): Promise<SendOutcome> {
    if (this.queue.length >= this.limits.maxQueued) {
      return Promise.reject(new AppError('RATE_LIMITED', 'The server is busy. Try again in a moment.', undefined, this.limits.retryAfterMs));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ send, resolve, reject });
      this.schedule();
    });
  }

  /** How many sends wait for a write (metrics). */
  get queued(): number {
    return this.queue.length;
  }

  /** Resolves once every send submitted so far is written (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.writing || this.queue.length > 0 || this.scheduled) await (this.writing ?? new Promise((r) => setImmediate(r)));
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
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
      this.flush();
    });
  }

  private async writeBatch(batch: Job[], retried = false): Promise<void> {
    let written: WrittenSends;
    try {
      written = await this.write(batch.map((j) => j.send));
    } catch (err) {
      if (isWholeBatchFailure(err)) return batch.forEach((job) => job.reject(err));
      if (!retried) return this.writeBatch(batch, true);
      if (batch.length === 1) return batch[0].reject(err);
      // In order: the first half's sends keep their seqs ahead of the second half's.
      const half = Math.ceil(batch.length / 2);
      await this.writeBatch(batch.slice(0, half), true);
      await this.writeBatch(batch.slice(half), true);
      return;
    }
    // Published before the acks: a sender's other devices never hear of an ack before its event.
    this.afterWrite(written);
    batch.forEach((job, i) => job.resolve(written.outcomes[i]));
  }
}
