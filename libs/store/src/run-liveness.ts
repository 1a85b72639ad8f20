/**
 * Which "running" import runs still have a live process behind them.
 *
 * The process that begins a run holds a lock for it until it finishes the run (or closes the store). When the
 * process dies, however it dies (SIGKILL, OOM, power loss of the client), the lock goes with it: SQLite's file
 * lock is released by the operating system; a PostgreSQL session advisory lock by the server when the session
 * ends. The next beginImportRun marks the runs whose lock is free as "interrupted" (see store.ts).
 *
 * A mistaken "dead" (a lock file under another path to the same database, a lost PostgreSQL session) only labels a
 * live run "interrupted" early: its own finishImportRun still sets its final status.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface RunLiveness {
  /** Takes the run's lock (before the run's row is committed, so no one sees it running without the lock). */
  hold(runId: string): Promise<void>;
  release(runId: string): Promise<void>;
  /** Of these runs (not held by this store), those whose process is gone. */
  dead(runIds: string[]): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * SQLite: one small lock file per running run, `<database>-import-runs/<run id>.lock`, a SQLite file held in an
 * open EXCLUSIVE transaction (SQLite's own locking, so it also works between connections of one process).
 */
export class SqliteRunLiveness implements RunLiveness {
  readonly #dir: string;
  readonly #held = new Map<string, Database.Database>();

  constructor(databasePath: string) {
    this.#dir = `${databasePath}-import-runs`;
  }

  #file(runId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(runId)) throw new Error(`run liveness: "${runId}" is not an import run id`);
    return join(this.#dir, `${runId}.lock`);
  }

  async hold(runId: string): Promise<void> {
    mkdirSync(this.#dir, { recursive: true });
    const lock = new Database(this.#file(runId), { timeout: 0 });
    try {
      lock.pragma('journal_mode = MEMORY'); // nothing is written: no journal file beside it
      lock.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      lock.close();
      throw error;
    }
    this.#held.set(runId, lock);
  }

  async release(runId: string): Promise<void> {
    const lock = this.#held.get(runId);
    if (!lock) return;
    this.#held.delete(runId);
    lock.close();
    rmSync(this.#file(runId), { force: true });
  }

  async dead(runIds: string[]): Promise<string[]> {
    const dead: string[] = [];
    for (const runId of runIds) {
      if (this.#held.has(runId) || !/^[0-9a-f-]{36}$/.test(runId)) continue;
      const file = this.#file(runId);
      let alive = false;
      let probe: Database.Database | undefined;
      try {
        probe = new Database(file, { fileMustExist: true, timeout: 0 });
        probe.pragma('journal_mode = MEMORY');
        probe.exec('BEGIN EXCLUSIVE');
        probe.exec('ROLLBACK');
      } catch (error) {
        // SQLITE_BUSY: its process holds it. No file: the run was begun without one (or it was removed).
        alive = (error as { code?: string }).code === 'SQLITE_BUSY';
      } finally {
        probe?.close();
      }
      if (!alive) {
        dead.push(runId);
        rmSync(file, { force: true });
      }
    }
    return dead;
  }

  async close(): Promise<void> {
    for (const runId of [...this.#held.keys()]) await this.release(runId);
  }
}

/** Any int4: the key space of OncoBoard's run locks (pg_advisory_lock(int4, int4); the write lock is a bigint). */
const RUN_LOCK_SPACE = 727073692;

function runLockKey(runId: string): number {
  return createHash('sha256').update(runId).digest().readInt32BE(0);
}

/** PostgreSQL: a session advisory lock per running run, on one connection of its own (outside the write pool). */
export class PostgresRunLiveness implements RunLiveness {
  readonly #databaseUrl: string;
  #client: Promise<pg.Client> | undefined;
  readonly #held = new Set<string>();

  constructor(databaseUrl: string) {
    this.#databaseUrl = databaseUrl;
  }

  #connect(): Promise<pg.Client> {
    if (!this.#client) {
      const client = new pg.Client({ connectionString: this.#databaseUrl });
      // A lost connection loses the locks (runs then look dead: labelled early, corrected by their finish).
      client.on('error', () => {
        this.#client = undefined;
      });
      this.#client = client.connect().then(() => client);
      this.#client.catch(() => (this.#client = undefined));
    }
    return this.#client;
  }

  async hold(runId: string): Promise<void> {
    const client = await this.#connect();
    await client.query('SELECT pg_advisory_lock($1, $2)', [RUN_LOCK_SPACE, runLockKey(runId)]);
    this.#held.add(runId);
  }

  async release(runId: string): Promise<void> {
    if (!this.#held.delete(runId)) return;
    const client = await this.#connect();
    await client.query('SELECT pg_advisory_unlock($1, $2)', [RUN_LOCK_SPACE, runLockKey(runId)]);
  }

  async dead(runIds: string[]): Promise<string[]> {
    const others = runIds.filter((id) => !this.#held.has(id));
    if (others.length === 0) return [];
    const client = await this.#connect();
    const dead: string[] = [];
    for (const runId of others) {
      const key = runLockKey(runId);
      const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS free', [RUN_LOCK_SPACE, key]);
      if (rows[0]?.free) {
        dead.push(runId);
        await client.query('SELECT pg_advisory_unlock($1, $2)', [RUN_LOCK_SPACE, key]);
      }
    }
    return dead;
  }

  async close(): Promise<void> {
    this.#held.clear();
    const client = this.#client;
    this.#client = undefined;
    if (client) await (await client.catch(() => undefined))?.end().catch(() => undefined);
  }
}
