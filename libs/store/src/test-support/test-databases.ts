/** Fresh databases for tests, on both providers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, inject } from 'vitest';
import type { DatabaseProvider } from '../database-url';
import { openStore } from '../store';
import type { Store } from '../types';

const postgresAdminUrl = inject('postgresAdminUrl');

/**
 * Declares a suite once per database: "<title> on sqlite" and "<title> on postgresql". Without a test PostgreSQL
 * server (see libs/store/vitest.global-setup.ts) the PostgreSQL suite is reported as skipped, test by test.
 */
export function describeEachProvider(title: string, suite: (provider: DatabaseProvider) => void): void {
  for (const provider of ['sqlite', 'postgresql'] as const) {
    describe.skipIf(provider === 'postgresql' && !postgresAdminUrl)(`${title} on ${provider}`, () => suite(provider));
  }
}

let counter = 0;
const cleanups: (() => Promise<void>)[] = [];

/** A URL of a new, empty database (SQLite: a file in a new temp folder; PostgreSQL: CREATE DATABASE). */
export async function freshDatabaseUrl(provider: DatabaseProvider): Promise<string> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'oncoboard-store-test-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    // A folder that does not exist yet: migrateStore must create it.
    return `file:${join(dir, 'nested', 'store.db')}`;
  }
  if (!postgresAdminUrl) throw new Error('freshDatabaseUrl: no test PostgreSQL server (see libs/store/vitest.global-setup.ts)');
  const name = `t_${process.pid}_${Date.now().toString(36)}_${(counter += 1)}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A migrated store on a new database; closed (and its files removed) by cleanupTestDatabases(). */
export async function freshStore(provider: DatabaseProvider): Promise<Store> {
  const store = await openStore({ databaseUrl: await freshDatabaseUrl(provider) });
  cleanups.unshift(() => store.close());
  return store;
}

export async function cleanupTestDatabases(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
}
