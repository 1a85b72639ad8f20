import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';

export const repoRoot = resolve(import.meta.dirname, '../../../..');
export const cliBin = join(repoRoot, 'apps', 'fusion-api', 'bin', 'oncoboard.mjs');

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for assertions that do not care which stream a line went to. */
  all: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  input?: string;
  /** Each run starts tsx and loads the whole CLI: seconds on an idle machine, a minute or more on a loaded one. */
  timeout?: number;
}

export interface CliWorkspace {
  /** A temporary folder for the test file's inputs and outputs, removed after its tests. */
  readonly work: string;
  /** A SQLite store in `work` (created and migrated by the first command that opens it). */
  readonly databaseUrl: string;
  /** Runs the real `oncoboard` CLI against `databaseUrl`. */
  cli(args: string[], opts?: CliOptions): CliRun;
}

/** Call at the top of a test file: the folder exists from then on and is removed once the file's tests are done. */
export function cliWorkspace(prefix: string): CliWorkspace {
  const work = mkdtempSync(join(tmpdir(), `oncoboard-${prefix}-`));
  const databaseUrl = `file:${join(work, 'cli.db')}`;
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  return {
    work,
    databaseUrl,
    cli(args, opts = {}) {
      const r = spawnSync(process.execPath, [cliBin, ...args], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: databaseUrl, ...opts.env },
        input: opts.input,
        timeout: opts.timeout ?? 240_000,
      });
      return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
    },
  };
}
