import { describe, expect, it } from 'vitest';
import { voxelIndex, voxelToWorld, worldToVoxel, type Direction, type Vec3, type Volume } from '../volume';
import {
  axisCodesOf, compose, cropAroundMask, cropOrPad, normalize, orient, resample, resampledGrid,
  windowClip, windowPreset, WINDOW_PRESETS, type TransformState,
} from './index';
import { ellipsoid, makeVolume } from './testing';

const c30 = Math.cos(Math.PI / 6);
const s30 = Math.sin(Math.PI / 6);
// Oblique, permuted: i ≈ +y (P), j ≈ −x (R), k = −z (I).
const OBLIQUE: Direction = [s30, c30, 0, -c30, s30, 0, 0, 0, -1];

const start = (image: Volume, mask?: Volume): TransformState => (mask ? { image, mask, record: [] } : { image, record: [] });

function randomish(dims: Vec3, spacing: Vec3, origin: Vec3, direction: Direction) {
  return makeVolume(Int16Array, dims, spacing, origin, direction, (i, j, k) => ((i * 7 + j * 13 + k * 29) % 97) - 40);
}

describe('orient', () => {
  it('reorders LPS to RAS exactly and back again (identity)', () => {
    const img = randomish([4, 5, 6], [0.5, 0.8, 3], [-10, 20, 5], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const ras = orient('RAS').apply(start(img));
    expect(axisCodesOf(ras.image.direction)).toBe('RAS');
    expect(ras.image.voxels).toBeInstanceOf(Int16Array);
    expect(ras.image.direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    // Every output voxel carries the value of the input voxel at the same world point.
    for (const [i, j, k] of [[0, 0, 0], [3, 4, 5], [1, 2, 3]] as const) {
      const w = voxelToWorld(ras.image, i, j, k);
      const [a, b, c] = worldToVoxel(img, ...w).map((x) => Math.round(x)) as [number, number, number];
      expect(ras.image.voxels[voxelIndex(ras.image.dims, i, j, k)]).toBe(img.voxels[voxelIndex(img.dims, a, b, c)]);
    }
    const back = orient('LPS').apply(ras);
    expect(back.image.voxels).toEqual(img.voxels);
    expect(back.image.dims).toEqual(img.dims);
    expect(back.image.spacing).toEqual(img.spacing);
    back.image.origin.forEach((x, n) => expect(x).toBeCloseTo(img.origin[n]!, 9));
    back.image.direction.forEach((x, n) => expect(x).toBeCloseTo(img.direction[n]!, 12));
    expect(back.record.map((r) => r.name)).toEqual(['orient', 'orient']);
  });

  it('permutes and flips an oblique grid, keeping every voxel at its world position', () => {
    const img = randomish([3, 4, 5], [0.7, 1.1, 2.5], [5, -3, 40], OBLIQUE);
    expect(axisCodesOf(img.direction)).toBe('PRI');
    const mask = makeVolume(Uint8Array, img.dims, img.spacing, img.origin, img.direction, (i, j, k) => (i === 1 && j === 2 && k === 3 ? 5 : 0));
    const out = orient('LPS').apply(start(img, mask));
    expect(axisCodesOf(out.image.direction)).toBe('LPS');
    expect(out.image.dims).toEqual([4, 3, 5]);
    expect(out.image.spacing).toEqual([1.1, 0.7, 2.5]);
    for (let k = 0; k < 5; k++)
      for (let j = 0; j < 3; j++)
        for (let i = 0; i < 4; i++) {
          const w = voxelToWorld(out.image, i, j, k);
          const src = worldToVoxel(img, ...w);
          src.forEach((x) => expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-9));
          const [a, b, c] = src.map(Math.round) as [number, number, number];
          expect(out.image.voxels[voxelIndex(out.image.dims, i, j, k)]).toBe(img.voxels[voxelIndex(img.dims, a, b, c)]);
        }
    // The marked mask voxel stays at the same world point.
    const p = out.mask!.voxels.indexOf(5);
    const i = p % 4, j = Math.floor(p / 4) % 3, k = Math.floor(p / 12);
    const w = voxelToWorld(out.mask!, i, j, k);
    const w0 = voxelToWorld(mask, 1, 2, 3);
    w.forEach((x, n) => expect(x).toBeCloseTo(w0[n]!, 9));
  });

  it('rejects bad axis codes with a clear message', () => {
    expect(() => orient('LPX')).toThrow(/axcodes expected .*'LPS'.*got "LPX"/);
    expect(() => orient('LRS')).toThrow(/one letter from each pair/);
  });
});

describe('resample', () => {
  const ramp = (w: [number, number, number]) => 2 * w[0] + 3 * w[1] - w[2];

  it('documents its grid: field of view and centre preserved', () => {
    const g = { dims: [20, 21, 10] as Vec3, spacing: [1, 1, 3] as Vec3, origin: [0, 0, 0] as Vec3, direction: OBLIQUE };
    const { dims, origin } = resampledGrid(g, [2, 2, 1.5]);
    expect(dims).toEqual([10, 11, 20]);
    const c0 = voxelToWorld(g, 9.5, 10, 4.5);
    const c1 = voxelToWorld({ ...g, dims, origin, spacing: [2, 2, 1.5] }, 4.5, 5, 9.5);
    c1.forEach((x, n) => expect(x).toBeCloseTo(c0[n]!, 9));
  });

  it('1 mm → 2 mm → 1 mm of a linear ramp reproduces values at voxel centres', () => {
    const img = makeVolume(Float32Array, [20, 20, 12], [1, 1, 1], [-30, 12, 7], OBLIQUE, (_i, _j, _k, w) => ramp(w));
    const down = resample([2, 2, 2]).apply(start(img));
    expect(down.image.dims).toEqual([10, 10, 6]);
    expect(down.image.voxels).toBeInstanceOf(Float32Array);
    // Coarse grid centres lie inside the fine grid, so trilinear is exact for a linear function.
    for (const [i, j, k] of [[0, 0, 0], [9, 9, 5], [3, 6, 2]] as const) {
      expect(down.image.voxels[voxelIndex(down.image.dims, i, j, k)]).toBeCloseTo(ramp(voxelToWorld(down.image, i, j, k)), 3);
    }
    const up = resample([1, 1, 1]).apply(down);
    expect(up.image.dims).toEqual(img.dims);
    up.image.origin.forEach((x, n) => expect(x).toBeCloseTo(img.origin[n]!, 9));
    let maxInterior = 0;
    let maxAll = 0;
    for (let k = 0; k < 12; k++)
      for (let j = 0; j < 20; j++)
        for (let i = 0; i < 20; i++) {
          const p = voxelIndex(img.dims, i, j, k);
          const e = Math.abs(up.image.voxels[p]! - img.voxels[p]!);
          maxAll = Math.max(maxAll, e);
          if (i > 0 && i < 19 && j > 0 && j < 19 && k > 0 && k < 11) maxInterior = Math.max(maxInterior, e);
        }
    expect(maxInterior).toBeLessThan(1e-3);
    // Edge voxels lie half a coarse voxel outside the coarse centres (clamped): error ≤ half a step of each slope.
    expect(maxAll).toBeLessThanOrEqual(0.5 * (2 + 3 + 1) + 1e-3);
    expect(up.record.map((r) => [r.name, r.before.spacing, r.after.spacing])).toEqual([
      ['resample', [1, 1, 1], [2, 2, 2]],
      ['resample', [2, 2, 2], [1, 1, 1]],
    ]);
  });

  it('gives the trilinear value on output slices that fall on input slices (the bilinear fast path) and between them', () => {
    // z 1 mm → 1/3 mm puts every third output slice on an input slice (weight 0) and the others between two.
    const img = makeVolume(Int16Array, [9, 7, 5], [1, 1, 1], [0, 0, 0], OBLIQUE, (i, j, k) => ((i * 37 + j * 91 + k * 53) % 101) - 50);
    const out = resample([0.7, 1.3, 1 / 3]).apply(start(img)).image;
    const at = (i: number, j: number, k: number) => img.voxels[voxelIndex(img.dims, i, j, k)]!;
    const axis = (o: number, nOut: number, sOut: number, nIn: number) => {
      const x = Math.min(Math.max(((o - (nOut - 1) / 2) * sOut) + (nIn - 1) / 2, 0), nIn - 1);
      const lo = Math.floor(x + 1e-9);
      return { lo, hi: Math.min(lo + 1, nIn - 1), w: Math.max(0, x - lo) };
    };
    let onSlice = 0;
    for (let k = 0; k < out.dims[2]; k++)
      for (let j = 0; j < out.dims[1]; j++)
        for (let i = 0; i < out.dims[0]; i++) {
          const [x, y, z] = [axis(i, out.dims[0], 0.7, 9), axis(j, out.dims[1], 1.3, 7), axis(k, out.dims[2], 1 / 3, 5)];
          if (z.w < 1e-9 && i === 0 && j === 0) onSlice++;
          let expected = 0;
          for (const [zi, wz] of [[z.lo, 1 - z.w], [z.hi, z.w]] as const)
            for (const [yi, wy] of [[y.lo, 1 - y.w], [y.hi, y.w]] as const)
              for (const [xi, wx] of [[x.lo, 1 - x.w], [x.hi, x.w]] as const) expected += wz * wy * wx * at(xi, yi, zi);
          expect(out.voxels[voxelIndex(out.dims, i, j, k)]).toBeCloseTo(expected, 3);
        }
    // Slices 1, 4, 7, 10, 13 hit input slices; 0 and 14 are clamped onto the first and last.
    expect(onSlice).toBe(7);
  });

  it('keeps the world position of a marker voxel', () => {
    const marker: Vec3 = [7, 12, 4];
    const img = makeVolume(Float32Array, [21, 21, 9], [1, 1, 2], [3, -4, 100], OBLIQUE, (i, j, k) => (i === marker[0] && j === marker[1] && k === marker[2] ? 1000 : 0));
    const w0 = voxelToWorld(img, ...marker);
    for (const spacing of [[0.5, 0.5, 1], [1, 1, 2]] as Vec3[]) {
      const out = resample(spacing, { mode: 'nearest' }).apply(start(img)).image;
      // Weighted centroid of the marker's footprint sits at the same world point (within half a voxel).
      let sw = 0;
      const acc = [0, 0, 0];
      for (let p = 0; p < out.voxels.length; p++) {
        const v = out.voxels[p]!;
        if (!v) continue;
        const i = p % out.dims[0], j = Math.floor(p / out.dims[0]) % out.dims[1], k = Math.floor(p / (out.dims[0] * out.dims[1]));
        const w = voxelToWorld(out, i, j, k);
        for (let n = 0; n < 3; n++) acc[n]! += v * w[n]!;
        sw += v;
      }
      expect(sw).toBeGreaterThan(0);
      acc.forEach((x, n) => expect(Math.abs(x / sw - w0[n]!)).toBeLessThanOrEqual(0.5 + 1e-9));
    }
  });

  it('resamples masks with nearest neighbour so labels stay exact, even when the image is trilinear', () => {
    const img = makeVolume(Int16Array, [16, 16, 8], [0.8, 0.8, 3], [0, 0, 0], OBLIQUE, (i, j, k) => i * 10 + j - k);
    const mask = makeVolume(Uint8Array, img.dims, img.spacing, img.origin, img.direction, (i, j, k) => (i < 5 ? 1 : j < 8 ? 2 : k > 4 ? 7 : 0));
    const out = resample([1.3, 0.6, 1.7], { mode: 'trilinear' }).apply(start(img, mask));
    expect(out.mask!.voxels).toBeInstanceOf(Uint8Array);
    expect(new Set(out.mask!.voxels)).toEqual(new Set([0, 1, 2, 7]));
    expect(out.mask!.dims).toEqual(out.image.dims);
    expect(out.mask!.origin).toEqual(out.image.origin);
    expect(out.image.voxels).toBeInstanceOf(Float32Array);
    const nearestImg = resample([1.3, 0.6, 1.7], { mode: 'nearest' }).apply(start(img)).image;
    expect(nearestImg.voxels).toBeInstanceOf(Int16Array);
  });

  it('rejects zero or missing spacing and a mismatched mask, naming the argument', () => {
    expect(() => resample([1, 0, 1])).toThrow(/resample: targetSpacing expected three finite millimetre values > 0, got \[1,0,1\]/);
    const img = makeVolume(Float32Array, [4, 4, 4]);
    const bad = { ...img, spacing: [1, 0, 1] as Vec3 };
    expect(() => resample([1, 1, 1]).apply(start(bad))).toThrow(/input\.image\.spacing: expected three finite millimetre values > 0/);
    const mask = makeVolume(Uint8Array, [4, 4, 5]);
    expect(() => resample([1, 1, 1]).apply(start(img, mask))).toThrow(/input\.mask\.dims: expected the .*image grid \[4,4,4\], got \[4,4,5\]/);
    const shifted = makeVolume(Uint8Array, [4, 4, 4], [1, 1, 1], [0, 0, 1]);
    expect(() => resample([1, 1, 1]).apply(start(img, shifted))).toThrow(/input\.mask\.origin/);
    const short = { ...img, voxels: new Float32Array(10) };
    expect(() => resample([1, 1, 1]).apply(start(short))).toThrow(/input\.image\.voxels: expected .* = 64 values, got 10/);
  });
});

describe('intensity', () => {
  const ct = makeVolume(Int16Array, [5, 4, 3], [1, 1, 1], [0, 0, 0], undefined, (i, j, k) => -1000 + 100 * (i + 5 * j + 20 * k));

  it('windowClip clamps and optionally rescales; presets use W/L', () => {
    const out = windowClip(-100, 200).apply(start(ct)).image;
    expect(out.voxels).toBeInstanceOf(Float32Array);
    expect(Math.min(...out.voxels)).toBe(-100);
    expect(Math.max(...out.voxels)).toBe(200);
    expect(out.voxels[voxelIndex(ct.dims, 0, 2, 0)]).toBe(0); // -1000 + 1000 unchanged
    const scaled = windowClip(-100, 200, { scaleTo: [0, 1] }).apply(start(ct)).image;
    expect(Math.min(...scaled.voxels)).toBe(0);
    expect(Math.max(...scaled.voxels)).toBe(1);
    expect(WINDOW_PRESETS.lung).toEqual({ width: 1500, level: -600 });
    expect(windowPreset('lung').params).toEqual({ lo: -1350, hi: 150 });
    expect(windowPreset('softTissue').params).toEqual({ lo: -160, hi: 240 });
    expect(windowPreset('bone').params).toEqual({ lo: -500, hi: 1300 });
    expect(windowPreset('brain').params).toEqual({ lo: 0, hi: 80 });
    expect(() => windowClip(5, 5)).toThrow(/windowClip: hi expected to be greater than lo, got lo=5, hi=5/);
    expect(() => windowPreset('liver' as never)).toThrow(/windowPreset: name expected one of lung, softTissue, bone, brain/);
  });

  it('normalize zscore / minmax, with nonzeroOnly', () => {
    const z = normalize({ mode: 'zscore' }).apply(start(ct)).image.voxels;
    const mean = Array.from(z).reduce((a, b) => a + b, 0) / z.length;
    const variance = Array.from(z).reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 4);
    const mm = normalize({ mode: 'minmax' }).apply(start(ct)).image.voxels;
    expect(Math.min(...mm)).toBe(0);
    expect(Math.max(...mm)).toBe(1);
    const sparse = makeVolume(Float32Array, [4, 1, 1], [1, 1, 1], [0, 0, 0], undefined, (i) => [0, 2, 4, 6][i]!);
    const nz = normalize({ mode: 'minmax', nonzeroOnly: true }).apply(start(sparse)).image.voxels;
    expect([...nz]).toEqual([0, 0, 0.5, 1]);
    const constant = makeVolume(Float32Array, [3, 1, 1], [1, 1, 1], [0, 0, 0], undefined, () => 7);
    expect([...normalize({ mode: 'zscore' }).apply(start(constant)).image.voxels]).toEqual([0, 0, 0]);
    expect(() => normalize({ mode: 'l2' as never })).toThrow(/normalize: options\.mode expected 'zscore' or 'minmax'/);
  });
});

describe('crops', () => {
  it('cropAroundMask keeps the lesion box plus a margin in mm per axis, at the same world positions', () => {
    const img = makeVolume(Int16Array, [30, 20, 12], [1, 2, 3], [10, 20, 30], OBLIQUE, (i, j, k) => i + 100 * j + 10000 * k);
    const mask = makeVolume(Uint8Array, img.dims, img.spacing, img.origin, img.direction, (i, j, k) => (i >= 10 && i <= 14 && j >= 5 && j <= 7 && k >= 1 && k <= 2 ? 1 : 0));
    const out = cropAroundMask(3).apply(start(img, mask));
    // margins: 3 voxels along i, ceil(1.5) = 2 along j, 1 along k (clipped to 0 at the start)
    expect(out.image.dims).toEqual([11, 7, 4]);
    expect(out.image.voxels).toBeInstanceOf(Int16Array);
    expect(out.image.voxels[0]).toBe(7 + 100 * 3 + 0);
    const w = voxelToWorld(out.image, 0, 0, 0);
    const w0 = voxelToWorld(img, 7, 3, 0);
    w.forEach((x, n) => expect(x).toBeCloseTo(w0[n]!, 9));
    expect(Array.from(out.mask!.voxels).reduce((a, b) => a + b, 0)).toBe(5 * 3 * 2);
    expect(() => cropAroundMask(3).apply(start(img))).toThrow(/cropAroundMask: input\.mask expected a label Volume/);
    const empty = makeVolume(Uint8Array, img.dims, img.spacing, img.origin, img.direction);
    expect(() => cropAroundMask(3).apply(start(img, empty))).toThrow(/input\.mask expected at least one voxel > 0, got an empty mask/);
    expect(() => cropAroundMask(-1)).toThrow(/marginMm expected a finite number ≥ 0, got -1/);
  });

  it('cropOrPad centres: pads one axis, crops another, preserves type', () => {
    const img = makeVolume(Uint8Array, [4, 5, 3], [1, 1, 1], [0, 0, 0], undefined, (i, j, k) => 1 + i + 4 * j + 20 * k);
    const mask = makeVolume(Uint8Array, img.dims, img.spacing, img.origin, img.direction, () => 1);
    const out = cropOrPad([6, 3, 3], 200).apply(start(img, mask));
    expect(out.image.dims).toEqual([6, 3, 3]);
    expect(out.image.voxels).toBeInstanceOf(Uint8Array);
    // i: pad 1 before + 1 after; j: crop 1 from the start (offset floor(2/2) = 1).
    expect(out.image.voxels[voxelIndex(out.image.dims, 0, 0, 0)]).toBe(200);
    expect(out.image.voxels[voxelIndex(out.image.dims, 1, 0, 0)]).toBe(1 + 0 + 4 * 1);
    expect(out.mask!.voxels[voxelIndex(out.image.dims, 0, 0, 0)]).toBe(0);
    expect(out.image.origin).toEqual([-1, 1, 0]);
    expect(() => cropOrPad([6, 3, 3], -1024).apply(start(img))).toThrow(/padValue expected a value representable in the image's Uint8Array, got -1024/);
    expect(() => cropOrPad([6, 0, 3])).toThrow(/cropOrPad: dims expected three positive integers/);
  });
});

describe('compose', () => {
  it('runs steps in order, records each, and never mutates the input', () => {
    const img = makeVolume(Int16Array, [24, 20, 10], [0.8, 0.8, 2.5], [-50, 30, 100], OBLIQUE, (i, j, k) => -1000 + 20 * i + 5 * j + k);
    const mask = makeVolume(Uint8Array, img.dims, img.spacing, img.origin, img.direction, ellipsoid(voxelToWorld(img, 12, 10, 5) as unknown as Vec3, [4, 4, 4]));
    const imgCopy = img.voxels.slice();
    const maskCopy = mask.voxels.slice();
    const pipeline = compose(orient('LPS'), resample([1, 1, 1]), windowPreset('lung'), normalize({ mode: 'zscore' }), cropOrPad([16, 16, 16], 0));
    const out = pipeline.run(img, mask);
    expect(out.record.map((r) => r.name)).toEqual(['orient', 'resample', 'windowClip', 'normalize', 'cropOrPad']);
    expect(out.record[0]!.before).toEqual({ dims: [24, 20, 10], spacing: [0.8, 0.8, 2.5] });
    expect(out.record[0]!.after).toEqual({ dims: [20, 24, 10], spacing: [0.8, 0.8, 2.5] });
    expect(out.record[1]!.after).toEqual({ dims: [16, 19, 25], spacing: [1, 1, 1] });
    expect(out.record[2]!.params).toEqual({ lo: -1350, hi: 150 });
    expect(out.record[4]!.after.dims).toEqual([16, 16, 16]);
    expect(out.image.dims).toEqual([16, 16, 16]);
    expect(out.mask!.dims).toEqual([16, 16, 16]);
    expect(out.image.voxels).toBeInstanceOf(Float32Array);
    expect(out.mask!.voxels).toBeInstanceOf(Uint8Array);
    expect(img.voxels).toEqual(imgCopy);
    expect(mask.voxels).toEqual(maskCopy);
    expect(img.dims).toEqual([24, 20, 10]);
    // Applying to an existing state appends to (not replaces) its record.
    const again = compose(normalize({ mode: 'minmax' })).apply(out);
    expect(again.record).toHaveLength(6);
    expect(out.record).toHaveLength(5);
    expect(() => compose({} as never)).toThrow(/compose: transforms\[0\] expected a Transform with apply\(\)/);
  });
});
