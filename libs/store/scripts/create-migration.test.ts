import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrateStore, migrationsRoot } from '../src/migrate';
import { openStore } from '../src/store';
import { cleanupTestDatabases, describeEachProvider, freshDatabaseUrl } from '../src/test-support/test-databases';
import { createMigration } from './create-migration';
import { sourceSchemaPath } from './generate.mjs';

// A later issue adds a table: the one schema changes, one command writes the SQL for both databases, and
// migrateStore applies it on top of the committed history.
const work = mkdtempSync(join(tmpdir(), 'oncoboard-create-migration-'));
const migrationsDir = join(work, 'migrations');
const schemaPath = join(work, 'schema.prisma');
let folder: string | undefined;

beforeAll(async () => {
  cpSync(migrationsRoot, migrationsDir, { recursive: true });
  const schema = readFileSync(sourceSchemaPath, 'utf8').replace(
    /\n\/\/\/ One import \(a file/,
    `
/// An imaging series (a later issue), tied to its source record.
model ImagingSeries {
  id                Int    @id @default(autoincrement())
  sourceRecordKey   String
  seriesInstanceUid String @unique
  modality          String

  @@index([sourceRecordKey])
}

/// One import (a file`,
  );
  expect(schema).toContain('model ImagingSeries');
  writeFileSync(schemaPath, schema);
  folder = await createMigration('add_imaging_series', { schemaPath, migrationsDir, now: new Date('2999-01-02T03:04:05Z'), log: () => undefined });
}, 60_000);

afterAll(async () => {
  await cleanupTestDatabases();
  rmSync(work, { recursive: true, force: true });
});

describe('create-migration', () => {
  it('writes the same migration for both databases, and a snapshot of the schema', () => {
    expect(folder).toBe('29990102030405_add_imaging_series');
    const sqlite = readFileSync(join(migrationsDir, 'sqlite', folder!, 'migration.sql'), 'utf8');
    const postgres = readFileSync(join(migrationsDir, 'postgresql', folder!, 'migration.sql'), 'utf8');
    expect(sqlite).toContain('CREATE TABLE "ImagingSeries"');
    expect(sqlite).toContain('"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT');
    expect(postgres).toContain('CREATE TABLE "ImagingSeries"');
    expect(postgres).toContain('"id" SERIAL NOT NULL');
    for (const sql of [sqlite, postgres]) {
      expect(sql).toContain('CREATE UNIQUE INDEX "ImagingSeries_seriesInstanceUid_key"');
      expect(sql).not.toContain('"Patient"'); // only the change, not the whole schema again
    }
    expect(readFileSync(join(migrationsDir, 'snapshots', `${folder}.prisma`), 'utf8')).toBe(readFileSync(schemaPath, 'utf8'));
  });

  it('writes nothing when the schema did not change', async () => {
    const before = readdirSync(join(migrationsDir, 'sqlite'));
    const lines: string[] = [];
    expect(await createMigration('nothing_new', { schemaPath, migrationsDir, log: (l) => lines.push(l) })).toBeUndefined();
    expect(lines.join('\n')).toMatch(/has not changed since 29990102030405_add_imaging_series; nothing to write/);
    expect(readdirSync(join(migrationsDir, 'sqlite'))).toEqual(before);
    await expect(createMigration('Bad Name', { schemaPath, migrationsDir })).rejects.toThrow(/name "Bad Name": expected lower-case letters/);
  });

  it('refuses to build on SQL that no longer produces the last snapshot (an edited migration)', async () => {
    const edited = join(work, 'edited');
    cpSync(migrationsDir, edited, { recursive: true });
    const file = join(edited, 'sqlite', folder!, 'migration.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"modality" TEXT NOT NULL', '"modality" TEXT'));
    await expect(createMigration('next', { schemaPath, migrationsDir: edited, log: () => undefined })).rejects.toThrow(/do not produce the snapshot 29990102030405_add_imaging_series\.prisma; a migration was edited/);
    expect(existsSync(join(edited, 'sqlite'))).toBe(true);
  });
});

describeEachProvider('a new migration applies on top of the committed history', (provider) => {
  it('migrates a database of the previous version, then a fresh one', async () => {
    const previous = await freshDatabaseUrl(provider);
    await migrateStore(previous); // the committed migrations only
    const store = await openStore({ databaseUrl: previous });
    const run = await store.beginImportRun('before the new table');
    await store.close();
    expect(await migrateStore(previous, { migrationsDir })).toEqual({ applied: [folder] });
    const reopened = await openStore({ databaseUrl: previous, migrate: false }).catch((e: Error) => e);
    // The committed checkout does not know the new migration: openStore says the database is newer.
    expect(String(reopened)).toMatch(/this checkout has no such folder/);

    const fresh = await freshDatabaseUrl(provider);
    expect((await migrateStore(fresh, { migrationsDir })).applied).toEqual(listMigrations(provider, migrationsDir).map((m) => m.name));
    expect(run.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
