// Test helpers: synthetic volumes with known geometry. Not exported from the package index.
import { voxelToWorld, type Direction, type Vec3, type Volume, type VoxelArray } from '../volume';

export const IDENTITY: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function makeVolume<T extends VoxelArray>(
  ctor: { new (n: number): T },
  dims: Vec3,
  spacing: Vec3 = [1, 1, 1],
  origin: Vec3 = [0, 0, 0],
  direction: Direction = IDENTITY,
  fn?: (i: number, j: number, k: number, world: [number, number, number]) => number,
): Volume<T> {
  const voxels = new ctor(dims[0] * dims[1] * dims[2]);
  const v: Volume<T> = { voxels, dims, spacing, origin, direction };
  if (fn) {
    let p = 0;
    for (let k = 0; k < dims[2]; k++)
      for (let j = 0; j < dims[1]; j++)
        for (let i = 0; i < dims[0]; i++, p++) voxels[p] = fn(i, j, k, voxelToWorld(v, i, j, k));
  }
  return v;
}

/** 1 inside the ellipsoid with semi-axes r (mm, world LPS axes) centred at world point c, else 0. */
export function ellipsoid(c: Vec3, r: Vec3, label = 1) {
  return (_i: number, _j: number, _k: number, w: [number, number, number]) => {
    const x = (w[0] - c[0]) / r[0];
    const y = (w[1] - c[1]) / r[1];
    const z = (w[2] - c[2]) / r[2];
    return x * x + y * y + z * z <= 1 + 1e-9 ? label : 0;
  };
}
