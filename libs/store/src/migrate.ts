/**
 * The store's migration runner: applies the committed SQL under prisma/migrations/<provider>/ in name order.
 *
 * It keeps Prisma's bookkeeping (the `_prisma_migrations` table, checksum = sha256 hex of migration.sql), so a
 * database migrated here is one `prisma migrate` would recognise, and the other way round. Prisma 7's own
 * `migrate deploy` needs the native schema engine, which cannot be downloaded on these machines.
 *
 * - Each pending migration runs in its own transaction with its bookkeeping row: it is applied whole or not at all.
 * - Before applying anything it refuses to run when an applied migration's file changed (checksum), when an
 *   applied migration is missing from this checkout, or when an earlier run left a failed migration.
 * - Concurrent runners are serialized (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), and a runner
 *   re-checks inside its transaction, so two processes starting at once apply each migration once.
 * - SQLite: foreign keys are switched off while a migration runs (Prisma's table redefinitions drop and
 *   recreate tables, which with foreign keys on would cascade-delete rows) and checked before commit.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf, repoRoot, sqlitePathOf, type DatabaseProvider } from './database-url';

export const migrationsRoot = join(repoRoot, 'prisma', 'migrations');

export interface MigrationFile {
  /** The folder name, e.g. "20250101120000_init". */
  name: string;
  path: string;
  sql: string;
  /** sha256 hex of the file's bytes, as Prisma computes it. */
  checksum: string;
}

export interface MigrateOptions {
  /** The folder holding sqlite/ and postgresql/ (default prisma/migrations); tests point it at a copy. */
  migrationsDir?: string;
}

/** The migrations of one provider, in the order they apply (folder name order). */
export function listMigrations(provider: DatabaseProvider, migrationsDir = migrationsRoot): MigrationFile[] {
  const dir = join(migrationsDir, provider);
  if (!existsSync(dir)) throw new Error(`migrations: ${dir} does not exist (expected one folder per migration with a migration.sql)`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const path = join(dir, name, 'migration.sql');
      if (!existsSync(path)) throw new Error(`migrations: ${join(dir, name)} has no migration.sql`);
      const bytes = readFileSync(path);
      return { name, path, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** Checks the applied history against the files; returns the migrations still to apply. Throws on any mismatch. */
function pendingMigrations(files: MigrationFile[], applied: AppliedRow[], where: string): MigrationFile[] {
  const live = applied.filter((row) => row.rolled_back_at === null || row.rolled_back_at === undefined);
  const failed = live.filter((row) => row.finished_at === null || row.finished_at === undefined);
  if (failed.length > 0) {
    throw new Error(
      `migrate ${where}: migration ${failed.map((r) => `"${r.migration_name}"`).join(', ')} failed in an earlier run and is marked unfinished in _prisma_migrations; ` +
        'fix the database by hand, then delete or mark that row rolled back (rolled_back_at) before migrating again',
    );
  }
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const row of live) {
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new Error(
        `migrate ${where}: the database has migration "${row.migration_name}" applied, but this checkout has no such folder under prisma/migrations; ` +
          'the database was migrated by a newer version of OncoBoard (update the code) or the folder was renamed',
      );
    }
    if (file.checksum !== row.checksum) {
      throw new Error(
        `migrate ${where}: ${file.path} was changed after it was applied (checksum ${file.checksum.slice(0, 12)}… in the file, ` +
          `${row.checksum.slice(0, 12)}… in _prisma_migrations); applied migrations must not be edited: restore the file and add a new migration instead`,
      );
    }
  }
  const done = new Set(live.map((r) => r.migration_name));
  return files.filter((f) => !done.has(f.name));
}

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Prisma's advisory lock id for migrations, so our runner and Prisma's never migrate at the same time. */
const PRISMA_ADVISORY_LOCK = 72707369;

/** Opens a SQLite file the way the store uses it: WAL, a generous busy timeout, the folder created if needed. */
export function openSqliteFile(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 15_000 });
  db.pragma('journal_mode = WAL');
  return db;
}

function migrateSqlite(path: string, files: MigrationFile[]): string[] {
  const db = openSqliteFile(path);
  const where = `SQLite ${path}`;
  const applied: string[] = [];
  try {
    db.exec(SQLITE_MIGRATIONS_TABLE);
    const readApplied = () => db.prepare('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at').all() as AppliedRow[];
    let pending = pendingMigrations(files, readApplied(), where);
    for (const file of pending) {
      db.pragma('foreign_keys = OFF');
      try {
        db.exec('BEGIN IMMEDIATE');
        try {
          // Another process may have applied it while we waited for the lock.
          pending = pendingMigrations(files, readApplied(), where);
          if (!pending.some((p) => p.name === file.name)) {
            db.exec('ROLLBACK');
            continue;
          }
          const startedAt = new Date().toISOString();
          db.exec(file.sql);
          const violations = db.prepare('PRAGMA foreign_key_check').all() as { table: string; parent: string }[];
          if (violations.length > 0) {
            const first = violations[0]!;
            throw new Error(`leaves ${violations.length} foreign key violation(s), e.g. table "${first.table}" -> "${first.parent}"`);
          }
          db.prepare(
            'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)',
          ).run(randomUUID(), file.checksum, new Date().toISOString(), file.name, startedAt);
          db.exec('COMMIT');
          applied.push(file.name);
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw new Error(`migrate ${where}: migration "${file.name}" failed and was rolled back: ${(error as Error).message}`, { cause: error });
        }
      } finally {
        db.pragma('foreign_keys = ON');
      }
    }
  } finally {
    db.close();
  }
  return applied;
}

async function migratePostgres(databaseUrl: string, files: MigrationFile[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  const where = 'PostgreSQL';
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`migrate ${where}: cannot connect: ${(error as Error).message}`, { cause: error });
  }
  const applied: string[] = [];
  try {
    // Serialize with any other runner (ours or Prisma's) for the whole run.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(POSTGRES_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at');
    for (const file of pendingMigrations(files, rows, where)) {
      await client.query('BEGIN');
      try {
        const startedAt = new Date();
        await client.query(file.sql);
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)',
          [randomUUID(), file.checksum, file.name, startedAt],
        );
        await client.query('COMMIT');
        applied.push(file.name);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migrate ${where}: migration "${file.name}" failed and was rolled back: ${(error as Error).message}`, { cause: error });
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
  return applied;
}

/** The migrations not yet applied to a database (all of them when it has none); reads only. */
export async function pendingMigrationNames(databaseUrl: string, options: MigrateOptions = {}): Promise<string[]> {
  const provider = providerOf(databaseUrl);
  const files = listMigrations(provider, options.migrationsDir);
  const where = provider === 'sqlite' ? `SQLite ${sqlitePathOf(databaseUrl)}` : 'PostgreSQL';
  const query = 'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"';
  if (provider === 'sqlite') {
    const path = sqlitePathOf(databaseUrl);
    if (!existsSync(path)) return files.map((f) => f.name);
    const db = new Database(path, { readonly: true, timeout: 15_000 });
    try {
      const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
      return table ? pendingMigrations(files, db.prepare(query).all() as AppliedRow[], where).map((f) => f.name) : files.map((f) => f.name);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const table = await client.query("SELECT to_regclass('_prisma_migrations') AS t");
    if (!table.rows[0]?.t) return files.map((f) => f.name);
    return pendingMigrations(files, (await client.query<AppliedRow>(query)).rows, where).map((f) => f.name);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the database if needed (SQLite: the file and its folder) and applies the pending migrations.
 * Idempotent: a second run applies nothing. Returns the names of the migrations it applied.
 */
export async function migrateStore(databaseUrl: string, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const provider = providerOf(databaseUrl);
  const files = listMigrations(provider, options.migrationsDir);
  const applied = provider === 'sqlite' ? migrateSqlite(sqlitePathOf(databaseUrl), files) : await migratePostgres(databaseUrl, files);
  return { applied };
}
