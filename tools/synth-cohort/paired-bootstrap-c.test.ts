import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@oncoboard/facts';
import { computeHarrellC } from '@oncoboard/fusion-model';
import { pairedBootstrapC } from './paired-bootstrap-c';

describe('pairedBootstrapC', () => {
  const random = mulberry32(7);
  const n = 120;
  const risk = Array.from({ length: n }, () => random() * 2 - 1);
  const time = risk.map((r) => Math.exp(-r + 0.8 * (random() - 0.5)));
  const event = time.map(() => (random() < 0.7 ? 1 : 0));
  const noise = risk.map(() => random());

  it('gives the point C of each score, a CI around it, and paired differences', () => {
    const scores = new Map<string, number[]>([
      ['model', risk],
      ['same model', [...risk]],
      ['noise', noise],
    ]);
    const out = pairedBootstrapC(time, event, scores, { resamples: 200, random: mulberry32(1), differences: [['model − same', 'model', 'same model'], ['model − noise', 'model', 'noise']] });
    expect(out.point.model).toBe(computeHarrellC(time, event, risk).concordance);
    for (const k of scores.keys()) {
      const [lo, hi] = out.ci95[k]!;
      expect(lo).toBeLessThanOrEqual(out.point[k]!);
      expect(hi).toBeGreaterThanOrEqual(out.point[k]!);
    }
    // Paired resamples: identical scores differ by exactly 0 on every resample.
    expect(out.differences['model − same']).toEqual({ difference: 0, ci95: [0, 0] });
    expect(out.differences['model − noise']!.ci95[0]).toBeGreaterThan(0);
  });

  it('refuses a score without one value per row, naming it', () => {
    expect(() => pairedBootstrapC(time, event, new Map([['short', risk.slice(1)]]), { resamples: 10, random: mulberry32(1) })).toThrow(`paired bootstrap: score "short" has ${n - 1} values, expected ${n}`);
  });
});
