// What the benches share: a fresh database, a Redis and two server processes of their own, API
// clients, percentiles, and a run wrapper that cleans up and stops by itself.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { hash } from '@node-rs/argon2';
import { createTRPCClient, httpLink } from '@trpc/client';
import { encode } from 'next-auth/jwt';
import pg from 'pg';
import superjson from 'superjson';
import { migrate } from '../server/db/migrate.ts';
import { TRPC_HTTP_PATH } from '../server/http/server.ts';
import type { AppRouter } from '../server/router.ts';
import { freePort, RedisProcess, ServerProcess } from '../server/test/cluster-harness.ts';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
export const PASSWORD = 'bench-password-1';

export interface Cluster {
  databaseUrl: string;
  a: ServerProcess;
  b: ServerProcess;
}

const cleanups: (() => Promise<unknown>)[] = [];
export const onCleanup = (cleanup: () => Promise<unknown>) => void cleanups.push(cleanup);

export async function onAdmin(run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

/** A new, migrated database of this name on the machine's PostgreSQL (dropped first if it exists, and when the bench ends). */
export async function freshDatabase(name: string): Promise<string> {
  const drop = `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`;
  await onAdmin(async (c) => {
    await c.query(drop);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  onCleanup(() => onAdmin((c) => c.query(drop)));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString(), MIGRATIONS_DIR);
  return url.toString();
}

/**
 * `count` instances (NODE_ID 1, 2, …) on a fresh database and a Redis of their own (or BENCH_REDIS_URL):
 * the presence sweep of these instances must not take another deployment's users.
 */
export async function startServers(database: string, count: number, extraEnv: Record<string, string> = {}): Promise<{ databaseUrl: string; servers: ServerProcess[]; redis: RedisProcess | null }> {
  const databaseUrl = await freshDatabase(database);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-'));
  onCleanup(() => rm(dataDir, { recursive: true, force: true }));
  let redisUrl = process.env.BENCH_REDIS_URL;
  let redis: RedisProcess | null = null;
  if (!redisUrl) {
    const own = (redis = new RedisProcess(await freePort()));
    await own.start();
    onCleanup(() => own.stop('SIGTERM'));
    redisUrl = own.url;
  }
  const settings = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, AUTH_SECRET: randomBytes(32).toString('base64url'), DATA_DIR: dataDir, LOG_LEVEL: 'error', ...extraEnv };
  const servers = await Promise.all(Array.from({ length: count }, async (_, i) => new ServerProcess(await freePort(), { ...settings, NODE_ID: String(i + 1) })));
  onCleanup(() => Promise.all(servers.map((s) => s.stop('SIGTERM'))));
  await Promise.all(servers.map((s) => s.start()));
  return { databaseUrl, servers, redis };
}

/** Two instances on a fresh database and a Redis (startServers). */
export async function startCluster(database: string, extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const { databaseUrl, servers: [a, b] } = await startServers(database, 2, extraEnv);
  return { databaseUrl, a, b };
}

export function apiAt(server: ServerProcess, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.httpUrl}${TRPC_HTTP_PATH}`, transformer: superjson, headers: token ? { authorization: `Bearer ${token}` } : {} })],
  });
}

/** A user made through the API, as a bot would be, and its token. */
export async function registerUser(server: ServerProcess, prefix: string): Promise<{ id: string; username: string; token: string }> {
  const api = apiAt(server);
  const username = `${prefix}_${randomBytes(6).toString('hex')}`;
  await api.auth.register.mutate({ username, displayName: `${prefix} (bench)`, password: PASSWORD });
  const { token, user } = await api.auth.createToken.mutate({ username, password: PASSWORD });
  return { id: user.id, username, token };
}

export interface BenchUser {
  id: string;
  username: string;
  token: string;
}

/**
 * Users written straight to the database with one password hash, each with a session (as a login
 * makes) and its cookie's JWT signed with the instances' secret: registering hundreds of people
 * through argon2 would take minutes and measure nothing.
 */
export async function makeUsers(databaseUrl: string, count: number, authSecret: string): Promise<BenchUser[]> {
  const passwordHash = await hash(PASSWORD);
  const users = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), sid: randomUUID(), username: `member_${i}_${randomUUID().slice(0, 6)}` }));
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO users (id, username, display_name, password_hash)
       SELECT u.id, u.username, u.username, $3 FROM unnest($1::uuid[], $2::text[]) AS u(id, username)`,
      [users.map((u) => u.id), users.map((u) => u.username), passwordHash],
    );
    await db.query(
      `INSERT INTO sessions (id, user_id, kind, name) SELECT s.id, s.user_id, 'browser', 'bench' FROM unnest($1::uuid[], $2::uuid[]) AS s(id, user_id)`,
      [users.map((u) => u.sid), users.map((u) => u.id)],
    );
  } finally {
    await db.end();
  }
  return Promise.all(
    users.map(async ({ id, sid, username }) => ({ id, username, token: await encode({ token: { sub: id, sid, name: username, username }, secret: authSecret }) })),
  );
}

/**
 * An open loop at ratePerS: for i = 0 … count-1 each step goes at its time (the steps spread evenly
 * over the interval), whether or not earlier sends were answered. Resolves with the time spent
 * sending once every answer is in.
 */
export async function openLoop(count: number, ratePerS: number, steps: ((i: number) => Promise<void>)[]): Promise<number> {
  const interval = 1000 / ratePerS;
  const t0 = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    for (const [k, step] of steps.entries()) {
      const wait = t0 + (i + k / steps.length) * interval - performance.now();
      if (wait > 0) await pause(wait);
      sends.push(step(i));
    }
  }
  const sendingMs = performance.now() - t0;
  await Promise.all(sends);
  return sendingMs;
}

/** Nearest-rank percentile of sorted values. */
/**
 * A server for one user who calls back to back, far past the call budget a person gets (the budget
 * would make the calls wait, and a bench time the wait), as that user.
 */
export async function unbudgetedApi(databaseUrl: string, authSecret: string, token: string): Promise<ReturnType<typeof apiAt>> {
  const server = new ServerProcess(await freePort(), {
    DATABASE_URL: databaseUrl, AUTH_SECRET: authSecret, NODE_ENV: 'production', LOG_LEVEL: 'error', CALLS_PER_SECOND_PER_USER: '1000000',
  });
  await server.start();
  onCleanup(() => server.stop('SIGTERM'));
  return apiAt(server, token);
}

/** How long `calls` calls took one after another (ms, sorted), after `warm` untimed ones (plans, pool, JIT). */
export async function timeCalls(call: () => Promise<unknown>, calls: number, warm: number): Promise<number[]> {
  for (let i = 0; i < warm; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await call();
    samples.push(performance.now() - t0);
  }
  return samples.sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Writes a bench's figures to bench/results/<name>-<time>.json; returns the file's path. */
export function writeResults(name: string, data: object): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), ...data }, null, 2));
  return file;
}

export const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');

/**
 * Runs a bench: gives up after deadlineS, always cleans up (child processes, database, Redis), and
 * exits with main's code.
 */
export async function runBench(name: string, deadlineS: number, main: () => Promise<number>): Promise<never> {
  // Ctrl-C and the deadline go through exit, where the harness kills the child processes.
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  setTimeout(() => {
    console.error(`${name}: not done within ${deadlineS} s; giving up`);
    process.exit(1);
  }, deadlineS * 1000).unref();
  let exitCode = 1;
  try {
    exitCode = await main();
  } catch (err) {
    console.error(`${name} failed:`, err);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
  process.exit(exitCode);
}
