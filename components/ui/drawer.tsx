'use client';
// A page that takes the chat list's column (profile, devices and security, a new group): a header
// with a way back, then its content. Opens with the focus on the way back; Esc goes back.
import { useRef, type ReactNode } from 'react';
import { BackIcon } from './icons.tsx';
import { usePaneEscape } from './use-dismiss.ts';

export function DrawerHeader({ title, onClose }: { title: string; onClose: () => void }) {
  const back = useRef<HTMLButtonElement>(null);
  usePaneEscape(onClose, back);
  return (
    <header className="flex h-16 shrink-0 items-center gap-3 bg-brand px-3 text-white dark:bg-surface-panel-dark">
      <button ref={back} type="button" onClick={onClose} aria-label="Back to chats" className="rounded-full p-1.5 hover:bg-white/10">
        <BackIcon className="h-6 w-6" />
      </button>
      <h2 className="text-lg font-medium">{title}</h2>
    </header>
  );
}

export function Drawer({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  return (
    <>
      <DrawerHeader title={title} onClose={onClose} />
      <div className="min-h-0 flex-1 overflow-y-auto bg-surface dark:bg-surface-dark">{children}</div>
    </>
  );
}

export function DrawerSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="mb-2 bg-surface-panel pb-3 dark:bg-surface-panel-dark">
      <h3 className="px-4 pb-2 pt-4 text-xs font-semibold uppercase tracking-wide text-brand dark:text-emerald-400">{title}</h3>
      {children}
    </section>
  );
}
