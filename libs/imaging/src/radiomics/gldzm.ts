// IBSI 1 §3.9 grey level distance zone matrix features (dzm_*). Distance to the ROI edge uses face
// connectivity (6 in 3D, 4 in-plane), 1 for voxels on the edge; outside the grid counts as outside the ROI.
import { aggregate } from './glcm';
import { emit, matrixFeatureValues, roiCounts } from './matrix-features';
import { faceNeighbours } from './roi';
import type { FeatureMap, TextureAggregation } from './types';
import { findZones } from './zones';

export const GLDZM_FEATURES = ['sde', 'lde', 'lgze', 'hgze', 'sdlge', 'sdhge', 'ldlge', 'ldhge', 'glnu', 'glnu_norm', 'zdnu', 'zdnu_norm', 'z_perc', 'gl_var', 'zd_var', 'zd_entr'] as const;

/** Edge distance per voxel (0 outside the ROI). */
export function edgeDistance(inRoi: Uint8Array | Int32Array, dims: readonly [number, number, number], planar: boolean): Int32Array {
  const [nx, ny, nz] = dims;
  const offs = faceNeighbours(planar);
  const n = inRoi.length;
  const dist = new Int32Array(n);
  const queue = new Int32Array(n);
  let head = 0, tail = 0;
  const plane = nx * ny;
  const nb = (v: number, o: number[]) => {
    const k = Math.floor(v / plane);
    const r = v - k * plane;
    const j = Math.floor(r / nx);
    const i = r - j * nx;
    const a = i + o[0]!, b = j + o[1]!, c = k + o[2]!;
    if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) return -1;
    return a + nx * (b + ny * c);
  };
  for (let v = 0; v < n; v++) {
    if (!inRoi[v]) continue;
    for (const o of offs) {
      const w = nb(v, o);
      if (w < 0 || !inRoi[w]) {
        dist[v] = 1;
        queue[tail++] = v;
        break;
      }
    }
  }
  while (head < tail) {
    const v = queue[head++]!;
    for (const o of offs) {
      const w = nb(v, o);
      if (w >= 0 && inRoi[w] && dist[w] === 0) {
        dist[w] = dist[v]! + 1;
        queue[tail++] = w;
      }
    }
  }
  return dist;
}

export function gldzmFeatures(
  grey: Int32Array,
  dims: readonly [number, number, number],
  ng: number,
  aggregations: TextureAggregation[],
  morphMask?: Uint8Array,
): FeatureMap {
  const f: FeatureMap = {};
  const counts = roiCounts(grey, dims);
  for (const planar of [false, true]) {
    if (planar ? !(aggregations.includes('2D') || aggregations.includes('2.5D')) : !aggregations.includes('3D')) continue;
    const z = findZones(grey, dims, planar);
    const dist = edgeDistance(morphMask ?? grey, dims, planar);
    const zd = new Int32Array(z.count).fill(2147483647);
    for (let v = 0; v < grey.length; v++) {
      const id = z.label[v]!;
      if (id >= 0 && dist[v]! < zd[id]!) zd[id] = dist[v]!;
    }
    let nj = 1;
    for (let q = 0; q < z.count; q++) nj = Math.max(nj, zd[q]!);
    const ngroups = planar ? dims[2] : 1;
    const size = ng * nj;
    const m = new Float64Array(ngroups * size);
    for (let q = 0; q < z.count; q++) m[(planar ? z.slice[q]! : 0) * size + (z.level[q]! - 1) * nj + zd[q]! - 1]!++;
    const res = aggregate(m, size, ngroups, 1, planar, (c, g) => matrixFeatureValues(c, ng, nj, g < 0 ? counts[dims[2]]! : counts[g]!), 17);
    emit(f, 'dzm', GLDZM_FEATURES, res, planar, aggregations, true);
  }
  return f;
}
