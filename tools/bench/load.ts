/**
 * npm run bench:load [-- --duration 10 --connections 10 --warmup 5]
 *
 * The API under load, as a browser session would use it: a temporary SQLite store, migrated and given the demo cohort
 * by the CLI, a clinician account (CLI `user add` + `access grant --all-patients`, random password), the API started by
 * the CLI's `serve` in its own process on 127.0.0.1, one sign-in through POST /auth/sign-in, then autocannon (in this
 * process) against each endpoint for a bounded time with the session cookie: the patient list, one patient's overview
 * and timeline, and a tumor-board case with its verified summary (board, case and summary created through the API
 * first). Baseline measured in the same run: the API's anonymous liveness probe (GET /healthz, no session, no store),
 * i.e. what the HTTP stack alone sustains on this machine.
 * Reported per endpoint: requests/s, p50/p99 latency, non-2xx and socket errors (must be 0), and the API process's
 * CPU time (user + system, /proc) per request. Memory, judged on the steady state: the API's RSS and heap-used after
 * the warm-up and at the end, each taken right after a full GC (a preloaded probe on the IPC channel), the peak RSS
 * sampled in between, and RSS split into anonymous and file-backed; growth from warm-up to end must stay under 10%.
 * Target (issue 8): the overview at ≥ 300 requests/s with p99 < 100 ms on SQLite. Prints a table, then one JSON object
 * as the last line. Exit status 1 when an endpoint answered anything but 2xx or the RSS grew ≥ 10%; a missed
 * throughput/latency target is reported (`targetMet: false`), not an exit failure.
 * --cpu-prof <folder> writes a V8 CPU profile of the API process (node --cpu-prof) and prints, per endpoint, the
 * sampled time inside its window by package and by function (wall-clock samples: on a busy machine a thread that was
 * descheduled is charged to where it stopped, so compare with the CPU ms per request);
 * --only overview[,timeline...] drives only those endpoints (the baseline always runs).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../net/free-port.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'apps', 'fusion-api', 'src', 'cli.ts');
const BENCH_USER = 'load-bench';
/** The patient with the richest record in the demo cohort (staging, receptors, treatments). */
const PATIENT_KEY = 'Patient/cancer-patient-jenny-m';
const TARGET = { endpoint: 'overview', requestsPerSecond: 300, p99Ms: 100 } as const;
const MAX_RSS_GROWTH = 0.1;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    'cpu-prof': { type: 'string' },
    /** Comma-separated endpoint names to drive (default: all), e.g. "overview" when profiling one. */
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const connections = Number(values.connections);
for (const [name, v] of [['--duration', durationS], ['--warmup', warmupS], ['--connections', connections]] as const) {
  if (!Number.isFinite(v) || v < 0 || (name !== '--warmup' && v === 0)) throw new Error(`${name}: expected a positive number, got ${String(v)}`);
}

/** autocannon 9 ships no types: the part of its result this bench reads. */
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; average: number };
  requests: { total: number; average: number };
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

type Env = Record<string, string | undefined>;

function runCli(args: string[], env: Env): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 600_000 });
  // demo exits 2 when the cohort has rejected resources (it imports the rest): not a failure of the bench.
  if (r.status !== 0 && !(args[0] === 'demo' && r.status === 2)) {
    throw new Error(`oncoboard ${args.slice(0, 2).join(' ')} exited with ${r.status ?? r.signal}:\n${(r.stderr + r.stdout).slice(-2000)}`);
  }
}

/** Resident set size of a process in bytes, from /proc (Linux). */
function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (!kb) throw new Error(`/proc/${pid}/status: expected a VmRSS line`);
  return Number(kb) * 1024;
}

/** CPU time (user + system, all threads) a process has used so far, in ms, from /proc (Linux). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15 (clock ticks).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

async function waitForHealth(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the API exited with ${server.exitCode}:\n${output().slice(-2000)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the API did not answer ${url}/healthz within 120 s:\n${output().slice(-2000)}`);
}

/**
 * Preloaded into the API process (an `--import` data URL, so the API's code is untouched): answers "memory" on the IPC
 * channel with process.memoryUsage() after a full GC, so heap-used compares live objects, not garbage waiting to be
 * collected. The channel is unref'd: it keeps nothing alive.
 */
const MEMORY_PROBE =
  'data:text/javascript,' +
  encodeURIComponent(
    `import v8 from 'node:v8'; import vm from 'node:vm';
v8.setFlagsFromString('--expose-gc'); const gc = vm.runInNewContext('gc');
if (process.send) { process.channel?.unref();
  process.on('message', (m) => { if (m === 'memory') { gc(); process.send({ memory: process.memoryUsage() }); } }); }`,
  );

interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  /** RSS split (/proc): anonymous memory (heaps, SQLite caches) and file pages mapped in (code, mmap'd database). */
  rssAnonBytes: number;
  rssFileBytes: number;
  /** V8's heap as reserved (used + free space it keeps), and memory outside it held by JS objects (Buffers). */
  heapTotalBytes: number;
  externalBytes: number;
}

function procStatusBytes(pid: number, field: string): number {
  const kb = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) * 1024 : NaN;
}

function memoryOf(server: ChildProcess): Promise<MemorySample> {
  return new Promise((resolveSample, reject) => {
    const timer = setTimeout(() => reject(new Error('the API did not answer the memory probe within 10 s')), 10_000);
    const onMessage = (m: unknown) => {
      const memory = (m as { memory?: NodeJS.MemoryUsage })?.memory;
      if (!memory) return;
      clearTimeout(timer);
      server.off('message', onMessage);
      const pid = server.pid!;
      resolveSample({ rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external, rssAnonBytes: procStatusBytes(pid, 'RssAnon'), rssFileBytes: procStatusBytes(pid, 'RssFile') });
    };
    server.on('message', onMessage);
    server.send('memory');
  });
}

/** A V8 .cpuprofile (the fields this bench reads). */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a profile node's self time is charged: GC, idle, a package, our libs/apps, or Node itself. */
function bucketOf(frame: CpuProfile['nodes'][number]['callFrame']): string {
  if (frame.functionName.startsWith('(')) return frame.functionName; // (garbage collector), (idle), (program), (root)
  const url = frame.url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/((?:libs|apps|tools)\/[^/]+)\//.exec(url);
  if (ours) return `ours: ${ours[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url ? `other: ${url.slice(-40)}` : 'native (V8 builtins, C++)';
}

interface ProfileShare {
  name: string;
  cpuMs: number;
  share: number;
}

interface ProfileSummary {
  thread: string;
  /** CPU time sampled in the window (idle excluded), per request of the endpoint. */
  cpuMsPerRequest: number;
  byPackage: ProfileShare[];
  topFunctions: ProfileShare[];
}

/**
 * Self time of the samples taken inside [fromUs, toUs] (the monotonic clock that V8 and process.hrtime share), by
 * package and by function; idle time left out, so shares are of the CPU the API spent.
 */
function summariseProfile(file: string, fromUs: number, toUs: number, requests: number): ProfileSummary | undefined {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const delta = profile.timeDeltas[i + 1] ?? 0; // the time until the next sample is this sample's
    t += profile.timeDeltas[i]!;
    if (t < fromUs || t > toUs) continue;
    const frame = frames.get(profile.samples[i]!)!;
    if (frame.functionName === '(idle)') continue;
    const bucket = bucketOf(frame);
    byPackage.set(bucket, (byPackage.get(bucket) ?? 0) + delta);
    const where = frame.url ? `${relative(repoRoot, frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}` : '';
    const fn = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta);
    total += delta;
  }
  if (total === 0) return undefined;
  const top = (m: Map<string, number>, n: number): ProfileShare[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, cpuMs: Math.round(us / 100) / 10, share: Math.round((us / total) * 1000) / 1000 }));
  return { thread: file, cpuMsPerRequest: Math.round((total / 1000 / Math.max(requests, 1)) * 100) / 100, byPackage: top(byPackage, 12), topFunctions: top(byFunction, 15) };
}

interface Session {
  cookie: string;
  csrfToken: string;
}

async function signIn(apiUrl: string, password: string): Promise<Session> {
  const response = await fetch(`${apiUrl}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_USER, password }),
  });
  if (response.status !== 200) throw new Error(`POST /auth/sign-in answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const body = (await response.json()) as { csrfToken?: string };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  if (!cookie.includes('oncoboard_session=') || !body.csrfToken) throw new Error('POST /auth/sign-in answered 200 without a session cookie or CSRF token');
  return { cookie, csrfToken: body.csrfToken };
}

function queryUrl(apiUrl: string, procedure: string, input: unknown): string {
  return `${apiUrl}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;
}

async function trpcQuery<T>(apiUrl: string, session: Session, procedure: string, input: unknown): Promise<T> {
  const response = await fetch(queryUrl(apiUrl, procedure, input), { headers: { cookie: session.cookie } });
  const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
  if (!response.ok || !body.result) throw new Error(`${procedure} answered ${response.status}: ${body.error?.message ?? 'no result'}`);
  return body.result.data;
}

async function trpcMutation<T>(apiUrl: string, session: Session, procedure: string, input: unknown): Promise<T> {
  const response = await fetch(`${apiUrl}/trpc/${procedure}`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
  if (!response.ok || !body.result) throw new Error(`${procedure} answered ${response.status}: ${body.error?.message ?? 'no result'}`);
  return body.result.data;
}

interface EndpointResult {
  endpoint: string;
  procedure: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** The API process's CPU time (user + system, all its threads) per request: steadier than req/s on a busy machine. */
  apiCpuMsPerRequest?: number;
}

async function drive(endpoint: string, procedure: string, url: string, headers: Record<string, string>, seconds: number): Promise<EndpointResult> {
  const r = await autocannon({ url, connections, duration: seconds, headers });
  return {
    endpoint,
    procedure,
    // Completed requests over the measured time (autocannon's per-second average drops the partial last second).
    requestsPerSecond: Math.round((r.requests.total / Math.max(r.duration, 1e-9)) * 10) / 10,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
  };
}

async function stopServer(server: ChildProcess, writeProfile: boolean): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  // SIGINT lets node write the --cpu-prof profile on the way out.
  const exited = new Promise((r) => server.once('exit', r));
  server.kill(writeProfile ? 'SIGINT' : 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'oncoboard-load-'));
  const password = randomBytes(18).toString('base64url');
  const env: Env = { ...process.env, DATABASE_URL: `file:${join(work, 'load.db')}`, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ONCOBOARD_USER_PASSWORD: password };
  let server: ChildProcess | undefined;
  try {
    const t0 = performance.now();
    runCli(['migrate'], env);
    runCli(['demo'], env);
    runCli(['user', 'add', '--username', BENCH_USER, '--display-name', 'Load bench', '--role', 'oncologist,care-coordinator'], env);
    runCli(['access', 'grant', '--username', BENCH_USER, '--all-patients'], env);
    console.error(`store ready: demo cohort imported, ${BENCH_USER} created (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const nodeArgs = ['--import', 'tsx', '--import', MEMORY_PROBE];
    if (values['cpu-prof']) {
      mkdirSync(values['cpu-prof'], { recursive: true });
      nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`);
    }
    let output = '';
    server = spawn(process.execPath, [...nodeArgs, cli, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
      cwd: repoRoot,
      env: { ...env, ONCOBOARD_USER_PASSWORD: undefined } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    server.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    server.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    await waitForHealth(apiUrl, server, () => output);
    const pid = server.pid!;
    const rssAfterStart = rssBytes(pid);

    const session = await signIn(apiUrl, password);
    // A board with one case for the patient, its summary composed and verified: what the board page reads.
    const board = await trpcMutation<{ id: string }>(apiUrl, session, 'boards.create', {
      title: 'Load bench board',
      specialty: 'breast',
      meetingAt: new Date(Date.now() + 86_400_000).toISOString(),
      attendees: ['Load bench'],
      createdBy: 'Load bench',
    });
    const boardCase = await trpcMutation<{ id: string }>(apiUrl, session, 'boards.addCase', { boardId: board.id, patientKey: PATIENT_KEY, question: 'Adjuvant therapy?' });
    await trpcMutation(apiUrl, session, 'boards.prepareCase', { caseId: boardCase.id });
    const prepared = await trpcQuery<{ prepared: unknown }>(apiUrl, session, 'boards.case', { caseId: boardCase.id });
    if (!prepared.prepared) throw new Error('boards.case: the prepared case has no summary');
    const list = await trpcQuery<{ items: { key: string }[] }>(apiUrl, session, 'patients.search', { limit: 50 });
    if (!list.items.some((p) => p.key === PATIENT_KEY)) throw new Error(`patients.search: ${PATIENT_KEY} is not among the bench user's patients`);

    const authHeaders = { cookie: session.cookie };
    const endpoints: { endpoint: string; procedure: string; url: string; headers: Record<string, string> }[] = [
      { endpoint: 'patient list', procedure: 'patients.search', url: queryUrl(apiUrl, 'patients.search', { limit: 50 }), headers: authHeaders },
      { endpoint: 'overview', procedure: 'patients.overview', url: queryUrl(apiUrl, 'patients.overview', { patientKey: PATIENT_KEY }), headers: authHeaders },
      { endpoint: 'timeline', procedure: 'patients.timeline', url: queryUrl(apiUrl, 'patients.timeline', { patientKey: PATIENT_KEY, limit: 1000 }), headers: authHeaders },
      { endpoint: 'case summary', procedure: 'boards.case', url: queryUrl(apiUrl, 'boards.case', { caseId: boardCase.id }), headers: authHeaders },
    ];
    const only = values.only?.split(',').map((s) => s.trim());
    const unknown = only?.filter((name) => !endpoints.some((e) => e.endpoint === name));
    if (unknown?.length) throw new Error(`--only: unknown endpoint ${unknown.join(', ')}; expected ${endpoints.map((e) => e.endpoint).join(', ')}`);
    if (only) endpoints.splice(0, endpoints.length, ...endpoints.filter((e) => only.includes(e.endpoint)));
    const baseline = { endpoint: 'baseline: liveness', procedure: 'GET /healthz', url: `${apiUrl}/healthz`, headers: {} };

    // Warm-up: every endpoint once under load (JIT, the store's caches, lazy imports), not measured.
    if (warmupS > 0) for (const e of [baseline, ...endpoints]) await drive(e.endpoint, e.procedure, e.url, e.headers, warmupS);
    // Steady state starts here: RSS and heap-used after a full GC, compared with the same at the end.
    const atStart = await memoryOf(server);
    let rssPeak = rssBytes(pid);
    const rssSampler = setInterval(() => {
      try {
        rssPeak = Math.max(rssPeak, rssBytes(pid));
      } catch {
        // the process is gone; the run fails on its own
      }
    }, 500);

    const results: EndpointResult[] = [];
    const windows: { endpoint: string; fromUs: number; toUs: number; requests: number }[] = [];
    try {
      for (const e of [baseline, ...endpoints]) {
        const fromUs = Number(process.hrtime.bigint() / 1000n);
        const cpuBefore = cpuMsOf(pid);
        const r = await drive(e.endpoint, e.procedure, e.url, e.headers, durationS);
        r.apiCpuMsPerRequest = Math.round(((cpuMsOf(pid) - cpuBefore) / Math.max(r.requests, 1)) * 1000) / 1000;
        windows.push({ endpoint: e.endpoint, fromUs, toUs: Number(process.hrtime.bigint() / 1000n), requests: r.requests });
        results.push(r);
        console.error(`${r.endpoint}: ${r.requestsPerSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, API CPU ${r.apiCpuMsPerRequest} ms/request, non-2xx ${r.non2xx}, errors ${r.errors}`);
      }
    } finally {
      clearInterval(rssSampler);
    }
    const atEnd = await memoryOf(server);
    rssPeak = Math.max(rssPeak, atEnd.rssBytes);
    const rssAfterWarmup = atStart.rssBytes;
    const rssAtEnd = atEnd.rssBytes;
    const rssGrowth = (rssAtEnd - rssAfterWarmup) / rssAfterWarmup;
    const heapGrowth = (atEnd.heapUsedBytes - atStart.heapUsedBytes) / atStart.heapUsedBytes;

    // The profile is written when the API exits: stop it now and charge each endpoint's window its samples.
    const profiles: Record<string, ProfileSummary[]> = {};
    if (values['cpu-prof']) {
      await stopServer(server, true);
      const dir = resolve(values['cpu-prof']);
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
      for (const w of windows) {
        profiles[w.endpoint] = files.map((f) => summariseProfile(join(dir, f), w.fromUs, w.toUs, w.requests)).filter((x): x is ProfileSummary => !!x);
      }
    }

    const pad = (s: string | number, n: number) => String(s).padEnd(n);
    const padL = (s: string | number, n: number) => String(s).padStart(n);
    console.log(`\nAPI load, ${connections} connections, ${durationS} s per endpoint (after ${warmupS} s warm-up each), SQLite, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`);
    console.log(`${pad('endpoint', 20)}${pad('procedure', 20)}${padL('req/s', 9)}${padL('p50 ms', 9)}${padL('p99 ms', 9)}${padL('requests', 10)}${padL('non-2xx', 9)}${padL('errors', 8)}${padL('API CPU ms/req', 16)}`);
    for (const r of results) {
      console.log(`${pad(r.endpoint, 20)}${pad(r.procedure, 20)}${padL(r.requestsPerSecond, 9)}${padL(r.p50Ms, 9)}${padL(r.p99Ms, 9)}${padL(r.requests, 10)}${padL(r.non2xx, 9)}${padL(r.errors, 8)}${padL(r.apiCpuMsPerRequest ?? '', 16)}`);
    }
    console.log(
      `API RSS: ${mb(rssAfterStart)} MB after start-up; steady state (after warm-up, after a full GC) ${mb(rssAfterWarmup)} MB, ` +
        `peak ${mb(rssPeak)} MB, end ${mb(rssAtEnd)} MB (${(rssGrowth * 100).toFixed(1)}% growth; limit ${MAX_RSS_GROWTH * 100}%); ` +
        `heap used ${mb(atStart.heapUsedBytes)} -> ${mb(atEnd.heapUsedBytes)} MB (${(heapGrowth * 100).toFixed(1)}%); ` +
        `RSS anonymous ${mb(atStart.rssAnonBytes)} -> ${mb(atEnd.rssAnonBytes)} MB, file-backed ${mb(atStart.rssFileBytes)} -> ${mb(atEnd.rssFileBytes)} MB`,
    );
    for (const [endpoint, summaries] of Object.entries(profiles)) {
      for (const p of summaries) {
        console.log(`\nCPU profile, ${endpoint}, ${p.thread.split('/').at(-1)}: ${p.cpuMsPerRequest} ms CPU per request`);
        for (const x of p.byPackage) console.log(`  ${padL((x.share * 100).toFixed(1), 5)}%  ${padL(x.cpuMs, 9)} ms  ${x.name}`);
        console.log('  top functions (self time):');
        for (const x of p.topFunctions) console.log(`  ${padL((x.share * 100).toFixed(1), 5)}%  ${padL(x.cpuMs, 9)} ms  ${x.name}`);
      }
    }

    const overview = results.find((r) => r.endpoint === TARGET.endpoint);
    const targetMet = !!overview && overview.requestsPerSecond >= TARGET.requestsPerSecond && overview.p99Ms < TARGET.p99Ms;
    const clean = results.every((r) => r.non2xx === 0 && r.errors === 0);
    const rssOk = rssGrowth < MAX_RSS_GROWTH;
    console.log(
      `target (${TARGET.endpoint} ≥ ${TARGET.requestsPerSecond} req/s at p99 < ${TARGET.p99Ms} ms): ${targetMet ? 'met' : 'MISSED'} ` +
        `(${overview ? `${overview.requestsPerSecond} req/s, p99 ${overview.p99Ms} ms` : 'not run'}; baseline /healthz ${results[0]!.requestsPerSecond} req/s)` +
        `${clean ? '' : '; some requests failed'}${rssOk ? '' : '; RSS grew too much'}`,
    );
    console.log(
      JSON.stringify({
        bench: 'load',
        connections,
        durationS,
        warmupS,
        cpus: cpus().length,
        // The machine's 1-minute load average at the end: on a shared machine the numbers move with it.
        loadAverage: Math.round(loadavg()[0]! * 10) / 10,
        database: 'sqlite',
        endpoints: results,
        // Steady state: start = after the warm-up, start and end both right after a full GC; peak sampled every 0.5 s.
        rss: { afterStartMb: mb(rssAfterStart), afterWarmupMb: mb(rssAfterWarmup), peakMb: mb(rssPeak), endMb: mb(rssAtEnd), growth: Math.round(rssGrowth * 1000) / 1000 },
        heapUsed: { afterWarmupMb: mb(atStart.heapUsedBytes), endMb: mb(atEnd.heapUsedBytes), growth: Math.round(heapGrowth * 1000) / 1000 },
        // [after warm-up, end]: where RSS went (a leak shows as heap used growing; V8 sizing as heap total only).
        rssSplit: {
          anonMb: [mb(atStart.rssAnonBytes), mb(atEnd.rssAnonBytes)],
          fileMb: [mb(atStart.rssFileBytes), mb(atEnd.rssFileBytes)],
          heapTotalMb: [mb(atStart.heapTotalBytes), mb(atEnd.heapTotalBytes)],
          externalMb: [mb(atStart.externalBytes), mb(atEnd.externalBytes)],
        },
        ...(values['cpu-prof']
          ? { cpuProfile: Object.fromEntries(Object.entries(profiles).map(([e, ps]) => [e, ps.map((p) => ({ thread: p.thread.split('/').at(-1), cpuMsPerRequest: p.cpuMsPerRequest, byPackage: p.byPackage }))])) }
          : {}),
        target: { ...TARGET, met: targetMet },
        errorsZero: clean,
        rssGrowthUnder10Percent: rssOk,
      }),
    );
    return clean && rssOk ? 0 : 1;
  } finally {
    if (server) await stopServer(server, !!values['cpu-prof']);
    if (!values.keep) rmSync(work, { recursive: true, force: true });
    else console.error(`kept ${work}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:load failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
