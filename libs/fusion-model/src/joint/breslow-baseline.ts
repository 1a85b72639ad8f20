// Breslow's estimate of the baseline cumulative hazard from the training rows' risks, and the survival curve it
// gives a patient: S(t | x) = exp(−H0(t) · exp(risk(x))).

export interface BaselineHazard {
  /** Distinct event times, ascending (the curve steps there). */
  times: number[];
  /** H0 at each of `times` (non-decreasing). */
  cumulativeHazard: number[];
}

/** H0(t) = Σ_{event times s ≤ t} d(s) / Σ_{j: t_j ≥ s} exp(r_j) (Breslow, ties counted in d(s)). */
export function breslowBaseline(risk: ArrayLike<number>, time: ArrayLike<number>, event: ArrayLike<number | boolean>): BaselineHazard {
  const n = time.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[b]! - time[a]!);
  // Walk from the longest time down, accumulating the risk-set sum; collect per distinct time.
  const perTime: { t: number; deaths: number; atRisk: number }[] = [];
  let atRisk = 0;
  let k = 0;
  while (k < n) {
    const t = time[order[k]!]!;
    let deaths = 0;
    while (k < n && time[order[k]!] === t) {
      atRisk += Math.exp(risk[order[k]!]!);
      if (event[order[k]!]) deaths++;
      k++;
    }
    if (deaths > 0) perTime.push({ t, deaths, atRisk });
  }
  perTime.reverse();
  const times: number[] = [];
  const cumulativeHazard: number[] = [];
  let H = 0;
  for (const p of perTime) {
    H += p.deaths / p.atRisk;
    times.push(p.t);
    cumulativeHazard.push(H);
  }
  return { times, cumulativeHazard };
}

/** H0 at time t (a step function: 0 before the first event time). */
export function baselineHazardAt(b: BaselineHazard, t: number): number {
  let lo = 0;
  let hi = b.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (b.times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : b.cumulativeHazard[lo - 1]!;
}

export function survivalAt(b: BaselineHazard, risk: number, t: number): number {
  return Math.exp(-baselineHazardAt(b, t) * Math.exp(risk));
}
