// Dense symmetric positive-definite algebra for the small p x p matrices of the Cox model (row-major Float64Array).

/** Cholesky factor L (lower, row-major) of a symmetric positive-definite p x p matrix, or the first failing pivot. */
export function choleskyFactor(a: Float64Array, p: number, tolerance = 1.818989403545856e-12): { l: Float64Array } | { failedPivot: number } {
  const l = new Float64Array(p * p);
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * p + i]!));
  const eps = tolerance * (maxDiag > 0 ? maxDiag : 1);
  for (let j = 0; j < p; j++) {
    let diag = a[j * p + j]!;
    for (let k = 0; k < j; k++) diag -= l[j * p + k]! * l[j * p + k]!;
    if (!(diag > eps)) return { failedPivot: j };
    const ljj = Math.sqrt(diag);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      l[i * p + j] = s / ljj;
    }
  }
  return { l };
}

/** Solves (L L') x = b for x. */
export function choleskySolve(l: Float64Array, p: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * y[k]!;
    y[i] = s / l[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * x[k]!;
    x[i] = s / l[i * p + i]!;
  }
  return x;
}

/** The inverse of L L', symmetric, row-major. */
export function choleskyInverse(l: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, p, e);
    for (let i = 0; i < p; i++) inv[i * p + j] = col[i]!;
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) {
    const m = (inv[i * p + j]! + inv[j * p + i]!) / 2;
    inv[i * p + j] = m;
    inv[j * p + i] = m;
  }
  return inv;
}

/** x' A x. */
export function quadraticForm(a: Float64Array, p: number, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += x[i]! * a[i * p + j]! * x[j]!;
  return s;
}
