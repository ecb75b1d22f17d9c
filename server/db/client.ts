// The Prisma client: one per process, shared by our server bundle and Next's bundle of the same modules.
import { PrismaPg } from '@prisma/adapter-pg';
import { env } from '../env.ts';
import { PrismaClient } from './generated/client.ts';

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

// Next bundles app routes separately from server/main.ts; a global key makes both use one pool.
const KEY = Symbol.for('parley.db');
type Holder = { [KEY]?: PrismaClient };

export function getDb(): PrismaClient {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const connectionString = env.DATABASE_URL;
    if (!connectionString) throw new Error('The database is not configured yet (DATABASE_URL)');
    holder[KEY] = new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
  }
  return holder[KEY];
}

export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder;
  await holder[KEY]?.$disconnect();
  delete holder[KEY];
}
