'use client';
// A round avatar: the person's or group's photo where there is one to see, else their initials (or a
// group's silhouette) on a colour that is stable for their id.
import { useState } from 'react';
import { mediaUrl, thumbnailUrl } from '@/lib/media.ts';
import { GroupIcon } from './icons.tsx';

const COLOURS = ['bg-emerald-700', 'bg-sky-700', 'bg-violet-700', 'bg-amber-700', 'bg-rose-700', 'bg-teal-700', 'bg-indigo-700', 'bg-orange-700'];

function colourFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return COLOURS[Math.abs(h) % COLOURS.length];
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? words[words.length - 1][0] : '')).toUpperCase();
}

const SIZES = {
  xs: 'h-6 w-6 text-[10px]',
  sm: 'h-9 w-9 text-sm',
  md: 'h-12 w-12 text-base',
  lg: 'h-24 w-24 text-3xl',
};

export function Avatar({ id, name, size = 'md', group = false, photo }: {
  id: string;
  name: string;
  size?: keyof typeof SIZES;
  group?: boolean;
  /** The photo's media id (the thumbnail, or the whole for the large size). */
  photo?: string;
}) {
  // A photo that cannot be had (gone, no longer allowed, offline) leaves the initials.
  const [failed, setFailed] = useState<string | null>(null);
  if (photo && failed !== photo) {
    return (
      <img src={size === 'lg' ? mediaUrl(photo) : thumbnailUrl(photo)} alt="" aria-hidden="true" loading="lazy" decoding="async" draggable={false}
        onError={() => setFailed(photo)}
        className={`${SIZES[size]} shrink-0 select-none rounded-full bg-neutral-200 object-cover dark:bg-neutral-700`} />
    );
  }
  return (
    <span aria-hidden="true" className={`${SIZES[size]} ${group ? 'bg-neutral-500 dark:bg-neutral-600' : colourFor(id)} inline-flex shrink-0 select-none items-center justify-center rounded-full font-semibold text-white`}>
      {group ? <GroupIcon className="h-3/5 w-3/5" /> : initials(name)}
    </span>
  );
}
