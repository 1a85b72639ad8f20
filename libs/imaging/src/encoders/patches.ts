// Patch preprocessing for the project's patch encoders (models/patch-cnn-3d, the default, and patch-pca-3d): resample to isotropic spacing,
// z-score inside the foreground (body / head), and cut cubic patches, either on the grid (training) or around a
// world point (e.g. a lesion centroid). Everything here is deterministic and pure.
import { fileURLToPath } from 'node:url';
import { resample, windowPreset, type WindowPresetName } from '../transforms/index';
import type { TransformRecord } from '../transforms/index';
import { voxelToWorld, worldToVoxel, type Vec3, type Volume } from '../volume';

/** Foreground = voxels above this fraction of the volume's 99th-percentile intensity (after resampling). */
export const FOREGROUND_FRACTION_OF_P99 = 0.1;

export interface PatchOptions {
  /** Patch edge in voxels (default 16). */
  sizeVoxels?: number;
  /** Isotropic voxel spacing of the patch in mm (default 2). */
  spacingMm?: number;
}

/** A volume resampled and intensity-normalised for patch encoding. */
export interface PreparedPatchVolume {
  kind: 'prepared-patch-volume';
  /** Resampled (trilinear) to `spacingMm` isotropic on the original axes, then z-scored (see `stats`). */
  image: Volume<Float32Array>;
  /** 1 where the resampled raw intensity is above the foreground threshold. */
  foreground: Uint8Array;
  spacingMm: number;
  stats: { p99: number; threshold: number; mean: number; std: number; foregroundVoxels: number };
  record: readonly TransformRecord[];
}

/**
 * 99th percentile, nearest-rank: the value at index floor(0.99·(n−1)) of the sorted values — found by
 * quickselect on a copy (O(n), the same value a full sort gives).
 */
export function percentile99(values: Float32Array): number {
  const a = Float32Array.from(values);
  const rank = Math.floor(0.99 * (a.length - 1));
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median-of-three pivot, Hoare partition.
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return a[rank]!;
  }
  return a[rank]!;
}

/**
 * Resamples `volume` to `spacingMm` isotropic (the existing `resample` transform, trilinear), optionally clips
 * to a CT window preset (after resampling: clipping the small resampled grid instead of the full-resolution
 * series saves a pass over ~10^8 voxels; the record says which order was used), then z-scores
 * every voxel with the mean and population standard deviation of the foreground: voxels whose resampled
 * intensity is > 0.1 × the 99th percentile of all resampled voxels. Background voxels are normalised with the
 * same mean / std (they become negative), not zeroed.
 */
export function preparePatchVolume(volume: Volume, spacingMm = 2, options: { window?: WindowPresetName } = {}): PreparedPatchVolume {
  const resampled = resample([spacingMm, spacingMm, spacingMm]).apply({ image: volume, record: [] });
  const state = options.window ? windowPreset(options.window).apply(resampled) : resampled;
  const raw = state.image.voxels as Float32Array;
  const p99 = percentile99(raw);
  const threshold = FOREGROUND_FRACTION_OF_P99 * p99;
  const foreground = new Uint8Array(raw.length);
  let n = 0;
  let sum = 0;
  for (let p = 0; p < raw.length; p++) {
    if (raw[p]! > threshold) {
      foreground[p] = 1;
      n++;
      sum += raw[p]!;
    }
  }
  if (n === 0) throw new Error(`${volume.source ?? 'volume'}: no voxels above the foreground threshold ${threshold}`);
  const mean = sum / n;
  let ss = 0;
  for (let p = 0; p < raw.length; p++) if (foreground[p]) ss += (raw[p]! - mean) ** 2;
  const std = Math.sqrt(ss / n);
  const scale = std > 0 ? 1 / std : 0;
  // In place: `raw` is the resample's (or window's) fresh output, owned here, and a second 4-byte-per-voxel array
  // would cost its first-touch page faults (~25 MB for the 2 mm grid of a 512×512×300 CT).
  const out = raw;
  for (let p = 0; p < raw.length; p++) out[p] = (raw[p]! - mean) * scale;
  const image: Volume<Float32Array> = { ...state.image, voxels: out };
  const record: TransformRecord[] = [
    ...state.record,
    {
      name: 'zscoreForeground',
      params: { foreground: `> ${FOREGROUND_FRACTION_OF_P99} x p99`, p99, threshold, mean, std },
      before: { dims: state.image.dims, spacing: state.image.spacing },
      after: { dims: state.image.dims, spacing: state.image.spacing },
    },
  ];
  return { kind: 'prepared-patch-volume', image, foreground, spacingMm, stats: { p99, threshold, mean, std, foregroundVoxels: n }, record };
}

/** Copies the patch whose first voxel is (i0, j0, k0) on the prepared grid into `out` (i fastest). */
export function gridPatch(prepared: PreparedPatchVolume, i0: number, j0: number, k0: number, size = 16, out = new Float32Array(size ** 3)): Float32Array {
  const [nx, ny] = prepared.image.dims;
  const v = prepared.image.voxels;
  let o = 0;
  for (let k = 0; k < size; k++)
    for (let j = 0; j < size; j++) {
      const row = i0 + nx * (j0 + j + ny * (k0 + k));
      for (let i = 0; i < size; i++) out[o++] = v[row + i]!;
    }
  return out;
}

/** Fraction of the grid patch at (i0, j0, k0) that is foreground. */
export function gridPatchForeground(prepared: PreparedPatchVolume, i0: number, j0: number, k0: number, size = 16): number {
  const [nx, ny] = prepared.image.dims;
  let count = 0;
  for (let k = 0; k < size; k++)
    for (let j = 0; j < size; j++) {
      const row = i0 + nx * (j0 + j + ny * (k0 + k));
      for (let i = 0; i < size; i++) count += prepared.foreground[row + i]!;
    }
  return count / size ** 3;
}

/** World (LPS) centre of the grid patch whose first voxel is (i0, j0, k0). */
export function gridPatchCentre(prepared: PreparedPatchVolume, i0: number, j0: number, k0: number, size = 16): [number, number, number] {
  const h = (size - 1) / 2;
  return voxelToWorld(prepared.image, i0 + h, j0 + h, k0 + h);
}

export interface PatchAroundResult {
  /** size³ values, i fastest, along the volume's own axes; ready for the encoder as dims [1, size, size, size]. */
  data: Float32Array;
  dims: [1, number, number, number];
  /** Fraction of patch voxel centres that fell inside the volume (the rest take the nearest edge value). */
  insideFraction: number;
}

/**
 * A preprocessed patch centred on a world point (LPS, mm), e.g. a lesion centroid: the volume is prepared with
 * `preparePatchVolume` (pass an already prepared one to avoid repeating it), then sampled trilinearly on a
 * size³ grid at `spacingMm` along the volume's axes, centred on `centreLps`. Positions beyond the outermost
 * voxel centres take the edge value (as `resample` does). Where the centre falls on a half-voxel of the
 * prepared grid (an even-sized patch aligned to it), the result equals the grid patch exactly.
 */
export function patchAround(volume: Volume | PreparedPatchVolume, centreLps: Vec3 | readonly number[], options: PatchOptions = {}): PatchAroundResult {
  const size = options.sizeVoxels ?? 16;
  const spacingMm = options.spacingMm ?? 2;
  if (!Number.isInteger(size) || size < 1) throw new Error(`patchAround: sizeVoxels expected a positive integer, got ${size}`);
  if (centreLps.length !== 3 || !centreLps.every(Number.isFinite)) throw new Error(`patchAround: centreLps expected three finite numbers, got ${JSON.stringify(centreLps)}`);
  const prepared = 'kind' in volume && volume.kind === 'prepared-patch-volume' ? volume : preparePatchVolume(volume as Volume, spacingMm);
  if (Math.abs(prepared.spacingMm - spacingMm) > 1e-9) throw new Error(`patchAround: the volume was prepared at ${prepared.spacingMm} mm, asked for ${spacingMm} mm`);
  const img = prepared.image;
  const [nx, ny, nz] = img.dims;
  const c = worldToVoxel(img, centreLps[0]!, centreLps[1]!, centreLps[2]!);
  const h = (size - 1) / 2;
  const unit = spacingMm / prepared.spacingMm; // patch step in prepared-grid voxels (1: same spacing)
  const data = new Float32Array(size ** 3);
  const v = img.voxels;
  let inside = 0;
  let o = 0;
  const axis = (x: number, n: number) => {
    const xc = Math.min(Math.max(x, 0), n - 1);
    // Snap to a voxel centre within 1e-5 voxel: world round trips through float32 NIfTI affines (not exactly
    // orthonormal) are off by ~1e-6 voxel, and an on-grid patch should copy the voxels exactly.
    const xr = Math.abs(xc - Math.round(xc)) < 1e-5 ? Math.round(xc) : xc;
    const lo = Math.floor(xr);
    return { lo, hi: Math.min(lo + 1, n - 1), w: xr - lo, inside: x >= -1e-5 && x <= n - 1 + 1e-5 };
  };
  for (let k = 0; k < size; k++) {
    const z = axis(c[2] + (k - h) * unit, nz);
    for (let j = 0; j < size; j++) {
      const y = axis(c[1] + (j - h) * unit, ny);
      for (let i = 0; i < size; i++) {
        const x = axis(c[0] + (i - h) * unit, nx);
        if (x.inside && y.inside && z.inside) inside++;
        const at = (ii: number, jj: number, kk: number) => v[ii + nx * (jj + ny * kk)]!;
        const c00 = at(x.lo, y.lo, z.lo) + (at(x.hi, y.lo, z.lo) - at(x.lo, y.lo, z.lo)) * x.w;
        const c01 = at(x.lo, y.hi, z.lo) + (at(x.hi, y.hi, z.lo) - at(x.lo, y.hi, z.lo)) * x.w;
        const c10 = at(x.lo, y.lo, z.hi) + (at(x.hi, y.lo, z.hi) - at(x.lo, y.lo, z.hi)) * x.w;
        const c11 = at(x.lo, y.hi, z.hi) + (at(x.hi, y.hi, z.hi) - at(x.lo, y.hi, z.hi)) * x.w;
        const c0 = c00 + (c01 - c00) * y.w;
        const c1 = c10 + (c11 - c10) * y.w;
        data[o++] = c0 + (c1 - c0) * z.w;
      }
    }
  }
  return { data, dims: [1, size, size, size], insideFraction: inside / size ** 3 };
}

/**
 * The folder of the default encoder that ships with OncoBoard (models/patch-cnn-3d, a self-supervised 3D CNN; see
 * its MODEL_CARD.md). The PCA encoder stays available in `PATCH_PCA_ENCODER_DIR`; both take the same patches.
 */
export const DEFAULT_IMAGING_ENCODER_DIR = fileURLToPath(new URL('../../models/patch-cnn-3d', import.meta.url));
/** The linear (PCA) patch encoder, models/patch-pca-3d: the previous default. */
export const PATCH_PCA_ENCODER_DIR = fileURLToPath(new URL('../../models/patch-pca-3d', import.meta.url));
