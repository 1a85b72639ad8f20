// Benchmarks the joint model on CPU: training time on 3,000 SYNTHETIC patients (against a Cox PH fit on the same
// vectors, in the same run), inference latency per patient at batch 1 through JointModelPredictor (warm, p50/p95),
// and similar-patient search over 100,000 fused embeddings (brute force; recall@10 of any ANN index against it).
//
//   node --import tsx libs/fusion-model/scripts/bench-model.ts [--n 3000] [--members 2] [--calls 1000]
//        [--index-size 100000] [--queries 300] [--seed 20261202] [--served-risk main|ensemble-mean]
//
// --served-risk ensemble-mean builds the bench version serving the mean of the main model's and the members' risks
// (the members then run on every row of a prediction, not only the first), to time that option.
//
// Prints tables; the last line is one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLINICAL_FEATURE_INDEX, CLINICAL_VECTOR_SIZE } from '../src/clinical/clinical-features';
import { clinicalModule } from '../src/clinical/clinical-module';
import { readCohortCsv } from '../src/cohort/cohort-csv';
import { SYNTHETIC_CLINICAL_MAPPING, syntheticClinicalCohortCsv } from '../src/cohort/synthetic-clinical-cohort';
import { JointModelPredictor } from '../src/joint/joint-predictor';
import { renderJointModelCard } from '../src/joint/model-card';
import { JointModelRegistry } from '../src/joint/model-registry';
import { gaussian, randomStream } from '../src/joint/seeded-random';
import { BruteForceCosineIndex, type SimilarPatientHit } from '../src/joint/similar-patients';
import { buildJointVersionFromCohort } from '../src/joint/train-from-cohort';
import { ModalityModuleRegistry, type ModalityEncoding } from '../src/modality-module';
import { fitCox } from '../src/survival';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '3000' },
    members: { type: 'string', default: '2' },
    calls: { type: 'string', default: '1000' },
    'index-size': { type: 'string', default: '100000' },
    queries: { type: 'string', default: '300' },
    seed: { type: 'string', default: '20261202' },
    'served-risk': { type: 'string', default: 'main' },
  },
});
const n = Number(args.n);
const members = Number(args.members);
const calls = Number(args.calls);
const indexSize = Number(args['index-size']);
const queries = Number(args.queries);
const seed = Number(args.seed);
const servedRisk = args['served-risk'];
if (servedRisk !== 'main' && servedRisk !== 'ensemble-mean') {
  console.error(`bench-model: --served-risk must be main or ensemble-mean, got ${JSON.stringify(servedRisk)}`);
  process.exit(2);
}
const started = performance.now();

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
function printTable(head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, j) => Math.max(...cells.map((r) => r[j]!.length)));
  const line = (r: string[]) => `| ${r.map((c, j) => c.padEnd(w[j]!)).join(' | ')} |`;
  console.log(line(cells[0]!));
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`bench:model — ${new Date().toISOString()} — ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, Node ${process.version}, load average ${load()} (shared machine: absolute times move with the load)`);

// =================================================================================================================
// 1. Training on n SYNTHETIC patients
// =================================================================================================================
const t0 = performance.now();
const cohort = readCohortCsv(syntheticClinicalCohortCsv(n, seed).csv, `synthetic-clinical-seed${seed}-n${n}.csv`, SYNTHETIC_CLINICAL_MAPPING);
const modules = new ModalityModuleRegistry();
modules.register(clinicalModule);
const encodings: ModalityEncoding[] = [];
for (const p of cohort.patients) {
  const e = await modules.encodePatient(clinicalModule.id, p.patientKey, p.facts);
  if (e) encodings.push(e);
}
const importSeconds = (performance.now() - t0) / 1000;

// Baseline in the same run: Cox PH (Efron, Newton–Raphson) on the same clinical vectors (non-constant, independent columns).
const tCox = performance.now();
{
  const keep: number[] = [];
  for (let j = 0; j < CLINICAL_VECTOR_SIZE; j++) {
    const first = encodings[0]!.vector[j]!;
    if (encodings.some((e) => e.vector[j] !== first)) keep.push(j);
  }
  // Drop one column of each one-hot block that is complete (sex female/male/missing) to keep the design full-rank.
  const sexMissing = CLINICAL_FEATURE_INDEX['sex-missing'];
  const cols = keep.filter((j) => j !== sexMissing);
  const values = new Float64Array(encodings.length * cols.length);
  encodings.forEach((e, i) => cols.forEach((j, c) => (values[i * cols.length + c] = e.vector[j]!)));
  fitCox({ time: cohort.patients.map((p) => p.outcome.time), status: cohort.patients.map((p) => (p.outcome.event ? 1 : 0)), values, ncol: cols.length });
}
const coxSeconds = (performance.now() - tCox) / 1000;

let mainSeconds = 0;
let mainEpochs = 0;
const memberSeconds: number[] = [];
const tBuild = performance.now();
const built = await buildJointVersionFromCohort(cohort, {
  name: 'bench-synthetic',
  version: '1.0.0',
  training: { seed },
  members,
  servedRisk,
  dataDescription: `SYNTHETIC clinical cohort, ${n} patients, seed ${seed} (bench run; deleted after)`,
  synthetic: true,
  command: `node --import tsx libs/fusion-model/scripts/bench-model.ts ${process.argv.slice(2).join(' ')}`,
});
const buildSeconds = (performance.now() - tBuild) / 1000;
mainSeconds = built.trained.main.seconds;
mainEpochs = built.trained.main.epochsRun;
for (const m of built.trained.members) memberSeconds.push(m.seconds);
const rows = built.metrics.rows;
console.log(`\n## 1. Training on ${n} SYNTHETIC patients (held-out test ${rows.test}, training ${rows.train}, early-stopping validation ${rows.validation})`);
printTable(['step', 'time', 'note'], [
  ['CSV import + clinical module encoding', `${importSeconds.toFixed(2)} s`, `${encodings.length} patients`],
  ['baseline: Cox PH fit (fitCox, Efron) on the same vectors', `${coxSeconds.toFixed(2)} s`, `all ${n} rows`],
  ['joint model, main (tfjs CPU, full-batch Adam)', `${mainSeconds.toFixed(1)} s`, `${mainEpochs} epochs (${((1000 * mainSeconds) / mainEpochs).toFixed(0)} ms/epoch), best ${built.trained.main.bestEpoch}`],
  ...memberSeconds.map((s, k) => [`ensemble member ${k + 1} (bootstrap)`, `${s.toFixed(1)} s`, `${built.trained.members[k]!.epochsRun} epochs`]),
  [`whole version (main + ${members} members + ONNX export + parity check)`, `${buildSeconds.toFixed(1)} s`, `test C ${built.metrics.cIndexTest.toFixed(4)}`],
]);

// =================================================================================================================
// 2. Inference latency, batch 1, warm
// =================================================================================================================
const folder = mkdtempSync(join(tmpdir(), 'oncoboard-bench-'));
const latency: Record<string, { p50: number; p95: number; p99: number; mean: number; cpuMs: number; members: number; reference: number }> = {};
// CPU time (all threads of this process) per call: independent of how long other processes held the cores.
const cpuMsSince = (c: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};
try {
  const registry = new JointModelRegistry(folder);
  registry.writeVersion(built, renderJointModelCard(built, { data: 'SYNTHETIC (bench run)', intendedUse: 'benchmark only', limits: [] }));
  const versions: [string, ReturnType<JointModelRegistry['load']>][] = [
    [`bench version (${members} members, served risk: ${servedRisk})`, registry.load('bench-synthetic', '1.0.0')],
    ['shipped demo model clinical-joint-demo (5 members)', new JointModelRegistry(join(here, '..', 'models')).load('clinical-joint-demo')],
  ];
  for (const [name, model] of versions) {
    const predictor = await JointModelPredictor.open(model);
    try {
      const warm = 50;
      for (let i = 0; i < warm; i++) await predictor.predict(cohort.patients[i]!.patientKey, [encodings[i]!]);
      const times: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) {
        const k = i % encodings.length;
        const s = performance.now();
        await predictor.predict(cohort.patients[k]!.patientKey, [encodings[k]!], { k: 10 });
        times.push(performance.now() - s);
      }
      const cpuPerCall = cpuMsSince(cpu0) / calls;
      // The main ONNX session alone (risk, embedding, attention), for the share of the ensemble/curve/search.
      const sessionTimes: number[] = [];
      const mask = new Float32Array([1]);
      const cpu1 = process.cpuUsage();
      for (let i = 0; i < calls; i++) {
        const k = i % encodings.length;
        const s = performance.now();
        await predictor.main.run([encodings[k]!.vector], mask, 1);
        sessionTimes.push(performance.now() - s);
      }
      const sessionCpu = cpuMsSince(cpu1) / calls;
      const stats = (xs: number[]) => ({ p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), p99: quantile(xs, 0.99), mean: xs.reduce((a, b) => a + b, 0) / xs.length });
      latency[name] = { ...stats(times), cpuMs: cpuPerCall, members: model.memberBytes.length, reference: model.reference.risk.length };
      latency[`${name}: main ONNX session only`] = { ...stats(sessionTimes), cpuMs: sessionCpu, members: 0, reference: 0 };
    } finally {
      await predictor.close();
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
console.log(`\n## 2. Inference latency per patient, batch 1, CPU (onnxruntime-node), warm (50 calls first), ${calls} timed calls each; target p95 < 20 ms`);
printTable(['what', 'p50', 'p95', 'p99', 'mean', 'CPU time / call', 'note'], Object.entries(latency).map(([k, v]) => [k, ms(v.p50), ms(v.p95), ms(v.p99), ms(v.mean), ms(v.cpuMs), v.reference ? `JointModelPredictor.predict: main + ${v.members} members, survival curve + band, contributions, 10 similar of ${v.reference}` : 'OnnxJointRunner.run']));

// =================================================================================================================
// 3. Similar-patient search over indexSize fused embeddings
// =================================================================================================================
const dim = built.manifest.embeddingSize;
const random = randomStream(seed, 'bench-embeddings');
// Fused embeddings are tanh outputs (each coordinate in (−1, 1)); random ones: tanh of standard normal draws.
const embeddings = new Float32Array(indexSize * dim);
for (let i = 0; i < embeddings.length; i++) embeddings[i] = Math.tanh(gaussian(random));
const queryVectors = Array.from({ length: queries }, () => Float32Array.from({ length: dim }, () => Math.tanh(gaussian(random))));
const tIndex = performance.now();
const brute = new BruteForceCosineIndex(embeddings, dim);
const bruteBuildMs = performance.now() - tIndex;
for (let i = 0; i < 10; i++) brute.query(queryVectors[i]!, 10);
const bruteTimes: number[] = [];
const exact: SimilarPatientHit[][] = [];
const cpuSearch = process.cpuUsage();
for (const q of queryVectors) {
  const s = performance.now();
  exact.push(brute.query(q, 10));
  bruteTimes.push(performance.now() - s);
}
const search = { p50: quantile(bruteTimes, 0.5), p95: quantile(bruteTimes, 0.95), cpuMs: cpuMsSince(cpuSearch) / queries, buildMs: bruteBuildMs };
console.log(`\n## 3. Similar-patient search: ${indexSize} random fused embeddings (dim ${dim}), k = 10, ${queries} queries (10 warm-up); target < 50 ms per query`);
printTable(['index', 'build', 'query p50', 'query p95', 'CPU time / query', 'recall@10 vs brute force'], [
  ['brute force cosine (BruteForceCosineIndex)', ms(bruteBuildMs), ms(search.p50), ms(search.p95), ms(search.cpuMs), '1 (exact)'],
]);
const needAnn = search.p95 >= 50;
console.log(needAnn
  ? `brute force p95 ${ms(search.p95)} misses the 50 ms target: an ANN index is needed`
  : `brute force meets the target (p95 ${ms(search.p95)} < 50 ms): no ANN index needed at ${indexSize} embeddings of dim ${dim}; it is exact (recall 1)`);

const wallSeconds = (performance.now() - started) / 1000;
console.log(`\nwall time ${wallSeconds.toFixed(0)} s; load average at the end ${load()}`);
const r2 = (x: number) => Math.round(x * 100) / 100;
console.log(JSON.stringify({
  date: new Date().toISOString(),
  training: { patients: n, servedRisk, seconds: { importAndEncode: r2(importSeconds), coxBaseline: r2(coxSeconds), jointMain: r2(mainSeconds), jointMembers: memberSeconds.map(r2), wholeVersion: r2(buildSeconds) }, epochs: mainEpochs, members, testC: r2(built.metrics.cIndexTest * 100) / 100 },
  inference: Object.fromEntries(Object.entries(latency).map(([k, v]) => [k, { p50Ms: r2(v.p50), p95Ms: r2(v.p95), p99Ms: r2(v.p99), meanMs: r2(v.mean), cpuMsPerCall: r2(v.cpuMs) }])),
  inferenceTargetP95Ms: 20,
  search: { size: indexSize, dim, k: 10, queries, bruteForce: { p50Ms: r2(search.p50), p95Ms: r2(search.p95), cpuMsPerQuery: r2(search.cpuMs), buildMs: r2(bruteBuildMs), recallAt10: 1 }, annNeeded: needAnn },
  searchTargetMs: 50,
  wallSeconds: Math.round(wallSeconds),
  loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
}));
