// Connected zones of equal grey level inside the ROI (26-connected in 3D, 8-connected in-plane), shared by
// GLSZM and GLDZM.
import { neighbours } from './roi';

export interface Zones {
  /** Zone id per voxel (−1 outside the ROI). */
  label: Int32Array;
  count: number;
  size: Int32Array;
  level: Int32Array;
  /** Slice of the zone (planar zones never leave their slice). */
  slice: Int32Array;
}

export function findZones(grey: Int32Array, dims: readonly [number, number, number], planar: boolean): Zones {
  const [nx, ny, nz] = dims;
  const offs = neighbours(planar);
  const n = grey.length;
  const label = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const sizes: number[] = [];
  const levels: number[] = [];
  const slices: number[] = [];
  const plane = nx * ny;
  for (let seed = 0; seed < n; seed++) {
    const a = grey[seed]!;
    if (a === 0 || label[seed] !== -1) continue;
    const id = sizes.length;
    let top = 0;
    stack[top++] = seed;
    label[seed] = id;
    let size = 0;
    while (top > 0) {
      const v = stack[--top]!;
      size++;
      const k = Math.floor(v / plane);
      const r = v - k * plane;
      const j = Math.floor(r / nx);
      const i = r - j * nx;
      for (const o of offs) {
        const a2 = i + o[0]!, b2 = j + o[1]!, c2 = k + o[2]!;
        if (a2 < 0 || b2 < 0 || c2 < 0 || a2 >= nx || b2 >= ny || c2 >= nz) continue;
        const w = a2 + nx * (b2 + ny * c2);
        if (label[w] === -1 && grey[w] === a) {
          label[w] = id;
          stack[top++] = w;
        }
      }
    }
    sizes.push(size);
    levels.push(a);
    slices.push(Math.floor(seed / plane));
  }
  return { label, count: sizes.length, size: Int32Array.from(sizes), level: Int32Array.from(levels), slice: Int32Array.from(slices) };
}
