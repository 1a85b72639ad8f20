// Kaplan-Meier estimate with Greenwood standard errors and confidence limits, mirroring R survival's
// survfit(Surv(time, status) ~ 1, conf.type = ...) and its median / quantiles (quantile.survfit).
import { normalQuantile } from './distributions';
import { readRightCensored, stepValue } from './survival-data';

/** R's conf.type: "log" is R's default. */
export type ConfidenceIntervalType = 'log' | 'log-log' | 'plain' | 'none';

export interface KaplanMeierOptions {
  /** Default 'log' (as survfit). */
  readonly confType?: ConfidenceIntervalType;
  /** Default 0.95. */
  readonly confLevel?: number;
}

export interface SurvivalQuantile {
  readonly probability: number;
  /** NaN when the curve never reaches 1 - probability (R: NA). */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

export interface KaplanMeierFit {
  readonly n: number;
  readonly events: number;
  /** One entry per distinct time (event or censoring), ascending, as survfit. */
  readonly time: Float64Array;
  readonly nRisk: Float64Array;
  readonly nEvent: Float64Array;
  readonly nCensor: Float64Array;
  readonly surv: Float64Array;
  /** Standard error of the cumulative hazard (Greenwood): sqrt(sum d / (n (n - d))), as survfit's std.err. */
  readonly stdErr: Float64Array;
  /** NaN where R gives NA. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly confType: ConfidenceIntervalType;
  readonly confLevel: number;
  /** Median survival with its confidence limits, as summary(survfit)$table. */
  readonly median: SurvivalQuantile;
}

/** Kaplan-Meier estimate of S(t) for right-censored data (status 1 = event). */
export function kaplanMeier(time: ArrayLike<number>, status: ArrayLike<number | boolean>, options: KaplanMeierOptions = {}): KaplanMeierFit {
  const data = readRightCensored(time, status, 'kaplanMeier');
  const confType = options.confType ?? 'log';
  const confLevel = options.confLevel ?? 0.95;
  if (!(confLevel > 0 && confLevel < 1)) throw new Error(`kaplanMeier: confLevel: expected a number in (0, 1), found ${confLevel}`);
  const n = data.time.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => data.time[a]! - data.time[b]!);
  const times: number[] = [];
  const events: number[] = [];
  const censors: number[] = [];
  for (let k = 0; k < n; ) {
    const t = data.time[order[k]!]!;
    let d = 0;
    let c = 0;
    while (k < n && data.time[order[k]!]! === t) {
      if (data.status[order[k]!] === 1) d++;
      else c++;
      k++;
    }
    times.push(t);
    events.push(d);
    censors.push(c);
  }
  const m = times.length;
  const out = {
    time: Float64Array.from(times), nRisk: new Float64Array(m), nEvent: Float64Array.from(events),
    nCensor: Float64Array.from(censors), surv: new Float64Array(m), stdErr: new Float64Array(m),
    lower: new Float64Array(m), upper: new Float64Array(m),
  };
  let atRisk = n;
  let s = 1;
  let varHazard = 0;
  for (let j = 0; j < m; j++) {
    const d = events[j]!;
    out.nRisk[j] = atRisk;
    if (d > 0) {
      s *= (atRisk - d) / atRisk;
      varHazard += atRisk === d ? Infinity : d / (atRisk * (atRisk - d));
    }
    out.surv[j] = s;
    out.stdErr[j] = Math.sqrt(varHazard);
    atRisk -= d + censors[j]!;
  }
  const z = normalQuantile(1 - (1 - confLevel) / 2);
  for (let j = 0; j < m; j++) {
    const [lo, hi] = confidenceLimits(out.surv[j]!, out.stdErr[j]!, z, confType);
    out.lower[j] = lo;
    out.upper[j] = hi;
  }
  const totalEvents = events.reduce((a, b) => a + b, 0);
  const partial = { ...out, n, events: totalEvents, confType, confLevel };
  return { ...partial, median: survivalQuantile(partial, 0.5) };
}

/** Confidence limits for S from the standard error of the cumulative hazard, as R's survfit_confint(logse = TRUE). */
export function confidenceLimits(p: number, se: number, z: number, type: ConfidenceIntervalType): [number, number] {
  switch (type) {
    case 'none':
      return [NaN, NaN];
    case 'plain': {
      const se2 = se * p * z;
      return [nanMax(p - se2, 0), nanMin(p + se2, 1)];
    }
    case 'log': {
      if (p === 0) return [NaN, NaN];
      const se2 = z * se;
      return [Math.exp(Math.log(p) - se2), nanMin(Math.exp(Math.log(p) + se2), 1)];
    }
    case 'log-log': {
      if (p === 0 || p === 1) return [NaN, NaN];
      const se2 = (z * se) / Math.log(p);
      const ll = Math.log(-Math.log(p));
      return [Math.exp(-Math.exp(ll - se2)), Math.exp(-Math.exp(ll + se2))];
    }
  }
}

function nanMax(a: number, b: number): number {
  return Number.isNaN(a) ? NaN : Math.max(a, b);
}
function nanMin(a: number, b: number): number {
  return Number.isNaN(a) ? NaN : Math.min(a, b);
}

/** S(t) read off the fit (right-continuous; 1 before the first time). */
export function kaplanMeierSurvivalAt(fit: Pick<KaplanMeierFit, 'time' | 'surv'>, t: number): number {
  return stepValue(fit.time, fit.surv, t, 1);
}

/**
 * The time at which the curve (and its lower/upper limits) falls to 1 - probability, as R's quantile.survfit:
 * where the curve is flat at exactly 1 - probability (within sqrt(machine eps)) the midpoint of that flat
 * stretch is returned; the lower limit of the quantile comes from the lower curve.
 */
export function survivalQuantile(fit: Pick<KaplanMeierFit, 'time' | 'surv' | 'lower' | 'upper' | 'confType'>, probability: number): SurvivalQuantile {
  const tol = Math.sqrt(2.220446049250313e-16);
  const x = [0, ...fit.time];
  const find = (curve: ArrayLike<number>): number => findQuantile(x, [0, ...Array.from(curve, (s) => 1 - s)], probability, tol);
  const estimate = find(fit.surv);
  if (fit.confType === 'none') return { probability, estimate, lower: NaN, upper: NaN };
  return { probability, estimate, lower: find(fit.lower), upper: find(fit.upper) };
}

/** R's findq: x = c(0, time), y = c(0, 1 - curve); NaN plays R's NA. */
function findQuantile(x: number[], y: number[], p: number, tol: number): number {
  const finite = y.filter((v) => !Number.isNaN(v));
  if (finite.length === 0 || Math.max(...finite) < p) return NaN;
  const xmax = x[x.length - 1]!;
  // duplicated(y): keep the first of each value (NA counts as one value).
  const seen = new Set<number | string>();
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const key = Number.isNaN(y[i]!) ? 'NA' : y[i]!;
    if (seen.has(key)) continue;
    seen.add(key);
    xs.push(x[i]!);
    ys.push(y[i]!);
  }
  const nn = ys.length;
  // approx(y +/- tol, 1:n, p, method = "constant", f = 1): the first index whose knot is >= p (NA pairs dropped).
  const firstAtLeast = (shift: number): number => {
    const knots: Array<[number, number]> = [];
    for (let i = 0; i < nn; i++) if (!Number.isNaN(ys[i]!)) knots.push([ys[i]! + shift, i]);
    knots.sort((a, b) => a[0] - b[0]);
    if (knots.length === 0 || p < knots[0]![0] || p > knots[knots.length - 1]![0]) return -1;
    for (const [v, i] of knots) if (v >= p) return i;
    return -1;
  };
  const i1 = firstAtLeast(tol);
  const i2 = firstAtLeast(-tol);
  let quant = i1 < 0 || i2 < 0 ? NaN : (xs[i1]! + xs[i2]!) / 2;
  if (p === 0) quant = xs[0]!;
  const last = ys[nn - 1]!;
  if (!Number.isNaN(last) && Math.abs(p - last) < tol) quant = i1 < 0 ? NaN : (xs[i1]! + xmax) / 2;
  return quant;
}
