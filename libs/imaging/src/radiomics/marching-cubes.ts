// Marching cubes on a binary mask at iso-level 0.5 (vertices at edge midpoints). The 256-case triangulation is
// generated here from first principles rather than taken from a published table: on each cube face the
// iso-contour segments separate inside from outside corners (on ambiguous faces the inside corners are kept
// apart, a per-face rule, so neighbouring cubes agree and the mesh is closed); segments are chained into loops,
// oriented with outward normals (away from the inside region), and fan-triangulated from the start vertex that
// encloses the most volume (this reproduces the IBSI phantom's mesh volume 556 and area 388; other fan choices
// give 551–555). Ambiguous faces never occur in the phantom, so that rule is not validated by it.

/** Ambiguous faces: true joins the two inside corners (cuts off the outside ones), false keeps them apart. */
const JOIN_INSIDE = false;

/** Corner c (0..7) sits at (c & 1, (c >> 1) & 1, (c >> 2) & 1). */
const corner = (c: number): [number, number, number] => [c & 1, (c >> 1) & 1, (c >> 2) & 1];

/** The 12 cube edges as corner pairs. */
const EDGES: [number, number][] = [];
for (let c = 0; c < 8; c++) for (const bit of [1, 2, 4]) if (!(c & bit)) EDGES.push([c, c | bit]);
const edgeOf = (a: number, b: number) => EDGES.findIndex(([p, q]) => (p === a && q === b) || (p === b && q === a));

/** Faces: corners in cyclic order and outward normal. */
const FACES: { corners: number[]; normal: [number, number, number] }[] = [];
for (const axis of [0, 1, 2]) {
  const bit = 1 << axis;
  const [u, v] = [1, 2, 4].filter((b) => b !== bit) as [number, number];
  for (const side of [0, 1]) {
    const base = side ? bit : 0;
    const normal: [number, number, number] = [0, 0, 0];
    normal[axis] = side ? 1 : -1;
    FACES.push({ corners: [base, base | u, base | u | v, base | v], normal });
  }
}

const edgeMid = (e: number): [number, number, number] => {
  const [a, b] = EDGES[e]!;
  const p = corner(a);
  const q = corner(b);
  return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2];
};

/** For each of the 256 cases (bit c set = corner c inside), triangles as triples of edge indices. */
export const TRIANGLES: number[][] = [];
for (let cs = 0; cs < 256; cs++) {
  const inside = (c: number) => ((cs >> c) & 1) === 1;
  // Segments: [edgeA, edgeB, face, insideCorner].
  const segs: [number, number, number, number][] = [];
  FACES.forEach((f, fi) => {
    const cc = f.corners;
    const ins = cc.map(inside);
    const n = ins.filter(Boolean).length;
    if (n === 0 || n === 4) return;
    if (n === 2 && ins[0] === ins[2]) {
      // Ambiguous face: cut off each inside corner separately.
      for (let q = 0; q < 4; q++) {
        if (ins[q] === JOIN_INSIDE) continue;
        // The cut-off corner cc[q]; an inside corner on the inside side of the segment.
        const inner = JOIN_INSIDE ? cc[(q + 1) % 4]! : cc[q]!;
        segs.push([edgeOf(cc[(q + 3) % 4]!, cc[q]!), edgeOf(cc[q]!, cc[(q + 1) % 4]!), fi, inner]);
      }
      return;
    }
    const cut: number[] = [];
    let insCorner = -1;
    for (let q = 0; q < 4; q++) {
      const a = cc[q]!;
      const b = cc[(q + 1) % 4]!;
      if (inside(a) !== inside(b)) cut.push(edgeOf(a, b));
      if (inside(a) && insCorner < 0) {
        // An inside corner adjacent to a cut edge.
        const prev = cc[(q + 3) % 4]!;
        if (!inside(b) || !inside(prev)) insCorner = a;
      }
    }
    segs.push([cut[0]!, cut[1]!, fi, insCorner]);
  });
  const used = new Array<boolean>(segs.length).fill(false);
  const tris: number[] = [];
  for (let s0 = 0; s0 < segs.length; s0++) {
    if (used[s0]) continue;
    used[s0] = true;
    const loop = [segs[s0]![0], segs[s0]![1]];
    for (;;) {
      const last = loop[loop.length - 1]!;
      const nx = segs.findIndex((s, q) => !used[q] && (s[0] === last || s[1] === last));
      if (nx < 0) break;
      used[nx] = true;
      const s = segs[nx]!;
      const other = s[0] === last ? s[1] : s[0];
      if (other === loop[0]) break;
      loop.push(other);
    }
    // Orientation test on the first segment (P → Q on face f, inside corner C).
    const [, , fi, c] = segs[s0]!;
    const P = edgeMid(loop[0]!);
    const Q = edgeMid(loop[1]!);
    const N = FACES[fi]!.normal;
    const d = [Q[0] - P[0], Q[1] - P[1], Q[2] - P[2]];
    const x = [d[1]! * N[2] - d[2]! * N[1], d[2]! * N[0] - d[0]! * N[2], d[0]! * N[1] - d[1]! * N[0]];
    const C = corner(c);
    const M = [(P[0] + Q[0]) / 2, (P[1] + Q[1]) / 2, (P[2] + Q[2]) / 2];
    const dot = x[0]! * (C[0] - M[0]!) + x[1]! * (C[1] - M[1]!) + x[2]! * (C[2] - M[2]!);
    if (dot < 0) loop.reverse();
    // Fan triangulation from the start vertex giving the largest enclosed volume (most outward-bulging).
    let st = 0;
    let bestVol = -Infinity;
    for (let s = 0; s < loop.length; s++) {
      let vol = 0;
      for (let q = 1; q + 1 < loop.length; q++) {
        const A = edgeMid(loop[s]!), B = edgeMid(loop[(s + q) % loop.length]!), Cc = edgeMid(loop[(s + q + 1) % loop.length]!);
        const a0 = A.map((x) => x - 0.5), b0 = B.map((x) => x - 0.5), c0 = Cc.map((x) => x - 0.5);
        vol += a0[0]! * (b0[1]! * c0[2]! - b0[2]! * c0[1]!) - a0[1]! * (b0[0]! * c0[2]! - b0[2]! * c0[0]!) + a0[2]! * (b0[0]! * c0[1]! - b0[1]! * c0[0]!);
      }
      if (vol > bestVol + 1e-12) {
        bestVol = vol;
        st = s;
      }
    }
    const L = [...loop.slice(st), ...loop.slice(0, st)];
    for (let q = 1; q + 1 < L.length; q++) tris.push(L[0]!, L[q]!, L[q + 1]!);
  }
  TRIANGLES.push(tris);
}

export interface Mesh {
  /** Vertex coordinates in mm (voxel-grid frame: i·sx, j·sy, k·sz), xyz per vertex. */
  vertices: Float64Array;
  /** Vertex indices, three per triangle, outward-oriented. */
  triangles: Uint32Array;
}

/** Closed iso-surface of a binary mask (1 inside) on a grid; the grid is padded by one empty voxel. */
export function meshFromMask(inRoi: Uint8Array, dims: readonly [number, number, number], spacing: readonly [number, number, number]): Mesh {
  const [nx, ny, nz] = dims;
  const at = (i: number, j: number, k: number) => (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? 0 : inRoi[i + nx * (j + ny * k)]!);
  // Bounding box of the mask to limit the march.
  let i0 = nx, j0 = ny, k0 = nz, i1 = -1, j1 = -1, k1 = -1;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (inRoi[i + nx * (j + ny * k)]) {
          if (i < i0) i0 = i;
          if (i > i1) i1 = i;
          if (j < j0) j0 = j;
          if (j > j1) j1 = j;
          if (k < k0) k0 = k;
          if (k > k1) k1 = k;
        }
  const verts: number[] = [];
  const tris: number[] = [];
  const vmap = new Map<number, number>();
  // Edge key: doubled coordinates of the midpoint (unique per grid edge); grid shifted by +1 for padding.
  const W = nx + 3, H = ny + 3;
  const vertexFor = (x2: number, y2: number, z2: number) => {
    const key = (x2 + 2) + 2 * W * ((y2 + 2) + 2 * H * (z2 + 2));
    let id = vmap.get(key);
    if (id === undefined) {
      id = verts.length / 3;
      verts.push((x2 / 2) * spacing[0], (y2 / 2) * spacing[1], (z2 / 2) * spacing[2]);
      vmap.set(key, id);
    }
    return id;
  };
  for (let k = k0 - 1; k <= k1; k++)
    for (let j = j0 - 1; j <= j1; j++)
      for (let i = i0 - 1; i <= i1; i++) {
        let cs = 0;
        for (let c = 0; c < 8; c++) if (at(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1))) cs |= 1 << c;
        const t = TRIANGLES[cs]!;
        for (let q = 0; q < t.length; q++) {
          const [a, b] = EDGES[t[q]!]!;
          const p = corner(a);
          const r = corner(b);
          tris.push(vertexFor(2 * i + p[0] + r[0], 2 * j + p[1] + r[1], 2 * k + p[2] + r[2]));
        }
      }
  return { vertices: Float64Array.from(verts), triangles: Uint32Array.from(tris) };
}

export function meshVolumeArea(mesh: Mesh): { volume: number; area: number } {
  const v = mesh.vertices;
  const t = mesh.triangles;
  let vol = 0;
  let area = 0;
  for (let q = 0; q < t.length; q += 3) {
    const a = t[q]! * 3, b = t[q + 1]! * 3, c = t[q + 2]! * 3;
    const ax = v[a]!, ay = v[a + 1]!, az = v[a + 2]!;
    const bx = v[b]!, by = v[b + 1]!, bz = v[b + 2]!;
    const cx = v[c]!, cy = v[c + 1]!, cz = v[c + 2]!;
    vol += (ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx)) / 6;
    const ux = bx - ax, uy = by - ay, uz = bz - az;
    const wx = cx - ax, wy = cy - ay, wz = cz - az;
    const nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
    area += Math.sqrt(nx * nx + ny * ny + nz * nz) / 2;
  }
  return { volume: vol, area };
}
