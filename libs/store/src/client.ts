/**
 * One typed Prisma client over both databases. Prisma 7 generates a client per provider; both come from the one
 * schema (the PostgreSQL one is derived), so their model APIs are the same. The store types its client as the
 * SQLite one: the portable subset (no PostgreSQL-only options such as `mode: 'insensitive'`).
 */
import type { PrismaClient as SqlitePrismaClient } from './generated/sqlite/client';
import { providerOf, sqlitePathOf, type DatabaseProvider } from './database-url';

export type StoreClient = SqlitePrismaClient;
export type { Prisma } from './generated/sqlite/client';

/** Connection settings for each SQLite connection (WAL itself is persistent and set by the migration runner). */
const SQLITE_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  // With WAL, NORMAL is durable against application crashes; a power loss may lose the last commits, never corrupt.
  'PRAGMA synchronous = NORMAL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA temp_store = MEMORY',
  // 64 MiB page cache, 256 MiB memory-mapped reads.
  'PRAGMA cache_size = -65536',
  'PRAGMA mmap_size = 268435456',
];

export async function createStoreClient(databaseUrl: string): Promise<{ prisma: StoreClient; provider: DatabaseProvider }> {
  const provider = providerOf(databaseUrl);
  if (provider === 'sqlite') {
    const [{ PrismaClient }, { PrismaBetterSqlite3 }] = await Promise.all([import('./generated/sqlite/client'), import('@prisma/adapter-better-sqlite3')]);
    const adapter = new PrismaBetterSqlite3({ url: sqlitePathOf(databaseUrl), timeout: 15_000 }, { timestampFormat: 'iso8601' });
    const prisma = new PrismaClient({ adapter });
    for (const pragma of SQLITE_PRAGMAS) await prisma.$queryRawUnsafe(pragma);
    return { prisma, provider };
  }
  const [{ PrismaClient }, { PrismaPg }] = await Promise.all([import('./generated/postgresql/client'), import('@prisma/adapter-pg')]);
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10 });
  const prisma = new PrismaClient({ adapter }) as unknown as StoreClient;
  return { prisma, provider };
}
