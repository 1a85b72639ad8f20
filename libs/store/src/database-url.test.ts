import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSqlitePath, describeDatabaseUrl, providerOf, repoRoot, resolveDatabaseUrl, sqlitePathOf } from './database-url';
import { pendingMigrationNames } from './migrate';
import { listMigrations } from './migrate';
import { openStore } from './store';

const work = mkdtempSync(join(tmpdir(), 'oncoboard-url-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('database URLs', () => {
  it('defaults to the embedded SQLite file under <repo>/data, else DATABASE_URL', () => {
    expect(defaultSqlitePath).toBe(join(repoRoot, 'data', 'oncoboard.db'));
    expect(resolveDatabaseUrl({})).toBe(`file:${join(repoRoot, 'data', 'oncoboard.db')}`);
    expect(resolveDatabaseUrl({ DATABASE_URL: '  ' })).toBe(`file:${defaultSqlitePath}`);
    expect(resolveDatabaseUrl({ DATABASE_URL: 'postgresql://u:p@db:5432/onco' })).toBe('postgresql://u:p@db:5432/onco');
  });

  it('picks the provider from the scheme', () => {
    expect(providerOf('file:./x.db')).toBe('sqlite');
    expect(providerOf('postgres://h/db')).toBe('postgresql');
    expect(providerOf('POSTGRESQL://h/db')).toBe('postgresql');
    expect(() => providerOf('sqlserver://h')).toThrow(/found the scheme "sqlserver:"/);
    expect(() => providerOf('/just/a/path.db')).toThrow(/found no scheme/);
    expect(sqlitePathOf('file:///abs/x.db')).toBe('/abs/x.db');
    expect(() => sqlitePathOf('file::memory:')).toThrow(/in-memory SQLite/);
    expect(describeDatabaseUrl('postgresql://me:secret@db/onco')).toBe('postgresql://me:***@db/onco');
  });

  it('openStore with migrate: false refuses a database that is not migrated, and creates no file', async () => {
    const url = `file:${join(work, 'data', 'not-yet.db')}`;
    expect(await pendingMigrationNames(url)).toEqual(listMigrations('sqlite').map((m) => m.name));
    await expect(openStore({ databaseUrl: url, migrate: false })).rejects.toThrow(/openStore: the database is not migrated: \d+ migration\(s\) not applied .*npm run db:migrate/);
    expect(existsSync(join(work, 'data'))).toBe(false);
    const store = await openStore({ databaseUrl: url });
    await store.close();
    expect(await pendingMigrationNames(url)).toEqual([]);
    const again = await openStore({ databaseUrl: url, migrate: false });
    expect(await again.countRecords()).toMatchObject({ patients: 0 });
    await again.close();
  });
});
