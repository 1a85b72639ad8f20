// Harrell's C of several risk scores on the same rows, with percentile-bootstrap 95 % CIs from paired resamples
// (every score is scored on the same resampled rows), and paired differences between named scores.
import { computeHarrellC } from '@oncoboard/fusion-model';

export interface PairedBootstrapC {
  point: Record<string, number>;
  ci95: Record<string, [number, number]>;
  /** By label: point difference a − b and its 95 % CI over the same resamples. */
  differences: Record<string, { difference: number; ci95: [number, number] }>;
}

const quantile = (sorted: readonly number[], q: number) => {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
};

// A resample without any comparable pair has no C (NaN, only on tiny splits): it is left out of the percentiles.
const ci95 = (values: readonly number[]): [number, number] => {
  const s = values.filter(Number.isFinite).sort((x, y) => x - y);
  return [quantile(s, 0.025), quantile(s, 0.975)];
};

export function pairedBootstrapC(
  time: readonly number[],
  event: readonly number[],
  risks: ReadonlyMap<string, ArrayLike<number>>,
  options: { resamples: number; random: () => number; differences?: readonly (readonly [label: string, a: string, b: string])[]; onResample?: (done: number) => void },
): PairedBootstrapC {
  const n = time.length;
  const names = [...risks.keys()];
  for (const k of names) if (risks.get(k)!.length !== n) throw new Error(`paired bootstrap: score "${k}" has ${risks.get(k)!.length} values, expected ${n} (one per row)`);
  const pairs = options.differences ?? [];
  const point = Object.fromEntries(names.map((k) => [k, computeHarrellC(time, event, Array.from(risks.get(k)!)).concordance]));
  const boot: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  const diffs: Record<string, number[]> = Object.fromEntries(pairs.map(([label]) => [label, []]));
  for (let b = 0; b < options.resamples; b++) {
    const idx = Array.from({ length: n }, () => Math.floor(options.random() * n));
    const t = idx.map((i) => time[i]!);
    const e = idx.map((i) => event[i]!);
    const c: Record<string, number> = {};
    for (const k of names) {
      const r = risks.get(k)!;
      c[k] = computeHarrellC(t, e, idx.map((i) => r[i]!)).concordance;
      boot[k]!.push(c[k]!);
    }
    for (const [label, a, bName] of pairs) diffs[label]!.push(c[a]! - c[bName]!);
    options.onResample?.(b + 1);
  }
  return {
    point,
    ci95: Object.fromEntries(names.map((k) => [k, ci95(boot[k]!)])),
    differences: Object.fromEntries(pairs.map(([label, a, bName]) => [label, { difference: point[a]! - point[bName]!, ci95: ci95(diffs[label]!) }])),
  };
}
