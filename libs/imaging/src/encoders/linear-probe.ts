// Linear read-outs used to judge what an encoder's embedding holds, the same way for every encoder: a ridge
// least-squares decoder from embedding to patch (reconstruction error), and a ridge classifier probe
// (balanced accuracy). Closed form in Float64 (Cholesky), so results are deterministic.

/** Solves (AᵀA + λI) X = AᵀY for X, A n×p, Y n×q (row-major); the last column of A (a bias) is not penalised. */
export function ridgeSolve(a: Float64Array, y: Float64Array, n: number, p: number, q: number, lambda: number): Float64Array {
  const g = new Float64Array(p * p);
  const r = new Float64Array(p * q);
  for (let s = 0; s < n; s++) {
    const ar = s * p;
    for (let i = 0; i < p; i++) {
      const ai = a[ar + i]!;
      if (ai === 0) continue;
      for (let j = i; j < p; j++) g[i * p + j]! += ai * a[ar + j]!;
      const yr = s * q;
      for (let j = 0; j < q; j++) r[i * q + j]! += ai * y[yr + j]!;
    }
  }
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) g[i * p + j] = g[j * p + i]!;
    if (i < p - 1) g[i * p + i]! += lambda;
  }
  // Cholesky G = L Lᵀ, then forward and back substitution for every column of R.
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = g[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      if (i === j) {
        if (s <= 0) throw new Error('ridgeSolve: the normal matrix is not positive definite (raise lambda)');
        l[i * p + i] = Math.sqrt(s);
      } else l[i * p + j] = s / l[j * p + j]!;
    }
  const x = new Float64Array(p * q);
  for (let c = 0; c < q; c++) {
    const z = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = r[i * q + c]!;
      for (let k = 0; k < i; k++) s -= l[i * p + k]! * z[k]!;
      z[i] = s / l[i * p + i]!;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * x[k * q + c]!;
      x[i * q + c] = s / l[i * p + i]!;
    }
  }
  return x;
}

/** Per-feature mean and standard deviation of rows (zero std replaced by 1). */
export function featureScaler(rows: readonly ArrayLike<number>[]): { mean: Float64Array; std: Float64Array } {
  const p = rows[0]!.length;
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  for (const r of rows) for (let i = 0; i < p; i++) mean[i]! += r[i]!;
  for (let i = 0; i < p; i++) mean[i]! /= rows.length;
  for (const r of rows) for (let i = 0; i < p; i++) std[i]! += (r[i]! - mean[i]!) ** 2;
  for (let i = 0; i < p; i++) std[i] = Math.sqrt(std[i]! / rows.length) || 1;
  return { mean, std };
}

/** Design matrix [standardised features, 1] (n × (p+1)). */
function design(rows: readonly ArrayLike<number>[], scaler: { mean: Float64Array; std: Float64Array }): Float64Array {
  const p = scaler.mean.length;
  const a = new Float64Array(rows.length * (p + 1));
  rows.forEach((r, s) => {
    for (let i = 0; i < p; i++) a[s * (p + 1) + i] = (r[i]! - scaler.mean[i]!) / scaler.std[i]!;
    a[s * (p + 1) + p] = 1;
  });
  return a;
}

export interface LinearDecoderFit {
  /** Mean squared error per voxel of the fitted decoder on the evaluation patches. */
  mse: number;
}

/**
 * Fits a ridge linear decoder embedding → patch on (trainEmbeddings, trainPatches) and returns its mean squared
 * error per voxel on (testEmbeddings, testTargets): how much of the patch the embedding keeps, linearly.
 */
export function linearDecoderError(
  trainEmbeddings: readonly ArrayLike<number>[], trainPatches: readonly ArrayLike<number>[],
  testEmbeddings: readonly ArrayLike<number>[], testTargets: readonly ArrayLike<number>[], lambda = 1e-3,
): LinearDecoderFit {
  const scaler = featureScaler(trainEmbeddings);
  const p = scaler.mean.length + 1;
  const d = trainPatches[0]!.length;
  const y = new Float64Array(trainPatches.length * d);
  trainPatches.forEach((x, s) => { for (let v = 0; v < d; v++) y[s * d + v] = x[v]!; });
  const w = ridgeSolve(design(trainEmbeddings, scaler), y, trainPatches.length, p, d, lambda * trainPatches.length);
  const a = design(testEmbeddings, scaler);
  let err = 0;
  testTargets.forEach((x, s) => {
    for (let v = 0; v < d; v++) {
      let r = 0;
      for (let i = 0; i < p; i++) r += a[s * p + i]! * w[i * d + v]!;
      err += (x[v]! - r) ** 2;
    }
  });
  return { mse: err / (testTargets.length * d) };
}

export interface ProbeResult {
  balancedAccuracy: number;
  /** Recall of class 1 and of class 0 on the test rows. */
  recall: [number, number];
  counts: { train: [number, number]; test: [number, number] };
}

/** Ridge classifier on standardised embeddings (targets ±1, threshold 0), trained on one set and scored on another. */
export function linearProbe(
  trainEmbeddings: readonly ArrayLike<number>[], trainLabels: readonly (0 | 1)[],
  testEmbeddings: readonly ArrayLike<number>[], testLabels: readonly (0 | 1)[], lambda = 1e-3,
): ProbeResult {
  const scaler = featureScaler(trainEmbeddings);
  const p = scaler.mean.length + 1;
  const y = Float64Array.from(trainLabels, (l) => (l ? 1 : -1));
  const w = ridgeSolve(design(trainEmbeddings, scaler), y, trainLabels.length, p, 1, lambda * trainLabels.length);
  const a = design(testEmbeddings, scaler);
  const hits = [0, 0];
  const totals = [0, 0];
  testLabels.forEach((label, s) => {
    let score = 0;
    for (let i = 0; i < p; i++) score += a[s * p + i]! * w[i]!;
    totals[label]!++;
    if ((score > 0 ? 1 : 0) === label) hits[label]!++;
  });
  const recall: [number, number] = [hits[1]! / Math.max(1, totals[1]!), hits[0]! / Math.max(1, totals[0]!)];
  const count = (labels: readonly (0 | 1)[]): [number, number] => [labels.filter((l) => l === 1).length, labels.filter((l) => l === 0).length];
  return { balancedAccuracy: (recall[0] + recall[1]) / 2, recall, counts: { train: count(trainLabels), test: count(testLabels) } };
}
