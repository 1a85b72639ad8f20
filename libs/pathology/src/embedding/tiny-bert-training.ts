// Training arithmetic for the tiny BERT of tiny-bert.ts, in plain JavaScript with hand-written gradients.
// Why not tfjs-core autodiff: on the shared 2-core development machine tfjs's CPU backend needed ~75 s for one
// step of this model (its gather gradient loops over every vocabulary row with whole-tensor ops, and each kernel
// carries large overhead); these loops are ~30x faster and, being sequential float64-in-register arithmetic on
// Float32Array storage, give bit-identical results on every run. The gradients are checked against finite
// differences in tiny-bert-training.test.ts.
//
// Sequences are processed one at a time at their own length, so no padding is needed; that is exactly what a
// padded batch with attention_mask computes for the unpadded positions (masked keys get weight exp(-10000) = 0).
import type { TinyBertConfig, TinyBertWeights } from './tiny-bert';

const SQRT1_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf with |error| < 1.2e-7 (Numerical Recipes erfc Chebyshev fit), enough for training. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

/** out[s×m] = a[s×n] · b[n×m] (+ bias[m]). */
function matmul(a: Float32Array, b: Float32Array, s: number, n: number, m: number, bias?: Float32Array): Float32Array {
  const out = new Float32Array(s * m);
  for (let i = 0; i < s; i++) {
    const oi = i * m;
    if (bias) for (let j = 0; j < m; j++) out[oi + j] = bias[j]!;
    for (let k = 0; k < n; k++) {
      const av = a[i * n + k]!;
      if (av === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) out[oi + j] = out[oi + j]! + (av * b[bk + j]!);
    }
  }
  return out;
}

/** grad[n×m] = grad[n×m]! + (a[s×n]ᵀ · d[s×m]); biasGrad[m] += Σ_i d[i]. */
function accumulateWeightGrad(grad: Float32Array, a: Float32Array, d: Float32Array, s: number, n: number, m: number, biasGrad?: Float32Array): void {
  for (let i = 0; i < s; i++) {
    const di = i * m;
    if (biasGrad) for (let j = 0; j < m; j++) biasGrad[j] = biasGrad[j]! + (d[di + j]!);
    for (let k = 0; k < n; k++) {
      const av = a[i * n + k]!;
      if (av === 0) continue;
      const gk = k * m;
      for (let j = 0; j < m; j++) grad[gk + j] = grad[gk + j]! + (av * d[di + j]!);
    }
  }
}

/** out[s×n] (+)= d[s×m] · b[n×m]ᵀ. */
function matmulTransposedB(d: Float32Array, b: Float32Array, s: number, n: number, m: number, into?: Float32Array): Float32Array {
  const out = into ?? new Float32Array(s * n);
  for (let i = 0; i < s; i++) {
    for (let k = 0; k < n; k++) {
      let acc = 0;
      const bk = k * m;
      const di = i * m;
      for (let j = 0; j < m; j++) acc += d[di + j]! * b[bk + j]!;
      out[i * n + k] = out[i * n + k]! + (acc);
    }
  }
  return out;
}

interface LayerNormCache { xhat: Float32Array; invStd: Float32Array }

function layerNorm(x: Float32Array, s: number, h: number, gamma: Float32Array, beta: Float32Array, eps: number): { y: Float32Array; cache: LayerNormCache } {
  const y = new Float32Array(s * h);
  const xhat = new Float32Array(s * h);
  const invStd = new Float32Array(s);
  for (let i = 0; i < s; i++) {
    let mean = 0;
    for (let j = 0; j < h; j++) mean += x[i * h + j]!;
    mean /= h;
    let v = 0;
    for (let j = 0; j < h; j++) v += (x[i * h + j]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / h + eps);
    invStd[i] = inv;
    for (let j = 0; j < h; j++) {
      const xh = (x[i * h + j]! - mean) * inv;
      xhat[i * h + j] = xh;
      y[i * h + j] = xh * gamma[j]! + beta[j]!;
    }
  }
  return { y, cache: { xhat, invStd } };
}

function layerNormBackward(dy: Float32Array, cache: LayerNormCache, s: number, h: number, gamma: Float32Array, dGamma: Float32Array, dBeta: Float32Array): Float32Array {
  const dx = new Float32Array(s * h);
  for (let i = 0; i < s; i++) {
    let meanD = 0;
    let meanDX = 0;
    for (let j = 0; j < h; j++) {
      const g = dy[i * h + j]!;
      const xh = cache.xhat[i * h + j]!;
      dGamma[j] = dGamma[j]! + (g * xh);
      dBeta[j] = dBeta[j]! + (g);
      const dxh = g * gamma[j]!;
      meanD += dxh;
      meanDX += dxh * xh;
    }
    meanD /= h;
    meanDX /= h;
    const inv = cache.invStd[i]!;
    for (let j = 0; j < h; j++) {
      const dxh = dy[i * h + j]! * gamma[j]!;
      dx[i * h + j] = inv * (dxh - meanD - cache.xhat[i * h + j]! * meanDX);
    }
  }
  return dx;
}

interface LayerCache {
  x: Float32Array; q: Float32Array; k: Float32Array; v: Float32Array; probs: Float32Array[]; context: Float32Array;
  ln1: LayerNormCache; attended: Float32Array; inner: Float32Array; gelu: Float32Array; ln2: LayerNormCache;
}

export interface SequenceForward {
  ids: readonly number[];
  /** last_hidden_state [s × hidden] */
  hidden: Float32Array;
  embLn: LayerNormCache;
  layers: LayerCache[];
}

function weight(w: TinyBertWeights, name: string): Float32Array {
  const v = w.get(name);
  if (!v) throw new Error(`tiny BERT training: weight ${name} is missing`);
  return v;
}

/** Forward pass of one unpadded sequence (token type 0), keeping what the backward pass needs. */
export function forwardSequence(c: TinyBertConfig, w: TinyBertWeights, ids: readonly number[]): SequenceForward {
  const s = ids.length;
  const h = c.hiddenSize;
  const heads = c.numAttentionHeads;
  const dh = h / heads;
  const scale = 1 / Math.sqrt(dh);
  const wordE = weight(w, 'embeddings.word_embeddings.weight');
  const posE = weight(w, 'embeddings.position_embeddings.weight');
  const typeE = weight(w, 'embeddings.token_type_embeddings.weight');
  const x0 = new Float32Array(s * h);
  for (let t = 0; t < s; t++) for (let j = 0; j < h; j++) x0[t * h + j] = wordE[ids[t]! * h + j]! + posE[t * h + j]! + typeE[j]!;
  const emb = layerNorm(x0, s, h, weight(w, 'embeddings.LayerNorm.weight'), weight(w, 'embeddings.LayerNorm.bias'), c.layerNormEps);
  let x = emb.y;
  const layers: LayerCache[] = [];
  for (let l = 0; l < c.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}`;
    const q = matmul(x, weight(w, `${p}.attention.self.query.weight`), s, h, h, weight(w, `${p}.attention.self.query.bias`));
    const k = matmul(x, weight(w, `${p}.attention.self.key.weight`), s, h, h, weight(w, `${p}.attention.self.key.bias`));
    const v = matmul(x, weight(w, `${p}.attention.self.value.weight`), s, h, h, weight(w, `${p}.attention.self.value.bias`));
    const context = new Float32Array(s * h);
    const probs: Float32Array[] = [];
    for (let hd = 0; hd < heads; hd++) {
      const a = new Float32Array(s * s);
      const off = hd * dh;
      for (let i = 0; i < s; i++) {
        let max = -Infinity;
        for (let u = 0; u < s; u++) {
          let acc = 0;
          for (let d = 0; d < dh; d++) acc += q[i * h + off + d]! * k[u * h + off + d]!;
          acc *= scale;
          a[i * s + u] = acc;
          if (acc > max) max = acc;
        }
        let sum = 0;
        for (let u = 0; u < s; u++) { const e = Math.exp(a[i * s + u]! - max); a[i * s + u] = e; sum += e; }
        for (let u = 0; u < s; u++) a[i * s + u] = a[i * s + u]! / (sum);
        for (let u = 0; u < s; u++) {
          const pu = a[i * s + u]!;
          for (let d = 0; d < dh; d++) context[i * h + off + d] = context[i * h + off + d]! + (pu * v[u * h + off + d]!);
        }
      }
      probs.push(a);
    }
    const o = matmul(context, weight(w, `${p}.attention.output.dense.weight`), s, h, h, weight(w, `${p}.attention.output.dense.bias`));
    for (let i = 0; i < s * h; i++) o[i] = o[i]! + (x[i]!);
    const ln1 = layerNorm(o, s, h, weight(w, `${p}.attention.output.LayerNorm.weight`), weight(w, `${p}.attention.output.LayerNorm.bias`), c.layerNormEps);
    const inner = matmul(ln1.y, weight(w, `${p}.intermediate.dense.weight`), s, h, c.intermediateSize, weight(w, `${p}.intermediate.dense.bias`));
    const gelu = new Float32Array(inner.length);
    for (let i = 0; i < inner.length; i++) gelu[i] = 0.5 * inner[i]! * (1 + erf(inner[i]! * Math.SQRT1_2));
    const f = matmul(gelu, weight(w, `${p}.output.dense.weight`), s, c.intermediateSize, h, weight(w, `${p}.output.dense.bias`));
    for (let i = 0; i < s * h; i++) f[i] = f[i]! + (ln1.y[i]!);
    const ln2 = layerNorm(f, s, h, weight(w, `${p}.output.LayerNorm.weight`), weight(w, `${p}.output.LayerNorm.bias`), c.layerNormEps);
    layers.push({ x, q, k, v, probs, context, ln1: ln1.cache, attended: ln1.y, inner, gelu, ln2: ln2.cache });
    x = ln2.y;
  }
  return { ids, hidden: x, embLn: emb.cache, layers };
}

/** Accumulates into `grads` the gradient of the loss given dLoss/dHidden for one sequence. */
export function backwardSequence(c: TinyBertConfig, w: TinyBertWeights, f: SequenceForward, dHidden: Float32Array, grads: TinyBertWeights): void {
  const s = f.ids.length;
  const h = c.hiddenSize;
  const I = c.intermediateSize;
  const heads = c.numAttentionHeads;
  const dh = h / heads;
  const scale = 1 / Math.sqrt(dh);
  const g = (name: string) => weight(grads, name);
  let dx = dHidden;
  for (let l = c.numHiddenLayers - 1; l >= 0; l--) {
    const p = `encoder.layer.${l}`;
    const L = f.layers[l]!;
    const dF = layerNormBackward(dx, L.ln2, s, h, weight(w, `${p}.output.LayerNorm.weight`), g(`${p}.output.LayerNorm.weight`), g(`${p}.output.LayerNorm.bias`));
    accumulateWeightGrad(g(`${p}.output.dense.weight`), L.gelu, dF, s, I, h, g(`${p}.output.dense.bias`));
    const dGelu = matmulTransposedB(dF, weight(w, `${p}.output.dense.weight`), s, I, h);
    for (let i = 0; i < dGelu.length; i++) {
      const u = L.inner[i]!;
      dGelu[i] = dGelu[i]! * (0.5 * (1 + erf(u * Math.SQRT1_2)) + u * SQRT1_2PI * Math.exp(-0.5 * u * u));
    }
    accumulateWeightGrad(g(`${p}.intermediate.dense.weight`), L.attended, dGelu, s, h, I, g(`${p}.intermediate.dense.bias`));
    const dAttended = Float32Array.from(dF);
    matmulTransposedB(dGelu, weight(w, `${p}.intermediate.dense.weight`), s, h, I, dAttended);
    const dO = layerNormBackward(dAttended, L.ln1, s, h, weight(w, `${p}.attention.output.LayerNorm.weight`), g(`${p}.attention.output.LayerNorm.weight`), g(`${p}.attention.output.LayerNorm.bias`));
    accumulateWeightGrad(g(`${p}.attention.output.dense.weight`), L.context, dO, s, h, h, g(`${p}.attention.output.dense.bias`));
    const dContext = matmulTransposedB(dO, weight(w, `${p}.attention.output.dense.weight`), s, h, h);
    const dq = new Float32Array(s * h);
    const dk = new Float32Array(s * h);
    const dv = new Float32Array(s * h);
    const dA = new Float32Array(s * s);
    for (let hd = 0; hd < heads; hd++) {
      const a = L.probs[hd]!;
      const off = hd * dh;
      for (let i = 0; i < s; i++) {
        let rowDot = 0;
        for (let u = 0; u < s; u++) {
          let acc = 0;
          for (let d = 0; d < dh; d++) acc += dContext[i * h + off + d]! * L.v[u * h + off + d]!;
          dA[i * s + u] = acc;
          rowDot += acc * a[i * s + u]!;
          const pu = a[i * s + u]!;
          for (let d = 0; d < dh; d++) dv[u * h + off + d] = dv[u * h + off + d]! + (pu * dContext[i * h + off + d]!);
        }
        for (let u = 0; u < s; u++) {
          const dS = a[i * s + u]! * (dA[i * s + u]! - rowDot) * scale;
          if (dS === 0) continue;
          for (let d = 0; d < dh; d++) {
            dq[i * h + off + d] = dq[i * h + off + d]! + (dS * L.k[u * h + off + d]!);
            dk[u * h + off + d] = dk[u * h + off + d]! + (dS * L.q[i * h + off + d]!);
          }
        }
      }
    }
    const dxPrev = Float32Array.from(dO);
    for (const [name, d] of [['query', dq], ['key', dk], ['value', dv]] as const) {
      accumulateWeightGrad(g(`${p}.attention.self.${name}.weight`), L.x, d, s, h, h, g(`${p}.attention.self.${name}.bias`));
      matmulTransposedB(d, weight(w, `${p}.attention.self.${name}.weight`), s, h, h, dxPrev);
    }
    dx = dxPrev;
  }
  const dx0 = layerNormBackward(dx, f.embLn, s, h, weight(w, 'embeddings.LayerNorm.weight'), g('embeddings.LayerNorm.weight'), g('embeddings.LayerNorm.bias'));
  const dWord = g('embeddings.word_embeddings.weight');
  const dPos = g('embeddings.position_embeddings.weight');
  const dType = g('embeddings.token_type_embeddings.weight');
  for (let t = 0; t < s; t++) {
    const id = f.ids[t]!;
    for (let j = 0; j < h; j++) {
      const v = dx0[t * h + j]!;
      dWord[id * h + j] = dWord[id * h + j]! + (v);
      dPos[t * h + j] = dPos[t * h + j]! + (v);
      dType[j] = dType[j]! + (v);
    }
  }
}

/** Mean over positions, then L2 normalisation: the sentence embedding; `norm` is the pre-normalisation length. */
export function meanPoolNormalized(hidden: Float32Array, s: number, h: number): { z: Float32Array; norm: number } {
  const z = new Float32Array(h);
  for (let t = 0; t < s; t++) for (let j = 0; j < h; j++) z[j] = z[j]! + (hidden[t * h + j]! / s);
  let n = 0;
  for (let j = 0; j < h; j++) n += z[j]! ** 2;
  const norm = Math.max(Math.sqrt(n), 1e-12);
  for (let j = 0; j < h; j++) z[j] = z[j]! / (norm);
  return { z, norm };
}

/** dLoss/dHidden from dLoss/dz through the L2 normalisation and the mean. */
export function meanPoolNormalizedBackward(dz: Float32Array, z: Float32Array, norm: number, s: number): Float32Array {
  const h = z.length;
  let dot = 0;
  for (let j = 0; j < h; j++) dot += dz[j]! * z[j]!;
  const dPooled = new Float32Array(h);
  for (let j = 0; j < h; j++) dPooled[j] = (dz[j]! - z[j]! * dot) / norm;
  const dHidden = new Float32Array(s * h);
  for (let t = 0; t < s; t++) for (let j = 0; j < h; j++) dHidden[t * h + j] = dPooled[j]! / s;
  return dHidden;
}

/** Symmetric in-batch InfoNCE over normalised embeddings a[i] ↔ b[i]; returns the loss and dLoss/da, dLoss/db. */
export function infoNce(a: readonly Float32Array[], b: readonly Float32Array[], temperature: number): { loss: number; da: Float32Array[]; db: Float32Array[] } {
  const n = a.length;
  const h = a[0]!.length;
  const logits = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let d = 0; d < h; d++) acc += a[i]![d]! * b[j]![d]!;
    logits[i * n + j] = acc / temperature;
  }
  const dLogits = new Float64Array(n * n);
  let loss = 0;
  const softmaxCe = (index: (r: number, k: number) => number) => {
    for (let r = 0; r < n; r++) {
      let max = -Infinity;
      for (let k = 0; k < n; k++) max = Math.max(max, logits[index(r, k)]!);
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(logits[index(r, k)]! - max);
      loss += (Math.log(sum) + max - logits[index(r, r)]!) / (2 * n);
      for (let k = 0; k < n; k++) dLogits[index(r, k)] = dLogits[index(r, k)]! + ((Math.exp(logits[index(r, k)]! - max) / sum - (k === r ? 1 : 0)) / (2 * n));
    }
  };
  softmaxCe((r, k) => r * n + k);
  softmaxCe((r, k) => k * n + r);
  const da = a.map(() => new Float32Array(h));
  const db = b.map(() => new Float32Array(h));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const g = dLogits[i * n + j]! / temperature;
    if (g === 0) continue;
    for (let d = 0; d < h; d++) {
      const ad = da[i]!;
      ad[d] = ad[d]! + g * b[j]![d]!;
      const bd = db[j]!;
      bd[d] = bd[d]! + g * a[i]![d]!;
    }
  }
  return { loss, da, db };
}

/** Sentence embedding of one sequence (no caches kept beyond the call). */
export function embedSequence(c: TinyBertConfig, w: TinyBertWeights, ids: readonly number[]): Float32Array {
  return meanPoolNormalized(forwardSequence(c, w, ids).hidden, ids.length, c.hiddenSize).z;
}

/** One InfoNCE step's loss and gradients for a batch of pairs. */
export function contrastiveGradients(c: TinyBertConfig, w: TinyBertWeights, pairs: readonly { a: readonly number[]; b: readonly number[] }[], temperature: number): { loss: number; grads: TinyBertWeights } {
  const fa = pairs.map((p) => forwardSequence(c, w, p.a));
  const fb = pairs.map((p) => forwardSequence(c, w, p.b));
  const pa = fa.map((f) => meanPoolNormalized(f.hidden, f.ids.length, c.hiddenSize));
  const pb = fb.map((f) => meanPoolNormalized(f.hidden, f.ids.length, c.hiddenSize));
  const { loss, da, db } = infoNce(pa.map((p) => p.z), pb.map((p) => p.z), temperature);
  const grads: TinyBertWeights = new Map([...w].map(([n, v]) => [n, new Float32Array(v.length)]));
  fa.forEach((f, i) => backwardSequence(c, w, f, meanPoolNormalizedBackward(da[i]!, pa[i]!.z, pa[i]!.norm, f.ids.length), grads));
  fb.forEach((f, i) => backwardSequence(c, w, f, meanPoolNormalizedBackward(db[i]!, pb[i]!.z, pb[i]!.norm, f.ids.length), grads));
  return { loss, grads };
}

/** Adam (Kingma & Ba) with bias correction; optional decoupled weight decay left out. */
export class AdamOptimizer {
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private t = 0;

  constructor(private readonly beta1 = 0.9, private readonly beta2 = 0.999, private readonly epsilon = 1e-8) {}

  step(weights: TinyBertWeights, grads: TinyBertWeights, learningRate: number): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (const [name, w] of weights) {
      const g = grads.get(name)!;
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (!m || !v) { this.m.set(name, (m = new Float32Array(w.length))); this.v.set(name, (v = new Float32Array(w.length))); }
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        if (gi === 0 && m[i] === 0 && v[i] === 0) continue; // untouched embedding rows stay as they are
        m[i] = this.beta1 * m[i]! + (1 - this.beta1) * gi;
        v[i] = this.beta2 * v[i]! + (1 - this.beta2) * gi * gi;
        w[i] = w[i]! - ((learningRate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + this.epsilon));
      }
    }
  }
}
