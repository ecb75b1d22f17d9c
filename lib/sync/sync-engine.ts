// The client half of the sync protocol (docs/api.md): applies live events to the store, resumes from
// conversation heads, and fills gaps by sequence, so each message shows once and in order.
import { receiptOf, type ConversationUpdatedEvent, type PresenceUpdatedEvent, type ServerEvent, type TypingUpdatedEvent } from '../events.ts';
import type { ConversationHead, Message, MessagePage, ReceiptState } from '../schemas.ts';
import { isRefusal, retryHintMs } from '../api-errors.ts';
import { backoffMs } from '../backoff.ts';
import type { MessageStore } from './message-store.ts';

export const FILL_PAGE = 100;

export interface SyncApi {
  listAfter(conversationId: string, after: number, limit: number): Promise<MessagePage>;
}

export interface SyncHooks {
  /** After (re)subscribing: where every conversation stands. */
  onHeads?(heads: ConversationHead[]): void;
  /** A committed message reached this client (live, by filling a gap or as a send's ack), for the first time. */
  onMessages?(conversationId: string, messages: Message[]): void;
  onReceipt?(receipt: ReceiptState): void;
  onTyping?(event: TypingUpdatedEvent): void;
  onPresence?(event: PresenceUpdatedEvent): void;
  /** The user changed how a chat sits in their list on one of their devices (cleared: its history is gone). */
  onConversationUpdated?(event: ConversationUpdatedEvent): void;
  /** The user's contacts or the people they block changed on one of their devices. */
  onPeopleUpdated?(): void;
  onError?(error: unknown): void;
}

export class SyncEngine {
  private readonly filling = new Map<string, Promise<void>>();
  private readonly fillAgain = new Set<string>();
  /** Conversations whose last fill failed on the way: the next try, and how many failed in a row. */
  private readonly retries = new Map<string, { timer: ReturnType<typeof setTimeout> | null; failures: number }>();
  private closed = false;

  constructor(
    private readonly store: MessageStore,
    private readonly api: SyncApi,
    private readonly hooks: SyncHooks = {},
  ) {}

  handle(event: ServerEvent): void {
    switch (event.type) {
      case 'sync.heads':
        // Resume: whatever a loaded conversation lacks up to its head is fetched by sequence.
        for (const head of event.conversations) {
          if (this.store.isLoaded(head.id) && this.store.contiguousTop(head.id) < head.lastSeq) void this.fill(head.id);
        }
        this.hooks.onHeads?.(event.conversations);
        break;
      case 'message.new': {
        const { message } = event;
        const id = message.conversationId;
        this.accept(id, [message]);
        // The send read someone else's messages: a receipt, as receipt.updated brings one.
        const receipt = receiptOf(event);
        if (receipt) this.hooks.onReceipt?.(receipt);
        // A seq above the first missing one means events were lost in between: fetch them.
        if (this.store.isLoaded(id) && this.store.contiguousTop(id) < message.seq) void this.fill(id);
        break;
      }
      case 'receipt.updated':
        this.hooks.onReceipt?.(event);
        break;
      case 'typing.updated':
        this.hooks.onTyping?.(event);
        break;
      case 'presence.updated':
        this.hooks.onPresence?.(event);
        break;
      case 'conversation.updated':
        this.hooks.onConversationUpdated?.(event);
        break;
      case 'people.updated':
        this.hooks.onPeopleUpdated?.();
        break;
    }
  }

  /**
   * Committed messages, however they came (an event, a gap fill, the ack of this client's send),
   * go into the store here, and onMessages hears of those it did not hold: whichever path brings
   * a message first, the inbox and receipts learn of it once.
   */
  accept(conversationId: string, messages: Message[]): void {
    const fresh = messages.filter((m) => !this.store.has(conversationId, m.seq));
    this.store.addMessages(conversationId, messages);
    if (fresh.length) this.hooks.onMessages?.(conversationId, fresh);
  }

  /**
   * Fetches everything above the contiguous top until caught up; one fill per conversation at a time.
   * A trigger during a running fill makes it go round once more: its last page may predate the news.
   * A fill that failed on the way (offline, a server in trouble, too many calls at once) is tried
   * again with backoff, after the server's retry hint if it gave one, until it succeeds: no heads may
   * come to trigger it again. A refusal (no longer allowed to read) is not.
   */
  fill(conversationId: string): Promise<void> {
    const running = this.filling.get(conversationId);
    if (running) {
      this.fillAgain.add(conversationId);
      return running;
    }
    const retry = this.retries.get(conversationId);
    if (retry?.timer) clearTimeout(retry.timer);
    if (retry) retry.timer = null;
    const run = (async () => {
      do {
        this.fillAgain.delete(conversationId);
        await this.fillNow(conversationId);
      } while (this.fillAgain.has(conversationId));
      this.retries.delete(conversationId);
    })()
      .catch((err) => {
        this.hooks.onError?.(err);
        if (this.closed || isRefusal(err)) return;
        const failures = (this.retries.get(conversationId)?.failures ?? 0) + 1;
        const timer = setTimeout(() => void this.fill(conversationId), Math.max(retryHintMs(err), backoffMs(failures - 1)));
        this.retries.set(conversationId, { timer, failures });
      })
      .finally(() => {
        this.filling.delete(conversationId);
        this.fillAgain.delete(conversationId);
      });
    this.filling.set(conversationId, run);
    return run;
  }

  /** Stops retrying failed fills (the client closed). */
  close(): void {
    this.closed = true;
    for (const retry of this.retries.values()) if (retry.timer) clearTimeout(retry.timer);
    this.retries.clear();
  }

  private async fillNow(conversationId: string): Promise<void> {
    for (;;) {
      const after = this.store.contiguousTop(conversationId);
      const page = await this.api.listAfter(conversationId, after, FILL_PAGE);
      this.accept(conversationId, page.messages);
      this.store.raiseFloor(conversationId, page.fromSeq);
      if (page.messages.length < FILL_PAGE) return;
    }
  }
}
