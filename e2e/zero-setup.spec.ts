// The zero-setup promise: with no DATABASE_URL the server starts embedded PostgreSQL and serves the
// app, from a checkout anywhere (a private directory as root too); when it cannot start, it says why
// in one line and exits at once.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from './fixtures/test.ts';
import { freePort, ServerUnderTest, zeroSetupEnv } from './fixtures/server-process.ts';

/** What a checkout holds besides its sources; a copy leaves out the repository and the data. */
const NOT_COPIED = new Set(['.git', '.data', 'test-results', 'playwright-report', 'screenshots']);

/** Removes a data directory and the cluster it links to (where root's PostgreSQL kept it). */
function removeDataDir(dataDir: string): void {
  const pgdata = path.join(dataDir, 'postgres');
  if (lstatSync(pgdata, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(readlinkSync(pgdata), { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}

async function loginPageWorks(page: Page, port: number): Promise<void> {
  await page.goto(`http://localhost:${port}/`);
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Log in to Parley' })).toBeVisible();
  // Registration reaches the embedded database.
  const res = await page.request.post(`http://localhost:${port}/api/trpc/auth.register`, {
    data: { json: { username: `zero_${Date.now().toString(36)}`, displayName: 'Zero', password: 'zero setup 2026' } },
  });
  expect(res.status()).toBe(200);
}

test('with no DATABASE_URL the server starts embedded PostgreSQL, migrates and serves the login page', async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-zero-'));
  const port = await freePort();
  const server = new ServerUnderTest(['dist/server.mjs'], { env: zeroSetupEnv({ PORT: String(port), DATA_DIR: dataDir }) });
  try {
    await server.ready(90_000);
    expect(server.output).toContain('starting embedded PostgreSQL');
    expect(server.output).toContain('20261125000000_init');
    await loginPageWorks(page, port);
    // SIGTERM (Ctrl-C) drains, stops the embedded PostgreSQL and exits cleanly, not at the deadline.
    expect(await server.stop(), server.lastLines()).toBe(0);
    expect(server.logLines().map((l) => l.msg)).toContain('stopped');
  } finally {
    await server.stop();
    removeDataDir(dataDir);
  }
});

test('npm start serves the login page from a checkout in a private (0700) directory, as the user running the tests', async ({ page }) => {
  test.setTimeout(180_000);
  // As `mktemp -d` makes it, and as every home directory of root is: nobody else may enter.
  const home = mkdtempSync(path.join(os.tmpdir(), 'parley-private-'));
  expect(statSync(home).mode & 0o777).toBe(0o700);
  const checkout = path.join(home, 'parley');
  // This checkout as it stands, with its install and build (hard links where the file system allows).
  execFileSync('mkdir', [checkout]);
  for (const entry of readdirSync('.').filter((e) => !NOT_COPIED.has(e))) {
    try {
      execFileSync('cp', ['-al', entry, checkout]);
    } catch {
      execFileSync('cp', ['-a', entry, checkout]);
    }
  }
  const port = await freePort();
  const server = new ServerUnderTest(['scripts/start.mjs'], { cwd: checkout, env: zeroSetupEnv({ PORT: String(port) }) });
  try {
    await server.ready(150_000);
    expect(server.output).not.toContain('building Parley'); // the copy kept its build
    const pgdata = path.join(checkout, '.data', 'postgres');
    if (process.getuid?.() === 0) {
      // PostgreSQL runs as another user, who cannot enter `home`: its cluster lives where it can.
      expect(lstatSync(pgdata).isSymbolicLink()).toBe(true);
      expect(readlinkSync(pgdata)).toMatch(/^\/var\/lib\/parley\/clusters\//);
    }
    expect(existsSync(path.join(pgdata, 'PG_VERSION'))).toBe(true);
    await loginPageWorks(page, port);
  } finally {
    await server.stop();
    removeDataDir(path.join(checkout, '.data'));
    rmSync(home, { recursive: true, force: true });
  }
});

/** The e2e server's database (scripts/e2e-server.mjs), already migrated. */
function e2eDatabase(): string {
  const database = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  database.pathname = '/parley_e2e';
  return database.toString();
}

test.describe('a server that cannot start says why in one fatal line and exits at once', () => {
  async function failsWith(settings: Record<string, string>, reason: RegExp, withinMs = 15_000): Promise<void> {
    const startedAt = Date.now();
    const server = new ServerUnderTest(['dist/server.mjs'], { env: zeroSetupEnv(settings) });
    const code = await server.exited;
    expect(code, server.output).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(withinMs);
    const fatal = server.logLines().filter((l) => l.level === 60);
    expect(fatal, server.output).toHaveLength(1);
    expect(fatal[0].msg).toMatch(/^Parley failed to start: /);
    expect(fatal[0].msg).toMatch(reason);
    // No stack trace or unhandled 'error' event printed by Node beside the log.
    const plainLines = server.output.split('\n').filter((l) => !l.startsWith('{'));
    expect(plainLines.filter((l) => /^\s+at |Unhandled|node:internal|^\w*Error\b/.test(l))).toEqual([]);
  }

  test('an invalid setting', async () => {
    await failsWith({ PORT: 'eighty', DATABASE_URL: 'postgresql://127.0.0.1:1/none' }, /invalid configuration: PORT/);
  });

  test('a database that refuses connections', async () => {
    await failsWith({ PORT: String(await freePort()), DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' }, /ECONNREFUSED/);
  });

  test('a data directory that is not a directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-notdir-'));
    const file = path.join(dir, 'data');
    writeFileSync(file, 'not a directory');
    try {
      await failsWith({ PORT: String(await freePort()), DATA_DIR: file }, /EEXIST|ENOTDIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a Redis that does not answer', async () => {
    await failsWith({ PORT: String(await freePort()), DATABASE_URL: e2eDatabase(), REDIS_URL: 'redis://127.0.0.1:1' }, /Redis at REDIS_URL did not answer within 10 s/, 25_000); // it waits 10 s for Redis
  });

  test('a port already taken', async () => {
    const taken = net.createServer();
    const port = await new Promise<number>((resolve) => taken.listen(0, '0.0.0.0', () => resolve((taken.address() as net.AddressInfo).port)));
    try {
      await failsWith({ PORT: String(port), DATABASE_URL: e2eDatabase() }, /port \d+ .* already in use/);
    } finally {
      taken.close();
    }
  });
});
