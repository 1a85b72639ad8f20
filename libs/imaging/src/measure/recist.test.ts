import { describe, expect, it } from 'vitest';
import { recistResponse, type RecistTimepoint } from './recist';

const tp = (date: string, d: Record<string, number | null>, opts: { nodes?: string[]; newLesions?: boolean } = {}): RecistTimepoint => ({
  date,
  newLesions: opts.newLesions ?? false,
  targets: Object.entries(d).map(([id, v]) =>
    opts.nodes?.includes(id) ? { id, isLymphNode: true, shortAxisMm: v } : { id, longestDiameterMm: v }),
});

describe('recistResponse (RECIST 1.1)', () => {
  it('textbook sequence: SD → PR → PR → PD against the nadir, with a nodal target by short axis', () => {
    const nodes = ['N1'];
    const r = recistResponse([
      tp('2025-01-01', { T1: 30, T2: 20, N1: 15 }, { nodes }),
      tp('2025-03-01', { T1: 20, T2: 15, N1: 12 }, { nodes }), // 47: −27.7%
      tp('2025-05-01', { T1: 15, T2: 10, N1: 10 }, { nodes }), // 35: −46%
      tp('2025-07-01', { T1: 18, T2: 12, N1: 11 }, { nodes }), // 41: +6 mm, +17% vs nadir; −37% vs baseline → PR
      tp('2025-09-01', { T1: 20, T2: 13, N1: 11 }, { nodes }), // 44: +9 mm, +25.7% vs nadir 35
    ]);
    expect(r.map((x) => x.response)).toEqual(['BASELINE', 'SD', 'PR', 'PR', 'PD']);
    expect(r.map((x) => x.sumMm)).toEqual([65, 47, 35, 41, 44]);
    expect(r[1]!.changeFromBaselinePct).toBeCloseTo(-27.69, 2);
    expect(r.map((x) => x.nadirMm)).toEqual([null, 65, 47, 35, 35]);
    expect(r[4]!.changeFromNadirPct).toBeCloseTo(25.71, 2);
    expect(r[4]!.reasons[0]).toMatch(/≥20% and ≥5 mm above nadir 35 mm/);
  });

  it('applies the 5 mm absolute rule: a large relative increase of small lesions is not PD until ≥ 5 mm', () => {
    const r = recistResponse([
      tp('2025-01-01', { T1: 10, T2: 8 }), // 18
      tp('2025-02-01', { T1: 0, T2: 4 }), // 4: −78% → PR, nadir 4
      tp('2025-03-01', { T1: 2, T2: 5 }), // 7: +75% but +3 mm → still PR vs baseline
      tp('2025-04-01', { T1: 0, T2: 9 }), // 9: +5 mm, +125% → PD
    ]);
    expect(r.map((x) => x.response)).toEqual(['BASELINE', 'PR', 'PR', 'PD']);
    expect(r[2]!.changeFromNadirMm).toBe(3);
    expect(r[3]!.changeFromNadirMm).toBe(5);
  });

  it('growth from the nadir short of PD but within 30% of baseline is SD', () => {
    const r = recistResponse([
      tp('2025-01-01', { T1: 50 }),
      tp('2025-02-01', { T1: 30 }), // −40% → PR, nadir 30
      tp('2025-03-01', { T1: 35 }), // −30% from baseline → PR (≤ −30% inclusive)
      tp('2025-04-01', { T1: 35.5 }), // −29% from baseline, +18% from nadir → SD
    ]);
    expect(r.map((x) => x.response)).toEqual(['BASELINE', 'PR', 'PR', 'SD']);
    const continuing = recistResponse([
      tp('2025-01-01', { T1: 50 }), tp('2025-02-01', { T1: 30 }), tp('2025-03-01', { T1: 35 }), tp('2025-04-01', { T1: 35.5 }), tp('2025-05-01', { T1: 36 }),
    ], { continuePartialResponse: true });
    expect(continuing.map((x) => x.response)).toEqual(['BASELINE', 'PR', 'PR', 'PR', 'PD']);
  });

  it('uses the baseline as nadir when the disease only grows (20% needed, not just 5 mm)', () => {
    const r = recistResponse([
      tp('2025-01-01', { T1: 50 }),
      tp('2025-02-01', { T1: 59 }), // +9 mm, +18% → SD
      tp('2025-03-01', { T1: 60 }), // +10 mm, +20% → PD
    ]);
    expect(r.map((x) => x.response)).toEqual(['BASELINE', 'SD', 'PD']);
  });

  it('CR needs non-nodal targets gone and nodes < 10 mm short axis (sum may be > 0); reappearance after CR is PD', () => {
    const nodes = ['N1'];
    const r = recistResponse([
      tp('2025-01-01', { T1: 25, N1: 20 }, { nodes }),
      tp('2025-02-01', { T1: 0, N1: 10 }, { nodes }), // node not yet normal → PR (−71%)
      tp('2025-03-01', { T1: 0, N1: 8 }, { nodes }), // CR with sum 8
      tp('2025-04-01', { T1: 0, N1: 9 }, { nodes }), // still CR
      tp('2025-05-01', { T1: 3, N1: 8 }, { nodes }), // reappearance → PD
    ]);
    expect(r.map((x) => x.response)).toEqual(['BASELINE', 'PR', 'CR', 'CR', 'PD']);
    expect(r[2]!.sumMm).toBe(8);
    expect(r[4]!.reasons).toContain('non-nodal target reappeared after CR');
  });

  it('new lesions are PD regardless of shrinkage; unmeasured targets give NE unless PD is already met', () => {
    const r = recistResponse([
      tp('2025-01-01', { T1: 40, T2: 30 }),
      tp('2025-02-01', { T1: 20, T2: 10 }, { newLesions: true }),
      tp('2025-03-01', { T1: 20, T2: null }),
      tp('2025-04-01', { T1: 80, T2: null }),
    ]);
    expect(r.map((x) => x.response)).toEqual(['BASELINE', 'PD', 'NE', 'PD']);
    expect(r[1]!.reasons).toContain('new lesion(s)');
    expect(r[2]!.missingTargets).toEqual(['T2']);
    expect(r[3]!.nadirMm).toBe(30); // the partial sum at the NE visit did not lower the nadir
  });

  it('rejects invalid input with messages naming the argument', () => {
    expect(() => recistResponse([])).toThrow(/timepoints expected a non-empty array/);
    expect(() => recistResponse([tp('2025-01-01', { T1: 10 }), tp('2024-01-01', { T1: 10 })])).toThrow(/timepoints\[1\]\.date expected chronological order/);
    expect(() => recistResponse([tp('not a date', { T1: 10 })])).toThrow(/timepoints\[0\]\.date expected an ISO date/);
    expect(() => recistResponse([tp('2025-01-01', { T1: 10 }), tp('2025-02-01', { T9: 10 })])).toThrow(/timepoints\[1\]\.targets\[0\]\.id expected one of the baseline target ids \(T1\)/);
    expect(() => recistResponse([tp('2025-01-01', { T1: -3 })])).toThrow(/timepoints\[0\]\.targets\[0\]\.longestDiameterMm expected a finite number of mm ≥ 0/);
    expect(() => recistResponse([tp('2025-01-01', { T1: null })])).toThrow(/expected a baseline measurement/);
  });
});
