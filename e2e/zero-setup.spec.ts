// The zero-setup promise: with no DATABASE_URL the server starts embedded PostgreSQL and serves the app.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

test('with no DATABASE_URL the server starts embedded PostgreSQL, migrates and serves the login page', async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-zero-'));
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'info' } as NodeJS.ProcessEnv;
  delete env.DATABASE_URL;
  delete env.PUBLIC_URL;
  delete env.REDIS_URL;
  const server: ChildProcess = spawn(process.execPath, ['dist/server.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  try {
    await expect
      .poll(() => output, { timeout: 90_000, message: 'server never said it was ready' })
      .toContain('Parley is ready at');
    expect(output).toContain('starting embedded PostgreSQL');
    expect(output).toContain('20261125000000_init');
    await page.goto(`http://localhost:${port}/`);
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Log in to Parley' })).toBeVisible();
    // Registration reaches the embedded database.
    const res = await page.request.post(`http://localhost:${port}/api/trpc/auth.register`, {
      data: { json: { username: 'zero_setup_user', displayName: 'Zero', password: 'password 123' } },
    });
    expect(res.status()).toBe(200);
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
