// resample(targetSpacing): new voxel spacing on the same axes, field of view and centre preserved.
import { voxelToWorld, type Vec3, type Volume } from '../volume';
import { argumentError, defineTransform, sameTypeArray, withVoxels, type Transform } from './types';

export type InterpolationMode = 'trilinear' | 'nearest';

export interface ResampleOptions {
  /** Interpolation for the image (default 'trilinear'). Masks are always resampled with 'nearest'. */
  mode?: InterpolationMode;
}

/**
 * Grid chosen by `resample`, exported so callers can predict it:
 *  - direction is unchanged (axes are not rotated);
 *  - new dims[a] = max(1, round(dims[a]·spacing[a] / target[a])): the edge-to-edge field of view dims·spacing is
 *    kept as closely as whole voxels allow;
 *  - the new grid is centred on the old one: the world point of the old grid's centre, voxel ((n−1)/2, …),
 *    is also the centre of the new grid, so origin = centre − Σ_a ((n′_a − 1)/2)·target[a]·direction_a.
 * A new voxel index o along axis a samples the old continuous index (o − (n′−1)/2)·target/spacing + (n−1)/2.
 */
export function resampledGrid(v: Pick<Volume, 'dims' | 'spacing' | 'origin' | 'direction'>, target: Vec3): { dims: Vec3; origin: Vec3 } {
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.round((v.dims[a]! * v.spacing[a]!) / target[a]!))) as unknown as Vec3;
  const centre = voxelToWorld(v, (v.dims[0] - 1) / 2, (v.dims[1] - 1) / 2, (v.dims[2] - 1) / 2);
  const origin: number[] = [centre[0], centre[1], centre[2]];
  for (let a = 0; a < 3; a++) {
    const off = ((dims[a]! - 1) / 2) * target[a]!;
    for (let x = 0; x < 3; x++) origin[x] = origin[x]! - off * v.direction[3 * a + x]!;
  }
  return { dims, origin: [origin[0]!, origin[1]!, origin[2]!] };
}

/** Per-axis lookup: for each output index, lower input index, upper input index, weight of upper. */
type AxisTable = ReturnType<typeof axisTable>;
function axisTable(nIn: number, sIn: number, nOut: number, sOut: number) {
  const lo = new Int32Array(nOut);
  const hi = new Int32Array(nOut);
  const w = new Float64Array(nOut);
  const near = new Int32Array(nOut);
  for (let o = 0; o < nOut; o++) {
    let x = ((o - (nOut - 1) / 2) * sOut) / sIn + (nIn - 1) / 2;
    x = Math.min(Math.max(x, 0), nIn - 1); // clamp to edge: samples outside the old centres take the edge value
    // Round to 1e-9 so exact grid hits do not become 0.9999999 due to floating point.
    const xr = Math.round(x * 1e9) / 1e9;
    const f = Math.floor(xr);
    lo[o] = f;
    hi[o] = Math.min(f + 1, nIn - 1);
    w[o] = xr - f;
    near[o] = Math.min(Math.round(xr), nIn - 1);
  }
  return { lo, hi, w, near };
}

function resampleVolume(v: Volume, target: Vec3, mode: InterpolationMode): Volume {
  const { dims, origin } = resampledGrid(v, target);
  const tx = axisTable(v.dims[0], v.spacing[0], dims[0], target[0]);
  const ty = axisTable(v.dims[1], v.spacing[1], dims[1], target[1]);
  const tz = axisTable(v.dims[2], v.spacing[2], dims[2], target[2]);
  const nx = v.dims[0];
  const nxy = v.dims[0] * v.dims[1];
  const inp = v.voxels;
  const n = dims[0] * dims[1] * dims[2];
  let out;
  let o = 0;
  if (mode === 'nearest') {
    out = sameTypeArray(inp, n);
    for (let k = 0; k < dims[2]; k++) {
      const zk = tz.near[k]! * nxy;
      for (let j = 0; j < dims[1]; j++) {
        const row = zk + ty.near[j]! * nx;
        for (let i = 0; i < dims[0]; i++) out[o++] = inp[row + tx.near[i]!]!;
      }
    }
  } else {
    out = new Float32Array(n);
    for (let k = 0; k < dims[2]; k++) {
      const z0 = tz.lo[k]! * nxy, z1 = tz.hi[k]! * nxy, wz = tz.w[k]!;
      if (wz === 0) {
        // An output slice on an input slice (e.g. in-plane resampling only): bilinear in that slice, half the reads.
        o = bilinearSlice(inp, out, o, z0, nx, tx, ty, dims[0], dims[1]);
        continue;
      }
      for (let j = 0; j < dims[1]; j++) {
        const y0 = ty.lo[j]! * nx, y1 = ty.hi[j]! * nx, wy = ty.w[j]!;
        const a00 = z0 + y0, a01 = z0 + y1, a10 = z1 + y0, a11 = z1 + y1;
        for (let i = 0; i < dims[0]; i++) {
          const x0 = tx.lo[i]!, x1 = tx.hi[i]!, wx = tx.w[i]!;
          const c00 = inp[a00 + x0]! + (inp[a00 + x1]! - inp[a00 + x0]!) * wx;
          const c01 = inp[a01 + x0]! + (inp[a01 + x1]! - inp[a01 + x0]!) * wx;
          const c10 = inp[a10 + x0]! + (inp[a10 + x1]! - inp[a10 + x0]!) * wx;
          const c11 = inp[a11 + x0]! + (inp[a11 + x1]! - inp[a11 + x0]!) * wx;
          const c0 = c00 + (c01 - c00) * wy;
          const c1 = c10 + (c11 - c10) * wy;
          out[o++] = c0 + (c1 - c0) * wz;
        }
      }
    }
  }
  return withVoxels(v, out, { dims, spacing: [target[0], target[1], target[2]], origin });
}

/** Writes one output slice bilinearly from the input slice starting at `z`; returns the next output index. */
function bilinearSlice(inp: Volume['voxels'], out: Float32Array, o: number, z: number, nx: number, tx: AxisTable, ty: AxisTable, outX: number, outY: number): number {
  for (let j = 0; j < outY; j++) {
    const a0 = z + ty.lo[j]! * nx, a1 = z + ty.hi[j]! * nx, wy = ty.w[j]!;
    for (let i = 0; i < outX; i++) {
      const x0 = tx.lo[i]!, x1 = tx.hi[i]!, wx = tx.w[i]!;
      const c0 = inp[a0 + x0]! + (inp[a0 + x1]! - inp[a0 + x0]!) * wx;
      const c1 = inp[a1 + x0]! + (inp[a1 + x1]! - inp[a1 + x0]!) * wx;
      out[o++] = c0 + (c1 - c0) * wy;
    }
  }
  return o;
}

/**
 * Resamples to `targetSpacing` (mm along i, j, k) on the same axes; see `resampledGrid` for how dims and origin
 * are chosen. Image: trilinear (Float32Array out) or nearest (type preserved). Mask: always nearest, type
 * preserved, so label values stay exact. Samples beyond the outermost old voxel centres take the edge value.
 */
export function resample(targetSpacing: Vec3 | readonly number[], options: ResampleOptions = {}): Transform {
  if (!Array.isArray(targetSpacing) || targetSpacing.length !== 3 || !targetSpacing.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    argumentError(`resample: targetSpacing expected three finite millimetre values > 0, got ${JSON.stringify(targetSpacing)}`);
  }
  const mode = options.mode ?? 'trilinear';
  if (mode !== 'trilinear' && mode !== 'nearest') {
    argumentError(`resample: options.mode expected 'trilinear' or 'nearest', got ${JSON.stringify(mode)}`);
  }
  const target: Vec3 = [targetSpacing[0]!, targetSpacing[1]!, targetSpacing[2]!];
  return defineTransform('resample', { targetSpacing: [...target], mode, maskMode: 'nearest' }, (image, mask) => {
    const result: { image: Volume; mask?: Volume } = { image: resampleVolume(image, target, mode) };
    if (mask) result.mask = resampleVolume(mask, target, 'nearest');
    return result;
  });
}
