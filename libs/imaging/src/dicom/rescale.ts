// RescaleSlope / RescaleIntercept into real-world values (HU for CT), frame by frame into one volume.
// Integer factors whose results fit 16 bits give an Int16Array, as dcm2niix writes: half the bytes of Float32,
// and the profile of a 512×512×300 CT read put most of the reader's time in the first write to the freshly
// allocated volume (page faults), which scales with its bytes. Anything else (fractional factors, a result
// outside −32768…32767 in any frame) gives Float32Array; the values are the same either way.
import type { VoxelArray } from '../volume';
import { WASM_BASE64 } from './wasm/rescale-int16.wasm';

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
 * exact copy of the frames already written) at the first frame that does not. With `kernel` (for which every
 * frame's factors must pass Int16RescaleKernel.accepts) the Int16 frames are rescaled in WebAssembly, and the
 * values `frame` returns need not be masked to BitsStored yet: the kernel masks them.
 */
export function rescaleFrames(
  frames: number,
  perSlice: number,
  frame: (k: number) => { values: VoxelArray; slope: number; intercept: number },
  kernel?: Int16RescaleKernel,
): RescaledArray {
  let out: RescaledArray | undefined;
  for (let k = 0; k < frames; k++) {
    let { values, slope, intercept } = frame(k);
    const base = k * perSlice;
    const integral = Number.isInteger(slope) && Number.isInteger(intercept);
    out ??= integral ? new Int16Array(frames * perSlice) : new Float32Array(frames * perSlice);
    if (out instanceof Int16Array) {
      if (kernel) {
        if (values !== kernel.frame) kernel.load(values);
        if (kernel.rescaleInto(out, base, slope, intercept)) continue;
      } else if (integral && rescaleIntoInt16(out, values, base, perSlice, slope, intercept)) continue;
      const promoted = new Float32Array(frames * perSlice);
      promoted.set(out.subarray(0, base)); // element-wise conversion: exact for Int16 values
      out = promoted;
    }
    // Frames read straight into the kernel's input are not masked yet (this frame and every one after a promotion).
    if (kernel && values === kernel.frame) values = kernel.maskedFrame();
    rescaleInto(out, values, base, perSlice, slope, intercept);
  }
  return out ?? new Float32Array(0);
}

/**
 * The integer rescale of 16-bit stored frames in WebAssembly SIMD (wasm/rescale-int16.wat): masking to BitsStored,
 * ×slope + intercept in 32 bits and the Int16 range check, eight values at a time. The scalar loop above was
 * ~0.8 s of the 1.0 s read of the 512×512×300 bench CT (profiled, ~10 ns a voxel); this kernel takes ~0.05 s.
 * Write a frame's stored values into `frame` (WebAssembly memory), then call `rescaleInto`.
 */
export class Int16RescaleKernel {
  /** Where the next frame's stored values go. */
  readonly frame: Int16Array | Uint16Array;
  /** `frame` and its padding to a multiple of 8 values. */
  readonly #input: Int16Array;
  readonly #output: Int16Array;
  readonly #rescale: RescaleExport;
  readonly #unsigned: number;
  readonly #shift: number;

  private constructor(perSlice: number, signed: boolean, bitsStored: number) {
    const padded = Math.ceil(perSlice / 8) * 8;
    const { memory, rescale } = new WebAssembly.Instance(int16RescaleModule()).exports as {
      memory: WebAssembly.Memory;
      rescale: RescaleExport;
    };
    const pages = Math.ceil((4 * padded) / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages);
    this.#rescale = rescale;
    this.frame = new (signed ? Int16Array : Uint16Array)(memory.buffer, 0, perSlice);
    this.#input = new Int16Array(memory.buffer, 0, padded);
    this.#output = new Int16Array(memory.buffer, 2 * padded, padded);
    this.#unsigned = signed ? 0 : 1;
    this.#shift = bitsStored > 0 && bitsStored < 16 ? 16 - bitsStored : 0;
  }

  /** A kernel for frames of `perSlice` 16-bit values, or undefined where WebAssembly SIMD is unavailable. */
  static create(perSlice: number, signed: boolean, bitsStored: number): Int16RescaleKernel | undefined {
    try {
      return new Int16RescaleKernel(perSlice, signed, bitsStored);
    } catch {
      return undefined;
    }
  }

  /** Copies a frame's stored values into `frame` (a short frame is completed with zeros, as rescaleInto does). */
  load(values: VoxelArray): void {
    const n = Math.min(values.length, this.frame.length);
    this.frame.set(values.length > n ? values.subarray(0, n) : values);
    this.frame.fill(0, n);
  }

  /** Whether the kernel takes these factors: integers small enough that no product or sum leaves 32 bits. */
  static accepts(slope: number, intercept: number): boolean {
    return Number.isInteger(slope) && Number.isInteger(intercept) && Math.abs(slope) <= 32767 && Math.abs(intercept) <= 65536;
  }

  /**
   * out[base + n] = masked(frame[n]) · slope + intercept for the whole frame; false when some result does not
   * fit Int16 (the frame is then written saturated and must be written again as Float32).
   */
  rescaleInto(out: Int16Array, base: number, slope: number, intercept: number): boolean {
    const n = this.frame.length;
    if (n === 0) return true;
    // The padding lanes repeat the last value, so they cannot change the range check.
    this.#input.fill(this.#input[n - 1]!, n);
    const fits = this.#rescale(0, this.#output.byteOffset, this.#input.length, slope, intercept, this.#unsigned, this.#shift) === 1;
    out.set(this.#output.subarray(0, n), base);
    return fits;
  }

  /** `frame` masked to BitsStored in place (in JavaScript: only frames written as Float32 need it). */
  maskedFrame(): Int16Array | Uint16Array {
    if (this.#shift > 0) maskBits(this.frame, 16 - this.#shift, this.#unsigned === 0);
    return this.frame;
  }
}

/** (src, dst, n, slope, intercept, unsigned, shift) → 1 when every result fits Int16; see rescale-int16.wat. */
type RescaleExport = (src: number, dst: number, n: number, slope: number, intercept: number, unsigned: number, shift: number) => number;

/** Bits above BitsStored may hold overlays or garbage; the standard says to ignore them. */
export function maskBits(values: VoxelArray, bitsStored: number, signed: boolean): void {
  const shift = 32 - bitsStored;
  for (let n = 0; n < values.length; n++) {
    const v = values[n] ?? 0;
    values[n] = signed ? (v << shift) >> shift : (v << shift) >>> shift;
  }
}

let compiledInt16Rescale: WebAssembly.Module | undefined;
function int16RescaleModule(): WebAssembly.Module {
  compiledInt16Rescale ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
  return compiledInt16Rescale;
}
