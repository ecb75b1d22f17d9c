'use client';
// "Search messages" in one chat: a panel beside it; a result goes to its message in the chat.
import { useDeferredValue, useRef, useState } from 'react';
import { isSearchable } from '@/lib/search.ts';
import { SearchBox } from '../ui/search-box.tsx';
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
        <SearchBox label="Search this chat" value={query} onChange={setQuery} placeholder="Search…" inputRef={input} onPanel />
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
