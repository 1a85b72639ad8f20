import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kaplanMeier, kaplanMeierSurvivalAt } from '../survival';
import { baselineHazardAt } from './breslow-baseline';
import { verifyJointModelFolder } from './model-registry';
import { evaluateOnReferenceCohort } from './reference-evaluation';

// On the shipped SYNTHETIC demo model's reference cohort (its training rows).
const model = verifyJointModelFolder(join(__dirname, '../../models/clinical-joint-demo/1.0.0'));

describe('evaluateOnReferenceCohort', () => {
  const ev = evaluateOnReferenceCohort(model);
  const { reference: ref } = model;

  it('names its data as the in-sample training rows, SYNTHETIC', () => {
    expect(ev.data).toBe(`reference cohort of clinical-joint-demo@1.0.0: its ${ref.patients.length} training rows (in-sample) — SYNTHETIC data: ${model.manifest.training.data}`);
    expect(ev.synthetic).toBe(true);
  });

  it('gives the cohort Kaplan–Meier curve and one per risk tertile, each the KM of its rows', () => {
    const fit = kaplanMeier(ref.patients.map((p) => p.time), ref.patients.map((p) => p.event));
    expect(ev.cohort.survival.slice(1)).toEqual(Array.from(fit.surv));
    expect(ev.cohort.times[0]).toBe(0);
    const sizes = ev.riskGroups.map((g) => g.n);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ref.patients.length);
    for (const n of sizes) expect(Math.abs(n - ref.patients.length / 3)).toBeLessThanOrEqual(2);
    const high = ref.patients.filter((_, i) => ref.risk[i]! > ev.riskGroupCutoffs[1]!);
    expect(ev.riskGroups[2]!.survival.slice(1)).toEqual(Array.from(kaplanMeier(high.map((p) => p.time), high.map((p) => p.event)).surv));
    // Each band holds its curve; where R has no interval (NA) the band collapses onto the curve, never to 0 or 1.
    for (const c of [ev.cohort, ...ev.riskGroups]) {
      c.survival.forEach((s, i) => {
        expect(c.lower[i]!).toBeLessThanOrEqual(s + 1e-12);
        expect(c.upper[i]!).toBeGreaterThanOrEqual(s - 1e-12);
        if (s > 0) expect(c.lower[i]!).toBeGreaterThan(0);
      });
    }
  });

  it('calibrates at the median observed time: mean of exp(−H0·exp(risk)) against the KM of each quintile', () => {
    const { horizon, points } = ev.calibration;
    expect(points.map((p) => p.n).reduce((a, b) => a + b, 0)).toBe(ref.patients.length);
    const sortedRisk = [...ref.risk].sort((a, b) => a - b);
    const lowest = ref.risk.map((r, i) => ({ r, i })).filter(({ r }) => r <= sortedRisk[Math.floor((ref.risk.length - 1) * 0.2)]! + 1e-12 && points[0]!.n > 0);
    const h0 = baselineHazardAt(ref.baseline, horizon);
    const rows = lowest.slice(0, points[0]!.n).map(({ i }) => i);
    expect(points[0]!.predicted).toBeCloseTo(rows.reduce((a, i) => a + Math.exp(-h0 * Math.exp(ref.risk[i]!)), 0) / rows.length, 10);
    const km = kaplanMeier(rows.map((i) => ref.patients[i]!.time), rows.map((i) => ref.patients[i]!.event));
    expect(points[0]!.observed).toBeCloseTo(kaplanMeierSurvivalAt(km, horizon), 12);
    for (const p of points) expect(p.lower).toBeLessThanOrEqual(p.observed + 1e-12);
  });
});
