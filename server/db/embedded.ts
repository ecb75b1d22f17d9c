// Zero-setup PostgreSQL: runs the embedded server on the data directory when no DATABASE_URL is given.
// Its processes are ours (not a library's): every failure is an error with PostgreSQL's own reason,
// an orphan left by a killed Parley is stopped before a new start, and nothing waits without a bound.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { clusterFiles, EmbeddedPostgresError, type ClusterFiles } from './embedded-files.ts';

const DATABASE = 'parley';
const USER = 'postgres';
// Only reachable on loopback; the password keeps other local users out of the cluster.
const PASSWORD = 'parley-embedded';
const INITDB_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** A TCP port free on loopback right now (for servers we start ourselves). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The last lines a process wrote, to explain its failure. */
class Tail {
  private readonly lines: string[] = [];
  push(chunk: Buffer | string): void {
    this.lines.push(...String(chunk).split('\n').map((l) => l.trim()).filter(Boolean));
    this.lines.splice(0, Math.max(0, this.lines.length - 20));
  }
  /** PostgreSQL's own reason: its last FATAL/PANIC/ERROR line, else its last line. */
  reason(): string {
    const severe = [...this.lines].reverse().find((l) => /\b(FATAL|PANIC|ERROR|error)\b/.test(l));
    return severe ?? this.lines.at(-1) ?? 'no output';
  }
}

function spawnAs(files: ClusterFiles, program: string, args: string[], options: { detached?: boolean } = {}): ChildProcess {
  return spawn(path.join(files.binDir, program), args, {
    ...(files.runAs ? { uid: files.runAs.uid, gid: files.runAs.gid } : {}),
    // Messages in English whatever the machine's locale: they end up in our logs.
    env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
}

/** Resolves when the process exits with 0; otherwise rejects with what it said. */
function succeeds(child: ChildProcess, what: string, timeoutMs: number): Promise<void> {
  const tail = new Tail();
  child.stdout!.on('data', (d) => tail.push(d));
  child.stderr!.on('data', (d) => tail.push(d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EmbeddedPostgresError(`${what} did not finish within ${timeoutMs / 1000} s: ${tail.reason()}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new EmbeddedPostgresError(`${what} could not run: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new EmbeddedPostgresError(`${what} failed (${code ?? signal}): ${tail.reason()}`));
    });
  });
}

async function initialise(files: ClusterFiles, log: Logger): Promise<void> {
  log.info({ pgdata: files.dataDir }, 'initialising embedded PostgreSQL (first start only)');
  // The password goes through a file only the server's user can read, never on a command line.
  const passwordFile = path.join(os.tmpdir(), `parley-pg-password-${process.pid}-${Date.now()}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (files.runAs) chownSync(passwordFile, files.runAs.uid, files.runAs.gid);
    const initdb = spawnAs(files, 'initdb', [
      `--pgdata=${files.dataDir}`,
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // PostgreSQL's own UTF-8 locale: the same sorting and case rules on every machine.
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ]);
    // On failure initdb removes what it made, so the next start initialises afresh.
    await succeeds(initdb, 'initdb', INITDB_TIMEOUT_MS);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A server still running on this cluster from a Parley that was killed (its PostgreSQL outlives it):
 * shut it down so this start can take the cluster.
 */
async function stopOrphan(files: ClusterFiles, log: Logger): Promise<void> {
  const pidFile = path.join(files.dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // No /proc (macOS): PostgreSQL's own lock check decides.
  }
  if (command && !command.includes(files.dataDir)) return;
  log.warn({ orphanPid: pid }, 'stopping an embedded PostgreSQL left running by an earlier Parley');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await pause(100);
  }
}

async function connectable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Starts the server and resolves once it accepts connections, or rejects with its reason if it exits. */
async function run(files: ClusterFiles, port: number, log: Logger): Promise<ChildProcess> {
  // Its own process group: a Ctrl-C in the terminal reaches Parley, which drains and then stops it.
  const server = spawnAs(
    files,
    'postgres',
    ['-D', files.dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { detached: true },
  );
  const tail = new Tail();
  server.stdout!.on('data', (d) => tail.push(d));
  server.stderr!.on('data', (d) => {
    tail.push(d);
    log.debug({ pg: String(d).trim() }, 'embedded postgres');
  });
  let ended: string | null = null;
  server.once('error', (err) => (ended = err.message));
  server.once('exit', (code, signal) => (ended ??= `exited with ${code ?? signal}`));
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await connectable(url))) {
    if (ended) throw new EmbeddedPostgresError(`embedded PostgreSQL ${ended}: ${tail.reason()}`);
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new EmbeddedPostgresError(`embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s: ${tail.reason()}`);
    }
    await pause(100);
  }
  // Logged after start: a server that dies later is a fault the operator must hear of.
  server.removeAllListeners('exit');
  server.once('exit', (code, signal) => log.error({ code, signal, reason: tail.reason() }, 'embedded PostgreSQL stopped'));
  return server;
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  // The "stopped" error logger goes first: removed after this listener, it took this one with it
  // and every stop waited for the shutdown deadline.
  server.removeAllListeners('exit');
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGINT'); // fast shutdown: ends sessions, checkpoints
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function ensureDatabase(port: number): Promise<void> {
  const admin = new pg.Client({ connectionString: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

/**
 * The embedded database of a Parley running now on this data directory (its PostgreSQL's port is
 * in postmaster.pid), for tools that run beside it (npm run admin); null when none runs.
 */
export function runningEmbeddedUrl(dataDir: string): string | null {
  const pidFile = path.join(clusterFiles(dataDir).dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const [pid, port] = [Number(lines[0]), Number(lines[3])];
  if (!Number.isInteger(pid) || !isAlive(pid) || !Number.isInteger(port)) return null;
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const files = clusterFiles(dataDir);
  if (files.runAs) log.info({ user: files.runAs.name, pgdata: files.dataDir, bin: files.binDir }, 'running as root: PostgreSQL runs as an unprivileged user');
  if (!existsSync(path.join(files.dataDir, 'PG_VERSION'))) await initialise(files, log);
  await stopOrphan(files, log);
  const port = await freePort();
  const server = await run(files, port, log);
  try {
    await ensureDatabase(port);
  } catch (err) {
    await stopServer(server);
    throw err;
  }
  log.info({ port }, 'embedded PostgreSQL started');
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => stopServer(server),
  };
}

export { EmbeddedPostgresError };
