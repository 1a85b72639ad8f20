// The one image type every reader returns and every transform, measurement and encoder takes.
// Geometry follows DICOM's patient coordinate system (LPS, millimetres): voxel (i, j, k) — i fastest, along
// columns; j along rows; k along slices — sits at world point  origin + i·spacing[0]·direction[0..2]
// + j·spacing[1]·direction[3..5] + k·spacing[2]·direction[6..8]. NIfTI's RAS is converted to LPS on reading.

export type VoxelArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export type Vec3 = readonly [number, number, number];
/** Three unit column vectors, row-major as [x axis (i), y axis (j), z axis (k)]: 9 numbers. */
export type Direction = readonly [number, number, number, number, number, number, number, number, number];

export interface VolumeGeometry {
  /** Voxels along i (columns), j (rows), k (slices). */
  dims: Vec3;
  /** Millimetres between voxel centres along i, j, k. */
  spacing: Vec3;
  /** World position (LPS, mm) of the centre of voxel (0, 0, 0). */
  origin: Vec3;
  /** Unit vectors of the i, j and k axes in LPS: [ix, iy, iz, jx, jy, jz, kx, ky, kz]. */
  direction: Direction;
}

export interface Volume<T extends VoxelArray = VoxelArray> extends VolumeGeometry {
  /** dims[0]·dims[1]·dims[2] values, index = i + dims[0]·(j + dims[1]·k). Real-world values (CT in HU). */
  voxels: T;
  /** Where it came from (a file, a folder, a series UID), for provenance and error messages; no patient data. */
  source?: string;
}

export function voxelCount(dims: Vec3): number {
  return dims[0] * dims[1] * dims[2];
}

export function voxelIndex(dims: Vec3, i: number, j: number, k: number): number {
  return i + dims[0] * (j + dims[1] * k);
}

/** a × b for 3-vectors (a missing component counts as 0): a slice normal from its row and column directions. */
export function cross(a: readonly number[], b: readonly number[]): number[] {
  const [a0 = 0, a1 = 0, a2 = 0] = a;
  const [b0 = 0, b1 = 0, b2 = 0] = b;
  return [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0];
}

/** World (LPS, mm) position of a voxel's centre; i, j, k may be fractional. */
export function voxelToWorld(g: VolumeGeometry, i: number, j: number, k: number): [number, number, number] {
  const d = g.direction;
  const a = i * g.spacing[0];
  const b = j * g.spacing[1];
  const c = k * g.spacing[2];
  return [
    g.origin[0] + a * d[0] + b * d[3] + c * d[6],
    g.origin[1] + a * d[1] + b * d[4] + c * d[7],
    g.origin[2] + a * d[2] + b * d[5] + c * d[8],
  ];
}

/**
 * Continuous voxel coordinates of a world point. Assumes orthonormal direction vectors (the readers check
 * this and reject sheared geometry), so the inverse is the transpose.
 */
export function worldToVoxel(g: VolumeGeometry, x: number, y: number, z: number): [number, number, number] {
  const d = g.direction;
  const px = x - g.origin[0];
  const py = y - g.origin[1];
  const pz = z - g.origin[2];
  return [
    (px * d[0] + py * d[1] + pz * d[2]) / g.spacing[0],
    (px * d[3] + py * d[4] + pz * d[5]) / g.spacing[1],
    (px * d[6] + py * d[7] + pz * d[8]) / g.spacing[2],
  ];
}
