/**
 * node --import tsx tools/synth-cohort/train-demo-model.ts [--patients 1000] [--seed 20261203] [--name multimodal-joint-demo]
 *   [--version 1.0.0] [--members 5] [--max-epochs E] [--bootstrap 1000] [--models-dir libs/fusion-model/models] [--activate] [--keep DIR]
 *
 * Trains the platform's SYNTHETIC four-modality demo joint model: generate a SYNTHETIC cohort (with CT volumes) →
 * import it through the real importers into a temporary store (`importSyntheticCohort`) → encode every patient
 * exactly as serving does (`encodeStoredPatient` of libs/modules with the platform registry: every module reads all
 * of the patient's facts) → `buildJointModelVersion` (seeded held-out test split, main model + bootstrap ensemble,
 * ONNX export, reference cohort, held-out.json) with the settings EVALUATION.md chose on Rotterdam (width 8, l2 1e-2;
 * not tuned here) → Harrell's C on the held-out split with bootstrap CIs, also with each modality masked → model card
 * → the model registry (--models-dir). Progress on stderr; the last stdout line is one JSON object.
 * Exit status: 0 written, 1 an error, 2 bad options.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32 } from '@oncoboard/facts';
import { buildJointDataset, JointModelRegistry, OnnxJointRunner, treatmentNameOf, withModalityMasked, type JointRow } from '@oncoboard/fusion-model';
import { buildJointModelVersion, renderJointModelCard } from '@oncoboard/fusion-model/training';
import { createPlatformModuleRegistry, encodeStoredPatient } from '@oncoboard/modules';
import { openStore } from '@oncoboard/store';
import { drawSyntheticPatient, SYNTH_COHORT_VERSION } from './generative-model';
import { importSyntheticCohort } from './import-cohort';
import { pairedBootstrapC } from './paired-bootstrap-c';
import { writeSyntheticCohort } from './write-cohort';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The joint trainer's settings chosen on Rotterdam (libs/fusion-model/EVALUATION.md); not tuned on this cohort. */
export const DEMO_MODEL_TRAINING = { width: 8, l2: 1e-2 } as const;
/** Not the demo cohort's seed (20261202): the model never trains on the patients the demo shows. */
export const DEMO_MODEL_SEED = 20261203;
export const DEMO_MODEL_PATIENTS = 1000;

export interface TrainDemoModelOptions {
  patients: number;
  seed: number;
  name: string;
  version: string;
  members: number;
  /** Unset: the trainer's default. */
  maxEpochs?: number;
  bootstrap: number;
  modelsDir: string;
  activate: boolean;
  /** Keep the generated cohort and the store here (default: a temporary folder, removed at the end). */
  keep?: string;
  /** The command line the card records. */
  command: string;
  progress: (line: string) => void;
}

export interface TrainDemoModelResult {
  folder: string;
  patients: number;
  modalities: string[];
  /** Patients each module encoded. */
  coverage: Record<string, number>;
  heldOut: { rows: number; events: number };
  /** Harrell's C on the held-out split: the joint model, with each modality masked, and the generator's ceiling. */
  harrellC: Record<string, { c: number; ci95: [number, number] }>;
  /** C lost with each modality masked (joint − masked) and its paired CI. */
  lossWithModalityMasked: Record<string, { difference: number; ci95: [number, number] }>;
  seconds: { generate: number; import: number; encode: number; train: number; evaluate: number; total: number };
}

/** sha256 over every generated file (path and bytes, in path order): the cohort the version was trained on. */
function cohortSha256(folder: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(folder, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(folder);
  return hash.digest('hex');
}

const f4 = (x: number) => x.toFixed(4);

export async function trainDemoModel(o: TrainDemoModelOptions): Promise<TrainDemoModelResult> {
  const started = performance.now();
  const since = (t: number) => (performance.now() - t) / 1000;
  const work = o.keep ? resolve(o.keep) : mkdtempSync(join(tmpdir(), 'oncoboard-demo-model-'));
  if (o.keep) mkdirSync(work, { recursive: true });
  const seconds = { generate: 0, import: 0, encode: 0, train: 0, evaluate: 0, total: 0 };
  try {
    // 1. Generate (with CT volumes, so the imaging module has input).
    let last = 0;
    const every = (ms: number) => (performance.now() - last > ms ? ((last = performance.now()), true) : false);
    const cohortDir = join(work, 'cohort');
    const cohort = writeSyntheticCohort({
      patients: o.patients,
      seed: o.seed,
      out: cohortDir,
      volumes: true,
      onPatient: (done, total) => (done === total || every(15_000)) && o.progress(`generated ${done}/${total} SYNTHETIC patients`),
    });
    seconds.generate = since(started);
    const dataSha256 = cohortSha256(cohortDir);

    const store = await openStore({ databaseUrl: `file:${join(work, 'store.db')}` });
    const rows: JointRow[] = [];
    const registry = createPlatformModuleRegistry();
    const modules = registry.list();
    const coverage: Record<string, number> = Object.fromEntries(modules.map((m) => [m.id, 0]));
    try {
      // 2. Import through libs/ingest, as the demo cohort is (radiomics off, as import-demo.ts: the lesion is measured either way).
      const importStarted = performance.now();
      const imported = await importSyntheticCohort(store, cohort.patients, {
        radiomics: false,
        onProgress: (step, done, total) => (done === total || every(15_000)) && o.progress(`import ${step} ${done}/${total}`),
      });
      seconds.import = since(importStarted);
      o.progress(`imported ${o.patients} patients in ${seconds.import.toFixed(0)} s; ${imported.problems.length} problems`);
      for (const p of imported.problems.slice(0, 10)) o.progress(`  import problem: ${p}`);

      // 3. Encode as serving does: every module of the platform registry on all of the patient's facts.
      const encodeStarted = performance.now();
      for (const [k, p] of cohort.patients.entries()) {
        const patientKey = `Patient/${p.id}`;
        const { encodings } = await encodeStoredPatient(store, registry, patientKey, modules.map((m) => m.id));
        // Treatment names for the similar-patient lists of the reference cohort (as train-from-cohort.ts keeps them).
        const treatments = [...new Set((await store.getFacts(patientKey)).map(treatmentNameOf).filter((t): t is string => !!t))].sort();
        // The outcome the generator wrote to outcomes.csv (patient k of the seed).
        const outcome = drawSyntheticPatient(o.seed, k).outcome;
        for (const e of encodings) coverage[e.moduleId]!++;
        // Only what the trainer reads is kept (not the provenance).
        const byModule = Object.fromEntries(encodings.map((e) => [e.moduleId, { moduleId: e.moduleId, moduleVersion: e.moduleVersion, vector: e.vector }]));
        if (encodings.length > 0) rows.push({ patientKey, encodings: byModule, outcome: { time: outcome.timeMonths, event: outcome.event }, treatments });
        if (k + 1 === o.patients || every(15_000)) o.progress(`encoded ${k + 1}/${o.patients}`);
      }
      seconds.encode = since(encodeStarted);
    } finally {
      await store.close();
    }
    o.progress(`patients each module encoded: ${modules.map((m) => `${m.id}@${m.version} ${coverage[m.id]}/${o.patients}`).join(', ')}; ${o.patients - rows.length} without any`);

    // 4. The version: seeded held-out test split, main model + ensemble, ONNX, reference cohort, held-out.json.
    const specs = modules.map((m) => ({ id: m.id, moduleVersion: m.version, vectorSize: m.vectorSize }));
    const data = buildJointDataset(specs, rows);
    const trainStarted = performance.now();
    const built = await buildJointModelVersion({
      name: o.name,
      version: o.version,
      data,
      timeUnit: 'months',
      training: {
        seed: o.seed,
        ...DEMO_MODEL_TRAINING,
        ...(o.maxEpochs !== undefined ? { maxEpochs: o.maxEpochs } : {}),
        onEpoch: (e) => e.epoch % 50 === 0 && o.progress(`  epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, validation loss ${e.validationLoss.toFixed(4)}`),
      },
      members: o.members,
      dataDescription: `SYNTHETIC multimodal cohort of tools/synth-cohort ${SYNTH_COHORT_VERSION}: ${o.patients} patients, seed ${o.seed}, with CT volumes`,
      dataSha256,
      synthetic: true,
      command: o.command,
      log: o.progress,
    });
    seconds.train = since(trainStarted);

    // 5. Held-out C: the exported model on the test rows, with each modality masked (mask 0, input zeros), and the
    // generator's true log-hazard (without frailty) as the ceiling. Paired bootstrap over the test rows.
    const evaluateStarted = performance.now();
    const testRows = built.testIndices.map((i) => rows[i]!);
    const test = buildJointDataset(specs, testRows);
    const n = testRows.length;
    const risks = new Map<string, ArrayLike<number>>();
    const runner = await OnnxJointRunner.load(built.modelBytes, specs, { source: `${o.name}@${o.version} model.onnx` });
    try {
      risks.set('joint', (await runner.run(test.inputs, test.mask, n)).risk);
      for (const [m, spec] of specs.entries()) {
        const masked = withModalityMasked(test, m);
        risks.set(`joint, ${spec.id} masked`, (await runner.run(masked.inputs, masked.mask, n)).risk);
      }
    } finally {
      await runner.close();
    }
    const heldOutRisk = built.heldOut!.risk;
    const joint = risks.get('joint')!;
    if (heldOutRisk.length !== n || heldOutRisk.some((r, i) => Math.abs(r - joint[i]!) > 1e-5)) throw new Error('held-out rows: the scored test rows are not those of held-out.json (split mismatch)');
    const truth = built.testIndices.map((i) => drawSyntheticPatient(o.seed, Number(/-(\d+)$/.exec(rows[i]!.patientKey)![1])).logHazard);
    risks.set('true log-hazard (ceiling, generator truth)', truth.map((t) => t.total - t.frailty));
    const maskedNames = specs.map((s) => `joint, ${s.id} masked`);
    const boot = pairedBootstrapC(Array.from(test.time), Array.from(test.event), risks, {
      resamples: o.bootstrap,
      random: mulberry32(o.seed ^ 0xb0075),
      differences: specs.map((s, m) => [s.id, 'joint', maskedNames[m]!] as const),
    });
    seconds.evaluate = since(evaluateStarted);
    const harrellC = Object.fromEntries([...risks.keys()].map((k) => [k, { c: boot.point[k]!, ci95: boot.ci95[k]! }]));
    const events = test.event.reduce((a, b) => a + b, 0);
    for (const [k, v] of Object.entries(harrellC)) o.progress(`held-out C ${k}: ${f4(v.c)} (95 % CI ${f4(v.ci95[0])}–${f4(v.ci95[1])})`);

    // 6. Card and registry.
    const table = [
      '| model on the held-out rows | Harrell\'s C | 95 % CI | C lost vs joint (95 % CI) |',
      '| --- | --- | --- | --- |',
      ...[...risks.keys()].map((k) => {
        const m = specs.findIndex((s) => k === `joint, ${s.id} masked`);
        const loss = m >= 0 ? boot.differences[specs[m]!.id]! : undefined;
        return `| ${k} | ${f4(harrellC[k]!.c)} | ${f4(harrellC[k]!.ci95[0])}–${f4(harrellC[k]!.ci95[1])} | ${loss ? `${f4(loss.difference)} (${f4(loss.ci95[0])} to ${f4(loss.ci95[1])})` : ''} |`;
      }),
    ].join('\n');
    const card = renderJointModelCard(built, {
      data: `**SYNTHETIC.** ${o.patients} SYNTHETIC patients (no real patient, nothing downloaded) drawn by the generator of
tools/synth-cohort, **generator version ${SYNTH_COHORT_VERSION}, seed ${o.seed}** (the demo's own 32 patients are seed 20261202, so the
model never saw them), with CT volumes. Each patient's SYNTHETIC files (mCODE FHIR bundle, pathology report, somatic VCF, CT
series with lesion mask) were imported through the real importers of libs/ingest into a temporary store (radiomics
off, as the demo import) and encoded exactly as serving does: every module of the platform registry
(${modules.map((m) => `${m.id}@${m.version}`).join(', ')}) reads all of the patient's facts (\`encodeStoredPatient\`, libs/modules).
Patients encoded per module: ${modules.map((m) => `${m.id} ${coverage[m.id]}/${o.patients}`).join(', ')}. The generative model (features,
log-hazard terms, Weibull times, censoring) is written down in tools/synth-cohort/README.md.`,
      intendedUse:
        'The platform\'s default demo model: it lets the API, the web pages and the tests show a four-modality prediction (curve, per-modality contributions, similar patients) on the SYNTHETIC demo patients without real data. **SYNTHETIC — not for clinical use, not for research conclusions.**',
      limits: [
        'Trained on SYNTHETIC data: the C index says the model recovers the signal the generator put in, nothing about patients.',
        `Only breast-cancer-like SYNTHETIC patients of one generator (${SYNTH_COHORT_VERSION}); features outside its ranges (other cancers, other stages of care, radiomics on) are out of distribution.`,
        'Imaging was imported with radiomics off (as the demo import does); the imaging module\'s radiomics features were absent in training, so a CT imported with radiomics may be scored off-distribution.',
        'A patient with only some modalities (e.g. the mCODE demo patients: clinical only) is scored with the others masked; the held-out C with each modality masked (table above) says what is lost.',
        'Risk is a log relative hazard, comparable only within this version; the percentile is relative to the training rows (the reference cohort).',
        `The band is the min–max spread of a ${o.members}-member bootstrap ensemble, not a calibrated confidence interval.`,
        'Trainer settings width 8, l2 1e-2 were chosen on Rotterdam (libs/fusion-model/EVALUATION.md), not tuned on this cohort.',
      ],
      extra: {
        'Held-out C with each modality masked (SYNTHETIC)': `On the ${n} held-out test rows (${events} events), the exported model (onnxruntime) with every modality and with one
modality masked at inference (mask 0, input zeros); 95 % CIs: percentile bootstrap, ${o.bootstrap} paired resamples of the
test rows (seed ${o.seed}). The ceiling is the C of the generator's true log-hazard without frailty on the same rows.

${table}`,
        'Recreate the data': `The training command regenerates the identical SYNTHETIC cohort from the seed (\`writeSyntheticCohort({ patients: ${o.patients}, seed: ${o.seed} })\`, tools/synth-cohort); it is not stored.`,
      },
    });
    const metrics = { ...built.metrics, synthetic: true, generator: `tools/synth-cohort ${SYNTH_COHORT_VERSION}`, heldOutHarrellC: harrellC, heldOutLossWithModalityMasked: boot.differences, bootstrapResamples: o.bootstrap };
    const registryOut = new JointModelRegistry(o.modelsDir);
    const folder = registryOut.writeVersion({ ...built, metrics }, card);
    if (o.activate) registryOut.setActive(o.name, o.version);
    seconds.total = since(started);
    o.progress(`wrote ${folder}${o.activate ? ' (active)' : ''} in ${seconds.total.toFixed(0)} s`);
    return { folder, patients: o.patients, modalities: specs.map((s) => s.id), coverage, heldOut: { rows: n, events }, harrellC, lossWithModalityMasked: boot.differences, seconds };
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        patients: { type: 'string', default: String(DEMO_MODEL_PATIENTS) },
        seed: { type: 'string', default: String(DEMO_MODEL_SEED) },
        name: { type: 'string', default: 'multimodal-joint-demo' },
        version: { type: 'string', default: '1.0.0' },
        members: { type: 'string', default: '5' },
        'max-epochs': { type: 'string' },
        bootstrap: { type: 'string', default: '1000' },
        'models-dir': { type: 'string', default: join(repoRoot, 'libs', 'fusion-model', 'models') },
        activate: { type: 'boolean', default: false },
        keep: { type: 'string' },
      },
    }));
  } catch (e) {
    console.error(`synth-cohort train-demo-model: ${(e as Error).message}`);
    return 2;
  }
  const int = (name: string, raw: string | undefined, min: number) => {
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) throw new RangeError(`--${name}: expected an integer ≥ ${min}, got "${raw}"`);
    return v;
  };
  let options: TrainDemoModelOptions;
  try {
    options = {
      patients: int('patients', values.patients, 20),
      seed: int('seed', values.seed, 0),
      name: values.name,
      version: values.version,
      members: int('members', values.members, 1),
      ...(values['max-epochs'] !== undefined ? { maxEpochs: int('max-epochs', values['max-epochs'], 1) } : {}),
      bootstrap: int('bootstrap', values.bootstrap, 10),
      modelsDir: resolve(values['models-dir']),
      activate: values.activate,
      ...(values.keep ? { keep: values.keep } : {}),
      command: `node --import tsx tools/synth-cohort/train-demo-model.ts ${process.argv.slice(2).join(' ')}`.trim(),
      progress: (line) => process.stderr.write(`[train-demo-model ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`),
    };
  } catch (e) {
    console.error(`synth-cohort train-demo-model: ${(e as Error).message}`);
    return 2;
  }
  const result = await trainDemoModel(options);
  console.log(JSON.stringify({ synthetic: true, generator: SYNTH_COHORT_VERSION, name: options.name, version: options.version, seed: options.seed, ...result }));
  return 0;
}

// Run as a script (not when a test imports trainDemoModel).
if (process.argv[1] && resolve(process.argv[1]) === resolve(fileURLToPath(import.meta.url))) {
  main().then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`synth-cohort train-demo-model: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
