// IBSI 1 §3.6 grey level co-occurrence matrix features (cm_*), distance 1 (Chebyshev), symmetric matrices.
import { directions } from './roi';
import type { FeatureMap, TextureAggregation } from './types';

export const GLCM_FEATURES = [
  'joint_max', 'joint_avg', 'joint_var', 'joint_entr', 'diff_avg', 'diff_var', 'diff_entr', 'sum_avg', 'sum_var',
  'sum_entr', 'energy', 'contrast', 'dissimilarity', 'inv_diff', 'inv_diff_norm', 'inv_diff_mom', 'inv_diff_mom_norm',
  'inv_var', 'corr', 'auto_corr', 'clust_tend', 'clust_shade', 'clust_prom', 'info_corr1', 'info_corr2',
] as const;

/**
 * Co-occurrence counts per group (slice for planar, one group for 3D) and direction:
 * m[((g·nd) + d)·ng² + (a−1)·ng + (b−1)].
 */
export function buildGlcm(grey: Int32Array, dims: readonly [number, number, number], ng: number, planar: boolean) {
  const dirs = directions(planar);
  const nd = dirs.length;
  const ngroups = planar ? dims[2] : 1;
  const ng2 = ng * ng;
  const m = new Float64Array(ngroups * nd * ng2);
  const [nx, ny, nz] = dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + nx * (j + ny * k);
        const a = grey[idx]!;
        if (a === 0) continue;
        const base = (planar ? k : 0) * nd;
        for (let d = 0; d < nd; d++) {
          const o = dirs[d]!;
          const a2 = i + o[0]!;
          const b2 = j + o[1]!;
          const c2 = k + o[2]!;
          if (a2 < 0 || b2 < 0 || c2 < 0 || a2 >= nx || b2 >= ny || c2 >= nz) continue;
          const b = grey[a2 + nx * (b2 + ny * c2)]!;
          if (b === 0) continue;
          const off = (base + d) * ng2;
          m[off + (a - 1) * ng + (b - 1)]!++;
          m[off + (b - 1) * ng + (a - 1)]!++;
        }
      }
  return { m, nd, ngroups, ng };
}

/** The 25 IBSI GLCM features of one (possibly merged) count matrix; null when it is empty. */
export function glcmFeatureValues(counts: Float64Array, ng: number): number[] | null {
  let total = 0;
  for (let q = 0; q < counts.length; q++) total += counts[q]!;
  if (total === 0) return null;
  const p = new Float64Array(ng * ng);
  for (let q = 0; q < p.length; q++) p[q] = counts[q]! / total;
  const pi = new Float64Array(ng); // marginal (symmetric, so pi = pj)
  const pd = new Float64Array(ng); // p_{i-j}(k), k = 0..ng-1
  const ps = new Float64Array(2 * ng + 1); // p_{i+j}(k), k = 2..2ng
  let jmax = 0;
  let mu = 0;
  let jentr = 0;
  let energy = 0;
  let contrast = 0;
  let dissim = 0;
  let idf = 0;
  let idn = 0;
  let idm = 0;
  let idmn = 0;
  let auto = 0;
  for (let a = 1; a <= ng; a++)
    for (let b = 1; b <= ng; b++) {
      const v = p[(a - 1) * ng + (b - 1)]!;
      if (v === 0) continue;
      pi[a - 1]! += v;
      const k = Math.abs(a - b);
      pd[k]! += v;
      ps[a + b]! += v;
      if (v > jmax) jmax = v;
      mu += a * v;
      jentr -= v * Math.log2(v);
      energy += v * v;
      contrast += k * k * v;
      dissim += k * v;
      idf += v / (1 + k);
      idn += v / (1 + k / ng);
      idm += v / (1 + k * k);
      idmn += v / (1 + (k * k) / (ng * ng));
      auto += a * b * v;
    }
  let jvar = 0;
  let ct = 0;
  let cs = 0;
  let cp = 0;
  let cov = 0;
  let hxy1 = 0;
  let hxy2 = 0;
  for (let a = 1; a <= ng; a++)
    for (let b = 1; b <= ng; b++) {
      const v = p[(a - 1) * ng + (b - 1)]!;
      const pp = pi[a - 1]! * pi[b - 1]!;
      if (pp > 0) hxy2 -= pp * Math.log2(pp);
      if (v === 0) continue;
      jvar += (a - mu) * (a - mu) * v;
      const t = a + b - 2 * mu;
      ct += t * t * v;
      cs += t * t * t * v;
      cp += t * t * t * t * v;
      cov += (a - mu) * (b - mu) * v;
      hxy1 -= v * Math.log2(pp);
    }
  let davg = 0;
  let dentr = 0;
  let invVar = 0;
  for (let k = 0; k < ng; k++) {
    const v = pd[k]!;
    davg += k * v;
    if (v > 0) dentr -= v * Math.log2(v);
    if (k > 0) invVar += v / (k * k);
  }
  let dvar = 0;
  for (let k = 0; k < ng; k++) dvar += (k - davg) * (k - davg) * pd[k]!;
  let savg = 0;
  let sentr = 0;
  for (let k = 2; k <= 2 * ng; k++) {
    const v = ps[k]!;
    savg += k * v;
    if (v > 0) sentr -= v * Math.log2(v);
  }
  let svar = 0;
  for (let k = 2; k <= 2 * ng; k++) svar += (k - savg) * (k - savg) * ps[k]!;
  let hx = 0;
  let sigma2 = 0;
  for (let a = 1; a <= ng; a++) {
    const v = pi[a - 1]!;
    if (v > 0) hx -= v * Math.log2(v);
    sigma2 += (a - mu) * (a - mu) * v;
  }
  const corr = sigma2 > 0 ? cov / sigma2 : 0;
  const ic1 = hx > 0 ? (jentr - hxy1) / hx : 0;
  const ic2 = Math.sqrt(Math.max(0, 1 - Math.exp(-2 * (hxy2 - jentr))));
  return [jmax, mu, jvar, jentr, davg, dvar, dentr, savg, svar, sentr, energy, contrast, dissim, idf, idn, idm, idmn, invVar, corr, auto, ct, cs, cp, ic1, ic2];
}

function sumInto(target: Float64Array, src: Float64Array, off: number) {
  for (let q = 0; q < target.length; q++) target[q]! += src[off + q]!;
}

function mean(rows: (number[] | null)[], nf: number): number[] {
  const out = new Array<number>(nf).fill(0);
  let c = 0;
  for (const r of rows) {
    if (!r) continue;
    c++;
    for (let q = 0; q < nf; q++) out[q]! += r[q]!;
  }
  return out.map((v) => (c ? v / c : NaN));
}

/**
 * Generic IBSI aggregation of per-(group, direction) matrices. Returns feature vectors keyed by the IBSI
 * suffix: 3D_avg, 3D_comb (3D); 2D_avg, 2D_comb, 2_5D_avg, 2_5D_comb (planar).
 */
export function aggregate(
  m: Float64Array,
  size: number,
  ngroups: number,
  nd: number,
  planar: boolean,
  /** group: slice index (planar) or -1 for all voxels; ndirs: how many directions were merged. */
  features: (counts: Float64Array, group: number, ndirs: number) => number[] | null,
  nf: number,
): Record<string, number[]> {
  const cell = (g: number, d: number) => m.subarray((g * nd + d) * size, (g * nd + d + 1) * size);
  if (!planar) {
    const per: (number[] | null)[] = [];
    const all = new Float64Array(size);
    for (let d = 0; d < nd; d++) {
      per.push(features(cell(0, d), -1, 1));
      sumInto(all, m, d * size);
    }
    return { '3D_avg': mean(per, nf), '3D_comb': features(all, -1, nd) ?? new Array<number>(nf).fill(NaN) };
  }
  const perSliceDir: (number[] | null)[] = [];
  const perSlice: (number[] | null)[] = [];
  const perDir: (number[] | null)[] = [];
  const all = new Float64Array(size);
  for (let g = 0; g < ngroups; g++) {
    const s = new Float64Array(size);
    for (let d = 0; d < nd; d++) {
      perSliceDir.push(features(cell(g, d), g, 1));
      sumInto(s, m, (g * nd + d) * size);
    }
    perSlice.push(features(s, g, nd));
    sumInto(all, s, 0);
  }
  for (let d = 0; d < nd; d++) {
    const s = new Float64Array(size);
    for (let g = 0; g < ngroups; g++) sumInto(s, m, (g * nd + d) * size);
    perDir.push(features(s, -1, 1));
  }
  return {
    '2D_avg': mean(perSliceDir, nf),
    '2D_comb': mean(perSlice, nf),
    '2_5D_avg': mean(perDir, nf),
    '2_5D_comb': features(all, -1, nd) ?? new Array<number>(nf).fill(NaN),
  };
}

export function glcmFeatures(grey: Int32Array, dims: readonly [number, number, number], ng: number, aggregations: TextureAggregation[]): FeatureMap {
  const f: FeatureMap = {};
  const want3D = aggregations.includes('3D');
  const wantPlanar = aggregations.includes('2D') || aggregations.includes('2.5D');
  for (const planar of [false, true]) {
    if (planar ? !wantPlanar : !want3D) continue;
    const { m, nd, ngroups } = buildGlcm(grey, dims, ng, planar);
    const res = aggregate(m, ng * ng, ngroups, nd, planar, (c) => glcmFeatureValues(c, ng), GLCM_FEATURES.length);
    for (const [suffix, vals] of Object.entries(res)) {
      if (suffix.startsWith('2D') && !aggregations.includes('2D')) continue;
      if (suffix.startsWith('2_5D') && !aggregations.includes('2.5D')) continue;
      GLCM_FEATURES.forEach((name, q) => (f[`cm_${name}_${suffix}`] = vals[q]!));
    }
  }
  return f;
}
