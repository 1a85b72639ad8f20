// Trains, evaluates and exports one joint-model version: a seeded held-out test split, the main model and its
// bootstrap ensemble on the rest, ONNX export of each, an onnxruntime-vs-tfjs parity check on the test rows,
// the reference cohort (training rows) and the metrics. Writing it to the registry is model-registry.ts's job.
import { breslowBaseline } from './breslow-baseline';
import { meanRisk, SERVED_RISK_DESCRIPTION, type ServedRisk } from './ensemble-risk';
import { exportJointModelOnnx, JOINT_ONNX_OPSET } from './export-joint-onnx';
import { computeHarrellC } from '../survival';
import { subsetJointDataset, type JointDataset } from './joint-dataset';
import { jointForwardArrays } from './joint-forward-tf';
import type { JointModelWeights } from './joint-weights';
import { jointIoNames, sha256Hex, type JointModelManifest } from './model-manifest';
import { OnnxJointRunner } from './onnx-runner';
import { HELD_OUT_FILE, HELD_OUT_FORMAT, type HeldOutPredictions } from './held-out-predictions';
import type { ReferenceCohort } from './reference-cohort';
import { randomStream, shuffledIndices } from './seeded-random';
import { trainJointEnsemble, type JointEnsembleResult, type JointTrainingOptions } from './train-joint-model';

export const BAND_DESCRIPTION = 'pointwise minimum and maximum of the survival curves of the bootstrap ensemble members (each trained on a bootstrap resample of the training rows, with its own Breslow baseline); a spread, not a calibrated confidence interval';

export interface BuildJointVersionInput {
  name: string;
  version: string;
  data: JointDataset;
  timeUnit: string;
  training: JointTrainingOptions;
  /** Ensemble members for the band (default 5). */
  members?: number;
  /** Opt-in: serve the mean of the main model's and the members' risks (default 'main'; needs ≥ 1 member). */
  servedRisk?: ServedRisk;
  /** Held-out test fraction (default 0.2), drawn with the seed. */
  testFraction?: number;
  dataDescription: string;
  dataSha256: string;
  synthetic: boolean;
  command: string;
  log?: (line: string) => void;
}

export interface JointVersionMetrics {
  rows: { train: number; validation: number; test: number };
  events: { train: number; validation: number; test: number };
  /** Harrell's C of the exported model (onnxruntime) on the held-out test rows. */
  cIndexTest: number;
  cIndexValidation: number;
  cIndexTrain: number;
  cIndexImplementation: string;
  /** Max |onnxruntime − tfjs| over the test rows, risk (of every exported graph) and embedding. */
  parityMaxAbsDiff: { risk: number; embedding: number };
  trainingSeconds: number;
  epochs: { best: number; run: number };
  members: { bestEpoch: number; epochsRun: number }[];
}

export interface BuiltJointVersion {
  manifest: JointModelManifest;
  modelBytes: Uint8Array;
  memberBytes: Uint8Array[];
  reference: ReferenceCohort;
  metrics: JointVersionMetrics;
  trained: JointEnsembleResult;
  /** Row indices (into `data`) of the held-out test split. */
  testIndices: number[];
  /** The exported model's risk on the test split with the rows' outcomes (held-out.json); optional only for
   *  versions assembled by hand. */
  heldOut?: HeldOutPredictions;
}

const eventsIn = (data: JointDataset, rows: number[]) => rows.reduce((a, i) => a + data.event[i]!, 0);

function riskOf(w: JointModelWeights, data: JointDataset, rows: number[]) {
  const sub = subsetJointDataset(data, rows);
  return jointForwardArrays(w, sub.inputs, sub.mask, rows.length);
}

/** The served risk on `rows` (tfjs): the main model's, or the mean over main and members. */
function servedRiskOf(trained: JointEnsembleResult, servedRisk: ServedRisk, data: JointDataset, rows: number[], mainRisk: Float32Array): Float32Array {
  if (servedRisk === 'main') return mainRisk;
  return meanRisk([mainRisk, ...trained.members.map((m) => riskOf(m.weights, data, rows).risk)]);
}

export async function buildJointModelVersion(input: BuildJointVersionInput): Promise<BuiltJointVersion> {
  const { data, training } = input;
  const log = input.log ?? (() => undefined);
  const servedRisk = input.servedRisk ?? 'main';
  if (servedRisk === 'ensemble-mean' && (input.members ?? 5) < 1) throw new Error(`${input.name}@${input.version}: servedRisk 'ensemble-mean' needs at least one ensemble member (members is ${input.members})`);
  const n = data.time.length;
  const order = shuffledIndices(n, randomStream(training.seed, 'test-split'));
  const nTest = Math.round(n * (input.testFraction ?? 0.2));
  const testIndices = order.slice(0, nTest).sort((a, b) => a - b);
  const devIndices = order.slice(nTest).sort((a, b) => a - b);
  const dev = subsetJointDataset(data, devIndices);
  const test = subsetJointDataset(data, testIndices);

  const started = performance.now();
  const trained = await trainJointEnsemble(dev, { ...training, members: input.members ?? 5, onMember: (k) => log(`ensemble member ${k}/${input.members ?? 5} (bootstrap resample of the training rows)`) });
  const trainingSeconds = (performance.now() - started) / 1000;
  const { main, members } = trained;

  const train = main.trainIndices;
  const trainOut = riskOf(main.weights, dev, train);
  const trainRisk = servedRiskOf(trained, servedRisk, dev, train, trainOut.risk);
  const baseline = breslowBaseline(trainRisk, train.map((i) => dev.time[i]!), train.map((i) => dev.event[i]!));
  const memberBaselines = members.map((m) => {
    const out = riskOf(m.weights, dev, m.trainIndices);
    return breslowBaseline(out.risk, m.trainIndices.map((i) => dev.time[i]!), m.trainIndices.map((i) => dev.event[i]!));
  });

  const metadata = { name: input.name, version: input.version, synthetic: String(input.synthetic), dataSha256: input.dataSha256 };
  const modelBytes = exportJointModelOnnx(main.weights, { ...metadata, role: 'main' });
  const memberBytes = members.map((m, k) => exportJointModelOnnx(m.weights, { ...metadata, role: `ensemble member ${k + 1}` }));

  // Parity and test metrics with the exported graph, as it will be served.
  const runner = await OnnxJointRunner.load(modelBytes, data.modalities, { source: `${input.name}@${input.version} model.onnx` });
  let parity = { risk: 0, embedding: 0 };
  let cIndexTest = Number.NaN;
  let testRisk: number[] = [];
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  try {
    const served = await runner.run(test.inputs, test.mask, testIndices.length);
    const reference = jointForwardArrays(main.weights, test.inputs, test.mask, testIndices.length);
    parity = { risk: maxDiff(served.risk, reference.risk), embedding: maxDiff(served.embedding, reference.embedding) };
    const risks = [served.risk];
    if (servedRisk === 'ensemble-mean') {
      for (const [k, bytes] of memberBytes.entries()) {
        const memberRunner = await OnnxJointRunner.load(bytes, data.modalities, { source: `${input.name}@${input.version} ensemble/member-${k + 1}.onnx` });
        try {
          const out = (await memberRunner.run(test.inputs, test.mask, testIndices.length)).risk;
          parity.risk = Math.max(parity.risk, maxDiff(out, jointForwardArrays(members[k]!.weights, test.inputs, test.mask, testIndices.length).risk));
          risks.push(out);
        } finally {
          await memberRunner.close();
        }
      }
    }
    const testServed = risks.length === 1 ? served.risk : meanRisk(risks);
    cIndexTest = computeHarrellC(test.time, test.event, testServed).concordance;
    testRisk = Array.from(testServed);
  } finally {
    await runner.close();
  }
  const valRisk = servedRiskOf(trained, servedRisk, dev, main.validationIndices, riskOf(main.weights, dev, main.validationIndices).risk);
  const metrics: JointVersionMetrics = {
    rows: { train: train.length, validation: main.validationIndices.length, test: testIndices.length },
    events: { train: eventsIn(dev, train), validation: eventsIn(dev, main.validationIndices), test: eventsIn(data, testIndices) },
    cIndexTest,
    cIndexValidation: computeHarrellC(main.validationIndices.map((i) => dev.time[i]!), main.validationIndices.map((i) => dev.event[i]!), valRisk).concordance,
    cIndexTrain: computeHarrellC(train.map((i) => dev.time[i]!), train.map((i) => dev.event[i]!), trainRisk).concordance,
    cIndexImplementation: "Harrell's C as R survival's concordance(coxfit) (computeHarrellC, src/survival)",
    parityMaxAbsDiff: parity,
    trainingSeconds,
    epochs: { best: main.bestEpoch, run: main.epochsRun },
    members: members.map((m) => ({ bestEpoch: m.bestEpoch, epochsRun: m.epochsRun })),
  };
  log(`test C ${cIndexTest.toFixed(4)} (validation ${metrics.cIndexValidation.toFixed(4)}, train ${metrics.cIndexTrain.toFixed(4)}); parity max |ort − tfjs| risk ${parity.risk.toExponential(2)}, embedding ${parity.embedding.toExponential(2)}`);

  const reference: ReferenceCohort = {
    format: 'oncoboard-joint-reference/1',
    timeUnit: input.timeUnit,
    patients: train.map((i) => ({ patientKey: dev.patientKeys[i]!, time: dev.time[i]!, event: dev.event[i] === 1, treatments: dev.treatments?.[i] ?? [] })),
    risk: Array.from(trainRisk),
    embedding: Array.from(trainOut.embedding),
    baseline,
    memberBaselines,
  };
  const referenceJson = JSON.stringify(reference);
  const testFraction = input.testFraction ?? 0.2;
  const heldOut: HeldOutPredictions = {
    format: HELD_OUT_FORMAT,
    split: 'test',
    description: `seeded held-out test split: ${testIndices.length} of ${n} rows (fraction ${testFraction}, seed ${training.seed}), drawn before training and never used for fitting, early stopping or the Breslow baseline`,
    timeUnit: input.timeUnit,
    risk: testRisk,
    time: testIndices.map((i) => data.time[i]!),
    event: testIndices.map((i) => data.event[i] === 1),
  };
  const io = jointIoNames(data.modalities.map((m) => m.id));
  const { onEpoch: _onEpoch, split: _split, ...options } = training;
  const manifest: JointModelManifest = {
    format: 'oncoboard-joint-model/1',
    name: input.name,
    version: input.version,
    createdAt: new Date().toISOString(),
    modalities: data.modalities.map((m, i) => ({ id: m.id, moduleVersion: m.moduleVersion, vectorSize: m.vectorSize, inputName: io.inputs[i]! })),
    mask: io.mask,
    outputs: io.outputs,
    embeddingSize: main.weights.shape.width,
    attentionWidth: main.weights.shape.attentionWidth,
    opset: JOINT_ONNX_OPSET,
    files: {
      model: { path: 'model.onnx', sha256: sha256Hex(modelBytes) },
      members: memberBytes.map((b, k) => ({ path: `ensemble/member-${k + 1}.onnx`, sha256: sha256Hex(b) })),
      reference: { path: 'reference.json', sha256: sha256Hex(referenceJson) },
      heldOut: { path: HELD_OUT_FILE, sha256: sha256Hex(JSON.stringify(heldOut)) },
    },
    preprocessing: main.weights.modalities.map((m, i) => ({ modality: data.modalities[i]!.id, mean: Array.from(m.mean), invStd: Array.from(m.invStd) })),
    survival: { timeUnit: input.timeUnit, head: 'Cox proportional hazards, partial likelihood with Breslow ties', baseline: 'Breslow cumulative hazard on the training rows', band: BAND_DESCRIPTION },
    ...(servedRisk === 'ensemble-mean' ? { servedRisk: { kind: servedRisk, description: SERVED_RISK_DESCRIPTION[servedRisk] } } : {}),
    training: {
      seed: training.seed,
      data: input.dataDescription,
      dataSha256: input.dataSha256,
      synthetic: input.synthetic,
      command: input.command,
      rows: metrics.rows,
      options: { ...options, members: input.members ?? 5, testFraction },
      bestEpoch: main.bestEpoch,
      seconds: Math.round(trainingSeconds * 10) / 10,
    },
  };
  return { manifest, modelBytes, memberBytes, reference, metrics, trained, testIndices, heldOut };
}
