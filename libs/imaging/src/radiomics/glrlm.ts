// IBSI 1 §3.7 grey level run length matrix features (rlm_*).
import { aggregate } from './glcm';
import { emit, matrixFeatureValues, roiCounts } from './matrix-features';
import { directions } from './roi';
import type { FeatureMap, TextureAggregation } from './types';

export const GLRLM_FEATURES = ['sre', 'lre', 'lgre', 'hgre', 'srlge', 'srhge', 'lrlge', 'lrhge', 'glnu', 'glnu_norm', 'rlnu', 'rlnu_norm', 'r_perc', 'gl_var', 'rl_var', 'rl_entr'] as const;

export function buildGlrlm(grey: Int32Array, dims: readonly [number, number, number], ng: number, planar: boolean) {
  const dirs = directions(planar);
  const nd = dirs.length;
  const ngroups = planar ? dims[2] : 1;
  const nj = Math.max(dims[0], dims[1], dims[2]);
  const size = ng * nj;
  const m = new Float64Array(ngroups * nd * size);
  const [nx, ny, nz] = dims;
  const at = (i: number, j: number, k: number) => (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? 0 : grey[i + nx * (j + ny * k)]!);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const a = grey[i + nx * (j + ny * k)]!;
        if (a === 0) continue;
        for (let d = 0; d < nd; d++) {
          const o = dirs[d]!;
          const di = o[0]!, dj = o[1]!, dk = o[2]!;
          if (at(i - di, j - dj, k - dk) === a) continue; // not the start of a run
          let len = 1;
          while (at(i + len * di, j + len * dj, k + len * dk) === a) len++;
          m[((planar ? k : 0) * nd + d) * size + (a - 1) * nj + (len - 1)]!++;
        }
      }
  return { m, nd, ngroups, nj, size };
}

export function glrlmFeatures(grey: Int32Array, dims: readonly [number, number, number], ng: number, aggregations: TextureAggregation[]): FeatureMap {
  const f: FeatureMap = {};
  const counts = roiCounts(grey, dims);
  for (const planar of [false, true]) {
    if (planar ? !(aggregations.includes('2D') || aggregations.includes('2.5D')) : !aggregations.includes('3D')) continue;
    const { m, nd, ngroups, nj, size } = buildGlrlm(grey, dims, ng, planar);
    const res = aggregate(m, size, ngroups, nd, planar, (c, g, ndirs) => {
      const nv = (g < 0 ? counts[dims[2]]! : counts[g]!) * ndirs;
      return matrixFeatureValues(c, ng, nj, nv);
    }, 17);
    emit(f, 'rlm', GLRLM_FEATURES, res, planar, aggregations, false);
  }
  return f;
}
