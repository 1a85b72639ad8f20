/**
 * Writes a new migration for both databases from the change to prisma/schema.prisma since the last migration:
 *
 *   node --import tsx libs/store/scripts/create-migration.ts <name>        e.g. add_imaging_series
 *
 * creates prisma/migrations/sqlite/<timestamp>_<name>/migration.sql, the same under postgresql/, and
 * prisma/migrations/snapshots/<timestamp>_<name>.prisma (the source schema as of this migration: the next
 * migration is the diff from it). Offline: Prisma's schema engine runs as WebAssembly; no database is needed.
 * Review the SQL before committing it; applied migrations must never be edited afterwards.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listMigrations, migrationsRoot } from '../src/migrate';
import { diffScript, migrationsTarget, openSchemaEngine, schemaTarget } from '../src/migrations/schema-engine';
import { derivePostgresSchema, repoRoot, sourceSchemaPath } from './generate.mjs';
import type { DatabaseProvider } from '../src/database-url';

const PROVIDERS: DatabaseProvider[] = ['sqlite', 'postgresql'];


function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The last snapshot (the schema the existing migrations produce), or undefined before the first migration. */
export function latestSnapshot(dir: string): { name: string; schema: string } | undefined {
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir).filter((f) => f.endsWith('.prisma')).sort();
  const last = names.at(-1);
  return last ? { name: last.replace(/\.prisma$/, ''), schema: readFileSync(join(dir, last), 'utf8') } : undefined;
}

const forProvider = (provider: DatabaseProvider, source: string) => (provider === 'sqlite' ? source : derivePostgresSchema(source));

export interface CreateMigrationOptions {
  /** Write an (empty) migration even when the schema did not change. */
  allowEmpty?: boolean;
  now?: Date;
  /** Default prisma/schema.prisma. */
  schemaPath?: string;
  /** Default prisma/migrations (holding sqlite/, postgresql/ and snapshots/). */
  migrationsDir?: string;
  log?: (line: string) => void;
}

/** Writes the migration; returns its folder name, or undefined when there was nothing to migrate. */
export async function createMigration(name: string, options: CreateMigrationOptions = {}): Promise<string | undefined> {
  const root = options.migrationsDir ?? migrationsRoot;
  const snapshotsDir = join(root, 'snapshots');
  const log = options.log ?? ((line: string) => console.log(line));
  if (!/^[a-z0-9][a-z0-9_]*$/.test(name)) {
    throw new Error(`create-migration: name "${name}": expected lower-case letters, digits and underscores, e.g. add_imaging_series`);
  }
  const source = readFileSync(options.schemaPath ?? sourceSchemaPath, 'utf8');
  const previous = latestSnapshot(snapshotsDir);
  const existing = Object.fromEntries(PROVIDERS.map((p) => [p, existsSync(join(root, p)) ? listMigrations(p, root) : []])) as Record<DatabaseProvider, ReturnType<typeof listMigrations>>;
  const sqliteNames = existing.sqlite.map((m) => m.name).join(',');
  if (sqliteNames !== existing.postgresql.map((m) => m.name).join(',')) {
    throw new Error('create-migration: prisma/migrations/sqlite and prisma/migrations/postgresql hold different migrations; both must have the same folders');
  }
  if (existing.sqlite.length > 0 && existing.sqlite.at(-1)!.name !== previous?.name) {
    throw new Error(`create-migration: the last migration ${existing.sqlite.at(-1)!.name} has no snapshot ${relative(repoRoot, join(snapshotsDir, `${existing.sqlite.at(-1)!.name}.prisma`))}`);
  }

  const scripts = {} as Record<DatabaseProvider, string>;
  for (const provider of PROVIDERS) {
    const handle = await openSchemaEngine(provider);
    try {
      const to = schemaTarget(forProvider(provider, source));
      const from = previous ? schemaTarget(forProvider(provider, previous.schema)) : ({ tag: 'empty' } as const);
      if (provider === 'sqlite' && previous) {
        // The committed SQL must still produce the snapshot (nobody edited a migration by hand).
        const drift = await diffScript(handle, migrationsTarget(join(root, provider), existing.sqlite, provider), schemaTarget(forProvider(provider, previous.schema)));
        if (drift) throw new Error(`create-migration: the SQLite migrations do not produce the snapshot ${previous.name}.prisma; a migration was edited. Difference:\n${drift}`);
      }
      scripts[provider] = await diffScript(handle, from, to);
    } finally {
      handle.engine.free();
    }
  }
  if (!scripts.sqlite && !scripts.postgresql && !options.allowEmpty) {
    log(`create-migration: the schema has not changed since ${previous?.name ?? 'the beginning'}; nothing to write`);
    return undefined;
  }

  const folder = `${timestamp(options.now)}_${name}`;
  const last = existing.sqlite.at(-1)?.name;
  if (last && folder <= last) throw new Error(`create-migration: ${folder} would sort before the existing ${last}; check the clock`);
  for (const provider of PROVIDERS) {
    const dir = join(root, provider, folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'migration.sql'), scripts[provider] || '-- This is an empty migration.\n');
    const lock = join(root, provider, 'migration_lock.toml');
    if (!existsSync(lock)) writeFileSync(lock, `# Written by libs/store/scripts/create-migration.ts\nprovider = "${provider}"\n`);
    log(`wrote ${relative(repoRoot, join(dir, 'migration.sql'))}`);
  }
  mkdirSync(snapshotsDir, { recursive: true });
  writeFileSync(join(snapshotsDir, `${folder}.prisma`), source);
  log(`wrote ${relative(repoRoot, join(snapshotsDir, `${folder}.prisma`))}`);
  return folder;
}

const invokedDirectly = process.argv[1] && /create-migration\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  const args = process.argv.slice(2);
  const name = args.find((a) => !a.startsWith('--'));
  if (!name) {
    console.error('usage: node --import tsx libs/store/scripts/create-migration.ts <name> [--allow-empty]');
    process.exit(2);
  }
  createMigration(name, { allowEmpty: args.includes('--allow-empty') })
    .then(() => process.exit(0))
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
