// The linear read-outs the encoder model cards use: a ridge solve checked against a known linear map, a decoder
// fit and a probe on data whose answer is known.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@oncoboard/facts';
import { linearDecoderError, linearProbe, ridgeSolve } from './linear-probe';

describe('linear read-outs', () => {
  it('ridgeSolve recovers a linear map with a bias (tiny lambda)', () => {
    const random = mulberry32(1);
    const n = 50;
    const a = new Float64Array(n * 3);
    const y = new Float64Array(n * 2);
    for (let s = 0; s < n; s++) {
      const [x0, x1] = [random() * 2 - 1, random() * 2 - 1];
      a.set([x0, x1, 1], s * 3);
      y.set([2 * x0 - x1 + 0.5, -3 * x1 + 1], s * 2);
    }
    const w = ridgeSolve(a, y, n, 3, 2, 1e-9);
    [2, 0, -1, -3, 0.5, 1].forEach((expected, i) => expect(w[i]).toBeCloseTo(expected, 6));
  });

  it('a decoder fit is exact for patches that are linear in the embedding, and a probe separates separable classes', () => {
    const random = mulberry32(2);
    const embeddings = Array.from({ length: 400 }, () => Float32Array.from({ length: 4 }, () => random() * 2 - 1));
    const patches = embeddings.map((e) => Float32Array.from({ length: 6 }, (_, v) => e[v % 4]! * (v + 1) - 0.25));
    expect(linearDecoderError(embeddings.slice(0, 60), patches.slice(0, 60), embeddings.slice(60), patches.slice(60), 1e-9).mse).toBeLessThan(1e-10);
    const labels = embeddings.map((e) => (e[0]! + 0.5 * e[2]! > 0.1 ? 1 : 0) as 0 | 1);
    const probe = linearProbe(embeddings.slice(0, 300), labels.slice(0, 300), embeddings.slice(300), labels.slice(300));
    expect(probe.balancedAccuracy).toBeGreaterThan(0.9);
    expect(probe.counts.test[0] + probe.counts.test[1]).toBe(100);
    // Labels unrelated to the embedding (alternating) are not learnable: near chance on the test rows.
    const noise = linearProbe(embeddings.slice(0, 300), labels.slice(0, 300).map((_, i) => (i % 2) as 0 | 1), embeddings.slice(300), labels.slice(300));
    expect(noise.balancedAccuracy).toBeLessThan(0.7);
  });
});
