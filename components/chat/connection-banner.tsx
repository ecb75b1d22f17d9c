'use client';
// Saying what is true about the connection: waiting for the network, connecting, or the server not
// answering (with when the next try is and a way to try now). Nothing while live events flow.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ConnectionState, Transport } from '../transport.ts';

export interface Connection {
  state: ConnectionState;
  /** While the server is unreachable: when the next try is due (ms since the epoch). */
  retryAt: number;
  retryNow: () => void;
}

export function useConnection(transport: Transport): Connection {
  const state = useSyncExternalStore(transport.subscribeState, transport.getState, () => 'connecting' as const);
  const retryAt = useSyncExternalStore(transport.subscribeState, transport.getRetryAt, () => 0);
  return { state, retryAt, retryNow: transport.retryNow };
}

/** Seconds until `at`, counting down once a second. */
function useSecondsUntil(at: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!at) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [at]);
  return Math.max(0, Math.ceil((at - now) / 1_000));
}

// A connection made within this long is not news: every page load connects, and a banner that
// comes and goes at once only moves the page about.
const CONNECTING_QUIET_MS = 1_500;

/** Whether `on` has held for `ms` (false again as soon as it stops). */
function useHeldFor(on: boolean, ms: number): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    setHeld(false);
    if (!on) return;
    const timer = setTimeout(() => setHeld(true), ms);
    return () => clearTimeout(timer);
  }, [on, ms]);
  return on && held;
}

export function ConnectionBanner({ connection, className = '' }: { connection: Connection; className?: string }) {
  const seconds = useSecondsUntil(connection.state === 'unreachable' ? connection.retryAt : 0);
  const slowConnect = useHeldFor(connection.state === 'connecting', CONNECTING_QUIET_MS);
  if (connection.state === 'online' || (connection.state === 'connecting' && !slowConnect)) return null;
  const tone = 'border-b border-amber-200 bg-amber-50 px-4 py-2 text-xs text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-100';
  return (
    <div role="status" className={`${tone} flex items-center justify-between gap-3 ${className}`}>
      {connection.state === 'offline' ? (
        <span><strong className="font-semibold">Waiting for network.</strong> You are offline: chats show what this device has, and what you write is sent when you are back.</span>
      ) : connection.state === 'unreachable' ? (
        <>
          <span>
            <strong className="font-semibold">Server unreachable.</strong> {seconds > 0 ? `Retrying in ${seconds} s.` : 'Retrying…'} What you write is sent when it is back.
          </span>
          <button type="button" onClick={connection.retryNow} className="shrink-0 rounded-full px-2 py-1 font-semibold underline hover:bg-amber-100 dark:hover:bg-amber-900/60">
            Retry now
          </button>
        </>
      ) : (
        <span>Connecting…</span>
      )}
    </div>
  );
}
