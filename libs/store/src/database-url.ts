import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type DatabaseProvider = 'sqlite' | 'postgresql';

/** The repository root (libs/store/src -> ../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the embedded SQLite database lives when DATABASE_URL is not set. */
export const defaultSqlitePath = join(repoRoot, 'data', 'oncoboard.db');

/** DATABASE_URL when set (and not blank), else the embedded SQLite file `file:<repo>/data/oncoboard.db`. */
export function resolveDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  return url ? url : `file:${defaultSqlitePath}`;
}

/**
 * Which database a URL names: postgres:// or postgresql:// is PostgreSQL; file:<path> is SQLite.
 * Anything else is refused with the reason (the URL is not echoed: it may hold a password).
 */
export function providerOf(databaseUrl: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return 'postgresql';
  if (/^file:/i.test(databaseUrl)) return 'sqlite';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1];
  throw new Error(
    `DATABASE_URL: expected "file:<path>" (SQLite) or "postgres://..." / "postgresql://..." (PostgreSQL), found ${scheme ? `the scheme "${scheme}:"` : 'no scheme'}`,
  );
}

/** The file path of a SQLite URL ("file:./data/x.db" -> absolute path; "file::memory:" stays ":memory:"). */
export function sqlitePathOf(databaseUrl: string): string {
  const rest = databaseUrl.replace(/^file:/i, '').replace(/\?.*$/, '');
  if (rest === ':memory:' || rest === '') {
    throw new Error('DATABASE_URL: an in-memory SQLite database ("file::memory:") cannot be shared by the migration runner and the client; use a file');
  }
  return resolve(rest.startsWith('//') ? rest.slice(2) : rest);
}

/** A URL safe to print: the password of a PostgreSQL URL is masked. */
export function describeDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
