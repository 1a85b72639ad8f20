#!/usr/bin/env node
// A throw-away PostgreSQL server for tests: initdb (trust auth) into a temp dir, started on 127.0.0.1 at a free
// port with its socket in that dir, one database created. Stopped and deleted by stop(), and on process exit.
//
//   node tools/postgres/start-test-postgres.mjs        prints the URL, runs until Ctrl-C, then cleans up
//   import { startTestPostgres } from '<repo>/tools/postgres/start-test-postgres.mjs'
//
// Binaries come from /usr/lib/postgresql/<version>/bin (Debian: apt-get install -y postgresql), or only from the
// folder in PG_BIN when that is set. PostgreSQL refuses to run as root: as root, the server runs as the `postgres` OS user (created by the
// Debian package; this script creates a system user of that name if it is missing).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../net/free-port.mjs';

/** The bin folder of the newest PostgreSQL installed (or PG_BIN when set, and only it), or undefined. */
export function findPostgresBin() {
  const usable = (bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'));
  if (process.env.PG_BIN) return usable(process.env.PG_BIN) ? process.env.PG_BIN : undefined;
  const candidates = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(root, v, 'bin'));
  }
  return candidates.find(usable);
}

/** The uid/gid to run PostgreSQL as: ourselves, or (as root) the `postgres` user, created if missing. */
function serverUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  };
  let user = lookup();
  if (!user) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    user = lookup();
    if (!user) throw new Error(`start-test-postgres: running as root and there is no "postgres" user; useradd failed: ${made.stderr || made.error?.message}`);
  }
  return user;
}

function runAs(user, bin, args, options = {}) {
  const result = spawnSync(bin, args, { encoding: 'utf8', ...options, ...(user ?? {}) });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`start-test-postgres: ${bin} ${args.join(' ')} failed (exit ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n${output}`);
  }
  return result;
}

/**
 * Starts a server. Returns its URL (database `database`), an admin URL (database "postgres"), and stop().
 * @param {{ database?: string, log?: (line: string) => void }} [options]
 */
export async function startTestPostgres(options = {}) {
  const database = options.database ?? 'oncoboard_test';
  const bin = findPostgresBin();
  if (!bin) throw new Error('start-test-postgres: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); apt-get install -y postgresql, or set PG_BIN');
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'oncoboard-pg-'));
  chmodSync(dir, 0o700);
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const spawnOptions = { cwd: dir, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } };

  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    if (existsSync(join(data, 'postmaster.pid'))) {
      spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...spawnOptions, ...(user ?? {}), stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);

  try {
    runAs(user, join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], spawnOptions);
    let port;
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      const started = spawnSync(
        join(bin, 'pg_ctl'),
        ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', `-h 127.0.0.1 -p ${port} -k ${dir} -F -c max_connections=200 -c timezone=UTC`, 'start'],
        { encoding: 'utf8', ...spawnOptions, ...(user ?? {}) },
      );
      if (started.status === 0) break;
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      // Another process took the port between our probe and the server's bind: try another one.
      if (attempt < 5 && /could not bind|Address already in use/i.test(log)) continue;
      throw new Error(`start-test-postgres: pg_ctl start failed (exit ${started.status}):\n${`${started.stderr}\n${log}`.trim().split('\n').slice(-15).join('\n')}`);
    }
    runAs(user, join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], spawnOptions);
    const url = `postgresql://postgres@127.0.0.1:${port}/${database}`;
    options.log?.(`test PostgreSQL (${bin}) on 127.0.0.1:${port}, data in ${dir}`);
    return {
      url,
      adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      port,
      dir,
      async stop() {
        stopSync();
        process.removeListener('exit', stopSync);
      },
    };
  } catch (error) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw error;
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const server = await startTestPostgres({ log: (line) => console.error(line) }).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
  console.log(server.url);
  const stop = () => {
    server.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  setInterval(() => undefined, 1 << 30);
}
