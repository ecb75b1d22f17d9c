// Per-conversation send lanes: sends to one conversation are written one batch at a time, in arrival order.
import type { SendOutcome, Send } from './write.ts';

// Upper bound of one batch: keeps a transaction short when a burst arrives.
const MAX_BATCH = 256;

interface Job {
  send: Send;
  resolve: (outcome: SendOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * With a connection pool, two quick sends of one conversation could take the row lock in either
 * order. A lane per conversation keeps arrival order, and sends that queue while a write is in
 * flight go out together in the next write (group commit).
 */
export class SendLanes {
  private readonly lanes = new Map<string, Job[]>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly write: (sends: Send[]) => Promise<SendOutcome[]>,
    private readonly afterWrite: (outcomes: SendOutcome[]) => void,
  ) {}

  submit(send: Send): Promise<SendOutcome> {
    return new Promise((resolve, reject) => {
      const lane = this.lanes.get(send.conversationId);
      const job = { send, resolve, reject };
      if (lane) {
        lane.push(job);
        return;
      }
      this.lanes.set(send.conversationId, [job]);
      const run = this.drain(send.conversationId).finally(() => this.running.delete(run));
      this.running.add(run);
    });
  }

  /** Resolves when every send submitted so far is written (for graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async drain(conversationId: string): Promise<void> {
    const lane = this.lanes.get(conversationId)!;
    try {
      while (lane.length > 0) {
        const batch = lane.slice(0, MAX_BATCH);
        try {
          const outcomes = await this.write(batch.map((j) => j.send));
          // Publish before acking and before the next batch, so events leave in sequence order.
          this.afterWrite(outcomes);
          batch.forEach((job, i) => job.resolve(outcomes[i]));
        } catch (err) {
          batch.forEach((job) => job.reject(err));
        }
        lane.splice(0, batch.length);
      }
    } finally {
      this.lanes.delete(conversationId);
    }
  }
}
