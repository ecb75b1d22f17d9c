// The migrator on scratch databases: applies once, even when two instances start together; refuses an
// edited migration; rolls a failing one back whole; and the drift check sees a migration-side change.
import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { diffShapes, shapeFromDatabase, shapeFromPrismaSchema } from '../test/db-schema.ts';
import { databaseUrlFor } from '../test/global-setup.ts';
import { listMigrations, migrate } from './migrate.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const adminUrl = inject('adminDatabaseUrl');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function scratchDatabase(): Promise<string> {
  const name = `parley_scratch_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  cleanups.push(() => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  return databaseUrlFor(adminUrl, name);
}

/** A copy of prisma/migrations that a test may change. */
async function migrationsCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(path.join(root, 'prisma/migrations'), dir, { recursive: true });
  return dir;
}

async function addMigration(dir: string, name: string, sql: string): Promise<string> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
  return path.join(dir, name, 'migration.sql');
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrate', () => {
  test('two instances migrating one empty database at once apply each migration once', async () => {
    const url = await scratchDatabase();
    const all = (await listMigrations(path.join(root, 'prisma/migrations'))).map((m) => m.name);
    const results = await Promise.all([migrate(url, path.join(root, 'prisma/migrations')), migrate(url, path.join(root, 'prisma/migrations'))]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(all);
    const rows = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual(all);
  });

  test('refuses a migration that was edited after it was applied', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsCopy();
    const [first] = await listMigrations(dir);
    await migrate(url, dir);
    await appendFile(path.join(dir, first.name, 'migration.sql'), '\n-- an afterthought\n');
    await expect(migrate(url, dir)).rejects.toThrow(`Migration ${first.name} was changed after it was applied`);
  });

  test('a failing migration leaves no trace, and applies once fixed', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsCopy();
    await migrate(url, dir);
    const file = await addMigration(dir, '29990101000000_broken', 'CREATE TABLE "extra" ("id" INT);\nSELECT no_such_function();\n');
    await expect(migrate(url, dir)).rejects.toThrow('Migration 29990101000000_broken failed');
    expect(await query(url, `SELECT 1 FROM _prisma_migrations WHERE migration_name = '29990101000000_broken'`)).toEqual([]);
    expect(await query(url, `SELECT to_regclass('extra') AS t`)).toEqual([{ t: null }]);

    await writeFile(file, 'CREATE TABLE "extra" ("id" INT);\n');
    expect((await migrate(url, dir)).applied).toEqual(['29990101000000_broken']);
  });

  test('the drift check sees a migration that schema.prisma does not know about', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsCopy();
    await addMigration(dir, '29990101000000_bio', 'ALTER TABLE "users" ADD COLUMN "bio" TEXT;\nDROP INDEX "members_user_id_idx";\n');
    await migrate(url, dir);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const schema = shapeFromPrismaSchema(await readFile(path.join(root, 'prisma/schema.prisma'), 'utf8'));
      const diff = diffShapes(schema, await shapeFromDatabase(client));
      expect(diff).toEqual([
        'members.index members_user_id_idx: schema.prisma says (user_id), migrations give (nothing)',
        'users.column bio: schema.prisma says (nothing), migrations give text NULL',
      ]);
    } finally {
      await client.end();
    }
  });
});
