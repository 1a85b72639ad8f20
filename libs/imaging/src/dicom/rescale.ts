// RescaleSlope / RescaleIntercept into real-world values (HU for CT), frame by frame into one volume.
// Integer factors whose results fit 16 bits give an Int16Array, as dcm2niix writes: half the bytes of Float32,
// and the profile of a 512×512×300 CT read put most of the reader's time in the first write to the freshly
// allocated volume (page faults), which scales with its bytes. Anything else (fractional factors, a result
// outside −32768…32767 in any frame) gives Float32Array; the values are the same either way.
import type { VoxelArray } from '../volume';

export type RescaledArray = Int16Array | Float32Array;

/**
 * out[base + n] = values[n] · slope + intercept for n < count (a missing value counts as 0). The factors are
 * hoisted and the loop is its own function: written inline it was ~2/3 of the read (per-voxel property loads and
 * a nullish check on a union-typed array).
 */
export function rescaleInto(out: RescaledArray, values: VoxelArray, base: number, count: number, slope: number, intercept: number): void {
  const n = Math.min(count, values.length);
  for (let i = 0; i < n; i++) out[base + i] = values[i]! * slope + intercept;
  if (n < count) out.fill(intercept, base + n, base + count);
}

/**
 * rescaleInto for an Int16Array, in the same pass finding whether every result fitted: false means some value
 * wrapped and the frame must be written again as Float32. The factors must be integers.
 */
export function rescaleIntoInt16(out: Int16Array, values: VoxelArray, base: number, count: number, slope: number, intercept: number): boolean {
  const n = Math.min(count, values.length);
  let min = intercept;
  let max = intercept;
  for (let i = 0; i < n; i++) {
    const r = values[i]! * slope + intercept;
    out[base + i] = r;
    if (r < min) min = r;
    else if (r > max) max = r;
  }
  if (n < count) out.fill(intercept, base + n, base + count);
  return min >= -32768 && max <= 32767;
}

/**
 * Rescales `frames` frames of `perSlice` values into one volume: Int16Array while every frame's factors are
 * integers and its results fit (checked per frame, so nothing stays wrapped), promoted once to Float32Array (an
 * exact copy of the frames already written) at the first frame that does not.
 */
export function rescaleFrames(
  frames: number,
  perSlice: number,
  frame: (k: number) => { values: VoxelArray; slope: number; intercept: number },
): RescaledArray {
  let out: RescaledArray | undefined;
  for (let k = 0; k < frames; k++) {
    const { values, slope, intercept } = frame(k);
    const base = k * perSlice;
    const integral = Number.isInteger(slope) && Number.isInteger(intercept);
    out ??= integral ? new Int16Array(frames * perSlice) : new Float32Array(frames * perSlice);
    if (out instanceof Int16Array) {
      if (integral && rescaleIntoInt16(out, values, base, perSlice, slope, intercept)) continue;
      const promoted = new Float32Array(frames * perSlice);
      promoted.set(out.subarray(0, base)); // element-wise conversion: exact for Int16 values
      out = promoted;
    }
    rescaleInto(out, values, base, perSlice, slope, intercept);
  }
  return out ?? new Float32Array(0);
}
