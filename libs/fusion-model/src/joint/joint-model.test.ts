import * as tf from '@tensorflow/tfjs-core';
import { readOnnxInitializers } from '@oncoboard/onnx-graph';
import { beforeAll, describe, expect, it } from 'vitest';
import { breslowBaseline, survivalAt } from './breslow-baseline';
import { coxNegLogPartialLikelihood, coxRiskSets } from './cox-partial-likelihood';
import { exportJointModelOnnx } from './export-joint-onnx';
import { computeHarrellC } from '../survival';
import { buildJointDataset, subsetJointDataset, withModalityMasked } from './joint-dataset';
import { jointForwardArrays, useTfCpuBackend } from './joint-forward-tf';
import { namedWeightArrays, type JointModelWeights } from './joint-weights';
import { OnnxJointRunner } from './onnx-runner';
import { BruteForceCosineIndex } from './similar-patients';
import { SYNTHETIC_JOINT_MODALITIES, syntheticJointDataset } from './synthetic-joint-data';
import { trainJointModel } from './train-joint-model';

// All data here is SYNTHETIC (synthetic-joint-data.ts documents the generative model). Training runs are kept
// to a few seconds on the 2-core machine.

/** The model's arithmetic in plain JS, over the PRESENT modalities only (no mask, no −∞): the reference
 *  (with the linear skip term of each present modality when the model has one). */
function referenceRisk(w: JointModelWeights, vectors: (number[] | undefined)[]): number {
  const d = w.shape.width;
  const a = w.shape.attentionWidth;
  const h: number[][] = [];
  const s: number[] = [];
  let linearTerm = 0;
  vectors.forEach((x, m) => {
    if (!x) return;
    const mw = w.modalities[m]!;
    const n = x.length;
    if (mw.linear) for (let k = 0; k < n; k++) linearTerm += (x[k]! - mw.mean[k]!) * mw.invStd[k]! * mw.linear[k]!;
    const hm = Array.from({ length: d }, (_, j) => {
      let z = mw.b[j]!;
      for (let k = 0; k < n; k++) z += (x[k]! - mw.mean[k]!) * mw.invStd[k]! * mw.W[k * d + j]!;
      return Math.tanh(z);
    });
    let score = w.gate.bias[m]!;
    for (let j = 0; j < a; j++) {
      let v = w.gate.bV[j]!;
      let u = w.gate.bU[j]!;
      for (let k = 0; k < d; k++) {
        v += hm[k]! * w.gate.V[k * a + j]!;
        u += hm[k]! * w.gate.U[k * a + j]!;
      }
      score += Math.tanh(v) * (1 / (1 + Math.exp(-u))) * w.gate.w[j]!;
    }
    h.push(hm);
    s.push(score);
  });
  const max = Math.max(...s);
  const e = s.map((v) => Math.exp(v - max));
  const total = e.reduce((x, y) => x + y, 0);
  let risk = linearTerm;
  for (let j = 0; j < d; j++) risk += h.reduce((acc, hm, i) => acc + (e[i]! / total) * hm[j]!, 0) * w.beta[j]!;
  return risk;
}

describe('joint model (tfjs-core, CPU) and its ONNX export', () => {
  const train = syntheticJointDataset(300, 1);
  const heldOut = syntheticJointDataset(300, 2);
  let trained: Awaited<ReturnType<typeof trainJointModel>>;
  beforeAll(async () => {
    trained = await trainJointModel(train, { seed: 7, maxEpochs: 30, patience: 10, learningRate: 0.02 });
  }, 60_000);

  it('learns: Harrell C on a SYNTHETIC held-out set with a known signal is clearly above 0.5', () => {
    const out = jointForwardArrays(trained.weights, heldOut.inputs, heldOut.mask, 300);
    const c = computeHarrellC(heldOut.time, heldOut.event, out.risk).concordance;
    const oracle = computeHarrellC(heldOut.time, heldOut.event, heldOut.linearPredictor).concordance;
    console.log(`synthetic held-out C ${c.toFixed(4)} (oracle ${oracle.toFixed(4)}), epochs ${trained.epochsRun}, best ${trained.bestEpoch}, ${trained.seconds.toFixed(1)} s`);
    expect(c).toBeGreaterThan(0.65);
    expect(c).toBeLessThanOrEqual(oracle + 0.02);
    expect(trained.bestEpoch).toBeGreaterThan(1);
    expect(trained.history.length).toBeGreaterThanOrEqual(trained.bestEpoch);
  });

  it('is reproducible: two trainings with the same seed give identical weights; another seed does not', async () => {
    const small = subsetJointDataset(train, Array.from({ length: 200 }, (_, i) => i));
    const options = { seed: 11, maxEpochs: 12, patience: 100 };
    const a = await trainJointModel(small, options);
    const b = await trainJointModel(small, options);
    const c = await trainJointModel(small, { ...options, seed: 12 });
    const arrays = (r: typeof a) => namedWeightArrays(r.weights).map(([name, v]) => [name, Array.from(v)]);
    expect(arrays(b)).toEqual(arrays(a));
    expect(b.history).toEqual(a.history);
    expect(arrays(c)).not.toEqual(arrays(a));
  }, 30_000);

  it('masked fusion: a missing modality gives a finite risk equal to the model over the other modalities only', () => {
    const w = trained.weights;
    const x = [[0.5, -1, 0.2, 1.1], [1.2, 0, -0.3], [9, 9, 9, 9, 9]];
    const rows = [
      [1, 1, 1],
      [1, 1, 0],
      [0, 1, 0],
    ];
    // The masked modality's values are garbage on purpose (9s, then 1e6): they must not matter.
    const inputs = SYNTHETIC_JOINT_MODALITIES.map((m, k) => Float32Array.from(rows.flatMap((mask, r) => (mask[k] ? x[k]! : Array(m.vectorSize).fill(r === 2 ? 1e6 : 9)))));
    const out = jointForwardArrays(w, inputs, Float32Array.from(rows.flat()), 3);
    rows.forEach((mask, r) => {
      expect(Number.isFinite(out.risk[r]!)).toBe(true);
      const expected = referenceRisk(w, x.map((v, k) => (mask[k] ? v : undefined)));
      expect(Math.abs(out.risk[r]! - expected)).toBeLessThan(1e-5);
      mask.forEach((present, k) => {
        if (!present) expect(out.attention[r * 3 + k]).toBe(0);
      });
    });
    expect(out.risk[1]).not.toBeCloseTo(out.risk[0]!, 6);
  });

  it("refuses a row or a patient with no modality at all: 'not enough data to predict'", () => {
    const inputs = SYNTHETIC_JOINT_MODALITIES.map((m) => new Float32Array(m.vectorSize));
    expect(() => jointForwardArrays(trained.weights, inputs, new Float32Array(3), 1)).toThrow('row 0: no modality present (not enough data to predict)');
    expect(() => buildJointDataset(SYNTHETIC_JOINT_MODALITIES, [{ patientKey: 'Patient/empty', encodings: {}, outcome: { time: 3, event: true } }])).toThrow(
      'not enough data to predict: Patient/empty has none of the modalities alpha, beta, gamma',
    );
  });

  it('withModalityMasked: the same rows with one modality absent for everyone (input zeroed, mask 0), the others untouched', () => {
    const data = syntheticJointDataset(20, 9);
    const masked = withModalityMasked(data, 1);
    const M = SYNTHETIC_JOINT_MODALITIES.length;
    for (let i = 0; i < 20; i++) {
      for (let m = 0; m < M; m++) expect(masked.mask[i * M + m]).toBe(m === 1 ? 0 : data.mask[i * M + m]);
    }
    expect(masked.inputs[1]!.every((x) => x === 0)).toBe(true);
    expect(masked.inputs[0]).toBe(data.inputs[0]);
    expect(data.inputs[1]!.some((x) => x !== 0)).toBe(true); // the original is not changed
    expect(() => withModalityMasked(data, M)).toThrow(`withModalityMasked: modality ${M} is not one of the dataset's ${M}`);
  });

  // The exported graph runs in the real onnxruntime-node.
  it('matches the trained tfjs model within 1e-5 on held-out inputs (with missing modalities), and writes the same bytes twice', async () => {
    const parityInputs = syntheticJointDataset(200, 4);
    const bytes = exportJointModelOnnx(trained.weights, { purpose: 'test' });
    expect(exportJointModelOnnx(trained.weights, { purpose: 'test' })).toEqual(bytes);
    expect(Array.from(readOnnxInitializers(bytes).get('beta')!.values as Float32Array)).toEqual(Array.from(trained.weights.beta));
    const runner = await OnnxJointRunner.load(bytes, SYNTHETIC_JOINT_MODALITIES, { source: 'joint.onnx' });
    try {
      expect(runner.provider).toBe('cpu');
      const served = await runner.run(parityInputs.inputs, parityInputs.mask, 200);
      const reference = jointForwardArrays(trained.weights, parityInputs.inputs, parityInputs.mask, 200);
      const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
      expect(parityInputs.mask.some((v) => v === 0)).toBe(true);
      expect(maxDiff(served.risk, reference.risk)).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(served.embedding, reference.embedding)).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(served.attention, reference.attention)).toBeLessThanOrEqual(1e-5);
      await expect(runner.run(SYNTHETIC_JOINT_MODALITIES.map((m) => new Float32Array(m.vectorSize)), new Float32Array(3), 1)).rejects.toThrow(
        'joint.onnx: row 0: no modality present (not enough data to predict)',
      );
    } finally {
      await runner.close();
    }
  }, 30_000);

  it('CUDA is opt-in: asked for where it cannot load, it falls back to CPU, says why and records it', async () => {
    const messages: string[] = [];
    const runner = await OnnxJointRunner.load(exportJointModelOnnx(trained.weights), SYNTHETIC_JOINT_MODALITIES, { executionProviders: ['cuda'], onFallback: (m) => messages.push(m), source: 'joint.onnx' });
    try {
      if (runner.provider === 'cuda') {
        expect(messages).toEqual([]); // a machine with a working CUDA provider
      } else {
        expect(runner.provider).toBe('cpu');
        expect(runner.fallbackFrom).toBe('cuda');
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatch(/^joint\.onnx: execution provider cuda unavailable, using cpu \(cuda: /);
      }
    } finally {
      await runner.close();
    }
  }, 30_000);

  it('refuses bytes that are not a model and a graph without the inputs the modalities need', async () => {
    await expect(OnnxJointRunner.load(new TextEncoder().encode('this is not an ONNX model'), SYNTHETIC_JOINT_MODALITIES, { source: 'fake.onnx' })).rejects.toThrow(/^fake\.onnx: not a loadable ONNX model \(onnxruntime: cpu: /);
    const other = [{ id: 'delta', moduleVersion: '1.0.0', vectorSize: 4 }, ...SYNTHETIC_JOINT_MODALITIES.slice(1)];
    await expect(OnnxJointRunner.load(exportJointModelOnnx(trained.weights), other, { source: 'joint.onnx' })).rejects.toThrow(
      'joint.onnx: the graph has no input "x_delta" (it has "x_alpha", "x_beta", "x_gamma", "mask")',
    );
  }, 30_000);
});

describe('linear (Cox) skip path beside the network (opt-in: linearSkip)', () => {
  const train = syntheticJointDataset(300, 1);
  let skip: Awaited<ReturnType<typeof trainJointModel>>;
  beforeAll(async () => {
    skip = await trainJointModel(train, { seed: 7, maxEpochs: 30, patience: 10, learningRate: 0.02, linearSkip: true });
  }, 60_000);

  it('is off by default: no linear weights, no linear initializer in the graph', async () => {
    const plain = await trainJointModel(subsetJointDataset(train, Array.from({ length: 100 }, (_, i) => i)), { seed: 7, maxEpochs: 2 });
    expect(plain.weights.shape.linearSkip).toBeUndefined();
    expect(plain.weights.modalities.every((m) => m.linear === undefined)).toBe(true);
    expect([...readOnnxInitializers(exportJointModelOnnx(plain.weights)).keys()].some((k) => k.includes('linear'))).toBe(false);
  }, 30_000);

  it('trains linear weights per modality and adds x̃·linear of the PRESENT modalities only (masked ones add nothing)', () => {
    const w = skip.weights;
    expect(w.shape.linearSkip).toBe(true);
    w.modalities.forEach((m, i) => {
      expect(m.linear).toHaveLength(SYNTHETIC_JOINT_MODALITIES[i]!.vectorSize);
      expect(m.linear!.some((v) => v !== 0)).toBe(true);
    });
    expect(namedWeightArrays(w).map(([name]) => name)).toContain('m0.linear');
    const x = [[0.5, -1, 0.2, 1.1], [1.2, 0, -0.3], [9, 9, 9, 9, 9]];
    const rows = [[1, 1, 1], [1, 1, 0], [0, 1, 0]];
    const inputs = SYNTHETIC_JOINT_MODALITIES.map((m, k) => Float32Array.from(rows.flatMap((mask, r) => (mask[k] ? x[k]! : Array(m.vectorSize).fill(r === 2 ? 1e6 : 9)))));
    const out = jointForwardArrays(w, inputs, Float32Array.from(rows.flat()), 3);
    rows.forEach((mask, r) => expect(Math.abs(out.risk[r]! - referenceRisk(w, x.map((v, k) => (mask[k] ? v : undefined))))).toBeLessThan(1e-5));
  });

  it('exports to ONNX with parity ≤ 1e-5 against tfjs (with missing modalities) and the same I/O', async () => {
    const parityInputs = syntheticJointDataset(200, 4);
    const bytes = exportJointModelOnnx(skip.weights);
    expect(Array.from(readOnnxInitializers(bytes).get('m1_linear')!.values as Float32Array)).toEqual(Array.from(skip.weights.modalities[1]!.linear!));
    const runner = await OnnxJointRunner.load(bytes, SYNTHETIC_JOINT_MODALITIES, { source: 'skip.onnx' });
    try {
      const served = await runner.run(parityInputs.inputs, parityInputs.mask, 200);
      const reference = jointForwardArrays(skip.weights, parityInputs.inputs, parityInputs.mask, 200);
      expect(parityInputs.mask.some((v) => v === 0)).toBe(true);
      const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
      expect(maxDiff(served.risk, reference.risk)).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(served.embedding, reference.embedding)).toBeLessThanOrEqual(1e-5);
    } finally {
      await runner.close();
    }
  }, 30_000);
});

describe('Cox partial likelihood (Breslow ties) and Breslow baseline', () => {
  beforeAll(() => useTfCpuBackend());

  it('equals the direct sum, ties sharing their risk set', () => {
    // Sorted by time descending; rows 1 and 2 tie at t = 5 (both events), row 3 event at 2.
    const time = [9, 5, 5, 2];
    const event = [0, 1, 1, 1];
    const risk = [0.3, -0.2, 0.5, 1.0];
    const e = risk.map(Math.exp);
    const expected = -((risk[1]! - Math.log(e[0]! + e[1]! + e[2]!)) + (risk[2]! - Math.log(e[0]! + e[1]! + e[2]!)) + (risk[3]! - Math.log(e[0]! + e[1]! + e[2]! + e[3]!))) / 3;
    const loss = tf.tidy(() => coxNegLogPartialLikelihood(tf.tensor1d(risk), coxRiskSets(time, event)).dataSync()[0]!);
    expect(loss).toBeCloseTo(expected, 5);
    expect(() => coxNegLogPartialLikelihood(tf.tensor1d([0, 0]), coxRiskSets([2, 1], [0, 0]))).toThrow('Cox partial likelihood: no events in this set (every row is censored)');
  });

  it('Breslow: H0 steps at event times by d / Σ exp(risk) over the risk set', () => {
    const b = breslowBaseline([0, Math.log(2), 0, 0], [1, 2, 2, 4], [1, 1, 0, 1]);
    expect(b.times).toEqual([1, 2, 4]);
    expect(b.cumulativeHazard[0]).toBeCloseTo(1 / 5, 12); // all four at risk: 1 + 2 + 1 + 1
    expect(b.cumulativeHazard[1]).toBeCloseTo(1 / 5 + 1 / 4, 12); // rows 2, 3, 4: 2 + 1 + 1
    expect(b.cumulativeHazard[2]).toBeCloseTo(1 / 5 + 1 / 4 + 1, 12);
    expect(survivalAt(b, 0, 0.5)).toBe(1);
    expect(survivalAt(b, Math.log(2), 3)).toBeCloseTo(Math.exp(-(0.45 * 2)), 12);
  });
});

describe('similar patients: brute-force cosine index', () => {
  it('returns the k nearest by cosine distance, ties by row first', () => {
    const rows = [[1, 0], [0, 1], [1, 1], [-1, 0], [2, 0], [0, 0]];
    const index = new BruteForceCosineIndex(Float32Array.from(rows.flat()), 2);
    const hits = index.query(Float32Array.from([1, 0.1]), 3);
    expect(hits.map((h) => h.index)).toEqual([0, 4, 2]);
    expect(hits[0]!.distance).toBeCloseTo(1 - 1 / Math.hypot(1, 0.1), 6);
    expect(index.query(Float32Array.from([1, 0]), 10).map((h) => h.index)).toEqual([0, 4, 2, 1, 5, 3]);
    expect(index.query(Float32Array.from([1, 0]), 0)).toEqual([]);
    expect(() => index.query(Float32Array.from([1, 0, 0]), 1)).toThrow('similar-patient query: expected 2 values, found 3');
  });
});
