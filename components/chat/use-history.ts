'use client';
// An open chat's history: the latest page (what this device kept meanwhile, at once offline), older
// pages, where it opens (the first unread message), and jumps to a message far up.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { PAGE_MAX, PAGE_SIZE } from '@/lib/limits.ts';
import type { ConversationSummary } from '@/lib/schemas.ts';
import { EMPTY_CONVERSATION } from '@/lib/sync/message-store.ts';
import { trpc } from '../trpc.tsx';
import { loadCachedHistory, saveCachedHistory } from './history-cache.ts';
import type { ChatClient } from './sync.tsx';
import { unreadDivider } from './unread-divider.ts';

// Opening a chat loads at most this many pages back to find its first unread message.
const UNREAD_PAGES = 10;
// A chat's newest messages are kept on this device once they have been still this long.
const CACHE_AFTER_MS = 1_000;

export function useHistory(conversationId: string, meId: string, client: ChatClient, summary: ConversationSummary | undefined, connected: boolean) {
  const utils = trpc.useUtils();
  const { store, engine } = client;
  const view = useSyncExternalStore(store.subscribe, () => store.get(conversationId), () => EMPTY_CONVERSATION);

  // First open: the latest page; live events that arrived before it merge by seq.
  const latest = trpc.messages.list.useQuery({ conversationId, limit: PAGE_SIZE }, { enabled: !view.loaded, retry: false });
  useEffect(() => {
    if (!latest.data) return;
    store.addMessages(conversationId, latest.data.messages, { hasMoreBefore: latest.data.hasMoreBefore });
    store.raiseFloor(conversationId, latest.data.fromSeq);
  }, [conversationId, latest.data, store]);
  // Reopened after a while: catch up on anything the live stream could not have added. Opened afresh:
  // what this device kept shows until the server answers (at once offline).
  useEffect(() => {
    if (store.isLoaded(conversationId)) void engine.fill(conversationId);
    else void loadCachedHistory(meId, conversationId).then((messages) => store.addCached(conversationId, messages));
  }, [conversationId, engine, store, meId]);
  useEffect(() => {
    if (!view.loaded || view.messages.length === 0) return;
    const timer = setTimeout(() => void saveCachedHistory(meId, conversationId, view.messages), CACHE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [view, meId, conversationId]);
  // Back in touch with the server: load what could not be loaded.
  const { isError: latestFailed, refetch: refetchLatest } = latest;
  useEffect(() => {
    if (connected && latestFailed) void refetchLatest();
  }, [connected, latestFailed, refetchLatest]);

  const loadOlder = useCallback(async (limit = PAGE_SIZE) => {
    const before = store.minSeq(conversationId);
    if (before === undefined || !store.get(conversationId).hasMoreBefore) return;
    const page = await utils.client.messages.list.query({ conversationId, before, limit });
    store.addMessages(conversationId, page.messages, { hasMoreBefore: page.hasMoreBefore });
  }, [conversationId, store, utils]);

  // What was unread when the chat opened, found once the first page and the summary are here (older
  // pages are loaded until the first unread message is held, up to UNREAD_PAGES).
  const [unread, setUnread] = useState<{ fromSeq: number; count: number } | null | undefined>(undefined);
  const opened = useRef<{ readSeq: number; count: number } | null>(null);
  opened.current ??= summary ? { readSeq: summary.readSeq, count: summary.unreadCount } : null;
  const summaryKnown = opened.current !== null;
  useEffect(() => {
    const at = opened.current;
    if (unread !== undefined) return;
    // The server cannot be reached: open at the bottom of what this device kept.
    if (latestFailed && !view.loaded) return setUnread(null);
    if (!at || !view.loaded) return;
    if (at.count === 0) return setUnread(null);
    let cancelled = false;
    // Every message after the read watermark is held (nothing older, or the oldest held is the first unread).
    const allUnreadHeld = () => !store.get(conversationId).hasMoreBefore || (store.minSeq(conversationId) ?? 0) <= at.readSeq + 1;
    void (async () => {
      for (let pages = 0; pages < UNREAD_PAGES && !allUnreadHeld(); pages++) await loadOlder().catch(() => {});
      if (cancelled) return;
      setUnread(unreadDivider(store.get(conversationId).messages, meId, at, allUnreadHeld()));
    })();
    return () => {
      cancelled = true;
    };
  }, [unread, view.loaded, summaryKnown, store, conversationId, loadOlder, meId, latestFailed]);

  // A message far up (the one a reply quotes, a search result): older pages, of the most one call
  // may ask for, until it is held; then the list goes there.
  const [jump, setJump] = useState<{ seq: number } | null>(null);
  const showMessage = useCallback(async (seq: number) => {
    while (!store.has(conversationId, seq) && store.get(conversationId).hasMoreBefore) await loadOlder(PAGE_MAX);
    setJump({ seq });
  }, [conversationId, loadOlder, store]);

  return { view, latest, loadOlder, unread, jump, showMessage };
}
