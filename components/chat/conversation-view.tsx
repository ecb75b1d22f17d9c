'use client';
// One open conversation: header, history (loaded by sequence as you scroll), and the composer.
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { PAGE_SIZE } from '@/lib/schemas.ts';
import { newClientId } from '@/lib/uuid.ts';
import type { SessionUser } from '@/server/auth/current-user.ts';
import { errorMessage, trpc } from '../trpc.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { BackIcon } from '../ui/icons.tsx';
import { Composer } from './composer.tsx';
import { EMPTY_CONVERSATION, messageStore } from './message-store.ts';
import { MessageList } from './message-list.tsx';

export function ConversationView({ conversationId, me, onBack, fillGap }: {
  conversationId: string;
  me: SessionUser;
  onBack: () => void;
  fillGap: (conversationId: string) => Promise<void>;
}) {
  const utils = trpc.useUtils();
  const conversation = trpc.conversations.get.useQuery({ conversationId }, { retry: false });
  const view = useSyncExternalStore(messageStore.subscribe, () => messageStore.get(conversationId), () => EMPTY_CONVERSATION);
  const markRead = trpc.conversations.markRead.useMutation();

  // First open: the latest page; if live events arrived before it, they merge by seq.
  const loadLatest = trpc.messages.list.useQuery({ conversationId, limit: PAGE_SIZE }, { enabled: !view.loaded, retry: false });
  useEffect(() => {
    if (loadLatest.data) messageStore.addMessages(conversationId, loadLatest.data.messages, { hasMoreBefore: loadLatest.data.hasMoreBefore });
  }, [conversationId, loadLatest.data]);
  // Reopened after a while: catch up on anything the live stream could not have added.
  useEffect(() => {
    if (messageStore.isLoaded(conversationId)) void fillGap(conversationId);
  }, [conversationId, fillGap]);

  const loadOlder = useCallback(async () => {
    const before = messageStore.minSeq(conversationId);
    if (before === undefined || before <= 1) return;
    const page = await utils.client.messages.list.query({ conversationId, before, limit: PAGE_SIZE });
    messageStore.addMessages(conversationId, page.messages, { hasMoreBefore: page.hasMoreBefore });
  }, [conversationId, utils]);

  // Read = the conversation is open and visible with its newest message on screen.
  const lastSeq = view.messages.at(-1)?.seq ?? 0;
  const readSeq = conversation.data?.readSeq ?? 0;
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== 'visible' || lastSeq <= readSeq) return;
      markRead.mutate({ conversationId, seq: lastSeq });
      const list = utils.conversations.list.getData();
      if (list) utils.conversations.list.setData(undefined, list.map((c) => (c.id === conversationId ? { ...c, unreadCount: 0, readSeq: lastSeq } : c)));
      utils.conversations.get.setData({ conversationId }, (c) => (c ? { ...c, readSeq: lastSeq, unreadCount: 0 } : c));
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- markRead's identity changes every render
  }, [conversationId, lastSeq, readSeq, utils]);

  const send = useCallback(
    async (body: string, clientId = newClientId()) => {
      messageStore.addPending({ clientId, conversationId, body, createdAt: new Date(), status: 'sending' });
      try {
        const message = await utils.client.messages.send.mutate({ conversationId, clientId, body });
        messageStore.addMessages(conversationId, [message]);
      } catch (err) {
        messageStore.setPendingStatus(conversationId, clientId, 'failed', errorMessage(err));
      }
    },
    [conversationId, utils],
  );

  const title = conversation.data?.title;
  const peer = conversation.data?.peer;
  const failed = conversation.error ?? loadLatest.error;

  return (
    <>
      <header className="flex h-16 shrink-0 items-center gap-3 border-b border-black/5 bg-surface px-3 dark:border-white/5 dark:bg-surface-panel-dark">
        <button type="button" onClick={onBack} aria-label="Back to conversations" className="-ml-1 rounded-full p-1.5 hover:bg-black/5 md:hidden dark:hover:bg-white/10">
          <BackIcon className="h-6 w-6" />
        </button>
        {title ? (
          <>
            <Avatar id={peer?.id ?? conversationId} name={title} size="sm" />
            <div className="min-w-0">
              <h1 className="truncate font-medium leading-tight">{title}</h1>
              {peer && <p className="truncate text-xs text-neutral-500 dark:text-neutral-400">@{peer.username}</p>}
            </div>
          </>
        ) : (
          <span className="h-4 w-40 animate-pulse rounded bg-black/10 dark:bg-white/10" aria-label="Loading conversation" />
        )}
      </header>
      {failed ? (
        <div className="chat-wallpaper flex flex-1 items-center justify-center p-6">
          <p role="alert" className="rounded-lg bg-white px-4 py-3 text-sm shadow dark:bg-surface-panel-dark">
            {failed.data?.code === 'FORBIDDEN' ? 'This conversation is not available to you.' : `Could not load this conversation. ${errorMessage(failed)}`}
          </p>
        </div>
      ) : (
        <>
          <MessageList conversationId={conversationId} view={view} meId={me.id} onLoadOlder={loadOlder} onRetry={send} />
          <Composer onSend={(body) => void send(body)} />
        </>
      )}
    </>
  );
}
