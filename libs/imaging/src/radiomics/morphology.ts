// IBSI 1 §3.1 morphological features (morph_*). The mesh comes from marching cubes on the ROI mask; positions
// are in millimetres in the voxel-grid frame (i·sx, j·sy, k·sz), which is the patient frame up to a rotation.
import { convexHull, hullCandidates } from './convex-hull';
import { meshFromMask, meshVolumeArea } from './marching-cubes';
import type { Roi } from './roi';
import type { FeatureMap } from './types';

/** Eigenvalues of a symmetric 3×3 matrix [a, b, c, d, e, f] = [[a, d, e], [d, b, f], [e, f, c]], descending. */
export function symmetricEigenvalues3(a: number, b: number, c: number, d: number, e: number, f: number): [number, number, number] {
  const p1 = d * d + e * e + f * f;
  if (p1 === 0) return [a, b, c].sort((x, y) => y - x) as [number, number, number];
  const q = (a + b + c) / 3;
  const p2 = (a - q) ** 2 + (b - q) ** 2 + (c - q) ** 2 + 2 * p1;
  const p = Math.sqrt(p2 / 6);
  const B = [(a - q) / p, d / p, e / p, d / p, (b - q) / p, f / p, e / p, f / p, (c - q) / p];
  const detB = B[0]! * (B[4]! * B[8]! - B[5]! * B[7]!) - B[1]! * (B[3]! * B[8]! - B[5]! * B[6]!) + B[2]! * (B[3]! * B[7]! - B[4]! * B[6]!);
  const r = Math.max(-1, Math.min(1, detB / 2));
  const phi = Math.acos(r) / 3;
  const l1 = q + 2 * p * Math.cos(phi);
  const l3 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  return [l1, 3 * q - l1 - l3, l3];
}

function legendre(n: number, x: number): number {
  if (n === 0) return 1;
  let p0 = 1, p1 = x;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return p1;
}

/**
 * IBSI's ellipsoid surface area for semi-axes a ≥ b ≥ c: 4πab Σ_{ν=0}^{20} (αβ)^ν / (1 − 4ν²) P_ν((α² + β²)/(2αβ)),
 * α = √(1 − b²/a²), β = √(1 − c²/a²). It matches the exact area for spheroids of low eccentricity only, but it is
 * what the IBSI reference values (morph_area_dens_aee) were computed with.
 */
export function ellipsoidArea(a: number, b: number, c: number): number {
  const alpha = Math.sqrt(Math.max(0, 1 - (b * b) / (a * a)));
  const beta = Math.sqrt(Math.max(0, 1 - (c * c) / (a * a)));
  if (alpha * beta === 0) return 4 * Math.PI * a * b; // ν = 0 term only (the others vanish or are undefined)
  let s = 0;
  const ab = alpha * beta;
  const x = ab > 0 ? (alpha * alpha + beta * beta) / (2 * ab) : 0;
  for (let v = 0; v <= 20; v++) {
    s += (Math.pow(ab, v) / (1 - 4 * v * v)) * legendre(v, x);
  }
  return 4 * Math.PI * a * b * s;
}

export function morphologyFeatures(roi: Roi, maxVoxelsForAutocorrelation: number): FeatureMap {
  const { dims, spacing, indices, values, inRoi } = roi;
  const [nx, ny] = dims;
  const [sx, sy, sz] = spacing;
  const n = indices.length;
  const mesh = meshFromMask(inRoi, dims, spacing);
  const { volume: V, area: A } = meshVolumeArea(mesh);
  const f: FeatureMap = {};
  f.morph_volume = V;
  f.morph_vol_approx = n * sx * sy * sz;
  f.morph_area_mesh = A;
  f.morph_av = A / V;
  f.morph_comp_1 = V / (Math.sqrt(Math.PI) * Math.pow(A, 1.5));
  f.morph_comp_2 = (36 * Math.PI * V * V) / (A * A * A);
  f.morph_sph_dispr = A / Math.cbrt(36 * Math.PI * V * V);
  f.morph_sphericity = Math.cbrt(36 * Math.PI * V * V) / A;
  f.morph_asphericity = Math.cbrt((A * A * A) / (36 * Math.PI * V * V)) - 1;
  // Centre of mass shift, PCA of voxel centre positions.
  let mx = 0, my = 0, mz = 0, wx = 0, wy = 0, wz = 0, wsum = 0, isum = 0;
  const px = new Float64Array(n), py = new Float64Array(n), pz = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const v = indices[q]!;
    const k = Math.floor(v / (nx * ny));
    const r = v - k * nx * ny;
    const j = Math.floor(r / nx);
    const i = r - j * nx;
    const x = i * sx, y = j * sy, z = k * sz;
    px[q] = x; py[q] = y; pz[q] = z;
    mx += x; my += y; mz += z;
    const w = values[q]!;
    wx += w * x; wy += w * y; wz += w * z; wsum += w;
    isum += w;
  }
  mx /= n; my /= n; mz /= n;
  f.morph_com = Math.hypot(mx - wx / wsum, my - wy / wsum, mz - wz / wsum);
  let cxx = 0, cyy = 0, czz = 0, cxy = 0, cxz = 0, cyz = 0;
  for (let q = 0; q < n; q++) {
    const x = px[q]! - mx, y = py[q]! - my, z = pz[q]! - mz;
    cxx += x * x; cyy += y * y; czz += z * z; cxy += x * y; cxz += x * z; cyz += y * z;
  }
  // Sample covariance (n − 1), which is what the IBSI reference values use.
  const nn = Math.max(1, n - 1);
  const [l1, l2, l3] = symmetricEigenvalues3(cxx / nn, cyy / nn, czz / nn, cxy / nn, cxz / nn, cyz / nn);
  f.morph_pca_maj_axis = 4 * Math.sqrt(l1);
  f.morph_pca_min_axis = 4 * Math.sqrt(l2);
  f.morph_pca_least_axis = 4 * Math.sqrt(l3);
  f.morph_pca_elongation = Math.sqrt(l2 / l1);
  f.morph_pca_flatness = Math.sqrt(l3 / l1);
  // Axis-aligned bounding box of the mesh.
  const mv = mesh.vertices;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let q = 0; q < mv.length; q += 3)
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, mv[q + a]!);
      hi[a] = Math.max(hi[a]!, mv[q + a]!);
    }
  const ex = hi.map((h, a) => h - lo[a]!);
  f.morph_vol_dens_aabb = V / (ex[0]! * ex[1]! * ex[2]!);
  f.morph_area_dens_aabb = A / (2 * (ex[0]! * ex[1]! + ex[1]! * ex[2]! + ex[0]! * ex[2]!));
  // Approximate enclosing ellipsoid.
  const a = 2 * Math.sqrt(l1), b = 2 * Math.sqrt(l2), c = 2 * Math.sqrt(l3);
  f.morph_vol_dens_aee = V / ((4 * Math.PI * a * b * c) / 3);
  f.morph_area_dens_aee = A / ellipsoidArea(a, b, c);
  // Convex hull of the mesh; the maximum diameter is reached between hull vertices.
  const hull = convexHull(mv, hullCandidates(mv));
  f.morph_vol_dens_conv_hull = V / hull.volume;
  f.morph_area_dens_conv_hull = A / hull.area;
  let diam2 = 0;
  const hv = hull.vertices;
  for (let p = 0; p < hv.length; p++)
    for (let q = p + 1; q < hv.length; q++) {
      const u = hv[p]! * 3, w = hv[q]! * 3;
      const d2 = (mv[u]! - mv[w]!) ** 2 + (mv[u + 1]! - mv[w + 1]!) ** 2 + (mv[u + 2]! - mv[w + 2]!) ** 2;
      if (d2 > diam2) diam2 = d2;
    }
  f.morph_diam = Math.sqrt(diam2);
  f.morph_integ_int = (isum / n) * V;
  // Moran's I and Geary's C with inverse-distance weights: O(n²), skipped for large ROIs.
  if (n <= maxVoxelsForAutocorrelation && n > 1) {
    const mu = isum / n;
    let wsumAll = 0, moranNum = 0, gearyNum = 0, den = 0;
    for (let p = 0; p < n; p++) den += (values[p]! - mu) ** 2;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const w = 1 / Math.hypot(px[p]! - px[q]!, py[p]! - py[q]!, pz[p]! - pz[q]!);
        wsumAll += 2 * w;
        moranNum += 2 * w * (values[p]! - mu) * (values[q]! - mu);
        gearyNum += 2 * w * (values[p]! - values[q]!) ** 2;
      }
    if (den > 0) {
      f.morph_moran_i = (n / wsumAll) * (moranNum / den);
      f.morph_geary_c = ((n - 1) * gearyNum) / (2 * wsumAll * den);
    }
  }
  return f;
}
