#!/usr/bin/env node
// `npm run up`: the quick start. Installs the workspace if needed, creates and migrates the embedded SQLite
// database (or DATABASE_URL), imports the demo cohort (idempotent: a second start duplicates nothing),
// builds the web app once, starts the API and the web app, and prints the URL. Ctrl-C stops both.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const webPort = Number(process.env.PORT ?? 3000);
const apiPort = Number(process.env.FUSION_API_PORT ?? 4000);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NX_DAEMON: 'false', FUSION_API_URL: `http://127.0.0.1:${apiPort}` };

function step(title, cmd, args, { tolerate = [] } = {}) {
  console.log(`\n▶ ${title}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (r.status !== 0 && !tolerate.includes(r.status)) {
    console.error(`✖ ${title} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
  return r.status;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.next' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

if (!existsSync(join(repoRoot, 'node_modules', '.package-lock.json'))) {
  step('installing the workspace (npm ci)', 'npm', ['ci', '--include=dev', '--no-audit', '--no-fund']);
}
const cli = [join(repoRoot, 'apps', 'fusion-api', 'bin', 'oncoboard.mjs')];
step('creating / migrating the database', process.execPath, [...cli, 'migrate']);
step('importing the demo cohort (mCODE STU4 examples)', process.execPath, [...cli, 'demo'], { tolerate: [2] });

const web = join(repoRoot, 'apps', 'web');
const buildId = join(web, '.next', 'BUILD_ID');
const sourcesNewer = existsSync(buildId) && Math.max(newestMtime(web), newestMtime(join(repoRoot, 'libs'))) > statSync(buildId).mtimeMs;
if (!existsSync(buildId) || sourcesNewer) {
  step('building the web app (next build)', 'npm', ['run', 'build', '--workspace', '@oncoboard/web']);
}

console.log('\n▶ starting the API and the web app');
const children = [
  spawn(process.execPath, [...cli, 'serve', '--port', String(apiPort)], { cwd: repoRoot, stdio: 'inherit', env }),
  spawn(process.execPath, [join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(webPort), '-H', '127.0.0.1'], { cwd: web, stdio: 'inherit', env }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => {
  console.error(`a service stopped (exit ${code}); stopping the rest`);
  stop();
});

// Wait until both answer, then print where to go.
const deadline = Date.now() + 120_000;
async function ready(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
while (Date.now() < deadline) {
  if ((await ready(`http://127.0.0.1:${apiPort}/healthz`)) && (await ready(`http://127.0.0.1:${webPort}/`))) {
    console.log(`\n✔ OncoBoard is up: http://127.0.0.1:${webPort}  (API: http://127.0.0.1:${apiPort}/trpc; Ctrl-C stops)`);
    break;
  }
  await new Promise((r) => setTimeout(r, 1000));
}
