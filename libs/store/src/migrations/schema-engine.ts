/**
 * Prisma's schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm), driven through driver adapters.
 * Development tooling only (creating migrations, checking that the migrations match the schema): the runtime
 * applies committed SQL with our own runner (../migrate.ts) and never loads this.
 *
 * This uses Prisma internals: the engine build must match the Prisma version exactly
 * (@prisma/schema-engine-wasm 7.10.0-4.0edf323efd1d98336f3f0a68684b56f689b900d3 for prisma 7.10.0).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DiffTarget, MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import type { DatabaseProvider } from '../database-url';

type EngineModule = typeof import('@prisma/schema-engine-wasm');
let engineModule: Promise<EngineModule> | undefined;

/** The package's entry imports the .wasm file as an ES module (a bundler feature); instantiate it by hand. */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as EngineModule & { __wbg_set_wasm(wasm: unknown): void };
    const { instance } = await WebAssembly.instantiate(readFileSync(bgPath.replace(/\.js$/, '.wasm')), {
      './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return bg;
  })();
  return engineModule;
}

/**
 * A PostgreSQL "connection" that answers only the engine's start-up probe. Diffing two schema files needs no
 * database, but the engine's PostgreSQL flavour asks the server for its version first. Any other query fails
 * loudly, so a command that really needs a database cannot run against this by mistake.
 */
function offlinePostgresFactory(): SqlMigrationAwareDriverAdapterFactory {
  const connection = (): SqlDriverAdapter => ({
    provider: 'postgres',
    adapterName: 'oncoboard-offline-postgres',
    async queryRaw(query) {
      if (query.sql.includes("current_setting('server_version_num')")) {
        return { columnNames: ['exists', 'version', 'numeric_version'], columnTypes: [5, 7, 0], rows: [[true, 'PostgreSQL 15.0 (offline)', 150000]] };
      }
      throw new Error(`offline PostgreSQL engine: no database to run "${query.sql.slice(0, 60)}"`);
    },
    async executeRaw(query) {
      throw new Error(`offline PostgreSQL engine: no database to run "${query.sql.slice(0, 60)}"`);
    },
    async executeScript() {
      throw new Error('offline PostgreSQL engine: no database to run a script');
    },
    async startTransaction() {
      throw new Error('offline PostgreSQL engine: no database for a transaction');
    },
    getConnectionInfo: () => ({ schemaName: 'public', supportsRelationJoins: true }),
    async dispose() {},
  });
  return { provider: 'postgres', adapterName: 'oncoboard-offline-postgres', connect: async () => connection(), connectToShadowDb: async () => connection() };
}

/**
 * The engine sends a whole migration script to the shadow database as one executeRaw; better-sqlite3 runs one
 * statement per prepare. Route parameterless statements through executeScript (sqlite3_exec), which runs them all.
 */
function sqliteScriptFactory(base: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const wrap = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    Object.assign(Object.create(adapter) as SqlDriverAdapter, {
      async executeRaw(query: Parameters<SqlDriverAdapter['executeRaw']>[0]) {
        if (query.args.length === 0) {
          await adapter.executeScript(query.sql);
          return 0;
        }
        return adapter.executeRaw(query);
      },
    });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => wrap(await base.connect()),
    connectToShadowDb: async () => wrap(await base.connectToShadowDb()),
  };
}

export interface EngineHandle {
  engine: SchemaEngine;
  provider: DatabaseProvider;
}

/**
 * An engine for one provider. SQLite runs against an in-memory database (its shadow database too); PostgreSQL
 * against the given adapter factory (a real server, for commands that need one) or, by default, offline.
 */
export async function openSchemaEngine(provider: DatabaseProvider, factory?: SqlMigrationAwareDriverAdapterFactory): Promise<EngineHandle> {
  const { SchemaEngine } = await loadEngineModule();
  const adapterFactory = factory ?? (provider === 'sqlite' ? sqliteScriptFactory(new PrismaBetterSqlite3({ url: ':memory:' })) : offlinePostgresFactory());
  const logs: string[] = [];
  const engine = await SchemaEngine.new({ datamodels: undefined }, (log: string) => logs.push(log), bindMigrationAwareSqlAdapterFactory(adapterFactory));
  return { engine, provider };
}

const noFilters = { externalTables: [], externalEnums: [] };

/** A diff target for a schema's text. */
export function schemaTarget(schema: string, name = 'schema.prisma'): DiffTarget {
  return { tag: 'schemaDatamodel', files: [{ path: name, content: schema }] };
}

/** A diff target for a folder of migrations (the engine applies them to its shadow database). */
export function migrationsTarget(baseDir: string, migrations: { name: string; sql: string }[], provider: DatabaseProvider): DiffTarget {
  const list: MigrationList = {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: `provider = "${provider}"\n` },
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
    })),
  };
  return { tag: 'migrations', ...list };
}

/** The SQL script that takes a database from `from` to `to` ('' when they are the same). */
export async function diffScript(handle: EngineHandle, from: DiffTarget, to: DiffTarget): Promise<string> {
  const result = await handle.engine.diff({ from, to, script: true, exitCode: null, filters: noFilters });
  const script = result.stdout ?? '';
  return /^\s*(-- This is an empty migration\.)?\s*$/.test(script) ? '' : script;
}
