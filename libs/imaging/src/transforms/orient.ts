// orient(axcodes): exact reordering/flipping of voxel axes so that they point toward a declared convention.
import { voxelToWorld, type Direction, type Vec3, type Volume } from '../volume';
import { argumentError, defineTransform, sameTypeArray, withVoxels, type Transform } from './types';

/**
 * Axis codes name the patient direction each voxel axis points TOWARD (nibabel convention): 'LPS' means i
 * increases toward patient Left (+x in LPS), j toward Posterior (+y), k toward Superior (+z); 'RAS' means i
 * toward Right (−x), j toward Anterior (−y), k toward Superior. (ITK/DICOM "from" codes are the opposite.)
 */
export type AxisCodes = string;

const CODE: Record<string, { axis: number; sign: 1 | -1 }> = {
  L: { axis: 0, sign: 1 }, R: { axis: 0, sign: -1 },
  P: { axis: 1, sign: 1 }, A: { axis: 1, sign: -1 },
  S: { axis: 2, sign: 1 }, I: { axis: 2, sign: -1 },
};
const LETTERS = [['L', 'R'], ['P', 'A'], ['S', 'I']] as const;

const PERMUTATIONS: readonly (readonly [number, number, number])[] = [
  [0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0],
];

/** Parses 'LPS' / 'ras' etc. into world axis + sign for each voxel axis; throws on anything else. */
export function parseAxisCodes(axcodes: string): { axis: number; sign: 1 | -1 }[] {
  if (typeof axcodes !== 'string' || axcodes.length !== 3) {
    argumentError(`orient: axcodes expected three letters from L/R, P/A, S/I (e.g. 'LPS' or 'RAS'), got ${JSON.stringify(axcodes)}`);
  }
  const parsed = [...axcodes.toUpperCase()].map((c) => CODE[c]);
  if (parsed.some((p) => p === undefined) || new Set(parsed.map((p) => p!.axis)).size !== 3) {
    argumentError(`orient: axcodes expected one letter from each pair L/R, P/A, S/I (e.g. 'LPS' or 'RAS'), got ${JSON.stringify(axcodes)}`);
  }
  return parsed as { axis: number; sign: 1 | -1 }[];
}

/**
 * The current axis codes of a direction matrix: each voxel axis is assigned the world axis it is nearest to
 * (the permutation maximising the summed |cosines|, so a 45° oblique pair still gets distinct axes).
 */
export function axisCodesOf(direction: Direction): string {
  const perm = nearestPermutation(direction);
  return perm
    .map((w, a) => {
      const [pos, neg] = LETTERS[w]!;
      return direction[3 * a + w]! >= 0 ? pos : neg;
    })
    .join('');
}

function nearestPermutation(d: Direction): readonly [number, number, number] {
  let best = PERMUTATIONS[0]!;
  let bestScore = -1;
  for (const p of PERMUTATIONS) {
    const score = Math.abs(d[p[0]]!) + Math.abs(d[3 + p[1]]!) + Math.abs(d[6 + p[2]]!);
    if (score > bestScore + 1e-12) {
      bestScore = score;
      best = p;
    }
  }
  return best;
}

/**
 * The grid `orient(axcodes)` gives `v`, without touching voxels: dims, spacing, origin and direction, and for each
 * new voxel axis b the old axis it comes from (`src[b]`) and whether it runs backwards (`flip[b]`).
 */
export function orientedGrid(v: Pick<Volume, 'dims' | 'spacing' | 'origin' | 'direction'>, axcodes: AxisCodes) {
  const target = parseAxisCodes(axcodes);
  const perm = nearestPermutation(v.direction); // perm[a] = world axis of input voxel axis a
  const src: number[] = [];
  const flip: boolean[] = [];
  for (let b = 0; b < 3; b++) {
    const a = perm.indexOf(target[b]!.axis);
    src.push(a);
    flip.push(Math.sign(v.direction[3 * a + target[b]!.axis]!) !== target[b]!.sign);
  }
  const dims: Vec3 = [v.dims[src[0]!]!, v.dims[src[1]!]!, v.dims[src[2]!]!];
  const spacing: Vec3 = [v.spacing[src[0]!]!, v.spacing[src[1]!]!, v.spacing[src[2]!]!];
  const dir: number[] = [];
  for (let b = 0; b < 3; b++) {
    const a = src[b]!;
    const s = flip[b] ? -1 : 1;
    dir.push(s * v.direction[3 * a]! + 0, s * v.direction[3 * a + 1]! + 0, s * v.direction[3 * a + 2]! + 0); // + 0 turns −0 into 0
  }
  const start = [0, 0, 0];
  for (let b = 0; b < 3; b++) if (flip[b]) start[src[b]!] = v.dims[src[b]!]! - 1;
  const origin = voxelToWorld(v, start[0]!, start[1]!, start[2]!);
  return { dims, spacing, origin, direction: dir as unknown as Direction, src, flip, start };
}

/**
 * Reorders and flips voxel axes (no interpolation) so voxel axis b points toward axcodes[b]. Origin moves to the
 * world position of the voxel that becomes (0,0,0); direction columns are permuted/negated; spacing and dims are
 * permuted. Voxel type is preserved. Image and mask are reoriented identically. Oblique grids keep their
 * obliquity: only the nearest-axis assignment changes.
 */
export function orient(axcodes: AxisCodes): Transform {
  parseAxisCodes(axcodes); // bad codes fail here, when the pipeline is built, not at its first volume
  const reorient = (v: Volume): Volume => {
    const { dims, spacing, origin, direction, src, flip, start } = orientedGrid(v, axcodes);
    // Input strides per output axis (negative for flips), then a plain triple loop.
    const inStride = [1, v.dims[0], v.dims[0] * v.dims[1]];
    const step = [0, 1, 2].map((b) => (flip[b] ? -1 : 1) * inStride[src[b]!]!);
    const base = start[0]! * inStride[0]! + start[1]! * inStride[1]! + start[2]! * inStride[2]!;
    const out = sameTypeArray(v.voxels, v.voxels.length);
    const inp = v.voxels;
    let o = 0;
    for (let k = 0; k < dims[2]; k++) {
      for (let j = 0; j < dims[1]; j++) {
        let p = base + k * step[2]! + j * step[1]!;
        const s0 = step[0]!;
        for (let i = 0; i < dims[0]; i++, p += s0) out[o++] = inp[p]!;
      }
    }
    return withVoxels(v, out, { dims, spacing, origin, direction });
  };
  return defineTransform('orient', { axcodes: axcodes.toUpperCase() }, (image, mask) => {
    const result: { image: Volume; mask?: Volume } = { image: reorient(image) };
    if (mask) result.mask = reorient(mask);
    return result;
  });
}
