'use client';
// The reactions under a bubble: the emoji chosen and how many chose them; a click shows who, and
// lets you take yours back.
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { Reaction } from '@/lib/schemas.ts';
import type { NameOf } from '../ui/people.ts';
import { useDismiss } from '../ui/use-dismiss.ts';

export function Reactions({ reactions, meId, nameOf, mine, onRemove }: {
  reactions: Reaction[];
  meId: string;
  nameOf: NameOf;
  /** Under one of the caller's own bubbles (aligned right). */
  mine: boolean;
  /** Takes the caller's reaction back. */
  onRemove: () => void;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, [button, panel], close);
  useLayoutEffect(() => {
    if (!open || !button.current || !panel.current) return setPlace(null);
    const b = button.current.getBoundingClientRect();
    const h = panel.current.offsetHeight;
    const w = panel.current.offsetWidth;
    setPlace({
      top: b.bottom + h + 8 < window.innerHeight ? b.bottom + 4 : Math.max(8, b.top - h - 4),
      left: Math.min(Math.max(8, mine ? b.right - w : b.left), window.innerWidth - w - 8),
    });
  }, [open, mine]);

  const total = reactions.reduce((n, r) => n + r.userIds.length, 0);
  const label = `Reactions: ${reactions.map((r) => `${r.emoji} ${r.userIds.length}`).join(', ')}`;
  return (
    <>
      <button ref={button} type="button" aria-label={label} aria-expanded={open} onClick={() => setOpen(!open)}
        className="-mt-1.5 flex items-center gap-0.5 rounded-full bg-surface-panel px-1.5 py-0.5 text-sm leading-none shadow ring-1 ring-black/5 hover:ring-black/15 dark:bg-surface-panel-dark dark:ring-white/10">
        {reactions.slice(0, 3).map((r) => <span key={r.emoji} aria-hidden="true">{r.emoji}</span>)}
        {total > 1 && <span className="ml-0.5 text-xs text-neutral-600 dark:text-neutral-300" aria-hidden="true">{total}</span>}
      </button>
      {open && (
        <div ref={panel} role="dialog" aria-label="Who reacted"
          style={{ position: 'fixed', ...(place ?? { left: -9999, top: 0 }) }}
          className="z-40 max-h-72 w-64 overflow-y-auto rounded-xl bg-surface-panel py-2 text-sm shadow-lg ring-1 ring-black/10 dark:bg-surface-panel-dark dark:ring-white/10">
          <ul>
            {reactions.flatMap((r) =>
              r.userIds.map((userId) => (
                <li key={`${r.emoji}:${userId}`} className="flex items-center gap-3 px-4 py-1.5">
                  <span className="text-lg" aria-hidden="true">{r.emoji}</span>
                  {userId === meId ? (
                    <button type="button" autoFocus className="flex-1 text-left" aria-label={`You reacted ${r.emoji}: remove`}
                      onClick={() => {
                        setOpen(false);
                        onRemove();
                      }}>
                      You
                      <span className="block text-xs text-neutral-600 dark:text-neutral-400">Click to remove</span>
                    </button>
                  ) : (
                    <span className="flex-1">
                      <span className="sr-only">{r.emoji} </span>
                      {nameOf(userId) ?? 'Former member'}
                    </span>
                  )}
                </li>
              )),
            )}
          </ul>
        </div>
      )}
    </>
  );
}
