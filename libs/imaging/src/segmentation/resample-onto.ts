// resampleMaskOnto: put a label mask defined on any grid (a DICOM SEG's own frames, a NIfTI from another tool)
// onto an image's grid through world coordinates, so measurement and radiomics can use it voxel for voxel.
// Nearest neighbour only: labels are categories, interpolating them would invent labels.

import { sameTypeArray, TransformArgumentError, validateVolume } from '../transforms/types';
import type { Vec3, Volume, VolumeGeometry } from '../volume';

export interface ResampleMaskOntoResult {
  /** The mask on the reference grid (reference dims/spacing/origin/direction), same typed array type as the input. */
  mask: Volume;
  /**
   * Labelled mask voxels whose centre lies outside the reference field of view (the reference voxels' boxes):
   * that part of the segmentation cannot be represented on the image, so callers should warn.
   */
  droppedVoxels: number;
  /** droppedVoxels split by label value. */
  droppedByLabel: Map<number, number>;
  /** Labels present in the input mask but absent from the result (entirely outside, or thinner than a voxel). */
  lostLabels: number[];
}

/** Snap to 1e-6 voxel before rounding, so exact grid hits / half-way points do not flip on floating point noise. */
function nearest(x: number): number {
  return Math.floor(Math.round(x * 1e6) / 1e6 + 0.5);
}

function checkGeometry(g: VolumeGeometry, arg: string): void {
  const fail = (m: string): never => {
    throw new TransformArgumentError(m);
  };
  if (!g || typeof g !== 'object') fail(`${arg}: expected a VolumeGeometry, got ${typeof g}`);
  if (!Array.isArray(g.dims) || g.dims.length !== 3 || !g.dims.every((d) => Number.isInteger(d) && d > 0)) {
    fail(`${arg}.dims: expected three positive integers, got ${JSON.stringify(g.dims)}`);
  }
  if (!Array.isArray(g.spacing) || g.spacing.length !== 3 || !g.spacing.every((s) => Number.isFinite(s) && s > 0)) {
    fail(`${arg}.spacing: expected three finite millimetre values > 0, got ${JSON.stringify(g.spacing)}`);
  }
  if (!Array.isArray(g.origin) || g.origin.length !== 3 || !g.origin.every((o) => Number.isFinite(o))) {
    fail(`${arg}.origin: expected three finite numbers, got ${JSON.stringify(g.origin)}`);
  }
  const d = g.direction;
  if (!Array.isArray(d) || d.length !== 9 || !d.every((x) => Number.isFinite(x))) {
    fail(`${arg}.direction: expected nine finite numbers (three unit vectors), got ${JSON.stringify(d)}`);
  }
  for (let a = 0; a < 3; a++) {
    const n = Math.hypot(d[3 * a]!, d[3 * a + 1]!, d[3 * a + 2]!);
    if (Math.abs(n - 1) > 1e-3) fail(`${arg}.direction: axis ${a} expected a unit vector, has length ${n}`);
  }
}

/**
 * Affine map from continuous voxel coordinates of `from` to those of `to` (both orthonormal directions):
 * to = A·from + b, returned as A (row-major 3×3) and b. Composing once avoids a world round trip per voxel.
 */
function voxelToVoxel(from: VolumeGeometry, to: VolumeGeometry): { A: number[]; b: Vec3 } {
  const A = new Array<number>(9).fill(0);
  const df = from.direction;
  const dt = to.direction;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      // Column c of `from` in world: spacing_f[c]·df_c; row r of world→to: dt_r / spacing_t[r].
      let s = 0;
      for (let x = 0; x < 3; x++) s += dt[3 * r + x]! * df[3 * c + x]!;
      A[3 * r + c] = (s * from.spacing[c]!) / to.spacing[r]!;
    }
  }
  const b: number[] = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    let s = 0;
    for (let x = 0; x < 3; x++) s += dt[3 * r + x]! * (from.origin[x]! - to.origin[x]!);
    b[r] = s / to.spacing[r]!;
  }
  return { A, b: [b[0]!, b[1]!, b[2]!] };
}

/**
 * Nearest-neighbour resampling of a label mask onto `reference`'s grid: each reference voxel centre is mapped
 * to world and then into the mask's voxel coordinates (worldToVoxel), and takes the label of the mask voxel
 * containing it; 0 where that falls outside the mask. Orientation, spacing and origin may all differ.
 * Directions must be orthonormal (as the readers guarantee). Labels are copied exactly, type preserved.
 */
export function resampleMaskOnto(mask: Volume, reference: VolumeGeometry): ResampleMaskOntoResult {
  validateVolume(mask, 'resampleMaskOnto: mask');
  checkGeometry(reference, 'resampleMaskOnto: reference');
  const [nx, ny, nz] = reference.dims;
  const [mx, my, mz] = mask.dims;
  const src = mask.voxels;
  const out = sameTypeArray(src, nx * ny * nz);
  const { A, b } = voxelToVoxel(reference, mask);
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const bx = b[0] + A[1]! * j + A[2]! * k;
      const by = b[1] + A[4]! * j + A[5]! * k;
      const bz = b[2] + A[7]! * j + A[8]! * k;
      for (let i = 0; i < nx; i++, o++) {
        const u = nearest(bx + A[0]! * i);
        if (u < 0 || u >= mx) continue;
        const v = nearest(by + A[3]! * i);
        if (v < 0 || v >= my) continue;
        const w = nearest(bz + A[6]! * i);
        if (w < 0 || w >= mz) continue;
        out[o] = src[u + mx * (v + my * w)]!;
      }
    }
  }

  // Forward check: which labelled mask voxels have no place on the reference grid.
  const back = voxelToVoxel(mask, reference);
  const F = back.A;
  const c = back.b;
  const droppedByLabel = new Map<number, number>();
  const inputLabels = new Set<number>();
  let dropped = 0;
  let p = 0;
  for (let w = 0; w < mz; w++) {
    for (let v = 0; v < my; v++) {
      for (let u = 0; u < mx; u++, p++) {
        const label = src[p]!;
        if (label === 0) continue;
        inputLabels.add(label);
        const i = nearest(c[0] + F[0]! * u + F[1]! * v + F[2]! * w);
        const j = nearest(c[1] + F[3]! * u + F[4]! * v + F[5]! * w);
        const k = nearest(c[2] + F[6]! * u + F[7]! * v + F[8]! * w);
        if (i < 0 || i >= nx || j < 0 || j >= ny || k < 0 || k >= nz) {
          dropped++;
          droppedByLabel.set(label, (droppedByLabel.get(label) ?? 0) + 1);
        }
      }
    }
  }
  const outputLabels = new Set<number>();
  for (let q = 0; q < out.length; q++) if (out[q] !== 0) outputLabels.add(out[q]!);
  const lostLabels = [...inputLabels].filter((l) => !outputLabels.has(l)).sort((x, y) => x - y);

  const result: Volume = {
    voxels: out,
    dims: [nx, ny, nz],
    spacing: [...reference.spacing] as unknown as Vec3,
    origin: [...reference.origin] as unknown as Vec3,
    direction: [...reference.direction] as unknown as Volume['direction'],
  };
  if (mask.source !== undefined) result.source = mask.source;
  return { mask: result, droppedVoxels: dropped, droppedByLabel, lostLabels };
}
