'use client';
// A panel beside the open conversation (over it, on a phone): group info, message info, search.
import { useRef, type ReactNode, type RefObject } from 'react';
import { CloseIcon } from './icons.tsx';
import { usePaneEscape } from './use-dismiss.ts';

/** Opens with the focus on its close button (or on `focus`); Esc closes it. */
export function SidePanel({ title, onClose, focus, children }: {
  title: string;
  onClose: () => void;
  focus?: RefObject<HTMLElement | null>;
  children: ReactNode;
}) {
  const close = useRef<HTMLButtonElement>(null);
  usePaneEscape(onClose, focus ?? close);
  return (
    <aside aria-label={title}
      className="absolute inset-0 z-30 flex flex-col bg-surface dark:bg-surface-dark md:static md:w-[340px] md:shrink-0 md:border-l md:border-black/10 lg:w-[400px] md:dark:border-white/10">
      <header className="flex h-16 shrink-0 items-center gap-3 bg-surface px-3 dark:bg-surface-panel-dark">
        <button ref={close} type="button" onClick={onClose} aria-label={`Close ${title.toLowerCase()}`}
          className="rounded-full p-1.5 hover:bg-black/5 dark:hover:bg-white/10">
          <CloseIcon className="h-5 w-5" />
        </button>
        <h2 className="font-medium">{title}</h2>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">{children}</div>
    </aside>
  );
}
