// IPCW Brier score at given times and the integrated Brier score, with the definition of R survival 3.5-3's
// (internal) survival:::brier(fit, times), extended to any predicted survival on any data set.
import { kaplanMeier } from './kaplan-meier';
import { readRightCensored, stepValue } from './survival-data';

export interface BrierScore {
  readonly times: Float64Array;
  readonly brier: Float64Array;
}

/**
 * BS(t) = sum_i w_i(t) (1{T*_i > t} - S_i(t))^2 / sum_i w_i(t), as survival:::brier (ties = TRUE):
 *  - T*_i = T_i + h/2 for censored subjects, h the smallest gap between distinct times (a censoring at t counts
 *    as still at risk at t, after the events at t);
 *  - w_i(t) = 0 if T*_i <= t and i censored; otherwise 1 / C(min(T*_i, t)), with C the Kaplan-Meier of the
 *    censoring times T* (right-continuous, 1 before its first time);
 *  - normalised by the sum of the weights (not by n).
 * `survival[k][i]` is the predicted S_i(times[k]).
 */
export function computeBrierScore(timeIn: ArrayLike<number>, statusIn: ArrayLike<number | boolean>, survival: ReadonlyArray<ArrayLike<number>>, times: ArrayLike<number>): BrierScore {
  const { time, status } = readRightCensored(timeIn, statusIn, 'computeBrierScore');
  const n = time.length;
  if (survival.length !== times.length) throw new Error(`computeBrierScore: survival has ${survival.length} rows, expected one per time (${times.length})`);
  survival.forEach((row, k) => {
    if (row.length !== n) throw new Error(`computeBrierScore: survival[${k}] has ${row.length} entries, expected ${n} (one per subject)`);
  });
  const distinct = [...new Set(time)].sort((a, b) => a - b);
  let h = Infinity;
  for (let k = 1; k < distinct.length; k++) h = Math.min(h, distinct[k]! - distinct[k - 1]!);
  if (!Number.isFinite(h)) h = 0;
  const shifted = time.map((t, i) => (status[i] === 0 ? t + h / 2 : t));
  const censoring = kaplanMeier(shifted, status.map((s) => 1 - s), { confType: 'none' });
  const brier = new Float64Array(times.length);
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      if (shifted[i]! < t && status[i] === 0) continue;
      const w = 1 / stepValue(censoring.time, censoring.surv, Math.min(shifted[i]!, t), 1);
      const alive = shifted[i]! > t ? 1 : 1 - status[i]!;
      const r = alive - survival[k]![i]!;
      num += w * r * r;
      den += w;
    }
    brier[k] = num / den;
  }
  return { times: Float64Array.from(times), brier };
}

/** The trapezoidal integral of BS over the time grid divided by (last - first grid time). */
export function integrateBrierScore(score: BrierScore): number {
  const { times, brier } = score;
  if (times.length < 2) throw new Error(`integrateBrierScore: expected at least 2 grid times, found ${times.length}`);
  let area = 0;
  for (let k = 1; k < times.length; k++) {
    const dt = times[k]! - times[k - 1]!;
    if (!(dt > 0)) throw new Error(`integrateBrierScore: times[${k}]: grid times must increase, found ${times[k - 1]} then ${times[k]}`);
    area += (dt * (brier[k]! + brier[k - 1]!)) / 2;
  }
  return area / (times[times.length - 1]! - times[0]!);
}

/** Brier scores over `grid` and their integral (integrateBrierScore). */
export function computeIntegratedBrierScore(time: ArrayLike<number>, status: ArrayLike<number | boolean>, survival: ReadonlyArray<ArrayLike<number>>, grid: ArrayLike<number>): BrierScore & { readonly integrated: number } {
  const score = computeBrierScore(time, status, survival, grid);
  return { ...score, integrated: integrateBrierScore(score) };
}
