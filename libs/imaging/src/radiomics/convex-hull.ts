// Incremental 3D convex hull (volume, area, vertices), for morphology's convex-hull densities and diameter.
// Points within a tiny tolerance of an existing face are not added; that does not change volume or area.

export interface Hull {
  volume: number;
  area: number;
  /** Indices (into the input point list) of hull vertices. */
  vertices: number[];
}

/**
 * Keeps only points that are extreme (min or max) along x on their (y, z) line, along y on their (x, z) line and
 * along z on their (x, y) line: a hull vertex cannot lie strictly between two other points on a line.
 */
export function hullCandidates(p: Float64Array): number[] {
  const n = p.length / 3;
  const keep = new Uint8Array(n);
  for (const axis of [0, 1, 2]) {
    const u = (axis + 1) % 3, v = (axis + 2) % 3;
    const best = new Map<string, [number, number]>();
    for (let q = 0; q < n; q++) {
      const key = `${p[3 * q + u]},${p[3 * q + v]}`;
      const b = best.get(key);
      if (!b) best.set(key, [q, q]);
      else {
        if (p[3 * q + axis]! < p[3 * b[0] + axis]!) b[0] = q;
        if (p[3 * q + axis]! > p[3 * b[1] + axis]!) b[1] = q;
      }
    }
    for (const [a, b] of best.values()) {
      keep[a]! |= 1 << axis;
      keep[b]! |= 1 << axis;
    }
  }
  const out: number[] = [];
  for (let q = 0; q < n; q++) if (keep[q] === 7) out.push(q);
  return out;
}

export function convexHull(p: Float64Array, candidates?: number[]): Hull {
  const idx = candidates ?? Array.from({ length: p.length / 3 }, (_, q) => q);
  const X = (q: number) => p[3 * q]!, Y = (q: number) => p[3 * q + 1]!, Z = (q: number) => p[3 * q + 2]!;
  let span = 0;
  for (const q of idx) span = Math.max(span, Math.abs(X(q)), Math.abs(Y(q)), Math.abs(Z(q)));
  const eps = 1e-9 * Math.max(1, span) ** 2;
  const sub = (a: number, b: number) => [X(a) - X(b), Y(a) - Y(b), Z(a) - Z(b)] as const;
  const cross = (u: readonly number[], v: readonly number[]) => [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
  const dot = (u: readonly number[], v: readonly number[]) => u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
  // Initial tetrahedron.
  if (idx.length < 4) return { volume: 0, area: 0, vertices: [...idx] };
  const a = idx[0]!;
  let b = -1, c = -1, d = -1;
  let best = 0;
  for (const q of idx) {
    const u = sub(q, a);
    const l = dot(u, u);
    if (l > best) (best = l), (b = q);
  }
  best = 0;
  for (const q of idx) {
    const n = cross(sub(b, a), sub(q, a));
    const l = dot(n, n);
    if (l > best) (best = l), (c = q);
  }
  best = 0;
  const n0 = cross(sub(b, a), sub(c, a));
  for (const q of idx) {
    const l = Math.abs(dot(n0, sub(q, a)));
    if (l > best) (best = l), (d = q);
  }
  if (b < 0 || c < 0 || d < 0 || best <= eps) return { volume: 0, area: 0, vertices: [...idx] };
  type Face = { v: [number, number, number]; n: number[]; off: number; alive: boolean; outside: number[] };
  const faces: Face[] = [];
  const makeFace = (i: number, j: number, k: number): Face => {
    const n = cross(sub(j, i), sub(k, i));
    return { v: [i, j, k], n, off: dot(n, [X(i), Y(i), Z(i)]), alive: true, outside: [] };
  };
  const NP = p.length / 3;
  const edgeFace = new Map<number, Face>();
  const register = (f: Face) => {
    for (let e = 0; e < 3; e++) edgeFace.set(f.v[e]! * NP + f.v[(e + 1) % 3]!, f);
    return f;
  };
  const add = (i: number, j: number, k: number) => faces.push(register(makeFace(i, j, k)));
  if (dot(n0, sub(d, a)) > 0) {
    add(a, c, b); add(a, b, d); add(b, c, d); add(c, a, d);
  } else {
    add(a, b, c); add(a, d, b); add(b, d, c); add(c, d, a);
  }
  // Quickhull-style conflict lists: each outside point waits on one face it sees; points that see no face
  // are inside and dropped, so only hull vertices are ever inserted.
  const seeded = new Set([a, b, c, d]);
  const dist = (f: Face, q: number) => (f.n[0]! * X(q) + f.n[1]! * Y(q) + f.n[2]! * Z(q) - f.off) / Math.sqrt(dot(f.n, f.n));
  const tolerance = Math.sqrt(eps);
  const assign = (pts: number[], targets: Face[]) => {
    for (const q of pts) {
      for (const f of targets) {
        if (dist(f, q) > tolerance) {
          f.outside.push(q);
          break;
        }
      }
    }
  };
  assign(idx.filter((q) => !seeded.has(q)), faces);
  let live = faces.slice();
  let dead = 0;
  for (;;) {
    const f0 = live.find((f) => f.alive && f.outside.length > 0);
    if (!f0) break;
    let q = f0.outside[0]!;
    let far = -Infinity;
    for (const r of f0.outside) {
      const d = dist(f0, r);
      if (d > far) (far = d), (q = r);
    }
    // Visible faces: the connected set around f0 (walking across shared edges), which keeps the horizon a
    // simple loop even where many points are coplanar.
    const visible: Face[] = [f0];
    f0.alive = false;
    for (let h = 0; h < visible.length; h++) {
      const f = visible[h]!;
      for (let e = 0; e < 3; e++) {
        const nb = edgeFace.get(f.v[(e + 1) % 3]! * NP + f.v[e]!);
        if (nb && nb.alive && dist(nb, q) > tolerance) {
          nb.alive = false;
          visible.push(nb);
        }
      }
    }
    const edges = new Map<string, [number, number]>();
    const orphans: number[] = [];
    for (const f of visible) {
      for (let e = 0; e < 3; e++) edgeFace.delete(f.v[e]! * NP + f.v[(e + 1) % 3]!);
      for (const r of f.outside) if (r !== q) orphans.push(r);
      f.outside = [];
      for (let e = 0; e < 3; e++) {
        const u = f.v[e]!, w = f.v[(e + 1) % 3]!;
        const rev = `${w},${u}`;
        if (edges.has(rev)) edges.delete(rev);
        else edges.set(`${u},${w}`, [u, w]);
      }
    }
    dead += visible.length;
    const created: Face[] = [];
    for (const [u, w] of edges.values()) {
      const f = register(makeFace(u, w, q));
      faces.push(f);
      live.push(f);
      created.push(f);
    }
    assign(orphans, created);
    if (dead * 2 > live.length) {
      live = live.filter((f) => f.alive);
      dead = 0;
    }
  }
  let volume = 0, area = 0;
  const verts = new Set<number>();
  for (const f of faces) {
    if (!f.alive) continue;
    const [i, j, k] = f.v;
    volume += dot([X(i), Y(i), Z(i)], cross([X(j), Y(j), Z(j)], [X(k), Y(k), Z(k)])) / 6;
    area += Math.sqrt(dot(f.n, f.n)) / 2;
    verts.add(i).add(j).add(k);
  }
  return { volume, area, vertices: [...verts] };
}
