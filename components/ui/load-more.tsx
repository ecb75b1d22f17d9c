'use client';
// The end of a list that loads its next page as it scrolls into view (chats, search results).
import { useEffect, useRef, useState } from 'react';

/** Key it by the page it loads: one load per appearance, a retry button if it fails. */
export function LoadMore({ load, what, as: Tag = 'li' }: { load: () => Promise<unknown>; what: string; as?: 'li' | 'div' }) {
  const end = useRef<HTMLLIElement & HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const loading = useRef(false);
  const latest = useRef(load);
  latest.current = load;
  const run = async () => {
    if (loading.current) return;
    loading.current = true;
    setFailed(false);
    try {
      await latest.current();
    } catch {
      setFailed(true);
    } finally {
      loading.current = false;
    }
  };
  useEffect(() => {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void run();
    });
    if (end.current) observer.observe(end.current);
    return () => observer.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <Tag ref={end} className="px-4 py-3 text-center text-sm text-neutral-600 dark:text-neutral-400">
      {failed ? (
        <button type="button" onClick={() => void run()} className="underline">Could not load more {what}. Try again</button>
      ) : (
        <span role="status">Loading more {what}…</span>
      )}
    </Tag>
  );
}
