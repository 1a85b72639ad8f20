// What the cohort/model page draws for a version: Kaplan–Meier curves of the reference cohort overall and by
// predicted risk group (tertiles of the model's risk), and a calibration table (mean predicted survival at a
// horizon against the Kaplan–Meier estimate, by quintile of predicted risk).
// Risk groups and calibration come from the version's held-out test split (held-out.json: rows never used in
// training) when it has one; versions written before that file existed are evaluated on reference.json, the
// TRAINING rows — in-sample, i.e. how the model orders and scales the data it was fitted on, not how it
// generalises. `rows` and `data` say which, wherever it is shown. The overall cohort curve is always the
// reference cohort's (the training rows the patient page compares a prediction with).
import { kaplanMeier, kaplanMeierSurvivalAt } from '../survival';
import { baselineHazardAt } from './breslow-baseline';
import type { VerifiedJointModel } from './model-registry';

export interface KaplanMeierCurve {
  label: string;
  n: number;
  events: number;
  /** Step function: S(t) = survival[i] for times[i] ≤ t < times[i+1]; starts at (0, 1). */
  times: number[];
  survival: number[];
  lower: number[];
  upper: number[];
}

export interface CalibrationPoint {
  group: number;
  n: number;
  /** Mean over the group of the model's S(horizon | x). */
  predicted: number;
  /** Kaplan–Meier estimate of S(horizon) in the group, with its 95% log-type interval. */
  observed: number;
  lower: number;
  upper: number;
}

export interface ReferenceEvaluation {
  /** Names the evaluation data (which rows, which cohort, synthetic or not). */
  data: string;
  /** Which rows the risk groups and calibration are computed on; absent in evaluations stored before it existed
   *  (those were in-sample). */
  rows?: { kind: 'held-out' | 'in-sample'; split: string; n: number; events: number };
  synthetic: boolean;
  timeUnit: string;
  cohort: KaplanMeierCurve;
  riskGroups: KaplanMeierCurve[];
  /** Tertile cut-offs of the training rows' risk (the same rows the patient page's percentile uses). */
  riskGroupCutoffs: number[];
  calibration: { horizon: number; method: string; points: CalibrationPoint[] };
}

function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

function curveOf(label: string, time: number[], event: boolean[]): KaplanMeierCurve {
  // A risk group can be empty on a small test split (cut-offs come from the training rows): no curve, n = 0.
  if (time.length === 0) return { label, n: 0, events: 0, times: [0], survival: [1], lower: [1], upper: [1] };
  const fit = kaplanMeier(time, event);
  // Where R gives NA (no interval, e.g. S = 0) the band collapses onto the curve instead of inventing limits.
  const limit = (curve: Float64Array) => Array.from(curve, (x, i) => (Number.isFinite(x) ? x : fit.surv[i]!));
  return {
    label,
    n: fit.n,
    events: fit.events,
    times: [0, ...fit.time],
    survival: [1, ...fit.surv],
    lower: [1, ...limit(fit.lower)],
    upper: [1, ...limit(fit.upper)],
  };
}

/** Row indices grouped by ascending cut-offs: group g holds values in (cutoffs[g-1], cutoffs[g]]. */
function groupsByCutoffs(values: readonly number[], cutoffs: readonly number[]): number[][] {
  const groups: number[][] = Array.from({ length: cutoffs.length + 1 }, () => []);
  values.forEach((v, i) => {
    let g = 0;
    while (g < cutoffs.length && v > cutoffs[g]!) g++;
    groups[g]!.push(i);
  });
  return groups;
}

/** Groups of row indices by quantile of `values` (ties stay together). */
function groupsByQuantile(values: readonly number[], k: number): { groups: number[][]; cutoffs: number[] } {
  const sorted = [...values].sort((a, b) => a - b);
  const cutoffs = Array.from({ length: k - 1 }, (_, j) => quantile(sorted, (j + 1) / k));
  return { groups: groupsByCutoffs(values, cutoffs), cutoffs };
}

export function evaluateOnReferenceCohort(model: VerifiedJointModel): ReferenceEvaluation {
  const { reference: ref, manifest, heldOut } = model;
  const synthetic = manifest.training.synthetic;
  const source = `${synthetic ? 'SYNTHETIC data: ' : ''}${manifest.training.data}`;
  // `heldOut` is absent on objects built before held-out.json existed; treat that like null.
  const held = heldOut ?? null;
  const time = held ? held.time : ref.patients.map((p) => p.time);
  const event = held ? held.event : ref.patients.map((p) => p.event);
  const risk = held ? held.risk : ref.risk;
  const n = time.length;
  const rowsName = held ? `held-out ${held.split} split` : 'reference cohort';
  if (n < 10) throw new Error(`${model.folder}: ${rowsName} has ${n} rows; at least 10 are needed for risk groups and calibration`);
  const events = event.filter(Boolean).length;
  const data = held
    ? `held-out ${held.split} split (n = ${n}, ${events} events) of ${manifest.name}@${manifest.version}: ${held.description} — ${source}`
    : `reference cohort of ${manifest.name}@${manifest.version}: its ${n} training rows (in-sample) — ${source}`;

  // Tertile cut-offs of the training rows' risk (fixed before the test rows are seen), applied to the evaluated rows.
  const labels = ['low risk', 'intermediate risk', 'high risk'];
  const trainingCutoffs = groupsByQuantile(ref.risk, 3).cutoffs;
  const tertiles = { cutoffs: trainingCutoffs, groups: groupsByCutoffs(risk, trainingCutoffs) };
  const riskGroups = tertiles.groups.map((rows, g) => curveOf(labels[g]!, rows.map((i) => time[i]!), rows.map((i) => event[i]!)));

  // Horizon: the median observed time, so every group has follow-up there.
  const horizon = quantile([...time].sort((a, b) => a - b), 0.5);
  const h0 = baselineHazardAt(ref.baseline, horizon);
  const predicted = risk.map((r) => Math.exp(-h0 * Math.exp(r)));
  const quintiles = groupsByQuantile(risk, 5);
  const points: CalibrationPoint[] = quintiles.groups
    .filter((rows) => rows.length > 0)
    .map((rows, g) => {
      const fit = kaplanMeier(rows.map((i) => time[i]!), rows.map((i) => event[i]!));
      const at = (curve: Float64Array) => {
        let v = 1;
        for (let i = 0; i < fit.time.length && fit.time[i]! <= horizon; i++) v = curve[i]!;
        return Number.isFinite(v) ? v : Number.NaN;
      };
      return {
        group: g + 1,
        n: rows.length,
        predicted: rows.reduce((a, i) => a + predicted[i]!, 0) / rows.length,
        observed: kaplanMeierSurvivalAt(fit, horizon),
        lower: at(fit.lower),
        upper: at(fit.upper),
      };
    });
  return {
    data,
    rows: { kind: held ? 'held-out' : 'in-sample', split: held ? held.split : 'train', n, events },
    synthetic,
    timeUnit: ref.timeUnit,
    cohort: curveOf('reference cohort', ref.patients.map((p) => p.time), ref.patients.map((p) => p.event)),
    riskGroups,
    riskGroupCutoffs: tertiles.cutoffs,
    calibration: {
      horizon,
      method: `quintiles of predicted risk; predicted = mean of exp(−H0(t)·exp(risk)) (Breslow H0 of the main model, from the training rows), observed = Kaplan–Meier with 95% log-type interval, at t = ${horizon} ${ref.timeUnit} (the median observed time)`,
      points,
    },
  };
}
