// SYNTHETIC data for the joint model's tests and demos — not patients. Generative model (documented so the
// signal each modality carries is known):
//   three modalities "alpha" (4 values), "beta" (3), "gamma" (5); every value ~ N(0, 1) independently;
//   linear predictor η = 0.8·alpha₀ − 0.6·alpha₁ + 0.7·beta₀ + 0.6·gamma₀ − 0.5·gamma₂ (other values are noise);
//   event time T ~ Exponential(rate 0.1·exp(η)); censoring C ~ Uniform(0, 20); time = min(T, C), event = T ≤ C;
//   each modality is missing with probability `missingRate` (default 0.3), redrawn until at least one is present
//   (a missing modality's vector is zeros, as the table stores it).
import type { JointDataset } from './joint-dataset';
import type { JointModalitySpec } from './joint-weights';
import { gaussian, randomStream } from './seeded-random';

export const SYNTHETIC_JOINT_MODALITIES: JointModalitySpec[] = [
  { id: 'alpha', moduleVersion: '1.0.0', vectorSize: 4 },
  { id: 'beta', moduleVersion: '1.0.0', vectorSize: 3 },
  { id: 'gamma', moduleVersion: '1.0.0', vectorSize: 5 },
];

export function syntheticJointDataset(n: number, seed: number, options: { missingRate?: number } = {}): JointDataset & { linearPredictor: Float64Array } {
  const random = randomStream(seed, 'synthetic-joint');
  const mods = SYNTHETIC_JOINT_MODALITIES;
  const M = mods.length;
  const inputs = mods.map((m) => new Float32Array(n * m.vectorSize));
  const mask = new Float32Array(n * M);
  const time = new Float64Array(n);
  const event = new Uint8Array(n);
  const linearPredictor = new Float64Array(n);
  const p = options.missingRate ?? 0.3;
  for (let i = 0; i < n; i++) {
    const values = mods.map((m) => Array.from({ length: m.vectorSize }, () => gaussian(random)));
    const eta = 0.8 * values[0]![0]! - 0.6 * values[0]![1]! + 0.7 * values[1]![0]! + 0.6 * values[2]![0]! - 0.5 * values[2]![2]!;
    let present: boolean[];
    do present = mods.map(() => random() >= p);
    while (!present.some(Boolean));
    mods.forEach((m, k) => {
      if (!present[k]) return;
      inputs[k]!.set(values[k]!, i * m.vectorSize);
      mask[i * M + k] = 1;
    });
    const t = -Math.log(Math.max(random(), 1e-12)) / (0.1 * Math.exp(eta));
    const c = random() * 20;
    time[i] = Math.min(t, c);
    event[i] = t <= c ? 1 : 0;
    linearPredictor[i] = eta;
  }
  return {
    modalities: mods,
    patientKeys: Array.from({ length: n }, (_, i) => `Patient/synthetic-${seed}-${i}`),
    inputs,
    mask,
    time,
    event,
    treatments: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? ['synthetic treatment A'] : [])),
    linearPredictor,
  };
}
