// Cumulative/dynamic time-dependent AUC with inverse-probability-of-censoring weights (Uno et al. 2007;
// Hung & Chiang 2010; the "cumulative/dynamic" IPCW estimator of timeROC / sksurv). survival 3.5-3 has no
// function for it: r-reference/reference.R computes the same formula in plain R.
import { kaplanMeier } from './kaplan-meier';
import { readRightCensored, stepValueBefore } from './survival-data';

export interface TimeDependentAuc {
  readonly times: Float64Array;
  /** NaN where there is no case or no control at t. */
  readonly auc: Float64Array;
}

/**
 * AUC(t) = sum_i sum_j 1{T_i <= t, d_i = 1} 1{T_j > t} w_i (1{M_i > M_j} + 1/2 1{M_i = M_j})
 *          / ( sum_i 1{T_i <= t, d_i = 1} w_i * #{j : T_j > t} ),  w_i = 1 / G(T_i-),
 * with G the Kaplan-Meier of the censoring times of these data (survfit(Surv(time, 1 - status) ~ 1)) and
 * M the risk marker (higher = earlier event). Controls all carry 1 / G(t), which cancels.
 */
export function computeTimeDependentAuc(timeIn: ArrayLike<number>, statusIn: ArrayLike<number | boolean>, marker: ArrayLike<number>, times: ArrayLike<number>): TimeDependentAuc {
  const { time, status } = readRightCensored(timeIn, statusIn, 'computeTimeDependentAuc');
  const n = time.length;
  if (marker.length !== n) throw new Error(`computeTimeDependentAuc: marker has ${marker.length} entries, expected ${n}`);
  const censoring = kaplanMeier(time, status.map((s) => 1 - s), { confType: 'none' });
  const auc = new Float64Array(times.length);
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    const controls: number[] = [];
    for (let j = 0; j < n; j++) if (time[j]! > t) controls.push(marker[j]!);
    controls.sort((a, b) => a - b);
    let num = 0;
    let wsum = 0;
    for (let i = 0; i < n; i++) {
      if (!(time[i]! <= t && status[i] === 1)) continue;
      const w = 1 / stepValueBefore(censoring.time, censoring.surv, time[i]!, 1);
      const m = marker[i]!;
      const below = lowerBound(controls, m);
      const equal = lowerBound(controls, m, true) - below;
      num += w * (below + 0.5 * equal);
      wsum += w;
    }
    auc[k] = wsum > 0 && controls.length > 0 ? num / (wsum * controls.length) : NaN;
  }
  return { times: Float64Array.from(times), auc };
}

/** Number of sorted values < v (or <= v when inclusive). */
function lowerBound(sorted: number[], v: number, inclusive = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v || (inclusive && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
