/**
 * node --import tsx tools/synth-cohort/evaluate.ts [--patients 600] [--seed 20261202] [--bootstrap 1000]
 *      [--test-fraction 0.3] [--radiomics] [--keep DIR]
 *
 * The joint-vs-single-modality evaluation on a SYNTHETIC multimodal cohort (issue 6):
 *   generate (tools/synth-cohort) → import every patient through the real importers of libs/ingest into a
 *   temporary SQLite store → encode with the modality modules (each on its own modality's facts) → seeded
 *   train/test split → train with the fusion-model trainer (@oncoboard/fusion-model/training): the joint model on
 *   all modalities, and the same trainer with one module for each single-modality model → export to ONNX and score
 *   the test split with onnxruntime (OnnxJointRunner), the joint model also with each modality masked at inference.
 * Reports Harrell's C with percentile-bootstrap 95 % CIs (paired resamples of the test split), the C of the
 * generator's true log-hazard as a ceiling measured on the same rows, PASS/FAIL per criterion of the issue
 * (joint > every single-modality model; joint loses ≤ 0.02 C with any one modality missing), and last one JSON line.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '@oncoboard/facts';
import { buildJointDataset, OnnxJointRunner, withModalityMasked, type JointDataset, type JointRow } from '@oncoboard/fusion-model';
import { exportJointModelOnnx, trainJointModel } from '@oncoboard/fusion-model/training';
import { openStore } from '@oncoboard/store';
import { encodeSyntheticPatient, loadModalityModules, type EncodedPatient, type ModalityName } from './encode-cohort';
import { OUTCOME_COEFFICIENTS, SYNTH_COHORT_VERSION } from './generative-model';
import { importSyntheticCohort } from './import-cohort';
import { pairedBootstrapC } from './paired-bootstrap-c';
import { OUTCOMES_HEADER, writeSyntheticCohort } from './write-cohort';

/** The issue's tolerance for a missing modality. */
export const MAX_C_LOSS_WITH_ONE_MODALITY_MISSING = 0.02;
/** Trainer settings: those chosen on Rotterdam in libs/fusion-model/EVALUATION.md (no tuning on this cohort). */
const TRAINING = { width: 8, l2: 1e-2 } as const;

const { values: args } = parseArgs({
  options: {
    patients: { type: 'string', default: '600' },
    seed: { type: 'string', default: '20261202' },
    bootstrap: { type: 'string', default: '1000' },
    'test-fraction': { type: 'string', default: '0.3' },
    keep: { type: 'string' },
    radiomics: { type: 'boolean', default: false },
  },
});
const N = Number(args.patients);
const seed = Number(args.seed);
const B = Number(args.bootstrap);
const testFraction = Number(args['test-fraction']);
for (const [name, ok] of [['--patients', Number.isInteger(N) && N >= 40], ['--seed', Number.isInteger(seed) && seed >= 0], ['--bootstrap', Number.isInteger(B) && B >= 10], ['--test-fraction', testFraction > 0.05 && testFraction < 0.9]] as const) {
  if (!ok) {
    console.error(`synth-cohort evaluate: ${name}: invalid value (patients ≥ 40, seed ≥ 0, bootstrap ≥ 10, test fraction in (0.05, 0.9))`);
    process.exit(2);
  }
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const progress = (line: string) => process.stderr.write(`[${elapsed()}] ${line}\n`);
const work = args.keep ? resolve(args.keep) : mkdtempSync(join(tmpdir(), 'oncoboard-synth-eval-'));
if (args.keep) mkdirSync(work, { recursive: true });

/** outcomes.csv → id → (time, event). */
function readOutcomes(file: string): Map<string, { time: number; event: boolean; eta: number }> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  if (lines[0] !== OUTCOMES_HEADER) throw new Error(`${file}: line 2: expected the header "${OUTCOMES_HEADER}"`);
  const out = new Map<string, { time: number; event: boolean; eta: number }>();
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = line.split(',');
    const time = Number(cells[1]);
    if (!Number.isFinite(time) || time < 0 || !['0', '1'].includes(cells[2]!)) throw new Error(`${file}: data row ${i + 1}: expected time ≥ 0 and event 0/1`);
    out.set(cells[0]!, { time, event: cells[2] === '1', eta: Number(cells[8]) - Number(cells[7]) });
  }
  return out;
}

function shuffled(n: number, random: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function main(): Promise<number> {
  progress(`SYNTHETIC cohort: ${N} patients, seed ${seed}, in ${work}`);
  const cohortDir = join(work, 'cohort');
  let lastLine = 0;
  const cohort = writeSyntheticCohort({
    patients: N,
    seed,
    out: cohortDir,
    onPatient: (done, total) => {
      if (done === total || performance.now() - lastLine > 10_000) {
        lastLine = performance.now();
        progress(`generated ${done}/${total}`);
      }
    },
  });
  const generateSeconds = (performance.now() - started) / 1000;

  const store = await openStore({ databaseUrl: `file:${join(work, 'store.db')}` });
  let imported;
  let importSeconds = 0;
  const importStarted = performance.now();
  try {
    // Radiomics off by default: IBSI texture features cost ~0.4 s per lesion here and the imaging signal of this
    // cohort is the lesion volume (measured either way); --radiomics turns them on.
    imported = await importSyntheticCohort(store, cohort.patients, {
      radiomics: args.radiomics,
      onProgress: (step, done, total) => {
        if (done === total || performance.now() - lastLine > 15_000) {
          lastLine = performance.now();
          progress(`import ${step} ${done}/${total}`);
        }
      },
    });
    importSeconds = (performance.now() - importStarted) / 1000;
    progress(`imported ${N} patients in ${importSeconds.toFixed(0)} s (fhir ${imported.seconds.fhir.toFixed(0)} s, pathology ${imported.seconds.pathology.toFixed(0)} s, vcf ${imported.seconds.vcf.toFixed(0)} s, imaging ${imported.seconds.imaging.toFixed(0)} s); ${imported.problems.length} problems`);
    for (const p of imported.problems.slice(0, 10)) progress(`  import problem: ${p}`);

    const { available, missing } = await loadModalityModules();
    progress(`modules: ${available.map((a) => `${a.modality}=${a.module.id}@${a.module.version} (${a.module.vectorSize})`).join(', ')}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`);
    const encodeStarted = performance.now();
    const encoded: EncodedPatient[] = [];
    for (const [k, p] of cohort.patients.entries()) {
      encoded.push(await encodeSyntheticPatient(store, `Patient/${p.id}`, available));
      if (k + 1 === N || performance.now() - lastLine > 15_000) {
        lastLine = performance.now();
        progress(`encoded ${k + 1}/${N}`);
      }
    }
    const encodeSeconds = (performance.now() - encodeStarted) / 1000;
    const encodeProblems = encoded.flatMap((e) => e.problems.map((p) => `${e.patientKey}: ${p}`));
    for (const p of encodeProblems.slice(0, 10)) progress(`  encode problem: ${p}`);
    await store.close();

    const outcomes = readOutcomes(join(cohortDir, 'outcomes.csv'));
    const modalities = available.map((a) => a.modality);
    const specs = available.map((a) => ({ id: a.module.id, moduleVersion: a.module.version, vectorSize: a.module.vectorSize }));
    const coverage = Object.fromEntries(modalities.map((m) => [m, encoded.filter((e) => e.encodings[m]).length]));
    progress(`patients with each modality encoded: ${modalities.map((m) => `${m} ${coverage[m]}/${N}`).join(', ')}`);

    const rowOf = (e: EncodedPatient, only?: ModalityName): JointRow => {
      const o = outcomes.get(e.patientKey.slice('Patient/'.length))!;
      const encodings: JointRow['encodings'] = {};
      available.forEach((a) => {
        if ((!only || a.modality === only) && e.encodings[a.modality]) encodings[a.module.id] = e.encodings[a.modality]!;
      });
      return { patientKey: e.patientKey, encodings, outcome: { time: o.time, event: o.event } };
    };

    // Seeded split; the test rows are the test patients with every modality, so all models are scored on the same rows.
    const order = shuffled(N, mulberry32(seed ^ 0x7e57));
    const nTest = Math.round(N * testFraction);
    const testPatients = order.slice(0, nTest).map((i) => encoded[i]!).filter((e) => modalities.every((m) => e.encodings[m]));
    const trainPatients = order.slice(nTest).map((i) => encoded[i]!);
    const testTime = testPatients.map((e) => outcomes.get(e.patientKey.slice(8))!.time);
    const testEvent: number[] = testPatients.map((e) => (outcomes.get(e.patientKey.slice(8))!.event ? 1 : 0));
    progress(`split: ${trainPatients.length} train (20 % of them for early stopping), ${testPatients.length} test (${testEvent.reduce((a, b) => a + b, 0)} events)`);

    const risks = new Map<string, Float32Array | number[]>();
    const trainSeconds: Record<string, number> = {};
    const epochs: Record<string, string> = {};

    const trainAndScore = async (name: string, only?: ModalityName) => {
      const usedSpecs = only ? [specs[modalities.indexOf(only)]!] : specs;
      const trainRows = trainPatients.filter((e) => (only ? e.encodings[only] : modalities.some((m) => e.encodings[m]))).map((e) => rowOf(e, only));
      const trainData = buildJointDataset(usedSpecs, trainRows);
      const result = await trainJointModel(trainData, {
        seed,
        ...TRAINING,
        onEpoch: (r) => {
          if (r.epoch % 50 === 0) progress(`  ${name}: epoch ${r.epoch}, train loss ${r.trainLoss.toFixed(4)}, validation loss ${r.validationLoss.toFixed(4)}`);
        },
      });
      trainSeconds[name] = result.seconds;
      epochs[name] = `${result.bestEpoch}/${result.epochsRun}`;
      const runner = await OnnxJointRunner.load(exportJointModelOnnx(result.weights, { synthetic: 'true' }), usedSpecs, { source: `${name}.onnx` });
      try {
        const testData: JointDataset = buildJointDataset(usedSpecs, testPatients.map((e) => rowOf(e, only)));
        const n = testPatients.length;
        risks.set(name, Float32Array.from((await runner.run(testData.inputs, testData.mask, n)).risk));
        if (!only) {
          // The same trained joint model with one modality masked at inference (its input zeroed, mask 0).
          for (const [m, modality] of modalities.entries()) {
            const masked = withModalityMasked(testData, m);
            risks.set(`joint without ${modality}`, Float32Array.from((await runner.run(masked.inputs, masked.mask, n)).risk));
          }
        }
      } finally {
        await runner.close();
      }
      progress(`trained ${name} in ${result.seconds.toFixed(1)} s (best epoch ${epochs[name]})`);
    };

    await trainAndScore('joint');
    for (const m of modalities) await trainAndScore(`${m} only`, m);

    // References on the same test rows: the generator's true log-hazard without frailty (a ceiling), and without
    // each modality's term (what is left of the signal when a modality is gone).
    const truth = testPatients.map((e) => {
      const id = e.patientKey.slice(8);
      return JSON.parse(readFileSync(join(cohortDir, 'patients', id, 'truth.json'), 'utf8')) as { logHazard: Record<ModalityName | 'total' | 'frailty', number> };
    });
    const trueEta = truth.map((t) => t.logHazard.total - t.logHazard.frailty);
    risks.set('true log-hazard (ceiling)', trueEta);
    for (const m of modalities) risks.set(`true log-hazard without ${m} term`, truth.map((t, i) => trueEta[i]! - t.logHazard[m]));

    // Harrell's C with paired percentile-bootstrap CIs.
    const names = [...risks.keys()];
    const diffPairs: [string, string, string][] = [
      ...modalities.map((m): [string, string, string] => [`joint − ${m} only`, 'joint', `${m} only`]),
      ...modalities.map((m): [string, string, string] => [`joint − joint without ${m}`, 'joint', `joint without ${m}`]),
    ];
    const n = testPatients.length;
    const bootStarted = performance.now();
    const { point, ci95, differences } = pairedBootstrapC(testTime, testEvent, risks, {
      resamples: B,
      random: mulberry32(seed ^ 0xb0075),
      differences: diffPairs,
      onResample: (b) => b % 250 === 0 && progress(`bootstrap ${b}/${B}`),
    });
    const bootSeconds = (performance.now() - bootStarted) / 1000;

    const f4 = (x: number) => x.toFixed(4);
    const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
    console.log(`\nSYNTHETIC multimodal cohort (tools/synth-cohort ${SYNTH_COHORT_VERSION}): ${N} patients, seed ${seed}; test split ${n} patients (${testEvent.reduce((a, b) => a + b, 0)} events)`);
    console.log(`Harrell's C on the test split; 95 % CI: percentile bootstrap, ${B} paired resamples of the test split (seed ${seed})`);
    console.log(`trainer: @oncoboard/fusion-model/training trainJointModel, width ${TRAINING.width}, l2 ${TRAINING.l2}, seed ${seed} (settings of EVALUATION.md, not tuned here); scored through ONNX (OnnxJointRunner)\n`);
    const rows: [string, string, string, string][] = names.map((k) => {
      const [lo, hi] = ci95[k]!;
      return [k, f4(point[k]!), `${f4(lo)}–${f4(hi)}`, trainSeconds[k] !== undefined ? `${trainSeconds[k]!.toFixed(1)} s, epoch ${epochs[k]}` : k.startsWith('joint without') ? 'masked at inference' : 'reference (generator truth)'];
    });
    const widths = [0, 1, 2, 3].map((c) => Math.max(...[['model', "Harrell's C", '95 % CI', 'training'], ...rows].map((r) => r[c]!.length)));
    const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
    console.log(line(['model', "Harrell's C", '95 % CI', 'training']));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));

    console.log('\npaired differences (same resamples):');
    for (const [label, a, bName] of diffPairs) {
      const [lo, hi] = differences[label]!.ci95;
      console.log(`  ${label.padEnd(32)} ${signed(point[a]! - point[bName]!)} (95 % CI ${signed(lo)} to ${signed(hi)})`);
    }

    // The criteria, computed from the point estimates (the CIs are printed beside them).
    const criteria: { name: string; pass: boolean; detail: string }[] = [];
    const complete = missing.length === 0;
    for (const m of modalities) {
      const d = point.joint! - point[`${m} only`]!;
      criteria.push({ name: `joint beats ${m} only`, pass: d > 0, detail: `${f4(point.joint!)} vs ${f4(point[`${m} only`]!)} (Δ ${signed(d)})` });
    }
    for (const m of modalities) {
      const loss = point.joint! - point[`joint without ${m}`]!;
      criteria.push({ name: `joint loses ≤ ${MAX_C_LOSS_WITH_ONE_MODALITY_MISSING} C without ${m}`, pass: loss <= MAX_C_LOSS_WITH_ONE_MODALITY_MISSING, detail: `${f4(point.joint!)} → ${f4(point[`joint without ${m}`]!)} (loss ${signed(loss)})` });
    }
    if (!complete) criteria.push({ name: 'all four modality modules present', pass: false, detail: `missing: ${missing.join(', ')}` });
    console.log('\ncriteria (issue 6):');
    for (const c of criteria) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
    const allPass = criteria.every((c) => c.pass);
    const seconds = (performance.now() - started) / 1000;
    console.log(`\n${allPass ? 'PASS' : 'FAIL'}: ${criteria.filter((c) => c.pass).length}/${criteria.length} criteria; wall time ${seconds.toFixed(0)} s (generate ${generateSeconds.toFixed(0)} s, import ${importSeconds.toFixed(0)} s, encode ${encodeSeconds.toFixed(0)} s, bootstrap ${bootSeconds.toFixed(0)} s)`);
    console.log(
      JSON.stringify({
        evaluation: 'synthetic-multimodal',
        synthetic: true,
        generator: SYNTH_COHORT_VERSION,
        patients: N,
        seed,
        radiomics: args.radiomics,
        test: { patients: n, events: testEvent.reduce((a, b) => a + b, 0) },
        bootstrap: B,
        modules: Object.fromEntries(available.map((a) => [a.modality, `${a.module.id}@${a.module.version}`])),
        missingModules: missing,
        harrellC: Object.fromEntries(names.map((k) => [k, { c: Number(f4(point[k]!)), ci95: ci95[k]!.map((x) => Number(f4(x))) }])),
        criteria: criteria.map((c) => ({ name: c.name, pass: c.pass })),
        pass: allPass,
        outcomeCoefficients: OUTCOME_COEFFICIENTS,
        seconds: { total: Number(seconds.toFixed(1)), generate: Number(generateSeconds.toFixed(1)), encode: Number(encodeSeconds.toFixed(1)), import: Number(importSeconds.toFixed(1)), importBySource: imported.seconds, train: trainSeconds },
        importProblems: imported.problems.length,
        encodeProblems: encodeProblems.length,
      }),
    );
    // The evaluation ran: exit 0 whatever the verdict (it is in the output and the JSON line).
    return 0;
  } finally {
    await store.close().catch(() => undefined);
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(`synth-cohort evaluate: ${(error as Error).stack ?? error}`);
    if (!args.keep) rmSync(work, { recursive: true, force: true });
    process.exitCode = 1;
  },
);
