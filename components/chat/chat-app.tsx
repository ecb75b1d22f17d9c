'use client';
// The signed-in app: inbox beside the open conversation (one at a time on a phone), kept live by one subscription.
import { useCallback, useEffect, useState } from 'react';
import type { SessionUser } from '@/server/auth/current-user.ts';
import { Inbox } from '../inbox/inbox.tsx';
import { Transport } from '../transport.ts';
import { isSigningOut } from '../auth/session.ts';
import { clearInboxSnapshots } from '../inbox/inbox-snapshot.ts';
import { clearCachedHistories } from './history-cache.ts';
import { resyncSubscription, startServiceWorker } from '../pwa/service-worker.ts';
import { TrpcProvider, trpc } from '../trpc.tsx';
import { ConversationView } from './conversation-view.tsx';
import { useConnection } from './connection-banner.tsx';
import { LiveSubscription, useChatClient } from './sync.tsx';

export function ChatApp({ me, initialConversationId }: { me: SessionUser; initialConversationId: string | null }) {
  const [transport] = useState(() => new Transport());
  useEffect(() => transport.start(), [transport]);
  useEffect(() => {
    // Logged out on another device (or this one's session otherwise ended): keep nothing of the account here.
    transport.onSessionEnded = () => {
      if (isSigningOut()) return; // logging out here: signOut goes to the login page itself
      clearInboxSnapshots();
      void clearCachedHistories().finally(() => window.location.assign('/login?ended=1'));
    };
  }, [transport]);
  return (
    <TrpcProvider transport={transport}>
      <ChatLayout me={me} initialConversationId={initialConversationId} transport={transport} />
    </TrpcProvider>
  );
}

function pathFor(conversationId: string | null): string {
  return conversationId ? `/c/${conversationId}` : '/';
}

function idFromPath(path: string): string | null {
  return path.match(/^\/c\/([^/]+)/)?.[1] ?? null;
}

function ChatLayout({ me, initialConversationId, transport }: { me: SessionUser; initialConversationId: string | null; transport: Transport }) {
  const [openId, setOpenId] = useState(initialConversationId);
  // A message to show in the open chat (a search result): a new object each time, so a second pick
  // of the same message goes there again.
  const [focus, setFocus] = useState<{ seq: number } | null>(null);
  const connection = useConnection(transport);
  const client = useChatClient(me.id, openId);

  // The URL names the open conversation, so reloads and shared links land on it.
  const open = useCallback((id: string | null, seq?: number) => {
    setOpenId(id);
    setFocus(seq === undefined ? null : { seq });
    if (location.pathname !== pathFor(id)) history.pushState(null, '', pathFor(id));
  }, []);
  useEffect(() => {
    const onPop = () => setOpenId(idFromPath(location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  // The service worker: offline shell, and notification clicks that open a conversation here.
  const utils = trpc.useUtils();
  useEffect(() => startServiceWorker(me.id, (path) => open(idFromPath(path))), [me.id, open]);
  useEffect(() => {
    clearInboxSnapshots({ except: me.id });
    void clearCachedHistories({ except: me.id });
  }, [me.id]);
  useEffect(() => {
    void resyncSubscription((subscription) => utils.client.push.subscribe.mutate(subscription)).catch(() => {});
  }, [utils]);

  return (
    <div className="mx-auto flex h-full max-w-[1600px] overflow-hidden bg-surface-panel shadow-sm dark:bg-surface-panel-dark">
      <LiveSubscription client={client} transport={transport} />
      <div className={`${openId ? 'hidden md:flex' : 'flex'} relative w-full flex-col border-r border-black/10 dark:border-white/10 md:w-[340px] md:shrink-0 lg:w-[400px]`}>
        <Inbox me={me} openId={openId} onOpen={open} connection={connection} client={client} />
      </div>
      <main className={`${openId ? 'flex' : 'hidden md:flex'} min-w-0 flex-1 flex-col`}>
        {openId ? (
          <ConversationView key={openId} conversationId={openId} me={me} onBack={() => open(null)} onOpenChat={open} client={client} connection={connection} focus={focus} />
        ) : (
          <NoConversation />
        )}
      </main>
    </div>
  );
}

function NoConversation() {
  return (
    <div className="chat-wallpaper flex h-full flex-col items-center justify-center gap-2 p-8 text-center">
      <p className="text-xl font-medium text-neutral-700 dark:text-neutral-200">Parley</p>
      <p className="max-w-sm text-sm text-neutral-600 dark:text-neutral-400">
        Pick a conversation on the left, or search for someone by username to start one.
      </p>
    </div>
  );
}
