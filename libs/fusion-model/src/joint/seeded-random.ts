// Seeded randomness for training: every draw (initial weights, splits, bootstrap resamples, modality dropout)
// comes from mulberry32 streams, so the same seed gives the same model bit for bit on the CPU backend.
import { mulberry32 } from '@oncoboard/facts';

export type Random = () => number;

/** A separate stream per purpose, so adding draws to one purpose does not shift the others. */
export function randomStream(seed: number, purpose: string): Random {
  let h = seed >>> 0;
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x9e3779b1) >>> 0;
  return mulberry32(h);
}

/** Standard normal draws (Box–Muller on the stream). */
export function gaussian(random: Random): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher–Yates shuffle of 0..n-1. */
export function shuffledIndices(n: number, random: Random): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** n draws with replacement from `from`. */
export function bootstrapSample(from: readonly number[], random: Random): number[] {
  return from.map(() => from[Math.floor(random() * from.length)]!);
}
