// Training and reference forward pass of the convolutional patch encoder (patch-cnn.ts) with tfjs-core on its
// pure-JavaScript CPU backend: single-threaded and deterministic, so a seeded run gives the same weights on
// every rerun. Used by scripts/train-patch-cnn.ts and the parity tests; serving uses the ONNX export instead.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mulberry32 } from '@oncoboard/facts';
import { registerTfGradients } from '@oncoboard/fusion-model/training';
import { PATCH_CNN, PATCH_VOXELS, maskPatchBlocks, type DenseWeights, type PatchCnnWeights } from './patch-cnn';

let ready: Promise<void> | undefined;

/** Selects tfjs's CPU backend and registers its gradient functions (once per process). */
export function useTfCpuBackend(): Promise<void> {
  ready ??= (async () => {
    await registerTfGradients();
    tf.env().set('PROD', true);
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
    await tf.ready();
  })();
  return ready;
}

interface DenseTensors {
  kernel: tf.Variable;
  bias: tf.Variable;
}

interface PatchCnnTensors {
  convs: DenseTensors[];
  embed: DenseTensors;
  decoder: DenseTensors;
}

function variables(w: PatchCnnWeights): PatchCnnTensors {
  const k = PATCH_CNN.kernel;
  return {
    convs: PATCH_CNN.convs.map((c, n) => ({
      kernel: tf.variable(tf.tensor5d(w.convs[n]!.kernel, [k, k, k, c.in, c.out])),
      bias: tf.variable(tf.tensor1d(w.convs[n]!.bias)),
    })),
    embed: { kernel: tf.variable(tf.tensor2d(w.embed.kernel, [w.embed.kernel.length / PATCH_CNN.embedding, PATCH_CNN.embedding])), bias: tf.variable(tf.tensor1d(w.embed.bias)) },
    decoder: { kernel: tf.variable(tf.tensor2d(w.decoder.kernel, [PATCH_CNN.embedding, PATCH_VOXELS])), bias: tf.variable(tf.tensor1d(w.decoder.bias)) },
  };
}

function readBack(t: PatchCnnTensors): PatchCnnWeights {
  const dense = (d: DenseTensors): DenseWeights => ({ kernel: Float32Array.from(d.kernel.dataSync() as Float32Array), bias: Float32Array.from(d.bias.dataSync() as Float32Array) });
  return { convs: t.convs.map(dense), embed: dense(t.embed), decoder: dense(t.decoder) };
}

function dispose(t: PatchCnnTensors): void {
  for (const d of [...t.convs, t.embed, t.decoder]) {
    d.kernel.dispose();
    d.bias.dispose();
  }
}

/** Encoder forward: patches [B, 16, 16, 16, 1] → embeddings [B, 64]. */
function encode(t: PatchCnnTensors, x: tf.Tensor5D): tf.Tensor2D {
  let h: tf.Tensor5D = x;
  PATCH_CNN.convs.forEach((c, n) => {
    h = tf.relu(tf.add(tf.conv3d(h, t.convs[n]!.kernel as tf.Tensor5D, c.stride, 'same'), t.convs[n]!.bias)) as tf.Tensor5D;
  });
  const flat = tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D;
  return tf.add(tf.matMul(flat, t.embed.kernel as tf.Tensor2D), t.embed.bias);
}

function batchTensor(patches: readonly Float32Array[]): tf.Tensor5D {
  const data = new Float32Array(patches.length * PATCH_VOXELS);
  patches.forEach((p, i) => data.set(p, i * PATCH_VOXELS));
  const s = PATCH_CNN.patch;
  return tf.tensor5d(data, [patches.length, s, s, s, 1]);
}

/** Embeddings of 16³ patches (i fastest) through the tfjs forward pass: the reference the ONNX export must match. */
export async function embedPatchesTf(weights: PatchCnnWeights, patches: readonly Float32Array[], batchSize = 64): Promise<Float32Array[]> {
  await useTfCpuBackend();
  const t = variables(weights);
  try {
    const out: Float32Array[] = [];
    for (let start = 0; start < patches.length; start += batchSize) {
      const chunk = patches.slice(start, start + batchSize);
      const embedded = tf.tidy(() => encode(t, batchTensor(chunk)));
      const values = embedded.dataSync() as Float32Array;
      embedded.dispose();
      for (let b = 0; b < chunk.length; b++) out.push(values.slice(b * PATCH_CNN.embedding, (b + 1) * PATCH_CNN.embedding));
    }
    return out;
  } finally {
    dispose(t);
  }
}

export interface PatchCnnTrainingOptions {
  /** Seed of the mulberry32 stream that draws each batch's patches and masks. */
  seed: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Probability that each 4³ block of an input patch is blanked. */
  maskRatio: number;
  onStep?: (step: number, loss: number) => void;
}

/**
 * Self-supervised training by masked-patch reconstruction: each step draws `batchSize` patches, blanks random 4³
 * blocks of each, and minimises the mean squared error between the linear decoder's output and the whole
 * original patch (Adam). Returns the trained weights and the loss of every step.
 */
export async function trainPatchCnn(patches: readonly Float32Array[], initial: PatchCnnWeights, options: PatchCnnTrainingOptions): Promise<{ weights: PatchCnnWeights; losses: number[] }> {
  if (patches.length === 0) throw new Error('trainPatchCnn: no training patches');
  await useTfCpuBackend();
  const random = mulberry32(options.seed);
  const t = variables(initial);
  const optimizer = tf.train.adam(options.learningRate);
  const losses: number[] = [];
  try {
    for (let step = 1; step <= options.steps; step++) {
      const picked = Array.from({ length: options.batchSize }, () => patches[Math.floor(random() * patches.length)]!);
      const masked = picked.map((p) => maskPatchBlocks(p, options.maskRatio, random));
      const loss = tf.tidy(() => {
        const input = batchTensor(masked);
        const target = tf.reshape(batchTensor(picked), [picked.length, PATCH_VOXELS]);
        return optimizer.minimize(() => {
          const reconstruction = tf.add(tf.matMul(encode(t, input), t.decoder.kernel as tf.Tensor2D), t.decoder.bias);
          return tf.mean(tf.squaredDifference(reconstruction, target)) as tf.Scalar;
        }, true)!;
      });
      const value = (loss.dataSync() as Float32Array)[0]!;
      loss.dispose();
      losses.push(value);
      options.onStep?.(step, value);
    }
    return { weights: readBack(t), losses };
  } finally {
    optimizer.dispose();
    dispose(t);
  }
}
