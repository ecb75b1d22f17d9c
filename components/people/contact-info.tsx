'use client';
// Contact info, beside a one-to-one chat: who the person is (name, username, about line, online or
// last seen as their privacy allows), the groups shared with them (each a way into that chat), and
// adding them to contacts or blocking them.
import { useState } from 'react';
import type { ConversationSummary, UserProfile, UserSummary } from '@/lib/schemas.ts';
import { MuteMenu, mutedLabel } from '../chat/mute-menu.tsx';
import { errorMessage, trpc } from '../trpc.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { SidePanel } from '../ui/side-panel.tsx';
import { ChatMediaRow } from '../media/chat-media.tsx';
import { BlockConfirm } from './block-confirm.tsx';
import { usePeopleActions } from './use-people.ts';

export function ContactInfo({ person, chat, status, onOpenChat, onShowMedia, onClose }: {
  /** Who, as the chat already knows them: shown at once, the rest when the profile arrives. */
  person: UserSummary;
  /** The one-to-one chat with them (its notifications are muted here too). */
  chat: ConversationSummary | undefined;
  /** "online", "last seen …", or nothing (hidden, or not known while we are not connected). */
  status: string | null;
  onOpenChat: (conversationId: string) => void;
  /** Opens the chat's media and files. */
  onShowMedia: () => void;
  onClose: () => void;
}) {
  const profile = trpc.users.profile.useQuery({ userId: person.id }, { staleTime: 0 });
  const shown = profile.data ?? person;
  const groups = profile.data?.sharedGroups;
  const muted = 'text-sm text-neutral-600 dark:text-neutral-400';
  return (
    <SidePanel title="Contact info" onClose={onClose}>
      <section className="flex flex-col items-center gap-1 bg-surface-panel px-6 pb-5 pt-6 text-center dark:bg-surface-panel-dark">
        <Avatar id={person.id} name={shown.displayName} size="lg" photo={profile.data ? profile.data.photo : person.photo} />
        <h3 className="mt-2 text-xl font-medium [overflow-wrap:anywhere]">{shown.displayName}</h3>
        <p className={muted}>@{shown.username}</p>
        {status && <p className={muted}>{status}</p>}
      </section>
      {profile.error ? (
        <p role="alert" className="mt-2 bg-surface-panel px-6 py-4 text-sm text-red-700 dark:bg-surface-panel-dark dark:text-red-300">
          Could not load the profile. {errorMessage(profile.error)}{' '}
          <button type="button" onClick={() => void profile.refetch()} className="underline">Try again</button>
        </p>
      ) : (
        <>
          <section aria-label="About" className="mt-2 bg-surface-panel px-6 py-4 dark:bg-surface-panel-dark">
            <h4 className={`mb-1 ${muted}`}>About</h4>
            {profile.data ? (
              <p className="whitespace-pre-wrap text-[15px] [overflow-wrap:anywhere]">{profile.data.about || <span className={muted}>Nothing here yet</span>}</p>
            ) : (
              <p role="status" className={muted}>Loading…</p>
            )}
          </section>
          {chat && <ChatMediaRow conversationId={chat.id} onOpen={onShowMedia} />}
          {chat && (
            <section aria-label="Notifications" className="mt-2 flex items-center gap-3 bg-surface-panel px-6 py-3 dark:bg-surface-panel-dark">
              <span className="min-w-0 flex-1">
                <span className="block text-[15px]">Notifications</span>
                <span className={`block ${muted}`}>{chat.mutedUntil ? mutedLabel(chat.mutedUntil) : 'On'}</span>
              </span>
              <MuteMenu conversation={chat} />
            </section>
          )}
          {groups && groups.length > 0 && (
            <section aria-label="Groups in common" className="mt-2 bg-surface-panel py-3 dark:bg-surface-panel-dark">
              <h4 className={`px-6 pb-2 ${muted}`}>{groups.length} {groups.length === 1 ? 'group' : 'groups'} in common</h4>
              <ul>
                {groups.map((g) => (
                  <li key={g.id}>
                    <button type="button" onClick={() => onOpenChat(g.id)}
                      className="flex w-full items-center gap-3 px-6 py-2 text-left hover:bg-black/[.04] dark:hover:bg-white/[.05]">
                      <Avatar id={g.id} name={g.title} size="md" group />
                      <span className="min-w-0 flex-1 truncate text-[15px]">{g.title}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {profile.data && <PersonActions profile={profile.data} />}
        </>
      )}
    </SidePanel>
  );
}

const action = 'flex w-full items-center px-6 py-3 text-left text-[15px] hover:bg-black/[.04] disabled:opacity-60 dark:hover:bg-white/[.05]';

function PersonActions({ profile }: { profile: UserProfile }) {
  const people = usePeopleActions();
  const [confirmBlock, setConfirmBlock] = useState(false);
  const busy = Object.values(people).some((m) => m.isPending);
  const failed = Object.values(people).find((m) => m.error)?.error;
  const name = profile.displayName;
  return (
    <section aria-label="Actions" className="mt-2 bg-surface-panel py-2 dark:bg-surface-panel-dark">
      {profile.isContact ? (
        <button type="button" disabled={busy} onClick={() => people.remove.mutate({ userId: profile.id })} className={`${action} text-brand dark:text-emerald-400`}>
          Remove from contacts
        </button>
      ) : (
        <button type="button" disabled={busy} onClick={() => people.add.mutate({ username: profile.username })} className={`${action} text-brand dark:text-emerald-400`}>
          Add to contacts
        </button>
      )}
      {profile.blocked ? (
        <button type="button" disabled={busy} onClick={() => people.unblock.mutate({ userId: profile.id })} className={`${action} text-red-700 dark:text-red-300`}>
          Unblock {name}
        </button>
      ) : (
        <button type="button" disabled={busy} onClick={() => setConfirmBlock(true)} className={`${action} text-red-700 dark:text-red-300`}>
          Block {name}
        </button>
      )}
      {failed && <p role="alert" className="px-6 pb-2 text-sm text-red-700 dark:text-red-300">{errorMessage(failed)}</p>}
      {confirmBlock && <BlockConfirm person={profile} onClose={() => setConfirmBlock(false)} />}
    </section>
  );
}
