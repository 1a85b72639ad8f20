/**
 * Global setup of the browser suite: everything a user would run, for real.
 *  1. a temporary SQLite database (DATABASE_URL=file:<tmp>/test.db), migrated by the CLI;
 *  2. the demo cohort imported by the CLI (`oncoboard import demo/mcode-stu4`), plus a generated patient with
 *     10,000 timeline events (bulk NDJSON) for the smoothness check;
 *  2c. a synthetic pathology report and a somatic VCF for the same patient (`oncoboard pathology-import`, `vcf-import`),
 *     then the joint model's predictions for every patient (`oncoboard predict --all`, the SYNTHETIC demo model);
 *  2b. two CT timepoints of the breast cancer patient (synthetic phantoms written as DICOM series, lesion masks as
 *     NIfTI; an 8 mL lesion shrinking to 2.5 mL, a RECIST partial response), imported by the CLI
 *     (`oncoboard imaging-import <folder> --patient … --mask …`);
 *  3. `next build`, once: only when .next is missing or older than the web app's or the libs' sources;
 *  4. the API (`oncoboard serve`) and the web app (`next start`) on free loopback ports;
 *  5. a clinician account (`oncoboard user add`, random password, care-team access to every patient) created in step 2d,
 *     signed in once through the web app's real /api/auth/sign-in; its cookies are provided to the tests, and
 *     `openPage` (browser.ts) puts them in each browser context, so every test runs signed in.
 *  6. a real OpenID Provider (oidc-provider, libs/auth/src/testing) on a loopback port, configured into the API
 *     (ONCOBOARD_OIDC_*), with the clinician linked to its subject E2E_OIDC_SUBJECT (`oncoboard user link-oidc`).
 * Teardown stops both servers (their whole process groups) and removes the database.
 *
 * Without Chromium the suite is skipped with the reason, except under CI=true, where that is a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from '@oncoboard/imaging/testing';
import { startTestProvider, type TestProvider } from '@oncoboard/auth/testing';
import { freePort } from '../../../tools/net/free-port.mjs';
import { LOAD_PATIENT_KEY, syntheticPatientNdjson } from './synthetic-patient';

/** The demo patient given imaging, and her two timepoints (small phantoms, so the import takes a second). */
export const IMAGING_PATIENT_KEY = 'Patient/cancer-patient-jenny-m';
export const IMAGING_TIMEPOINTS = [
  { name: 'baseline', date: '20240110', lesionMl: 8, description: 'CT chest baseline' },
  { name: 'follow-up', date: '20240420', lesionMl: 2.5, description: 'CT chest follow-up' },
] as const;

declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string;
    apiUrl: string;
    /** Why the browser suite cannot run here ('' when it can). */
    e2eSkip: string;
    chromiumPath: string;
    loadPatientKey: string;
    loadEventCount: number;
    screenshotDir: string;
    /** The test clinician's username and password (generated per run). */
    e2eUsername: string;
    e2ePassword: string;
    /** JSON of the cookies the sign-in set (name, value, httpOnly, sameSite), for openPage. */
    e2eCookies: string;
  }
}

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const repoRoot = resolve(webDir, '../..');
const cli = join(repoRoot, 'apps', 'fusion-api', 'src', 'cli.ts');
const nextBin = join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
export const SCREENSHOT_DIR = process.env.ONCOBOARD_E2E_SCREENSHOTS ?? '/tmp/oncoboard-e2e';
/** The clinician every browser test acts as: all clinical roles plus admin, care-team access to every patient. */
export const E2E_USERNAME = 'e2e-clinician';
const E2E_ROLES = 'oncologist,care-coordinator,admin';
/** The clinician's subject at the test OpenID Provider, and the name the sign-in button shows. */
export const E2E_OIDC_SUBJECT = 'e2e-clinician-sub';
export const E2E_OIDC_DISPLAY_NAME = 'Test Hospital SSO';

export interface E2eCookie {
  name: string;
  value: string;
  httpOnly: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

/** The cookies of Set-Cookie lines (name, value and the flags a browser context needs). */
export function cookiesFromSetCookie(lines: string[]): E2eCookie[] {
  return lines.map((line) => {
    const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const flags = attributes.map((a) => a.toLowerCase());
    const sameSite = flags.find((f) => f.startsWith('samesite='))?.slice('samesite='.length);
    return {
      name: pair.slice(0, eq),
      value: pair.slice(eq + 1),
      httpOnly: flags.includes('httponly'),
      sameSite: sameSite === 'lax' ? 'Lax' : sameSite === 'none' ? 'None' : 'Strict',
    };
  });
}

/** Signs in through the web app's /api/auth/sign-in (the path a browser takes) and returns the cookies it set. */
async function signInThroughWeb(webUrl: string, username: string, password: string): Promise<E2eCookie[]> {
  const response = await fetch(`${webUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${username} through ${webUrl}/api/auth/sign-in answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const cookies = cookiesFromSetCookie(response.headers.getSetCookie());
  if (!cookies.some((c) => c.name === 'oncoboard_session')) throw new Error('sign-in answered 200 but set no oncoboard_session cookie');
  return cookies;
}

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** Runs a command to completion; its output goes to `log`. Resolves with the exit code. */
type Env = Record<string, string | undefined>;

function run(cmd: string, args: string[], opts: { cwd: string; env: Env; log: string }): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const fd = openSync(opts.log, 'a');
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env as NodeJS.ProcessEnv, stdio: ['ignore', fd, fd] });
    child.on('error', (e) => {
      closeSync(fd);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      closeSync(fd);
      resolveRun(code ?? (signal ? 128 : 1));
    });
  });
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function newestMtime(dir: string, skip: Set<string>): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (skip.has(entry.name) || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when .next holds a production build at least as new as every source it was built from. */
function buildIsFresh(): boolean {
  const buildId = join(webDir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  const skip = new Set(['node_modules', '.next', 'e2e', 'dist', 'generated', 'coverage']);
  const sources = Math.max(newestMtime(webDir, skip), newestMtime(join(repoRoot, 'libs'), skip));
  return sources <= built;
}

async function waitForHttp(url: string, child: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}\n${tail(log)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s\n${tail(log)}`);
}

/** Stops a detached server and everything it started (its process group): SIGTERM, then SIGKILL after 5 s. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      try {
        child.kill(s);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000));
  if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
    signal('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const provideAll = (values: Partial<Record<string, unknown>>) => {
    const defaults = {
      webUrl: '', apiUrl: '', e2eSkip: '', chromiumPath: '', loadPatientKey: LOAD_PATIENT_KEY, loadEventCount: 0, screenshotDir: SCREENSHOT_DIR,
      e2eUsername: E2E_USERNAME, e2ePassword: '', e2eCookies: '[]',
    };
    for (const [k, v] of Object.entries({ ...defaults, ...values })) project.provide(k as 'webUrl', v as string);
  };

  const chromium = findChromium();
  if (!chromium) {
    const reason = 'Chromium is not installed (apt-get install -y chromium, or set CHROMIUM_PATH)';
    if (process.env.CI === 'true') throw new Error(`browser suite: ${reason}`);
    console.warn(`\n[web e2e] skipped: ${reason}\n`);
    provideAll({ e2eSkip: reason });
    return async () => undefined;
  }

  const work = mkdtempSync(join(tmpdir(), 'oncoboard-e2e-'));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const log = (name: string) => join(work, `${name}.log`);
  process.env.ONCOBOARD_DEID_KEY ??= randomBytes(32).toString('hex');
  const env: Env = {
    ...process.env,
    DATABASE_URL: `file:${join(work, 'test.db')}`,
    NEXT_TELEMETRY_DISABLED: '1',
    NX_DAEMON: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    NODE_ENV: undefined,
  };
  const servers: ChildProcess[] = [];
  let oidcProvider: TestProvider | undefined;
  const teardown = async () => {
    await Promise.all(servers.map(stopServer));
    await oidcProvider?.close();
    if (!process.env.ONCOBOARD_E2E_KEEP) rmSync(work, { recursive: true, force: true });
  };

  try {
    const started = performance.now();
    const step = (what: string) => console.log(`[web e2e] ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const tsxCli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, env, log: log('cli') });

    step(`database ${env.DATABASE_URL}`);
    let code = await tsxCli('migrate');
    if (code !== 0) throw new Error(`oncoboard migrate exited with ${code}\n${tail(log('cli'))}`);
    code = await tsxCli('import', join(repoRoot, 'demo', 'mcode-stu4'));
    if (code !== 0 && code !== 2) throw new Error(`oncoboard import demo/mcode-stu4 exited with ${code}\n${tail(log('cli'))}`);
    step('demo cohort imported');

    const load = syntheticPatientNdjson(10_000);
    const loadDir = join(work, 'load');
    mkdirSync(loadDir);
    writeFileSync(join(loadDir, 'timeline-load-test.ndjson'), load.text);
    code = await tsxCli('import', loadDir);
    if (code !== 0 && code !== 2) throw new Error(`oncoboard import (synthetic patient) exited with ${code}\n${tail(log('cli'))}`);
    step(`synthetic patient imported (${load.resources} resources)`);

    for (const t of IMAGING_TIMEPOINTS) {
      const phantom = syntheticCtPhantom({ size: 64, slices: 32, pixelMm: 2, sliceMm: 2, lesionMl: t.lesionMl });
      const folder = join(work, 'imaging', t.name);
      writeDicomSeries(phantom.image, folder, `e2e-${t.name}`, { date: t.date, seriesDescription: t.description });
      const mask = writeNifti(phantom.mask, join(work, 'imaging', `${t.name}-mask.nii`));
      code = await tsxCli('imaging-import', folder, '--patient', IMAGING_PATIENT_KEY, '--mask', mask);
      if (code !== 0) throw new Error(`oncoboard imaging-import (${t.name}) exited with ${code}\n${tail(log('cli'))}`);
    }
    step(`imaging imported (${IMAGING_TIMEPOINTS.length} CT timepoints for ${IMAGING_PATIENT_KEY})`);

    // Her pathology report (synthetic) and a somatic VCF (the PCGR breast-cancer VEP excerpt), by the CLI.
    code = await tsxCli('pathology-import', join(repoRoot, 'libs', 'pathology', 'fixtures', 'breast-core-biopsy.txt'), '--patient', IMAGING_PATIENT_KEY);
    if (code !== 0) throw new Error(`oncoboard pathology-import exited with ${code}\n${tail(log('cli'))}`);
    code = await tsxCli('vcf-import', join(repoRoot, 'libs', 'genomics', 'fixtures', 'vcf', 'pcgr-brca.vep.excerpt.vcf'), '--patient', IMAGING_PATIENT_KEY, '--assembly', 'GRCh37', '--tmb-target-mb', '1.5');
    if (code !== 0) throw new Error(`oncoboard vcf-import exited with ${code}\n${tail(log('cli'))}`);
    step('pathology report and somatic VCF imported');

    // Joint-model predictions (the SYNTHETIC demo model) for every imported patient, as `npm run up` makes them.
    code = await tsxCli('predict', '--all');
    if (code !== 0) throw new Error(`oncoboard predict --all exited with ${code}\n${tail(log('cli'))}`);
    step('joint-model predictions stored');

    // 2d. The test clinician, created by the CLI as an admin would (after the imports: access to every patient).
    const password = randomBytes(18).toString('base64url');
    const userEnv = { ...env, ONCOBOARD_USER_PASSWORD: password };
    const userCli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, env: userEnv, log: log('cli') });
    code = await userCli('user', 'add', '--username', E2E_USERNAME, '--display-name', 'E2E Clinician', '--role', E2E_ROLES);
    if (code !== 0) throw new Error(`oncoboard user add exited with ${code}\n${tail(log('cli'))}`);
    code = await tsxCli('access', 'grant', '--username', E2E_USERNAME, '--all-patients');
    if (code !== 0) throw new Error(`oncoboard access grant exited with ${code}\n${tail(log('cli'))}`);
    step(`user ${E2E_USERNAME} created (${E2E_ROLES}; access to every patient)`);

    if (buildIsFresh()) {
      step('next build is up to date');
    } else {
      step('next build (sources changed or no build yet)…');
      code = await run(process.execPath, [nextBin, 'build'], { cwd: webDir, env, log: log('next-build') });
      if (code !== 0) throw new Error(`next build exited with ${code}\n${tail(log('next-build'), 60)}`);
      step('next build done');
    }

    const [apiPort, webPort] = [await freePort(), await freePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const webUrl = `http://127.0.0.1:${webPort}`;
    const spawnServer = (name: string, cmd: string, args: string[], cwd: string, extraEnv: Env) => {
      const fd = openSync(log(name), 'a');
      const child = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv } as NodeJS.ProcessEnv, stdio: ['ignore', fd, fd], detached: true });
      closeSync(fd);
      servers.push(child);
      return child;
    };
    // 6. The OpenID Provider, and the clinician linked to a subject there (public client: PKCE, no secret).
    const redirectUri = `${webUrl}/api/auth/oidc/callback`;
    oidcProvider = await startTestProvider({ clientId: 'oncoboard-e2e', redirectUri, subjects: [E2E_OIDC_SUBJECT, 'e2e-unlinked-sub'] });
    code = await tsxCli('user', 'link-oidc', '--username', E2E_USERNAME, '--oidc-subject', E2E_OIDC_SUBJECT, '--oidc-issuer', oidcProvider.issuer);
    if (code !== 0) throw new Error(`oncoboard user link-oidc exited with ${code}\n${tail(log('cli'))}`);
    const oidcEnv = { ONCOBOARD_OIDC_ISSUER: oidcProvider.issuer, ONCOBOARD_OIDC_CLIENT_ID: 'oncoboard-e2e', ONCOBOARD_OIDC_REDIRECT_URI: redirectUri, ONCOBOARD_OIDC_DISPLAY_NAME: E2E_OIDC_DISPLAY_NAME };
    step(`OpenID Provider ${oidcProvider.issuer}`);
    const api = spawnServer('api', process.execPath, ['--import', 'tsx', cli, 'serve', '--port', String(apiPort)], repoRoot, oidcEnv);
    const web = spawnServer('web', process.execPath, [nextBin, 'start', '-p', String(webPort), '-H', '127.0.0.1'], webDir, { FUSION_API_URL: apiUrl });
    await waitForHttp(`${apiUrl}/healthz`, api, log('api'), 60_000);
    await waitForHttp(`${webUrl}/`, web, log('web'), 60_000);
    step(`API ${apiUrl}, web ${webUrl}`);
    const cookies = await signInThroughWeb(webUrl, E2E_USERNAME, password);
    step(`${E2E_USERNAME} signed in through the web app`);

    provideAll({ webUrl, apiUrl, chromiumPath: chromium, loadEventCount: load.resources, e2ePassword: password, e2eCookies: JSON.stringify(cookies) });
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
