import { describe, expect, it } from 'vitest';
import { rescaleFrames } from './rescale';

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
