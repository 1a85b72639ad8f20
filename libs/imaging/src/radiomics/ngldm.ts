// IBSI 1 §3.11 neighbouring grey level dependence matrix features (ngl_*), Chebyshev distance 1, α = 0.
import { aggregate } from './glcm';
import { emit, matrixFeatureValues, roiCounts } from './matrix-features';
import { neighbours } from './roi';
import type { FeatureMap, TextureAggregation } from './types';

export const NGLDM_FEATURES = ['lde', 'hde', 'lgce', 'hgce', 'ldlge', 'ldhge', 'hdlge', 'hdhge', 'glnu', 'glnu_norm', 'dcnu', 'dcnu_norm', 'dc_perc', 'gl_var', 'dc_var', 'dc_entr', 'dc_energy'] as const;

export function ngldmFeatures(grey: Int32Array, dims: readonly [number, number, number], ng: number, aggregations: TextureAggregation[], alpha = 0): FeatureMap {
  const f: FeatureMap = {};
  const counts = roiCounts(grey, dims);
  const [nx, ny, nz] = dims;
  for (const planar of [false, true]) {
    if (planar ? !(aggregations.includes('2D') || aggregations.includes('2.5D')) : !aggregations.includes('3D')) continue;
    const offs = neighbours(planar);
    const nj = offs.length + 1;
    const ngroups = planar ? nz : 1;
    const size = ng * nj;
    const m = new Float64Array(ngroups * size);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const a = grey[i + nx * (j + ny * k)]!;
          if (a === 0) continue;
          let dep = 1;
          for (const o of offs) {
            const a2 = i + o[0]!, b2 = j + o[1]!, c2 = k + o[2]!;
            if (a2 < 0 || b2 < 0 || c2 < 0 || a2 >= nx || b2 >= ny || c2 >= nz) continue;
            const b = grey[a2 + nx * (b2 + ny * c2)]!;
            if (b !== 0 && Math.abs(b - a) <= alpha) dep++;
          }
          m[(planar ? k : 0) * size + (a - 1) * nj + dep - 1]!++;
        }
    const res = aggregate(m, size, ngroups, 1, planar, (c, g) => matrixFeatureValues(c, ng, nj, g < 0 ? counts[dims[2]]! : counts[g]!), 17);
    emit(f, 'ngl', NGLDM_FEATURES, res, planar, aggregations, true);
  }
  return f;
}
