'use client';
// Forward a message to one or several chats: pick them (the chats loaded in the list, filtered by
// name), and it goes to each through the outbox, marked "Forwarded".
import { useState } from 'react';
import type { ConversationSummary, Message } from '@/lib/schemas.ts';
import { Avatar } from '../ui/avatar.tsx';
import { Dialog, DialogActions, dialogButton } from '../ui/dialog.tsx';

/** A message can go to this many chats at once (WhatsApp's limit is five). */
export const FORWARD_MAX = 5;

export function ForwardDialog({ message, chats, onForward, onClose }: {
  message: Message;
  chats: ConversationSummary[];
  onForward: (conversationIds: string[]) => void;
  onClose: () => void;
}) {
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const needle = filter.trim().toLowerCase();
  const shown = chats.filter((c) => c.role !== null && (!needle || c.title.toLowerCase().includes(needle) || c.peer?.username.includes(needle)));
  const toggle = (id: string) => setChosen((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : ids.length < FORWARD_MAX ? [...ids, id] : ids));
  return (
    <Dialog title="Forward message to…" onClose={onClose}>
      <p className="mb-3 line-clamp-2 rounded-md bg-black/5 px-3 py-2 text-sm text-neutral-700 dark:bg-white/10 dark:text-neutral-300">{message.body}</p>
      <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Search chats" placeholder="Search chats" autoFocus
        className="mb-2 w-full rounded-lg bg-white px-3 py-2 text-sm ring-1 ring-black/10 focus:outline-none focus:ring-2 focus:ring-brand dark:bg-neutral-800 dark:ring-white/15" />
      <ul aria-label="Chats" className="max-h-64 overflow-y-auto">
        {shown.map((c) => (
          <li key={c.id}>
            <label className="flex cursor-pointer items-center gap-3 rounded-md px-2 py-1.5 hover:bg-black/5 dark:hover:bg-white/10">
              <input type="checkbox" checked={chosen.includes(c.id)} onChange={() => toggle(c.id)}
                disabled={!chosen.includes(c.id) && chosen.length >= FORWARD_MAX} className="h-4 w-4 accent-brand" />
              <Avatar id={c.peer?.id ?? c.id} name={c.title} size="sm" group={c.kind === 'group'} photo={c.photo} />
              <span className="truncate">{c.title}</span>
            </label>
          </li>
        ))}
        {shown.length === 0 && <li className="px-2 py-3 text-sm text-neutral-600 dark:text-neutral-400">No chats found.</li>}
      </ul>
      {chosen.length >= FORWARD_MAX && <p className="mt-2 text-xs text-neutral-600 dark:text-neutral-400">You can forward to up to {FORWARD_MAX} chats at once.</p>}
      <DialogActions>
        <button type="button" onClick={onClose} className={dialogButton.quiet}>Cancel</button>
        <button type="button" disabled={chosen.length === 0} onClick={() => onForward(chosen)} className={dialogButton.main}>
          {chosen.length > 1 ? `Forward to ${chosen.length} chats` : 'Forward'}
        </button>
      </DialogActions>
    </Dialog>
  );
}
