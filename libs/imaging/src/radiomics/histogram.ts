// IBSI 1 §3.4 intensity histogram features (ih_*) and §3.5 intensity-volume histogram features (ivh_*).
import { statisticsOf } from './statistics';
import type { FeatureMap } from './types';

/** ih_* features of discretised grey levels 1..ng. */
export function histogramFeatures(levels: Int32Array, ng: number): FeatureMap {
  const n = levels.length;
  const f = statisticsOf(levels, 'ih');
  const h = new Float64Array(ng + 1);
  for (let i = 0; i < n; i++) h[levels[i]!]!++;
  let mode = 1;
  let entropy = 0;
  let uniformity = 0;
  for (let g = 1; g <= ng; g++) {
    if (h[g]! > h[mode]!) mode = g;
    const p = h[g]! / n;
    if (p > 0) entropy -= p * Math.log2(p);
    uniformity += p * p;
  }
  f.ih_mode = mode;
  f.ih_entropy = entropy;
  f.ih_uniformity = uniformity;
  // Histogram gradient: forward difference at the first bin, backward at the last, central elsewhere.
  let maxG = -Infinity;
  let maxGi = 1;
  let minG = Infinity;
  let minGi = 1;
  for (let g = 1; g <= ng; g++) {
    let d: number;
    if (ng === 1) d = 0;
    else if (g === 1) d = h[2]! - h[1]!;
    else if (g === ng) d = h[ng]! - h[ng - 1]!;
    else d = (h[g + 1]! - h[g - 1]!) / 2;
    if (d > maxG) {
      maxG = d;
      maxGi = g;
    }
    if (d < minG) {
      minG = d;
      minGi = g;
    }
  }
  f.ih_max_grad = maxG;
  f.ih_max_grad_g = maxGi;
  f.ih_min_grad = minG;
  f.ih_min_grad_g = minGi;
  return f;
}

/**
 * ivh_* features. `x` are the (discretised) intensities of the ROI with bin width `width` (1 for grey levels);
 * intensity fractions are relative to the ROI range [min, max].
 */
export function intensityVolumeFeatures(x: ArrayLike<number>, width = 1): FeatureMap {
  const n = x.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i]! < min) min = x[i]!;
    if (x[i]! > max) max = x[i]!;
  }
  const nb = Math.round((max - min) / width) + 1;
  const counts = new Float64Array(nb);
  for (let i = 0; i < n; i++) counts[Math.round((x[i]! - min) / width)]!++;
  // nu[b]: fraction of the volume with intensity >= level b.
  const nu = new Float64Array(nb);
  let acc = 0;
  for (let b = nb - 1; b >= 0; b--) {
    acc += counts[b]!;
    nu[b] = acc / n;
  }
  const level = (b: number) => min + b * width;
  const span = max - min;
  const volumeAt = (gamma: number) => {
    // Fraction of volume with intensity fraction >= gamma.
    for (let b = 0; b < nb; b++) {
      const frac = span > 0 ? (level(b) - min) / span : 0;
      if (frac >= gamma - 1e-12) return nu[b]!;
    }
    return 0;
  };
  const intensityAt = (v: number) => {
    // Smallest intensity whose volume fraction is <= v.
    for (let b = 0; b < nb; b++) if (nu[b]! <= v + 1e-12) return level(b);
    return max + width;
  };
  const f: FeatureMap = {};
  f.ivh_v10 = volumeAt(0.1);
  f.ivh_v90 = volumeAt(0.9);
  f.ivh_i10 = intensityAt(0.1);
  f.ivh_i90 = intensityAt(0.9);
  f.ivh_diff_v10_v90 = f.ivh_v10 - f.ivh_v90;
  f.ivh_diff_i10_i90 = f.ivh_i10 - f.ivh_i90;
  return f;
}
