import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { derivePostgresSchema, postgresSchemaPath, sourceSchemaPath } from '../scripts/generate.mjs';
import { providerOf, sqlitePathOf, type DatabaseProvider } from './database-url';
import { listMigrations, migrateStore, migrationsRoot } from './migrate';
import { diffScript, migrationsTarget, openSchemaEngine, schemaTarget } from './migrations/schema-engine';
import { openStore } from './store';
import { observation, patientRecord } from './test-support/records';
import { cleanupTestDatabases, freshDatabaseUrl, describeEachProvider } from './test-support/test-databases';

afterAll(cleanupTestDatabases);

/** Rows of _prisma_migrations and the user tables, read with the plain driver (not through the code under test). */
async function inspect(url: string): Promise<{ migrations: { migration_name: string; checksum: string; finished_at: unknown }[]; tables: string[] }> {
  if (providerOf(url) === 'sqlite') {
    const db = new Database(sqlitePathOf(url), { readonly: true });
    try {
      const migrations = db.prepare('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name').all() as never;
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      return { migrations, tables };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const migrations = (await client.query('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name')).rows;
    const tables = (await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).rows.map((r) => r.tablename as string);
    return { migrations, tables };
  } finally {
    await client.end();
  }
}

/** A copy of the committed migrations that a test may change. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oncoboard-migrations-'));
  cpSync(migrationsRoot, dir, { recursive: true });
  return dir;
}

const MODEL_TABLES = ['Fact', 'ImportIssue', 'ImportRun', 'Patient', 'SourceRecord', 'SourceRecordVersion', 'TimelineEvent'];

describe('committed migrations', () => {
  it('exist for both providers under the same names, each with a schema snapshot', () => {
    const sqlite = listMigrations('sqlite').map((m) => m.name);
    const postgres = listMigrations('postgresql').map((m) => m.name);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(postgres).toEqual(sqlite);
    const snapshots = readdirSync(join(migrationsRoot, 'snapshots')).map((f) => f.replace(/\.prisma$/, ''));
    expect(snapshots.sort()).toEqual(sqlite);
  });

  it('the last snapshot is the current prisma/schema.prisma (no schema change without a migration)', () => {
    const last = listMigrations('sqlite').at(-1)!.name;
    const snapshot = readFileSync(join(migrationsRoot, 'snapshots', `${last}.prisma`), 'utf8');
    expect(snapshot, 'prisma/schema.prisma changed: run node --import tsx libs/store/scripts/create-migration.ts <name>').toBe(readFileSync(sourceSchemaPath, 'utf8'));
  });

  it('the SQLite migrations produce exactly the schema (Prisma schema engine diff is empty)', async () => {
    const handle = await openSchemaEngine('sqlite');
    try {
      const schema = readFileSync(sourceSchemaPath, 'utf8');
      const fromMigrations = await diffScript(handle, migrationsTarget(join(migrationsRoot, 'sqlite'), listMigrations('sqlite'), 'sqlite'), schemaTarget(schema));
      expect(fromMigrations).toBe('');
      // And the check can fail: a schema with one more column is not what the migrations produce.
      const changed = schema.replace(/(model Patient \{\n)/, '$1  extra String?\n');
      expect(await diffScript(handle, migrationsTarget(join(migrationsRoot, 'sqlite'), listMigrations('sqlite'), 'sqlite'), schemaTarget(changed))).toContain('"extra"');
    } finally {
      handle.engine.free();
    }
  });

  it('the PostgreSQL migration is the engine diff of the derived schema (regenerated offline, byte for byte)', async () => {
    const handle = await openSchemaEngine('postgresql');
    try {
      const migrations = listMigrations('postgresql');
      const snapshots = join(migrationsRoot, 'snapshots');
      // Rebuild every PostgreSQL migration from its snapshot and the one before, as create-migration does.
      let previous: string | undefined;
      for (const migration of migrations) {
        const snapshot = readFileSync(join(snapshots, `${migration.name}.prisma`), 'utf8');
        const from = previous ? schemaTarget(derivePostgresSchema(previous)) : ({ tag: 'empty' } as const);
        const expected = await diffScript(handle, from, schemaTarget(derivePostgresSchema(snapshot)));
        expect(migration.sql, migration.name).toBe(expected || '-- This is an empty migration.\n');
        previous = snapshot;
      }
    } finally {
      handle.engine.free();
    }
  });

  it('the generated PostgreSQL schema is derived from the source (provider and output only)', () => {
    const source = readFileSync(sourceSchemaPath, 'utf8');
    const derived = readFileSync(postgresSchemaPath, 'utf8');
    expect(derived).toBe(derivePostgresSchema(source));
    const changedLines = derived.split('\n').filter((line) => !source.split('\n').includes(line));
    expect(changedLines).toEqual([expect.stringMatching(/^\/\/ GENERATED/), '  output       = "./postgresql"', '  provider = "postgresql"']);
    expect(() => derivePostgresSchema(source.replace('provider = "sqlite"', 'provider = "mysql"'))).toThrow(/expected one datasource block with provider = "sqlite"/);
  });
});

describeEachProvider('migrateStore', (provider: DatabaseProvider) => {
  it('applies every migration to a fresh database, records Prisma-compatible checksums, and a second run applies nothing', async () => {
    const url = await freshDatabaseUrl(provider);
    const files = listMigrations(provider);
    const first = await migrateStore(url);
    expect(first.applied).toEqual(files.map((f) => f.name));
    const state = await inspect(url);
    expect(state.tables).toEqual(expect.arrayContaining([...MODEL_TABLES, '_prisma_migrations']));
    expect(state.migrations.map((m) => [m.migration_name, m.checksum])).toEqual(
      files.map((f) => [f.name, createHash('sha256').update(readFileSync(f.path)).digest('hex')]),
    );
    expect(state.migrations.every((m) => m.finished_at !== null)).toBe(true);

    expect(await migrateStore(url)).toEqual({ applied: [] });
    expect((await inspect(url)).migrations).toHaveLength(files.length);
  });

  it('refuses to run when an applied migration was edited, and names the file', async () => {
    const url = await freshDatabaseUrl(provider);
    const dir = copyOfMigrations();
    try {
      await migrateStore(url, { migrationsDir: dir });
      const first = listMigrations(provider, dir)[0]!;
      writeFileSync(first.path, `${first.sql}\n-- edited after it was applied\n`);
      await expect(migrateStore(url, { migrationsDir: dir })).rejects.toThrow(
        new RegExp(`${first.name}/migration\\.sql was changed after it was applied .*restore the file and add a new migration`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies a new migration whole or not at all, then applies it once fixed', async () => {
    const url = await freshDatabaseUrl(provider);
    const dir = copyOfMigrations();
    try {
      await migrateStore(url, { migrationsDir: dir });
      const broken = join(dir, provider, '29991231000000_broken');
      mkdirSync(broken);
      writeFileSync(join(broken, 'migration.sql'), 'CREATE TABLE "HalfDone" ("id" INTEGER NOT NULL PRIMARY KEY);\nALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;\n');
      await expect(migrateStore(url, { migrationsDir: dir })).rejects.toThrow(/migration "29991231000000_broken" failed and was rolled back/);
      const after = await inspect(url);
      expect(after.tables).not.toContain('HalfDone');
      expect(after.migrations.map((m) => m.migration_name)).not.toContain('29991231000000_broken');

      writeFileSync(join(broken, 'migration.sql'), 'CREATE TABLE "HalfDone" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      expect(await migrateStore(url, { migrationsDir: dir })).toEqual({ applied: ['29991231000000_broken'] });
      expect((await inspect(url)).tables).toContain('HalfDone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database that has a migration this checkout does not know', async () => {
    const url = await freshDatabaseUrl(provider);
    const dir = copyOfMigrations();
    try {
      const extra = join(dir, provider, '29991231000000_from_the_future');
      mkdirSync(extra);
      writeFileSync(join(extra, 'migration.sql'), 'CREATE TABLE "Future" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      await migrateStore(url, { migrationsDir: dir });
      await expect(migrateStore(url)).rejects.toThrow(/has migration "29991231000000_from_the_future" applied, but this checkout has no such folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two runners starting at once apply each migration once', async () => {
    const url = await freshDatabaseUrl(provider);
    const results = await Promise.all([migrateStore(url), migrateStore(url), migrateStore(url)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(listMigrations(provider).map((m) => m.name));
    expect((await inspect(url)).migrations).toHaveLength(listMigrations(provider).length);
  });
});

describe('migrateStore input', () => {
  it('refuses a URL that is neither file: nor postgres(ql)://, without echoing it', async () => {
    await expect(migrateStore('mysql://user:secret@host/db')).rejects.toThrow(/expected "file:<path>" .* found the scheme "mysql:"/);
    await expect(migrateStore('mysql://user:secret@host/db')).rejects.not.toThrow(/secret/);
  });
});

describe('upgrading a SQLite store that holds data', () => {
  // SQLite drops and rebuilds a table to remove a column; with foreign keys on, that DROP would cascade into every
  // fact, event and encoding of the patients. The runner turns them off around each migration: prove no row is lost.
  it('the latest migration keeps every row of every table', async () => {
    const populated = await freshDatabaseUrl('sqlite');
    const store = await openStore({ databaseUrl: populated });
    try {
      const run = await store.beginImportRun('upgrade test');
      await store.writeRecords(run.id, [
        patientRecord('Patient/upgrade', { displayName: 'Up Grade' }),
        observation({ id: 'upgrade-obs', patient: 'Patient/upgrade', date: '2020-01-01', events: [{ start: '2020-01-01', category: 'lab', title: 'upgrade-obs' }] }),
      ]);
      // Rows in the tables that reference Patient with ON DELETE CASCADE.
      await store.prisma.user.create({ data: { id: 'u1', username: 'upgrade', displayName: 'Upgrade' } });
      await store.prisma.careTeamMember.create({ data: { userId: 'u1', patientKey: 'Patient/upgrade' } });
      await store.prisma.modalityEncoding.create({ data: { patientKey: 'Patient/upgrade', moduleId: 'm', moduleVersion: '1.0.0', inputHash: 'h', vector: new Uint8Array(4) } });
    } finally {
      await store.close();
    }
    const previous = await freshDatabaseUrl('sqlite');
    const dir = copyOfMigrations();
    const latest = listMigrations('sqlite').at(-1)!;
    try {
      rmSync(join(dir, 'sqlite', latest.name), { recursive: true });
      await migrateStore(previous, { migrationsDir: dir });
      const rowsBefore = copyRows(sqlitePathOf(populated), sqlitePathOf(previous));
      expect(rowsBefore.Fact).toBeGreaterThan(0);
      expect(rowsBefore.TimelineEvent).toBeGreaterThan(0);
      expect([rowsBefore.CareTeamMember, rowsBefore.ModalityEncoding]).toEqual([1, 1]);

      expect(await migrateStore(previous)).toEqual({ applied: [latest.name] });
      const db = new Database(sqlitePathOf(previous), { readonly: true });
      try {
        const rowsAfter = Object.fromEntries(Object.keys(rowsBefore).map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]));
        expect(rowsAfter).toEqual(rowsBefore);
        expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Copies every row of `from` (current schema) into `to` (the previous schema), the columns both have; returns the row counts. */
function copyRows(from: string, to: string): Record<string, number> {
  const db = new Database(to);
  try {
    db.pragma('foreign_keys = OFF');
    db.prepare('ATTACH DATABASE ? AS src').run(from);
    const tables = (db.prepare("SELECT name FROM src.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const columnsOf = (schema: string) => new Set((db.prepare(`PRAGMA ${schema}.table_info("${table}")`).all() as { name: string }[]).map((c) => c.name));
      const target = columnsOf('main');
      const shared = [...columnsOf('src')].filter((c) => target.has(c)).map((c) => `"${c}"`).join(', ');
      db.exec(`INSERT INTO main."${table}" (${shared}) SELECT ${shared} FROM src."${table}"`);
      counts[table] = (db.prepare(`SELECT count(*) AS n FROM main."${table}"`).get() as { n: number }).n;
    }
    db.exec('DETACH DATABASE src');
    return counts;
  } finally {
    db.close();
  }
}
