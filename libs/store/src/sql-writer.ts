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
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { DatabaseProvider } from './database-url';

export type SqlValue = string | number | boolean | null | Date | Uint8Array | undefined;
export type Row = Record<string, unknown>;

/** Statements inside one transaction. SQL uses "?" placeholders on both databases. */
export interface SqlTransaction {
  readonly provider: DatabaseProvider;
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** One statement run once per parameter list, in order (one round trip to the SQLite worker); total changes. */
  runMany(sql: string, paramsList: SqlValue[][]): Promise<number>;
  /** INSERT of many rows (each an array in `columns` order), in as few statements as the database allows. */
  insertMany(table: string, columns: readonly string[], rows: SqlValue[][]): Promise<void>;
}

export interface SqlWriter {
  readonly provider: DatabaseProvider;
  /** Runs `fn` in a write transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /**
   * Inserts rows in a transaction of their own, committed when it resolves: one message to the SQLite worker
   * instead of three (begin, insert, commit) for the small writes on a request's path (audit rows of reads).
   * SQLite only; in order with the writer's transactions.
   */
  insertCommitted?(table: string, columns: readonly string[], rows: SqlValue[][]): Promise<void>;
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

type WorkerReply = { id: number; result?: unknown; error?: { message: string; code?: string } };

/**
 * SQLite writes on one better-sqlite3 connection owned by a worker thread (sqlite-write-worker.mjs), so the
 * main thread reads and maps the next batch while this one is written. Calls are messages; their order is kept.
 */
class SqliteWriter implements SqlWriter {
  readonly provider = 'sqlite' as const;
  readonly #worker: Worker;
  readonly #lock = new AsyncLock();
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  #failure: Error | undefined;

  constructor(path: string) {
    this.#worker = new Worker(new URL('./sqlite-write-worker.mjs', import.meta.url), { workerData: { path } });
    // Idle, the worker must not keep the process alive; while a call is pending it is ref'd again.
    this.#worker.unref();
    this.#worker.on('message', (reply: WorkerReply) => {
      const call = this.#pending.get(reply.id);
      if (!call) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (reply.error) call.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
      else call.resolve(reply.result);
    });
    const fail = (error: Error) => {
      this.#failure = new Error(`SQLite writer stopped: ${error.message}`, { cause: error });
      for (const call of this.#pending.values()) call.reject(this.#failure);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
  }

  #call<T>(op: string, message: Record<string, unknown> = {}): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = ++this.#nextId;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.ref();
      this.#worker.postMessage({ id, op, ...message });
    });
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.#lock.run(async () => {
      const tx: SqlTransaction = {
        provider: 'sqlite',
        query: <R extends Row>(sql: string, params: SqlValue[] = []) => this.#call<R[]>('query', { sql, params: params.map(sqliteValue) }),
        run: (sql, params = []) => this.#call<number>('run', { sql, params: params.map(sqliteValue) }),
        runMany: async (sql, paramsList) => (paramsList.length === 0 ? 0 : this.#call<number>('runMany', { sql, paramsList: paramsList.map((p) => p.map(sqliteValue)) })),
        insertMany: async (table, columns, rows) => {
          if (rows.length > 0) await this.#call('insertMany', { table, columns, rows: rows.map((row) => row.map(sqliteValue)) });
        },
      };
      await this.#call('begin');
      try {
        const result = await fn(tx);
        await this.#call('commit');
        return result;
      } catch (error) {
        await this.#call('rollback').catch(() => undefined);
        throw error;
      }
    });
  }

  insertCommitted(table: string, columns: readonly string[], rows: SqlValue[][]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.#lock.run(() => this.#call<void>('insertCommitted', { table, columns, rows: rows.map((row) => row.map(sqliteValue)) }));
  }

  async close(): Promise<void> {
    await this.#lock.run(async () => {
      if (!this.#failure) await this.#call('close');
      await this.#worker.terminate();
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
      runMany: async (sql, paramsList) => {
        let changes = 0;
        for (const params of paramsList) changes += (await client.query(numbered(sql), params.map(postgresValue))).rowCount ?? 0;
        return changes;
      },
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
