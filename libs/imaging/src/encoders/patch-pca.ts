// PCA of image patches = the optimal linear autoencoder (minimum mean squared reconstruction error among all
// rank-k linear encoders/decoders). Computed exactly and deterministically in plain JavaScript (Float64):
// covariance, block subspace iteration from a seeded start with Rayleigh-Ritz (cyclic Jacobi on the small
// projected matrix), sign fixing; and exported as a small ONNX graph (Reshape → Sub(mean) → MatMul).
import { OnnxGraphBuilder, readOnnxInitializers } from '@oncoboard/onnx-graph';
import { mulberry32 } from '@oncoboard/facts';

/** Standard normal by Box-Muller from a uniform source. */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Mean patch (Float64) of `patches`, each of length d. */
export function meanOf(patches: readonly Float32Array[], d: number): Float64Array {
  const mean = new Float64Array(d);
  for (const p of patches) for (let a = 0; a < d; a++) mean[a]! += p[a]!;
  for (let a = 0; a < d; a++) mean[a]! /= patches.length;
  return mean;
}

/**
 * Covariance (1/N)·Σ (x − mean)(x − mean)ᵀ, d×d row-major Float64. Blocked over 64 patches at a time
 * (centred and transposed), so each entry is a short dot product; summation order is fixed.
 */
export function covarianceOf(patches: readonly Float32Array[], mean: Float64Array, onProgress?: (done: number) => void): Float64Array {
  const d = mean.length;
  const B = 64;
  const cov = new Float64Array(d * d);
  const xt = new Float64Array(d * B);
  for (let start = 0; start < patches.length; start += B) {
    const b = Math.min(B, patches.length - start);
    xt.fill(0);
    for (let r = 0; r < b; r++) {
      const p = patches[start + r]!;
      for (let a = 0; a < d; a++) xt[a * B + r] = p[a]! - mean[a]!;
    }
    for (let a = 0; a < d; a++) {
      const ra = a * B;
      const row = a * d;
      // Four columns at a time (each entry's summation order over r is unchanged, so results are identical).
      let c = a;
      for (; c + 3 < d; c += 4) {
        const r0 = c * B, r1 = r0 + B, r2 = r1 + B, r3 = r2 + B;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let r = 0; r < b; r++) {
          const x = xt[ra + r]!;
          s0 += x * xt[r0 + r]!;
          s1 += x * xt[r1 + r]!;
          s2 += x * xt[r2 + r]!;
          s3 += x * xt[r3 + r]!;
        }
        cov[row + c]! += s0;
        cov[row + c + 1]! += s1;
        cov[row + c + 2]! += s2;
        cov[row + c + 3]! += s3;
      }
      for (; c < d; c++) {
        const rc = c * B;
        let s = 0;
        for (let r = 0; r < b; r++) s += xt[ra + r]! * xt[rc + r]!;
        cov[row + c]! += s;
      }
    }
    onProgress?.(start + b);
  }
  const n = patches.length;
  for (let a = 0; a < d; a++)
    for (let c = a; c < d; c++) {
      const v = cov[a * d + c]! / n;
      cov[a * d + c] = v;
      cov[c * d + a] = v;
    }
  return cov;
}

/** Eigen-decomposition of a small symmetric p×p matrix by cyclic Jacobi; values descending, vectors as columns. */
export function jacobiEigen(matrix: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  let norm = 0;
  for (let i = 0; i < p * p; i++) norm += a[i]! ** 2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += a[i * p + j]! ** 2;
    if (off <= 1e-30 * norm) break;
    for (let i = 0; i < p; i++)
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j]!;
        if (aij === 0) continue;
        const theta = (a[j * p + j]! - a[i * p + i]!) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = a[k * p + i]!;
          const akj = a[k * p + j]!;
          a[k * p + i] = c * aki - s * akj;
          a[k * p + j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = a[i * p + k]!;
          const ajk = a[j * p + k]!;
          a[i * p + k] = c * aik - s * ajk;
          a[j * p + k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[k * p + i]!;
          const vkj = v[k * p + j]!;
          v[k * p + i] = c * vki - s * vkj;
          v[k * p + j] = s * vki + c * vkj;
        }
      }
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => a[y * p + y]! - a[x * p + x]! || x - y);
  const values = new Float64Array(p);
  const vectors = new Float64Array(p * p);
  order.forEach((src, dst) => {
    values[dst] = a[src * p + src]!;
    for (let k = 0; k < p; k++) vectors[k * p + dst] = v[k * p + src]!;
  });
  return { values, vectors };
}

/** Modified Gram-Schmidt (twice) on the p columns of a d×p row-major matrix, in place. */
export function orthonormalizeColumns(m: Float64Array, d: number, p: number): void {
  for (let pass = 0; pass < 2; pass++)
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let a = 0; a < d; a++) dot += m[a * p + i]! * m[a * p + j]!;
        for (let a = 0; a < d; a++) m[a * p + j]! -= dot * m[a * p + i]!;
      }
      let n = 0;
      for (let a = 0; a < d; a++) n += m[a * p + j]! ** 2;
      n = Math.sqrt(n);
      if (n === 0) throw new Error('orthonormalizeColumns: a column became zero');
      for (let a = 0; a < d; a++) m[a * p + j]! /= n;
    }
}

/** d×d (row-major) times d×p (row-major). */
function multiply(c: Float64Array, v: Float64Array, d: number, p: number): Float64Array {
  const w = new Float64Array(d * p);
  for (let a = 0; a < d; a++) {
    const row = a * d;
    const out = a * p;
    // Four rows of v at a time; each output keeps the same left-to-right summation order over b.
    let b = 0;
    for (; b + 3 < d; b += 4) {
      const x0 = c[row + b]!, x1 = c[row + b + 1]!, x2 = c[row + b + 2]!, x3 = c[row + b + 3]!;
      const v0 = b * p, v1 = v0 + p, v2 = v1 + p, v3 = v2 + p;
      for (let j = 0; j < p; j++) {
        let acc = w[out + j]!;
        acc += x0 * v[v0 + j]!;
        acc += x1 * v[v1 + j]!;
        acc += x2 * v[v2 + j]!;
        acc += x3 * v[v3 + j]!;
        w[out + j] = acc;
      }
    }
    for (; b < d; b++) {
      const x = c[row + b]!;
      const vb = b * p;
      for (let j = 0; j < p; j++) w[out + j]! += x * v[vb + j]!;
    }
  }
  return w;
}

/** (d×p)·(p×p) → d×p. */
function rotate(m: Float64Array, q: Float64Array, d: number, p: number): Float64Array {
  const out = new Float64Array(d * p);
  for (let a = 0; a < d; a++)
    for (let i = 0; i < p; i++) {
      const x = m[a * p + i]!;
      for (let j = 0; j < p; j++) out[a * p + j]! += x * q[i * p + j]!;
    }
  return out;
}

export interface TopEigenOptions {
  /** Seed of the Gaussian start block. */
  seed: number;
  /** Extra columns carried along for faster convergence (default 16). */
  oversample?: number;
  maxIterations?: number;
  /** Stop when max_i ‖C v_i − λ_i v_i‖ ≤ tolerance · λ_1 over the top k (default 1e-9). */
  tolerance?: number;
  onIteration?: (iteration: number, residual: number) => void;
}

export interface TopEigenResult {
  /** d×k row-major, columns orthonormal, sign-fixed (largest-magnitude entry positive). */
  vectors: Float64Array;
  values: Float64Array;
  iterations: number;
  /** max_i ‖C v_i − λ_i v_i‖ / λ_1 at the end. */
  residual: number;
  /** Per component ‖C v_i − λ_i v_i‖ / λ_i. */
  residuals: number[];
  converged: boolean;
}

/**
 * Top-k eigenpairs of a symmetric positive semi-definite d×d matrix: block subspace iteration from a seeded
 * Gaussian start (orthonormalised), with Rayleigh-Ritz each iteration and a residual-based stop.
 */
export function topEigen(cov: Float64Array, d: number, k: number, options: TopEigenOptions): TopEigenResult {
  const p = Math.min(d, k + (options.oversample ?? 16));
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-9;
  const normal = gaussian(mulberry32(options.seed));
  let v: Float64Array = new Float64Array(d * p);
  for (let i = 0; i < d * p; i++) v[i] = normal();
  orthonormalizeColumns(v, d, p);
  let values: Float64Array = new Float64Array(p);
  let residuals: number[] = [];
  let residual = Infinity;
  let iterations = 0;
  for (iterations = 1; iterations <= maxIterations; iterations++) {
    const w = multiply(cov, v, d, p);
    const h = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let j = i; j < p; j++) {
        let s = 0;
        for (let a = 0; a < d; a++) s += v[a * p + i]! * w[a * p + j]!;
        h[i * p + j] = s;
        h[j * p + i] = s;
      }
    const eig = jacobiEigen(h, p);
    values = eig.values;
    const vr = rotate(v, eig.vectors, d, p);
    const wr = rotate(w, eig.vectors, d, p);
    residuals = [];
    for (let i = 0; i < k; i++) {
      let r = 0;
      for (let a = 0; a < d; a++) r += (wr[a * p + i]! - values[i]! * vr[a * p + i]!) ** 2;
      residuals.push(Math.sqrt(r));
    }
    residual = Math.max(...residuals) / values[0]!;
    options.onIteration?.(iterations, residual);
    if (residual <= tolerance) {
      v = vr;
      break;
    }
    v = wr;
    orthonormalizeColumns(v, d, p);
  }
  const converged = residual <= tolerance;
  const vectors = new Float64Array(d * k);
  for (let i = 0; i < k; i++) {
    let best = 0;
    for (let a = 0; a < d; a++) if (Math.abs(v[a * p + i]!) > Math.abs(v[best * p + i]!)) best = a;
    const sign = v[best * p + i]! < 0 ? -1 : 1;
    for (let a = 0; a < d; a++) vectors[a * k + i] = sign * v[a * p + i]!;
  }
  return {
    vectors,
    values: values.slice(0, k),
    iterations: Math.min(iterations, maxIterations),
    residual,
    residuals: residuals.map((r, i) => r / values[i]!),
    converged,
  };
}

export interface PatchPca {
  /** Patch length d (e.g. 16³ = 4096). */
  dimension: number;
  k: number;
  mean: Float64Array;
  /** d×k row-major. */
  components: Float64Array;
  /** Eigenvalues (variance along each component). */
  variances: Float64Array;
  /** Total variance (trace of the covariance). */
  totalVariance: number;
  eigen: Omit<TopEigenResult, 'vectors' | 'values'>;
}

/** Fits a k-component PCA to patches (each of length d). Deterministic for a given input order and seed. */
export function fitPatchPca(
  patches: readonly Float32Array[],
  k: number,
  options: TopEigenOptions & { onCovariance?: (done: number) => void },
): PatchPca {
  if (patches.length < 2) throw new Error('fitPatchPca: need at least two patches');
  const d = patches[0]!.length;
  const mean = meanOf(patches, d);
  const cov = covarianceOf(patches, mean, options.onCovariance);
  let trace = 0;
  for (let a = 0; a < d; a++) trace += cov[a * d + a]!;
  const { vectors, values, ...eigen } = topEigen(cov, d, k, options);
  return { dimension: d, k, mean, components: vectors, variances: values, totalVariance: trace, eigen };
}

/** Float32 copies of the model weights, as they go into the ONNX file. */
export function float32Weights(pca: Pick<PatchPca, 'mean' | 'components'>): { mean: Float32Array; components: Float32Array } {
  return { mean: Float32Array.from(pca.mean), components: Float32Array.from(pca.components) };
}

/** code = (x − mean)ᵀ·C, in Float64 from the given weights: the JS reference of the ONNX graph. */
export function projectPatch(x: ArrayLike<number>, mean: ArrayLike<number>, components: ArrayLike<number>, k: number): Float64Array {
  const d = mean.length;
  const code = new Float64Array(k);
  for (let a = 0; a < d; a++) {
    const xa = x[a]! - mean[a]!;
    for (let j = 0; j < k; j++) code[j]! += xa * components[a * k + j]!;
  }
  return code;
}

/** Squared reconstruction error Σ (x − mean − C·code)² of one patch through a d×k basis with orthonormal columns. */
export function reconstructionError(x: ArrayLike<number>, mean: ArrayLike<number>, components: ArrayLike<number>, k: number): number {
  const d = mean.length;
  const code = projectPatch(x, mean, components, k);
  let err = 0;
  for (let a = 0; a < d; a++) {
    let r = x[a]! - mean[a]!;
    for (let j = 0; j < k; j++) r -= components[a * k + j]! * code[j]!;
    err += r * r;
  }
  return err;
}

/** A d×k matrix with orthonormal columns from a seeded Gaussian (a random linear projection baseline). */
export function randomOrthonormal(d: number, k: number, seed: number): Float64Array {
  const normal = gaussian(mulberry32(seed));
  const m = new Float64Array(d * k);
  for (let i = 0; i < d * k; i++) m[i] = normal();
  orthonormalizeColumns(m, d, k);
  return m;
}

export interface ExportOptions {
  /** Patch shape without batch and channel, e.g. [16, 16, 16]. */
  patchShape: readonly number[];
  inputName?: string;
  outputName?: string;
  docString?: string;
  modelVersion?: number;
}

/**
 * ONNX ModelProto (ir_version 8, opset 13): input [batch, 1, ...patchShape] float32 → Reshape [batch, d] →
 * Sub(mean [d]) → MatMul(components [d, k]) → output [batch, k]. Weights are raw little-endian float32.
 * The encoding is deterministic (protobufjs, fixed field order, no timestamps).
 */
export function patchPcaOnnx(pca: Pick<PatchPca, 'mean' | 'components' | 'k'>, options: ExportOptions): Uint8Array {
  const d = pca.mean.length;
  const k = pca.k;
  if (options.patchShape.reduce((a, b) => a * b, 1) !== d) throw new Error(`patchPcaOnnx: patchShape ${options.patchShape.join('x')} does not hold ${d} values`);
  const input = options.inputName ?? 'volume';
  const output = options.outputName ?? 'embedding';
  const { mean, components } = float32Weights(pca);
  const graph = new OnnxGraphBuilder('patch_pca');
  graph.input(input, 'float32', ['batch', 1, ...options.patchShape]);
  graph.initializer('flat_shape', 'int64', [2], [-1, d]);
  graph.initializer('mean', 'float32', [d], mean);
  graph.initializer('components', 'float32', [d, k], components);
  graph.node('Reshape', [input, 'flat_shape'], ['flat'], {}, { name: 'flatten' });
  graph.node('Sub', ['flat', 'mean'], ['centred'], {}, { name: 'centre' });
  graph.node('MatMul', ['centred', 'components'], [output], {}, { name: 'project' });
  graph.output(output, 'float32', ['batch', k]);
  return graph.toBytes({
    irVersion: 8,
    opset: 13,
    producerName: 'oncoboard-imaging',
    modelVersion: options.modelVersion ?? 1,
    docString: options.docString ?? '',
  });
}

/** Reads the mean and components back from a model written by `patchPcaOnnx`. */
export function readPatchPcaOnnx(bytes: Uint8Array): { mean: Float32Array; components: Float32Array; d: number; k: number } {
  const weights = readOnnxInitializers(bytes);
  const get = (name: string) => {
    const t = weights.get(name);
    if (!t || !(t.values instanceof Float32Array)) throw new Error(`readPatchPcaOnnx: no float32 initializer "${name}" with raw data`);
    return t;
  };
  const components = get('components');
  return { mean: get('mean').values as Float32Array, components: components.values as Float32Array, d: components.dims[0]!, k: components.dims[1]! };
}
