// Collects delivered/read watermarks per conversation and sends them in as few calls as the API allows,
// one round per short window. A call the server refuses outright is split so the entries it can take
// still go; an entry refused on its own is dropped (retrying it cannot succeed). A call that failed on
// the way (offline, server trouble) is tried again with backoff.
import { isRefusal, retryHintMs } from '../api-errors.ts';
import { backoffMs } from '../backoff.ts';
import { RECEIPTS_PER_CALL } from '../limits.ts';
import type { AckReceiptsInput } from '../schemas.ts';

const FLUSH_DELAY_MS = 300;

type Receipt = AckReceiptsInput['receipts'][number];

export class ReceiptBatcher {
  private readonly pending = new Map<string, { deliveredSeq: number; readSeq: number }>();
  private readonly sent = new Map<string, { deliveredSeq: number; readSeq: number }>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private closed = false;

  constructor(private readonly send: (input: AckReceiptsInput) => Promise<unknown>) {}

  delivered(conversationId: string, seq: number): void {
    this.note(conversationId, seq, 0);
  }

  /** Read implies delivered. */
  read(conversationId: string, seq: number): void {
    this.note(conversationId, seq, seq);
  }

  /** Stops for good: nothing pending goes out, nothing new is taken (the client closed). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  private note(conversationId: string, deliveredSeq: number, readSeq: number, delayMs = FLUSH_DELAY_MS): void {
    if (this.closed || (deliveredSeq <= 0 && readSeq <= 0)) return;
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

  /** Sends everything pending now; resolves when every call of this round has answered. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const receipts: Receipt[] = [...this.pending].map(([conversationId, w]) => ({
      conversationId,
      deliveredSeq: w.deliveredSeq || undefined,
      readSeq: w.readSeq || undefined,
    }));
    this.pending.clear();
    const calls: Promise<void>[] = [];
    for (let i = 0; i < receipts.length; i += RECEIPTS_PER_CALL) calls.push(this.sendCall(receipts.slice(i, i + RECEIPTS_PER_CALL)));
    await Promise.all(calls);
  }

  private async sendCall(receipts: Receipt[]): Promise<void> {
    try {
      await this.send({ receipts });
    } catch (err) {
      if (isRefusal(err)) {
        // Something in it can never be acknowledged (a conversation gone, a malformed entry): the rest can.
        if (receipts.length > 1) await Promise.all(receipts.map((r) => this.sendCall([r])));
        return;
      }
      // Not lost: put back and try again later (the server ignores anything already applied).
      const delayMs = Math.max(retryHintMs(err), backoffMs(this.failures++));
      for (const r of receipts) this.note(r.conversationId, r.deliveredSeq ?? 0, r.readSeq ?? 0, delayMs);
      return;
    }
    this.failures = 0;
    for (const r of receipts) {
      const sent = this.sent.get(r.conversationId) ?? { deliveredSeq: 0, readSeq: 0 };
      this.sent.set(r.conversationId, {
        deliveredSeq: Math.max(sent.deliveredSeq, r.deliveredSeq ?? 0, r.readSeq ?? 0),
        readSeq: Math.max(sent.readSeq, r.readSeq ?? 0),
      });
    }
  }
}
