// ROI preparation shared by every radiomics family: grid checks, ROI extraction and intensity discretisation
// (IBSI 1 reference manual, chapter 2 "image processing": re-segmentation is not applied here).
import type { Volume } from '../volume';

export type Discretisation =
  /** Intensities are already positive integer grey levels 1..Ng (the IBSI digital phantom). */
  | { method: 'none' }
  /** Fixed bin number: floor(Nb·(X − Xmin)/(Xmax − Xmin)) + 1, Xmax mapped to Nb. */
  | { method: 'fbn'; bins: number }
  /** Fixed bin size: floor((X − min)/w) + 1, min defaults to the ROI minimum. */
  | { method: 'fbs'; binWidth: number; min?: number };

export class RadiomicsInputError extends Error {
  override name = 'RadiomicsInputError';
}

export interface Roi {
  dims: readonly [number, number, number];
  spacing: readonly [number, number, number];
  /** 1 inside the ROI, 0 outside, per voxel of the grid. */
  inRoi: Uint8Array;
  /** Linear indices of ROI voxels, ascending. */
  indices: Int32Array;
  /** Original intensities of the ROI voxels (same order as indices). */
  values: Float64Array;
}

const GRID_EPS = 1e-4;

/** Checks that mask and image share one grid (dims, spacing, origin, direction, array length). */
export function checkSameGrid(image: Volume, mask: Volume): void {
  const src = (v: Volume, what: string) => `${what}${v.source ? ` (${v.source})` : ''}`;
  for (let a = 0; a < 3; a++) {
    if (image.dims[a] !== mask.dims[a]) {
      throw new RadiomicsInputError(
        `radiomics: mask ${src(mask, 'mask')} grid ${mask.dims.join('x')} does not match image ${src(image, 'image')} grid ${image.dims.join('x')}`,
      );
    }
    if (Math.abs(image.spacing[a]! - mask.spacing[a]!) > GRID_EPS || Math.abs(image.origin[a]! - mask.origin[a]!) > GRID_EPS) {
      throw new RadiomicsInputError(
        `radiomics: mask ${src(mask, 'mask')} geometry (spacing ${mask.spacing.join(',')}, origin ${mask.origin.join(',')}) does not match image ${src(image, 'image')} (spacing ${image.spacing.join(',')}, origin ${image.origin.join(',')})`,
      );
    }
  }
  for (let a = 0; a < 9; a++) {
    if (Math.abs(image.direction[a]! - mask.direction[a]!) > GRID_EPS) {
      throw new RadiomicsInputError(`radiomics: mask ${src(mask, 'mask')} direction does not match image ${src(image, 'image')}`);
    }
  }
  const n = image.dims[0] * image.dims[1] * image.dims[2];
  if (image.voxels.length !== n || mask.voxels.length !== n) {
    throw new RadiomicsInputError(`radiomics: voxel array length does not match dims ${image.dims.join('x')}`);
  }
}

/** Validates the grids and extracts the ROI (mask > 0); throws RadiomicsInputError for an empty mask. */
export function prepareRoi(image: Volume, mask: Volume): Roi {
  checkSameGrid(image, mask);
  const src = (v: Volume, what: string) => `${what}${v.source ? ` (${v.source})` : ''}`;
  const n = image.dims[0] * image.dims[1] * image.dims[2];
  const inRoi = new Uint8Array(n);
  let count = 0;
  const mv = mask.voxels;
  for (let i = 0; i < n; i++) {
    if (mv[i]! > 0) {
      inRoi[i] = 1;
      count++;
    }
  }
  if (count === 0) {
    throw new RadiomicsInputError(`radiomics: mask ${src(mask, 'mask')} is empty (no voxel > 0); nothing to compute`);
  }
  const indices = new Int32Array(count);
  const values = new Float64Array(count);
  const iv = image.voxels;
  for (let i = 0, c = 0; i < n; i++) {
    if (inRoi[i]) {
      indices[c] = i;
      const x = iv[i]!;
      if (!Number.isFinite(x)) throw new RadiomicsInputError(`radiomics: image ${src(image, 'image')} has a non-finite value inside the mask at voxel ${i}`);
      values[c++] = x;
    }
  }
  return { dims: image.dims, spacing: image.spacing, inRoi, indices, values };
}

export interface Discretised {
  /** Grey level per grid voxel: 1..ng inside the ROI, 0 outside. */
  grey: Int32Array;
  /** Grey levels of the ROI voxels, same order as Roi.indices. */
  levels: Int32Array;
  ng: number;
}

export function discretise(roi: Roi, d: Discretisation): Discretised {
  const { values, indices } = roi;
  const m = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < m; i++) {
    const x = values[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const levels = new Int32Array(m);
  if (d.method === 'none') {
    for (let i = 0; i < m; i++) {
      const x = values[i]!;
      if (x < 1 || Math.round(x) !== x) {
        throw new RadiomicsInputError(`radiomics: discretisation 'none' needs integer grey levels >= 1 in the ROI, found ${x}`);
      }
      levels[i] = x;
    }
  } else if (d.method === 'fbn') {
    const nb = d.bins;
    if (!(nb >= 1) || Math.round(nb) !== nb) throw new RadiomicsInputError(`radiomics: fbn bins must be a positive integer, got ${nb}`);
    const span = max - min;
    for (let i = 0; i < m; i++) {
      const x = values[i]!;
      levels[i] = span > 0 ? Math.min(nb, Math.floor((nb * (x - min)) / span) + 1) : 1;
    }
  } else {
    const w = d.binWidth;
    if (!(w > 0)) throw new RadiomicsInputError(`radiomics: fbs binWidth must be > 0, got ${w}`);
    const lo = d.min ?? min;
    for (let i = 0; i < m; i++) levels[i] = Math.max(1, Math.floor((values[i]! - lo) / w) + 1);
  }
  let ng = 0;
  for (let i = 0; i < m; i++) if (levels[i]! > ng) ng = levels[i]!;
  const grey = new Int32Array(roi.inRoi.length);
  for (let i = 0; i < m; i++) grey[indices[i]!] = levels[i]!;
  return { grey, levels, ng };
}

/** Offsets (di, dj, dk) of the 13 unique 3D directions, or the 4 in-plane ones when `planar`. */
export function directions(planar: boolean): number[][] {
  const out: number[][] = [];
  for (let dk = planar ? 0 : -1; dk <= (planar ? 0 : 1); dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const pos = dk > 0 || (dk === 0 && dj > 0) || (dk === 0 && dj === 0 && di > 0);
        if (pos) out.push([di, dj, dk]);
      }
  return out;
}

/** All neighbour offsets at Chebyshev distance 1: 26 in 3D, 8 in-plane when `planar`. */
export function neighbours(planar: boolean): number[][] {
  const out: number[][] = [];
  for (let dk = planar ? 0 : -1; dk <= (planar ? 0 : 1); dk++)
    for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) if (di || dj || dk) out.push([di, dj, dk]);
  return out;
}

/** Face neighbours: 6 in 3D, 4 in-plane when `planar`. */
export function faceNeighbours(planar: boolean): number[][] {
  const out = [
    [1, 0, 0],
    [-1, 0, 0],
    [0, 1, 0],
    [0, -1, 0],
  ];
  if (!planar) out.push([0, 0, 1], [0, 0, -1]);
  return out;
}

/** Linear index of voxel idx shifted by offset o, or -1 when that leaves the grid. */
export function shift(dims: readonly [number, number, number], i: number, j: number, k: number, o: number[]): number {
  const a = i + o[0]!;
  const b = j + o[1]!;
  const c = k + o[2]!;
  if (a < 0 || b < 0 || c < 0 || a >= dims[0] || b >= dims[1] || c >= dims[2]) return -1;
  return a + dims[0] * (b + dims[1] * c);
}

export const log2 = Math.log2;

/**
 * Crops image and mask to the mask's bounding box plus `margin` voxels (clamped to the grid). Every feature but
 * local intensity only looks at the ROI and its immediate neighbours, so this keeps the work proportional to
 * the ROI's box instead of the whole scan.
 */
export function cropToMask(
  image: Volume,
  mask: Volume,
  margin = 1,
): { image: Volume<Float64Array>; mask: Volume<Uint8Array>; offset: [number, number, number] } | null {
  const [nx, ny, nz] = mask.dims;
  const mv = mask.voxels;
  let i0 = nx, j0 = ny, k0 = nz, i1 = -1, j1 = -1, k1 = -1;
  for (let k = 0, q = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, q++)
        if (mv[q]! > 0) {
          if (i < i0) i0 = i;
          if (i > i1) i1 = i;
          if (j < j0) j0 = j;
          if (j > j1) j1 = j;
          if (k < k0) k0 = k;
          if (k > k1) k1 = k;
        }
  if (i1 < 0) return null;
  i0 = Math.max(0, i0 - margin); j0 = Math.max(0, j0 - margin); k0 = Math.max(0, k0 - margin);
  i1 = Math.min(nx - 1, i1 + margin); j1 = Math.min(ny - 1, j1 + margin); k1 = Math.min(nz - 1, k1 + margin);
  const dims = [i1 - i0 + 1, j1 - j0 + 1, k1 - k0 + 1] as const;
  const n = dims[0] * dims[1] * dims[2];
  const iv = new Float64Array(n);
  const cm = new Uint8Array(n);
  const src = image.voxels;
  for (let k = 0, q = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) {
      const row = i0 + nx * (j0 + j + ny * (k0 + k));
      for (let i = 0; i < dims[0]; i++, q++) {
        iv[q] = src[row + i]!;
        cm[q] = mv[row + i]! > 0 ? 1 : 0;
      }
    }
  const d = image.direction;
  const s = image.spacing;
  const a = i0 * s[0], b = j0 * s[1], c = k0 * s[2];
  const origin = [
    image.origin[0] + a * d[0] + b * d[3] + c * d[6],
    image.origin[1] + a * d[1] + b * d[4] + c * d[7],
    image.origin[2] + a * d[2] + b * d[5] + c * d[8],
  ] as const;
  const geom = { dims, spacing: image.spacing, origin, direction: image.direction };
  return { image: { ...geom, voxels: iv, source: image.source }, mask: { ...geom, voxels: cm, source: mask.source }, offset: [i0, j0, k0] };
}
