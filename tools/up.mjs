#!/usr/bin/env node
// `npm run up`: the quick start. Installs the workspace if needed, creates and migrates the embedded SQLite
// database (or DATABASE_URL), imports the demo cohort and the SYNTHETIC multimodal demo patients (tools/synth-cohort)
// (idempotent: a second start duplicates nothing), creates a demo account on first start (random password, printed
// once, kept in data/demo-credentials.txt, mode 0600),
// builds the web app once, starts the API and the web app, and prints the URL. Ctrl-C stops both.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, readdirSync, writeFileSync } from 'node:fs';
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

// The SYNTHETIC multimodal demo patients (tools/synth-cohort): FHIR bundle, pathology report, somatic VCF and a CT
// series with its lesion mask each, written once under data/synthetic-demo (fixed seed) and imported through the
// same importers as real data; patients already imported are skipped. ONCOBOARD_DEMO_SYNTHETIC=0 leaves them out.
/** @type {{ patientKeys: string[], importedKeys: string[] }} */
let syntheticDemo = { patientKeys: [], importedKeys: [] };
if (process.env.ONCOBOARD_DEMO_SYNTHETIC !== '0') {
  console.log('\n▶ importing the SYNTHETIC multimodal demo patients (tools/synth-cohort: FHIR, pathology report, VCF, CT + mask)');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'tools', 'synth-cohort', 'import-demo.ts')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const lines = (r.stdout ?? '').trim().split('\n');
  let summary;
  try {
    summary = r.status === 0 ? JSON.parse(lines.at(-1)) : undefined;
  } catch {
    summary = undefined;
  }
  if (summary) {
    console.log(lines.slice(0, -1).join('\n'));
    syntheticDemo = summary;
  } else {
    // Not fatal: the rest of the demo works without them.
    console.error(`✖ the SYNTHETIC demo patients were not imported (exit ${r.status}); the demo goes on without them`);
  }
}
step("storing the joint model's predictions (SYNTHETIC demo model)", process.execPath, [...cli, 'predict', '--all', '--only-missing']);

// The demo account: created only when data/demo-credentials.txt is absent, never with a fixed password. It holds the
// clinical roles and admin, and care-team access to the demo patients only (the mCODE examples and the SYNTHETIC
// multimodal ones; not to data imported later).
const DEMO_USERNAME = 'demo';
const credentialsFile = join(repoRoot, 'data', 'demo-credentials.txt');

/** Patient keys of the demo cohort (single resources and Bundle entries), as the store names them. */
function demoPatientKeys() {
  const dir = join(repoRoot, 'demo', 'mcode-stu4');
  const keys = new Set(syntheticDemo.patientKeys);
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const resources = r.resourceType === 'Bundle' ? (r.entry ?? []).map((e) => e.resource ?? {}) : [r];
    for (const res of resources) if (res.resourceType === 'Patient' && res.id) keys.add(`Patient/${res.id}`);
  }
  return [...keys].sort();
}

function createDemoAccount() {
  const password = randomBytes(18).toString('base64url');
  console.log('\n▶ creating the demo account (first start)');
  const add = spawnSync(
    process.execPath,
    [...cli, 'user', 'add', '--username', DEMO_USERNAME, '--display-name', 'Demo clinician', '--role', 'oncologist,care-coordinator,admin', '--password-stdin'],
    { cwd: repoRoot, env, input: `${password}\n`, stdio: ['pipe', 'inherit', 'inherit'] },
  );
  if (add.status !== 0) {
    console.error(
      `✖ could not create the demo account (exit ${add.status}). If a "${DEMO_USERNAME}" account already exists from an earlier start, ` +
        `its password is in the ${credentialsFile} you removed; create your own account with \`npm run oncoboard -- user add\`.`,
    );
    return;
  }
  const patientArgs = demoPatientKeys().flatMap((key) => ['--patient', key]);
  console.log('\n▶ giving the demo account access to the demo patients');
  const grant = spawnSync(process.execPath, [...cli, 'access', 'grant', '--username', DEMO_USERNAME, ...patientArgs], { cwd: repoRoot, env, stdio: 'inherit' });
  // Not fatal: the account works, it just sees no patients until an admin grants them (oncoboard access grant).
  if (grant.status !== 0) console.error(`✖ access grant failed (exit ${grant.status}); the demo account sees no patients until \`npm run oncoboard -- access grant --username ${DEMO_USERNAME} --all-patients\``);
  mkdirSync(dirname(credentialsFile), { recursive: true });
  writeFileSync(credentialsFile, `# OncoBoard demo account, created ${new Date().toISOString()}. Keep this file private.\nusername: ${DEMO_USERNAME}\npassword: ${password}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  chmodSync(credentialsFile, 0o600); // the mode above is subject to the umask; make it exact
  console.log(`\n  Demo account — shown once, also saved to ${credentialsFile} (mode 0600):\n    username: ${DEMO_USERNAME}\n    password: ${password}\n`);
}

if (existsSync(credentialsFile)) {
  console.log(`\n▶ demo account: its username and password are in ${credentialsFile}`);
  // SYNTHETIC patients imported by this start (an account created before they existed) join the demo account's care
  // team the same way the first start's demo patients did; a repeated start imports none and grants nothing.
  if (syntheticDemo.importedKeys.length > 0) {
    console.log('\n▶ giving the demo account access to the new SYNTHETIC demo patients');
    const grant = spawnSync(process.execPath, [...cli, 'access', 'grant', '--username', DEMO_USERNAME, ...syntheticDemo.importedKeys.flatMap((key) => ['--patient', key])], { cwd: repoRoot, env, stdio: 'inherit' });
    if (grant.status !== 0) console.error(`✖ access grant failed (exit ${grant.status}); grant them with \`npm run oncoboard -- access grant --username ${DEMO_USERNAME} --patient <key>\``);
  }
} else createDemoAccount();

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
    console.log(`\n✔ OncoBoard is up: http://127.0.0.1:${webPort}  (API: http://127.0.0.1:${apiPort}/trpc; sign in with the account in ${credentialsFile}; Ctrl-C stops)`);
    break;
  }
  await new Promise((r) => setTimeout(r, 1000));
}
