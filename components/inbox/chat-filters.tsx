'use client';
// The chat list's filters (All, Unread, Groups) and its order: pinned chats first, then by activity.
import type { ConversationSummary } from '@/lib/schemas.ts';

export type ChatFilter = 'all' | 'unread' | 'groups';

export const FILTERS: Record<ChatFilter, { label: string; keep: (c: ConversationSummary) => boolean; empty: string }> = {
  all: { label: 'All', keep: () => true, empty: 'No chats.' },
  unread: { label: 'Unread', keep: (c) => c.unreadCount > 0 || c.markedUnread, empty: 'No unread chats.' },
  groups: { label: 'Groups', keep: (c) => c.kind === 'group', empty: 'No groups yet.' },
};

const time = (d: Date | null) => (d ? new Date(d).getTime() : 0);

export function sortForList(chats: ConversationSummary[]): ConversationSummary[] {
  return [...chats].sort((a, b) => time(b.pinnedAt) - time(a.pinnedAt) || time(b.lastActivityAt) - time(a.lastActivityAt));
}

export function ChatFilters({ value, onChange }: { value: ChatFilter; onChange: (filter: ChatFilter) => void }) {
  return (
    <div role="group" aria-label="Show" className="flex gap-2 border-b border-black/5 px-3 py-2 dark:border-white/10">
      {(Object.keys(FILTERS) as ChatFilter[]).map((f) => (
        <button key={f} type="button" aria-pressed={value === f} onClick={() => onChange(f)}
          className={`rounded-full px-3 py-1 text-sm transition ${
            value === f
              ? 'bg-brand-light font-medium text-brand-dark dark:bg-emerald-900/60 dark:text-emerald-200'
              : 'bg-surface text-neutral-700 hover:bg-black/5 dark:bg-surface-dark dark:text-neutral-300 dark:hover:bg-white/10'
          }`}>
          {FILTERS[f].label}
        </button>
      ))}
    </div>
  );
}
