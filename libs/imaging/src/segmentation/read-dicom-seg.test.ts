import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { ImageReadError } from '../read-errors';
import { voxelToWorld, worldToVoxel, type Direction, type Volume, type VolumeGeometry } from '../volume';
import { readDicomSeg } from './read-dicom-seg';
import { resampleMaskOnto } from './resample-onto';
import { buildTestSeg, type TestSegFrame } from './testing';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/seg/${name}`, import.meta.url));
const LIVER = fixture('liver_1frame.dcm');
const LIVER_BE = fixture('liver_expb_1frame.dcm');

function labelCounts(v: Volume): Map<number, number> {
  const m = new Map<number, number>();
  for (const x of v.voxels) if (x !== 0) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function popcount(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) for (let x = b; x; x &= x - 1) n++;
  return n;
}

function expectReadError(fn: () => unknown, code: string, pattern: RegExp, file?: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImageReadError);
    expect((e as ImageReadError).code).toBe(code);
    expect((e as ImageReadError).message).toMatch(pattern);
    if (file !== undefined) {
      expect((e as ImageReadError).file).toBe(file);
      expect((e as ImageReadError).message).toContain(file);
    }
    return;
  }
  throw new Error(`expected ImageReadError ${code}`);
}

describe('readDicomSeg on the pydicom liver SEG (dcmqi, BINARY, 512×512, 1 frame)', () => {
  const seg = readDicomSeg(LIVER);

  it('reads the segment list and the referenced series', () => {
    expect(seg.segmentationType).toBe('BINARY');
    expect(seg.segments.map(({ number, label, algorithmType, algorithmName, category, propertyType }) => ({ number, label, algorithmType, algorithmName, category, propertyType }))).toEqual([
      { number: 1, label: 'Liver', algorithmType: 'SEMIAUTOMATIC', algorithmName: 'SlicerEditor', category: 'Tissue', propertyType: 'Liver' },
    ]);
    expect(seg.referencedSeriesUid).toBe('1.2.392.200103.20080913.113635.1.2009.6.22.21.43.10.23430.1');
    expect(seg.frameOfReferenceUid).toBe('1.2.392.200103.20080913.113635.3.2009.6.22.21.44.34.23882.1');
    // The file was cut down to one frame but kept three per-frame items and no NumberOfFrames: said, not fatal.
    expect(seg.warnings.join('\n')).toMatch(/Number of Frames .* absent/);
    expect(seg.warnings.join('\n')).toMatch(/3 items for 1 frames/);
  });

  it('has geometry consistent with the frame (shared orientation/spacing, per-frame position)', () => {
    const v = seg.labels;
    expect(v.dims).toEqual([512, 512, 1]);
    expect(v.spacing[0]).toBeCloseTo(0.810547, 6);
    expect(v.spacing[1]).toBeCloseTo(0.810547, 6);
    expect(v.spacing[2]).toBe(1);
    expect(v.origin).toEqual([-235.2, -226.8, -128.69]);
    expect(v.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(v.voxels).toBeInstanceOf(Uint8Array);
    expect(v.source).toBe(LIVER);
  });

  it('voxel count equals the set bits of the frame, and the bits are unpacked LSB first', () => {
    const ds = dicomParser.parseDicom(readFileSync(LIVER));
    const el = ds.elements.x7fe00010!;
    const bits = popcount(ds.byteArray.subarray(el.dataOffset, el.dataOffset + 512 * 512 / 8));
    expect(bits).toBe(36233); // pydicom pixel_array.sum()
    expect(seg.segments[0]!.voxelCount).toBe(bits);
    expect(seg.segments[0]!.labelVoxelCount).toBe(bits);
    expect(labelCounts(seg.labels)).toEqual(new Map([[1, bits]]));
    // Bounding box from pydicom's pixel_array: rows 145..366, columns 79..350.
    let iMin = 1e9, iMax = -1, jMin = 1e9, jMax = -1;
    seg.labels.voxels.forEach((x, p) => {
      if (!x) return;
      const i = p % 512, j = Math.floor(p / 512);
      iMin = Math.min(iMin, i); iMax = Math.max(iMax, i); jMin = Math.min(jMin, j); jMax = Math.max(jMax, j);
    });
    expect([iMin, iMax, jMin, jMax]).toEqual([79, 350, 145, 366]);
  });

  it('reads the Explicit VR Big Endian copy to the same labels', () => {
    const be = readDicomSeg(LIVER_BE);
    expect(be.labels.dims).toEqual(seg.labels.dims);
    expect(be.labels.origin).toEqual(seg.labels.origin);
    expect(Buffer.from(be.labels.voxels).equals(Buffer.from(seg.labels.voxels))).toBe(true);
  });

  it('keeps per-label voxel counts when resampled onto a covering reference grid with the same spacing', () => {
    const s = seg.labels.spacing;
    const o = seg.labels.origin;
    const ref: VolumeGeometry = { dims: [600, 560, 3], spacing: s, origin: [o[0] - 40 * s[0], o[1] - 20 * s[1], o[2] - 1], direction: seg.labels.direction };
    const r = resampleMaskOnto(seg.labels, ref);
    expect(labelCounts(r.mask)).toEqual(labelCounts(seg.labels));
    expect(r.droppedVoxels).toBe(0);
    // Reference with the x axis flipped (image stored right-to-left): same counts, same world centroid.
    const flipped: VolumeGeometry = { dims: [600, 512, 1], spacing: s, origin: [o[0] + 560 * s[0], o[1], o[2]], direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const f = resampleMaskOnto(seg.labels, flipped);
    expect(labelCounts(f.mask)).toEqual(labelCounts(seg.labels));
    const cx = (v: Volume) => {
      let sum = 0, n = 0;
      v.voxels.forEach((x, p) => { if (x) { sum += voxelToWorld(v, p % v.dims[0], Math.floor(p / v.dims[0]) % v.dims[1], 0)[0]; n++; } });
      return sum / n;
    };
    expect(cx(f.mask)).toBeCloseTo(cx(seg.labels), 6);
  });
});

// Synthetic SEGs from the hand-written writer in ./testing.ts (checked against pydicom when written).
const R = 3, C = 5; // 15 bits per frame: frames are not byte aligned in the packed pixel data
const pattern = (seed: number) => Array.from({ length: R * C }, (_, p) => ((p * 7 + seed) % 3 === 0 ? 1 : 0));
const sagittal = [0, 1, 0, 0, 0, -1]; // rows along +y (anterior→posterior), columns along −z; normal −x
const frames: TestSegFrame[] = [
  { segment: 2, position: [6, -3, 40], pixels: pattern(1) },
  { segment: 1, position: [8, -3, 40], pixels: pattern(0) },
  { segment: 2, position: [2, -3, 40], pixels: pattern(2) },
  { segment: 1, position: [10, -3, 40], pixels: pattern(2) },
  { segment: 1, position: [6, -3, 40], pixels: pattern(0) },
];
const multi = () => buildTestSeg({
  rows: R, columns: C, segments: [{ number: 1, label: 'Liver', algorithmType: 'AUTOMATIC' }, { number: 2, label: 'Tumour' }, { number: 3, label: 'Empty' }],
  frames, orientation: sagittal, pixelSpacing: [0.7, 0.9], spacingBetweenSlices: 2, referencedSeriesUid: '1.2.826.0.1.3680043.8.498.99',
});

describe('readDicomSeg on synthetic multi-frame SEGs', () => {
  it('builds one label volume sorted along the slice normal, with gaps for slices without frames', () => {
    const seg = readDicomSeg(multi(), { name: 'multi.dcm' });
    const v = seg.labels;
    // normal = row × col = (0,1,0) × (0,0,−1) = (−1,0,0): k runs from x = 10 down to x = 2 in 2 mm steps.
    expect(v.dims).toEqual([5, 3, 5]);
    expect(v.spacing).toEqual([0.9, 0.7, 2]);
    expect(v.origin).toEqual([10, -3, 40]);
    expect(v.direction).toEqual([0, 1, 0, 0, 0, -1, -1, 0, 0] satisfies Direction);
    expect(seg.referencedSeriesUid).toBe('1.2.826.0.1.3680043.8.498.99');
    // Expected labels: write frames in segment order, later segments win.
    const expected = new Uint8Array(5 * 3 * 5);
    for (const seg of [1, 2]) for (const f of frames) {
      if (f.segment !== seg) continue;
      const k = (10 - f.position[0]) / 2;
      for (let p = 0; p < R * C; p++) if (f.pixels[p]) expected[k * R * C + p] = seg;
    }
    expect(Array.from(v.voxels)).toEqual(Array.from(expected));
    // Slice x = 4 (k = 3) has no frame: all zero.
    expect(Array.from(v.voxels.subarray(3 * 15, 4 * 15)).every((x) => x === 0)).toBe(true);
    // Every frame pixel's world position lands on the voxel carrying its bit.
    for (const f of frames) {
      const [i, j, k] = worldToVoxel(v, f.position[0], f.position[1] + 4 * 0.9, f.position[2] - 2 * 0.7); // column 4, row 2
      expect([i, j, k].map((x) => Math.round(x * 1e9) / 1e9)).toEqual([4, 2, (10 - f.position[0]) / 2]);
    }
  });

  it('counts voxels per segment from its frames and reports overlaps (later segment wins)', () => {
    const seg = readDicomSeg(multi(), { name: 'multi.dcm' });
    const bits = (s: number) => frames.filter((f) => f.segment === s).reduce((n, f) => n + Array.from(f.pixels).filter(Boolean).length, 0);
    expect(seg.segments.map((s) => [s.number, s.label, s.frameCount, s.voxelCount])).toEqual([
      [1, 'Liver', 3, bits(1)], [2, 'Tumour', 2, bits(2)], [3, 'Empty', 0, 0],
    ]);
    // At x = 6 segment 1 has pattern(0), segment 2 pattern(1): disjoint (p·7 mod 3 classes differ), so no overlap there.
    const counts = labelCounts(seg.labels);
    expect(counts.get(1)).toBe(seg.segments[0]!.labelVoxelCount);
    expect(counts.get(2)).toBe(bits(2));
    expect(seg.warnings.some((w) => /segment 3 .*no frames/.test(w))).toBe(true);

    const overlapping = readDicomSeg(buildTestSeg({
      rows: 2, columns: 2, segments: [{ number: 1, label: 'Liver' }, { number: 2, label: 'Tumour' }],
      frames: [{ segment: 2, position: [0, 0, 0], pixels: [1, 1, 0, 0] }, { segment: 1, position: [0, 0, 0], pixels: [1, 1, 1, 0] }],
    }));
    expect(Array.from(overlapping.labels.voxels)).toEqual([2, 2, 1, 0]);
    expect(overlapping.segments.map((s) => [s.voxelCount, s.labelVoxelCount])).toEqual([[3, 1], [2, 2]]);
    expect(overlapping.warnings.join('\n')).toMatch(/segment 2 \("Tumour"\) overlaps segment 1 \("Liver"\) in 2 voxels; they are labelled 2/);
  });

  it('uses Uint16Array labels when a segment number exceeds 255', () => {
    const seg = readDicomSeg(buildTestSeg({ rows: 1, columns: 2, segments: [{ number: 300, label: 'Big' }], frames: [{ segment: 300, position: [0, 0, 0], pixels: [0, 1] }], sliceThickness: 2.5 }));
    expect(seg.labels.voxels).toBeInstanceOf(Uint16Array);
    expect(Array.from(seg.labels.voxels)).toEqual([0, 300]);
    expect(seg.labels.spacing[2]).toBe(2.5);
  });

  it('thresholds FRACTIONAL frames at MaximumFractionalValue / 2', () => {
    const seg = readDicomSeg(buildTestSeg({
      rows: 2, columns: 2, type: 'FRACTIONAL', maxFractionalValue: 100, segments: [{ number: 4, label: 'Prob' }],
      frames: [{ segment: 4, position: [0, 0, 0], pixels: [0, 49, 50, 100] }, { segment: 4, position: [0, 0, 1.5], pixels: [100, 0, 0, 0] }],
      spacingBetweenSlices: 1.5,
    }));
    expect(seg.segmentationType).toBe('FRACTIONAL');
    expect(Array.from(seg.labels.voxels)).toEqual([0, 0, 4, 4, 4, 0, 0, 0]);
    expect(seg.segments[0]!.voxelCount).toBe(3);
  });

  it('derives the slice spacing from the frame positions when SpacingBetweenSlices is absent', () => {
    const seg = readDicomSeg(buildTestSeg({
      rows: 1, columns: 1, segments: [{ number: 1, label: 'A' }],
      frames: [0, 3, 9].map((z) => ({ segment: 1, position: [0, 0, z] as [number, number, number], pixels: [1] })),
    }));
    expect(seg.labels.dims).toEqual([1, 1, 4]);
    expect(seg.labels.spacing[2]).toBe(3);
    expect(Array.from(seg.labels.voxels)).toEqual([1, 1, 0, 1]);
  });
});

describe('readDicomSeg errors', () => {
  const base = { rows: 2, columns: 2, segments: [{ number: 1, label: 'A' }], frames: [{ segment: 1, position: [0, 0, 0] as [number, number, number], pixels: [1, 0, 0, 1] }, { segment: 1, position: [0, 0, 1] as [number, number, number], pixels: [1, 1, 1, 1] }] };

  it('rejects a DICOM that is not a SEG, naming the file', () => {
    expectReadError(() => readDicomSeg(buildTestSeg({ ...base, sopClass: '1.2.840.10008.5.1.4.1.1.2' }), { name: 'ct.dcm' }), 'unsupported', /not a DICOM SEG.*1\.2\.840\.10008\.5\.1\.4\.1\.1\.2/, 'ct.dcm');
  });

  it('rejects bytes that are not DICOM and files that do not exist', () => {
    expectReadError(() => readDicomSeg(new Uint8Array(300).fill(7), { name: 'junk.bin' }), 'not-dicom', /cannot parse/, 'junk.bin');
    expectReadError(() => readDicomSeg('/nonexistent/seg.dcm'), 'io', /cannot read/, '/nonexistent/seg.dcm');
  });

  it('rejects a frame without a position', () => {
    expectReadError(() => readDicomSeg(buildTestSeg({ ...base, omitPositionOfFrame: 1 }), { name: 'nopos.dcm' }), 'geometry', /frame 2 has no Image Position/, 'nopos.dcm');
  });

  it('rejects unsupported segmentation types', () => {
    expectReadError(() => readDicomSeg(buildTestSeg({ ...base, type: 'LABELMAP' }), { name: 'lm.dcm' }), 'unsupported', /Segmentation Type.*LABELMAP/, 'lm.dcm');
  });

  it('rejects truncated pixel data (short element and cut-off file)', () => {
    // 2 frames × 4 bits = 1 byte needed; FRACTIONAL needs 8 bytes.
    const frac = { ...base, type: 'FRACTIONAL', frames: base.frames.map((f) => ({ ...f, pixels: f.pixels.map((x) => x * 255) })) };
    expectReadError(() => readDicomSeg(buildTestSeg({ ...frac, truncatePixelDataTo: 4 }), { name: 'short.dcm' }), 'truncated', /Pixel Data has 4 bytes.*need 8/, 'short.dcm');
    const full = buildTestSeg(frac);
    expectReadError(() => readDicomSeg(full.subarray(0, full.length - 3), { name: 'cut.dcm' }), 'truncated', /truncated/, 'cut.dcm');
  });

  it('rejects frames shifted in-plane (not one grid)', () => {
    const shifted = { ...base, frames: [base.frames[0]!, { ...base.frames[1]!, position: [0.5, 0, 1] as [number, number, number] }] };
    expectReadError(() => readDicomSeg(buildTestSeg(shifted), { name: 'shift.dcm' }), 'geometry', /frame 2 is shifted in-plane/, 'shift.dcm');
  });

  it('rejects frames whose positions are not on one regular grid', () => {
    const uneven = { ...base, frames: [0, 1, 2.5].map((z) => ({ segment: 1, position: [0, 0, z] as [number, number, number], pixels: [1, 0, 0, 1] })) };
    expectReadError(() => readDicomSeg(buildTestSeg(uneven), { name: 'uneven.dcm' }), 'uneven-spacing', /regular grid/, 'uneven.dcm');
  });
});
