// Boot: configuration, database (embedded if none is given), migrations, Next, HTTP + WebSocket, shutdown.
// server/main.ts runs it and reports its failures.
import path from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import next from 'next';
import { startInstanceHeartbeat } from './admin/service.ts';
import { closeDb } from './db/client.ts';
import { withDeadline } from './deadline.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { env, publishResolvedEnv } from './env.ts';
import { createParleyServer, liveConnectionCount } from './http/server.ts';
import { logger } from './logger.ts';
import { stopSends } from './messages/service.ts';
import { stopAcks } from './receipts/service.ts';
import { push } from './push/service.ts';
import { closeBus, getBus } from './realtime/index.ts';

const SHUTDOWN_DEADLINE_MS = 10_000;
const PUSH_DRAIN_MS = 2_000;
/** How long boot waits for Redis (with REDIS_URL) before it gives up with one fatal line. */
const BUS_READY_MS = 10_000;

/**
 * Starts Parley and resolves once it serves. `onCleanup` receives what a fatal error must stop
 * before the process exits (the embedded PostgreSQL, which would otherwise outlive us).
 */
export async function boot(onCleanup: (stop: () => Promise<void>) => void): Promise<void> {
  const log = logger.child({ part: 'boot' });
  const dev = env.NODE_ENV !== 'production';
  log.info({ mode: dev ? 'development' : 'production' }, 'Parley starting');

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    log.info({ dataDir: env.dataDir }, 'no DATABASE_URL: starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(env.dataDir, log);
    onCleanup(embedded.stop);
    databaseUrl = embedded.url;
  }
  const busReady = getBus().ready(); // with Redis: connect and subscribe now, alongside the rest
  const migrations = await migrate(databaseUrl, path.resolve('prisma/migrations'));
  log.info({ applied: migrations.applied, alreadyApplied: migrations.alreadyApplied }, 'database migrated');
  publishResolvedEnv(databaseUrl);

  const app = next({ dev, dir: process.cwd(), hostname: 'localhost', port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = createParleyServer({
    allowedOrigins: [new URL(env.publicUrl).origin],
    fallback: (req, res) => void handle(req, res),
  });
  let stopping = false;
  let stopHeartbeat = async () => {};
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, draining sends');
    const deadline = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.stopAccepting();
    await Promise.all([stopSends(), stopAcks()]);
    // Pushes already started may finish; a push lost here is a notification, not a message.
    await Promise.race([push.idle(), pause(PUSH_DRAIN_MS, undefined, { ref: false })]);
    await server.close();
    await stopHeartbeat();
    await closeBus();
    await closeDb();
    await embedded?.stop();
    log.info('stopped');
    process.exit(0);
  };
  // Handlers first: a SIGTERM that arrives just after the port opens must still drain gracefully.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await new Promise<void>((resolve, reject) => {
    server.http.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${env.PORT} on ${env.HOST} is already in use: stop what holds it or set PORT`) : err),
    );
    server.http.listen(env.PORT, env.HOST, resolve);
  });
  stopHeartbeat = startInstanceHeartbeat(liveConnectionCount);
  await withDeadline(busReady, BUS_READY_MS, `Redis at REDIS_URL did not answer within ${BUS_READY_MS / 1000} s: start it or fix REDIS_URL`);
  log.info({ url: env.publicUrl }, `Parley is ready at ${env.publicUrl}`);
}
