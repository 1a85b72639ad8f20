// IBSI 1 §3.3 intensity-based statistical features (tags stat_*), on the ROI's original intensities.
import type { FeatureMap } from './types';

/** Percentile with linear interpolation between closest ranks (numpy's default), on sorted data. */
export function percentile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 1) return sorted[0]!;
  const h = (n - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function moments(x: ArrayLike<number>): { mean: number; m2: number; m3: number; m4: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { mean, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/** Statistics shared by the stat_* and ih_* families; `prefix` is 'stat' or 'ih'. */
export function statisticsOf(x: ArrayLike<number>, prefix: string): FeatureMap {
  const n = x.length;
  const sorted = Float64Array.from(x as ArrayLike<number>).sort();
  const { mean, m2, m3, m4 } = moments(x);
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  const median = percentile(sorted, 50);
  const p10 = percentile(sorted, 10);
  const p90 = percentile(sorted, 90);
  const p25 = percentile(sorted, 25);
  const p75 = percentile(sorted, 75);
  let mad = 0;
  let medad = 0;
  let rsum = 0;
  let rn = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    mad += Math.abs(v - mean);
    medad += Math.abs(v - median);
    if (v >= p10 && v <= p90) {
      rsum += v;
      rn++;
    }
  }
  const rmean = rsum / rn;
  let rmad = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v >= p10 && v <= p90) rmad += Math.abs(v - rmean);
  }
  const f: FeatureMap = {};
  f[`${prefix}_mean`] = mean;
  f[`${prefix}_var`] = m2;
  f[`${prefix}_skew`] = m2 === 0 ? 0 : m3 / Math.pow(m2, 1.5);
  f[`${prefix}_kurt`] = m2 === 0 ? 0 : m4 / (m2 * m2) - 3;
  f[`${prefix}_median`] = median;
  f[`${prefix}_min`] = min;
  f[`${prefix}_p10`] = p10;
  f[`${prefix}_p90`] = p90;
  f[`${prefix}_max`] = max;
  f[`${prefix}_iqr`] = p75 - p25;
  f[`${prefix}_range`] = max - min;
  f[`${prefix}_mad`] = mad / n;
  f[`${prefix}_rmad`] = rmad / rn;
  f[`${prefix}_medad`] = medad / n;
  f[`${prefix}_cov`] = Math.sqrt(m2) / mean;
  f[`${prefix}_qcod`] = (p75 - p25) / (p75 + p25);
  return f;
}

/** stat_* features of the ROI intensities. */
export function statisticalFeatures(values: Float64Array): FeatureMap {
  const f = statisticsOf(values, 'stat');
  let energy = 0;
  for (let i = 0; i < values.length; i++) energy += values[i]! * values[i]!;
  f.stat_energy = energy;
  f.stat_rms = Math.sqrt(energy / values.length);
  return f;
}
