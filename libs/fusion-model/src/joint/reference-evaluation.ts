// What the cohort/model page draws for a version: Kaplan–Meier curves of the reference cohort overall and by
// predicted risk group (tertiles of the model's risk), and a calibration table (mean predicted survival at a
// horizon against the Kaplan–Meier estimate, by quintile of predicted risk). Computed from reference.json, i.e.
// on the model's TRAINING rows: in-sample, so it shows how the model orders and scales the data it was fitted
// on, not how it generalises (the held-out C is in metrics.json). `data` says so wherever it is shown.
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
  synthetic: boolean;
  timeUnit: string;
  cohort: KaplanMeierCurve;
  riskGroups: KaplanMeierCurve[];
  riskGroupCutoffs: number[];
  calibration: { horizon: number; method: string; points: CalibrationPoint[] };
}

function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

function curveOf(label: string, time: number[], event: boolean[]): KaplanMeierCurve {
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

/** Groups of row indices by quantile of `values` (ties stay together). */
function groupsByQuantile(values: readonly number[], k: number): { groups: number[][]; cutoffs: number[] } {
  const sorted = [...values].sort((a, b) => a - b);
  const cutoffs = Array.from({ length: k - 1 }, (_, j) => quantile(sorted, (j + 1) / k));
  const groups: number[][] = Array.from({ length: k }, () => []);
  values.forEach((v, i) => {
    let g = 0;
    while (g < cutoffs.length && v > cutoffs[g]!) g++;
    groups[g]!.push(i);
  });
  return { groups, cutoffs };
}

export function evaluateOnReferenceCohort(model: VerifiedJointModel): ReferenceEvaluation {
  const { reference: ref, manifest } = model;
  const n = ref.patients.length;
  if (n < 10) throw new Error(`${model.folder}: reference cohort has ${n} rows; at least 10 are needed for risk groups and calibration`);
  const time = ref.patients.map((p) => p.time);
  const event = ref.patients.map((p) => p.event);
  const synthetic = manifest.training.synthetic;
  const data =
    `reference cohort of ${manifest.name}@${manifest.version}: its ${n} training rows (in-sample) — ` +
    `${synthetic ? 'SYNTHETIC data: ' : ''}${manifest.training.data}`;

  const labels = ['low risk', 'intermediate risk', 'high risk'];
  const tertiles = groupsByQuantile(ref.risk, 3);
  const riskGroups = tertiles.groups.map((rows, g) => curveOf(labels[g]!, rows.map((i) => time[i]!), rows.map((i) => event[i]!)));

  // Horizon: the median observed time, so every group has follow-up there.
  const horizon = quantile([...time].sort((a, b) => a - b), 0.5);
  const h0 = baselineHazardAt(ref.baseline, horizon);
  const predicted = ref.risk.map((r) => Math.exp(-h0 * Math.exp(r)));
  const quintiles = groupsByQuantile(ref.risk, 5);
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
    synthetic,
    timeUnit: ref.timeUnit,
    cohort: curveOf('reference cohort', time, event),
    riskGroups,
    riskGroupCutoffs: tertiles.cutoffs,
    calibration: {
      horizon,
      method: `quintiles of predicted risk; predicted = mean of exp(−H0(t)·exp(risk)) (Breslow H0 of the main model), observed = Kaplan–Meier with 95% log-type interval, at t = ${horizon} ${ref.timeUnit} (the median observed time)`,
      points,
    },
  };
}
