// A standalone API server process for tests (tRPC over HTTP and WebSocket, no Next), so a test can kill and restart it.
// Start: `node --import tsx server/test/api-server.ts` with DATABASE_URL, PORT (and HOST, LOG_LEVEL) set;
// it prints `READY <port>` once listening. The database must already be migrated (the test run's is).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { closeDb, getDb } from '../db/client.ts';
import { env } from '../env.ts';
import { createParleyServer } from '../http/server.ts';
import { logger } from '../logger.ts';
import { stopSends } from '../messages/service.ts';
import { stopAcks } from '../receipts/service.ts';
import { closeBus, getBus } from '../realtime/index.ts';

const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * `--profile-dir <dir>`: each SIGUSR2 starts or stops a CPU profile, written to dir as
 * steady-<pid>-<n>.cpuprofile (the capacity bench profiles a step without the start-up in it).
 */
function profileOnSignal(): void {
  const at = process.argv.indexOf('--profile-dir');
  if (at < 0) return;
  const dir = process.argv[at + 1];
  const session = new Session();
  session.connect();
  let running = false;
  let count = 0;
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!running) {
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      } else {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(path.join(dir, `steady-${process.pid}-${++count}.cpuprofile`), JSON.stringify(profile));
      }
      running = !running;
    })();
  });
}

async function main() {
  profileOnSignal();
  if (!env.DATABASE_URL) throw new Error('api-server needs DATABASE_URL (a migrated database)');
  // Open the pool (and Prisma's query engine) before saying READY, so the first clients do not wait on it.
  await Promise.all([getDb().$queryRaw`SELECT 1`, getBus().ready()]);
  const server = createParleyServer({ allowedOrigins: [new URL(env.publicUrl).origin] });
  await new Promise<void>((resolve, reject) => {
    server.http.once('error', reject);
    server.http.listen(env.PORT, env.HOST, resolve);
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      logger.error('api-server: shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // The graceful path of server/main.ts: no new connections, clients told to reconnect, sends drained.
    server.stopAccepting();
    await Promise.all([stopSends(), stopAcks()]);
    await server.close();
    await closeBus();
    await closeDb();
    process.exit(0);
  };
  // Before READY: until a listener exists, a SIGTERM takes the OS default and kills the process at once,
  // so a parent that stops the server as soon as it is ready would get no graceful shutdown.
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());

  const { port } = server.http.address() as AddressInfo;
  // The parent waits for this line; it is the only thing written to stdout besides logs.
  process.stdout.write(`READY ${port}\n`);
}

main().catch((err) => {
  logger.fatal({ err }, 'api-server failed to start');
  process.exit(1);
});
