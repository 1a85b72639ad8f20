// Harrell's and Uno's concordance with R survival's conventions (concordance() / concordancefit, survival 3.5-3):
// a pair (i, j) is comparable when i has an event at T_i and T_j > T_i, or T_j = T_i with j censored (a
// censoring at t counts as surviving past an event at t). Events tied on time are not comparable (counted as
// tied_y). Ties on the predictor count 1/2. Every comparable pair with event time t carries the time weight
// w(t): 1 for Harrell ("n"), 1 / G(t-)^2 for Uno ("n/G2"), 0 beyond ymax. The standard error is R's
// infinitesimal-jackknife one: var(C) = sum_i dfbeta_i^2 / 4, with dfbeta_i from each subject's share of the
// weighted concordant/discordant/tied counts.
import { readRightCensored } from './survival-data';

export type ConcordanceTimeWeight = 'n' | 'n/G2';

export interface ConcordanceOptions {
  /** 'n' = Harrell (default), 'n/G2' = Uno: pairs weighted by 1 / G(t-)^2, G the censoring Kaplan-Meier. */
  readonly timeWeight?: ConcordanceTimeWeight;
  /** Pairs whose event time exceeds ymax get weight 0 (R: ymax; Uno's truncation tau). */
  readonly ymax?: number;
  /**
   * false (default): larger predictor = longer survival (R's concordance(y ~ x)); true: larger predictor = higher
   * risk, as for a Cox linear predictor (R's concordance(coxfit) uses reverse = TRUE).
   */
  readonly reverse?: boolean;
}

export interface ConcordanceCounts {
  readonly concordant: number;
  readonly discordant: number;
  readonly tiedX: number;
  readonly tiedY: number;
  readonly tiedXY: number;
}

export interface ConcordanceResult {
  readonly concordance: number;
  readonly stdErr: number;
  readonly variance: number;
  /** Weighted pair counts (weights = time weights), as R's concordance(...)$count. */
  readonly counts: ConcordanceCounts;
  readonly n: number;
  readonly timeWeight: ConcordanceTimeWeight;
}

/** Fenwick tree over predictor ranks. */
class RankSums {
  private readonly tree: Float64Array;
  readonly at: Float64Array;
  total = 0;
  constructor(size: number) {
    this.tree = new Float64Array(size + 1);
    this.at = new Float64Array(size);
  }
  add(rank: number, w: number): void {
    this.at[rank]! += w;
    this.total += w;
    for (let i = rank + 1; i < this.tree.length; i += i & -i) this.tree[i]! += w;
  }
  /** Sum over ranks < rank. */
  below(rank: number): number {
    let s = 0;
    for (let i = rank; i > 0; i -= i & -i) s += this.tree[i]!;
    return s;
  }
  /** [sum over larger ranks, sum over smaller ranks, sum at this rank] */
  split(rank: number): [number, number, number] {
    const below = this.below(rank);
    const equal = this.at[rank]!;
    return [this.total - below - equal, below, equal];
  }
}

/**
 * G(t-) at each distinct event time, ascending, where G is the Kaplan-Meier of the censoring distribution with
 * events preceding censorings at tied times (the censoring risk set at c excludes the events at c), as
 * survival's fastkm1.
 */
export function censoringSurvivalBeforeEventTimes(time: Float64Array, status: Uint8Array): { eventTimes: Float64Array; gBefore: Float64Array } {
  const n = time.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a]! - time[b]!);
  const eventTimes: number[] = [];
  const gBefore: number[] = [];
  let g = 1;
  let atRisk = n;
  for (let i = 0; i < n; ) {
    const t = time[order[i]!]!;
    let d = 0;
    let c = 0;
    for (; i < n && time[order[i]!] === t; i++) {
      if (status[order[i]!] === 1) d++;
      else c++;
    }
    if (d > 0) {
      eventTimes.push(t);
      gBefore.push(g);
    }
    if (c > 0) g *= (atRisk - d - c) / (atRisk - d);
    atRisk -= d + c;
  }
  return { eventTimes: Float64Array.from(eventTimes), gBefore: Float64Array.from(gBefore) };
}

/** Concordance between survival and a predictor, as R's concordancefit (no strata, unit case weights). */
export function computeConcordance(timeIn: ArrayLike<number>, statusIn: ArrayLike<number | boolean>, predictor: ArrayLike<number>, options: ConcordanceOptions = {}): ConcordanceResult {
  const { time, status } = readRightCensored(timeIn, statusIn, 'computeConcordance');
  const n = time.length;
  if (predictor.length !== n) throw new Error(`computeConcordance: predictor has ${predictor.length} entries, expected ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(predictor[i]!)) throw new Error(`computeConcordance: predictor[${i}]: expected a finite number, found ${predictor[i]}`);
  let timeWeight = options.timeWeight ?? 'n';
  const nEvents = status.reduce((a, s) => a + s, 0);
  if (nEvents < 2) timeWeight = 'n';
  // predictor ranks (exact ties share a rank)
  const distinct = [...new Set(Array.from(predictor))].sort((a, b) => a - b);
  const rankOf = new Map(distinct.map((v, i) => [v, i]));
  const rank = Int32Array.from(Array.from(predictor), (v) => rankOf.get(v)!);
  // time weight per distinct event time
  const weightAt = new Map<number, number>();
  if (timeWeight === 'n/G2') {
    const { eventTimes, gBefore } = censoringSurvivalBeforeEventTimes(time, status);
    eventTimes.forEach((t, k) => weightAt.set(t, 1 / (gBefore[k]! * gBefore[k]!)));
  }
  const weightOf = (t: number): number => (options.ymax !== undefined && t > options.ymax ? 0 : timeWeight === 'n' ? 1 : weightAt.get(t)!);

  // descending time, censored before events at tied times
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => time[b]! - time[a]! || status[a]! - status[b]!);
  const atRisk = new RankSums(distinct.length);
  const deathTree = new RankSums(distinct.length);
  const inf = [new Float64Array(n), new Float64Array(n), new Float64Array(n)]; // concordant, discordant, tied x
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  let tiedXY = 0;
  const enterRiskSet = (i: number): void => {
    // the share of i as the later member: deaths added to deathTree from now on (earlier times)
    const [greater, less, equal] = deathTree.split(rank[i]!);
    inf[0]![i]! -= less;
    inf[1]![i]! -= greater;
    inf[2]![i]! -= equal;
    atRisk.add(rank[i]!, 1);
  };
  for (let k = 0; k < n; ) {
    const i0 = order[k]!;
    if (status[i0] === 0) {
      enterRiskSet(i0);
      k++;
      continue;
    }
    const t = time[i0]!;
    const w = weightOf(t);
    const deaths: number[] = [];
    for (; k < n && time[order[k]!] === t && status[order[k]!] === 1; k++) deaths.push(order[k]!);
    const d = deaths.length;
    tiedY += (w * d * (d - 1)) / 2;
    const byRank = new Map<number, number>();
    for (const i of deaths) byRank.set(rank[i]!, (byRank.get(rank[i]!) ?? 0) + 1);
    for (const m of byRank.values()) tiedXY += (w * m * (m - 1)) / 2;
    for (const i of deaths) {
      const [greater, less, equal] = atRisk.split(rank[i]!);
      concordant += w * greater;
      discordant += w * less;
      tiedX += w * equal;
      inf[0]![i]! += w * greater;
      inf[1]![i]! += w * less;
      inf[2]![i]! += w * equal;
      deathTree.add(rank[i]!, w);
    }
    for (const i of deaths) enterRiskSet(i);
  }
  for (let i = 0; i < n; i++) {
    const [greater, less, equal] = deathTree.split(rank[i]!);
    inf[0]![i]! += less;
    inf[1]![i]! += greater;
    inf[2]![i]! += equal;
  }
  tiedY -= tiedXY;
  const npair = concordant + discordant + tiedX;
  const somers = (concordant - discordant) / npair;
  let varSomers = 0;
  for (let i = 0; i < n; i++) {
    const dfbeta = (inf[0]![i]! - inf[1]![i]!) / npair - (somers / npair) * (inf[0]![i]! + inf[1]![i]! + inf[2]![i]!);
    varSomers += dfbeta * dfbeta;
  }
  let c = (somers + 1) / 2;
  let counts: ConcordanceCounts = { concordant, discordant, tiedX, tiedY, tiedXY };
  if (options.reverse) {
    c = 1 - c;
    counts = { ...counts, concordant: discordant, discordant: concordant };
  }
  const variance = varSomers / 4;
  return { concordance: c, stdErr: Math.sqrt(variance), variance, counts, n, timeWeight };
}

/** Harrell's C of a risk score (higher = worse), as R's concordance(coxfit [, newdata], ymax). */
export function computeHarrellC(time: ArrayLike<number>, status: ArrayLike<number | boolean>, risk: ArrayLike<number>, options: { readonly ymax?: number } = {}): ConcordanceResult {
  return computeConcordance(time, status, risk, { timeWeight: 'n', reverse: true, ymax: options.ymax });
}

/**
 * Uno's C of a risk score (higher = worse): pairs weighted by 1 / G(T_i-)^2, G the censoring distribution of
 * these data; `tau` truncates at an event time horizon. As R's concordance(coxfit, newdata, timewt = "n/G2", ymax = tau).
 */
export function computeUnoC(time: ArrayLike<number>, status: ArrayLike<number | boolean>, risk: ArrayLike<number>, options: { readonly tau?: number } = {}): ConcordanceResult {
  return computeConcordance(time, status, risk, { timeWeight: 'n/G2', reverse: true, ymax: options.tau });
}
