'use client';
// A short message at the bottom of a pane ("Message copied", or why something failed), gone by itself.
import { useEffect, useState, type ReactNode } from 'react';

const NOTICE_MS = 4_000;

export function useNotice(): [ReactNode, (text: string, error?: boolean) => void] {
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  const node = notice && (
    <p role={notice.error ? 'alert' : 'status'}
      className={`pointer-events-none absolute bottom-20 left-1/2 z-40 max-w-[90%] -translate-x-1/2 rounded-lg px-4 py-2 text-sm shadow-lg ${
        notice.error ? 'bg-red-700 text-white' : 'bg-neutral-800 text-white dark:bg-neutral-200 dark:text-neutral-900'
      }`}>
      {notice.text}
    </p>
  );
  return [node, (text, error = false) => setNotice({ text, error })];
}
