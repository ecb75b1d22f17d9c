'use client';
// The durable outbox: a send waits in IndexedDB until the server acknowledges it, across reloads,
// outages and restarts, and always goes out with its original client id (so never twice).
import { openDB, type IDBPDatabase } from 'idb';
import type { Message, Quote } from '@/lib/schemas.ts';
import type { MessageStore, PendingMessage } from '@/lib/sync/message-store.ts';
import { newClientId } from '@/lib/uuid.ts';
import { errorMessage } from '../trpc.tsx';
import { isRefusal, retryHintMs } from '@/lib/api-errors.ts';
import { backoffMs } from '@/lib/backoff.ts';

interface OutboxEntry {
  clientId: string;
  conversationId: string;
  body: string;
  /** A reply: the message it quotes, as it was when the reply was written. */
  replyTo?: Quote;
  forwarded?: boolean;
  createdAt: number;
  status: PendingMessage['status'];
  error?: string;
}

export type SendFn = (input: { conversationId: string; clientId: string; body: string; replyToSeq?: number; forwarded?: boolean }) => Promise<Message>;

function toPending(e: OutboxEntry): PendingMessage {
  return {
    clientId: e.clientId, conversationId: e.conversationId, body: e.body, replyTo: e.replyTo, forwarded: e.forwarded,
    createdAt: new Date(e.createdAt), status: e.status, error: e.error,
  };
}

export class Outbox {
  private database: Promise<IDBPDatabase> | null = null;
  private flushing = false;
  private flushAgain = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;

  /**
   * accept: takes an acknowledged message into the store (the sync engine's accept, so the inbox
   * hears of it whether the ack or the message's own event comes first).
   */
  constructor(
    private readonly userId: string,
    private readonly store: MessageStore,
    private readonly send: SendFn,
    private readonly accept: (message: Message) => void,
  ) {}

  // Opened on first use: the page is also rendered on the server, where there is no IndexedDB.
  private get db(): Promise<IDBPDatabase> {
    // One database per account, so a shared browser never sends one user's drafts as another.
    return (this.database ??= openDB(`parley-outbox-${this.userId}`, 1, {
      upgrade: (db) => void db.createObjectStore('sends', { keyPath: 'clientId' }),
    }));
  }

  /** Shows what was waiting when the page was last closed, and sends it. */
  async restore(): Promise<void> {
    for (const e of await this.entries()) this.store.addPending(toPending(e));
    this.kick();
  }

  async enqueue(conversationId: string, body: string, { replyTo, forwarded }: { replyTo?: Quote; forwarded?: boolean } = {}): Promise<void> {
    const entry: OutboxEntry = {
      clientId: newClientId(), conversationId, body, ...(replyTo && { replyTo }), ...(forwarded && { forwarded }), createdAt: Date.now(), status: 'sending',
    };
    this.store.addPending(toPending(entry)); // on screen at once, stored right after
    await (await this.db).put('sends', entry);
    this.kick();
  }

  async retry(clientId: string): Promise<void> {
    const db = await this.db;
    const entry: OutboxEntry | undefined = await db.get('sends', clientId);
    if (!entry) return;
    await db.put('sends', { ...entry, status: 'sending', error: undefined });
    this.store.setPendingStatus(entry.conversationId, clientId, 'sending');
    this.attempt = 0;
    this.kick();
  }

  async discard(conversationId: string, clientId: string): Promise<void> {
    await (await this.db).delete('sends', clientId);
    this.store.removePending(conversationId, clientId);
  }

  /** Sends whatever waits, oldest first; call it whenever the connection comes (back). */
  kick(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    void this.flush();
  }

  private async entries(): Promise<OutboxEntry[]> {
    const all: OutboxEntry[] = await (await this.db).getAll('sends');
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      do {
        this.flushAgain = false;
        for (const entry of await this.entries()) {
          if (entry.status !== 'sending') continue;
          try {
            const { conversationId, clientId, body, replyTo, forwarded } = entry;
            const message = await this.send({ conversationId, clientId, body, ...(replyTo && { replyToSeq: replyTo.seq }), ...(forwarded && { forwarded }) });
            this.accept(message);
            await (await this.db).delete('sends', entry.clientId);
            this.attempt = 0;
          } catch (err) {
            if (!isRefusal(err)) {
              // Stay pending; the same client id goes out again later, so it can only land once.
              // A busy server says when to come back: never sooner.
              this.retryTimer = setTimeout(() => this.kick(), Math.max(retryHintMs(err), backoffMs(this.attempt++)));
              return;
            }
            const failed: OutboxEntry = { ...entry, status: 'failed', error: errorMessage(err) };
            await (await this.db).put('sends', failed);
            this.store.setPendingStatus(entry.conversationId, entry.clientId, 'failed', failed.error);
          }
        }
      } while (this.flushAgain);
    } finally {
      this.flushing = false;
    }
  }
}
