// prisma/schema.prisma and prisma/migrations must describe the same database, and the migrator must
// record what it applied the way `prisma migrate deploy` does.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { diffShapes, shapeFromDatabase, shapeFromPrismaSchema, type SchemaShape } from '../test/db-schema.ts';
import { migrate } from './migrate.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const migrationsDir = path.join(root, 'prisma/migrations');
const databaseUrl = inject('databaseUrl');

let schemaText: string;
let migrated: SchemaShape;
const client = new pg.Client({ connectionString: databaseUrl });

beforeAll(async () => {
  schemaText = await readFile(path.join(root, 'prisma/schema.prisma'), 'utf8');
  await client.connect();
  migrated = await shapeFromDatabase(client);
});
afterAll(() => client.end());

/** The schema text with one exact edit; fails if the text to edit is gone (update the mutation then). */
function edited(from: string | RegExp, to: string): string {
  const changed = schemaText.replace(from, to);
  if (changed === schemaText) throw new Error(`mutation target ${String(from)} is not in schema.prisma any more`);
  return changed;
}

describe('schema drift', () => {
  test('the migrated database has exactly the tables, columns, keys, indexes and foreign keys of schema.prisma', () => {
    const expected = shapeFromPrismaSchema(schemaText);
    expect(diffShapes(expected, migrated)).toEqual([]);
    // Guard against comparing two empty shapes.
    expect([...expected.keys()].filter((k) => !k.includes('.'))).toEqual(
      expect.arrayContaining(['users', 'conversations', 'members', 'messages']),
    );
    expect(expected.get('members.foreign key members_user_id_fkey')).toBe(
      '(user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE',
    );
  });

  // Each edit is a drift a developer could make by changing the schema without a migration.
  test.each([
    ['a dropped column', /\n\s*title\s+String\?[^\n]*/, '', 'conversations.column title'],
    ['a new column', /\n(\s*)body(\s+)String\n/, '\n$1body$2String\n$1edited DateTime?\n', 'messages.column edited'],
    ['a changed length', 'username     String   @unique @db.VarChar(32)', 'username     String   @unique @db.VarChar(40)', 'users.column username'],
    ['a changed type', 'passwordHash String   @map("password_hash")', 'passwordHash String   @map("password_hash") @db.VarChar(200)', 'users.column password_hash'],
    ['a nullable column made required', 'directKey String?', 'directKey String ', 'conversations.column direct_key'],
    ['a dropped default', 'lastSeq   BigInt   @default(0)', 'lastSeq   BigInt  ', 'conversations.column last_seq'],
    ['a dropped index', '@@index([userId])', '', 'members.index members_user_id_idx'],
    ['a dropped unique index', '@@unique([senderId, clientId])', '', 'messages.index messages_sender_id_client_id_key'],
    ['a changed primary key', '@@id([conversationId, userId])', '@@id([userId, conversationId])', 'members.primary key'],
    [
      'a changed ON DELETE action',
      'user         User         @relation(fields: [userId], references: [id], onDelete: Cascade)',
      'user         User         @relation(fields: [userId], references: [id])',
      'members.foreign key members_user_id_fkey',
    ],
    ['a renamed table', '@@map("users")', '@@map("people")', 'people'],
  ])('reports %s', (_what, from, to, entry) => {
    const diff = diffShapes(shapeFromPrismaSchema(edited(from, to)), migrated);
    expect(diff.some((line) => line.startsWith(`${entry}:`))).toBe(true);
  });
});

describe('migration records', () => {
  test('_prisma_migrations has one finished row per migration folder, with the sha256 of its migration.sql', async () => {
    const folders = (await readdir(migrationsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(folders.length).toBeGreaterThan(0);
    const expected = await Promise.all(
      folders.map(async (name) => ({
        migration_name: name,
        checksum: createHash('sha256').update(await readFile(path.join(migrationsDir, name, 'migration.sql'))).digest('hex'),
        finished: true,
        rolled_back_at: null,
        applied_steps_count: 1,
      })),
    );
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at, applied_steps_count
       FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows).toEqual(expected);
  });

  test('migrating an up-to-date database applies nothing and changes nothing', async () => {
    const before = await client.query('SELECT id, checksum, finished_at FROM _prisma_migrations ORDER BY id');
    const result = await migrate(databaseUrl, migrationsDir);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBe(before.rowCount);
    expect((await client.query('SELECT id, checksum, finished_at FROM _prisma_migrations ORDER BY id')).rows).toEqual(before.rows);
    expect(diffShapes(migrated, await shapeFromDatabase(client))).toEqual([]);
  });
});
