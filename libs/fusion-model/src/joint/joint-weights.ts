// The joint model's parameters as plain arrays (what training produces, the ONNX export writes and the tests
// compare), its shape, and the seeded initialisation.
import { gaussian, randomStream } from './seeded-random';

export interface JointModalitySpec {
  /** The modality module's id (e.g. "clinical"). */
  id: string;
  /** The module version whose vectors the model was trained on. */
  moduleVersion: string;
  vectorSize: number;
}

export interface JointModelShape {
  modalities: JointModalitySpec[];
  /** Width d of the shared embedding every projection head maps to. */
  width: number;
  /** Hidden width of the gated-attention scorer. */
  attentionWidth: number;
  /** Linear (Cox) skip path beside the network: risk += Σ_m mask_m · (x̃_m · linear_m). Absent = no skip path. */
  linearSkip?: boolean;
}

export interface ModalityWeights {
  /** Standardisation from the training rows that have the modality: x̃ = (x − mean) · invStd. */
  mean: Float32Array;
  invStd: Float32Array;
  /** Projection head: h = tanh(x̃ W + b), W [vectorSize, width] row-major. */
  W: Float32Array;
  b: Float32Array;
  /** Linear skip path on the standardised inputs [vectorSize]; present only when shape.linearSkip. */
  linear?: Float32Array;
}

export interface JointModelWeights {
  shape: JointModelShape;
  modalities: ModalityWeights[];
  /** Gated attention (Ilse et al. 2018): s_m = w · (tanh(h_m V + bV) ⊙ σ(h_m U + bU)) + gateBias[m]. */
  gate: { V: Float32Array; bV: Float32Array; U: Float32Array; bU: Float32Array; w: Float32Array; bias: Float32Array };
  /** Cox head: risk = z · beta (no intercept: the partial likelihood does not identify one). */
  beta: Float32Array;
}

/** Glorot-normal matrix [rows, cols] from the stream. */
function glorot(rows: number, cols: number, random: () => number): Float32Array {
  const sd = Math.sqrt(2 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => gaussian(random) * sd);
}

/**
 * Seeded initial weights; the standardisation is filled in from the training data by the trainer. The linear skip
 * weights start at 0 (no draw from the stream, so the network's initial weights do not depend on the option).
 */
export function initialJointWeights(shape: JointModelShape, seed: number): JointModelWeights {
  const random = randomStream(seed, 'init');
  const { width: d, attentionWidth: a } = shape;
  return {
    shape,
    modalities: shape.modalities.map((m) => ({
      mean: new Float32Array(m.vectorSize),
      invStd: new Float32Array(m.vectorSize).fill(1),
      W: glorot(m.vectorSize, d, random),
      b: new Float32Array(d),
      ...(shape.linearSkip ? { linear: new Float32Array(m.vectorSize) } : {}),
    })),
    gate: { V: glorot(d, a, random), bV: new Float32Array(a), U: glorot(d, a, random), bU: new Float32Array(a), w: glorot(a, 1, random), bias: new Float32Array(shape.modalities.length) },
    beta: glorot(d, 1, random),
  };
}

/** Every weight array in a fixed order with its name (for copying, comparing and counting). */
export function namedWeightArrays(w: JointModelWeights): [string, Float32Array][] {
  return [
    ...w.modalities.flatMap((m, i): [string, Float32Array][] => [
      [`m${i}.mean`, m.mean],
      [`m${i}.invStd`, m.invStd],
      [`m${i}.W`, m.W],
      [`m${i}.b`, m.b],
      ...(m.linear ? [[`m${i}.linear`, m.linear] as [string, Float32Array]] : []),
    ]),
    ['gate.V', w.gate.V],
    ['gate.bV', w.gate.bV],
    ['gate.U', w.gate.U],
    ['gate.bU', w.gate.bU],
    ['gate.w', w.gate.w],
    ['gate.bias', w.gate.bias],
    ['beta', w.beta],
  ];
}

export function cloneJointWeights(w: JointModelWeights): JointModelWeights {
  return {
    shape: structuredClone(w.shape),
    modalities: w.modalities.map((m) => ({ mean: m.mean.slice(), invStd: m.invStd.slice(), W: m.W.slice(), b: m.b.slice(), ...(m.linear ? { linear: m.linear.slice() } : {}) })),
    gate: { V: w.gate.V.slice(), bV: w.gate.bV.slice(), U: w.gate.U.slice(), bU: w.gate.bU.slice(), w: w.gate.w.slice(), bias: w.gate.bias.slice() },
    beta: w.beta.slice(),
  };
}
