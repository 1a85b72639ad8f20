// Per-lesion measurements from a label mask: size, volume, centroid, bounding box and RECIST-style axial diameters.
import { voxelToWorld, type Vec3, type Volume } from '../volume';
import { assertSameGrid, validateVolume } from '../transforms/types';
import { connectedComponents, MeasureArgumentError, type ComponentOptions } from './components';

/** Where a measurement came from. The caller fills `source` (e.g. a SeriesInstanceUID or mask file). */
export interface LesionProvenance {
  /** Free-text origin: series UID, mask file or segmentation run; never patient data. */
  source: string;
  /** Component number within this mask (1..n, scan order of first voxel). */
  lesion: number;
  /** Mask value at the lesion's first voxel (the segmentation's own label). */
  label: number;
  seriesInstanceUid?: string;
  maskSource?: string;
}

export interface AxialDiameters {
  /** Index of the voxel axis treated as slice normal (the axis whose direction is closest to patient S/I). */
  sliceAxis: 0 | 1 | 2;
  /** Slice index (along sliceAxis) where the longest diameter was found. */
  slice: number;
  /** Longest in-slice distance between boundary voxel centres (mm). */
  longestDiameterMm: number;
  /** Endpoints of the long axis, world LPS mm. */
  longAxisEndpoints: [Vec3, Vec3];
  /**
   * Short axis (mm) in the same slice: the longest chord between boundary voxel centres whose direction is within
   * ±5° of perpendicular to the long axis. If no pair qualifies (tiny/thin lesions) it falls back to the extent of
   * the boundary points projected onto the perpendicular direction (method says which was used).
   */
  shortAxisMm: number;
  shortAxisMethod: 'chord±5°' | 'projection';
  /** Endpoints of the short-axis chord (world LPS mm); null when the projection fallback was used. */
  shortAxisEndpoints: [Vec3, Vec3] | null;
}

export interface LesionMeasurement {
  provenance: LesionProvenance;
  voxelCount: number;
  /** voxelCount × spacing[0]·spacing[1]·spacing[2] / 1000. */
  volumeMl: number;
  /** Mean voxel-centre position, world LPS mm. */
  centroidLps: Vec3;
  /** Inclusive voxel-index bounds and edge-to-edge size along each voxel axis in mm. */
  boundingBox: { min: Vec3; max: Vec3; sizeMm: Vec3 };
  axial: AxialDiameters;
  /** Mean image value inside the lesion, when an image was given. */
  meanIntensity?: number;
}

export interface MeasureOptions extends ComponentOptions {
  /** Provenance source; defaults to mask.source. One of the two is required. */
  source?: string;
  seriesInstanceUid?: string;
  maskSource?: string;
  /** Image on the same grid (checked); adds meanIntensity. */
  image?: Volume;
  /** Drop components smaller than this many voxels (default 1: keep all). */
  minVoxels?: number;
  /** Return [] for an empty mask instead of throwing (default false). */
  allowEmpty?: boolean;
}

const SHORT_AXIS_TOLERANCE_DEG = 5;

/** The voxel axis whose direction vector has the largest |S/I| (z in LPS) component. */
export function axialSliceAxis(direction: Volume['direction']): 0 | 1 | 2 {
  let best: 0 | 1 | 2 = 2;
  let bestZ = -1;
  for (const a of [2, 0, 1] as const) {
    const z = Math.abs(direction[3 * a + 2]!);
    if (z > bestZ + 1e-12) {
      bestZ = z;
      best = a;
    }
  }
  return best;
}

/** Measures every connected component of mask > 0 (see LesionMeasurement for definitions). */
export function measureLesions(mask: Volume, options: MeasureOptions = {}): LesionMeasurement[] {
  validateVolume(mask, 'measureLesions: mask');
  if (options.image !== undefined) {
    validateVolume(options.image, 'measureLesions: options.image');
    assertSameGrid(options.image, mask, 'measureLesions: options.image', 'measureLesions: mask');
  }
  const source = options.source ?? mask.source;
  if (typeof source !== 'string' || source.length === 0) {
    throw new MeasureArgumentError('measureLesions: options.source expected a non-empty provenance string (series UID or mask source) because mask.source is unset, got ' + JSON.stringify(options.source));
  }
  const minVoxels = options.minVoxels ?? 1;
  if (!Number.isInteger(minVoxels) || minVoxels < 1) {
    throw new MeasureArgumentError(`measureLesions: options.minVoxels expected an integer ≥ 1, got ${JSON.stringify(options.minVoxels)}`);
  }
  const { labels, count, sizes } = connectedComponents(mask, options);
  if (count === 0) {
    if (options.allowEmpty) return [];
    throw new MeasureArgumentError('measureLesions: mask expected at least one voxel > 0 (a lesion), got an empty mask');
  }
  const [nx, ny] = mask.dims;
  const nxy = nx * ny;
  // Counting sort of voxel indices by component.
  const start = new Int32Array(count + 2);
  for (let c = 1; c <= count; c++) start[c + 1] = start[c]! + sizes[c - 1]!;
  const fill = start.slice();
  const members = new Int32Array(labels.length === 0 ? 0 : start[count + 1]!);
  for (let p = 0; p < labels.length; p++) {
    const c = labels[p]!;
    if (c) members[fill[c]!++] = p;
  }
  const voxelMl = (mask.spacing[0] * mask.spacing[1] * mask.spacing[2]) / 1000;
  const results: LesionMeasurement[] = [];
  for (let c = 1; c <= count; c++) {
    const size = sizes[c - 1]!;
    if (size < minVoxels) continue;
    const from = start[c]!;
    const to = start[c + 1]!;
    let si = 0, sj = 0, sk = 0, sum = 0;
    const min = [Infinity, Infinity, Infinity];
    const max = [-1, -1, -1];
    for (let n = from; n < to; n++) {
      const p = members[n]!;
      const k = Math.floor(p / nxy);
      const r = p - k * nxy;
      const j = Math.floor(r / nx);
      const i = r - j * nx;
      si += i; sj += j; sk += k;
      const ijk = [i, j, k];
      for (let a = 0; a < 3; a++) {
        if (ijk[a]! < min[a]!) min[a] = ijk[a]!;
        if (ijk[a]! > max[a]!) max[a] = ijk[a]!;
      }
      if (options.image) sum += options.image.voxels[p]!;
    }
    const provenance: LesionProvenance = { source, lesion: c, label: mask.voxels[members[from]!]! };
    if (options.seriesInstanceUid !== undefined) provenance.seriesInstanceUid = options.seriesInstanceUid;
    if (options.maskSource !== undefined) provenance.maskSource = options.maskSource;
    const centroid = voxelToWorld(mask, si / size, sj / size, sk / size);
    const m: LesionMeasurement = {
      provenance,
      voxelCount: size,
      volumeMl: size * voxelMl,
      centroidLps: centroid,
      boundingBox: {
        min: min as unknown as Vec3,
        max: max as unknown as Vec3,
        sizeMm: [0, 1, 2].map((a) => (max[a]! - min[a]! + 1) * mask.spacing[a]!) as unknown as Vec3,
      },
      axial: axialDiameters(mask, labels, c, members.subarray(from, to)),
    };
    if (options.image) m.meanIntensity = sum / size;
    results.push(m);
  }
  return results;
}

/** Longest/short axis per RECIST on the axial slice with the largest longest diameter. */
function axialDiameters(mask: Volume, labels: Int32Array, id: number, voxels: Int32Array): AxialDiameters {
  const sliceAxis = axialSliceAxis(mask.direction);
  const [u, v] = ([0, 1, 2] as const).filter((a) => a !== sliceAxis) as [number, number];
  const dims = mask.dims;
  const stride = [1, dims[0], dims[0] * dims[1]];
  const su = mask.spacing[u]!;
  const sv = mask.spacing[v]!;
  const coords = (p: number) => {
    const k = Math.floor(p / stride[2]!);
    const r = p - k * stride[2]!;
    const j = Math.floor(r / stride[1]!);
    return [r - j * stride[1]!, j, k] as [number, number, number];
  };
  const isIn = (ijk: number[], a: number, d: number) => {
    const x = ijk[a]! + d;
    if (x < 0 || x >= dims[a]!) return false;
    return labels[ijk[0]! * stride[0]! + ijk[1]! * stride[1]! + ijk[2]! * stride[2]! + d * stride[a]!] === id;
  };
  // Boundary voxels (any in-plane 4-neighbour outside the lesion), grouped by slice.
  const bySlice = new Map<number, number[]>();
  for (const p of voxels) {
    const ijk = coords(p);
    const boundary = !isIn(ijk, u, -1) || !isIn(ijk, u, 1) || !isIn(ijk, v, -1) || !isIn(ijk, v, 1);
    if (!boundary) continue;
    const s = ijk[sliceAxis]!;
    let list = bySlice.get(s);
    if (!list) bySlice.set(s, (list = []));
    list.push(ijk[u]!, ijk[v]!);
  }
  let best = { slice: -1, d2: -1, a: 0, b: 0, pts: [] as number[] };
  for (const s of [...bySlice.keys()].sort((x, y) => x - y)) {
    const pts = bySlice.get(s)!;
    const hull = convexHull(pts, su, sv);
    let d2 = 0, ea = hull[0]!, eb = hull[0]!;
    for (let x = 0; x < hull.length; x++)
      for (let y = x + 1; y < hull.length; y++) {
        const du = (pts[2 * hull[x]!]! - pts[2 * hull[y]!]!) * su;
        const dv = (pts[2 * hull[x]! + 1]! - pts[2 * hull[y]! + 1]!) * sv;
        const dd = du * du + dv * dv;
        if (dd > d2 + 1e-9) { d2 = dd; ea = hull[x]!; eb = hull[y]!; }
      }
    if (d2 > best.d2 + 1e-9) best = { slice: s, d2, a: ea, b: eb, pts };
  }
  const { pts, a, b, slice } = best;
  const world = (n: number): Vec3 => {
    const ijk = [0, 0, 0];
    ijk[u] = pts[2 * n]!;
    ijk[v] = pts[2 * n + 1]!;
    ijk[sliceAxis] = slice;
    return voxelToWorld(mask, ijk[0]!, ijk[1]!, ijk[2]!);
  };
  const longest = Math.sqrt(best.d2);
  // Perpendicular (unit, in mm) to the long axis.
  const lu = (pts[2 * b]! - pts[2 * a]!) * su;
  const lv = (pts[2 * b + 1]! - pts[2 * a + 1]!) * sv;
  const pu = longest > 0 ? -lv / longest : 0;
  const pv = longest > 0 ? lu / longest : 1;
  const cosTol = Math.cos((SHORT_AXIS_TOLERANCE_DEG * Math.PI) / 180);
  const n = pts.length / 2;
  let s2 = -1, sa = -1, sb = -1;
  if (longest > 0) {
    for (let x = 0; x < n; x++) {
      const xu = pts[2 * x]! * su, xv = pts[2 * x + 1]! * sv;
      for (let y = x + 1; y < n; y++) {
        const du = pts[2 * y]! * su - xu, dv = pts[2 * y + 1]! * sv - xv;
        const dd = du * du + dv * dv;
        if (dd <= s2 || dd === 0) continue;
        if (Math.abs(du * pu + dv * pv) >= cosTol * Math.sqrt(dd)) { s2 = dd; sa = x; sb = y; }
      }
    }
  }
  const result: AxialDiameters = {
    sliceAxis,
    slice,
    longestDiameterMm: longest,
    longAxisEndpoints: [world(a), world(b)],
    shortAxisMm: 0,
    shortAxisMethod: 'chord±5°',
    shortAxisEndpoints: null,
  };
  if (sa >= 0) {
    result.shortAxisMm = Math.sqrt(s2);
    result.shortAxisEndpoints = [world(sa), world(sb)];
  } else {
    let lo = Infinity, hi = -Infinity;
    for (let x = 0; x < n; x++) {
      const proj = pts[2 * x]! * su * pu + pts[2 * x + 1]! * sv * pv;
      lo = Math.min(lo, proj);
      hi = Math.max(hi, proj);
    }
    result.shortAxisMm = n > 0 ? hi - lo : 0;
    result.shortAxisMethod = 'projection';
  }
  return result;
}

/** Andrew's monotone chain on points (pts[2n]·su, pts[2n+1]·sv); returns point numbers of the hull. */
function convexHull(pts: number[], su: number, sv: number): number[] {
  const n = pts.length / 2;
  const order = Array.from({ length: n }, (_, x) => x).sort((p, q) => pts[2 * p]! - pts[2 * q]! || pts[2 * p + 1]! - pts[2 * q + 1]!);
  if (n < 3) return order;
  const cross = (o: number, p: number, q: number) =>
    (pts[2 * p]! - pts[2 * o]!) * su * (pts[2 * q + 1]! - pts[2 * o + 1]!) * sv -
    (pts[2 * p + 1]! - pts[2 * o + 1]!) * sv * (pts[2 * q]! - pts[2 * o]!) * su;
  const lower: number[] = [];
  for (const p of order) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: number[] = [];
  for (let x = order.length - 1; x >= 0; x--) {
    const p = order[x]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  const hull = lower.concat(upper);
  return hull.length > 0 ? hull : order.slice(0, 1);
}
