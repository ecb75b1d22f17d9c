'use client';
// Every emoji, searchable, with skin tones and the ones used last first: emoji-picker-element (a
// maintained web component), loaded when first opened, with its data served by this server
// (app/emoji-data.json: nothing is fetched from elsewhere). Its search box has the focus.
import { useEffect, useRef } from 'react';

/** Where the picker's data is served (the same on every page). */
export const EMOJI_DATA_URL = '/emoji-data.json';

export function EmojiPicker({ onPick, className = '' }: { onPick: (emoji: string) => void; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    let picker: HTMLElement | null = null;
    let cancelled = false;
    void import('emoji-picker-element').then(({ Picker }) => {
      if (cancelled || !box.current) return;
      const p = new Picker({ dataSource: EMOJI_DATA_URL });
      p.addEventListener('emoji-click', (e) => {
        const emoji = e.detail.unicode;
        if (emoji) pick.current(emoji);
      });
      box.current.replaceChildren(p);
      picker = p;
      // The search box, once the component has drawn itself.
      requestAnimationFrame(() => p.shadowRoot?.querySelector<HTMLInputElement>('input')?.focus());
    });
    return () => {
      cancelled = true;
      picker?.remove();
    };
  }, []);
  return (
    <div ref={box} className={`emoji-picker h-[360px] w-[min(92vw,352px)] overflow-hidden rounded-xl shadow-xl ring-1 ring-black/10 dark:ring-white/10 ${className}`}>
      <p className="p-4 text-sm text-neutral-600 dark:text-neutral-300">Loading emoji…</p>
    </div>
  );
}
