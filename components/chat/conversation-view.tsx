'use client';
// One open conversation: header, history (loaded by sequence as you scroll), and the composer.
import dynamic from 'next/dynamic';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { toQuote } from '@/lib/message-changes.ts';
import type { Message } from '@/lib/schemas.ts';
import type { SessionUser } from '@/server/auth/current-user.ts';
import { trpc } from '../trpc.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { formatLastSeen, typingLabel } from '../ui/format.ts';
import { useNotice } from '../ui/notice.tsx';
import { tooLarge, type MediaSummary } from '@/lib/media.ts';
import { kindOf } from '../media/uploader.ts';
import { BackIcon, SearchIcon } from '../ui/icons.tsx';
import { namesFrom, photosFrom } from '../ui/people.ts';
import { useMessageActions } from '../messages/use-message-actions.tsx';
import { BlockedBar, StrangerNotice } from '../people/chat-notices.tsx';
import { useBlocks, useIsContact } from '../people/use-people.ts';
import { Composer } from './composer.tsx';
import { ConnectionBanner, type Connection } from './connection-banner.tsx';
import { applyOwnRead } from './inbox-cache.ts';
import { MuteMenu } from './mute-menu.tsx';
import { MessageList } from './message-list.tsx';
import { isInFront, usePresence, type ChatClient } from './sync.tsx';
import { useHistory } from './use-history.ts';

// Panels opened on demand load their code then, not with the chat.
const GroupInfo = dynamic(() => import('../groups/group-info.tsx').then((m) => m.GroupInfo));
const MessageInfo = dynamic(() => import('./message-info.tsx').then((m) => m.MessageInfo));
const ChatSearch = dynamic(() => import('../search/chat-search.tsx').then((m) => m.ChatSearch));
const ContactInfo = dynamic(() => import('../people/contact-info.tsx').then((m) => m.ContactInfo));
const MediaViewer = dynamic(() => import('../media/media-view.tsx').then((m) => m.MediaViewer));
const ChatMediaPanel = dynamic(() => import('../media/chat-media.tsx').then((m) => m.ChatMediaPanel));
const ShareLocationDialog = dynamic(() => import('../media/location.tsx').then((m) => m.ShareLocationDialog));

/** Files one send may hold, as in WhatsApp. */
const MAX_ATTACHMENTS = 30;

const NOBODY_TYPING: readonly string[] = [];

/** Re-renders when the window gains or loses focus or the tab is shown or hidden. */
function useInFront(conversationId: string): boolean {
  const [inFront, setInFront] = useState(false);
  useEffect(() => {
    const update = () => setInFront(isInFront(conversationId, conversationId));
    update();
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    document.addEventListener('visibilitychange', update);
    return () => {
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
      document.removeEventListener('visibilitychange', update);
    };
  }, [conversationId]);
  return inFront;
}

export function ConversationView({ conversationId, me, onBack, onOpenChat, client, connection, focus = null }: {
  conversationId: string;
  me: SessionUser;
  onBack: () => void;
  /** Opens another chat (a group in common, from the contact's panel). */
  onOpenChat: (conversationId: string) => void;
  client: ChatClient;
  /** Said here too on phones, where the chat list (which says it) is hidden behind the chat. */
  connection: Connection;
  /** A message to go to (a search result), once the chat has loaded. */
  focus?: { seq: number } | null;
}) {
  const utils = trpc.useUtils();
  const { receipts, outbox, typing, typingNotifier } = client;
  const typers = useSyncExternalStore(typing.subscribe, () => typing.typers(conversationId), () => NOBODY_TYPING);
  const conversation = trpc.conversations.get.useQuery({ conversationId }, { retry: false });
  // Until the server answers (or while it cannot be reached), the chat as the chat list has it.
  const listed = trpc.conversations.list.useQuery(undefined, { enabled: false }).data?.conversations.find((c) => c.id === conversationId);

  // Read = open, visible, focused, and the message on screen.
  const inFront = useInFront(conversationId);
  const [bottomVisibleSeq, setBottomVisibleSeq] = useState(0);
  const readSeq = conversation.data?.readSeq ?? 0;
  useEffect(() => {
    if (!inFront || bottomVisibleSeq <= readSeq) return;
    receipts.read(conversationId, bottomVisibleSeq);
    applyOwnRead(utils, conversationId, bottomVisibleSeq);
  }, [inFront, bottomVisibleSeq, readSeq, conversationId, receipts, utils]);

  const [panel, setPanel] = useState<{ kind: 'group' } | { kind: 'contact' } | { kind: 'message'; seq: number } | { kind: 'search' } | { kind: 'media' } | null>(null);
  const summary = conversation.data ?? listed;
  const isGroup = summary?.kind === 'group';
  const members = trpc.conversations.members.useQuery({ conversationId }, { enabled: isGroup, retry: false });
  const title = summary?.title;
  const peer = summary?.peer;
  const direct = summary?.kind === 'direct' && peer ? peer : null;
  const iBlock = useBlocks(direct?.id);
  const isContact = useIsContact(direct?.id);
  const nameOf = namesFrom(members.data ?? (peer ? [{ ...peer, role: 'member', joinedAt: new Date(0), active: true }] : undefined), me.id);
  // Where the chat opens (its unread messages) is the server's say: the chat list may be the copy
  // last seen on this device, from before news or a read elsewhere (CI opened chats read elsewhere
  // at their "first unread"). The list's copy only when the server cannot answer.
  const opening = conversation.data ?? (conversation.isError ? listed : undefined);
  const { view, latest, loadOlder, unread, jump, showMessage } = useHistory(conversationId, me.id, client, opening, connection.state === 'online');
  const [replyingTo, setReplyingTo] = useState<Message | null>(null);
  /** What is sent next quotes the message being replied to; sending ends the reply. */
  const replying = () => {
    const replyTo = replyingTo ? toQuote(replyingTo) : undefined;
    setReplyingTo(null);
    return replyTo;
  };
  const [viewing, setViewing] = useState<number | null>(null);
  const { actions, overlay } = useMessageActions(conversationId, client, {
    canChange: summary?.role !== null,
    reply: setReplyingTo,
    show: (seq) => void showMessage(seq),
    info: (m) => setPanel({ kind: 'message', seq: m.seq }),
    openPhoto: (m) => setViewing(m.seq),
  });
  const photos = view.messages.filter((m): m is Message & { media: MediaSummary } => m.media?.kind === 'image');
  const viewedAt = photos.findIndex((m) => m.seq === viewing);
  // Files picked to send, waiting in the composer's tray; dropped on the chat too.
  const [attachments, setAttachments] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [sharingPlace, setSharingPlace] = useState(false);
  const canWrite = !(direct && iBlock) && !(summary && summary.role === null);
  // What may be sent is known before a byte goes up: a file over its kind's limit is said at once.
  const limits = trpc.media.limits.useQuery(undefined, { enabled: canWrite, staleTime: Infinity, retry: false });
  const [notice, notify] = useNotice();
  const attach = (files: File[]) => {
    const refused = limits.data ? files.map((f) => [f, tooLarge(kindOf(f), f.size, limits.data)] as const).filter(([, why]) => why) : [];
    if (refused.length) notify(`“${refused[0][0].name}” is too big to send. ${refused[0][1]}.`, true);
    const accepted = files.filter((f) => !refused.some(([r]) => r === f));
    setAttachments((current) => [...current, ...accepted].slice(0, MAX_ATTACHMENTS));
  };
  // After the list has placed itself (at the unread divider or the bottom), or it would move away again.
  const placed = view.loaded && unread !== undefined;
  useEffect(() => {
    if (focus && placed) void showMessage(focus.seq);
    // Once per request and placement: showMessage changes with nothing that matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, placed]);
  const typingNames = typers.map((id) => (id === peer?.id ? peer.displayName : (nameOf(id) ?? 'Someone')));
  const presence = usePresence(client.presence, peer ? [peer.id] : [])(peer?.id ?? '');
  // What we knew of their presence may be stale while we are not connected ourselves: say nothing then.
  const status = connection.state === 'online' && presence?.visible ? (presence.online ? 'online' : presence.lastSeenAt ? formatLastSeen(presence.lastSeenAt) : null) : null;
  const memberLine = (members.data ?? [])
    .filter((m) => m.active)
    .map((m) => (m.id === me.id ? 'You' : m.displayName))
    .sort((a, b) => Number(a === 'You') - Number(b === 'You') || a.localeCompare(b))
    .join(', ');
  const subtitle = isGroup ? (summary?.role === null ? 'You are no longer a member' : memberLine) : (status ?? (peer ? `@${peer.username}` : ''));
  // Back in touch with the server: load what could not be loaded.
  const reconnected = connection.state === 'online';
  const { isError: summaryFailed, refetch: refetchSummary } = conversation;
  useEffect(() => {
    if (reconnected && summaryFailed) void refetchSummary();
  }, [reconnected, summaryFailed, refetchSummary]);
  // Only a refusal replaces the chat; a server that cannot be reached leaves what this device has.
  const refused = [conversation.error, latest.error].find((e) => e?.data?.code === 'FORBIDDEN');
  const unreachable = !refused && (conversation.error ?? latest.error);

  return (
    <div className="relative flex h-full min-h-0 w-full">
      <div className="relative flex min-w-0 flex-1 flex-col"
        onDragOver={(e) => {
          if (!canWrite || !e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          setDragging(false);
          if (!canWrite || !e.dataTransfer.files.length) return;
          e.preventDefault();
          attach([...e.dataTransfer.files]);
        }}>
        {dragging && (
          <div className="pointer-events-none absolute inset-0 z-30 flex items-center justify-center bg-surface/90 text-lg font-medium text-brand dark:bg-surface-panel-dark/90 dark:text-emerald-400">
            Drop files to send them
          </div>
        )}
        <header className="flex h-16 shrink-0 items-center gap-3 border-b border-black/5 bg-surface px-3 dark:border-white/5 dark:bg-surface-panel-dark">
          <button type="button" onClick={onBack} aria-label="Back to conversations" className="-ml-1 rounded-full p-1.5 hover:bg-black/5 md:hidden dark:hover:bg-white/10">
            <BackIcon className="h-6 w-6" />
          </button>
          {title ? (
            <div className="relative flex min-w-0 flex-1 items-center gap-3">
              <Avatar id={peer?.id ?? conversationId} name={title} size="sm" group={isGroup} photo={summary?.photo} />
              <div className="min-w-0">
                <h1 className="truncate font-medium leading-tight">{title}</h1>
                {typingNames.length > 0 ? (
                  <p className="truncate text-xs font-medium text-brand dark:text-emerald-400" aria-live="polite">{typingLabel(typingNames)}</p>
                ) : (
                  <p className="truncate text-xs text-neutral-600 dark:text-neutral-400" aria-live="polite">{subtitle}</p>
                )}
              </div>
              {/* The whole title area opens the group's or the contact's info, as in WhatsApp. */}
              {(isGroup || peer) && (
                <button type="button" onClick={() => setPanel({ kind: isGroup ? 'group' : 'contact' })} aria-label={isGroup ? 'Group info' : 'Contact info'}
                  className="absolute inset-0 rounded-md focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand" />
              )}
            </div>
          ) : (
            <span className="h-4 w-40 animate-pulse rounded bg-black/10 dark:bg-white/10" aria-label="Loading conversation" />
          )}
          <button type="button" onClick={() => setPanel({ kind: 'search' })} aria-label="Search messages" title="Search messages"
            className="rounded-full p-2 text-neutral-600 hover:bg-black/5 dark:text-neutral-300 dark:hover:bg-white/10">
            <SearchIcon className="h-5 w-5" />
          </button>
          {summary && summary.role !== null && <MuteMenu conversation={summary} />}
        </header>
        {/* Over the top of the chat, not above it: its coming and going does not move the messages. */}
        <div className="relative z-10 md:hidden">
          <ConnectionBanner connection={connection} className="absolute inset-x-0 top-0 shadow-sm" />
        </div>
        {refused ? (
          <div className="chat-wallpaper flex flex-1 items-center justify-center p-6">
            <p role="alert" className="rounded-lg bg-white px-4 py-3 text-sm shadow dark:bg-surface-panel-dark">This conversation is not available to you.</p>
          </div>
        ) : (
          <>
            {unreachable && !view.loaded && (
              <p role="status" className="border-b border-black/5 bg-surface px-4 py-2 text-xs text-neutral-700 dark:border-white/5 dark:bg-surface-panel-dark dark:text-neutral-300">
                {view.messages.length ? 'Showing what this device has of this chat: the server cannot be reached.' : 'This chat loads when the server can be reached.'}{' '}
                <button type="button" className="font-semibold underline" onClick={() => void latest.refetch()}>Try again</button>
              </p>
            )}
            {/* Someone new wrote first: say so until the caller answers, adds or blocks them. */}
            {direct && isContact === false && iBlock === false && view.loaded && view.messages.length > 0 && view.messages.every((m) => m.senderId !== me.id) && (
              <StrangerNotice person={direct} />
            )}
            <MessageList
              view={view}
              meId={me.id}
              isDirect={summary?.kind === 'direct'}
              nameOf={nameOf}
              photoOf={isGroup ? photosFrom(members.data) : undefined}
              allDeliveredSeq={summary?.allDeliveredSeq ?? 0}
              allReadSeq={summary?.allReadSeq ?? 0}
              unread={unread}
              onLoadOlder={loadOlder}
              onBottomVisibleSeq={setBottomVisibleSeq}
              onRetry={(clientId) => void outbox.retry(clientId)}
              onDiscard={(clientId) => void outbox.discard(conversationId, clientId)}
              actions={actions}
              jump={jump}
            />
            {direct && iBlock ? (
              <BlockedBar person={direct} />
            ) : summary && summary.role === null ? (
              <p role="status" className="shrink-0 border-t border-black/5 bg-surface px-4 py-4 text-center text-sm text-neutral-600 dark:border-white/5 dark:bg-surface-panel-dark dark:text-neutral-300">
                You can’t send messages to this group because you’re no longer a member.
              </p>
            ) : (
              <Composer
                conversationId={conversationId}
                draft={client.drafts.get(conversationId)}
                onDraftChange={(text) => client.drafts.set(conversationId, text)}
                replyTo={replyingTo && { quote: toQuote(replyingTo), name: nameOf(replyingTo.senderId) ?? 'Former member' }}
                onCancelReply={() => setReplyingTo(null)}
                attachments={attachments}
                onAttach={attach}
                onRemoveAttachment={(index) => setAttachments((current) => current.filter((_, i) => i !== index))}
                onShareLocation={() => setSharingPlace(true)}
                onSend={(body) => {
                  const replyTo = replying();
                  if (attachments.length) {
                    // One message per file, in order; the caption and the quote go with the first.
                    void (async () => {
                      for (const [i, file] of attachments.entries()) await outbox.enqueueFile(conversationId, file, i === 0 ? body : '', i === 0 ? { replyTo } : {});
                    })();
                    setAttachments([]);
                  } else void outbox.enqueue(conversationId, body, { replyTo });
                }}
                onVoice={({ file, durationMs, waveform }) => void outbox.enqueueFile(conversationId, file, '', { voice: { durationMs, waveform }, replyTo: replying() })}
                onTyping={() => typingNotifier.typed(conversationId)}
                onStopTyping={() => typingNotifier.stopped(conversationId)}
              />
            )}
          </>
        )}
      </div>
      {overlay}
      {notice}
      {sharingPlace && (
        <ShareLocationDialog onClose={() => setSharingPlace(false)}
          onShare={(location) => {
            setSharingPlace(false);
            void outbox.enqueue(conversationId, '', { location, replyTo: replying() });
          }} />
      )}
      {viewedAt >= 0 && (
        <MediaViewer photos={photos} nameOf={nameOf} index={viewedAt} onIndex={(i) => setViewing(photos[i].seq)} onClose={() => setViewing(null)} />
      )}
      {panel?.kind === 'group' && summary && (
        <GroupInfo conversation={summary} members={members.data} meId={me.id} onShowMedia={() => setPanel({ kind: 'media' })} onClose={() => setPanel(null)} />
      )}
      {panel?.kind === 'contact' && peer && (
        <ContactInfo person={peer} chat={summary?.role !== null ? summary : undefined} status={status} onOpenChat={onOpenChat}
          onShowMedia={() => setPanel({ kind: 'media' })} onClose={() => setPanel(null)} />
      )}
      {panel?.kind === 'media' && (
        <ChatMediaPanel conversationId={conversationId} nameOf={nameOf} onShow={(seq) => void showMessage(seq)} onClose={() => setPanel(null)} />
      )}
      {panel?.kind === 'search' && (
        <ChatSearch conversationId={conversationId} meId={me.id} onPick={(seq) => void showMessage(seq)} onClose={() => setPanel(null)} />
      )}
      {panel?.kind === 'message' && (
        <MessageInfo conversationId={conversationId} message={view.messages.find((m) => m.seq === panel.seq)} onClose={() => setPanel(null)} />
      )}
    </div>
  );
}
