import { describe, expect, it } from 'vitest';
import { TransformArgumentError } from '../transforms/types';
import { ellipsoid, IDENTITY, makeVolume } from '../transforms/testing';
import { voxelToWorld, type Direction, type Vec3, type Volume, type VolumeGeometry } from '../volume';
import { resampleMaskOnto } from './resample-onto';

function labelCounts(v: Volume): Map<number, number> {
  const m = new Map<number, number>();
  for (const x of v.voxels) if (x !== 0) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** Mean world position of each label's voxel centres. */
function centroids(v: Volume): Map<number, [number, number, number]> {
  const sums = new Map<number, [number, number, number, number]>();
  let p = 0;
  for (let k = 0; k < v.dims[2]; k++)
    for (let j = 0; j < v.dims[1]; j++)
      for (let i = 0; i < v.dims[0]; i++, p++) {
        const l = v.voxels[p]!;
        if (l === 0) continue;
        const w = voxelToWorld(v, i, j, k);
        const s = sums.get(l) ?? [0, 0, 0, 0];
        sums.set(l, [s[0] + w[0], s[1] + w[1], s[2] + w[2], s[3] + 1]);
      }
  return new Map([...sums].map(([l, s]) => [l, [s[0] / s[3], s[1] / s[3], s[2] / s[3]]]));
}

const reference: VolumeGeometry = { dims: [8, 6, 4], spacing: [1, 1, 1], origin: [0, 0, 0], direction: IDENTITY };

describe('resampleMaskOnto', () => {
  it('returns an identical mask on an identical grid, keeping the array type', () => {
    const mask = makeVolume(Uint16Array, reference.dims, reference.spacing, reference.origin, reference.direction, (i, j, k) => (i + j + k) % 3 === 0 ? 300 + k : 0);
    mask.source = 'seg.dcm';
    const r = resampleMaskOnto(mask, reference);
    expect(r.mask.voxels).toBeInstanceOf(Uint16Array);
    expect(Array.from(r.mask.voxels)).toEqual(Array.from(mask.voxels));
    expect(r.mask.dims).toEqual(reference.dims);
    expect(r.mask.source).toBe('seg.dcm');
    expect(r.droppedVoxels).toBe(0);
    expect(r.lostLabels).toEqual([]);
  });

  it('maps a mask on a 2x coarser grid onto the same world positions', () => {
    // Coarse voxel (a, b, c) covers fine voxels 2a..2a+1 etc.; its centre is the centroid of those 8.
    const coarse = makeVolume(Uint8Array, [4, 3, 2], [2, 2, 2], [0.5, 0.5, 0.5], IDENTITY, (i, j, k) => (i * 7 + j * 3 + k * 5) % 4);
    const r = resampleMaskOnto(coarse, reference);
    let p = 0;
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 6; j++)
        for (let i = 0; i < 8; i++, p++) {
          const expected = coarse.voxels[(i >> 1) + 4 * ((j >> 1) + 3 * (k >> 1))];
          expect(r.mask.voxels[p]).toBe(expected);
        }
    const cc = labelCounts(coarse);
    const fc = labelCounts(r.mask);
    for (const [l, n] of cc) expect(fc.get(l)).toBe(8 * n);
    const ce = centroids(coarse);
    for (const [l, c] of centroids(r.mask)) {
      const e = ce.get(l)!;
      for (let a = 0; a < 3; a++) expect(c[a]).toBeCloseTo(e[a]!, 9);
    }
    expect(r.droppedVoxels).toBe(0);
  });

  it('handles a flipped and permuted grid with different spacings (same world result as sampling directly)', () => {
    const ref: VolumeGeometry = { dims: [8, 6, 4], spacing: [0.5, 0.75, 2], origin: [-1, 2, 10], direction: IDENTITY };
    // World extent of ref centres: x -1..2.5, y 2..5.75, z 10..16.
    // Mask axes: i = -z, j = +x, k = -y, starting at the far z and far y corner.
    const dir: Direction = [0, 0, -1, 1, 0, 0, 0, -1, 0];
    const spacing: Vec3 = [2, 0.5, 0.75];
    const origin: Vec3 = [-1, 5.75, 16];
    const fn = ellipsoid([0.75, 3.9, 13], [1.4, 1.6, 3.5], 5);
    const mask = makeVolume(Int16Array, [4, 8, 6], spacing, origin, dir, fn);
    const expected = makeVolume(Int16Array, ref.dims, ref.spacing, ref.origin, ref.direction, fn);
    expect(labelCounts(expected).get(5)).toBeGreaterThan(10);
    const r = resampleMaskOnto(mask, ref);
    expect(r.mask.voxels).toBeInstanceOf(Int16Array);
    expect(Array.from(r.mask.voxels)).toEqual(Array.from(expected.voxels));
    expect(r.droppedVoxels).toBe(0);
    // And back again.
    const back = resampleMaskOnto(r.mask, mask);
    expect(Array.from(back.mask.voxels)).toEqual(Array.from(mask.voxels));
  });

  it('drops labels outside the reference field of view and counts them', () => {
    // Mask 10 wide, reference 8 wide: columns i = 8, 9 lie outside. Label 2 lives only there.
    const mask = makeVolume(Uint8Array, [10, 6, 4], [1, 1, 1], [0, 0, 0], IDENTITY, (i, j) => (i >= 8 ? 2 : i >= 6 && j < 3 ? 1 : 0));
    const r = resampleMaskOnto(mask, reference);
    expect(r.droppedVoxels).toBe(2 * 6 * 4);
    expect(r.droppedByLabel.get(2)).toBe(48);
    expect(r.droppedByLabel.has(1)).toBe(false);
    expect(r.lostLabels).toEqual([2]);
    expect(labelCounts(r.mask)).toEqual(new Map([[1, 2 * 3 * 4]]));
  });

  it('fills reference voxels outside the mask with 0 and counts partial drops', () => {
    // Mask shifted by +5 mm in x: only its first 3 columns overlap the reference.
    const mask = makeVolume(Uint8Array, [6, 6, 4], [1, 1, 1], [5, 0, 0], IDENTITY, () => 7);
    const r = resampleMaskOnto(mask, reference);
    expect(labelCounts(r.mask).get(7)).toBe(3 * 6 * 4);
    expect(r.droppedVoxels).toBe(3 * 6 * 4);
    expect(r.lostLabels).toEqual([]);
    expect(r.mask.voxels[0]).toBe(0);
  });

  it('rejects invalid arguments', () => {
    const mask = makeVolume(Uint8Array, [2, 2, 2]);
    expect(() => resampleMaskOnto(mask, { ...reference, spacing: [1, 0, 1] })).toThrow(TransformArgumentError);
    expect(() => resampleMaskOnto(mask, { ...reference, direction: [2, 0, 0, 0, 1, 0, 0, 0, 1] })).toThrow(/unit vector/);
    expect(() => resampleMaskOnto({ ...mask, voxels: new Uint8Array(3) }, reference)).toThrow(TransformArgumentError);
  });
});
