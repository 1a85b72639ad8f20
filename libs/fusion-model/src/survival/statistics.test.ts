// Small hand-computed cases for the log-rank test, concordance, time-dependent AUC, Brier score, design matrix
// and distributions (no R needed); each number agrees with R 4.2.2 / survival 3.5-3 where R has the statistic.
import { describe, expect, it } from 'vitest';
import { computeBrierScore, integrateBrierScore } from './brier';
import { computeConcordance, computeHarrellC, computeUnoC } from './concordance';
import { buildDesignMatrix, buildSurvivalDesign } from './design-matrix';
import { chiSquareUpperTail, normalQuantile } from './distributions';
import { logRankTest } from './log-rank';
import { computeTimeDependentAuc } from './time-dependent-auc';

describe('logRankTest', () => {
  it('four deaths alternating between two groups: O_A = 2, E_A = 4/3, V = 13/18, chisq = 8/13', () => {
    const res = logRankTest([1, 2, 3, 4], [1, 1, 1, 1], ['A', 'B', 'A', 'B']);
    expect(res.groups).toEqual(['A', 'B']);
    expect(res.observed[0]).toBe(2);
    expect(res.expected[0]).toBeCloseTo(4 / 3, 15);
    expect(res.variance[0]).toBeCloseTo(13 / 18, 15);
    expect(res.chisq).toBeCloseTo(8 / 13, 14);
    expect(res.df).toBe(1);
    expect(res.p).toBeCloseTo(chiSquareUpperTail(8 / 13, 1), 15);
  });
  it('is 0 for identical groups', () => {
    expect(logRankTest([1, 1, 2, 2], [1, 1, 1, 1], [1, 2, 1, 2]).chisq).toBeCloseTo(0, 15);
  });
  it('names an unknown group value', () => {
    expect(() => logRankTest([1, 2], [1, 1], ['a', 'c'], { levels: ['a', 'b'] })).toThrow('logRankTest: group[1]: value c is not one of the levels a, b');
  });
});

describe('concordance', () => {
  it("Harrell: 4 concordant pairs and 1 tied on the predictor give C = 4.5 / 5 = 0.9", () => {
    // deaths at 1, 2, 4; censored at 3; risk 4, 2, 1, 2
    const c = computeHarrellC([1, 2, 3, 4], [1, 1, 0, 1], [4, 2, 1, 2]);
    expect(c.counts).toEqual({ concordant: 4, discordant: 0, tiedX: 1, tiedY: 0, tiedXY: 0 });
    expect(c.concordance).toBeCloseTo(0.9, 15);
  });
  it("Uno: pairs at the death at 3 weigh 1 / G(3-)^2 = 9/4, so C = (1 + 9/4) / (3 + 9/4) = 13/21 (Harrell 1/2)", () => {
    const time = [1, 2, 3, 4];
    const status = [1, 0, 1, 0];
    const risk = [1, 3, 2, 0];
    expect(computeHarrellC(time, status, risk).concordance).toBeCloseTo(0.5, 15);
    expect(computeUnoC(time, status, risk).concordance).toBeCloseTo(13 / 21, 15);
  });
  it('counts events tied on time as tied_y, and a censoring at an event time as comparable', () => {
    const c = computeConcordance([2, 2, 2, 5], [1, 1, 0, 1], [1, 2, 3, 4]);
    // deaths at 2 (x 1 and 2) are tied on y; each is compared with the censored-at-2 (x 3) and the later death (x 4)
    expect(c.counts).toEqual({ concordant: 4, discordant: 0, tiedX: 0, tiedY: 1, tiedXY: 0 });
  });
});

describe('computeTimeDependentAuc', () => {
  it('weights the case at 3 by 1 / G(3-) = 3/2: AUC(3.5) = 1 / (1 + 3/2) = 0.4', () => {
    const auc = computeTimeDependentAuc([1, 2, 3, 4], [1, 0, 1, 0], [3, 1, 2, 2.5], [3.5]);
    expect(auc.auc[0]).toBeCloseTo(0.4, 15);
  });
  it('is NaN without controls', () => {
    expect(computeTimeDependentAuc([1, 2], [1, 1], [1, 2], [5]).auc[0]).toBeNaN();
  });
});

describe('computeBrierScore', () => {
  it('drops the subject censored before t and weighs the survivor by 1 / G = 2: BS = (0.04 + 2 * 0.01) / 3', () => {
    // deaths at 1 and 3, censored at 2 (shifted to 2.5); predicted S(2.75) = 0.2, 0.6, 0.9
    const bs = computeBrierScore([1, 2, 3], [1, 0, 1], [[0.2, 0.6, 0.9]], [2.75]);
    expect(bs.brier[0]).toBeCloseTo(0.02, 15);
  });
  it('integrates by the trapezoidal rule over the grid', () => {
    expect(integrateBrierScore({ times: Float64Array.from([0, 1, 3]), brier: Float64Array.from([0, 0.2, 0.2]) })).toBeCloseTo((0.1 + 0.4) / 3, 15);
  });
});

describe('design matrix', () => {
  const columns = { time: [5, 6, 7, 8], status: [1, 2, 1, 2], rx: ['Obs', 'Lev', 'Lev+5FU', 'Obs'], age: [60, null, 70, 50] };
  it('drops incomplete rows (as na.omit), reports them, and codes factors with treatment contrasts', () => {
    const d = buildSurvivalDesign(columns, { time: 'time', status: 'status' }, [{ column: 'rx', levels: ['Obs', 'Lev', 'Lev+5FU'] }, 'age']);
    expect(d.names).toEqual(['rxLev', 'rxLev+5FU', 'age']);
    expect(d.droppedRows).toEqual([1]);
    expect(Array.from(d.rows)).toEqual([0, 2, 3]);
    expect(Array.from(d.values)).toEqual([0, 0, 60, 0, 1, 70, 0, 0, 50]);
    expect(Array.from(d.status)).toEqual([0, 0, 1]); // 1/2 coding: 2 = event
  });
  it('names the cell with an unknown level', () => {
    expect(() => buildDesignMatrix(columns, [{ column: 'rx', levels: ['Obs', 'Lev'] }])).toThrow('buildDesignMatrix: rx[2]: expected one of "Obs", "Lev", found "Lev+5FU"');
  });
});

describe('distributions (values of R 4.2.2)', () => {
  it('normalQuantile matches qnorm', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853626951472, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
  });
  it('chiSquareUpperTail matches pchisq(lower.tail = FALSE)', () => {
    const rel = (a: number, b: number) => Math.abs(a - b) / b;
    expect(rel(chiSquareUpperTail(10.327, 1), 1.310981217263352e-3)).toBeLessThan(1e-12);
    expect(rel(chiSquareUpperTail(3.84145882069412, 1), 5.000000000000018e-2)).toBeLessThan(1e-12);
    expect(rel(chiSquareUpperTail(30.5, 3), 1.083168675457912e-6)).toBeLessThan(1e-12);
    expect(rel(chiSquareUpperTail(0.5, 7), 9.994464813904251e-1)).toBeLessThan(1e-12);
    expect(rel(chiSquareUpperTail(80, 2), 4.248354255291589e-18)).toBeLessThan(1e-12);
  });
});
