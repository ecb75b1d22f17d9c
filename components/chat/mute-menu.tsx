'use client';
// The conversation header's bell: mute notifications for 8 hours, a week or always, or unmute.
import { useRef } from 'react';
import type { ConversationSummary, MuteDuration } from '@/lib/schemas.ts';
import { errorMessage, trpc } from '../trpc.tsx';
import { applyListState } from './inbox-cache.ts';
import { BellIcon, BellOffIcon } from '../ui/icons.tsx';

const CHOICES: { duration: Exclude<MuteDuration, null>; label: string }[] = [
  { duration: '8h', label: 'For 8 hours' },
  { duration: '1w', label: 'For 1 week' },
  { duration: 'always', label: 'Always' },
];

export function mutedLabel(until: Date): string {
  if (until.getUTCFullYear() >= 9999) return 'Muted';
  return `Muted until ${until.toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })}`;
}

export function MuteMenu({ conversation }: { conversation: ConversationSummary }) {
  const utils = trpc.useUtils();
  const menu = useRef<HTMLDetailsElement>(null);
  const mute = trpc.conversations.mute.useMutation({
    onSuccess: (summary) => {
      applyListState(utils, summary);
      if (menu.current) menu.current.open = false;
    },
  });
  const muted = conversation.mutedUntil;
  const choose = (duration: MuteDuration) => mute.mutate({ conversationId: conversation.id, duration });
  return (
    <details ref={menu} className="relative">
      <summary
        aria-label={muted ? `${mutedLabel(muted)}: change notifications` : 'Mute notifications'}
        title={muted ? mutedLabel(muted) : 'Mute notifications'}
        className="cursor-pointer list-none rounded-full p-2 text-neutral-600 hover:bg-black/5 dark:text-neutral-300 dark:hover:bg-white/10"
      >
        {muted ? <BellOffIcon className="h-5 w-5" /> : <BellIcon className="h-5 w-5" />}
      </summary>
      <div role="menu" className="absolute right-0 z-30 mt-1 w-56 rounded-lg bg-surface-panel py-1 text-sm shadow-lg ring-1 ring-black/10 dark:bg-surface-panel-dark dark:ring-white/10">
        <p className="px-3 py-1.5 text-xs text-neutral-600 dark:text-neutral-400">{muted ? mutedLabel(muted) : 'Mute notifications'}</p>
        {CHOICES.map((c) => (
          <button key={c.duration} type="button" role="menuitem" disabled={mute.isPending} onClick={() => choose(c.duration)}
            className="block w-full px-3 py-2 text-left hover:bg-black/5 disabled:opacity-60 dark:hover:bg-white/10">
            {c.label}
          </button>
        ))}
        {muted && (
          <button type="button" role="menuitem" disabled={mute.isPending} onClick={() => choose(null)}
            className="block w-full px-3 py-2 text-left font-medium text-brand hover:bg-black/5 disabled:opacity-60 dark:text-emerald-400 dark:hover:bg-white/10">
            Unmute
          </button>
        )}
        {mute.error && <p role="alert" className="px-3 py-1.5 text-xs text-red-700 dark:text-red-300">{errorMessage(mute.error)}</p>}
      </div>
    </details>
  );
}
