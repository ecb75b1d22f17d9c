// The database: one pg pool per process, used by Prisma (everything but the hot paths) and by the
// hot paths' prepared statements alike; shared by our server bundle and Next's bundle of the same modules.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { env } from '../env.ts';
import { PrismaClient } from './generated/client.ts';

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

// Next bundles app routes separately from server/main.ts; a global key makes both use one pool.
const KEY = Symbol.for('parley.db');
type Holder = { [KEY]?: { pool: pg.Pool; prisma: PrismaClient } };

function open(): { pool: pg.Pool; prisma: PrismaClient } {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const connectionString = env.DATABASE_URL;
    if (!connectionString) throw new Error('The database is not configured yet (DATABASE_URL)');
    // Named per instance in pg_stat_activity ("parley-<NODE_ID>"), so an operator sees whose connections they are.
    const application_name = env.NODE_ID === undefined ? 'parley' : `parley-${env.NODE_ID}`;
    const pool = new pg.Pool({ connectionString, max: env.DATABASE_POOL_SIZE, application_name });
    holder[KEY] = { pool, prisma: new PrismaClient({ adapter: new PrismaPg(pool) }) };
  }
  return holder[KEY];
}

export function getDb(): PrismaClient {
  return open().prisma;
}

/** The pool itself, for the few prepared statements of the hot paths (send, receipts). */
export function getPool(): pg.Pool {
  return open().pool;
}

export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder;
  const db = holder[KEY];
  delete holder[KEY];
  await db?.prisma.$disconnect();
  await db?.pool.end().catch(() => {});
}
