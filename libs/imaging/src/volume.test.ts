import { describe, expect, it } from 'vitest';
import { voxelIndex, voxelToWorld, worldToVoxel, type VolumeGeometry } from './volume';

// An oblique, anisotropic grid: i along LPS y, j along -x, k along z, rotated 30° about z.
const c = Math.cos(Math.PI / 6);
const s = Math.sin(Math.PI / 6);
const geometry: VolumeGeometry = {
  dims: [4, 5, 6],
  spacing: [0.5, 0.8, 3],
  origin: [-10, 20, 5],
  direction: [c, s, 0, -s, c, 0, 0, 0, 1],
};

describe('Volume geometry', () => {
  it('maps voxel centres to LPS millimetres along the direction vectors', () => {
    expect(voxelToWorld(geometry, 0, 0, 0)).toEqual([-10, 20, 5]);
    const [x, y, z] = voxelToWorld(geometry, 2, 0, 1);
    expect(x).toBeCloseTo(-10 + 2 * 0.5 * c, 12);
    expect(y).toBeCloseTo(20 + 2 * 0.5 * s, 12);
    expect(z).toBeCloseTo(8, 12);
  });

  it('inverts the mapping exactly for orthonormal directions', () => {
    for (const [i, j, k] of [[0, 0, 0], [3, 4, 5], [1.5, 2.25, 0.5]] as const) {
      const back = worldToVoxel(geometry, ...voxelToWorld(geometry, i, j, k));
      expect(back[0]).toBeCloseTo(i, 10);
      expect(back[1]).toBeCloseTo(j, 10);
      expect(back[2]).toBeCloseTo(k, 10);
    }
  });

  it('indexes i fastest, then j, then k', () => {
    expect(voxelIndex(geometry.dims, 1, 0, 0)).toBe(1);
    expect(voxelIndex(geometry.dims, 0, 1, 0)).toBe(4);
    expect(voxelIndex(geometry.dims, 0, 0, 1)).toBe(20);
  });
});
