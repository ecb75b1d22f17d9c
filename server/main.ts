// Entry point: boots Parley (server/boot.ts) and turns any failure, during boot or after, into one
// fatal log line with its cause and a non-zero exit within seconds: never a stack dump or a hang.
import { setTimeout as pause } from 'node:timers/promises';
import pino, { type Logger } from 'pino';

/** How long a failing process may spend stopping what it started (the embedded PostgreSQL). */
const CLEANUP_DEADLINE_MS = 5_000;

let cleanup: () => Promise<void> = async () => {};
let failing = false;

async function fail(err: unknown, what: string): Promise<void> {
  if (failing) return;
  failing = true;
  const cause = err instanceof Error ? err.message : String(err);
  // The server's own logger keeps the line after everything logged before it; it cannot be had
  // when the configuration it reads is what failed.
  let log: Logger;
  try {
    log = (await import('./logger.ts')).logger;
  } catch {
    log = pino({ base: { pid: process.pid } });
  }
  // What is still being written goes first (pino's fatal writes at once).
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  log.fatal({ err }, `${what}: ${cause.replace(/\s*\n\s*/g, '; ')}`);
  await Promise.race([cleanup().catch(() => {}), pause(CLEANUP_DEADLINE_MS)]);
  process.exit(1);
}

process.on('uncaughtException', (err) => void fail(err, 'Parley stopped on an unexpected error'));
process.on('unhandledRejection', (err) => void fail(err, 'Parley stopped on an unexpected error'));

try {
  const { boot } = await import('./boot.ts');
  await boot((stop) => (cleanup = stop));
} catch (err) {
  await fail(err, 'Parley failed to start');
}
