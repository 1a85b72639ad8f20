#!/usr/bin/env node
// Generates the two Prisma clients of the store from the one source schema, offline:
//   prisma/schema.prisma (SQLite)                     -> libs/store/src/generated/sqlite
//   derived: libs/store/src/generated/schema.postgresql.prisma -> libs/store/src/generated/postgresql
// Idempotent and fast: a stamp (hash of the schema, the Prisma version and this script) skips the work when
// nothing changed. Run by the root `postinstall`; safe to run any time:  node libs/store/scripts/generate.mjs [--force]
//
// Prisma 7's CLI tries to download its native schema engine before any command, even `generate`, which needs no
// engine. PRISMA_SCHEMA_ENGINE_BINARY pointing at a stub that exits 1 stops the download; should any command
// really try to use the engine, it fails loudly instead of silently doing nothing.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const sourceSchemaPath = join(repoRoot, 'prisma', 'schema.prisma');
export const generatedDir = join(repoRoot, 'libs', 'store', 'src', 'generated');
export const postgresSchemaPath = join(generatedDir, 'schema.postgresql.prisma');
const stampPath = join(generatedDir, '.stamp.json');

/**
 * Derives the PostgreSQL schema from the SQLite source: only the datasource provider and the generator output
 * change. Throws (naming the file and what was expected) when the source does not have exactly one of each,
 * so a schema edit cannot silently produce a wrong PostgreSQL client.
 * @param {string} source the text of prisma/schema.prisma
 * @param {string} output the client output path, relative to where the derived schema will be written
 */
export function derivePostgresSchema(source, output = './postgresql') {
  const datasource = /(datasource\s+\w+\s*\{[^}]*?provider\s*=\s*)"sqlite"/g;
  const datasourceHits = source.match(datasource)?.length ?? 0;
  if (datasourceHits !== 1) {
    throw new Error(`prisma/schema.prisma: expected one datasource block with provider = "sqlite", found ${datasourceHits}`);
  }
  const generatorOutput = /(generator\s+client\s*\{[^}]*?output\s*=\s*)"[^"]*"/g;
  const outputHits = source.match(generatorOutput)?.length ?? 0;
  if (outputHits !== 1) {
    throw new Error(`prisma/schema.prisma: expected one "generator client" block with an output = "..." line, found ${outputHits}`);
  }
  return (
    '// GENERATED from prisma/schema.prisma by libs/store/scripts/generate.mjs. Do not edit.\n' +
    source.replace(datasource, '$1"postgresql"').replace(generatorOutput, `$1"${output}"`)
  );
}

/** The schema text for one provider (the source for SQLite, the derived one for PostgreSQL). */
export function schemaFor(provider, source = readFileSync(sourceSchemaPath, 'utf8')) {
  if (provider === 'sqlite') return source;
  if (provider === 'postgresql') return derivePostgresSchema(source);
  throw new Error(`schemaFor: unknown provider "${provider}" (expected "sqlite" or "postgresql")`);
}

function prismaCliPath() {
  const require = createRequire(join(repoRoot, 'package.json'));
  try {
    return { cli: require.resolve('prisma/build/index.js'), version: require('prisma/package.json').version };
  } catch {
    return undefined;
  }
}

function run(cli, schema, env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'generate', '--schema', schema], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolvePromise(output);
      else reject(new Error(`prisma generate --schema ${relative(repoRoot, schema)} failed (exit ${code}):\n${output}`));
    });
  });
}

/** Two generate runs at once (postinstall, a test setup, a typecheck) must not write the same folders together. */
async function withLock(fn) {
  mkdirSync(generatedDir, { recursive: true });
  const lock = join(generatedDir, '.generate.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock left by a killed run is stale after two minutes.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`libs/store generate: ${lock} is held by another run for over two minutes; delete it if no generate is running`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function generateClients(options = {}) {
  return withLock(() => generateUnlocked(options));
}

async function generateUnlocked({ force = false, quiet = false } = {}) {
  const log = quiet ? () => undefined : (line) => console.log(line);
  const prisma = prismaCliPath();
  if (!prisma) {
    throw new Error('libs/store generate: the Prisma CLI is not installed (expected the devDependency prisma@7.10.0 in node_modules)');
  }
  const source = readFileSync(sourceSchemaPath, 'utf8');
  const postgres = derivePostgresSchema(source);
  const stamp = createHash('sha256')
    .update(source)
    .update('\0')
    .update(prisma.version)
    .update('\0')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex');
  const outputs = [join(generatedDir, 'sqlite', 'client.ts'), join(generatedDir, 'postgresql', 'client.ts')];
  const previous = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, 'utf8')).stamp : undefined;
  if (!force && previous === stamp && outputs.every((p) => existsSync(p)) && existsSync(postgresSchemaPath) && readFileSync(postgresSchemaPath, 'utf8') === postgres) {
    log('store: Prisma clients are up to date');
    return { generated: false };
  }

  mkdirSync(generatedDir, { recursive: true });
  writeFileSync(postgresSchemaPath, postgres);
  const stub = join(generatedDir, '.schema-engine-stub.sh');
  writeFileSync(stub, '#!/bin/sh\necho "the native Prisma schema engine is not used by OncoBoard (offline); see libs/store" >&2\nexit 1\n');
  chmodSync(stub, 0o755);
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: stub,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
    PRISMA_HIDE_PREVIEW_FLAG_WARNINGS: '1',
  };
  const started = Date.now();
  await Promise.all([run(prisma.cli, sourceSchemaPath, env), run(prisma.cli, postgresSchemaPath, env)]);
  writeFileSync(stampPath, `${JSON.stringify({ stamp, prisma: prisma.version }, null, 2)}\n`);
  log(`store: generated the SQLite and PostgreSQL Prisma clients (Prisma ${prisma.version}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { generated: true };
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const args = new Set(process.argv.slice(2));
  generateClients({ force: args.has('--force'), quiet: args.has('--quiet') }).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
