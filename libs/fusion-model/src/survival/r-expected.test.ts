// Parity with R without running R: fixtures/r-expected/r_expected_values.json (MIT, github.com/Cameron-Lyons/survival
// test/r_expected_values.json at commit 22626e16; R 4.5.2, survival 3.8.11) holds both the inputs and R's results,
// printed to 11 significant digits, hence the 1e-9 relative tolerance here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeHarrellC } from './concordance';
import { fitCox } from './cox';
import { kaplanMeier } from './kaplan-meier';
import { logRankTest } from './log-rank';

interface Km { time: number[]; n_risk: number[]; n_event: number[]; survival: number[]; std_err?: Array<number | null>; lower?: number[]; upper?: number[] }
interface CoxRef { coefficients: Array<number | null>; se?: number[]; loglik: number[]; concordance?: number; score_test?: number; wald_test?: number; lr_test?: number }
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'r-expected', 'r_expected_values.json'), 'utf8')) as {
  aml: {
    maintained: { time: number[]; status: number[] }; nonmaintained: { time: number[]; status: number[] };
    combined: { time: number[]; status: number[]; group: number[] };
    km_maintained: Km; km_nonmaintained: Km;
    logrank: { observed: number[]; expected: number[]; chisq: number; p_value: number };
    coxph_breslow: CoxRef; coxph_efron: CoxRef;
    median_survival: { maintained: number; nonmaintained: number };
  };
  lung: { data: { time: number[]; status: number[]; sex: number[]; age: number[] }; coxph: CoxRef; logrank_sex: { chisq: number; p_value: number } };
  ovarian: { data: { time: number[]; status: number[]; rx: number[]; age: number[] }; logrank: { chisq: number; observed: number[]; expected: number[] }; km: Km; coxph: CoxRef };
  concordance: { aml_coxph: { concordance: number; n_concordant: number; n_discordant: number } };
};

function expectRel(ours: ArrayLike<number>, theirs: ReadonlyArray<number | null>, tol = 1e-9): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < theirs.length; i++) {
    const r = theirs[i];
    if (r === null || r === undefined) expect(Number.isFinite(ours[i]!)).toBe(false);
    else expect(Math.abs(ours[i]! - r), `entry ${i}: ${ours[i]} vs R ${r}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(r)));
  }
}
function atEventTimes<T extends ArrayLike<number>>(fit: ReturnType<typeof kaplanMeier>, column: T): number[] {
  return Array.from(column).filter((_, k) => fit.nEvent[k]! > 0);
}

describe('aml (R: survfit, survdiff, coxph, concordance)', () => {
  const { aml } = fixture;
  for (const arm of ['maintained', 'nonmaintained'] as const) {
    it(`Kaplan-Meier ${arm}: survival, SE and log limits at the event times; median`, () => {
      const fit = kaplanMeier(aml[arm].time, aml[arm].status);
      const ref = aml[`km_${arm}`];
      expect(atEventTimes(fit, fit.time)).toEqual(ref.time);
      expect(atEventTimes(fit, fit.nRisk)).toEqual(ref.n_risk);
      expectRel(atEventTimes(fit, fit.surv), ref.survival);
      // the fixture's std_err is summary(survfit)'s, on the survival scale: S * (SE of the cumulative hazard)
      if (ref.std_err) expectRel(atEventTimes(fit, fit.stdErr.map((se, k) => (fit.surv[k] === 0 ? NaN : se * fit.surv[k]!))), ref.std_err);
      if (ref.lower) expectRel(atEventTimes(fit, fit.lower), ref.lower);
      if (ref.upper) expectRel(atEventTimes(fit, fit.upper), ref.upper);
      expect(fit.median.estimate).toBe(aml.median_survival[arm]);
    });
  }
  it('log-rank maintained vs nonmaintained', () => {
    const res = logRankTest(aml.combined.time, aml.combined.status, aml.combined.group, { levels: [1, 0] });
    expectRel(res.observed, aml.logrank.observed);
    expectRel(res.expected, aml.logrank.expected);
    expectRel([res.chisq, res.p], [aml.logrank.chisq, aml.logrank.p_value]);
  });
  for (const ties of ['breslow', 'efron'] as const) {
    it(`Cox (${ties}) on x = nonmaintained: coefficient, SE, log-likelihoods, tests`, () => {
      const x = aml.combined.group.map((g) => 1 - g);
      const fit = fitCox({ time: aml.combined.time, status: aml.combined.status, values: x, ncol: 1 }, { ties });
      const ref = aml[`coxph_${ties}`];
      expectRel(fit.coef, ref.coefficients);
      if (ref.se) expectRel(fit.se, ref.se);
      expectRel(fit.loglik, ref.loglik);
      if (ref.score_test !== undefined) expectRel([fit.scoreTest.chisq, fit.likelihoodRatioTest.chisq], [ref.score_test, ref.lr_test!]);
      if (ref.wald_test !== undefined) expect(fit.waldTest.chisq).toBeCloseTo(ref.wald_test, 2); // R printed 2 digits
      if (ref.concordance !== undefined) expectRel([computeHarrellC(aml.combined.time, aml.combined.status, fit.linearPredictors).concordance], [ref.concordance]);
    });
  }
  it("Harrell's C counts of the Cox model", () => {
    const x = aml.combined.group.map((g) => 1 - g);
    const fit = fitCox({ time: aml.combined.time, status: aml.combined.status, values: x, ncol: 1 });
    const c = computeHarrellC(aml.combined.time, aml.combined.status, fit.linearPredictors);
    expect(c.counts.concordant).toBe(fixture.concordance.aml_coxph.n_concordant);
    expect(c.counts.discordant).toBe(fixture.concordance.aml_coxph.n_discordant);
    expectRel([c.concordance], [fixture.concordance.aml_coxph.concordance]);
  });
});

describe('lung, 20 rows (R: coxph ~ age + sex, survdiff ~ sex)', () => {
  const { lung } = fixture;
  it('Efron Cox coefficients, SE, log-likelihoods and C', () => {
    const values = lung.data.age.flatMap((a, i) => [a, lung.data.sex[i]!]);
    const fit = fitCox({ time: lung.data.time, status: lung.data.status, values, ncol: 2, names: ['age', 'sex'] });
    expectRel(fit.coef, lung.coxph.coefficients);
    expectRel(fit.se, lung.coxph.se!);
    expectRel(fit.loglik, lung.coxph.loglik);
    expectRel([computeHarrellC(lung.data.time, lung.data.status, fit.linearPredictors).concordance], [lung.coxph.concordance!]);
  });
  it('log-rank by sex', () => {
    const res = logRankTest(lung.data.time, lung.data.status, lung.data.sex);
    expectRel([res.chisq, res.p], [lung.logrank_sex.chisq, lung.logrank_sex.p_value]);
  });
});

describe('ovarian (R: survfit, survdiff ~ rx, coxph ~ rx + age)', () => {
  const { ovarian } = fixture;
  it('Kaplan-Meier at the event times', () => {
    const fit = kaplanMeier(ovarian.data.time, ovarian.data.status);
    expect(atEventTimes(fit, fit.time)).toEqual(ovarian.km.time);
    expectRel(atEventTimes(fit, fit.surv), ovarian.km.survival);
  });
  it('log-rank by rx', () => {
    const res = logRankTest(ovarian.data.time, ovarian.data.status, ovarian.data.rx);
    expectRel([res.chisq], [ovarian.logrank.chisq]);
    expectRel(res.observed, ovarian.logrank.observed);
    expectRel(res.expected, ovarian.logrank.expected);
  });
  it('Efron Cox', () => {
    const values = ovarian.data.rx.flatMap((r, i) => [r, ovarian.data.age[i]!]);
    const fit = fitCox({ time: ovarian.data.time, status: ovarian.data.status, values, ncol: 2 });
    expectRel(fit.coef, ovarian.coxph.coefficients);
    expectRel(fit.se, ovarian.coxph.se!);
    expectRel(fit.loglik, ovarian.coxph.loglik);
  });
});
