'use client';
// New group, in the inbox's column: pick people, then name it (and describe it, if you like).
import { useState } from 'react';
import type { UserSummary } from '@/lib/schemas.ts';
import { errorMessage, trpc } from '../trpc.tsx';
import { DrawerHeader } from '../ui/drawer.tsx';
import { PeoplePicker } from './people-picker.tsx';

export function NewGroup({ onClose, onCreated }: { onClose: () => void; onCreated: (conversationId: string) => void }) {
  const [picked, setPicked] = useState<UserSummary[]>([]);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const utils = trpc.useUtils();
  const create = trpc.groups.create.useMutation({
    onSuccess: (group) => {
      void utils.conversations.list.invalidate();
      onCreated(group.id);
    },
  });

  return (
    <>
      <DrawerHeader title="New group" onClose={onClose} />
      <form
        className="flex min-h-0 flex-1 flex-col"
        onSubmit={(e) => {
          e.preventDefault();
          if (!create.isPending) create.mutate({ title, description: description || undefined, usernames: picked.map((u) => u.username) });
        }}
      >
        <div className="space-y-3 border-b border-black/5 px-4 py-4 dark:border-white/10">
          <label className="block">
            <span className="mb-1 block text-sm font-medium text-neutral-700 dark:text-neutral-300">Group name</span>
            <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={100} required
              className="w-full rounded-md border border-neutral-300 bg-white px-3 py-2 outline-none focus:border-brand dark:border-neutral-600 dark:bg-neutral-900" />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm font-medium text-neutral-700 dark:text-neutral-300">
              Description <span className="font-normal text-neutral-600 dark:text-neutral-400">(optional)</span>
            </span>
            <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} rows={2}
              className="w-full resize-none rounded-md border border-neutral-300 bg-white px-3 py-2 outline-none focus:border-brand dark:border-neutral-600 dark:bg-neutral-900" />
          </label>
        </div>
        <p className="px-4 pt-3 text-xs font-semibold uppercase tracking-wide text-brand dark:text-emerald-400">
          Members {picked.length > 0 && `· ${picked.length + 1}`}
        </p>
        <PeoplePicker picked={picked} onChange={setPicked} />
        <div className="shrink-0 border-t border-black/5 px-4 py-3 dark:border-white/10">
          {create.error && <p role="alert" className="mb-2 text-sm text-red-600 dark:text-red-400">{errorMessage(create.error)}</p>}
          <button type="submit" disabled={create.isPending || !title.trim()}
            className="w-full rounded-full bg-brand py-2.5 font-medium text-white transition hover:bg-brand-dark disabled:bg-neutral-300 disabled:text-neutral-500 dark:disabled:bg-neutral-700">
            {create.isPending ? 'Creating…' : 'Create group'}
          </button>
        </div>
      </form>
    </>
  );
}
