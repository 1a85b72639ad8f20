// Features shared by the run-length, size-zone, distance-zone and dependence-count matrices (IBSI 1 §3.7–3.11):
// a count matrix m[(i−1)·nj + (j−1)] over grey level i = 1..ng and run length / zone size / distance /
// dependence count j = 1..nj.

/** Order: small-j emphasis, large-j emphasis, low/high grey emphasis, SL, SH, LL, LH, GLNU, GLNU norm,
 *  j-NU, j-NU norm, percentage (N_s / nv), grey level variance, j variance, j entropy, j energy. */
export function matrixFeatureValues(m: Float64Array, ng: number, nj: number, nv: number): number[] | null {
  let ns = 0;
  for (let q = 0; q < m.length; q++) ns += m[q]!;
  if (ns === 0) return null;
  const rowSum = new Float64Array(ng);
  const colSum = new Float64Array(nj);
  let se = 0, le = 0, lge = 0, hge = 0, sl = 0, sh = 0, ll = 0, lh = 0, muI = 0, muJ = 0, entr = 0, energy = 0;
  for (let a = 1; a <= ng; a++) {
    const row = (a - 1) * nj;
    for (let b = 1; b <= nj; b++) {
      const v = m[row + b - 1]!;
      if (v === 0) continue;
      const i2 = a * a;
      const j2 = b * b;
      rowSum[a - 1]! += v;
      colSum[b - 1]! += v;
      se += v / j2;
      le += v * j2;
      lge += v / i2;
      hge += v * i2;
      sl += v / (i2 * j2);
      sh += (v * i2) / j2;
      ll += (v * j2) / i2;
      lh += v * i2 * j2;
      const p = v / ns;
      muI += a * p;
      muJ += b * p;
      entr -= p * Math.log2(p);
      energy += p * p;
    }
  }
  let glnu = 0, jnu = 0, varI = 0, varJ = 0;
  for (let a = 1; a <= ng; a++) {
    glnu += rowSum[a - 1]! * rowSum[a - 1]!;
    varI += (a - muI) * (a - muI) * (rowSum[a - 1]! / ns);
  }
  for (let b = 1; b <= nj; b++) {
    jnu += colSum[b - 1]! * colSum[b - 1]!;
    varJ += (b - muJ) * (b - muJ) * (colSum[b - 1]! / ns);
  }
  return [se / ns, le / ns, lge / ns, hge / ns, sl / ns, sh / ns, ll / ns, lh / ns, glnu / ns, glnu / (ns * ns), jnu / ns, jnu / (ns * ns), ns / nv, varI, varJ, entr, energy];
}

/** Number of ROI voxels per slice (index k) and in total (index dims[2]). */
export function roiCounts(grey: Int32Array, dims: readonly [number, number, number]): Float64Array {
  const out = new Float64Array(dims[2] + 1);
  const plane = dims[0] * dims[1];
  for (let q = 0; q < grey.length; q++) {
    if (grey[q]! > 0) {
      out[Math.floor(q / plane)]!++;
      out[dims[2]]!++;
    }
  }
  return out;
}

/** Copies feature vectors from `aggregate` into tag-keyed features: name list → `${prefix}_${name}_${suffix}`. */
export function emit(
  f: Record<string, number>,
  prefix: string,
  names: readonly string[],
  res: Record<string, number[]>,
  planar: boolean,
  aggregations: readonly string[],
  zoneStyle: boolean,
) {
  const pick: [string, string][] = zoneStyle
    ? planar
      ? [['2D_avg', '2D'], ['2_5D_comb', '2_5D']]
      : [['3D_comb', '3D']]
    : planar
      ? [['2D_avg', '2D_avg'], ['2D_comb', '2D_comb'], ['2_5D_avg', '2_5D_avg'], ['2_5D_comb', '2_5D_comb']]
      : [['3D_avg', '3D_avg'], ['3D_comb', '3D_comb']];
  for (const [key, suffix] of pick) {
    const agg = suffix.startsWith('2D') ? '2D' : suffix.startsWith('2_5D') ? '2.5D' : '3D';
    if (!aggregations.includes(agg)) continue;
    const vals = res[key]!;
    names.forEach((name, q) => (f[`${prefix}_${name}_${suffix}`] = vals[q]!));
  }
}
