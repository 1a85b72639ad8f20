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

describe('evaluateOnReferenceCohort with held-out predictions', () => {
  // A held-out split made of every 4th reference row with its outcome and a shifted risk: what matters is that the
  // groups and calibration are computed on these rows, with the training rows' tertile cut-offs.
  const rows = model.reference.patients.map((_, i) => i).filter((i) => i % 4 === 0);
  const heldOut = {
    format: 'oncoboard-joint-held-out/1' as const,
    split: 'test',
    description: 'every 4th row (test fixture)',
    timeUnit: model.reference.timeUnit,
    risk: rows.map((i) => model.reference.risk[i]! + 0.1),
    time: rows.map((i) => model.reference.patients[i]!.time),
    event: rows.map((i) => model.reference.patients[i]!.event),
  };
  const ev = evaluateOnReferenceCohort({ ...model, heldOut });
  const inSample = evaluateOnReferenceCohort(model);

  it('names the held-out split and its size, and keeps the cohort curve of the training rows', () => {
    const events = heldOut.event.filter(Boolean).length;
    expect(ev.rows).toEqual({ kind: 'held-out', split: 'test', n: rows.length, events });
    expect(ev.data).toBe(`held-out test split (n = ${rows.length}, ${events} events) of clinical-joint-demo@1.0.0: every 4th row (test fixture) — SYNTHETIC data: ${model.manifest.training.data}`);
    expect(inSample.rows!.kind).toBe('in-sample');
    expect(ev.cohort).toEqual(inSample.cohort);
  });

  it('groups the held-out rows by the training tertile cut-offs, each group the KM of its rows', () => {
    expect(ev.riskGroupCutoffs).toEqual(inSample.riskGroupCutoffs);
    expect(ev.riskGroups.reduce((a, g) => a + g.n, 0)).toBe(rows.length);
    const high = heldOut.risk.map((r, j) => ({ r, j })).filter(({ r }) => r > ev.riskGroupCutoffs[1]!).map(({ j }) => j);
    expect(ev.riskGroups[2]!.n).toBe(high.length);
    expect(ev.riskGroups[2]!.survival.slice(1)).toEqual(Array.from(kaplanMeier(high.map((j) => heldOut.time[j]!), high.map((j) => heldOut.event[j]!)).surv));
  });

  it('calibrates the held-out rows: their predicted survival, their KM, at their median time', () => {
    const { horizon, points } = ev.calibration;
    const sortedTime = [...heldOut.time].sort((a, b) => a - b);
    const h = (sortedTime.length - 1) * 0.5;
    expect(horizon).toBeCloseTo(sortedTime[Math.floor(h)]! + (h - Math.floor(h)) * (sortedTime[Math.ceil(h)]! - sortedTime[Math.floor(h)]!), 12);
    expect(points.reduce((a, p) => a + p.n, 0)).toBe(rows.length);
    const h0 = baselineHazardAt(model.reference.baseline, horizon);
    const mean = heldOut.risk.reduce((a, r) => a + Math.exp(-h0 * Math.exp(r)), 0) / rows.length;
    const weighted = points.reduce((a, p) => a + p.predicted * p.n, 0) / rows.length;
    expect(weighted).toBeCloseTo(mean, 12);
  });
});
