// Exact spatial crops/pads (voxel type preserved, origin moved so world positions of kept voxels are unchanged).
import { voxelToWorld, type Vec3, type Volume } from '../volume';
import { argumentError, defineTransform, representable, sameTypeArray, withVoxels, type Transform } from './types';

/**
 * Copies the box starting at input voxel `start` (may be negative / run past the end) of size `dims`; voxels
 * outside the input get `fill`. Origin becomes the world position of input voxel `start`.
 */
export function extractBox(v: Volume, start: Vec3, dims: Vec3, fill: number): Volume {
  const out = sameTypeArray(v.voxels, dims[0] * dims[1] * dims[2]);
  if (fill !== 0) out.fill(fill);
  const [nx, ny, nz] = v.dims;
  const inp = v.voxels;
  const i0 = Math.max(0, -start[0]);
  const i1 = Math.min(dims[0], nx - start[0]);
  for (let k = 0; k < dims[2]; k++) {
    const sk = k + start[2];
    if (sk < 0 || sk >= nz) continue;
    for (let j = 0; j < dims[1]; j++) {
      const sj = j + start[1];
      if (sj < 0 || sj >= ny) continue;
      const rowIn = nx * (sj + ny * sk) + start[0];
      const rowOut = dims[0] * (j + dims[1] * k);
      for (let i = i0; i < i1; i++) out[rowOut + i] = inp[rowIn + i]!;
    }
  }
  return withVoxels(v, out, { dims, origin: voxelToWorld(v, start[0], start[1], start[2]) });
}

/** Inclusive voxel bounding box of mask > 0, or null when the mask is empty. */
export function maskBoundingBox(mask: Volume): { min: Vec3; max: Vec3 } | null {
  const [nx, ny, nz] = mask.dims;
  const m = mask.voxels;
  let minI = Infinity, minJ = Infinity, minK = Infinity, maxI = -1, maxJ = -1, maxK = -1;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        if (m[p]! > 0) {
          if (i < minI) minI = i;
          if (i > maxI) maxI = i;
          if (j < minJ) minJ = j;
          if (j > maxJ) maxJ = j;
          if (k < minK) minK = k;
          if (k > maxK) maxK = k;
        }
      }
    }
  }
  if (maxI < 0) return null;
  return { min: [minI, minJ, minK], max: [maxI, maxJ, maxK] };
}

/**
 * Crops image and mask to the bounding box of mask > 0 grown by `marginMm` on every side (ceil(margin/spacing)
 * voxels per axis), clipped to the volume. Requires a mask with at least one voxel > 0.
 */
export function cropAroundMask(marginMm: number): Transform {
  if (typeof marginMm !== 'number' || !Number.isFinite(marginMm) || marginMm < 0) {
    argumentError(`cropAroundMask: marginMm expected a finite number ≥ 0, got ${JSON.stringify(marginMm)}`);
  }
  return defineTransform('cropAroundMask', { marginMm }, (image, mask) => {
    if (!mask) argumentError('cropAroundMask: input.mask expected a label Volume on the image grid, got undefined');
    const box = maskBoundingBox(mask);
    if (!box) argumentError('cropAroundMask: input.mask expected at least one voxel > 0, got an empty mask');
    const start = [0, 0, 0];
    const dims = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      const m = Math.ceil(marginMm / image.spacing[a]! - 1e-9);
      const s = Math.max(0, box.min[a]! - m);
      const e = Math.min(image.dims[a]! - 1, box.max[a]! + m);
      start[a] = s;
      dims[a] = e - s + 1;
    }
    const st = start as unknown as Vec3;
    const dm = dims as unknown as Vec3;
    return { image: extractBox(image, st, dm, 0), mask: extractBox(mask, st, dm, 0) };
  });
}

/**
 * Centred crop and/or pad to exactly `dims`. Per axis the offset is floor((n − target)/2): cropping removes the
 * extra voxel (odd difference) from the end, padding adds it at the end. Image pads with `padValue` (must be
 * representable in the image's voxel type), mask pads with 0. Voxel types preserved.
 */
export function cropOrPad(dims: Vec3 | readonly number[], padValue = 0): Transform {
  if (!Array.isArray(dims) || dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d > 0)) {
    argumentError(`cropOrPad: dims expected three positive integers, got ${JSON.stringify(dims)}`);
  }
  if (typeof padValue !== 'number' || Number.isNaN(padValue)) argumentError(`cropOrPad: padValue expected a number, got ${JSON.stringify(padValue)}`);
  const target: Vec3 = [dims[0]!, dims[1]!, dims[2]!];
  return defineTransform('cropOrPad', { dims: [...target], padValue }, (image, mask) => {
    if (!representable(image.voxels, padValue)) {
      argumentError(`cropOrPad: padValue expected a value representable in the image's ${image.voxels.constructor.name}, got ${padValue}`);
    }
    const start = [0, 1, 2].map((a) => Math.floor((image.dims[a]! - target[a]!) / 2)) as unknown as Vec3;
    const result: { image: Volume; mask?: Volume } = { image: extractBox(image, start, target, padValue) };
    if (mask) result.mask = extractBox(mask, start, target, 0);
    return result;
  });
}
