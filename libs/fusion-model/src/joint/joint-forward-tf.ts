// The joint model's forward pass in tfjs-core (CPU backend): per-modality projection heads, masked gated-attention
// fusion, linear Cox head, and the optional linear skip path. The ONNX export (export-joint-onnx.ts) writes the
// same operations in the same order.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { JointModelWeights } from './joint-weights';
import { registerTfGradients } from './tfjs-gradients';

/**
 * Selects the pure-JS CPU backend (deterministic, offline), registers tfjs's gradient functions (needed for
 * training; see tfjs-gradients.ts) and silences the backend's "install tfjs-node" banner.
 */
export async function useTfCpuBackend(): Promise<void> {
  await registerTfGradients();
  tf.env().set('PROD', true);
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
}

/** The weights as tensors; `trainable` ones are tf.Variables. */
export interface JointTensors {
  modalities: { mean: tf.Tensor1D; invStd: tf.Tensor1D; W: tf.Variable | tf.Tensor2D; b: tf.Variable | tf.Tensor1D; linear?: tf.Variable | tf.Tensor2D }[];
  gate: { V: tf.Tensor2D; bV: tf.Tensor1D; U: tf.Tensor2D; bU: tf.Tensor1D; w: tf.Tensor2D; bias: tf.Tensor1D };
  beta: tf.Tensor2D;
}

export function jointTensors(w: JointModelWeights, trainable: boolean): { tensors: JointTensors; variables: tf.Variable[] } {
  const variables: tf.Variable[] = [];
  const d = w.shape.width;
  const a = w.shape.attentionWidth;
  const v = <T extends tf.Tensor>(t: T): T => {
    if (!trainable) return t;
    const variable = tf.variable(t);
    t.dispose();
    variables.push(variable);
    return variable as unknown as T;
  };
  const tensors: JointTensors = {
    modalities: w.modalities.map((m, i) => ({
      mean: tf.tensor1d(m.mean),
      invStd: tf.tensor1d(m.invStd),
      W: v(tf.tensor2d(m.W, [w.shape.modalities[i]!.vectorSize, d])),
      b: v(tf.tensor1d(m.b)),
      ...(m.linear ? { linear: v(tf.tensor2d(m.linear, [m.linear.length, 1])) } : {}),
    })),
    gate: {
      V: v(tf.tensor2d(w.gate.V, [d, a])),
      bV: v(tf.tensor1d(w.gate.bV)),
      U: v(tf.tensor2d(w.gate.U, [d, a])),
      bU: v(tf.tensor1d(w.gate.bU)),
      w: v(tf.tensor2d(w.gate.w, [a, 1])),
      bias: v(tf.tensor1d(w.gate.bias)),
    },
    beta: v(tf.tensor2d(w.beta, [d, 1])),
  };
  return { tensors, variables };
}

export function disposeJointTensors(t: JointTensors): void {
  tf.dispose([...t.modalities.flatMap((m) => [m.mean, m.invStd, m.W, m.b, ...(m.linear ? [m.linear] : [])]), ...Object.values(t.gate), t.beta]);
}

/** Reads the current tensors back into plain weights (same shape as `like`). */
export function readJointWeights(t: JointTensors, like: JointModelWeights): JointModelWeights {
  const f = (x: tf.Tensor) => Float32Array.from(x.dataSync() as Float32Array);
  return {
    shape: like.shape,
    modalities: t.modalities.map((m) => ({ mean: f(m.mean), invStd: f(m.invStd), W: f(m.W), b: f(m.b), ...(m.linear ? { linear: f(m.linear) } : {}) })),
    gate: { V: f(t.gate.V), bV: f(t.gate.bV), U: f(t.gate.U), bU: f(t.gate.bU), w: f(t.gate.w), bias: f(t.gate.bias) },
    beta: f(t.beta),
  };
}

export interface JointForwardOutput {
  /** [B] log relative hazard (network term + linear skip term when the model has one). */
  risk: tf.Tensor1D;
  /** [B, d] fused embedding z = Σ_m a_m h_m. */
  embedding: tf.Tensor2D;
  /** [B, M] attention weights (0 for missing modalities, rows sum to 1). */
  attention: tf.Tensor2D;
}

/**
 * x: one [B, vectorSize] tensor per modality; mask [B, M] (1 present, 0 missing). Every row must have at least
 * one modality (callers check: an all-missing row would be NaN, never a default).
 */
export function jointForward(t: JointTensors, x: tf.Tensor2D[], mask: tf.Tensor2D): JointForwardOutput {
  const standardised = t.modalities.map((m, i) => tf.mul(tf.sub(x[i]!, m.mean), m.invStd) as tf.Tensor2D);
  const h = t.modalities.map((m, i) => tf.tanh(tf.add(tf.matMul(standardised[i]!, m.W), m.b)) as tf.Tensor2D);
  const scores = h.map((hm, i) => {
    const gated = tf.mul(tf.tanh(tf.add(tf.matMul(hm, t.gate.V), t.gate.bV)), tf.sigmoid(tf.add(tf.matMul(hm, t.gate.U), t.gate.bU))) as tf.Tensor2D;
    return tf.add(tf.matMul(gated, t.gate.w), tf.slice(t.gate.bias, [i], [1])) as tf.Tensor2D; // [B,1]
  });
  const s = (scores.length === 1 ? scores[0]! : tf.concat(scores, 1)) as tf.Tensor2D;
  const masked = tf.where(tf.greater(mask, 0.5), s, tf.fill(s.shape, Number.NEGATIVE_INFINITY)) as tf.Tensor2D;
  const attention = tf.softmax(masked, 1) as tf.Tensor2D;
  const parts = h.map((hm, i) => tf.mul(tf.slice(attention, [0, i], [-1, 1]), hm) as tf.Tensor2D);
  const embedding = (parts.length === 1 ? parts[0]! : tf.addN(parts)) as tf.Tensor2D;
  const network = tf.matMul(embedding, t.beta) as tf.Tensor2D; // [B,1]
  const risk = tf.reshape(t.modalities[0]!.linear ? tf.add(network, linearSkipTerm(t, standardised, mask)) : network, [-1]) as tf.Tensor1D;
  return { risk, embedding, attention };
}

/**
 * Σ_m [mask_m > 0.5] · (x̃_m · linear_m) as [B,1]: the linear skip path, zero for a missing modality (its
 * zero-filled input would otherwise add −mean·invStd·linear). Sum over modalities as a MatMul with ones, as in ONNX.
 */
function linearSkipTerm(t: JointTensors, standardised: tf.Tensor2D[], mask: tf.Tensor2D): tf.Tensor2D {
  const terms = t.modalities.map((m, i) => tf.matMul(standardised[i]!, m.linear!) as tf.Tensor2D);
  const l = (terms.length === 1 ? terms[0]! : tf.concat(terms, 1)) as tf.Tensor2D;
  const present = tf.where(tf.greater(mask, 0.5), l, tf.zerosLike(l)) as tf.Tensor2D;
  return tf.matMul(present, tf.ones([t.modalities.length, 1])) as tf.Tensor2D;
}

/** Runs the trained weights on plain arrays (inference in tfjs, e.g. for the parity test and evaluation). */
export function jointForwardArrays(w: JointModelWeights, inputs: Float32Array[], mask: Float32Array, batch: number): { risk: Float32Array; embedding: Float32Array; attention: Float32Array } {
  const M = w.shape.modalities.length;
  for (let i = 0; i < batch; i++) {
    if (!mask.subarray(i * M, (i + 1) * M).some((v) => v > 0.5)) throw new Error(`row ${i}: no modality present (not enough data to predict)`);
  }
  return tf.tidy(() => {
    const { tensors } = jointTensors(w, false);
    const x = w.shape.modalities.map((m, i) => tf.tensor2d(inputs[i]!, [batch, m.vectorSize]));
    const out = jointForward(tensors, x, tf.tensor2d(mask, [batch, M]));
    return {
      risk: Float32Array.from(out.risk.dataSync() as Float32Array),
      embedding: Float32Array.from(out.embedding.dataSync() as Float32Array),
      attention: Float32Array.from(out.attention.dataSync() as Float32Array),
    };
  });
}
