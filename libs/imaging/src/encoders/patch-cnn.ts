// The project's convolutional 3D patch encoder (models/patch-cnn-3d): its architecture, seeded initial weights,
// the masked-patch corruption used to train it self-supervised, and its export to ONNX through
// @oncoboard/onnx-graph. Plain JavaScript, no tfjs: training (patch-cnn-tf.ts) and serving (OnnxEncoder) both
// start from here. Weights are kept in TensorFlow's layouts (kernels [kd, kh, kw, in, out], channels last), the
// ones training produces; the export transposes them to ONNX's (NCDHW).
import { OnnxGraphBuilder, readOnnxInitializers } from '@oncoboard/onnx-graph';
import { mulberry32 } from '@oncoboard/facts';
import { gaussian } from './patch-pca';

/** Input patch edge (voxels) and the three 3×3×3 convolutions (ReLU after each), then a linear layer to the embedding. */
export const PATCH_CNN = {
  patch: 16,
  kernel: 3,
  convs: [
    { in: 1, out: 8, stride: 2 }, // 16³ → 8³
    { in: 8, out: 16, stride: 2 }, // 8³ → 4³
    { in: 16, out: 32, stride: 1 }, // 4³ → 4³
  ],
  /** Spatial edge after the convolutions. */
  featureEdge: 4,
  embedding: 64,
} as const;

export const PATCH_CNN_FLAT = PATCH_CNN.featureEdge ** 3 * PATCH_CNN.convs.at(-1)!.out; // 2048
export const PATCH_VOXELS = PATCH_CNN.patch ** 3; // 4096

export interface DenseWeights {
  /** [inputs, outputs] row-major. */
  kernel: Float32Array;
  bias: Float32Array;
}

export interface PatchCnnWeights {
  /** Per convolution: kernel [3, 3, 3, in, out] (TensorFlow layout), bias [out]. */
  convs: DenseWeights[];
  /** Flattened features (channels-last order d, h, w, c) → embedding: [2048, 64]. */
  embed: DenseWeights;
  /** Training-only linear decoder, embedding → patch voxels: [64, 4096]. */
  decoder: DenseWeights;
}

/**
 * Seeded initial weights: He-normal kernels for the ReLU convolutions, LeCun-normal for the embedding layer,
 * N(0, 0.01²) for the decoder,
 * zero biases. The same seed gives the same weights on every machine (mulberry32 + Box-Muller in float64).
 */
export function initialPatchCnnWeights(seed: number): PatchCnnWeights {
  const normal = gaussian(mulberry32(seed));
  const filled = (n: number, std: number) => Float32Array.from({ length: n }, () => normal() * std);
  const k3 = PATCH_CNN.kernel ** 3;
  return {
    convs: PATCH_CNN.convs.map((c) => ({ kernel: filled(k3 * c.in * c.out, Math.sqrt(2 / (k3 * c.in))), bias: new Float32Array(c.out) })),
    embed: { kernel: filled(PATCH_CNN_FLAT * PATCH_CNN.embedding, Math.sqrt(1 / PATCH_CNN_FLAT)), bias: new Float32Array(PATCH_CNN.embedding) },
    // Small decoder weights: the first steps then start near the zero patch (the foreground mean), not from noise.
    decoder: { kernel: filled(PATCH_CNN.embedding * PATCH_VOXELS, 0.01), bias: new Float32Array(PATCH_VOXELS) },
  };
}

/**
 * Masked-patch corruption: the patch is cut into 4³-voxel blocks and each block is blanked (set to 0, the
 * foreground mean after z-scoring) with probability `ratio`, drawn from `random`. Returns a new array.
 */
export function maskPatchBlocks(patch: Float32Array, ratio: number, random: () => number, block = 4, size = PATCH_CNN.patch): Float32Array {
  const out = Float32Array.from(patch);
  const blocks = size / block;
  for (let bk = 0; bk < blocks; bk++)
    for (let bj = 0; bj < blocks; bj++)
      for (let bi = 0; bi < blocks; bi++) {
        if (random() >= ratio) continue;
        for (let k = bk * block; k < (bk + 1) * block; k++)
          for (let j = bj * block; j < (bj + 1) * block; j++) out.fill(0, bi * block + size * (j + size * k), (bi + 1) * block + size * (j + size * k));
      }
  return out;
}

/** ONNX pads (begins, then ends) that reproduce TensorFlow's 'same' padding for one spatial size. */
export function samePads(size: number, kernel: number, stride: number, dims = 3): number[] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const begin = Math.floor(total / 2);
  return [...Array(dims).fill(begin), ...Array(dims).fill(total - begin)];
}

/** [kd, kh, kw, in, out] → [out, in, kd, kh, kw]. */
function kernelToOnnx(kernel: Float32Array, cin: number, cout: number, k: number): Float32Array {
  const out = new Float32Array(kernel.length);
  const k3 = k ** 3;
  for (let s = 0; s < k3; s++)
    for (let i = 0; i < cin; i++)
      for (let o = 0; o < cout; o++) out[(o * cin + i) * k3 + s] = kernel[(s * cin + i) * cout + o]!;
  return out;
}

/** Rows of the embedding matrix from channels-last (d, h, w, c) order to ONNX Flatten's channel-major (c, d, h, w). */
function embedRowsToOnnx(kernel: Float32Array, edge: number, channels: number, outputs: number): Float32Array {
  const out = new Float32Array(kernel.length);
  const spatial = edge ** 3;
  for (let s = 0; s < spatial; s++)
    for (let c = 0; c < channels; c++) out.set(kernel.subarray((s * channels + c) * outputs, (s * channels + c + 1) * outputs), (c * spatial + s) * outputs);
  return out;
}

export interface PatchCnnExportOptions {
  docString?: string;
  metadata?: Record<string, string>;
}

/**
 * The encoder as an ONNX graph (opset 13): volume [batch, 1, 16, 16, 16] → 3 × (Conv 3³ + Relu) → Flatten →
 * Gemm → embedding [batch, 64]. Deterministic bytes for the same weights.
 */
export function patchCnnOnnx(weights: PatchCnnWeights, options: PatchCnnExportOptions = {}): Uint8Array {
  const g = new OnnxGraphBuilder('patch_cnn');
  let x = g.input('volume', 'float32', ['batch', 1, PATCH_CNN.patch, PATCH_CNN.patch, PATCH_CNN.patch]);
  let size: number = PATCH_CNN.patch;
  const k = PATCH_CNN.kernel;
  PATCH_CNN.convs.forEach((c, n) => {
    g.initializer(`conv${n + 1}_weight`, 'float32', [c.out, c.in, k, k, k], kernelToOnnx(weights.convs[n]!.kernel, c.in, c.out, k));
    g.initializer(`conv${n + 1}_bias`, 'float32', [c.out], weights.convs[n]!.bias);
    const conv = g.conv(x, `conv${n + 1}_weight`, `conv${n + 1}_bias`, { kernelShape: [k, k, k], strides: [c.stride, c.stride, c.stride], pads: samePads(size, k, c.stride) });
    x = g.op('Relu', [conv]);
    size = Math.ceil(size / c.stride);
  });
  const channels = PATCH_CNN.convs.at(-1)!.out;
  g.initializer('embed_weight', 'float32', [PATCH_CNN_FLAT, PATCH_CNN.embedding], embedRowsToOnnx(weights.embed.kernel, size, channels, PATCH_CNN.embedding));
  g.initializer('embed_bias', 'float32', [PATCH_CNN.embedding], weights.embed.bias);
  g.node('Gemm', [g.flatten(x), 'embed_weight', 'embed_bias'], ['embedding'], {}, { name: 'embed' });
  g.output('embedding', 'float32', ['batch', PATCH_CNN.embedding]);
  return g.toBytes({ irVersion: 8, opset: 13, producerName: 'oncoboard-imaging', docString: options.docString ?? '', metadata: options.metadata });
}

/** The training decoder as its own ONNX graph: embedding [batch, 64] → Gemm → patch [batch, 1, 16, 16, 16]. */
export function patchCnnDecoderOnnx(weights: PatchCnnWeights, options: PatchCnnExportOptions = {}): Uint8Array {
  const g = new OnnxGraphBuilder('patch_cnn_decoder');
  g.input('embedding', 'float32', ['batch', PATCH_CNN.embedding]);
  g.initializer('decoder_weight', 'float32', [PATCH_CNN.embedding, PATCH_VOXELS], weights.decoder.kernel);
  g.initializer('decoder_bias', 'float32', [PATCH_VOXELS], weights.decoder.bias);
  g.initializer('patch_shape', 'int64', [5], [-1, 1, PATCH_CNN.patch, PATCH_CNN.patch, PATCH_CNN.patch]);
  const flat = g.op('Gemm', ['embedding', 'decoder_weight', 'decoder_bias']);
  g.node('Reshape', [flat, 'patch_shape'], ['patch'], {}, { name: 'to_patch' });
  g.output('patch', 'float32', ['batch', 1, PATCH_CNN.patch, PATCH_CNN.patch, PATCH_CNN.patch]);
  return g.toBytes({ irVersion: 8, opset: 13, producerName: 'oncoboard-imaging', docString: options.docString ?? '', metadata: options.metadata });
}

/**
 * The weights (TensorFlow layouts again) of an encoder written by `patchCnnOnnx` and, optionally, its decoder
 * written by `patchCnnDecoderOnnx` (without it the decoder is zero). The inverse of the export.
 */
export function readPatchCnnOnnx(model: Uint8Array, decoder?: Uint8Array): PatchCnnWeights {
  const read = (bytes: Uint8Array, what: string) => {
    const weights = readOnnxInitializers(bytes);
    return (name: string, length: number): Float32Array => {
      const t = weights.get(name);
      if (!t || !(t.values instanceof Float32Array) || t.values.length !== length) throw new Error(`readPatchCnnOnnx: ${what} has no float32 initializer "${name}" of ${length} values`);
      return t.values;
    };
  };
  const get = read(model, 'the encoder graph');
  const k = PATCH_CNN.kernel;
  let size: number = PATCH_CNN.patch;
  const convs = PATCH_CNN.convs.map((c, n) => {
    const onnxKernel = get(`conv${n + 1}_weight`, c.out * c.in * k ** 3);
    const kernel = new Float32Array(onnxKernel.length);
    for (let s = 0; s < k ** 3; s++)
      for (let i = 0; i < c.in; i++)
        for (let o = 0; o < c.out; o++) kernel[(s * c.in + i) * c.out + o] = onnxKernel[(o * c.in + i) * k ** 3 + s]!;
    size = Math.ceil(size / c.stride);
    return { kernel, bias: Float32Array.from(get(`conv${n + 1}_bias`, c.out)) };
  });
  const channels = PATCH_CNN.convs.at(-1)!.out;
  const onnxEmbed = get('embed_weight', PATCH_CNN_FLAT * PATCH_CNN.embedding);
  const embed = new Float32Array(onnxEmbed.length);
  const spatial = size ** 3;
  for (let s = 0; s < spatial; s++)
    for (let c = 0; c < channels; c++) embed.set(onnxEmbed.subarray((c * spatial + s) * PATCH_CNN.embedding, (c * spatial + s + 1) * PATCH_CNN.embedding), (s * channels + c) * PATCH_CNN.embedding);
  const getDecoder = decoder ? read(decoder, 'the decoder graph') : undefined;
  return {
    convs,
    embed: { kernel: embed, bias: Float32Array.from(get('embed_bias', PATCH_CNN.embedding)) },
    decoder: getDecoder
      ? { kernel: Float32Array.from(getDecoder('decoder_weight', PATCH_CNN.embedding * PATCH_VOXELS)), bias: Float32Array.from(getDecoder('decoder_bias', PATCH_VOXELS)) }
      : { kernel: new Float32Array(PATCH_CNN.embedding * PATCH_VOXELS), bias: new Float32Array(PATCH_VOXELS) },
  };
}

/** x̂ = embedding · W + b through the training decoder: the patch (16³, i fastest) the embedding stands for. */
export function decodePatch(weights: Pick<PatchCnnWeights, 'decoder'>, embedding: ArrayLike<number>): Float32Array {
  const x = Float64Array.from(weights.decoder.bias);
  for (let e = 0; e < PATCH_CNN.embedding; e++) {
    const v = embedding[e]!;
    const row = e * PATCH_VOXELS;
    for (let a = 0; a < PATCH_VOXELS; a++) x[a]! += v * weights.decoder.kernel[row + a]!;
  }
  return Float32Array.from(x);
}
