'use client';
// The inbox: conversations by last activity with preview, time and unread count, and search to start one.
import dynamic from 'next/dynamic';
import { useCallback, useDeferredValue, useEffect, useRef, useState } from 'react';
import type { ConversationSummary, InboxPage, Presence } from '@/lib/schemas.ts';
import type { SessionUser } from '@/server/auth/current-user.ts';
import { appendPage, applyListState, newerOf } from '../chat/inbox-cache.ts';
import { ChatFilters, FILTERS, sortForList, type ChatFilter } from './chat-filters.tsx';
import { ConnectionBanner, type Connection } from '../chat/connection-banner.tsx';
import { usePresence, type ChatClient } from '../chat/sync.tsx';
import { ChatMenu } from './chat-menu.tsx';
import { ConversationRow } from './conversation-row.tsx';
import { useNotice } from '../ui/notice.tsx';
import { useDismiss } from '../ui/use-dismiss.ts';
import { NotificationSettings } from '../pwa/notification-settings.tsx';
import { forgetThisBrowser, setAppBadge } from '../pwa/service-worker.ts';
import { clearCachedHistories } from '../chat/history-cache.ts';
import { clearInboxSnapshots, loadInboxSnapshot, saveInboxSnapshot } from './inbox-snapshot.ts';
import { signOut } from '../auth/session.ts';
import { errorMessage, trpc } from '../trpc.tsx';
import { isSearchable } from '@/lib/search.ts';
import { MessageHits } from '../search/message-hits.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { LoadMore } from '../ui/load-more.tsx';
import { SearchBox } from '../ui/search-box.tsx';
import { ArchiveIcon, BackIcon, GroupIcon } from '../ui/icons.tsx';

// Opened on demand: its code loads then, not with the inbox.
const NewGroup = dynamic(() => import('../groups/new-group.tsx').then((m) => m.NewGroup));
const SecuritySettings = dynamic(() => import('../settings/security-settings.tsx').then((m) => m.SecuritySettings));
const ProfileSettings = dynamic(() => import('../settings/profile-settings.tsx').then((m) => m.ProfileSettings));
const ContactsPage = dynamic(() => import('../people/contacts-page.tsx').then((m) => m.ContactsPage));
const AdminPage = dynamic(() => import('../admin/admin-page.tsx').then((m) => m.AdminPage));

export function Inbox({ me, openId, onOpen, connection, client }: {
  me: SessionUser;
  openId: string | null;
  /** Opens a chat (at one of its messages when `seq` is given); null closes the open one. */
  onOpen: (id: string | null, seq?: number) => void;
  connection: Connection;
  /** Typing, presence and drafts for the rows; the message store for what the chat menu clears. */
  client: ChatClient;
}) {
  const { typing, presence, drafts } = client;
  const [notice, notify] = useNotice();
  const [query, setQuery] = useState('');
  const [creatingGroup, setCreatingGroup] = useState(false);
  // A page over the chat list (the new group's is `creatingGroup`).
  const [drawer, setDrawer] = useState<Page | null>(null);
  // The name as the server has it now (the page's session says what it was at sign-in).
  const myProfile = trpc.users.me.useQuery().data;
  const myName = myProfile?.displayName ?? me.name;
  const deferredQuery = useDeferredValue(query.trim());
  const utils = trpc.useUtils();
  // A refetch that left before a live message arrived must not take the inbox back (inbox-cache.ts).
  const inbox = trpc.conversations.list.useQuery(undefined, {
    structuralSharing: (cached, fresh) => newerOf(cached as InboxPage | undefined, fresh as InboxPage),
  });
  const all = inbox.data?.conversations;
  const [filter, setFilter] = useState<ChatFilter>('all');
  const [showArchived, setShowArchived] = useState(false);
  const archived = all?.filter((c) => c.archived) ?? [];
  // Pinned chats first (the newest pin on top), then by activity; archived ones apart.
  const conversations = all && sortForList(all.filter((c) => c.archived === showArchived && FILTERS[filter].keep(c)));
  // A chat marked unread is read once opened (marking the open chat keeps the mark until it is opened again).
  const lastOpened = useRef<string | null>(null);
  useEffect(() => {
    if (!openId || openId === lastOpened.current || !all) return;
    lastOpened.current = openId;
    if (!all.some((c) => c.id === openId && c.markedUnread)) return;
    void utils.client.conversations.setListState.mutate({ conversationId: openId, unread: false }).then((summary) => applyListState(utils, summary), () => {});
  }, [openId, all, utils]);
  // Opens with the inbox as last seen (offline, or before the server answers), and keeps that copy.
  useEffect(() => {
    if (utils.conversations.list.getData()) return;
    const snapshot = loadInboxSnapshot(me.id);
    if (snapshot) utils.conversations.list.setData(undefined, snapshot);
  }, [me.id, utils]);
  useEffect(() => {
    if (!inbox.data) return;
    saveInboxSnapshot(me.id, inbox.data);
    const unread = inbox.data.conversations.reduce((sum, c) => sum + c.unreadCount, 0);
    setAppBadge(unread);
    document.title = unread > 0 ? `(${unread > 999 ? '999+' : unread}) Parley` : 'Parley';
  }, [me.id, inbox.data]);
  const peerIds = (conversations ?? []).flatMap((c) => (c.peer ? [c.peer.id] : [])).sort();
  const presenceOf = usePresence(presence, peerIds);

  if (drawer === 'security') return <SecuritySettings onClose={() => setDrawer(null)} />;
  if (drawer === 'profile') return <ProfileSettings onClose={() => setDrawer(null)} />;
  if (drawer === 'admin') return <AdminPage meId={me.id} onClose={() => setDrawer(null)} />;
  if (drawer === 'contacts') return <ContactsPage onClose={() => setDrawer(null)} onOpenChat={(id) => { setDrawer(null); onOpen(id); }} />;
  if (creatingGroup) {
    return (
      <NewGroup onClose={() => setCreatingGroup(false)} onCreated={(id) => { setCreatingGroup(false); onOpen(id); }} />
    );
  }

  return (
    <>
      <header className="flex h-16 shrink-0 items-center gap-3 bg-surface px-4 dark:bg-surface-panel-dark">
        <button type="button" onClick={() => setDrawer('profile')} aria-label={`Your profile, ${myName}`} title="Profile"
          className="-ml-1 flex min-w-0 flex-1 items-center gap-3 rounded-lg p-1 text-left hover:bg-black/5 dark:hover:bg-white/10">
          <Avatar id={me.id} name={myName} size="sm" photo={myProfile?.photo} />
          <span className="min-w-0 flex-1">
            <span className="block truncate font-medium leading-tight">{myName}</span>
            <span className="block truncate text-xs text-neutral-600 dark:text-neutral-400">@{me.username}</span>
          </span>
        </button>
        <button type="button" onClick={() => setCreatingGroup(true)} aria-label="New group" title="New group"
          className="rounded-full p-2 text-neutral-600 hover:bg-black/5 dark:text-neutral-300 dark:hover:bg-white/10">
          <GroupIcon className="h-5 w-5" />
        </button>
        <SettingsMenu onOpen={setDrawer} />
      </header>
      <div className="border-b border-black/5 px-3 py-2 dark:border-white/10">
        <SearchBox label="Search people, chats and messages" value={query} onChange={setQuery} placeholder="Search or start a new chat" />
      </div>
      <ConnectionBanner connection={connection} />
      {!deferredQuery && (
        showArchived ? (
          <div className="flex items-center gap-2 border-b border-black/5 px-3 py-2 dark:border-white/10">
            <button type="button" onClick={() => setShowArchived(false)} aria-label="Back to chats" className="rounded-full p-1.5 hover:bg-black/5 dark:hover:bg-white/10">
              <BackIcon className="h-5 w-5" />
            </button>
            <h2 className="font-medium">Archived</h2>
          </div>
        ) : (
          <ChatFilters value={filter} onChange={setFilter} />
        )
      )}
      {notice}
      <nav aria-label="Conversations" className="min-h-0 flex-1 overflow-y-auto">
        {!deferredQuery && !showArchived && archived.length > 0 && filter === 'all' && (
          <button type="button" onClick={() => setShowArchived(true)}
            className="flex w-full items-center gap-3 px-6 py-3 text-left text-sm font-medium hover:bg-black/[.04] dark:hover:bg-white/[.05]">
            <ArchiveIcon className="h-5 w-5 text-brand dark:text-emerald-400" />
            <span className="flex-1">Archived</span>
            <span className="text-xs text-neutral-600 dark:text-neutral-400">{archived.length}</span>
          </button>
        )}
        {deferredQuery ? (
          <SearchResults query={deferredQuery} conversations={all ?? []} openId={openId} meId={me.id}
            onOpen={(id, seq) => {
              // A chat found by name clears the search; a message keeps the results, to pick another.
              if (seq === undefined) setQuery('');
              onOpen(id, seq);
            }} />
        ) : !conversations ? (
          inbox.isError ? (
            <p className="p-6 text-center text-sm text-red-600">Could not load your conversations. {errorMessage(inbox.error)}</p>
          ) : (
            <InboxSkeleton />
          )
        ) : conversations.length === 0 && (showArchived || filter !== 'all') ? (
          <p className="p-8 text-center text-sm text-neutral-600 dark:text-neutral-400">
            {showArchived ? 'No archived chats.' : FILTERS[filter].empty}
          </p>
        ) : conversations.length === 0 && archived.length === 0 ? (
          <div className="p-8 text-center text-sm text-neutral-600 dark:text-neutral-400">
            <p className="mb-1 font-medium text-neutral-700 dark:text-neutral-200">No conversations yet</p>
            <p>Search for someone by username above to start chatting, or make a group.</p>
          </div>
        ) : (
          <ul>
            {conversations.map((c) => (
              <li key={c.id}>
                <ConversationRow conversation={c} active={c.id === openId} meId={me.id} onOpen={onOpen} typing={typing} drafts={drafts}
                  online={connection.state === 'online' && isOnline(c.peer && presenceOf(c.peer.id))} menu={(open, setOpen) => (
                    <ChatMenu conversation={c} client={client} notify={notify} onOpen={onOpen} openId={openId} open={open} onOpenChange={setOpen} />
                  )} />
              </li>
            ))}
            {inbox.data?.nextCursor && <MoreChats key={inbox.data.nextCursor} cursor={inbox.data.nextCursor} />}
          </ul>
        )}
      </nav>
    </>
  );
}

/** The end of the loaded chats: the next page loads as it scrolls into view. */
function MoreChats({ cursor }: { cursor: string }) {
  const utils = trpc.useUtils();
  const load = async () => {
    const page = await utils.client.conversations.list.query({ cursor });
    utils.conversations.list.setData(undefined, (loaded) => appendPage(loaded, page));
  };
  return <LoadMore load={load} what="chats" />;
}

const VISIBILITY_LABEL = { everyone: 'Everyone', contacts: 'My contacts', nobody: 'Nobody' } as const;

/** The pages Settings opens over the chat list. */
const PAGES = { profile: 'Profile', contacts: 'Contacts', security: 'Devices and security', admin: 'Administration' } as const;
type Page = keyof typeof PAGES;

type Audience = keyof typeof VISIBILITY_LABEL;

/** Who sees something of mine (unknown until my profile is here). */
function AudienceSelect({ label, value, disabled, onChange }: { label: string; value: Audience | undefined; disabled: boolean; onChange: (value: Audience) => void }) {
  return (
    <label className="mb-3 block">
      <span className="mb-1 block font-medium">{label}</span>
      <select
        className="w-full rounded-md border border-neutral-300 bg-white px-2 py-1.5 dark:border-neutral-600 dark:bg-neutral-900"
        value={value ?? 'everyone'}
        disabled={value === undefined || disabled}
        onChange={(e) => onChange(e.target.value as Audience)}
      >
        {Object.entries(VISIBILITY_LABEL).map(([v, text]) => (
          <option key={v} value={v}>{text}</option>
        ))}
      </select>
    </label>
  );
}

function SettingsMenu({ onOpen }: { onOpen: (page: Page) => void }) {
  const me = trpc.users.me.useQuery();
  const utils = trpc.useUtils();
  const forgetPush = trpc.push.unsubscribe.useMutation();
  const [loggingOut, setLoggingOut] = useState(false);
  const logOut = async () => {
    setLoggingOut(true);
    // This browser stops getting this account's pushes and keeps no copy of its inbox.
    await forgetThisBrowser((endpoint) => forgetPush.mutateAsync({ endpoint })).catch(() => {});
    clearInboxSnapshots();
    await clearCachedHistories();
    await signOut();
  };
  const setVisibility = trpc.presence.setVisibility.useMutation({
    onSuccess: ({ visibility }) => utils.users.me.setData(undefined, (m) => (m ? { ...m, presenceVisibility: visibility } : m)),
  });
  const setPhotoVisibility = trpc.users.updateProfile.useMutation({ onSuccess: (saved) => utils.users.me.setData(undefined, saved) });
  // A popover like the others: Esc or a press outside closes it (Esc gives the focus back to it).
  const details = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  const close = useCallback(() => {
    const el = details.current;
    if (!el) return;
    const inside = el.contains(document.activeElement);
    el.open = false;
    if (inside) el.querySelector('summary')?.focus();
  }, []);
  useDismiss(open, [details], close);
  return (
    <details ref={details} className="relative" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer list-none rounded-md px-2 py-1 text-sm text-neutral-600 hover:bg-black/5 dark:text-neutral-300 dark:hover:bg-white/10">
        Settings
      </summary>
      <div className="absolute right-0 z-20 mt-1 w-64 rounded-lg bg-surface-panel p-3 text-sm shadow-lg ring-1 ring-black/10 dark:bg-surface-panel-dark dark:ring-white/10">
        <AudienceSelect label="Who sees my online status and last seen" value={me.data?.presenceVisibility} disabled={setVisibility.isPending}
          onChange={(visibility) => setVisibility.mutate({ visibility })} />
        <AudienceSelect label="Who sees my profile photo" value={me.data?.photoVisibility} disabled={setPhotoVisibility.isPending}
          onChange={(photoVisibility) => setPhotoVisibility.mutate({ photoVisibility })} />
        <NotificationSettings />
        {(Object.keys(PAGES) as Page[]).filter((page) => page !== 'admin' || me.data?.role === 'admin').map((page) => (
          <button
            key={page}
            type="button"
            onClick={(e) => {
              e.currentTarget.closest('details')?.removeAttribute('open');
              onOpen(page);
            }}
            className="mt-3 w-full rounded-md px-2 py-1.5 text-left hover:bg-black/5 dark:hover:bg-white/10"
          >
            {PAGES[page]}
          </button>
        ))}
        <button
          type="button"
          onClick={() => void logOut()}
          disabled={loggingOut}
          className="mt-3 w-full rounded-md px-2 py-1.5 text-left text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950/40"
        >
          Log out
        </button>
      </div>
    </details>
  );
}


function isOnline(presence: Presence | null | undefined): boolean {
  return presence?.visible === true && presence.online;
}


function SearchResults({ query, conversations, openId, onOpen, meId }: {
  query: string;
  conversations: ConversationSummary[];
  openId: string | null;
  /** Opens a chat, at one of its messages when `seq` is given. */
  onOpen: (id: string, seq?: number) => void;
  meId: string;
}) {
  const people = trpc.users.search.useQuery({ query }, { placeholderData: (prev) => prev });
  const openDirect = trpc.conversations.openDirect.useMutation();
  const utils = trpc.useUtils();
  const lower = query.toLowerCase();
  const chats = conversations.filter((c) => c.title.toLowerCase().includes(lower) || c.peer?.username.includes(lower));

  async function startChat(username: string) {
    const conversation = await openDirect.mutateAsync({ username });
    void utils.conversations.list.invalidate();
    onOpen(conversation.id);
  }

  return (
    <div>
      {chats.length > 0 && (
        <section aria-label="Chats">
          <h2 className="px-4 pb-1 pt-3 text-xs font-semibold uppercase tracking-wide text-brand dark:text-emerald-400">Chats</h2>
          <ul>
            {chats.map((c) => (
              <li key={c.id}>
                <ConversationRow conversation={c} active={c.id === openId} meId={meId} onOpen={onOpen} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-label="People">
        <h2 className="px-4 pb-1 pt-3 text-xs font-semibold uppercase tracking-wide text-brand dark:text-emerald-400">People</h2>
        {openDirect.error && <p role="alert" className="px-4 py-2 text-sm text-red-600">{errorMessage(openDirect.error)}</p>}
        {people.isPending ? (
          <p className="px-4 py-3 text-sm text-neutral-600 dark:text-neutral-400">Searching…</p>
        ) : (people.data ?? []).length === 0 ? (
          <p className="px-4 py-3 text-sm text-neutral-600 dark:text-neutral-400">No one found for “{query}”.</p>
        ) : (
          <ul>
            {people.data!.map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  aria-label={`Chat with ${u.displayName} (@${u.username})`}
                  disabled={openDirect.isPending}
                  onClick={() => void startChat(u.username)}
                  className="flex w-full items-center gap-3 px-3 py-2.5 text-left hover:bg-black/[.04] disabled:opacity-60 dark:hover:bg-white/[.05]"
                >
                  <Avatar id={u.id} name={u.displayName} photo={u.photo} />
                  <span className="min-w-0">
                    <span className="block truncate font-medium">{u.displayName}</span>
                    <span className="block truncate text-sm text-neutral-600 dark:text-neutral-400">@{u.username}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {isSearchable(query) && (
        <section aria-label="Messages">
          <h2 className="px-4 pb-1 pt-3 text-xs font-semibold uppercase tracking-wide text-brand dark:text-emerald-400">Messages</h2>
          <MessageHits query={query} meId={meId} onPick={(hit) => onOpen(hit.conversationId, hit.seq)} />
        </section>
      )}
    </div>
  );
}

function InboxSkeleton() {
  return (
    <ul aria-label="Loading conversations" aria-busy="true">
      {[0, 1, 2, 3, 4].map((i) => (
        <li key={i} className="flex items-center gap-3 px-3 py-3">
          <span className="h-12 w-12 animate-pulse rounded-full bg-black/10 dark:bg-white/10" />
          <span className="flex-1 space-y-2">
            <span className="block h-3 w-1/3 animate-pulse rounded bg-black/10 dark:bg-white/10" />
            <span className="block h-3 w-2/3 animate-pulse rounded bg-black/5 dark:bg-white/5" />
          </span>
        </li>
      ))}
    </ul>
  );
}
