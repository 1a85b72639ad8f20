// IBSI 1 §3.10 neighbourhood grey tone difference matrix features (ngt_*), Chebyshev distance 1; voxels
// without any ROI neighbour are left out.
import { aggregate } from './glcm';
import { neighbours } from './roi';
import type { FeatureMap, TextureAggregation } from './types';

export const NGTDM_FEATURES = ['coarseness', 'contrast', 'busyness', 'complexity', 'strength'] as const;

/** m = [n_1..n_ng, s_1..s_ng]. */
export function ngtdmFeatureValues(m: Float64Array, ng: number): number[] | null {
  let nvc = 0;
  for (let a = 0; a < ng; a++) nvc += m[a]!;
  if (nvc === 0) return null;
  const p = new Float64Array(ng);
  const s = m.subarray(ng, 2 * ng);
  let ngp = 0, ps = 0, ssum = 0;
  for (let a = 0; a < ng; a++) {
    p[a] = m[a]! / nvc;
    if (p[a]! > 0) ngp++;
    ps += p[a]! * s[a]!;
    ssum += s[a]!;
  }
  let c1 = 0, busyDen = 0, complexity = 0, strengthNum = 0;
  for (let a = 0; a < ng; a++) {
    if (p[a] === 0) continue;
    for (let b = 0; b < ng; b++) {
      if (p[b] === 0) continue;
      const d = a - b;
      c1 += p[a]! * p[b]! * d * d;
      busyDen += Math.abs((a + 1) * p[a]! - (b + 1) * p[b]!);
      complexity += (Math.abs(d) * (p[a]! * s[a]! + p[b]! * s[b]!)) / (p[a]! + p[b]!);
      strengthNum += (p[a]! + p[b]!) * d * d;
    }
  }
  const coarseness = ps > 0 ? 1 / ps : 1e6;
  const contrast = ngp > 1 ? (c1 / (ngp * (ngp - 1))) * (ssum / nvc) : 0;
  const busyness = busyDen > 0 ? ps / busyDen : 0;
  const strength = ssum > 0 ? strengthNum / ssum : 0;
  return [coarseness, contrast, busyness, complexity / nvc, strength];
}

export function ngtdmFeatures(grey: Int32Array, dims: readonly [number, number, number], ng: number, aggregations: TextureAggregation[]): FeatureMap {
  const f: FeatureMap = {};
  const [nx, ny, nz] = dims;
  for (const planar of [false, true]) {
    if (planar ? !(aggregations.includes('2D') || aggregations.includes('2.5D')) : !aggregations.includes('3D')) continue;
    const offs = neighbours(planar);
    const ngroups = planar ? nz : 1;
    const size = 2 * ng;
    const m = new Float64Array(ngroups * size);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const a = grey[i + nx * (j + ny * k)]!;
          if (a === 0) continue;
          let sum = 0, cnt = 0;
          for (const o of offs) {
            const a2 = i + o[0]!, b2 = j + o[1]!, c2 = k + o[2]!;
            if (a2 < 0 || b2 < 0 || c2 < 0 || a2 >= nx || b2 >= ny || c2 >= nz) continue;
            const b = grey[a2 + nx * (b2 + ny * c2)]!;
            if (b === 0) continue;
            sum += b;
            cnt++;
          }
          if (cnt === 0) continue;
          const off = (planar ? k : 0) * size;
          m[off + a - 1]!++;
          m[off + ng + a - 1]! += Math.abs(a - sum / cnt);
        }
    const res = aggregate(m, size, ngroups, 1, planar, (c) => ngtdmFeatureValues(c, ng), 5);
    const pick: [string, string][] = planar ? [['2D_avg', '2D'], ['2_5D_comb', '2_5D']] : [['3D_comb', '3D']];
    for (const [key, suffix] of pick) {
      const agg = suffix === '2D' ? '2D' : suffix === '2_5D' ? '2.5D' : '3D';
      if (!aggregations.includes(agg)) continue;
      NGTDM_FEATURES.forEach((name, q) => (f[`ngt_${name}_${suffix}`] = res[key]![q]!));
    }
  }
  return f;
}
