// The server Playwright tests run against: a fresh database on the machine's PostgreSQL, then `npm start`.
import { spawn } from 'node:child_process';
import pg from 'pg';

const base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = 'parley_e2e';
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${name}`);
await admin.end();

const url = new URL(base);
url.pathname = `/${name}`;
const child = spawn(process.execPath, ['scripts/start.mjs'], {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: url.toString(), DATA_DIR: '.data/e2e' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
