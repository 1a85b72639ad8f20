// Seeded, reproducible training of the joint model in tfjs-core on the CPU backend: full-batch Adam on the Cox
// partial likelihood (+ L2), modality dropout, early stopping on a validation split with the best weights
// restored; and a small bootstrap ensemble for the uncertainty band of the survival curve.
import * as tf from '@tensorflow/tfjs-core';
import { coxNegLogPartialLikelihood, coxRiskSets, descendingTimeOrder } from './cox-partial-likelihood';
import type { JointDataset } from './joint-dataset';
import { disposeJointTensors, jointForward, jointTensors, readJointWeights, useTfCpuBackend } from './joint-forward-tf';
import { initialJointWeights, type JointModelWeights } from './joint-weights';
import { bootstrapSample, randomStream, shuffledIndices } from './seeded-random';

export interface JointTrainingOptions {
  seed: number;
  /** Shared embedding width d (default 16). */
  width?: number;
  /** Gated-attention hidden width (default 8). */
  attentionWidth?: number;
  learningRate?: number;
  maxEpochs?: number;
  /** Stop after this many epochs without a better validation loss (default 25). */
  patience?: number;
  /** L2 penalty on the weight matrices (default 1e-4). */
  l2?: number;
  /**
   * Opt-in linear (Cox) skip path beside the network: risk = network term + Σ_m (standardised x_m) · linear_m over
   * the modalities present, so the model keeps the linear signal a Cox model finds (default false: no skip path).
   */
  linearSkip?: boolean;
  /** L2 penalty on the linear skip weights (default: `l2`). */
  linearL2?: number;
  /** Probability of hiding each present modality of a training row in an epoch (default 0.25; never all of them). */
  modalityDropout?: number;
  /** Fraction of rows held out for early stopping (default 0.2), drawn with the seed. */
  validationFraction?: number;
  /** Use these rows instead of a seeded split (an ensemble member's bootstrap sample). */
  split?: { train: number[]; validation: number[] };
  onEpoch?: (e: EpochReport) => void;
}

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  best: boolean;
}

export interface JointTrainingResult {
  weights: JointModelWeights;
  history: EpochReport[];
  bestEpoch: number;
  epochsRun: number;
  trainIndices: number[];
  validationIndices: number[];
  seconds: number;
}

/** Standardisation per modality from the training rows that have it; a constant feature keeps scale 1. */
function standardise(weights: JointModelWeights, data: JointDataset, rows: readonly number[]): void {
  const M = data.modalities.length;
  data.modalities.forEach((spec, m) => {
    const n = spec.vectorSize;
    const sum = new Float64Array(n);
    const sq = new Float64Array(n);
    let count = 0;
    for (const i of rows) {
      if (data.mask[i * M + m]! < 0.5) continue;
      count++;
      for (let k = 0; k < n; k++) {
        const x = data.inputs[m]![i * n + k]!;
        sum[k] = sum[k]! + x;
        sq[k] = sq[k]! + x * x;
      }
    }
    const w = weights.modalities[m]!;
    for (let k = 0; k < n; k++) {
      const mean = count > 0 ? sum[k]! / count : 0;
      const sd = count > 1 ? Math.sqrt(Math.max(0, sq[k]! / count - mean * mean)) : 0;
      w.mean[k] = mean;
      w.invStd[k] = sd > 1e-6 ? 1 / sd : 1;
    }
  });
}

function gatherRows(data: JointDataset, rows: readonly number[]): { x: Float32Array[]; mask: Float32Array } {
  const M = data.modalities.length;
  const x = data.modalities.map((spec, m) => {
    const out = new Float32Array(rows.length * spec.vectorSize);
    rows.forEach((i, r) => out.set(data.inputs[m]!.subarray(i * spec.vectorSize, (i + 1) * spec.vectorSize), r * spec.vectorSize));
    return out;
  });
  const mask = new Float32Array(rows.length * M);
  rows.forEach((i, r) => mask.set(data.mask.subarray(i * M, (i + 1) * M), r * M));
  return { x, mask };
}

/** Hides each present modality with probability p, keeping at least one per row (chosen with the stream). */
function dropModalities(mask: Float32Array, M: number, p: number, random: () => number): Float32Array {
  const out = mask.slice();
  if (M < 2 || p <= 0) return out;
  for (let r = 0; r < out.length / M; r++) {
    const present: number[] = [];
    for (let m = 0; m < M; m++) if (out[r * M + m]! > 0.5) present.push(m);
    let kept = 0;
    for (const m of present) {
      if (random() < p) out[r * M + m] = 0;
      else kept++;
    }
    if (kept === 0 && present.length > 0) out[r * M + present[Math.floor(random() * present.length)]!] = 1;
  }
  return out;
}

export async function trainJointModel(data: JointDataset, options: JointTrainingOptions): Promise<JointTrainingResult> {
  await useTfCpuBackend();
  const started = performance.now();
  const n = data.time.length;
  const M = data.modalities.length;
  let trainIndices: number[];
  let validationIndices: number[];
  if (options.split) ({ train: trainIndices, validation: validationIndices } = options.split);
  else {
    const order = shuffledIndices(n, randomStream(options.seed, 'split'));
    const nVal = Math.max(1, Math.round(n * (options.validationFraction ?? 0.2)));
    validationIndices = order.slice(0, nVal);
    trainIndices = order.slice(nVal);
  }
  const shape = { modalities: data.modalities, width: options.width ?? 16, attentionWidth: options.attentionWidth ?? 8, ...(options.linearSkip ? { linearSkip: true } : {}) };
  const initial = initialJointWeights(shape, options.seed);
  standardise(initial, data, trainIndices);

  const trainRows = descendingTimeOrder(data.time, trainIndices);
  const valRows = descendingTimeOrder(data.time, validationIndices);
  const trainSets = coxRiskSets(trainRows.map((i) => data.time[i]!), trainRows.map((i) => data.event[i]!));
  const valSets = coxRiskSets(valRows.map((i) => data.time[i]!), valRows.map((i) => data.event[i]!));
  if (trainSets.events === 0) throw new Error('training rows have no events: the Cox partial likelihood cannot be fitted');
  if (valSets.events === 0) throw new Error('validation rows have no events: early stopping has nothing to measure (use more rows)');
  const train = gatherRows(data, trainRows);
  const val = gatherRows(data, valRows);

  const { tensors, variables } = jointTensors(initial, true);
  const xTrain = data.modalities.map((s, m) => tf.tensor2d(train.x[m]!, [trainRows.length, s.vectorSize]));
  const xVal = data.modalities.map((s, m) => tf.tensor2d(val.x[m]!, [valRows.length, s.vectorSize]));
  const maskVal = tf.tensor2d(val.mask, [valRows.length, M]);
  const penalised = [...tensors.modalities.map((m) => m.W), tensors.gate.V, tensors.gate.U, tensors.gate.w, tensors.beta];
  const optimizer = tf.train.adam(options.learningRate ?? 0.01);
  const dropout = randomStream(options.seed, 'modality-dropout');
  const l2 = options.l2 ?? 1e-4;
  const linear = tensors.modalities.flatMap((m) => (m.linear ? [m.linear] : []));
  const linearL2 = options.linearL2 ?? l2;
  const maxEpochs = options.maxEpochs ?? 300;
  const patience = options.patience ?? 25;

  const history: EpochReport[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, weights: readJointWeights(tensors, initial) };
  try {
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      const maskTrain = tf.tensor2d(dropModalities(train.mask, M, options.modalityDropout ?? 0.25, dropout), [trainRows.length, M]);
      const loss = optimizer.minimize(() => {
        const out = jointForward(tensors, xTrain, maskTrain);
        const nll = coxNegLogPartialLikelihood(out.risk, trainSets);
        const penalty = tf.mul(tf.addN(penalised.map((p) => tf.sum(tf.square(p)))), l2);
        if (linear.length === 0) return tf.add(nll, penalty) as tf.Scalar;
        const linearPenalty = tf.mul(tf.addN(linear.map((p) => tf.sum(tf.square(p)))), linearL2);
        return tf.add(tf.add(nll, penalty), linearPenalty) as tf.Scalar;
      }, true, variables)!;
      const trainLoss = (loss.dataSync() as Float32Array)[0]!;
      loss.dispose();
      maskTrain.dispose();
      const validationLoss = tf.tidy(() => {
        const out = jointForward(tensors, xVal, maskVal);
        return (coxNegLogPartialLikelihood(out.risk, valSets).dataSync() as Float32Array)[0]!;
      });
      if (!Number.isFinite(trainLoss) || !Number.isFinite(validationLoss)) throw new Error(`epoch ${epoch}: the loss is not finite (train ${trainLoss}, validation ${validationLoss}); lower the learning rate`);
      const improved = validationLoss < best.loss - 1e-7;
      if (improved) best = { loss: validationLoss, epoch, weights: readJointWeights(tensors, initial) };
      const report = { epoch, trainLoss, validationLoss, best: improved };
      history.push(report);
      options.onEpoch?.(report);
      if (epoch - best.epoch >= patience) break;
    }
  } finally {
    optimizer.dispose();
    tf.dispose([...xTrain, ...xVal, maskVal]);
    disposeJointTensors(tensors);
  }
  return { weights: best.weights, history, bestEpoch: best.epoch, epochsRun: history.length, trainIndices, validationIndices, seconds: (performance.now() - started) / 1000 };
}

export interface JointEnsembleResult {
  /** Trained on the whole training split: the model that is exported and gives the risk, embedding, contributions. */
  main: JointTrainingResult;
  /** Trained on bootstrap resamples of the main model's training rows (same validation rows): the band. */
  members: JointTrainingResult[];
}

/** The main model and `members` bootstrap members (seeds derived from `seed`). */
export async function trainJointEnsemble(data: JointDataset, options: JointTrainingOptions & { members?: number; onMember?: (k: number) => void }): Promise<JointEnsembleResult> {
  const main = await trainJointModel(data, options);
  const members: JointTrainingResult[] = [];
  for (let k = 1; k <= (options.members ?? 5); k++) {
    options.onMember?.(k);
    const train = bootstrapSample(main.trainIndices, randomStream(options.seed, `bootstrap-${k}`));
    members.push(await trainJointModel(data, { ...options, seed: options.seed + 1000 * k, split: { train, validation: main.validationIndices } }));
  }
  return { main, members };
}
