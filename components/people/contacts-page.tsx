'use client';
// Contacts, in the chat list's column: add people by username, start a chat with any of them, and the
// people this account blocks (each with Unblock).
import { useRef, useState, type ReactNode } from 'react';
import type { UserSummary } from '@/lib/schemas.ts';
import { errorMessage } from '@/lib/api-errors.ts';
import { trpc } from '../trpc.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { Drawer, DrawerSection } from '../ui/drawer.tsx';
import { Field, useFocusFirstError } from '../ui/field.tsx';
import { usePeopleActions } from './use-people.ts';

const muted = 'px-4 text-sm text-neutral-600 dark:text-neutral-400';
const rowButton = 'shrink-0 rounded-full px-3 py-1 text-sm font-medium hover:bg-black/5 disabled:opacity-60 dark:hover:bg-white/10';

export function ContactsPage({ onClose, onOpenChat }: { onClose: () => void; onOpenChat: (conversationId: string) => void }) {
  const contacts = trpc.contacts.list.useQuery(undefined, { staleTime: 0 });
  const blocked = trpc.contacts.blocked.useQuery(undefined, { staleTime: 0 });
  const openDirect = trpc.conversations.openDirect.useMutation({ onSuccess: (chat) => onOpenChat(chat.id) });
  const people = usePeopleActions();
  return (
    <Drawer title="Contacts" onClose={onClose}>
      <DrawerSection title="Add a contact">
        <AddContact />
      </DrawerSection>
      <DrawerSection title="Your contacts">
        {!contacts.data ? (
          <p role="status" className={muted}>{contacts.error ? `Could not load them. ${errorMessage(contacts.error)}` : 'Loading…'}</p>
        ) : contacts.data.length === 0 ? (
          <p className={muted}>No contacts yet. Add people by their username, or from a chat’s contact info.</p>
        ) : (
          <ul aria-label="Your contacts">
            {contacts.data.map((u) => (
              <PersonRow key={u.id} person={u}>
                <button type="button" disabled={openDirect.isPending} onClick={() => openDirect.mutate({ username: u.username })}
                  className={`${rowButton} text-brand dark:text-emerald-400`} aria-label={`Chat with ${u.displayName}`}>
                  Chat
                </button>
                <button type="button" disabled={people.remove.isPending} onClick={() => people.remove.mutate({ userId: u.id })}
                  className={`${rowButton} text-neutral-700 dark:text-neutral-300`} aria-label={`Remove ${u.displayName} from contacts`}>
                  Remove
                </button>
              </PersonRow>
            ))}
          </ul>
        )}
        {openDirect.error && <p role="alert" className="px-4 pt-2 text-sm text-red-700 dark:text-red-300">{errorMessage(openDirect.error)}</p>}
      </DrawerSection>
      <DrawerSection title="Blocked">
        {!blocked.data ? (
          <p role="status" className={muted}>{blocked.error ? `Could not load them. ${errorMessage(blocked.error)}` : 'Loading…'}</p>
        ) : blocked.data.length === 0 ? (
          <p className={muted}>You have blocked nobody. Block someone from their contact info.</p>
        ) : (
          <ul aria-label="Blocked people">
            {blocked.data.map((u) => (
              <PersonRow key={u.id} person={u}>
                <button type="button" disabled={people.unblock.isPending} onClick={() => people.unblock.mutate({ userId: u.id })}
                  className={`${rowButton} text-red-700 dark:text-red-300`} aria-label={`Unblock ${u.displayName}`}>
                  Unblock
                </button>
              </PersonRow>
            ))}
          </ul>
        )}
      </DrawerSection>
    </Drawer>
  );
}

function PersonRow({ person, children }: { person: UserSummary; children: ReactNode }) {
  return (
    <li className="flex items-center gap-3 px-4 py-2">
      <Avatar id={person.id} name={person.displayName} photo={person.photo} />
      <span className="min-w-0 flex-1">
        <span className="block truncate text-[15px]">{person.displayName}</span>
        <span className="block truncate text-xs text-neutral-600 dark:text-neutral-400">@{person.username}</span>
      </span>
      {children}
    </li>
  );
}

function AddContact() {
  const { add } = usePeopleActions();
  const [username, setUsername] = useState('');
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, add.error);
  return (
    <form ref={form} className="px-4" onSubmit={(e) => {
      e.preventDefault();
      add.mutate({ username: username.trim() }, { onSuccess: () => setUsername('') });
    }}>
      <Field label="Username" value={username} onChange={(e) => setUsername(e.target.value)} placeholder="their_username"
        autoCapitalize="none" autoCorrect="off" spellCheck={false} required maxLength={32}
        error={add.error ? errorMessage(add.error) : undefined}
        hint={add.data && !username ? `${add.data.displayName} is in your contacts.` : undefined} />
      <button type="submit" disabled={add.isPending || !username.trim()}
        className="rounded-full bg-brand px-4 py-1.5 text-sm font-medium text-white disabled:opacity-60">
        {add.isPending ? 'Adding…' : 'Add'}
      </button>
    </form>
  );
}
