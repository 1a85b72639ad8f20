// Cox proportional hazards by Newton-Raphson with Efron or Breslow ties, mirroring R survival's
// coxph(Surv(time, status) ~ x, ties = "efron" | "breslow") with coxph.control() defaults (eps 1e-9,
// iter.max 20, step-halving when the log partial likelihood falls), and survfit.coxph's baseline hazard.
import { chiSquareUpperTail } from './distributions';
import { choleskyFactor, choleskyInverse, choleskySolve, quadraticForm } from './symmetric-matrix';
import { readRightCensored, stepValue } from './survival-data';

export type CoxTies = 'efron' | 'breslow';

export interface CoxData {
  readonly time: ArrayLike<number>;
  /** 1 = event, 0 = censored. */
  readonly status: ArrayLike<number | boolean>;
  /** Row-major n x ncol covariates (a DesignMatrix / SurvivalDesign fits here). */
  readonly values: ArrayLike<number>;
  readonly ncol: number;
  readonly names?: ReadonlyArray<string>;
}

export interface CoxOptions {
  /** Default 'efron' (R's default). */
  readonly ties?: CoxTies;
  /** Default 20 (coxph.control iter.max). */
  readonly maxIterations?: number;
  /** Relative change of the log partial likelihood that ends the iteration; default 1e-9 (coxph.control eps). */
  readonly eps?: number;
  /** Cholesky pivot tolerance; default .Machine$double.eps^0.75 (coxph.control toler.chol). */
  readonly tolerCholesky?: number;
}

export interface ChiSquareTest {
  readonly chisq: number;
  readonly df: number;
  readonly p: number;
}

export interface CoxFit {
  readonly names: ReadonlyArray<string>;
  readonly ties: CoxTies;
  readonly coef: Float64Array;
  /** sqrt(diag(variance)), R's se(coef). */
  readonly se: Float64Array;
  /** Inverse of the information matrix at the final coefficients, row-major p x p (R: vcov(fit)). */
  readonly variance: Float64Array;
  readonly hazardRatio: Float64Array;
  readonly z: Float64Array;
  readonly pValue: Float64Array;
  /** Log partial likelihood at beta = 0 and at the final beta (R: fit$loglik). */
  readonly loglik: readonly [number, number];
  readonly iterations: number;
  readonly converged: boolean;
  readonly n: number;
  readonly nEvents: number;
  /** Column means used for centring, 0 for 0/1 columns (R: fit$means). */
  readonly means: Float64Array;
  /** (x - means) beta for every subject (R: fit$linear.predictors). */
  readonly linearPredictors: Float64Array;
  readonly likelihoodRatioTest: ChiSquareTest;
  readonly waldTest: ChiSquareTest;
  /** Score (log-rank) test at beta = 0. */
  readonly scoreTest: ChiSquareTest;
  /** Baseline cumulative hazard at the covariate means, at each distinct event time (survfit.coxph's ctype as the ties). */
  readonly baseline: { readonly time: Float64Array; readonly cumulativeHazard: Float64Array };
}

interface Sums {
  loglik: number;
  u: Float64Array;
  imat: Float64Array;
}

export function fitCox(data: CoxData, options: CoxOptions = {}): CoxFit {
  const { time, status } = readRightCensored(data.time, data.status, 'fitCox');
  const n = time.length;
  const p = data.ncol;
  if (!(p >= 1)) throw new Error(`fitCox: ncol: expected at least one covariate, found ${p}`);
  if (data.values.length !== n * p) throw new Error(`fitCox: values has ${data.values.length} entries, expected n * ncol = ${n} * ${p}`);
  const names = data.names ? [...data.names] : Array.from({ length: p }, (_, j) => `x${j + 1}`);
  if (names.length !== p) throw new Error(`fitCox: names has ${names.length} entries, expected ${p}`);
  const ties = options.ties ?? 'efron';
  const maxIterations = options.maxIterations ?? 20;
  const eps = options.eps ?? 1e-9;
  const tolerChol = options.tolerCholesky ?? Math.pow(2.220446049250313e-16, 0.75);
  const nEvents = status.reduce((a, s) => a + s, 0);
  if (nEvents === 0) throw new Error('fitCox: status: no events, the partial likelihood is flat');

  const means = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) means[j]! += Number(data.values[i * p + j]!);
  for (let j = 0; j < p; j++) means[j]! /= n;
  // As coxph (survival >= 3): a column holding only 0s and 1s is not centred (its "mean" is 0).
  for (let j = 0; j < p; j++) {
    let zeroOne = true;
    for (let i = 0; i < n && zeroOne; i++) {
      const v = Number(data.values[i * p + j]!);
      zeroOne = v === 0 || v === 1;
    }
    if (zeroOne) means[j] = 0;
  }
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) {
    const v = Number(data.values[i * p + j]!);
    if (!Number.isFinite(v)) throw new Error(`fitCox: values[${i}][${j}] (${names[j]}): expected a finite number, found ${v}`);
    x[i * p + j] = v - means[j]!;
  }
  // descending time; the risk set at t is everyone with time >= t
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => time[b]! - time[a]!);

  const evaluate = (beta: Float64Array): Sums => {
    let loglik = 0;
    const u = new Float64Array(p);
    const imat = new Float64Array(p * p);
    const s1 = new Float64Array(p);
    const s2 = new Float64Array(p * p);
    const d1 = new Float64Array(p);
    const d2 = new Float64Array(p * p);
    const a = new Float64Array(p);
    let s0 = 0;
    for (let i = 0; i < n; ) {
      const t = time[order[i]!]!;
      let d0 = 0;
      let deaths = 0;
      d1.fill(0);
      d2.fill(0);
      for (; i < n && time[order[i]!] === t; i++) {
        const r = order[i]!;
        let eta = 0;
        for (let j = 0; j < p; j++) eta += x[r * p + j]! * beta[j]!;
        const risk = Math.exp(eta);
        s0 += risk;
        for (let j = 0; j < p; j++) {
          const xr = x[r * p + j]!;
          s1[j]! += risk * xr;
          for (let k = 0; k <= j; k++) s2[j * p + k]! += risk * xr * x[r * p + k]!;
        }
        if (status[r] === 1) {
          deaths++;
          loglik += eta;
          d0 += risk;
          for (let j = 0; j < p; j++) {
            const xr = x[r * p + j]!;
            u[j]! += xr;
            d1[j]! += risk * xr;
            for (let k = 0; k <= j; k++) d2[j * p + k]! += risk * xr * x[r * p + k]!;
          }
        }
      }
      if (deaths === 0) continue;
      if (ties === 'breslow' || deaths === 1) {
        loglik -= deaths * Math.log(s0);
        for (let j = 0; j < p; j++) a[j] = s1[j]! / s0;
        for (let j = 0; j < p; j++) {
          u[j]! -= deaths * a[j]!;
          for (let k = 0; k <= j; k++) imat[j * p + k]! += deaths * (s2[j * p + k]! / s0 - a[j]! * a[k]!);
        }
      } else {
        for (let q = 0; q < deaths; q++) {
          const f = q / deaths;
          const denom = s0 - f * d0;
          loglik -= Math.log(denom);
          for (let j = 0; j < p; j++) a[j] = (s1[j]! - f * d1[j]!) / denom;
          for (let j = 0; j < p; j++) {
            u[j]! -= a[j]!;
            for (let k = 0; k <= j; k++) imat[j * p + k]! += (s2[j * p + k]! - f * d2[j * p + k]!) / denom - a[j]! * a[k]!;
          }
        }
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) imat[k * p + j] = imat[j * p + k]!;
    return { loglik, u, imat };
  };

  const factor = (imat: Float64Array): Float64Array => {
    const chol = choleskyFactor(imat, p, tolerChol);
    if ('failedPivot' in chol) {
      throw new Error(`fitCox: covariate "${names[chol.failedPivot]}" is collinear with the others or constant (information matrix singular)`);
    }
    return chol.l;
  };

  let beta = new Float64Array(p);
  const initial = evaluate(beta);
  const loglik0 = initial.loglik;
  const l0 = factor(initial.imat);
  const scoreChisq = quadraticForm(choleskyInverse(l0, p), p, initial.u);

  let current = initial;
  let currentL = l0;
  let newBeta = new Float64Array(p);
  {
    const step = choleskySolve(l0, p, initial.u);
    for (let j = 0; j < p; j++) newBeta[j] = beta[j]! + step[j]!;
  }
  let converged = false;
  let halving = false;
  let iterations = 0;
  for (let iter = 1; iter <= maxIterations; iter++) {
    iterations = iter;
    const next = evaluate(newBeta);
    if (Number.isFinite(next.loglik) && Math.abs(1 - current.loglik / next.loglik) <= eps && !halving) {
      beta = newBeta;
      current = next;
      currentL = factor(next.imat);
      converged = true;
      break;
    }
    if (iter === maxIterations) break;
    if (!Number.isFinite(next.loglik) || next.loglik < current.loglik) {
      halving = true;
      const half = new Float64Array(p);
      for (let j = 0; j < p; j++) half[j] = (newBeta[j]! + beta[j]!) / 2;
      newBeta = half;
    } else {
      halving = false;
      beta = newBeta;
      current = next;
      currentL = factor(next.imat);
      const step = choleskySolve(currentL, p, next.u);
      newBeta = new Float64Array(p);
      for (let j = 0; j < p; j++) newBeta[j] = beta[j]! + step[j]!;
    }
  }
  const variance = choleskyInverse(currentL, p);
  const se = new Float64Array(p);
  const z = new Float64Array(p);
  const pValue = new Float64Array(p);
  const hazardRatio = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    se[j] = Math.sqrt(variance[j * p + j]!);
    z[j] = beta[j]! / se[j]!;
    pValue[j] = chiSquareUpperTail(z[j]! * z[j]!, 1);
    hazardRatio[j] = Math.exp(beta[j]!);
  }
  const linearPredictors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += x[i * p + j]! * beta[j]!;
    linearPredictors[i] = eta;
  }
  const test = (chisq: number): ChiSquareTest => ({ chisq, df: p, p: chiSquareUpperTail(chisq, p) });
  return {
    names, ties, coef: beta, se, variance, hazardRatio, z, pValue,
    loglik: [loglik0, current.loglik], iterations, converged, n, nEvents, means, linearPredictors,
    likelihoodRatioTest: test(2 * (current.loglik - loglik0)),
    waldTest: test(quadraticForm(current.imat, p, beta)),
    scoreTest: test(scoreChisq),
    baseline: baselineCumulativeHazard(time, status, linearPredictors, ties),
  };
}

/**
 * Cumulative hazard at risk score exp(eta) = 1 (the covariate means when eta is centred), at the distinct event
 * times: Breslow dH = d / S0; Efron dH = sum_{k=0}^{d-1} 1 / (S0 - (k/d) D0), where S0 = sum over the risk set
 * of exp(eta) and D0 the same sum over the d tied events (survfit.coxph, ctype 1 / 2). With all eta = 0 this is
 * the Nelson-Aalen (Breslow) or Fleming-Harrington (Efron) estimate.
 */
export function baselineCumulativeHazard(time: ArrayLike<number>, status: ArrayLike<number>, eta: ArrayLike<number>, ties: CoxTies): { time: Float64Array; cumulativeHazard: Float64Array } {
  const n = time.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => time[b]! - time[a]!);
  const times: number[] = [];
  const increments: number[] = [];
  let s0 = 0;
  for (let i = 0; i < n; ) {
    const t = time[order[i]!]!;
    let d = 0;
    let d0 = 0;
    for (; i < n && time[order[i]!] === t; i++) {
      const r = order[i]!;
      const risk = Math.exp(eta[r]!);
      s0 += risk;
      if (status[r] === 1) {
        d++;
        d0 += risk;
      }
    }
    if (d === 0) continue;
    let dh = 0;
    if (ties === 'breslow') dh = d / s0;
    else for (let q = 0; q < d; q++) dh += 1 / (s0 - (q / d) * d0);
    times.push(t);
    increments.push(dh);
  }
  times.reverse();
  increments.reverse();
  const cumulativeHazard = new Float64Array(times.length);
  let h = 0;
  increments.forEach((dh, k) => (cumulativeHazard[k] = h += dh));
  return { time: Float64Array.from(times), cumulativeHazard };
}

/** (x - means) beta for new rows (row-major, same columns as the fit); R: predict(fit, newdata, type = "lp"). */
export function coxLinearPredictor(fit: Pick<CoxFit, 'coef' | 'means'>, values: ArrayLike<number>): Float64Array {
  const p = fit.coef.length;
  if (values.length % p !== 0) throw new Error(`coxLinearPredictor: values has ${values.length} entries, not a multiple of ${p} columns`);
  const n = values.length / p;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += (Number(values[i * p + j]!) - fit.means[j]!) * fit.coef[j]!;
    out[i] = eta;
  }
  return out;
}

/**
 * Predicted survival S(t | x) = exp(-H0(t) exp((x - means) beta)) for each row at each time; R:
 * summary(survfit(fit, newdata), times, extend = TRUE)$surv. Result: one Float64Array per time (entry per row).
 */
export function predictCoxSurvival(fit: Pick<CoxFit, 'coef' | 'means' | 'baseline'>, values: ArrayLike<number>, times: ArrayLike<number>): Float64Array[] {
  const eta = coxLinearPredictor(fit, values);
  return Array.from(times, (t) => {
    const h = stepValue(fit.baseline.time, fit.baseline.cumulativeHazard, t, 0);
    return eta.map((e) => Math.exp(-h * Math.exp(e)));
  });
}
