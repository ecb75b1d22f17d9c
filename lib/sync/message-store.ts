// The one owner of a conversation's messages on a client: committed ones keyed by seq, plus sends in flight.
import { applyChanges, hiddenForMe, toQuote } from '../message-changes.ts';
import type { Message, Quote } from '../schemas.ts';
import type { MediaKind, MediaSummary, SharedLocation } from '../media.ts';

export interface PendingMessage {
  clientId: string;
  conversationId: string;
  body: string;
  replyTo?: Quote;
  forwarded?: boolean;
  createdAt: Date;
  status: 'sending' | 'failed';
  error?: string;
  /** A file on its way: what it is, and how much of it the server has (0 to 1). */
  attachment?: PendingAttachment;
  /** Media already on the server, sent again (forwarded). */
  media?: MediaSummary;
  location?: SharedLocation;
}

/** What the sender's page shows of a file it is sending, before the server has it. */
export interface PendingAttachment {
  kind: MediaKind;
  name: string;
  size: number;
  /** A local address (blob:) of the file for pictures, videos and recordings. */
  previewUrl?: string;
  width?: number;
  height?: number;
  durationMs?: number;
  waveform?: number[];
  progress: number;
}

export interface ConversationMessages {
  /** Committed messages to show in sequence order, each once, with the changes held applied (none deleted for me). */
  messages: Message[];
  /** The highest seq held (a change after the last message shown counts). */
  topSeq: number;
  /** Sends not yet acknowledged, oldest first. */
  pending: PendingMessage[];
  hasMoreBefore: boolean;
  /** The latest page has been fetched at least once. */
  loaded: boolean;
}

interface Entry {
  bySeq: Map<number, Message>;
  /** Every seq from the first loaded page's start up to this one is held (no gap below it). */
  contiguousTop: number;
  pending: Map<string, PendingMessage>;
  hasMoreBefore: boolean;
  loaded: boolean;
  /** Seqs held from this device's cache, not the server: the first page replaces them. */
  cached: Set<number>;
  snapshot: ConversationMessages | null;
}

export const EMPTY_CONVERSATION: ConversationMessages = Object.freeze({ messages: [], topSeq: 0, pending: [], hasMoreBefore: false, loaded: false });

/**
 * A reply whose quoted message is held shows that message as it is now (edited or deleted since);
 * one the reader deleted for themselves still shows as quoted (the reply repeats it).
 */
function withCurrentQuotes(messages: Message[]): Message[] {
  if (!messages.some((m) => m.replyTo)) return messages;
  const bySeq = new Map(messages.map((m) => [m.seq, m]));
  return messages.map((m) => {
    const target = m.replyTo && bySeq.get(m.replyTo.seq);
    return target && !target.hidden ? { ...m, replyTo: toQuote(target) } : m;
  });
}

export class MessageStore {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A stable snapshot (same object until something changes), as useSyncExternalStore needs. */
  get(conversationId: string): ConversationMessages {
    const e = this.entries.get(conversationId);
    if (!e) return EMPTY_CONVERSATION;
    if (e.snapshot) return e.snapshot;
    const held = [...e.bySeq.values()].sort((a, b) => a.seq - b.seq);
    return (e.snapshot = {
      messages: withCurrentQuotes(applyChanges(held, held)).filter((m) => !m.hidden),
      topSeq: held.at(-1)?.seq ?? 0,
      pending: [...e.pending.values()],
      hasMoreBefore: e.hasMoreBefore,
      loaded: e.loaded,
    });
  }

  /** Whether the message (or change) with this seq is held. */
  has(conversationId: string, seq: number): boolean {
    return this.entries.get(conversationId)?.bySeq.has(seq) ?? false;
  }

  /** The highest seq with nothing missing below it (since the first page loaded): resume from here. */
  contiguousTop(conversationId: string): number {
    return this.entries.get(conversationId)?.contiguousTop ?? 0;
  }

  /** The lowest seq held: older history pages come from before it. */
  minSeq(conversationId: string): number | undefined {
    const seqs = this.entries.get(conversationId)?.bySeq.keys();
    let min: number | undefined;
    for (const seq of seqs ?? []) if (min === undefined || seq < min) min = seq;
    return min;
  }

  isLoaded(conversationId: string): boolean {
    return this.entries.get(conversationId)?.loaded ?? false;
  }

  /**
   * Adds committed messages; one already held (same seq) is kept once, in the newer of the two
   * states (a history page may hold changes this client never received), and a pending send with
   * the same client id is replaced by its committed message. `page` marks a history page's boundary.
   */
  addMessages(conversationId: string, messages: Message[], page?: { hasMoreBefore: boolean }): void {
    const e = this.entry(conversationId);
    if (page && e.cached.size) {
      // The server's first page: what the cache showed may not join it (a gap), so it goes; live
      // messages that came meanwhile stay.
      for (const seq of e.cached) e.bySeq.delete(seq);
      e.cached.clear();
    }
    for (const m of messages) {
      const held = e.bySeq.get(m.seq);
      // Deleted for me stays so, whatever copy comes later (a live event sent again, an older page).
      if (!held || (m.changedSeq ?? 0) >= (held.changedSeq ?? 0)) e.bySeq.set(m.seq, held?.hidden && !m.hidden ? hiddenForMe(m) : m);
      e.pending.delete(m.clientId);
    }
    if (page) {
      // The first page is the newest one: nothing above its top existed when it was read.
      if (!e.loaded) e.contiguousTop = Math.max(e.contiguousTop, messages.at(-1)?.seq ?? 0);
      e.loaded = true;
      e.hasMoreBefore = page.hasMoreBefore;
    }
    if (e.loaded) while (e.bySeq.has(e.contiguousTop + 1)) e.contiguousTop += 1;
    this.changed(e);
  }

  /**
   * Nothing below fromSeq is visible to this user (a group they joined later): the contiguous run
   * may start just below it, so resume does not wait for messages it will never get.
   */
  raiseFloor(conversationId: string, fromSeq: number): void {
    const e = this.entries.get(conversationId);
    if (!e?.loaded || e.contiguousTop >= fromSeq - 1) return;
    e.contiguousTop = fromSeq - 1;
    while (e.bySeq.has(e.contiguousTop + 1)) e.contiguousTop += 1;
    this.changed(e);
  }

  /**
   * Shows what this device kept of a conversation until the server's first page comes (offline, a
   * server that does not answer). Nothing when anything is held already.
   */
  addCached(conversationId: string, messages: Message[]): void {
    const e = this.entry(conversationId);
    if (e.loaded || e.bySeq.size > 0 || messages.length === 0) return;
    for (const m of messages) {
      e.bySeq.set(m.seq, m);
      e.cached.add(m.seq);
    }
    this.changed(e);
  }

  /** Messages deleted for this user alone: held as stubs (their seqs keep the sequence whole), not shown. */
  hide(conversationId: string, seqs: number[]): void {
    const e = this.entries.get(conversationId);
    if (!e) return;
    let changed = false;
    for (const seq of seqs) {
      const held = e.bySeq.get(seq);
      if (held && held.kind === 'text' && !held.hidden) {
        e.bySeq.set(seq, hiddenForMe(held));
        changed = true;
      }
    }
    if (changed) this.changed(e);
  }

  /** Drops what is held of a conversation (cleared): it loads afresh when shown. Sends in flight stay. */
  forget(conversationId: string): void {
    const e = this.entries.get(conversationId);
    if (!e) return;
    e.bySeq.clear();
    e.cached.clear();
    e.contiguousTop = 0;
    e.loaded = false;
    e.hasMoreBefore = false;
    this.changed(e);
  }

  addPending(pending: PendingMessage): void {
    const e = this.entry(pending.conversationId);
    e.pending.set(pending.clientId, pending);
    this.changed(e);
  }

  setPendingStatus(conversationId: string, clientId: string, status: PendingMessage['status'], error?: string): void {
    const e = this.entry(conversationId);
    const p = e.pending.get(clientId);
    if (!p) return;
    e.pending.set(clientId, { ...p, status, error });
    this.changed(e);
  }

  /** How much of a pending send's file the server has (0 to 1). */
  setPendingProgress(conversationId: string, clientId: string, progress: number): void {
    const e = this.entry(conversationId);
    const p = e.pending.get(clientId);
    if (!p?.attachment || p.attachment.progress === progress) return;
    e.pending.set(clientId, { ...p, attachment: { ...p.attachment, progress } });
    this.changed(e);
  }

  removePending(conversationId: string, clientId: string): void {
    const e = this.entry(conversationId);
    if (e.pending.delete(clientId)) this.changed(e);
  }

  private entry(conversationId: string): Entry {
    let e = this.entries.get(conversationId);
    if (!e) {
      e = { bySeq: new Map(), contiguousTop: 0, pending: new Map(), hasMoreBefore: false, loaded: false, cached: new Set(), snapshot: null };
      this.entries.set(conversationId, e);
    }
    return e;
  }

  private changed(e: Entry): void {
    e.snapshot = null;
    for (const l of this.listeners) l();
  }
}

