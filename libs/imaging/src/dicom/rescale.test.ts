import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@oncoboard/facts';
import { Int16RescaleKernel, maskBits, rescaleFrames, rescaleIntoInt16 } from './rescale';

/** Frames given as plain arrays of stored values, with their factors. */
const framesOf = (frames: { stored: number[]; slope: number; intercept: number; type?: 'u16' | 'i16' }[]) => (k: number) => {
  const f = frames[k]!;
  return { values: f.type === 'i16' ? Int16Array.from(f.stored) : Uint16Array.from(f.stored), slope: f.slope, intercept: f.intercept };
};

describe('rescaleFrames', () => {
  it('keeps integer results that fit 16 bits as Int16, per-frame factors applied', () => {
    const out = rescaleFrames(2, 3, framesOf([
      { stored: [0, 1024, 4095], slope: 1, intercept: -1024 },
      { stored: [0, 1, 2], slope: 2, intercept: -3 },
    ]));
    expect(out).toBeInstanceOf(Int16Array);
    expect(Array.from(out)).toEqual([-1024, 0, 3071, -3, -1, 1]);
  });

  it('promotes to Float32 at the first frame whose results leave Int16, copying the frames already written', () => {
    // Unsigned stored 40000 - 1024 = 38976 would wrap in an Int16Array; so would -32768 - 1 below it.
    const out = rescaleFrames(3, 2, framesOf([
      { stored: [0, 2000], slope: 1, intercept: -1024 },
      { stored: [40000, 5], slope: 1, intercept: -1024 },
      { stored: [7, 8], slope: 1, intercept: 0 },
    ]));
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([-1024, 976, 38976, -1019, 7, 8]);
    const below = rescaleFrames(1, 2, framesOf([{ stored: [-32768, 0], slope: 1, intercept: -1, type: 'i16' }]));
    expect(below).toBeInstanceOf(Float32Array);
    expect(Array.from(below)).toEqual([-32769, -1]);
  });

  it('uses Float32 for fractional factors, and for a negative slope checks both ends of the range', () => {
    const fractional = rescaleFrames(1, 2, framesOf([{ stored: [1, 3], slope: 0.5, intercept: 0 }]));
    expect(fractional).toBeInstanceOf(Float32Array);
    expect(Array.from(fractional)).toEqual([0.5, 1.5]);
    const laterFractional = rescaleFrames(2, 2, framesOf([
      { stored: [1, 2], slope: 1, intercept: -1 },
      { stored: [1, 2], slope: 1, intercept: 0.25 },
    ]));
    expect(laterFractional).toBeInstanceOf(Float32Array);
    expect(Array.from(laterFractional)).toEqual([0, 1, 1.25, 2.25]);
    const negative = rescaleFrames(1, 2, framesOf([{ stored: [1, 40000], slope: -1, intercept: 0 }]));
    expect(negative).toBeInstanceOf(Float32Array);
    expect(Array.from(negative)).toEqual([-1, -40000]);
  });

  it('fills values missing from a short frame with the intercept', () => {
    const out = rescaleFrames(1, 4, () => ({ values: Uint16Array.from([5, 6]), slope: 1, intercept: -10 }));
    expect(out).toBeInstanceOf(Int16Array);
    expect(Array.from(out)).toEqual([-5, -4, -10, -10]);
  });
});

describe('Int16RescaleKernel (WebAssembly SIMD)', () => {
  /** The scalar path's result for one frame: masked to BitsStored, then ×slope + intercept, and whether it fits. */
  const scalar = (stored: Int16Array | Uint16Array, bitsStored: number, slope: number, intercept: number) => {
    const values = stored.slice();
    if (bitsStored < 16) maskBits(values, bitsStored, stored instanceof Int16Array);
    const out = new Int16Array(values.length);
    return { fits: rescaleIntoInt16(out, values, 0, values.length, slope, intercept), out };
  };

  it('gives the scalar result for signed and unsigned values, any BitsStored, and lengths that are not a multiple of 8', () => {
    const random = mulberry32(7);
    for (const signed of [true, false])
      for (const bitsStored of [16, 12, 10])
        for (const length of [1, 7, 9, 64, 1001])
          for (const [slope, intercept] of [[1, -1024], [1, 0], [2, -3], [-1, 100]] as const) {
            const kernel = Int16RescaleKernel.create(length, signed, bitsStored)!;
            // Stored values use all 16 bits, so the bits above BitsStored are garbage to be masked off.
            for (let n = 0; n < length; n++) kernel.frame[n] = Math.floor(random() * 65536) - (signed ? 32768 : 0);
            const expected = scalar(kernel.frame, bitsStored, slope, intercept);
            const out = new Int16Array(length + 4).fill(99);
            const fits = kernel.rescaleInto(out, 2, slope, intercept);
            const where = `${signed ? 'signed' : 'unsigned'} ${bitsStored} bits, ${length} values, ×${slope} ${intercept}`;
            expect(fits, where).toBe(expected.fits);
            if (fits) expect(Array.from(out.subarray(2, 2 + length)), where).toEqual(Array.from(expected.out));
            expect([out[0], out[1], out[length + 2], out[length + 3]], `${where}: writes only its frame`).toEqual([99, 99, 99, 99]);
          }
  });

  it('finds one value out of Int16 range anywhere in the frame, the last of an odd-length frame included', () => {
    for (const at of [0, 5, 8, 12]) {
      const kernel = Int16RescaleKernel.create(13, false, 16)!;
      kernel.frame.fill(1000);
      kernel.frame[at] = 40000; // 40000 - 1024 > 32767
      expect(kernel.rescaleInto(new Int16Array(13), 0, 1, -1024), `at ${at}`).toBe(false);
      kernel.frame[at] = 33791; // 33791 - 1024 = 32767 still fits
      expect(kernel.rescaleInto(new Int16Array(13), 0, 1, -1024), `at ${at}, at the limit`).toBe(true);
    }
    const signed = Int16RescaleKernel.create(3, true, 16)!;
    signed.frame.set([-32768, 0, 1]);
    expect(signed.rescaleInto(new Int16Array(3), 0, 1, -1)).toBe(false); // -32769
    expect(signed.rescaleInto(new Int16Array(3), 0, 1, 0)).toBe(true);
  });

  it('lets rescaleFrames promote to Float32 with the values masked, as the scalar path does', () => {
    // 12 bits stored; bit 15 set above them is garbage: 0x8000 | 100 is 100. The second frame needs Float32, and
    // the third (read, as native frames are, straight into the kernel's input) is written as Float32 too.
    const kernel = Int16RescaleKernel.create(2, false, 12)!;
    const frames = [Uint16Array.from([0x8000 | 100, 4095]), Uint16Array.from([4095, 0x8000 | 7]), Uint16Array.from([0x8000 | 5, 0xf000 | 6])];
    const out = rescaleFrames(3, 2, (k) => (kernel.load(frames[k]!), { values: kernel.frame, slope: k === 1 ? 16 : 1, intercept: -1024 }), kernel);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([-924, 3071, 4095 * 16 - 1024, 7 * 16 - 1024, 5 - 1024, 6 - 1024]);
  });

  it('accepts only integer factors small enough for 32-bit arithmetic', () => {
    expect(Int16RescaleKernel.accepts(1, -1024)).toBe(true);
    expect(Int16RescaleKernel.accepts(0.5, 0)).toBe(false);
    expect(Int16RescaleKernel.accepts(1, 0.25)).toBe(false);
    expect(Int16RescaleKernel.accepts(40000, 0)).toBe(false);
    expect(Int16RescaleKernel.accepts(1, 70000)).toBe(false);
  });

  it('is built from its committed source (scripts/build-wasm.ts --check)', () => {
    const lib = join(dirname(fileURLToPath(import.meta.url)), '../..');
    const check = spawnSync(process.execPath, ['--import', 'tsx', join(lib, 'scripts/build-wasm.ts'), '--check'], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain('rescale-int16.wat: up to date');
    expect(check.status).toBe(0);
  });
});
