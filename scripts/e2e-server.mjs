// The server Playwright tests run against: a fresh database on the machine's PostgreSQL, then `npm start`.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { E2E_DATABASE, e2eAdminUrl, e2eDatabaseUrl } from './e2e-database.mjs';

const admin = new pg.Client({ connectionString: e2eAdminUrl });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${E2E_DATABASE} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${E2E_DATABASE}`);
await admin.end();

const child = spawn(process.execPath, ['scripts/start.mjs'], {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: e2eDatabaseUrl(), DATA_DIR: '.data/e2e' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
