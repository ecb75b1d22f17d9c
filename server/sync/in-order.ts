// Puts each conversation's messages back in seq order for one subscriber. With several instances,
// two members of a conversation writing on different instances publish through different Redis
// links, and their events can cross on the way (seq 6 arriving before 5); without this each crossing
// costs the client a gap fetch. A missing seq is waited for briefly, then the rest goes on (the
// client fetches whatever never came).
import type { BusEvent, MessageNewEvent } from '../../lib/events.ts';
import type { ConversationHead } from '../../lib/schemas.ts';

const MAX_WAIT_MS = 250;

export class InOrder {
  private readonly last = new Map<string, number>();
  private readonly waiting = new Map<string, { events: MessageNewEvent[]; timer: NodeJS.Timeout }>();

  constructor(
    private readonly emit: (event: BusEvent) => void,
    private readonly maxWaitMs = MAX_WAIT_MS,
  ) {}

  /** Where each conversation stands for the subscriber (from the heads it was just sent). */
  reset(heads: ConversationHead[]): void {
    for (const head of heads) {
      this.last.set(head.id, Math.max(head.lastSeq, this.last.get(head.id) ?? 0));
      this.release(head.id);
    }
  }

  /** The highest seq of the conversation sent on (or known from the heads), if any. */
  seen(conversationId: string): number | undefined {
    return this.last.get(conversationId);
  }

  push(event: BusEvent): void {
    if (event.type !== 'message.new') return this.emit(event);
    const { conversationId, seq } = event.message;
    const last = this.last.get(conversationId);
    if (last === undefined || seq <= last + 1) {
      this.emit(event);
      if (last === undefined || seq > last) this.last.set(conversationId, seq);
      this.release(conversationId);
      return;
    }
    let waiting = this.waiting.get(conversationId);
    if (!waiting) {
      waiting = { events: [], timer: setTimeout(() => this.giveUp(conversationId), this.maxWaitMs) };
      this.waiting.set(conversationId, waiting);
    }
    waiting.events.push(event);
    waiting.events.sort((a, b) => a.message.seq - b.message.seq);
  }

  close(): void {
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
  }

  /** Emits what waited for conversationId and is now next in line. */
  private release(conversationId: string): void {
    const waiting = this.waiting.get(conversationId);
    if (!waiting) return;
    let last = this.last.get(conversationId) ?? 0;
    while (waiting.events.length > 0 && waiting.events[0].message.seq <= last + 1) {
      const event = waiting.events.shift()!;
      this.emit(event);
      last = Math.max(last, event.message.seq);
    }
    this.last.set(conversationId, last);
    if (waiting.events.length === 0) {
      clearTimeout(waiting.timer);
      this.waiting.delete(conversationId);
    }
  }

  /** The missing seq did not come: what waited goes on in order, and the client fetches the gap. */
  private giveUp(conversationId: string): void {
    const waiting = this.waiting.get(conversationId);
    if (!waiting) return;
    this.waiting.delete(conversationId);
    for (const event of waiting.events) this.emit(event);
    this.last.set(conversationId, Math.max(this.last.get(conversationId) ?? 0, waiting.events.at(-1)!.message.seq));
  }
}
