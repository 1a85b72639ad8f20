// Connected components of a label mask (> 0 = foreground), iterative flood fill on typed arrays (no recursion).
import type { Volume } from '../volume';
import { validateVolume } from '../transforms/types';

export type Connectivity = 6 | 26;

export interface ComponentOptions {
  /** 26 (faces, edges, corners; default) or 6 (faces only). */
  connectivity?: Connectivity;
  /**
   * When true, neighbouring voxels join only if they carry the same label value (so touching lesions drawn
   * with different labels stay separate). Default false: every voxel > 0 is foreground.
   */
  separateLabels?: boolean;
}

export interface ComponentLabels {
  /** Component id per voxel (1..count, 0 = background), same indexing as the mask. */
  labels: Int32Array;
  count: number;
  /** sizes[c − 1] = voxel count of component c. Components are numbered in scan order of their first voxel. */
  sizes: number[];
}

export class MeasureArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MeasureArgumentError';
  }
}

/** Labels the connected components of mask > 0. */
export function connectedComponents(mask: Volume, options: ComponentOptions = {}): ComponentLabels {
  validateVolume(mask, 'connectedComponents: mask');
  const connectivity = options.connectivity ?? 26;
  if (connectivity !== 6 && connectivity !== 26) {
    throw new MeasureArgumentError(`connectedComponents: options.connectivity expected 6 or 26, got ${JSON.stringify(connectivity)}`);
  }
  const separate = options.separateLabels ?? false;
  const [nx, ny, nz] = mask.dims;
  const nxy = nx * ny;
  const m = mask.voxels;
  const n = m.length;
  const labels = new Int32Array(n);
  const queue = new Int32Array(n);
  const offsets: [number, number, number][] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const manhattan = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (manhattan === 0 || (connectivity === 6 && manhattan !== 1)) continue;
        offsets.push([di, dj, dk]);
      }
  const sizes: number[] = [];
  let count = 0;
  for (let seed = 0; seed < n; seed++) {
    if (labels[seed] !== 0 || !(m[seed]! > 0)) continue;
    const id = ++count;
    const value = m[seed]!;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    labels[seed] = id;
    while (head < tail) {
      const p = queue[head++]!;
      const k = Math.floor(p / nxy);
      const r = p - k * nxy;
      const j = Math.floor(r / nx);
      const i = r - j * nx;
      for (const [di, dj, dk] of offsets) {
        const a = i + di, b = j + dj, c = k + dk;
        if (a < 0 || a >= nx || b < 0 || b >= ny || c < 0 || c >= nz) continue;
        const q = a + nx * (b + ny * c);
        if (labels[q] !== 0) continue;
        const v = m[q]!;
        if (!(v > 0) || (separate && v !== value)) continue;
        labels[q] = id;
        queue[tail++] = q;
      }
    }
    sizes.push(tail);
  }
  return { labels, count, sizes };
}
