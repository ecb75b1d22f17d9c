// The frame of the login and registration pages.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Logo } from '../ui/logo.tsx';

export function AuthCard({
  title,
  footer,
  children,
}: {
  title: string;
  footer: { text: string; link: string; label: string };
  children: ReactNode;
}) {
  return (
    <main className="flex h-full items-start justify-center overflow-y-auto px-4 py-10 sm:items-center">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-brand dark:text-emerald-400">
          <Logo className="h-9 w-9" />
          <span className="text-2xl font-semibold tracking-tight">Parley</span>
        </div>
        <section className="rounded-2xl bg-surface-panel p-6 shadow-sm ring-1 ring-black/5 dark:bg-surface-panel-dark dark:ring-white/10">
          <h1 className="mb-5 text-xl font-semibold">{title}</h1>
          {children}
        </section>
        <p className="mt-5 text-center text-sm text-neutral-600 dark:text-neutral-400">
          {footer.text}{' '}
          <Link className="font-medium text-brand hover:underline dark:text-emerald-400" href={footer.link}>
            {footer.label}
          </Link>
        </p>
      </div>
    </main>
  );
}
