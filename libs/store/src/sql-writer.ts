/**
 * The store's write path: plain SQL on the database driver (better-sqlite3, pg), against the tables the Prisma
 * schema defines.
 *
 * Why not Prisma's createMany: Prisma 7's client spends ~0.3-0.5 ms per row of a createMany on this kind of
 * machine (its query interpreter re-walks the parameter template while chunking, with heavy GC); measured 265
 * records/s for the import benchmark against the 3,000 resources/s the ingest must reach. The driver path
 * writes the same rows at well over 10,000 records/s. Reads stay on the typed Prisma client, and the tests read
 * every written column back through Prisma, so the two cannot drift apart unnoticed.
 *
 * Values are written the way Prisma's adapters write them, so Prisma reads and filters them as its own:
 * - SQLite (adapter-better-sqlite3, timestampFormat iso8601): DateTime as "2019-04-01T00:00:00.000+00:00",
 *   Boolean as 1/0.
 * - PostgreSQL (timestamp(3) without time zone, read as UTC): DateTime as "2019-04-01 00:00:00.000".
 */
import type Database from 'better-sqlite3';
import pg from 'pg';
import { openSqliteFile } from './migrate';
import type { DatabaseProvider } from './database-url';

export type SqlValue = string | number | boolean | null | Date | Uint8Array | undefined;
export type Row = Record<string, unknown>;

/** Statements inside one transaction. SQL uses "?" placeholders on both databases. */
export interface SqlTransaction {
  readonly provider: DatabaseProvider;
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** INSERT of many rows (each an array in `columns` order), in as few statements as the database allows. */
  insertMany(table: string, columns: readonly string[], rows: SqlValue[][]): Promise<void>;
}

export interface SqlWriter {
  readonly provider: DatabaseProvider;
  /** Runs `fn` in a write transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** "?, ?, ?" */
export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function sqliteValue(value: SqlValue): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString().replace('Z', '+00:00');
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

function postgresValue(value: SqlValue): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

/** Serializes async work: the one SQLite write connection must not interleave two transactions. */
class AsyncLock {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn, fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

class SqliteWriter implements SqlWriter {
  readonly provider = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #lock = new AsyncLock();
  readonly #statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    this.#db = openSqliteFile(path);
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('temp_store = MEMORY');
    this.#db.pragma('cache_size = -65536');
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size > 500) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.#lock.run(async () => {
      const db = this.#db;
      const tx: SqlTransaction = {
        provider: 'sqlite',
        query: async <R extends Row>(sql: string, params: SqlValue[] = []) => this.#prepare(sql).all(...params.map(sqliteValue)) as R[],
        run: async (sql, params = []) => this.#prepare(sql).run(...params.map(sqliteValue)).changes,
        insertMany: async (table, columns, rows) => {
          if (rows.length === 0) return;
          const statement = this.#prepare(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${placeholders(columns.length)})`);
          for (const row of rows) statement.run(...row.map(sqliteValue));
        },
      };
      // IMMEDIATE: take the write lock now (waiting up to the busy timeout for other processes), so a
      // transaction that reads first never fails later when it upgrades to writing.
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.#lock.run(async () => {
      this.#statements.clear();
      this.#db.close();
    });
  }
}

/** PostgreSQL's limit is 65535 bind parameters per statement; stay well below it. */
const POSTGRES_MAX_PARAMS = 30_000;
/** Any bigint: the lock all OncoBoard writers of one database share, so two imports never interleave. */
const POSTGRES_WRITE_LOCK = 727073691;

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PostgresWriter implements SqlWriter {
  readonly provider = 'postgresql' as const;
  readonly #pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    this.#pool.on('error', () => undefined);
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const tx: SqlTransaction = {
      provider: 'postgresql',
      query: async <R extends Row>(sql: string, params: SqlValue[] = []) => (await client.query(numbered(sql), params.map(postgresValue))).rows as R[],
      run: async (sql, params = []) => (await client.query(numbered(sql), params.map(postgresValue))).rowCount ?? 0,
      insertMany: async (table, columns, rows) => {
        const perStatement = Math.max(1, Math.floor(POSTGRES_MAX_PARAMS / columns.length));
        for (let start = 0; start < rows.length; start += perStatement) {
          const part = rows.slice(start, start + perStatement);
          let n = 0;
          const values = part.map((row) => `(${row.map(() => `$${++n}`).join(', ')})`).join(', ');
          await client.query(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${values}`, part.flat().map(postgresValue));
        }
      },
    };
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [POSTGRES_WRITE_LOCK]);
      const result = await fn(tx);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A client whose connection failed must not go back to the pool.
      client.release(error instanceof Error && /connection|terminat/i.test(error.message) ? error : undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

export function createSqlWriter(provider: DatabaseProvider, target: { sqlitePath?: string; databaseUrl: string }): SqlWriter {
  return provider === 'sqlite' ? new SqliteWriter(target.sqlitePath!) : new PostgresWriter(target.databaseUrl);
}
