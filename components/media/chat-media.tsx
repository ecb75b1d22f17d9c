'use client';
// A chat's media: a row in the contact and group panels with the newest few, and the panel with all
// of them, newest first, as far back as the person may read (photos and videos in a grid that opens
// the viewer over all of them, files and voice messages in a list), each a way to its message.
import { useState } from 'react';
import { formatDuration, thumbnailUrl, type ChatMediaItem } from '@/lib/media.ts';
import { trpc } from '../trpc.tsx';
import { ChevronRightIcon, VideoIcon } from '../ui/icons.tsx';
import { LoadMore } from '../ui/load-more.tsx';
import { SidePanel } from '../ui/side-panel.tsx';
import type { NameOf } from '../ui/people.ts';
import { MediaViewer, MessageMedia, sentBy } from './media-view.tsx';

const PREVIEW = 4;
const visual = (item: ChatMediaItem) => item.media.kind === 'image' || item.media.kind === 'video';

function Tile({ item, onOpen }: { item: ChatMediaItem; onOpen: () => void }) {
  const { media } = item;
  return (
    <button type="button" onClick={onOpen} aria-label={`${media.kind === 'image' ? 'Photo' : 'Video'} ${media.name}`}
      className="relative aspect-square overflow-hidden rounded-md bg-black/10 dark:bg-white/10">
      {media.thumbnail ? (
        <img src={thumbnailUrl(media.id)} alt="" className="h-full w-full object-cover" loading="lazy" />
      ) : (
        <span className="block h-full w-full bg-neutral-800" />
      )}
      {media.kind === 'video' && (
        <span className="absolute bottom-1 left-1 flex items-center gap-1 rounded-full bg-black/60 px-1.5 py-0.5 text-[11px] font-medium text-white">
          <VideoIcon className="h-3 w-3" />
          {media.durationMs ? formatDuration(media.durationMs) : 'Video'}
        </span>
      )}
    </button>
  );
}

/** "Media and files" with the newest few, in a contact's or a group's panel. */
export function ChatMediaRow({ conversationId, onOpen }: { conversationId: string; onOpen: () => void }) {
  const newest = trpc.media.list.useQuery({ conversationId, limit: PREVIEW * 3 }, { retry: false });
  const tiles = (newest.data?.items ?? []).filter((i) => visual(i) && i.media.thumbnail).slice(0, PREVIEW);
  return (
    <section aria-label="Media and files" className="mt-2 bg-surface-panel px-6 py-3 dark:bg-surface-panel-dark">
      <button type="button" onClick={onOpen} className="flex w-full items-center gap-2 text-left text-[15px]">
        <span className="flex-1">Media and files</span>
        {newest.data && newest.data.items.length === 0 && <span className="text-sm text-neutral-600 dark:text-neutral-400">None yet</span>}
        <ChevronRightIcon className="h-5 w-5 text-neutral-600 dark:text-neutral-400" />
      </button>
      {tiles.length > 0 && (
        <div className="mt-2 grid grid-cols-4 gap-1.5">
          {tiles.map((item) => (
            <img key={item.seq} src={thumbnailUrl(item.media.id)} alt="" className="aspect-square w-full rounded-md object-cover" />
          ))}
        </div>
      )}
    </section>
  );
}

/** Every photo, video, voice message and file of the chat the person may see. */
export function ChatMediaPanel({ conversationId, nameOf, onShow, onClose }: {
  conversationId: string;
  /** Names of the chat's people, "You" for the caller. */
  nameOf: NameOf;
  /** Goes to the message a file was sent in. */
  onShow: (seq: number) => void;
  onClose: () => void;
}) {
  const pages = trpc.media.list.useInfiniteQuery(
    { conversationId },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, retry: false },
  );
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const visuals = items.filter(visual);
  const photos = visuals.filter((i) => i.media.kind === 'image');
  const others = items.filter((i) => !visual(i));
  const [viewing, setViewing] = useState<number | null>(null);
  const muted = 'text-sm text-neutral-600 dark:text-neutral-400';
  return (
    <SidePanel title="Media and files" onClose={onClose}>
      {pages.isPending ? (
        <p role="status" className={`p-6 ${muted}`}>Loading…</p>
      ) : pages.isError ? (
        <p role="alert" className={`p-6 ${muted}`}>Could not load this chat’s media. <button type="button" className="underline" onClick={() => void pages.refetch()}>Try again</button></p>
      ) : items.length === 0 ? (
        <p className={`p-6 text-center ${muted}`}>No photos, videos or files in this chat yet.</p>
      ) : (
        <>
          {visuals.length > 0 && (
            <section aria-label="Photos and videos" className="bg-surface-panel p-3 dark:bg-surface-panel-dark">
              <div className="grid grid-cols-3 gap-1.5">
                {visuals.map((item) => (
                  <Tile key={item.seq} item={item}
                    onOpen={() => (item.media.kind === 'image' ? setViewing(photos.indexOf(item)) : onShow(item.seq))} />
                ))}
              </div>
            </section>
          )}
          {others.length > 0 && (
            <section aria-label="Files and voice messages" className="mt-2 bg-surface-panel dark:bg-surface-panel-dark">
              <ul>
                {others.map((item) => (
                  <li key={item.seq} className="border-b border-black/5 px-4 py-3 last:border-0 dark:border-white/5">
                    <MessageMedia media={item.media} />
                    <button type="button" onClick={() => onShow(item.seq)} className={`mt-1 ${muted} hover:underline`}>
                      {sentBy(item, nameOf)} · Show in chat
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {pages.hasNextPage && <LoadMore key={items.length} as="div" what="media" load={() => pages.fetchNextPage()} />}
        </>
      )}
      {viewing !== null && photos[viewing] && (
        <MediaViewer photos={photos} nameOf={nameOf} index={viewing} onIndex={setViewing} onClose={() => setViewing(null)} />
      )}
    </SidePanel>
  );
}
