// How live events change the cached inbox and conversation headers (react-query caches), in one place.
import type { ConversationHead, ConversationSummary, InboxPage, Message, ReceiptState } from '@/lib/schemas.ts';
import { applyChanges, isChange } from '../../lib/message-changes.ts';
import type { ConversationUpdatedEvent } from '@/lib/events.ts';
import type { MessageStore } from '@/lib/sync/message-store.ts';
import type { trpc } from '../trpc.tsx';

type Utils = ReturnType<typeof trpc.useUtils>;

/** The chats this device has loaded (the inbox's pages so far), newest activity first. */
export function inboxOf(utils: Utils): ConversationSummary[] | undefined {
  return utils.conversations.list.getData()?.conversations;
}

function setInbox(utils: Utils, update: (list: ConversationSummary[]) => ConversationSummary[]): void {
  utils.conversations.list.setData(undefined, (page) => page && { ...page, conversations: update(page.conversations) });
}

function patch(utils: Utils, conversationId: string, change: (c: ConversationSummary) => ConversationSummary): boolean {
  utils.conversations.get.setData({ conversationId }, (c) => (c ? change(c) : c));
  if (!inboxOf(utils)?.some((c) => c.id === conversationId)) return false;
  setInbox(utils, (list) => list.map((c) => (c.id === conversationId ? change(c) : c)));
  return true;
}

/**
 * The caller changed how a chat sits in their own list (mute, pin, archive, marked unread): the
 * server's summary replaces the open chat's, and those fields only the listed one's (its other
 * fields may be newer from live events).
 */
export function applyListState(utils: Utils, summary: ConversationSummary): void {
  const { mutedUntil, pinnedAt, archived, markedUnread } = summary;
  utils.conversations.get.setData({ conversationId: summary.id }, summary);
  setInbox(utils, (list) => list.map((c) => (c.id === summary.id ? { ...c, mutedUntil, pinnedAt, archived, markedUnread } : c)));
}

/**
 * A chat changed in the caller's list on some device (this one or another): what is shown of it is
 * fetched again; when its history was cleared, what this device holds of it goes first; messages
 * deleted for the caller are hidden at once (the chat's preview may be one of them).
 */
export function applyConversationUpdated(utils: Utils, store: MessageStore, { conversationId, cleared, hidden }: Omit<ConversationUpdatedEvent, 'type'>): Promise<unknown> {
  if (cleared) store.forget(conversationId);
  if (hidden) store.hide(conversationId, hidden);
  return Promise.all([
    utils.conversations.get.invalidate({ conversationId }),
    utils.conversations.list.invalidate(),
    cleared && utils.messages.list.invalidate({ conversationId }),
  ]);
}

const byActivity = (a: ConversationSummary, b: ConversationSummary) =>
  new Date(b.lastActivityAt).getTime() - new Date(a.lastActivityAt).getTime();

/** A later page of the inbox, after what is loaded; a chat already here (it moved up) is not repeated. */
export function appendPage(cached: InboxPage | undefined, page: InboxPage): InboxPage {
  if (!cached) return page;
  const known = new Set(cached.conversations.map((c) => c.id));
  return { conversations: [...cached.conversations, ...page.conversations.filter((c) => !known.has(c.id))], nextCursor: page.nextCursor };
}

/**
 * A fresh first page of the inbox from the server, merged with what this device already holds: a
 * conversation the cache knows further along (a live message came while the request was under way)
 * keeps the cached copy, watermarks keep the higher value. Without this a slow refetch showed an
 * older last message until the next one came. Later pages loaded before stay, after the fresh one.
 */
export function newerOf(cached: InboxPage | undefined, fresh: InboxPage): InboxPage {
  if (!cached) return fresh;
  const known = new Map(cached.conversations.map((c) => [c.id, c]));
  const merged = fresh.conversations.map((f) => {
    const c = known.get(f.id);
    if (!c) return f;
    const newer = c.lastSeq > f.lastSeq ? c : f;
    return {
      ...newer,
      readSeq: Math.max(c.readSeq, f.readSeq),
      allDeliveredSeq: Math.max(c.allDeliveredSeq, f.allDeliveredSeq),
      allReadSeq: Math.max(c.allReadSeq, f.allReadSeq),
    };
  }).sort(byActivity);
  const oldest = merged.at(-1);
  if (fresh.nextCursor === null || !oldest) return { conversations: merged, nextCursor: fresh.nextCursor };
  const inFresh = new Set(merged.map((c) => c.id));
  const tail = cached.conversations.filter((c) => !inFresh.has(c.id) && byActivity(oldest, c) <= 0);
  return { conversations: [...merged, ...tail], nextCursor: tail.length ? cached.nextCursor : fresh.nextCursor };
}

/**
 * New messages reached this device: last message, activity order and unread count. Changes among
 * them move the head only, and change the preview when they change its message (an edit, a deletion).
 */
export function applyMessages(utils: Utils, conversationId: string, messages: Message[], unreadDelta: number): void {
  const current = inboxOf(utils)?.find((c) => c.id === conversationId);
  if (!current) {
    void utils.conversations.list.invalidate(); // a conversation this inbox has not seen yet
    return;
  }
  const lastSeq = Math.max(...messages.map((m) => m.seq));
  if (lastSeq <= current.lastSeq) return; // already counted
  const shown = messages.filter((m) => !isChange(m));
  if (shown.length === 0) {
    const lastMessage = current.lastMessage && applyChanges([current.lastMessage], messages)[0];
    patch(utils, conversationId, (c) => ({ ...c, lastSeq: Math.max(c.lastSeq, lastSeq), lastMessage }));
    return;
  }
  const newest = applyChanges([shown.reduce((a, b) => (b.seq > a.seq ? b : a))], messages)[0];
  const sender = utils.conversations.members.getData({ conversationId })?.find((m) => m.id === newest.senderId);
  const updated: ConversationSummary = {
    ...current,
    lastSeq,
    lastMessage: newest,
    lastSenderName: sender?.displayName ?? null,
    lastActivityAt: newest.createdAt,
    unreadCount: current.unreadCount + unreadDelta,
    // Something new brings an archived chat back, unless it is muted (as the server counts it).
    archived: current.archived && current.mutedUntil !== null,
  };
  setInbox(utils, (list) => [updated, ...list.filter((c) => c.id !== conversationId)]);
  // A group preview needs the sender's name: ask the server when this client does not know it.
  if (current.kind === 'group' && newest.kind === 'text' && !sender) void utils.conversations.list.invalidate();
}

/**
 * A membership or settings change happened (a system message arrived): what this client holds about
 * the conversation and its members is out of date.
 */
export function applySystemMessages(utils: Utils, conversationId: string): void {
  void utils.conversations.get.invalidate({ conversationId });
  void utils.conversations.members.invalidate({ conversationId });
  void utils.conversations.list.invalidate();
}

/** Watermarks only move forward, whatever order events arrive in. */
export function applyReceipt(utils: Utils, meId: string, r: ReceiptState): void {
  const mine = r.userId === meId;
  const known = patch(utils, r.conversationId, (c) => {
    const readSeq = mine ? Math.max(c.readSeq, r.readSeq) : c.readSeq;
    return {
      ...c,
      readSeq,
      unreadCount: mine && readSeq >= c.lastSeq ? 0 : c.unreadCount,
      allDeliveredSeq: Math.max(c.allDeliveredSeq, r.allDeliveredSeq),
      allReadSeq: Math.max(c.allReadSeq, r.allReadSeq),
    };
  });
  const c = inboxOf(utils)?.find((x) => x.id === r.conversationId);
  // Read part of the way on another device: only the server can count what is left.
  if (known && mine && c && c.unreadCount > 0 && r.readSeq > 0 && r.readSeq < c.lastSeq) void utils.conversations.list.invalidate();
}

export function applyHeads(utils: Utils, heads: ConversationHead[]): void {
  for (const h of heads) {
    patch(utils, h.id, (c) => ({
      ...c,
      readSeq: Math.max(c.readSeq, h.readSeq),
      allDeliveredSeq: Math.max(c.allDeliveredSeq, h.allDeliveredSeq),
      allReadSeq: Math.max(c.allReadSeq, h.allReadSeq),
    }));
  }
}

/** The caller read up to seq here: clear the count at once, before the server confirms. */
export function applyOwnRead(utils: Utils, conversationId: string, seq: number): void {
  patch(utils, conversationId, (c) => ({ ...c, readSeq: Math.max(c.readSeq, seq), unreadCount: seq >= c.lastSeq ? 0 : c.unreadCount }));
}
