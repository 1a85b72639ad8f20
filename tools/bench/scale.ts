/**
 * npm run bench:scale -- --patients 10000 [--volumes] [--seed 20261202] [--overview-sample 1000] [--max-epochs 100] [--keep DIR]
 *
 * The platform at cohort scale, on SYNTHETIC patients (tools/synth-cohort): generate N patients → import them all
 * into a fresh SQLite store through the real importers of libs/ingest (FHIR bundles, pathology reports, VCFs; with
 * --volumes also each CT series and its lesion mask) → encode every patient with every module of the platform
 * registry (what `oncoboard predict` encodes with) → train the joint model (@oncoboard/fusion-model/training) →
 * export to ONNX and predict for every patient (onnxruntime, batches of 1000) → the API (appRouter, called in
 * process as a signed-in oncologist on the care team of every patient): the patient list paged to the end, and
 * the overview of --overview-sample patients (evenly spaced; default min(N, 1000)).
 * Per stage: wall time, CPU time (user + sys of this process), patients/s, peak RSS (sampled during the stage),
 * and the store's size on disk. Baseline measured in the same run: reading and parsing the same input files with
 * no store (the I/O + parse floor of the import). Import rate of the first and last 10 % of the per-patient imports
 * is printed too (does the import slow down as the store grows?). Progress on stderr; a table; last line one JSON.
 * Exit status: 0 ran (import/encode problems are counted in the output), 1 an error, 2 bad options.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appRouter, createCallerFactory, testContext } from '@oncoboard/api-router';
import { buildJointDataset, computeHarrellC, OnnxJointRunner, type JointRow } from '@oncoboard/fusion-model';
import { exportJointModelOnnx, trainJointModel } from '@oncoboard/fusion-model/training';
import { createPlatformModuleRegistry, encodeStoredPatient } from '@oncoboard/modules';
import { openStore } from '@oncoboard/store';
import { drawSyntheticPatient, SYNTH_COHORT_VERSION } from '../synth-cohort/generative-model';
import { importSyntheticCohort } from '../synth-cohort/import-cohort';
import { writeSyntheticCohort, type WrittenPatient } from '../synth-cohort/write-cohort';

export interface StageResult {
  stage: string;
  seconds: number;
  cpuSeconds: number;
  /** Patients (or API calls, for the API stages) per wall-clock second. */
  perSecond: number;
  unit: 'patients' | 'calls';
  count: number;
  peakRssMb: number;
  storeMb: number;
}

const USAGE = 'usage: npm run bench:scale -- --patients N [--volumes] [--seed S] [--overview-sample K] [--max-epochs E] [--keep DIR]';

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      patients: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '20261202' },
      volumes: { type: 'boolean', default: false },
      'overview-sample': { type: 'string' },
      'max-epochs': { type: 'string', default: '100' },
      keep: { type: 'string' },
    },
  });
  const patients = Number(values.patients);
  const seed = Number(values.seed);
  const maxEpochs = Number(values['max-epochs']);
  const overviewSample = values['overview-sample'] === undefined ? Math.min(patients, 1000) : Number(values['overview-sample']);
  const checks: [string, boolean, string][] = [
    ['--patients', Number.isInteger(patients) && patients >= 10 && patients <= 99_999, 'an integer in 10..99999'],
    ['--seed', Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff, 'an integer in [0, 2^32)'],
    ['--max-epochs', Number.isInteger(maxEpochs) && maxEpochs >= 1, 'a positive integer'],
    ['--overview-sample', Number.isInteger(overviewSample) && overviewSample >= 0 && overviewSample <= patients, `an integer in 0..${patients} (--patients)`],
  ];
  for (const [name, ok, expected] of checks) if (!ok) throw new UsageError(`${name}: expected ${expected}`);
  return { patients, seed, volumes: values.volumes, overviewSample, maxEpochs, keep: values.keep ? resolve(values.keep) : undefined };
}

class UsageError extends Error {}

/** Bytes of the SQLite store: the database file and its WAL/SHM companions. */
function storeBytes(dbFile: string): number {
  return ['', '-wal', '-shm', '-journal'].reduce((sum, suffix) => sum + (existsSync(dbFile + suffix) ? statSync(dbFile + suffix).size : 0), 0);
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return total;
}

/** Runs one stage, measuring wall and CPU time, and the peak RSS sampled every 100 ms (and at both ends). */
async function measure<T>(stage: string, count: number, unit: StageResult['unit'], dbFile: string, run: () => Promise<T> | T): Promise<{ result: T; stats: StageResult }> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const result = await run();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      result,
      stats: { stage, seconds, cpuSeconds: (used.user + used.system) / 1e6, perSecond: count / seconds, unit, count, peakRssMb: peak / 2 ** 20, storeMb: storeBytes(dbFile) / 1e6 },
    };
  } finally {
    clearInterval(sampler);
  }
}

/** A progress printer: at most one line per interval, always the last one. */
function progressPrinter(started: number, everyMs = 10_000) {
  let last = 0;
  return (stage: string, done: number, total: number) => {
    const now = performance.now();
    if (done !== total && now - last < everyMs) return;
    last = now;
    const s = (now - started) / 1000;
    const eta = done > 0 && done < total ? `, ETA ${(((total - done) * s) / done).toFixed(0)} s` : '';
    process.stderr.write(`[scale] ${stage} ${done}/${total} (${s.toFixed(0)} s, ${(done / s).toFixed(1)}/s${eta})\n`);
  };
}

export async function runScaleBench(argv: string[]): Promise<number> {
  let o: ReturnType<typeof parseOptions>;
  try {
    o = parseOptions(argv);
  } catch (e) {
    console.error(`bench:scale: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const work = o.keep ?? mkdtempSync(join(tmpdir(), 'oncoboard-bench-scale-'));
  if (o.keep) {
    mkdirSync(work, { recursive: true });
    if (readdirSync(work).length > 0) {
      console.error(`bench:scale: --keep ${work}: expected a new or empty folder (the store must start empty)`);
      return 2;
    }
  }
  const cohortDir = join(work, 'cohort');
  const dbFile = join(work, 'store.db');
  const loadBefore = loadavg()[0]!;
  const stages: StageResult[] = [];
  const notes: Record<string, unknown> = {};
  process.stderr.write(`[scale] SYNTHETIC cohort: ${o.patients} patients, seed ${o.seed}, volumes ${o.volumes ? 'yes' : 'no'}; work folder ${work}; load average ${loadBefore.toFixed(1)}\n`);

  try {
    // 1. generate
    const genStarted = performance.now();
    const genProgress = progressPrinter(genStarted);
    const gen = await measure('generate', o.patients, 'patients', dbFile, () =>
      writeSyntheticCohort({ patients: o.patients, seed: o.seed, out: cohortDir, volumes: o.volumes, onPatient: (d, t) => genProgress('generate', d, t) }),
    );
    stages.push(gen.stats);
    const patients: WrittenPatient[] = gen.result.patients;
    notes.inputMb = folderBytes(cohortDir) / 1e6;

    // Baseline: the same input files read and parsed, no store (what any import must at least do).
    const baseline = await measure('baseline: read + parse inputs (no store)', o.patients, 'patients', dbFile, () => {
      let lines = 0;
      for (const p of patients) {
        JSON.parse(readFileSync(p.bundle, 'utf8'));
        lines += readFileSync(p.report, 'utf8').split('\n').length + readFileSync(p.vcf, 'utf8').split('\n').length;
        if (p.ct) for (const f of readdirSync(p.ct.seriesFolder)) readFileSync(join(p.ct.seriesFolder, f));
      }
      return lines;
    });
    stages.push(baseline.stats);

    const store = await openStore({ databaseUrl: `file:${dbFile}` });
    try {
      // 2. import through libs/ingest
      const impStarted = performance.now();
      const impProgress = progressPrinter(impStarted);
      const perPatientDone: number[] = [];
      const imp = await measure('import (libs/ingest)', o.patients, 'patients', dbFile, () =>
        importSyntheticCohort(store, patients, {
          imaging: o.volumes,
          radiomics: false,
          onProgress: (step, done, total) => {
            if (step === 'per-patient') perPatientDone.push(performance.now());
            impProgress(step === 'fhir' ? 'import FHIR bundles' : 'import report + VCF' + (o.volumes ? ' + CT' : ''), done, total);
          },
        }),
      );
      stages.push(imp.stats);
      notes.importSecondsBySource = Object.fromEntries(Object.entries(imp.result.seconds).map(([k, v]) => [k, Number(v.toFixed(1))]));
      notes.importProblems = imp.result.problems.length;
      for (const p of imp.result.problems.slice(0, 5)) process.stderr.write(`[scale] import problem: ${p}\n`);
      // Per-patient import rate (report + VCF [+ CT]) at the start and at the end: flat means no slowdown with size.
      const tenth = Math.max(1, Math.floor(perPatientDone.length / 10));
      const rate = (from: number, to: number) => (to - from) / ((perPatientDone[to]! - perPatientDone[from]!) / 1000);
      if (perPatientDone.length > 2 * tenth + 1) {
        notes.perPatientImportRate = { first10pct: Number(rate(0, tenth).toFixed(2)), last10pct: Number(rate(perPatientDone.length - 1 - tenth, perPatientDone.length - 1).toFixed(2)) };
      }

      // 3. encode with the platform registry's modules, the way `oncoboard predict` does (encodeStoredPatient: every
      //    module reads all of the patient's stored facts)
      const registry = createPlatformModuleRegistry();
      const modules = registry.list();
      const moduleIds = modules.map((m) => m.id);
      const specs: Parameters<typeof buildJointDataset>[0] = modules.map((m) => ({ id: m.id, moduleVersion: m.version, vectorSize: m.vectorSize }));
      const encStarted = performance.now();
      const encProgress = progressPrinter(encStarted);
      const coverage: Record<string, number> = Object.fromEntries(moduleIds.map((id) => [id, 0]));
      let encodeProblems = 0;
      const enc = await measure('encode (platform modules)', o.patients, 'patients', dbFile, async () => {
        const rows: JointRow[] = [];
        for (const [k, p] of patients.entries()) {
          const key = `Patient/${p.id}`;
          const encodings: JointRow['encodings'] = {};
          try {
            for (const e of (await encodeStoredPatient(store, registry, key, moduleIds)).encodings) {
              // Only what the trainer reads is kept (the provenance of 10,000 patients would fill memory for nothing).
              encodings[e.moduleId] = { moduleId: e.moduleId, moduleVersion: e.moduleVersion, vector: e.vector };
              coverage[e.moduleId]!++;
            }
          } catch {
            encodeProblems++;
          }
          const outcome = drawSyntheticPatient(o.seed, k).outcome;
          rows.push({ patientKey: key, encodings, outcome: { time: outcome.timeMonths, event: outcome.event } });
          encProgress('encode', k + 1, patients.length);
        }
        return rows;
      });
      stages.push(enc.stats);
      notes.modules = modules.map((m) => `${m.id}@${m.version}`);
      notes.encodedPatientsPerModule = coverage;
      notes.encodeProblems = encodeProblems;
      const rows = enc.result.filter((r) => Object.keys(r.encodings).length > 0);

      // 4. train the joint model (settings of EVALUATION.md: width 8, l2 1e-2; --max-epochs bounds the time)
      const data = buildJointDataset(specs, rows);
      const train = await measure('train (joint model)', rows.length, 'patients', dbFile, () =>
        trainJointModel(data, {
          seed: o.seed,
          width: 8,
          l2: 1e-2,
          maxEpochs: o.maxEpochs,
          onEpoch: (r) => {
            if (r.epoch % 10 === 0) process.stderr.write(`[scale] train epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, validation loss ${r.validationLoss.toFixed(4)}\n`);
          },
        }),
      );
      stages.push(train.stats);
      notes.training = { epochs: `${train.result.bestEpoch}/${train.result.epochsRun}`, rows: rows.length };

      // 5. predict for all through ONNX
      const predict = await measure('predict all (ONNX, batches of 1000)', rows.length, 'patients', dbFile, async () => {
        const runner = await OnnxJointRunner.load(exportJointModelOnnx(train.result.weights, { synthetic: 'true' }), specs, { source: 'bench-scale.onnx' });
        try {
          const risk = new Float64Array(rows.length);
          for (let i = 0; i < rows.length; i += 1000) {
            const batch = rows.slice(i, i + 1000);
            const d = buildJointDataset(specs, batch);
            const out = await runner.run(d.inputs, d.mask, batch.length);
            risk.set(out.risk, i);
          }
          return risk;
        } finally {
          await runner.close();
        }
      });
      stages.push(predict.stats);
      // In-sample C: a sanity check that the predictions are the trained model's, not a speed claim.
      notes.inSampleHarrellC = Number(computeHarrellC([...data.time], [...data.event].map(Number), [...predict.result]).concordance.toFixed(4));

      // 6. the API over the store, as a signed-in oncologist on every patient's care team
      const ctx = await testContext(store, { roles: ['oncologist'], patients: 'all', username: 'bench-scale' });
      const caller = createCallerFactory(appRouter)(ctx);
      let listed = 0;
      const list = await measure('API patients.search, paged to the end (200/page)', o.patients, 'patients', dbFile, async () => {
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await caller.patients.search({ limit: 200, ...(cursor ? { cursor } : {}) });
          listed += page.items.length;
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        return pages;
      });
      stages.push(list.stats);
      notes.listedPatients = listed;
      notes.listPages = list.result;

      const step = o.overviewSample > 0 ? o.patients / o.overviewSample : 0;
      const sample = Array.from({ length: o.overviewSample }, (_, i) => `Patient/${patients[Math.floor(i * step)]!.id}`);
      const latencies: number[] = [];
      const ovProgress = progressPrinter(performance.now());
      const overview = await measure('API patients.overview (sample)', sample.length, 'calls', dbFile, async () => {
        for (const [i, key] of sample.entries()) {
          const t = performance.now();
          await caller.patients.overview({ patientKey: key });
          latencies.push(performance.now() - t);
          ovProgress('overview', i + 1, sample.length);
        }
      });
      stages.push(overview.stats);
      const sorted = [...latencies].sort((a, b) => a - b);
      const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : Number.NaN);
      notes.overviewMs = { p50: Number(q(0.5).toFixed(1)), p95: Number(q(0.95).toFixed(1)), max: Number((sorted.at(-1) ?? Number.NaN).toFixed(1)) };
    } finally {
      await store.close();
    }

    const loadAfter = loadavg()[0]!;
    const total = stages.filter((s) => !s.stage.startsWith('baseline')).reduce((a, s) => a + s.seconds, 0);
    console.log(`\nbench:scale — SYNTHETIC cohort (tools/synth-cohort ${SYNTH_COHORT_VERSION}), ${o.patients} patients, seed ${o.seed}, volumes ${o.volumes ? 'yes' : 'no'}; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`);
    const header = ['stage', 'wall s', 'CPU s', 'rate', 'peak RSS MB', 'store MB'];
    const table = stages.map((s) => [s.stage, s.seconds.toFixed(1), s.cpuSeconds.toFixed(1), `${s.perSecond.toFixed(1)} ${s.unit}/s`, s.peakRssMb.toFixed(0), s.storeMb.toFixed(1)]);
    const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
    const line = (r: string[]) => `| ${r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join(' | ')} |`;
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of table) console.log(line(r));
    const importStage = stages.find((s) => s.stage.startsWith('import'))!;
    console.log(`import / read+parse baseline: ${(importStage.seconds / baseline.stats.seconds).toFixed(1)}x; import by source (s): ${JSON.stringify(notes.importSecondsBySource)}; per-patient import rate first/last 10 %: ${JSON.stringify(notes.perPatientImportRate ?? null)}`);
    console.log(`overview latency ms: ${JSON.stringify(notes.overviewMs)}; listed ${String(notes.listedPatients)} patients in ${String(notes.listPages)} pages; in-sample C ${String(notes.inSampleHarrellC)}; problems: import ${String(notes.importProblems)}, encode ${String(notes.encodeProblems)}`);
    console.log(`total ${total.toFixed(0)} s (baseline excluded); input files ${(notes.inputMb as number).toFixed(1)} MB`);
    console.log(
      JSON.stringify({
        bench: 'scale',
        synthetic: true,
        generator: SYNTH_COHORT_VERSION,
        patients: o.patients,
        seed: o.seed,
        volumes: o.volumes,
        loadAverage: { before: Number(loadBefore.toFixed(2)), after: Number(loadAfter.toFixed(2)) },
        stages: stages.map((s) => ({ ...s, seconds: Number(s.seconds.toFixed(2)), cpuSeconds: Number(s.cpuSeconds.toFixed(2)), perSecond: Number(s.perSecond.toFixed(2)), peakRssMb: Math.round(s.peakRssMb), storeMb: Number(s.storeMb.toFixed(2)) })),
        ...notes,
        totalSeconds: Number(total.toFixed(1)),
      }),
    );
    return 0;
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true });
  }
}

// Run as a script (not when a test imports runScaleBench).
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  runScaleBench(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`bench:scale: ${(error as Error).stack ?? error}`);
      process.exitCode = 1;
    },
  );
}
