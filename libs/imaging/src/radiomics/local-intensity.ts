// IBSI 1 §3.2 local intensity features: mean intensity in a 1 cm³ sphere (radius ≈ 6.2 mm) centred on a voxel,
// over all image voxels whose centres lie inside (not only the ROI; voxels outside the grid are left out).
// The sphere is a stack of i-runs, summed with per-row prefix sums: O(rows of the sphere) per ROI voxel.
import type { Volume } from '../volume';
import type { Roi } from './roi';
import type { FeatureMap } from './types';

/**
 * `roi` may be a crop of `image` (indices on the crop's grid) placed at voxel `offset` of the image; the
 * spheres are sampled in the full image.
 */
export function localIntensityFeatures(image: Volume, roi: Roi, offset: readonly [number, number, number] = [0, 0, 0]): FeatureMap {
  const [nx, ny, nz] = image.dims;
  const [cx, cy, cz] = roi.dims;
  const [sx, sy, sz] = image.spacing;
  const r = Math.cbrt(3 / (4 * Math.PI)) * 10; // mm
  const rj = Math.floor(r / sy), rk = Math.floor(r / sz);
  // Sphere rows: (dj, dk, half-width in i).
  const rows: number[] = [];
  for (let c = -rk; c <= rk; c++)
    for (let b = -rj; b <= rj; b++) {
      const rest = r * r - (b * sy) ** 2 - (c * sz) ** 2;
      if (rest < 0) continue;
      rows.push(b, c, Math.floor(Math.sqrt(rest) / sx + 1e-9));
    }
  // Prefix sums of image rows over the region the spheres can reach.
  const j0 = Math.max(0, offset[1] - rj), j1 = Math.min(ny - 1, offset[1] + cy - 1 + rj);
  const k0 = Math.max(0, offset[2] - rk), k1 = Math.min(nz - 1, offset[2] + cz - 1 + rk);
  const rowLen = nx + 1;
  const nj = j1 - j0 + 1;
  const prefix = new Float64Array(rowLen * nj * (k1 - k0 + 1));
  const iv = image.voxels;
  for (let k = k0; k <= k1; k++)
    for (let j = j0; j <= j1; j++) {
      const base = ((k - k0) * nj + (j - j0)) * rowLen;
      const src = nx * (j + ny * k);
      let acc = 0;
      for (let i = 0; i < nx; i++) {
        acc += iv[src + i]!;
        prefix[base + i + 1] = acc;
      }
    }
  const peakAt = (v: number) => {
    const kc = Math.floor(v / (cx * cy));
    const rem = v - kc * cx * cy;
    const jc = Math.floor(rem / cx);
    const i = rem - jc * cx + offset[0];
    const j = jc + offset[1];
    const k = kc + offset[2];
    let s = 0, n = 0;
    for (let q = 0; q < rows.length; q += 3) {
      const b = j + rows[q]!, c = k + rows[q + 1]!;
      if (b < 0 || c < 0 || b >= ny || c >= nz) continue;
      const w = rows[q + 2]!;
      const lo = Math.max(0, i - w), hi = Math.min(nx - 1, i + w);
      const base = ((c - k0) * nj + (b - j0)) * rowLen;
      s += prefix[base + hi + 1]! - prefix[base + lo]!;
      n += hi - lo + 1;
    }
    return s / n;
  };
  let max = -Infinity;
  for (let q = 0; q < roi.values.length; q++) if (roi.values[q]! > max) max = roi.values[q]!;
  let local = -Infinity;
  let global = -Infinity;
  for (let q = 0; q < roi.indices.length; q++) {
    const p = peakAt(roi.indices[q]!);
    if (p > global) global = p;
    if (roi.values[q] === max && p > local) local = p;
  }
  return { loc_peak_loc: local, loc_peak_glob: global };
}
