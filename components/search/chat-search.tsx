'use client';
// "Search messages" in one chat: a panel beside it; a result goes to its message in the chat.
import { useDeferredValue, useRef, useState } from 'react';
import { isSearchable } from '@/lib/search.ts';
import { SearchIcon } from '../ui/icons.tsx';
import { SidePanel } from '../ui/side-panel.tsx';
import { MessageHits } from './message-hits.tsx';

export function ChatSearch({ conversationId, meId, onPick, onClose }: {
  conversationId: string;
  meId: string;
  onPick: (seq: number) => void;
  onClose: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query.trim());
  return (
    <SidePanel title="Search messages" onClose={onClose} focus={input}>
      <div className="border-b border-black/5 px-3 py-2 dark:border-white/10">
        <label className="flex items-center gap-2 rounded-lg bg-surface-panel px-3 py-1.5 dark:bg-surface-panel-dark">
          <SearchIcon className="h-4 w-4 text-neutral-600 dark:text-neutral-400" />
          <span className="sr-only">Search this chat</span>
          <input ref={input} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search…"
            className="w-full bg-transparent py-1 text-[15px] outline-none placeholder:text-neutral-600 dark:placeholder:text-neutral-400" />
        </label>
      </div>
      {isSearchable(deferred) ? (
        <MessageHits query={deferred} conversationId={conversationId} meId={meId} onPick={(hit) => onPick(hit.seq)} />
      ) : (
        <p className="px-6 py-8 text-center text-sm text-neutral-600 dark:text-neutral-400">
          {deferred ? 'Type at least two letters.' : 'Search for messages in this chat.'}
        </p>
      )}
    </SidePanel>
  );
}
