'use client';
// The page's chat client: message store, sync engine, receipt batcher and outbox, fed by one live subscription.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { backoffMs } from '@/lib/backoff.ts';
import type { ServerEvent } from '@/lib/events.ts';
import type { Presence } from '@/lib/schemas.ts';
import { DraftStore } from '@/lib/sync/drafts.ts';
import { MessageStore } from '@/lib/sync/message-store.ts';
import { PresenceStore } from '@/lib/sync/presence-store.ts';
import { ReceiptBatcher } from '@/lib/sync/receipt-batcher.ts';
import { SyncEngine } from '@/lib/sync/sync-engine.ts';
import { TypingNotifier, TypingStore } from '@/lib/sync/typing.ts';
import { closeNotifications } from '../pwa/service-worker.ts';
import { trpc } from '../trpc.tsx';
import type { ConnectionState, Transport } from '../transport.ts';

export type { ConnectionState };
import { refreshPeople } from '../people/use-people.ts';
import { applyConversationUpdated, applyHeads, applyMessages, applyReceipt, applySystemMessages, inboxOf } from './inbox-cache.ts';
import { Outbox } from './outbox.ts';


export interface ChatClient {
  store: MessageStore;
  drafts: DraftStore;
  engine: SyncEngine;
  receipts: ReceiptBatcher;
  outbox: Outbox;
  typing: TypingStore;
  typingNotifier: TypingNotifier;
  presence: PresenceStore;
}

/** Whether this conversation is in front of the user: open, the tab visible and the window focused. */
export function isInFront(openConversationId: string | null, conversationId: string): boolean {
  return openConversationId === conversationId && document.visibilityState === 'visible' && document.hasFocus();
}

export function useChatClient(meId: string, openConversationId: string | null): ChatClient {
  const utils = trpc.useUtils();
  const openRef = useRef(openConversationId);
  openRef.current = openConversationId;

  const [client] = useState<ChatClient>(() => {
    const store = new MessageStore();
    const typing = new TypingStore();
    const presence = new PresenceStore();
    const receipts = new ReceiptBatcher((input) => utils.client.receipts.ack.mutate(input));
    const engine = new SyncEngine(
      store,
      { listAfter: (conversationId, after, limit) => utils.client.messages.list.query({ conversationId, after, limit }) },
      {
        onHeads: (heads) => {
          applyHeads(utils, heads);
          // Heads follow every (re)subscription: presence and people events may have been missed meanwhile.
          void utils.presence.get.invalidate();
          void refreshPeople(utils);
          // Once the inbox has them, this device has every conversation's news: delivered.
          void utils.conversations.list.invalidate().then(() => {
            for (const h of heads) if (h.deliveredSeq < h.lastSeq) receipts.delivered(h.id, h.lastSeq);
          });
        },
        onMessages: (conversationId, messages) => {
          const fromOthers = messages.filter((m) => m.senderId !== meId);
          const said = fromOthers.filter((m) => m.kind === 'text');
          // Whoever just sent has stopped typing.
          for (const m of said) typing.apply({ conversationId, userId: m.senderId, isTyping: false });
          if (fromOthers.length) receipts.delivered(conversationId, Math.max(...fromOthers.map((m) => m.seq)));
          // System messages are nobody's unread (as on the server).
          const unread = isInFront(openRef.current, conversationId) ? 0 : said.length;
          applyMessages(utils, conversationId, messages, unread);
          if (messages.some((m) => m.kind === 'system')) applySystemMessages(utils, conversationId);
        },
        onReceipt: (receipt) => {
          applyReceipt(utils, meId, receipt);
          // Read to the end on another device: this one's notification for it goes too.
          const read = receipt.userId === meId && inboxOf(utils)?.find((c) => c.id === receipt.conversationId)?.unreadCount === 0;
          if (read) void closeNotifications(receipt.conversationId);
        },
        onTyping: (event) => typing.apply(event),
        onConversationUpdated: (event) => void applyConversationUpdated(utils, store, event),
        onPeopleUpdated: () => void refreshPeople(utils),
        onPresence: ({ type: _type, ...update }) => {
          presence.set([update]);
          // Someone who went offline is not typing any more.
          if (!update.visible || !update.online) typing.forget(update.userId);
        },
      },
    );
    const outbox = new Outbox(
      meId,
      store,
      (input) => utils.client.messages.send.mutate(input),
      (message) => engine.accept(message.conversationId, [message]),
      (input) => utils.client.media.complete.mutate(input),
    );
    // Best effort: a lost typing signal only means a missing or late "typing…".
    const typingNotifier = new TypingNotifier((conversationId, isTyping) => {
      utils.client.typing.set.mutate({ conversationId, isTyping }).catch(() => {});
    });
    return { store, drafts: new DraftStore(meId), engine, receipts, outbox, typing, typingNotifier, presence };
  });

  useEffect(() => {
    void client.outbox.restore();
    const flush = () => void client.receipts.flush();
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [client]);
  return client;
}

/** The one live subscription; made again (by its key) whenever the transport changes. */
export function LiveSubscription({ client, transport }: { client: ChatClient; transport: Transport }) {
  const generation = useSyncExternalStore(transport.subscribe, transport.getGeneration, () => 0);
  return <Subscription key={generation} client={client} transport={transport} />;
}


function Subscription({ client, transport }: { client: ChatClient; transport: Transport }) {
  const failures = useRef(0);
  const subscription = trpc.sync.events.useSubscription(undefined, {
    onStarted: () => client.outbox.kick(),
    onData: (tracked) => {
      failures.current = 0;
      client.engine.handle(tracked.data as ServerEvent);
    },
    onError: (err) => transport.reportError(err),
  });
  const { status, reset } = subscription;
  useEffect(() => {
    transport.setSubscriptionState(status === 'pending' ? 'online' : 'connecting');
    if (status !== 'error') return;
    // The server ended the stream with an error (the link itself is fine, or it would be
    // reconnecting): ask again with backoff. The heads it starts with heal whatever was missed.
    const timer = setTimeout(reset, backoffMs(failures.current++));
    return () => clearTimeout(timer);
  }, [status, reset, transport]);
  return null;
}

/** Someone's presence as this client knows it, fetched once for these ids and then kept live by events. */
export function usePresence(store: PresenceStore, userIds: string[]): (userId: string) => Presence | undefined {
  const fetched = trpc.presence.get.useQuery({ userIds }, { enabled: userIds.length > 0, staleTime: Infinity });
  useEffect(() => {
    if (fetched.data) store.set(fetched.data);
  }, [fetched.data, store]);
  useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  return (userId) => store.get(userId);
}
