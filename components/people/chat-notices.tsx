'use client';
// What a one-to-one chat says about its person in place of (or above) the composer: that the caller
// blocked them (with Unblock), or that someone not in the caller's contacts wrote (Block or Add).
import { useState } from 'react';
import type { UserSummary } from '@/lib/schemas.ts';
import { errorMessage } from '@/lib/api-errors.ts';
import { BlockConfirm } from './block-confirm.tsx';
import { usePeopleActions } from './use-people.ts';

const bar = 'shrink-0 border-black/5 bg-surface px-4 py-3 text-center text-sm text-neutral-700 dark:border-white/5 dark:bg-surface-panel-dark dark:text-neutral-200';
const link = 'rounded-full px-3 py-1 font-semibold text-brand hover:bg-black/5 disabled:opacity-60 dark:text-emerald-400 dark:hover:bg-white/10';

export function BlockedBar({ person }: { person: UserSummary }) {
  const { unblock } = usePeopleActions();
  return (
    <div role="status" className={`${bar} border-t`}>
      You blocked {person.displayName}.{' '}
      <button type="button" disabled={unblock.isPending} onClick={() => unblock.mutate({ userId: person.id })} className={link}>Unblock</button>
      {unblock.error && <span role="alert" className="block text-red-700 dark:text-red-300">{errorMessage(unblock.error)}</span>}
    </div>
  );
}

export function StrangerNotice({ person }: { person: UserSummary }) {
  const { add } = usePeopleActions();
  const [blocking, setBlocking] = useState(false);
  return (
    <div role="region" aria-label="Not in your contacts" className={`${bar} border-b`}>
      <p>{person.displayName} (@{person.username}) is not in your contacts.</p>
      <div className="mt-1 flex justify-center gap-2">
        <button type="button" onClick={() => setBlocking(true)} className={`${link} text-red-700 dark:text-red-300`}>Block</button>
        <button type="button" disabled={add.isPending} onClick={() => add.mutate({ username: person.username })} className={link}>Add to contacts</button>
      </div>
      {add.error && <p role="alert" className="text-red-700 dark:text-red-300">{errorMessage(add.error)}</p>}
      {blocking && <BlockConfirm person={person} onClose={() => setBlocking(false)} />}
    </div>
  );
}
