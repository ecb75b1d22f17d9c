// Test run setup: a fresh, migrated database on the machine's PostgreSQL for this run, dropped at the end.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated database of this test run. */
    databaseUrl: string;
    /** The maintenance database URL the run's database was created from. */
    adminDatabaseUrl: string;
    /** A temporary DATA_DIR (the generated auth secret lives there). */
    dataDir: string;
  }
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

export function databaseUrlFor(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onAdmin<T>(baseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  // Unique per run, so parallel runs (and a crashed run's leftovers) never meet.
  const database = `parley_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await onAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${database}"`));
  const databaseUrl = databaseUrlFor(adminUrl, database);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-test-'));
  try {
    await migrate(databaseUrl, MIGRATIONS_DIR);
  } catch (err) {
    await onAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    throw err;
  }

  // Workers are forked after this and inherit these; server/env.ts reads them at import.
  process.env.DATABASE_URL = databaseUrl;
  process.env.DATA_DIR = dataDir;
  process.env.LOG_LEVEL = 'silent';
  project.provide('databaseUrl', databaseUrl);
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('dataDir', dataDir);

  return async () => {
    await onAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    await rm(dataDir, { recursive: true, force: true });
  };
}
