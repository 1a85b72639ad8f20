// Hand-checked Cox models (no R needed); values agree with R 4.2.2 / survival 3.5-3 coxph.
import { describe, expect, it } from 'vitest';
import { baselineCumulativeHazard, fitCox, predictCoxSurvival } from './cox';

describe('fitCox with one binary covariate, four deaths at 1, 2, 3, 4 and x = 1, 0, 1, 0', () => {
  // Score: U(b) = 2 - 2e/(e+1) - e/(e+2) with e = exp(b); U = 0  <=>  e^2 - e - 4 = 0  <=>  e = (1 + sqrt 17) / 2.
  const e = (1 + Math.sqrt(17)) / 2;
  const fit = fitCox({ time: [1, 2, 3, 4], status: [1, 1, 1, 1], values: [1, 0, 1, 0], ncol: 1, names: ['x'] });
  it('finds beta = log((1 + sqrt 17) / 2) = 0.940613641736337', () => {
    expect(fit.converged).toBe(true);
    expect(fit.coef[0]).toBeCloseTo(Math.log(e), 9);
    expect(fit.coef[0]).toBeCloseTo(0.940613641736337, 9);
    expect(fit.hazardRatio[0]).toBeCloseTo(e, 8);
  });
  it('takes SE from the information 2e/(e+1)^2 + 2e/(e+2)^2 (R: 1.240258352596783)', () => {
    const info = (2 * e) / (e + 1) ** 2 + (2 * e) / (e + 2) ** 2;
    expect(fit.se[0]).toBeCloseTo(1 / Math.sqrt(info), 8);
    expect(fit.se[0]).toBeCloseTo(1.240258352596783, 8);
  });
  it('reports the log partial likelihoods -log 24 at 0 and log(e/(2e+2)) + log(1/(e+2)) + log(e/(e+1)) at the maximum', () => {
    expect(fit.loglik[0]).toBeCloseTo(-Math.log(24), 12);
    expect(fit.loglik[1]).toBeCloseTo(Math.log(e / (2 * e + 2)) - Math.log(e + 2) + Math.log(e / (e + 1)), 12);
    expect(fit.likelihoodRatioTest.chisq).toBeCloseTo(2 * (fit.loglik[1] - fit.loglik[0]), 12);
  });
  it('does not centre a 0/1 column (as coxph) and gives x * beta as the linear predictor', () => {
    expect(fit.means[0]).toBe(0);
    expect(Array.from(fit.linearPredictors)).toEqual([fit.coef[0], 0, fit.coef[0], 0]);
  });
  it('predicts S(t | x) = exp(-H0(t) exp(x beta)) with the Breslow/Efron baseline (no ties: H0(1) = 1/(2e + 2))', () => {
    const [s] = predictCoxSurvival(fit, [0, 1], [1]);
    const h1 = 1 / (2 * Math.exp(fit.coef[0]!) + 2);
    expect(s![0]).toBeCloseTo(Math.exp(-h1), 12);
    expect(s![1]).toBeCloseTo(Math.exp(-h1 * Math.exp(fit.coef[0]!)), 12);
  });
});

describe('fitCox with two tied deaths', () => {
  // deaths at 1, 1, 2, 3 with x = 1, 0, 1, 0. At beta = 0 the Efron term for the tie is log 4 + log(4 - 2/2),
  // Breslow's 2 log 4; then log 2 at t = 2 and log 1 at t = 3.
  const data = { time: [1, 1, 2, 3], status: [1, 1, 1, 1], values: [1, 0, 1, 0], ncol: 1 };
  it('Efron: loglik(0) = -log 24, beta = log 2 (R: 0.693147180559945)', () => {
    const fit = fitCox(data, { ties: 'efron' });
    expect(fit.loglik[0]).toBeCloseTo(-Math.log(24), 12);
    expect(fit.coef[0]).toBeCloseTo(Math.log(2), 8);
  });
  it('Breslow: loglik(0) = -2 log 4 - log 2', () => {
    const fit = fitCox(data, { ties: 'breslow' });
    expect(fit.loglik[0]).toBeCloseTo(-2 * Math.log(4) - Math.log(2), 12);
  });
  it('baseline hazard at eta = 0: Efron 1/4 + 1/3 for the tie (Fleming-Harrington), Breslow 2/4', () => {
    const eta = [0, 0, 0, 0];
    expect(baselineCumulativeHazard(data.time, data.status, eta, 'efron').cumulativeHazard[0]).toBeCloseTo(1 / 4 + 1 / 3, 15);
    expect(baselineCumulativeHazard(data.time, data.status, eta, 'breslow').cumulativeHazard[0]).toBeCloseTo(0.5, 15);
  });
});

describe('fitCox input errors', () => {
  it('names a constant covariate', () => {
    expect(() => fitCox({ time: [1, 2, 3], status: [1, 1, 0], values: [1, 1, 1], ncol: 1, names: ['age'] })).toThrow('covariate "age" is collinear with the others or constant');
  });
  it('refuses data without events and mismatched shapes', () => {
    expect(() => fitCox({ time: [1, 2], status: [0, 0], values: [1, 2], ncol: 1 })).toThrow('no events');
    expect(() => fitCox({ time: [1, 2], status: [1, 0], values: [1, 2, 3], ncol: 1 })).toThrow('values has 3 entries, expected n * ncol = 2 * 1');
  });
});
