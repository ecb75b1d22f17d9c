// Collects delivered/read watermarks per conversation and sends them in one call per short window.
import type { AckReceiptsInput } from '../schemas.ts';

const FLUSH_DELAY_MS = 300;
const RETRY_DELAY_MS = 3_000;

export class ReceiptBatcher {
  private readonly pending = new Map<string, { deliveredSeq: number; readSeq: number }>();
  private readonly sent = new Map<string, { deliveredSeq: number; readSeq: number }>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (input: AckReceiptsInput) => Promise<unknown>) {}

  delivered(conversationId: string, seq: number): void {
    this.note(conversationId, seq, 0);
  }

  /** Read implies delivered. */
  read(conversationId: string, seq: number): void {
    this.note(conversationId, seq, seq);
  }

  private note(conversationId: string, deliveredSeq: number, readSeq: number, delayMs = FLUSH_DELAY_MS): void {
    if (deliveredSeq <= 0 && readSeq <= 0) return;
    const sent = this.sent.get(conversationId);
    // Watermarks only move forward: an ack at or below what was already sent would change nothing.
    if (sent && deliveredSeq <= sent.deliveredSeq && readSeq <= sent.readSeq) return;
    const prior = this.pending.get(conversationId) ?? { deliveredSeq: 0, readSeq: 0 };
    this.pending.set(conversationId, {
      deliveredSeq: Math.max(prior.deliveredSeq, deliveredSeq),
      readSeq: Math.max(prior.readSeq, readSeq),
    });
    this.timer ??= setTimeout(() => void this.flush(), delayMs);
  }

  async flush(): Promise<void> {
    this.timer = null;
    if (this.pending.size === 0) return;
    const batch = [...this.pending].map(([conversationId, w]) => ({
      conversationId,
      deliveredSeq: w.deliveredSeq || undefined,
      readSeq: w.readSeq || undefined,
    }));
    this.pending.clear();
    try {
      await this.send({ receipts: batch });
      for (const r of batch) {
        const sent = this.sent.get(r.conversationId) ?? { deliveredSeq: 0, readSeq: 0 };
        this.sent.set(r.conversationId, {
          deliveredSeq: Math.max(sent.deliveredSeq, r.deliveredSeq ?? 0, r.readSeq ?? 0),
          readSeq: Math.max(sent.readSeq, r.readSeq ?? 0),
        });
      }
    } catch {
      // Not lost: put back and try again later (the server ignores anything already applied).
      for (const r of batch) this.note(r.conversationId, r.deliveredSeq ?? 0, r.readSeq ?? 0, RETRY_DELAY_MS);
    }
  }
}
