'use client';
// The signed-in app: inbox beside the open conversation (one at a time on a phone), kept live by one subscription.
import { useCallback, useEffect, useState } from 'react';
import type { SessionUser } from '@/server/auth/current-user.ts';
import { Inbox } from '../inbox/inbox.tsx';
import { TrpcProvider, type ConnectionState } from '../trpc.tsx';
import { ConversationView } from './conversation-view.tsx';
import { useLiveSync } from './sync.ts';

export function ChatApp({ me, initialConversationId }: { me: SessionUser; initialConversationId: string | null }) {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  return (
    <TrpcProvider realtime onConnectionChange={setConnection}>
      <ChatLayout me={me} initialConversationId={initialConversationId} connection={connection} />
    </TrpcProvider>
  );
}

function pathFor(conversationId: string | null): string {
  return conversationId ? `/c/${conversationId}` : '/';
}

function ChatLayout({ me, initialConversationId, connection }: { me: SessionUser; initialConversationId: string | null; connection: ConnectionState }) {
  const [openId, setOpenId] = useState(initialConversationId);
  const { fill } = useLiveSync({ meId: me.id, openConversationId: openId });

  // The URL names the open conversation, so reloads and shared links land on it.
  const open = useCallback((id: string | null) => {
    setOpenId(id);
    if (location.pathname !== pathFor(id)) history.pushState(null, '', pathFor(id));
  }, []);
  useEffect(() => {
    const onPop = () => setOpenId(location.pathname.match(/^\/c\/([^/]+)/)?.[1] ?? null);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  return (
    <div className="mx-auto flex h-full max-w-[1600px] overflow-hidden bg-surface-panel shadow-sm dark:bg-surface-panel-dark xl:my-0">
      <div className={`${openId ? 'hidden md:flex' : 'flex'} w-full flex-col border-r border-black/10 dark:border-white/10 md:w-[340px] lg:w-[400px] md:shrink-0`}>
        <Inbox me={me} openId={openId} onOpen={open} connection={connection} />
      </div>
      <main className={`${openId ? 'flex' : 'hidden md:flex'} min-w-0 flex-1 flex-col`}>
        {openId ? (
          <ConversationView key={openId} conversationId={openId} me={me} onBack={() => open(null)} fillGap={fill} />
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
      <p className="max-w-sm text-sm text-neutral-500 dark:text-neutral-400">
        Pick a conversation on the left, or search for someone by username to start one.
      </p>
    </div>
  );
}
