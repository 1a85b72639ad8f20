// IBSI 1 §3.8 grey level size zone matrix features (szm_*).
import { aggregate } from './glcm';
import { emit, matrixFeatureValues, roiCounts } from './matrix-features';
import type { FeatureMap, TextureAggregation } from './types';
import { findZones } from './zones';

export const GLSZM_FEATURES = ['sze', 'lze', 'lgze', 'hgze', 'szlge', 'szhge', 'lzlge', 'lzhge', 'glnu', 'glnu_norm', 'zsnu', 'zsnu_norm', 'z_perc', 'gl_var', 'zs_var', 'zs_entr'] as const;

export function glszmFeatures(grey: Int32Array, dims: readonly [number, number, number], ng: number, aggregations: TextureAggregation[]): FeatureMap {
  const f: FeatureMap = {};
  const counts = roiCounts(grey, dims);
  for (const planar of [false, true]) {
    if (planar ? !(aggregations.includes('2D') || aggregations.includes('2.5D')) : !aggregations.includes('3D')) continue;
    const z = findZones(grey, dims, planar);
    let nj = 1;
    for (let q = 0; q < z.count; q++) nj = Math.max(nj, z.size[q]!);
    const ngroups = planar ? dims[2] : 1;
    const size = ng * nj;
    const m = new Float64Array(ngroups * size);
    for (let q = 0; q < z.count; q++) m[(planar ? z.slice[q]! : 0) * size + (z.level[q]! - 1) * nj + z.size[q]! - 1]!++;
    const res = aggregate(m, size, ngroups, 1, planar, (c, g) => matrixFeatureValues(c, ng, nj, g < 0 ? counts[dims[2]]! : counts[g]!), 17);
    emit(f, 'szm', GLSZM_FEATURES, res, planar, aggregations, true);
  }
  return f;
}
