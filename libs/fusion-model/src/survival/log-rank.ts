// The k-sample log-rank test and the Fleming-Harrington G-rho family, optionally stratified, mirroring
// R survival's survdiff(Surv(time, status) ~ group [+ strata(s)], rho = rho).
import { chiSquareUpperTail } from './distributions';
import { choleskyFactor, choleskySolve } from './symmetric-matrix';
import { readRightCensored } from './survival-data';

export interface LogRankOptions {
  /** G-rho weight S(t-)^rho with S the pooled Kaplan-Meier within the stratum; 0 = log-rank (default), 1 = Peto-Peto. */
  readonly rho?: number;
  /** Optional stratum per subject: expectations and variances are computed within strata and summed. */
  readonly strata?: ArrayLike<string | number>;
  /** Group order; default: the sorted distinct group values (as R's factor levels). */
  readonly levels?: ReadonlyArray<string | number>;
}

export interface LogRankResult {
  readonly groups: ReadonlyArray<string | number>;
  readonly n: ReadonlyArray<number>;
  /** Weighted observed events per group (= counts when rho = 0). */
  readonly observed: Float64Array;
  readonly expected: Float64Array;
  /** k x k variance matrix of observed - expected, row-major. */
  readonly variance: Float64Array;
  readonly chisq: number;
  readonly df: number;
  readonly p: number;
  readonly rho: number;
}

export function logRankTest(time: ArrayLike<number>, status: ArrayLike<number | boolean>, group: ArrayLike<string | number>, options: LogRankOptions = {}): LogRankResult {
  const data = readRightCensored(time, status, 'logRankTest');
  const n = data.time.length;
  if (group.length !== n) throw new Error(`logRankTest: group has ${group.length} entries, expected ${n} (one per subject)`);
  const rho = options.rho ?? 0;
  const levels = options.levels ? [...options.levels] : sortedDistinct(Array.from(group));
  const levelIndex = new Map<string, number>(levels.map((l, i) => [String(l), i]));
  const g = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = levelIndex.get(String(group[i]!));
    if (k === undefined) throw new Error(`logRankTest: group[${i}]: value ${String(group[i])} is not one of the levels ${levels.join(', ')}`);
    g[i] = k;
  }
  const k = levels.length;
  if (new Set(g).size < 2) throw new Error('logRankTest: group: expected at least 2 groups, found 1');
  const strataValues = options.strata ? Array.from(options.strata) : new Array<string | number>(n).fill(1);
  if (strataValues.length !== n) throw new Error(`logRankTest: strata has ${strataValues.length} entries, expected ${n}`);
  const byStratum = new Map<string | number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byStratum.get(strataValues[i]!);
    if (list) list.push(i);
    else byStratum.set(strataValues[i]!, [i]);
  }
  const observed = new Float64Array(k);
  const expected = new Float64Array(k);
  const variance = new Float64Array(k * k);
  const risk = new Float64Array(k);
  for (const members of byStratum.values()) {
    // ascending time, events first at ties (R: order(strata, time, -status))
    members.sort((a, b) => data.time[a]! - data.time[b]! || data.status[b]! - data.status[a]!);
    const m = members.length;
    // left-continuous pooled Kaplan-Meier at each position (only for rho != 0)
    const kmBefore = new Float64Array(m).fill(1);
    if (rho !== 0) {
      let km = 1;
      for (let i = 0; i < m; ) {
        let j = i;
        let deaths = 0;
        while (j < m && data.time[members[j]!] === data.time[members[i]!]) deaths += data.status[members[j++]!]!;
        for (let q = i; q < j; q++) kmBefore[q] = km;
        km *= (m - i - deaths) / (m - i);
        i = j;
      }
    }
    risk.fill(0);
    for (let i = m - 1; i >= 0; ) {
      const w = rho === 0 ? 1 : Math.pow(kmBefore[i]!, rho);
      let deaths = 0;
      let j = i;
      for (; j >= 0 && data.time[members[j]!] === data.time[members[i]!]; j--) {
        const s = members[j]!;
        deaths += data.status[s]!;
        risk[g[s]!]! += 1;
        observed[g[s]!]! += data.status[s]! * w;
      }
      const nRisk = m - (j + 1);
      if (deaths > 0) {
        for (let a = 0; a < k; a++) expected[a]! += (w * deaths * risk[a]!) / nRisk;
        if (nRisk > 1) {
          const w2 = w * w;
          for (let a = 0; a < k; a++) {
            const tmp = (w2 * deaths * risk[a]! * (nRisk - deaths)) / (nRisk * (nRisk - 1));
            variance[a * k + a]! += tmp;
            for (let b = 0; b < k; b++) variance[a * k + b]! -= (tmp * risk[b]!) / nRisk;
          }
        }
      }
      i = j;
    }
  }
  // chisq on the groups with expected > 0, dropping the first (R: solve(vv, temp2))
  const used = [...Array(k).keys()].filter((a) => expected[a]! > 0);
  const df = used.length - 1;
  let chisq = 0;
  if (used.length >= 2) {
    const rest = used.slice(1);
    const q = rest.length;
    const vv = new Float64Array(q * q);
    const diff = new Float64Array(q);
    rest.forEach((a, i) => {
      diff[i] = observed[a]! - expected[a]!;
      rest.forEach((b, j) => (vv[i * q + j] = variance[a * k + b]!));
    });
    const chol = choleskyFactor(vv, q, 1e-14);
    if ('failedPivot' in chol) throw new Error('logRankTest: the variance matrix of observed - expected is singular');
    const sol = choleskySolve(chol.l, q, diff);
    for (let i = 0; i < q; i++) chisq += sol[i]! * diff[i]!;
  }
  const counts = levels.map((_, a) => g.reduce((acc, v) => acc + (v === a ? 1 : 0), 0));
  return { groups: levels, n: counts, observed, expected, variance, chisq, df, p: df > 0 ? chiSquareUpperTail(chisq, df) : NaN, rho };
}

function sortedDistinct(values: Array<string | number>): Array<string | number> {
  const distinct = [...new Set(values)];
  const allNumbers = distinct.every((v) => typeof v === 'number');
  return allNumbers ? (distinct as number[]).sort((a, b) => a - b) : distinct.map(String).sort();
}
