// The fuzz command: property-based fuzzing (fast-check generated mutations of real seed files) of every parser
// that takes outside input. For each target: how many inputs parsed, were rejected with a clear error, crashed
// (unexpected error type, a message without the input's name or place, an internal engine error, a leak of
// patient data, an absurd allocation, the process dying) or hung (over the time budget, or killed by the
// watchdog). Prints a table per target and, last, one line of JSON. Exit code 1 when anything crashed or hung.
//
//   node --import tsx tools/fuzz/run-fuzz.ts [--runs 10000] [--target fhir-json,ndjson,...] [--seed 1]
//        [--budget-ms 2000] [--kill-after-ms 60000] [--jobs 2] [--out <dir for failing inputs>]
//
// Every input is reproducible: input i of a run is materialize(caseAt(arbitrary, seed, i)); failing inputs are
// also written to --out (default: <tmp>/oncoboard-fuzz-failures).
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildMessage, ChildRequest } from './fuzz-child';
import { FUZZ_TARGETS } from './targets/index';

interface Failure {
  input: number;
  kind: 'crash' | 'hang';
  reason: string;
  message?: string;
  label?: string;
  saved?: string;
}

interface TargetReport {
  target: string;
  seeds: number;
  runs: number;
  parsed: number;
  clearErrors: number;
  crashes: number;
  hangs: number;
  /** Slowest single input, ms. */
  maxMs: number;
  wallMs: number;
  failures: Failure[];
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    target: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'budget-ms': { type: 'string', default: '2000' },
    'kill-after-ms': { type: 'string', default: '60000' },
    jobs: { type: 'string' },
    out: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const runs = Number(values.runs);
const seed = Number(values.seed);
const budgetMsPerMiB = Number(values['budget-ms']);
const killAfterMs = Number(values['kill-after-ms']);
const jobs = Math.max(1, Number(values.jobs ?? Math.min(2, availableParallelism())));
const outDir = values.out ?? join(tmpdir(), 'oncoboard-fuzz-failures');
const names = values.target ? values.target.split(',').map((s) => s.trim()).filter(Boolean) : FUZZ_TARGETS.map((t) => t.name);
for (const [flag, n] of [['--runs', runs], ['--seed', seed], ['--budget-ms', budgetMsPerMiB], ['--kill-after-ms', killAfterMs]] as const) {
  if (!Number.isInteger(n) || n < 0) {
    console.error(`run-fuzz: ${flag}: expected a non-negative integer`);
    process.exit(2);
  }
}
const unknown = names.filter((n) => !FUZZ_TARGETS.some((t) => t.name === n));
if (unknown.length > 0) {
  console.error(`run-fuzz: --target: unknown target(s) ${unknown.join(', ')}; known: ${FUZZ_TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}

const log = (line: string) => {
  if (!values.quiet) console.log(line);
};

/** Runs one target to the end, restarting its child process after an input that killed it or had to be killed. */
function fuzzTarget(name: string): Promise<TargetReport> {
  const report: TargetReport = { target: name, seeds: 0, runs: 0, parsed: 0, clearErrors: 0, crashes: 0, hangs: 0, maxMs: 0, wallMs: 0, failures: [] };
  const started = performance.now();
  return new Promise((resolve) => {
    const launch = (from: number) => {
      if (from >= runs) {
        report.wallMs = performance.now() - started;
        resolve(report);
        return;
      }
      const request: ChildRequest = { target: name, seed, runs, from, budgetMsPerMiB, outDir };
      const child: ChildProcess = fork(new URL('./fuzz-child.ts', import.meta.url), [JSON.stringify(request)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let current: number | undefined;
      let lastDone = from - 1;
      let ready = false;
      let ended = false;
      let killed: 'hang' | undefined;
      let watchdog: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          killed = 'hang';
          child.kill('SIGKILL');
        }, killAfterMs + (current === undefined ? 60_000 : 0)); // loading seeds and libs gets a minute more
      };
      arm();
      child.on('message', (m: ChildMessage) => {
        arm();
        switch (m.t) {
          case 'ready':
            report.seeds = m.seeds;
            ready = true;
            break;
          case 'start':
            current = m.i;
            break;
          case 'done': {
            current = undefined;
            lastDone = m.i;
            report.runs++;
            report.maxMs = Math.max(report.maxMs, m.ms);
            if (m.kind === 'parsed') report.parsed++;
            else if (m.kind === 'clear') report.clearErrors++;
            else {
              if (m.kind === 'crash') report.crashes++;
              else report.hangs++;
              const failure: Failure = { input: m.i, kind: m.kind, reason: m.reason ?? '' };
              if (m.message !== undefined) failure.message = m.message.slice(0, 300);
              if (m.label !== undefined) failure.label = m.label;
              if (m.saved !== undefined) failure.saved = m.saved;
              report.failures.push(failure);
              log(`  ${name} input ${m.i}: ${m.kind.toUpperCase()} ${failure.reason}${failure.message ? ` — ${failure.message}` : ''} [${failure.label}] saved ${failure.saved}`);
            }
            if (report.runs % 2000 === 0) log(`  ${name}: ${report.runs}/${runs}`);
            break;
          }
          case 'end':
            ended = true;
            break;
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(watchdog);
        if (ended) {
          report.wallMs = performance.now() - started;
          resolve(report);
          return;
        }
        if (!ready) {
          // Died before its first input: loading the target failed; nothing can run.
          report.failures.push({ input: -1, kind: 'crash', reason: `fuzz child exited (code ${code}, signal ${signal}) while loading the target` });
          report.crashes++;
          report.wallMs = performance.now() - started;
          resolve(report);
          return;
        }
        // Died (or was killed) on an input, or between two while making the next one.
        current ??= lastDone + 1;
        report.runs++;
        const reason = killed === 'hang' ? `no answer within ${killAfterMs} ms: killed` : `the process died (exit code ${code}, signal ${signal})`;
        if (killed === 'hang') report.hangs++;
        else report.crashes++;
        report.failures.push({ input: current, kind: killed === 'hang' ? 'hang' : 'crash', reason, label: `replay: --seed ${seed}, input ${current}` });
        log(`  ${name} input ${current}: ${killed === 'hang' ? 'HANG' : 'CRASH'} ${reason}`);
        launch(current + 1);
      });
    };
    launch(0);
  });
}

function table(reports: TargetReport[]): string {
  const header = ['target', 'seeds', 'runs', 'parsed', 'clear errors', 'crashes', 'hangs', 'slowest CPU ms', 'wall s'];
  const rows = reports.map((r) => [r.target, r.seeds, r.runs, r.parsed, r.clearErrors, r.crashes, r.hangs, Math.round(r.maxMs), (r.wallMs / 1000).toFixed(1)].map(String));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  log(`fuzzing ${names.join(', ')}: ${runs} inputs each, seed ${seed}, budget ${budgetMsPerMiB} ms per MiB, ${jobs} job(s)`);
  const queue = [...names];
  const reports: TargetReport[] = [];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const report = await fuzzTarget(name);
        reports.push(report);
        log(`  ${name}: done in ${(report.wallMs / 1000).toFixed(1)} s`);
      }
    }),
  );
  reports.sort((a, b) => names.indexOf(a.target) - names.indexOf(b.target));
  log('');
  log(table(reports));
  const ok = reports.every((r) => r.crashes === 0 && r.hangs === 0 && r.runs === runs);
  const summary = {
    date: new Date().toISOString(),
    seed,
    runsPerTarget: runs,
    budgetMsPerMiB,
    wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    ok,
    targets: Object.fromEntries(reports.map((r) => [r.target, { seeds: r.seeds, runs: r.runs, parsed: r.parsed, clearErrors: r.clearErrors, crashes: r.crashes, hangs: r.hangs, maxMs: Math.round(r.maxMs), wallSeconds: Number((r.wallMs / 1000).toFixed(1)), failures: r.failures.slice(0, 20) }])),
  };
  console.log(JSON.stringify(summary));
  process.exitCode = ok ? 0 : 1;
}

void main();
