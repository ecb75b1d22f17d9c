'use client';
// The durable outbox: a send waits in IndexedDB until the server acknowledges it, across reloads,
// outages and restarts, and always goes out with its original client id (so never twice). A send
// with a file waits with its file: it is uploaded (resumably, while the rest goes on), made media,
// and only then sent, so it takes its place in the chat when the server has all of it.
import { openDB, type IDBPDatabase } from 'idb';
import type { MediaKind, MediaSummary, SharedLocation } from '@/lib/media.ts';
import type { CompleteUploadInput, Message, Quote } from '@/lib/schemas.ts';
import type { MessageStore, PendingAttachment, PendingMessage } from '@/lib/sync/message-store.ts';
import { kindOf, measure, uploadFile, UploadRefused } from '../media/uploader.ts';
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
  /** A file to send (the body is its caption), and how far it got. */
  file?: File;
  kind?: MediaKind;
  width?: number;
  height?: number;
  durationMs?: number;
  waveform?: number[];
  /** A video's poster (a frame, taken here), uploaded with it. */
  poster?: Blob;
  /** The upload's address once it began (it goes on from there). */
  uploadUrl?: string;
  /** The media it became, once uploaded. */
  mediaId?: string;
  /** Media sent again (forwarded): shown as it is while the send is on its way. */
  media?: MediaSummary;
  location?: SharedLocation;
}

export type SendFn = (input: {
  conversationId: string; clientId: string; body: string; mediaId?: string; location?: SharedLocation; replyToSeq?: number; forwarded?: boolean;
}) => Promise<Message>;
export type CompleteFn = (input: CompleteUploadInput) => Promise<MediaSummary>;

/** Shown inline as they are: pictures, videos, recordings. */
const PREVIEWED = new Set<MediaKind>(['image', 'video', 'audio', 'voice']);

function toPending(e: OutboxEntry, previewUrl?: string): PendingMessage {
  const attachment: PendingAttachment | undefined = e.file && {
    kind: e.kind ?? kindOf(e.file), name: e.file.name, size: e.file.size, previewUrl,
    width: e.width, height: e.height, durationMs: e.durationMs, waveform: e.waveform, progress: e.mediaId ? 1 : 0,
  };
  return {
    clientId: e.clientId, conversationId: e.conversationId, body: e.body, replyTo: e.replyTo, forwarded: e.forwarded,
    createdAt: new Date(e.createdAt), status: e.status, error: e.error, ...(attachment && { attachment }), ...(e.media && { media: e.media }), ...(e.location && { location: e.location }),
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
    private readonly complete: CompleteFn,
  ) {}

  /** Uploads under way, by client id. */
  private readonly uploads = new Map<string, AbortController>();
  /** Local addresses of the files shown in pending bubbles, by client id. */
  private readonly previews = new Map<string, string>();

  private previewOf(e: OutboxEntry): string | undefined {
    if (!e.file || !PREVIEWED.has(e.kind ?? kindOf(e.file))) return undefined;
    let url = this.previews.get(e.clientId);
    if (!url) this.previews.set(e.clientId, (url = URL.createObjectURL(e.file)));
    return url;
  }

  // Opened on first use: the page is also rendered on the server, where there is no IndexedDB.
  private get db(): Promise<IDBPDatabase> {
    // One database per account, so a shared browser never sends one user's drafts as another.
    return (this.database ??= openDB(`parley-outbox-${this.userId}`, 1, {
      upgrade: (db) => void db.createObjectStore('sends', { keyPath: 'clientId' }),
    }));
  }

  /** Shows what was waiting when the page was last closed, and sends it. */
  async restore(): Promise<void> {
    for (const e of await this.entries()) this.store.addPending(toPending(e, this.previewOf(e)));
    this.kick();
  }

  /**
   * Sends a file with an optional caption, once it is uploaded; `voice`: a voice note recorded here,
   * with its length and waveform (a recording's file does not say how long it is).
   */
  async enqueueFile(conversationId: string, file: File, caption = '', { replyTo, voice }: { replyTo?: Quote; voice?: { durationMs: number; waveform: number[] } } = {}): Promise<void> {
    const kind = kindOf(file, voice !== undefined);
    const entry: OutboxEntry = {
      clientId: newClientId(), conversationId, body: caption, ...(replyTo && { replyTo }), createdAt: Date.now(), status: 'sending', file, kind, ...voice,
    };
    this.store.addPending(toPending(entry, this.previewOf(entry)));
    if (!voice) Object.assign(entry, await measure(file, kind));
    await (await this.db).put('sends', entry);
    this.store.addPending(toPending(entry, this.previewOf(entry)));
    this.kick();
  }

  /** Sends text, a place, or media already on the server (`media`: forwarding it), with its caption. */
  async enqueue(conversationId: string, body: string, { replyTo, forwarded, media, location }: { replyTo?: Quote; forwarded?: boolean; media?: MediaSummary; location?: SharedLocation } = {}): Promise<void> {
    const entry: OutboxEntry = {
      clientId: newClientId(), conversationId, body, ...(replyTo && { replyTo }), ...(forwarded && { forwarded }), ...(media && { media, mediaId: media.id }), ...(location && { location }),
      createdAt: Date.now(), status: 'sending',
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

  /** Drops a send that has not gone out (its upload is stopped and forgotten by the server too). */
  async discard(conversationId: string, clientId: string): Promise<void> {
    this.uploads.get(clientId)?.abort();
    this.uploads.delete(clientId);
    await (await this.db).delete('sends', clientId);
    this.store.removePending(conversationId, clientId);
    this.forgetPreview(clientId);
  }

  private forgetPreview(clientId: string): void {
    const url = this.previews.get(clientId);
    if (url) URL.revokeObjectURL(url);
    this.previews.delete(clientId);
  }

  /**
   * Uploads an entry's file and makes it media, in the background: the sends after it do not wait.
   * Done, the entry goes out at the next flush; refused, it fails; cut off, the next flush goes on.
   */
  private startUpload(entry: OutboxEntry): void {
    if (this.uploads.has(entry.clientId)) return;
    const controller = new AbortController();
    this.uploads.set(entry.clientId, controller);
    const { conversationId, clientId } = entry;
    const save = async (patch: Partial<OutboxEntry>) => {
      const db = await this.db;
      const current: OutboxEntry | undefined = await db.get('sends', clientId);
      if (current && !controller.signal.aborted) await db.put('sends', { ...current, ...patch });
    };
    void (async () => {
      try {
        const uploadId = await uploadFile(entry.file!, {
          uploadUrl: entry.uploadUrl,
          onUploadUrl: (uploadUrl) => void save({ uploadUrl }),
          onProgress: (fraction) => this.store.setPendingProgress(conversationId, clientId, Math.min(fraction, 0.99)),
          signal: controller.signal,
        });
        const { kind, width, height, durationMs, waveform, poster } = entry;
        // A poster is small: uploaded whole again if cut off.
        const posterUploadId = poster && (await uploadFile(new File([poster], 'poster.jpg', { type: poster.type }), { onUploadUrl: () => {}, onProgress: () => {}, signal: controller.signal }));
        const media = await this.complete({ uploadId, ...(kind === 'voice' && { voice: true, waveform }), width, height, durationMs, ...(posterUploadId && { posterUploadId }) });
        await save({ mediaId: media.id });
        this.store.setPendingProgress(conversationId, clientId, 1);
        this.uploads.delete(clientId);
        this.kick();
      } catch (err) {
        this.uploads.delete(clientId);
        if (controller.signal.aborted) return;
        if (err instanceof UploadRefused || isRefusal(err)) {
          const error = err instanceof Error ? err.message : errorMessage(err);
          await save({ status: 'failed', error, uploadUrl: undefined });
          this.store.setPendingStatus(conversationId, clientId, 'failed', error);
        } else {
          this.retryTimer ??= setTimeout(() => this.kick(), backoffMs(this.attempt++));
        }
      }
    })();
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
        // Chats with a file still uploading: the files sent after it there wait for it (they go out
        // in the order they were picked), text does not.
        const uploading = new Set<string>();
        for (const entry of await this.entries()) {
          if (entry.status !== 'sending') continue;
          if (entry.file && !entry.mediaId) {
            this.startUpload(entry);
            uploading.add(entry.conversationId);
            continue;
          }
          if (entry.file && uploading.has(entry.conversationId)) continue;
          try {
            const { conversationId, clientId, body, replyTo, forwarded, mediaId, location } = entry;
            const message = await this.send({
              conversationId, clientId, body, ...(mediaId && { mediaId }), ...(location && { location }), ...(replyTo && { replyToSeq: replyTo.seq }), ...(forwarded && { forwarded }),
            });
            this.accept(message);
            await (await this.db).delete('sends', entry.clientId);
            this.forgetPreview(entry.clientId);
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
