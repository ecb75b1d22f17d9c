'use client';
// Messages found by a search, newest first, the words found marked; more load as the list scrolls.
import { highlight, searchTerms, snippet } from '@/lib/search.ts';
import type { SearchHit } from '@/lib/schemas.ts';
import { errorMessage, trpc } from '../trpc.tsx';
import { formatInboxTime } from '../ui/format.ts';
import { LoadMore } from '../ui/load-more.tsx';

export function MessageHits({ query, conversationId, meId, onPick }: {
  query: string;
  /** One chat's messages only (then the chat is not named on each). */
  conversationId?: string;
  meId: string;
  onPick: (hit: SearchHit) => void;
}) {
  const search = trpc.messages.search.useInfiniteQuery(
    { query, conversationId },
    { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: (previous) => previous, retry: false },
  );
  const terms = searchTerms(query);
  const hits = search.data?.pages.flatMap((p) => p.hits) ?? [];
  if (search.isPending) return <p className="px-4 py-3 text-sm text-neutral-600 dark:text-neutral-400" aria-busy="true">Searching messages…</p>;
  if (search.isError) return <p role="alert" className="px-4 py-3 text-sm text-red-600">Could not search. {errorMessage(search.error)}</p>;
  if (hits.length === 0) return <p className="px-4 py-3 text-sm text-neutral-600 dark:text-neutral-400">No messages found for “{query}”.</p>;
  return (
    <ul aria-busy={search.isPlaceholderData} className={search.isPlaceholderData ? 'opacity-70' : ''}>
      {hits.map((hit) => (
        <li key={`${hit.conversationId}:${hit.seq}`}>
          <button type="button" onClick={() => onPick(hit)}
            className="block w-full border-b border-black/5 px-4 py-2.5 text-left hover:bg-black/[.04] focus-visible:bg-black/[.04] dark:border-white/5 dark:hover:bg-white/[.05]">
            <span className="flex items-baseline gap-2">
              <span className="min-w-0 flex-1 truncate text-[15px] font-medium">
                {conversationId ? (hit.senderId === meId ? 'You' : hit.senderName) : hit.conversationTitle}
              </span>
              <time dateTime={hit.createdAt.toISOString()} className="shrink-0 text-xs text-neutral-600 dark:text-neutral-400">{formatInboxTime(hit.createdAt)}</time>
            </span>
            <span dir="auto" className="block truncate text-sm text-neutral-600 dark:text-neutral-400">
              {!conversationId && (hit.senderId === meId ? 'You: ' : hit.conversationKind === 'group' ? `${hit.senderName}: ` : '')}
              {highlight(snippet(hit.body, terms), terms).map((run, i) =>
                run.match ? <mark key={i} className="bg-transparent font-semibold text-emerald-800 dark:text-emerald-400">{run.text}</mark> : run.text,
              )}
            </span>
          </button>
        </li>
      ))}
      {search.hasNextPage && <LoadMore key={hits.length} load={() => search.fetchNextPage({ throwOnError: true })} what="results" />}
    </ul>
  );
}
