// Parity with R's survival package (3.5-3 in Debian bookworm) on R's own oncology datasets. The data and R's
// results come from running r-reference/reference.R with the installed R at test time (nothing LGPL is stored
// here). Without Rscript these tests FAIL (they do not skip), saying what to install.
//
// Tolerances: KM estimates, SE and limits 1e-6 absolute (measured ~1e-15); log-rank chisq 1e-6 absolute;
// Cox coefficients, SE, C and its SE 1e-4 absolute (measured ~1e-9: both sides converge to 1e-9 relative
// log-likelihood change); loglik and tests 1e-6 relative; concordance counts exactly (1e-9 relative for the
// weighted Uno counts); td-AUC and Brier 1e-6 absolute.
import { describe, expect, it } from 'vitest';
import { computeBrierScore, computeIntegratedBrierScore } from './brier';
import { computeConcordance, computeHarrellC, computeUnoC, type ConcordanceResult } from './concordance';
import { baselineCumulativeHazard, coxLinearPredictor, fitCox, predictCoxSurvival } from './cox';
import { buildDesignMatrix, buildSurvivalDesign, type DataColumns, type TermSpec } from './design-matrix';
import { kaplanMeier, survivalQuantile, type ConfidenceIntervalType } from './kaplan-meier';
import { logRankTest } from './log-rank';
import { loadRReference, type RConcordance, type RKaplanMeier, type RReference } from './r-reference/load-r-reference';
import { stepValue } from './survival-data';
import { computeTimeDependentAuc } from './time-dependent-auc';

// Loaded lazily inside each test (not in a beforeAll hook, whose failure Vitest reports as skipped tests): without
// Rscript every test here fails with the install hint.
let loaded: RReference | Error | undefined;
const R = new Proxy({} as RReference, {
  get(_, key) {
    if (loaded === undefined) {
      try {
        loaded = loadRReference();
      } catch (error) {
        loaded = error as Error;
      }
    }
    if (loaded instanceof Error) throw loaded;
    return loaded[key as keyof RReference];
  },
});
/** Runs `make` once, on first use inside a test. */
function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

/** max |a - b|; null in R (NA/Inf) must meet a non-finite value here. */
function maxAbsDiff(ours: ArrayLike<number>, theirs: ReadonlyArray<number | null>): number {
  expect(ours.length).toBe(theirs.length);
  let m = 0;
  for (let i = 0; i < theirs.length; i++) {
    const r = theirs[i];
    const o = ours[i]!;
    if (r === null || r === undefined) {
      expect(Number.isFinite(o), `entry ${i}: R has NA/Inf, we have ${o}`).toBe(false);
      continue;
    }
    expect(Number.isFinite(o), `entry ${i}: R has ${r}, we have ${o}`).toBe(true);
    m = Math.max(m, Math.abs(o - r));
  }
  return m;
}
function expectSame(ours: number, theirs: number | null | undefined, tol: number): void {
  if (theirs === null || theirs === undefined) expect(Number.isFinite(ours)).toBe(false);
  else expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(tol);
}

const KM_DATA: Array<[keyof RReference['km'] & string, string, string, string]> = [
  ['lung', 'lung', 'time', 'status'],
  ['ovarian', 'ovarian', 'futime', 'fustat'],
  ['colon_death', 'colon_death', 'time', 'status'],
];
function response(data: DataColumns, time: string, status: string) {
  return buildSurvivalDesign(data, { time, status }, []);
}

describe('Kaplan-Meier vs survfit', () => {
  for (const [key, dataName, time, status] of KM_DATA) {
    for (const confType of ['log', 'log-log', 'plain'] as ConfidenceIntervalType[]) {
      it(`${key}, conf.type = "${confType}": table to 1e-6, median and quartiles with CI as quantile.survfit`, () => {
        const ref = (R.km as unknown as Record<string, Record<string, RKaplanMeier>>)[key]![confType]!;
        const d = response(R.data[dataName as keyof RReference['data']], time, status);
        const fit = kaplanMeier(d.time, d.status, { confType });
        expect(Array.from(fit.time)).toEqual(ref.time);
        expect(Array.from(fit.nRisk)).toEqual(ref.n_risk);
        expect(Array.from(fit.nEvent)).toEqual(ref.n_event);
        expect(Array.from(fit.nCensor)).toEqual(ref.n_censor);
        expect(maxAbsDiff(fit.surv, ref.surv)).toBeLessThan(1e-6);
        expect(maxAbsDiff(fit.stdErr, ref.std_err)).toBeLessThan(1e-6);
        expect(maxAbsDiff(fit.lower, ref.lower)).toBeLessThan(1e-6);
        expect(maxAbsDiff(fit.upper, ref.upper)).toBeLessThan(1e-6);
        expectSame(fit.median.estimate, ref.median, 1e-9);
        expectSame(fit.median.lower, ref.median_lower, 1e-9);
        expectSame(fit.median.upper, ref.median_upper, 1e-9);
        [0.25, 0.5, 0.75].forEach((p, k) => {
          const q = survivalQuantile(fit, p);
          expectSame(q.estimate, ref.quantiles!.quantile[k], 1e-9);
          expectSame(q.lower, ref.quantiles!.lower[k], 1e-9);
          expectSame(q.upper, ref.quantiles!.upper[k], 1e-9);
        });
      });
    }
  }
  it('lung, 90 % log limits', () => {
    const d = response(R.data.lung, 'time', 'status');
    const fit = kaplanMeier(d.time, d.status, { confLevel: 0.9 });
    expect(maxAbsDiff(fit.lower, R.km.lung_conf_90.lower)).toBeLessThan(1e-6);
    expect(maxAbsDiff(fit.upper, R.km.lung_conf_90.upper)).toBeLessThan(1e-6);
  });
});

describe('log-rank / G-rho vs survdiff', () => {
  const cases: Array<[keyof RReference['logrank'], string, string, string, string, number, string?]> = [
    ['lung_sex', 'lung', 'time', 'status', 'sex', 0],
    ['lung_sex_rho1', 'lung', 'time', 'status', 'sex', 1],
    ['lung_ecog', 'lung', 'time', 'status', 'ph.ecog', 0],
    ['colon_rx', 'colon_death', 'time', 'status', 'rx', 0],
    ['colon_rx_strata_sex', 'colon_death', 'time', 'status', 'rx', 0, 'sex'],
    ['ovarian_rx_rho05', 'ovarian', 'futime', 'fustat', 'rx', 0.5],
  ];
  for (const [key, dataName, time, status, group, rho, strata] of cases) {
    it(`${key}: chisq to 1e-6, observed/expected/variance`, () => {
      const ref = R.logrank[key];
      const data = R.data[dataName as keyof RReference['data']];
      const levels = R.levels[dataName]?.[group];
      const d = buildSurvivalDesign(data, { time, status }, [levels ? { column: group, levels } : group, ...(strata ? [strata] : [])]);
      const g = Array.from(d.rows, (r) => data[group]![r] as string | number);
      const res = logRankTest(d.time, d.status, g, { rho, levels, strata: strata ? Array.from(d.rows, (r) => data[strata]![r] as number) : undefined });
      expect(Math.abs(res.chisq - ref.chisq)).toBeLessThan(1e-6);
      expect(res.df).toBe(ref.df);
      expect(Math.abs(res.p - ref.p)).toBeLessThan(1e-9);
      expect(maxAbsDiff(res.observed, ref.observed)).toBeLessThan(1e-9);
      expect(maxAbsDiff(res.expected, ref.expected)).toBeLessThan(1e-9);
      expect(maxAbsDiff(res.variance, ref.var)).toBeLessThan(1e-9);
      expect(res.n).toEqual(ref.n);
    });
  }
});

function factor(R: RReference, dataName: string, column: string): TermSpec {
  return { column, levels: R.levels[dataName]![column]! };
}
const COX_MODELS: Array<[keyof RReference['cox'], string, string, string, (R: RReference) => TermSpec[], 'efron' | 'breslow']> = [
  ['lung_efron', 'lung', 'time', 'status', () => ['age', 'sex', 'ph.ecog'], 'efron'],
  ['lung_breslow', 'lung', 'time', 'status', () => ['age', 'sex', 'ph.ecog'], 'breslow'],
  ['ovarian', 'ovarian', 'futime', 'fustat', () => ['age', 'resid.ds', 'rx', 'ecog.ps'], 'efron'],
  ['colon_rx', 'colon_death', 'time', 'status', (R) => [factor(R, 'colon_death', 'rx')], 'efron'],
  ['colon_full', 'colon_death', 'time', 'status', (R) => [factor(R, 'colon_death', 'rx'), 'sex', 'age', 'obstruct', 'perfor', 'adhere', 'nodes', 'differ', 'extent', 'surg'], 'efron'],
  ['veteran_efron', 'veteran', 'time', 'status', (R) => ['trt', factor(R, 'veteran', 'celltype'), 'karno', 'diagtime', 'age', 'prior'], 'efron'],
  ['veteran_breslow', 'veteran', 'time', 'status', (R) => ['trt', factor(R, 'veteran', 'celltype'), 'karno', 'diagtime', 'age', 'prior'], 'breslow'],
  ['rotterdam_efron', 'rotterdam_np', 'rfstime', 'rfs', (R) => ROTTERDAM_TERMS(R), 'efron'],
  ['rotterdam_breslow', 'rotterdam_np', 'rfstime', 'rfs', (R) => ROTTERDAM_TERMS(R), 'breslow'],
];
const ROTTERDAM_TERMS = (R: RReference): TermSpec[] => ['meno', factor(R, 'rotterdam_np', 'size'), 'grade', 'nodes', 'pgr', 'er', 'hormon', 'age'];

function expectConcordance(ours: ConcordanceResult, ref: RConcordance): void {
  expect(Math.abs(ours.concordance - ref.C)).toBeLessThan(1e-4);
  expect(Math.abs(ours.stdErr - ref.se)).toBeLessThan(1e-4);
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
  expect(rel(ours.counts.concordant, ref.counts.concordant)).toBeLessThan(1e-9);
  expect(rel(ours.counts.discordant, ref.counts.discordant)).toBeLessThan(1e-9);
  expect(rel(ours.counts.tiedX, ref.counts.tied_x)).toBeLessThan(1e-9);
  expect(rel(ours.counts.tiedY, ref.counts.tied_y)).toBeLessThan(1e-9);
  expect(rel(ours.counts.tiedXY, ref.counts.tied_xy)).toBeLessThan(1e-9);
}

describe('Cox PH vs coxph', () => {
  for (const [key, dataName, time, status, terms, ties] of COX_MODELS) {
    describe(key, () => {
      const model = lazy(() => {
        const d = buildSurvivalDesign(R.data[dataName as keyof RReference['data']], { time, status }, terms(R));
        return { ref: R.cox[key], d, fit: fitCox(d, { ties }) };
      });
      it('coefficients and SE to 1e-4 (term names as R)', () => {
        const { ref, d, fit } = model();
        expect(d.droppedRows.length).toBe(ref.n_dropped);
        expect(fit.names).toEqual(ref.terms);
        expect(fit.converged).toBe(true);
        expect(fit.n).toBe(ref.n);
        expect(fit.nEvents).toBe(ref.nevent);
        expect(maxAbsDiff(fit.coef, ref.coef)).toBeLessThan(1e-4);
        expect(maxAbsDiff(fit.se, ref.se)).toBeLessThan(1e-4);
        expect(maxAbsDiff(fit.means, ref.means)).toBeLessThan(1e-9);
      });
      it('log-likelihoods, LR / Wald / score tests to 1e-6 relative', () => {
        const { ref, fit } = model();
        const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
        expect(rel(fit.loglik[0], ref.loglik[0]!)).toBeLessThan(1e-6);
        expect(rel(fit.loglik[1], ref.loglik[1]!)).toBeLessThan(1e-6);
        expect(rel(fit.likelihoodRatioTest.chisq, ref.lr_test)).toBeLessThan(1e-6);
        expect(rel(fit.waldTest.chisq, ref.wald_test)).toBeLessThan(1e-6);
        expect(rel(fit.scoreTest.chisq, ref.score_test)).toBeLessThan(1e-6);
      });
      it("linear predictors, baseline hazard and predicted survival (survfit.coxph) to 1e-6; Harrell's C to 1e-4", () => {
        const { ref, d: y, fit } = model();
        expect(maxAbsDiff(fit.linearPredictors, ref.linear_predictors)).toBeLessThan(1e-6);
        const h = ref.baseline.time.map((t) => stepValue(fit.baseline.time, fit.baseline.cumulativeHazard, t, 0));
        expect(maxAbsDiff(h, ref.baseline.cumhaz)).toBeLessThan(1e-6);
        // rows 1..5 of the R data frame: find them among the complete cases
        const d = buildDesignMatrix(R.data[dataName as keyof RReference['data']], terms(R));
        ref.predicted.rows.forEach((row, k) => {
          const r = Array.from(d.rows).indexOf(row - 1);
          const values = d.values.subarray(r * d.ncol, (r + 1) * d.ncol);
          const s = predictCoxSurvival(fit, values, ref.predicted.times).map((a) => a[0]!);
          expect(maxAbsDiff(s, ref.predicted.surv[k]!)).toBeLessThan(1e-6);
        });
        expect(y.rows.length).toBe(ref.n);
        expectConcordance(computeHarrellC(y.time, y.status, fit.linearPredictors), ref.concordance);
      });
    });
  }
});

describe('external validation rotterdam -> gbsg', () => {
  const validation = lazy(() => {
    const train = buildSurvivalDesign(R.data.rotterdam_np, { time: 'rfstime', status: 'rfs' }, ROTTERDAM_TERMS(R));
    const fit = fitCox(train);
    const gbsg = buildSurvivalDesign(R.data.gbsg, { time: 'rfstime', status: 'rfs' }, ROTTERDAM_TERMS(R));
    return { fit, gbsg, lp: coxLinearPredictor(fit, gbsg.values) };
  });
  it('linear predictor on new data (predict type = "lp") to 1e-6', () => {
    const { fit, gbsg, lp } = validation();
    expect(maxAbsDiff(lp, R.concordance.gbsg_lp)).toBeLessThan(1e-6);
  });
  it("Harrell's C (and truncated at 5 years) to 1e-4, counts exact", () => {
    const { fit, gbsg, lp } = validation();
    expectConcordance(computeHarrellC(gbsg.time, gbsg.status, lp), R.concordance.harrell);
    expectConcordance(computeHarrellC(gbsg.time, gbsg.status, lp, { ymax: R.concordance.tau }), R.concordance.harrell_tau5y);
    // with R's own linear predictor too
    expectConcordance(computeHarrellC(gbsg.time, gbsg.status, R.concordance.gbsg_lp), R.concordance.harrell);
  });
  it("Uno's C (timewt = n/G2), untruncated and tau = 5 years, to 1e-4", () => {
    const { fit, gbsg, lp } = validation();
    expectConcordance(computeUnoC(gbsg.time, gbsg.status, lp), R.concordance.uno);
    expectConcordance(computeUnoC(gbsg.time, gbsg.status, lp, { tau: R.concordance.tau }), R.concordance.uno_tau5y);
    expectConcordance(computeUnoC(gbsg.time, gbsg.status, R.concordance.gbsg_lp, { tau: R.concordance.tau }), R.concordance.uno_tau5y);
  });
  it('time-dependent AUC (cumulative/dynamic IPCW) at 1..5 years to 1e-6', () => {
    const { fit, gbsg, lp } = validation();
    const auc = computeTimeDependentAuc(gbsg.time, gbsg.status, R.concordance.gbsg_lp, R.td_auc.times);
    expect(maxAbsDiff(auc.auc, R.td_auc.gbsg)).toBeLessThan(1e-6);
    const ours = computeTimeDependentAuc(gbsg.time, gbsg.status, lp, R.td_auc.times);
    expect(maxAbsDiff(ours.auc, R.td_auc.gbsg)).toBeLessThan(1e-6);
  });
  it('Brier score at 1..5 years and the integrated Brier score over the event times <= 5 years to 1e-6', () => {
    const { fit, gbsg, lp } = validation();
    const surv = predictCoxSurvival(fit, gbsg.values, R.brier.gbsg.times);
    expect(maxAbsDiff(Array.from(surv, (s) => s[0]!), R.brier.gbsg.predicted_surv_first_row)).toBeLessThan(1e-6);
    const bs = computeBrierScore(gbsg.time, gbsg.status, surv, R.brier.gbsg.times);
    expect(maxAbsDiff(bs.brier, R.brier.gbsg.brier)).toBeLessThan(1e-6);
    const grid = R.brier.gbsg_ibs.grid;
    const ibs = computeIntegratedBrierScore(gbsg.time, gbsg.status, predictCoxSurvival(fit, gbsg.values, grid), grid);
    expect(maxAbsDiff(ibs.brier, R.brier.gbsg_ibs.brier)).toBeLessThan(1e-6);
    expect(Math.abs(ibs.integrated - R.brier.gbsg_ibs.ibs)).toBeLessThan(1e-6);
  });
});

describe('Brier score vs survival:::brier on the training data', () => {
  const cases: Array<['rotterdam_train' | 'lung_train', string, string, string, (R: RReference) => TermSpec[]]> = [
    ['rotterdam_train', 'rotterdam_np', 'rfstime', 'rfs', ROTTERDAM_TERMS],
    ['lung_train', 'lung', 'time', 'status', () => ['age', 'sex', 'ph.ecog']],
  ];
  for (const [key, dataName, time, status, terms] of cases) {
    it(`${key}: Cox model and the null model (Fleming-Harrington curve, as R for Efron fits) to 1e-6`, () => {
      const ref = R.brier[key];
      const d = buildSurvivalDesign(R.data[dataName as keyof RReference['data']], { time, status }, terms(R));
      const fit = fitCox(d);
      const model = computeBrierScore(d.time, d.status, predictCoxSurvival(fit, d.values, ref.times), ref.times);
      expect(maxAbsDiff(model.brier, ref.model)).toBeLessThan(1e-6);
      const nullHazard = baselineCumulativeHazard(d.time, d.status, new Float64Array(d.nrow), 'efron');
      const nullSurv = ref.times.map((t) => new Float64Array(d.nrow).fill(Math.exp(-stepValue(nullHazard.time, nullHazard.cumulativeHazard, t, 0))));
      expect(maxAbsDiff(computeBrierScore(d.time, d.status, nullSurv, ref.times).brier, ref.null)).toBeLessThan(1e-6);
    });
  }
});

describe('concordance of a plain predictor (larger = longer survival)', () => {
  it("lung ~ age: Harrell's and Uno's C as concordance(Surv(time, status) ~ age)", () => {
    const d = buildSurvivalDesign(R.data.lung, { time: 'time', status: 'status' }, ['age']);
    expectConcordance(computeConcordance(d.time, d.status, Array.from(d.values)), R.concordance.lung_age);
    expectConcordance(computeConcordance(d.time, d.status, Array.from(d.values), { timeWeight: 'n/G2' }), R.concordance.lung_age_uno);
  });
  it('lung Cox time-dependent AUC at 180/365/540 days to 1e-6', () => {
    const d = buildSurvivalDesign(R.data.lung, { time: 'time', status: 'status' }, ['age', 'sex', 'ph.ecog']);
    const fit = fitCox(d);
    expect(maxAbsDiff(computeTimeDependentAuc(d.time, d.status, fit.linearPredictors, [180, 365, 540]).auc, R.td_auc.lung_efron)).toBeLessThan(1e-6);
  });
});

