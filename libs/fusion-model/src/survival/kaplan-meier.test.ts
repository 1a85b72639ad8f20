// Hand-computed examples (no R needed). The numbers were worked out by hand and agree with R 4.2.2 / survival 3.5-3.
import { describe, expect, it } from 'vitest';
import { kaplanMeier, kaplanMeierSurvivalAt, survivalQuantile } from './kaplan-meier';
import { normalQuantile } from './distributions';

describe('kaplanMeier on six subjects', () => {
  // time 1 2 2+ 3 4+ 5 (+ = censored)
  const time = [1, 2, 2, 3, 4, 5];
  const status = [1, 1, 0, 1, 0, 1];
  const fit = kaplanMeier(time, status);
  const z = normalQuantile(0.975);

  it('has one row per distinct time with risk sets, events and censorings', () => {
    expect(Array.from(fit.time)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(fit.nRisk)).toEqual([6, 5, 3, 2, 1]);
    expect(Array.from(fit.nEvent)).toEqual([1, 1, 1, 0, 1]);
    expect(Array.from(fit.nCensor)).toEqual([0, 1, 0, 1, 0]);
    expect(fit.n).toBe(6);
    expect(fit.events).toBe(4);
  });
  it('multiplies the conditional survival: 5/6, 2/3, 4/9, 4/9, 0', () => {
    const expected = [5 / 6, 2 / 3, 4 / 9, 4 / 9, 0];
    fit.surv.forEach((s, k) => expect(s).toBeCloseTo(expected[k]!, 15));
  });
  it('gives the Greenwood SE of the cumulative hazard: sqrt(1/30), sqrt(1/30 + 1/20), 0.5, 0.5, Inf', () => {
    expect(fit.stdErr[0]).toBeCloseTo(Math.sqrt(1 / 30), 15);
    expect(fit.stdErr[1]).toBeCloseTo(Math.sqrt(1 / 30 + 1 / 20), 15);
    expect(fit.stdErr[2]).toBeCloseTo(0.5, 15); // 1/30 + 1/20 + 1/6 = 1/4
    expect(fit.stdErr[3]).toBeCloseTo(0.5, 15);
    expect(fit.stdErr[4]).toBe(Infinity);
  });
  it('puts log-type limits at S exp(-/+ z se), the upper capped at 1, NA where S = 0', () => {
    expect(fit.lower[2]).toBeCloseTo((4 / 9) * Math.exp(-z * 0.5), 15);
    expect(fit.lower[2]).toBeCloseTo(0.16680793662808, 12);
    expect(fit.upper[2]).toBe(1);
    expect(fit.lower[4]).toBeNaN();
  });
  it('gives log-log and plain limits', () => {
    const ll = kaplanMeier(time, status, { confType: 'log-log' });
    const s = 4 / 9;
    const se2 = (z * 0.5) / Math.log(s);
    expect(ll.lower[2]).toBeCloseTo(Math.exp(-Math.exp(Math.log(-Math.log(s)) - se2)), 15);
    expect(ll.upper[2]).toBeCloseTo(Math.exp(-Math.exp(Math.log(-Math.log(s)) + se2)), 15);
    const plain = kaplanMeier(time, status, { confType: 'plain' });
    expect(plain.lower[2]).toBeCloseTo(Math.max(0, s - z * 0.5 * s), 15);
    expect(plain.upper[2]).toBeCloseTo(Math.min(1, s + z * 0.5 * s), 15);
  });
  it('finds the median 3 with 95 % CI [2, NA] as R', () => {
    expect(fit.median.estimate).toBe(3);
    expect(fit.median.lower).toBe(2);
    expect(fit.median.upper).toBeNaN();
  });
  it('reads S(t) as a right-continuous step function', () => {
    expect(kaplanMeierSurvivalAt(fit, 0.5)).toBe(1);
    expect(kaplanMeierSurvivalAt(fit, 2)).toBeCloseTo(2 / 3, 15);
    expect(kaplanMeierSurvivalAt(fit, 2.5)).toBeCloseTo(2 / 3, 15);
    expect(kaplanMeierSurvivalAt(fit, 100)).toBe(0);
  });
});

describe('survivalQuantile', () => {
  it('takes the midpoint where the curve is flat at exactly 1 - p (R: median 2.5 for four deaths at 1..4)', () => {
    const fit = kaplanMeier([1, 2, 3, 4], [1, 1, 1, 1]);
    expect(fit.median.estimate).toBe(2.5);
    expect(fit.median.lower).toBe(1);
    expect(survivalQuantile(fit, 0.25).estimate).toBe(1.5);
  });
  it('is NaN (R: NA) when the curve never falls to 1 - p', () => {
    const fit = kaplanMeier([1, 2, 3], [1, 0, 0]);
    expect(fit.median.estimate).toBeNaN();
  });
});

describe('kaplanMeier input errors', () => {
  it('names the entry and what was expected', () => {
    expect(() => kaplanMeier([1, 2], [1])).toThrow('kaplanMeier: time has 2 entries but status has 1');
    expect(() => kaplanMeier([1, 2], [1, 2])).toThrow('kaplanMeier: status[1]: expected 0 (censored) or 1 (event), found 2');
    expect(() => kaplanMeier([1, Number.NaN], [1, 1])).toThrow('kaplanMeier: time[1]: expected a finite number, found NaN');
  });
});
