import { describe, expect, it } from 'vitest';
import { voxelIndex, type Direction, type Vec3 } from '../volume';
import { ellipsoid, IDENTITY, makeVolume } from '../transforms/testing';
import { orient, resample } from '../transforms';
import { axialSliceAxis, connectedComponents, measureLesions } from './index';

const c30 = Math.cos(Math.PI / 6);
const s30 = Math.sin(Math.PI / 6);
/** In-plane rotated 30° and flipped, slices along −z (feet-first axial). */
const OBLIQUE_AXIAL: Direction = [c30, s30, 0, s30, -c30, 0, 0, 0, -1];
/** Sagittal acquisition: i along S, j along P, k along L. */
const SAGITTAL: Direction = [0, 0, 1, 0, 1, 0, 1, 0, 0];

const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe('connectedComponents', () => {
  it('finds two separate blobs', () => {
    const centre1: Vec3 = [8, 8, 8];
    const centre2: Vec3 = [22, 20, 10];
    const mask = makeVolume(Uint8Array, [32, 30, 20], [1, 1, 1], [0, 0, 0], IDENTITY, (i, j, k, w) =>
      ellipsoid(centre1, [4, 4, 4])(i, j, k, w) || ellipsoid(centre2, [3, 5, 2], 3)(i, j, k, w));
    const { count, sizes, labels } = connectedComponents(mask);
    expect(count).toBe(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(mask.voxels.reduce((a, b) => a + (b > 0 ? 1 : 0), 0));
    expect(labels[voxelIndex(mask.dims, 8, 8, 8)]).toBe(1);
    expect(labels[voxelIndex(mask.dims, 22, 20, 10)]).toBe(2);
  });

  it('6- and 26-connectivity differ on a diagonal touch; separateLabels splits touching labels', () => {
    const mask = makeVolume(Uint8Array, [6, 6, 6], [1, 1, 1], [0, 0, 0], IDENTITY, (i, j, k) =>
      (i === 2 && j === 2 && k === 2) || (i === 3 && j === 3 && k === 3) ? 1 : 0);
    expect(connectedComponents(mask).count).toBe(1);
    expect(connectedComponents(mask, { connectivity: 26 }).count).toBe(1);
    expect(connectedComponents(mask, { connectivity: 6 }).count).toBe(2);
    const edge = makeVolume(Uint8Array, [6, 6, 6], [1, 1, 1], [0, 0, 0], IDENTITY, (i, j, k) =>
      (i === 2 && j === 2 && k === 2) || (i === 3 && j === 3 && k === 2) ? 1 : 0);
    expect(connectedComponents(edge, { connectivity: 6 }).count).toBe(2);
    const touching = makeVolume(Uint8Array, [6, 2, 1], [1, 1, 1], [0, 0, 0], IDENTITY, (i) => (i < 3 ? 1 : 2));
    expect(connectedComponents(touching).count).toBe(1);
    expect(connectedComponents(touching, { separateLabels: true }).count).toBe(2);
    expect(() => connectedComponents(mask, { connectivity: 18 as never })).toThrow(/options\.connectivity expected 6 or 26, got 18/);
  });

  it('handles a large component without recursion', () => {
    const mask = makeVolume(Uint8Array, [128, 128, 64], [1, 1, 1], [0, 0, 0], IDENTITY, () => 1);
    const { count, sizes } = connectedComponents(mask);
    expect(count).toBe(1);
    expect(sizes[0]).toBe(128 * 128 * 64);
  });
});

describe('measureLesions', () => {
  it('sphere of radius 10 mm: ~4.19 mL, longest axial diameter ~20 mm, centroid at the centre (oblique, anisotropic)', () => {
    const centre: Vec3 = [-20, 15, 60];
    const dims: Vec3 = [60, 56, 20];
    const spacing: Vec3 = [0.7, 0.8, 1.5];
    // Put the sphere centre at the middle of the grid.
    const half = [0, 1, 2].map((a) => ((dims[a]! - 1) / 2) * spacing[a]!);
    const origin = [0, 1, 2].map((x) => centre[x]! - half.reduce((acc, h, a) => acc + h * OBLIQUE_AXIAL[3 * a + x]!, 0)) as unknown as Vec3;
    const mask = makeVolume(Uint8Array, dims, spacing, origin, OBLIQUE_AXIAL, ellipsoid(centre, [10, 10, 10]));
    const image = makeVolume(Int16Array, dims, spacing, origin, OBLIQUE_AXIAL, () => 40);
    const [lesion, ...rest] = measureLesions(mask, { source: 'series-1.2.3', image, seriesInstanceUid: '1.2.3', maskSource: 'manual' });
    expect(rest).toHaveLength(0);
    const m = lesion!;
    expect(m.provenance).toEqual({ source: 'series-1.2.3', lesion: 1, label: 1, seriesInstanceUid: '1.2.3', maskSource: 'manual' });
    const exact = (4 / 3) * Math.PI * 1000 / 1000;
    expect(Math.abs(m.volumeMl - exact) / exact).toBeLessThan(0.03);
    expect(m.voxelCount * 0.7 * 0.8 * 1.5 / 1000).toBeCloseTo(m.volumeMl, 12);
    expect(dist(m.centroidLps, centre)).toBeLessThan(0.3);
    expect(m.axial.sliceAxis).toBe(2);
    expect(m.axial.longestDiameterMm).toBeGreaterThan(18.8);
    expect(m.axial.longestDiameterMm).toBeLessThanOrEqual(20 + 1e-9);
    expect(m.axial.shortAxisMm).toBeGreaterThan(17.5);
    expect(m.axial.shortAxisMm).toBeLessThanOrEqual(m.axial.longestDiameterMm);
    expect(m.axial.shortAxisMethod).toBe('chord±5°');
    const [p, q] = m.axial.longAxisEndpoints;
    expect(dist(p, q)).toBeCloseTo(m.axial.longestDiameterMm, 9);
    expect(p[2]).toBeCloseTo(q[2], 9); // same axial slice
    expect(Math.abs(p[2] - centre[2])).toBeLessThan(1.5);
    expect(m.meanIntensity).toBe(40);
  });

  it('measurements do not change under orient (exact) and survive resample of the mask', () => {
    const centre: Vec3 = [5, -5, 20];
    const mask = makeVolume(Uint8Array, [40, 40, 16], [0.8, 0.8, 2], [-20, -5, 40], OBLIQUE_AXIAL, ellipsoid(centre, [9, 6, 5]));
    const image = makeVolume(Float32Array, mask.dims, mask.spacing, mask.origin, mask.direction);
    const [a] = measureLesions(mask, { source: 'x' });
    const lps = orient('LPS').apply({ image, mask, record: [] });
    const [b] = measureLesions(lps.mask!, { source: 'x' });
    expect(b!.voxelCount).toBe(a!.voxelCount);
    b!.centroidLps.forEach((x, n) => expect(x).toBeCloseTo(a!.centroidLps[n]!, 9));
    expect(b!.axial.longestDiameterMm).toBeCloseTo(a!.axial.longestDiameterMm, 9);
    expect(b!.axial.shortAxisMm).toBeCloseTo(a!.axial.shortAxisMm, 9);
    const fine = resample([0.5, 0.5, 1]).apply(lps);
    const [c] = measureLesions(fine.mask!, { source: 'x' });
    expect(Math.abs(c!.volumeMl - a!.volumeMl) / a!.volumeMl).toBeLessThan(0.1);
    expect(Math.abs(c!.axial.longestDiameterMm - 18)).toBeLessThan(1.5);
  });

  it('box: exact volume, centroid, bounding box, diagonal long and perpendicular short axis', () => {
    const spacing: Vec3 = [1, 1, 2];
    const mask = makeVolume(Uint8Array, [20, 20, 20], spacing, [100, -50, 0], IDENTITY, (i, j, k) => (i >= 5 && i < 15 && j >= 2 && j < 12 && k >= 4 && k < 14 ? 2 : 0));
    const [m] = measureLesions(mask, { source: 'synthetic-box' });
    expect(m!.voxelCount).toBe(1000);
    expect(m!.volumeMl).toBeCloseTo(2, 12);
    expect(m!.centroidLps).toEqual([109.5, -43.5, 17]);
    expect(m!.boundingBox).toEqual({ min: [5, 2, 4], max: [14, 11, 13], sizeMm: [10, 10, 20] });
    expect(m!.provenance.label).toBe(2);
    expect(m!.axial.longestDiameterMm).toBeCloseTo(9 * Math.SQRT2, 9);
    expect(m!.axial.shortAxisMm).toBeCloseTo(9 * Math.SQRT2, 9);
    expect(m!.axial.slice).toBe(4); // ties keep the first slice
  });

  it('rotated ellipse with anisotropic in-plane spacing: exact mm distances', () => {
    // Semi-axes 15 mm along 30° in the x–y plane and 8 mm perpendicular; 3 mm thick.
    const ang = Math.PI / 6;
    const e = [Math.cos(ang), Math.sin(ang)];
    const mask = makeVolume(Uint8Array, [80, 60, 5], [0.5, 0.7, 2], [-20, -21, -4], IDENTITY, (_i, _j, _k, w) => {
      const a = w[0] * e[0]! + w[1] * e[1]!;
      const b = -w[0] * e[1]! + w[1] * e[0]!;
      return (a / 15) ** 2 + (b / 8) ** 2 <= 1 && Math.abs(w[2]) <= 3 ? 1 : 0;
    });
    const [m] = measureLesions(mask, { source: 'ellipse' });
    expect(m!.axial.longestDiameterMm).toBeGreaterThan(29);
    expect(m!.axial.longestDiameterMm).toBeLessThanOrEqual(30 + 1e-9);
    expect(m!.axial.shortAxisMm).toBeGreaterThan(14.8);
    expect(m!.axial.shortAxisMm).toBeLessThan(16.5);
    const [p, q] = m!.axial.longAxisEndpoints;
    const angle = Math.atan2(q[1] - p[1], q[0] - p[0]);
    const dev = Math.abs(Math.abs(Math.sin(angle - ang)));
    expect(dev).toBeLessThan(Math.sin((3 * Math.PI) / 180));
  });

  it('picks the slice axis nearest S/I (sagittal acquisition) and the slice with the largest diameter', () => {
    expect(axialSliceAxis(SAGITTAL)).toBe(0);
    expect(axialSliceAxis(OBLIQUE_AXIAL)).toBe(2);
    // A cone-like stack: the in-slice disc grows with S; slices are along i here.
    const mask = makeVolume(Uint8Array, [10, 30, 30], [2, 1, 1], [0, 0, 0], SAGITTAL, (_i, _j, _k, w) =>
      Math.hypot(w[0] - 15, w[1] - 15) <= 2 + w[2] / 2 && w[2] <= 12 ? 1 : 0);
    const [m] = measureLesions(mask, { source: 'cone' });
    expect(m!.axial.sliceAxis).toBe(0);
    expect(m!.axial.slice).toBe(6); // z = 12 mm, radius 8
    expect(m!.axial.longestDiameterMm).toBeCloseTo(16, 6);
    const [p, q] = m!.axial.longAxisEndpoints;
    expect(p[2]).toBe(12);
    expect(q[2]).toBe(12);
  });

  it('thin lesions fall back to the projection short axis; minVoxels filters specks', () => {
    const mask = makeVolume(Uint8Array, [20, 5, 3], [1, 1, 1], [0, 0, 0], IDENTITY, (i, j, k) => ((j === 2 && k === 1 && i >= 3 && i <= 12) || (i === 18 && j === 0 && k === 0) ? 1 : 0));
    const all = measureLesions(mask, { source: 'line' });
    expect(all).toHaveLength(2);
    // Numbered in scan order: the speck (k = 0) comes first.
    expect(all.map((m) => m.voxelCount)).toEqual([1, 10]);
    expect(all[1]!.axial.longestDiameterMm).toBe(9);
    expect(all[1]!.axial.shortAxisMm).toBe(0);
    expect(all[1]!.axial.shortAxisMethod).toBe('projection');
    expect(all[0]!.axial.longestDiameterMm).toBe(0);
    expect(measureLesions(mask, { source: 'line', minVoxels: 2 })).toHaveLength(1);
  });

  it('rejects invalid inputs with errors that name the argument', () => {
    const mask = makeVolume(Uint8Array, [4, 4, 4], [1, 1, 1], [0, 0, 0], IDENTITY, (i) => (i === 1 ? 1 : 0));
    const empty = makeVolume(Uint8Array, [4, 4, 4]);
    expect(() => measureLesions(empty, { source: 's' })).toThrow(/measureLesions: mask expected at least one voxel > 0 \(a lesion\), got an empty mask/);
    expect(measureLesions(empty, { source: 's', allowEmpty: true })).toEqual([]);
    expect(() => measureLesions(mask)).toThrow(/options\.source expected a non-empty provenance string/);
    expect(measureLesions({ ...mask, source: 'file.nii.gz' })[0]!.provenance.source).toBe('file.nii.gz');
    expect(() => measureLesions({ ...mask, spacing: [1, 0, 1] }, { source: 's' })).toThrow(/measureLesions: mask\.spacing: expected three finite millimetre values > 0, got \[1,0,1\]/);
    const image = makeVolume(Int16Array, [4, 4, 5]);
    expect(() => measureLesions(mask, { source: 's', image })).toThrow(/measureLesions: mask\.dims: expected the measureLesions: options\.image grid \[4,4,5\], got \[4,4,4\]/);
    const rotated = makeVolume(Int16Array, [4, 4, 4], [1, 1, 1], [0, 0, 0], SAGITTAL);
    expect(() => measureLesions(mask, { source: 's', image: rotated })).toThrow(/mask\.direction: expected/);
  });
});
