'use client';
// Picking people by username or name: chips for who is picked, a search with results below.
import { useDeferredValue, useState } from 'react';
import type { UserSummary } from '@/lib/schemas.ts';
import { trpc } from '../trpc.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { CheckIcon, CloseIcon } from '../ui/icons.tsx';
import { SearchBox } from '../ui/search-box.tsx';

export function PeoplePicker({ picked, onChange, exclude = [] }: {
  picked: UserSummary[];
  onChange: (picked: UserSummary[]) => void;
  /** Ids not to offer (people already in the group). */
  exclude?: string[];
}) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query.trim());
  const results = trpc.users.search.useQuery({ query: deferred }, { enabled: deferred.length > 0, placeholderData: (prev) => prev });
  // Before a search: the caller's contacts.
  const contacts = trpc.contacts.list.useQuery(undefined, { enabled: deferred.length === 0 });
  const pickedIds = new Set(picked.map((u) => u.id));
  const offered = ((deferred ? results.data : contacts.data) ?? []).filter((u) => !exclude.includes(u.id));

  function toggle(user: UserSummary) {
    onChange(pickedIds.has(user.id) ? picked.filter((u) => u.id !== user.id) : [...picked, user]);
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      {picked.length > 0 && (
        <ul aria-label="Picked people" className="flex flex-wrap gap-1.5 px-4 pt-3">
          {picked.map((u) => (
            <li key={u.id} className="flex items-center gap-1 rounded-full bg-black/[.06] py-0.5 pl-0.5 pr-1 text-sm dark:bg-white/10">
              <Avatar id={u.id} name={u.displayName} size="xs" photo={u.photo} />
              <span className="max-w-[10rem] truncate">{u.displayName}</span>
              <button type="button" onClick={() => toggle(u)} aria-label={`Remove ${u.displayName}`}
                className="rounded-full p-0.5 text-neutral-600 dark:text-neutral-400 hover:bg-black/10 dark:hover:bg-white/10">
                <CloseIcon className="h-3.5 w-3.5" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="px-3 py-2">
        <SearchBox label="Search people to add" value={query} onChange={setQuery} placeholder="Search name or username" />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {!deferred && offered.length === 0 ? (
          <p className="px-4 py-3 text-sm text-neutral-600 dark:text-neutral-400">
            {contacts.isPending ? 'Loading your contacts…' : 'Type a name or username to find people.'}
          </p>
        ) : deferred && results.isPending ? (
          <p className="px-4 py-3 text-sm text-neutral-600 dark:text-neutral-400">Searching…</p>
        ) : offered.length === 0 ? (
          <p className="px-4 py-3 text-sm text-neutral-600 dark:text-neutral-400">No one found for “{deferred}”.</p>
        ) : (
          <ul aria-label={deferred ? 'People found' : 'Contacts'}>
            {offered.map((u) => {
              const on = pickedIds.has(u.id);
              return (
                <li key={u.id}>
                  <button type="button" role="checkbox" aria-checked={on} onClick={() => toggle(u)}
                    aria-label={`${u.displayName} (@${u.username})`}
                    className="flex w-full items-center gap-3 px-3 py-2 text-left hover:bg-black/[.04] dark:hover:bg-white/[.05]">
                    <Avatar id={u.id} name={u.displayName} photo={u.photo} />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-medium">{u.displayName}</span>
                      <span className="block truncate text-sm text-neutral-600 dark:text-neutral-400">@{u.username}</span>
                    </span>
                    <span className={`flex h-5 w-5 shrink-0 items-center justify-center rounded border ${on ? 'border-brand bg-brand text-white dark:border-emerald-500 dark:bg-emerald-500' : 'border-neutral-400'}`}>
                      {on && <CheckIcon className="h-3.5 w-3.5" />}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </div>
  );
}
