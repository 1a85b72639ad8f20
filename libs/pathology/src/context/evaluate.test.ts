import { describe, expect, it } from 'vitest';
import { ContextKitError, evaluateContextKit, formatKitEvaluation, parseContextKit } from './evaluate';

// A synthetic kit in the genConText test-kit format (the real kit is chapmanbe/negex rsAnnotations-1-120-random.txt).
const KIT = [
  'line number\tCondition\tsentence\tnegation_status\ttemporality\texperiencer',
  '1\tedema\tExtremities reveal no cyanosis or EDEMA.\tNegated\tRecent\tPatient',
  '2\tlymphovascular invasion\tLYMPHOVASCULAR INVASION is present.\tAffirmed\tRecent\tPatient',
  '3\tbreast cancer\tHistory of BREAST CANCER.\tAffirmed\tHistorical\tPatient',
  '4\tfever\tCall if you develop FEVER.\tAffirmed\tNot particular\tPatient',
  '5\tovarian cancer\tFamily history of OVARIAN CANCER.\tAffirmed\tHistorical\tOther',
  '6\tcarcinoma\tSuspicious for CARCINOMA.\tPossible\tRecent\tPatient',
  // row 7 is labelled "Negated" on purpose (the margin is affirmed): it checks that a miss counts as FN
  '7\tmargin\tDeep MARGIN is involved but no carcinoma.\tNegated\tRecent\tPatient',
  '8\tpneumothorax\tNo effusion.\tNegated\tRecent\tPatient',
].join('\n');

describe('evaluateContextKit', () => {
  it('scores each category against the kit', () => {
    const e = evaluateContextKit(parseContextKit(KIT));
    expect(e.rows).toBe(8);
    expect(e.unmatched).toEqual([8]);
    const by = Object.fromEntries(e.scores.map((s) => [s.category, [s.tp, s.fp, s.fn]]));
    expect(by).toEqual({ negated: [1, 0, 1], possible: [1, 0, 0], historical: [2, 0, 0], hypothetical: [1, 0, 0], other: [1, 0, 0] });
    expect(formatKitEvaluation(e).split('\n')[2]).toBe('negated         1     0     1      1.000   0.500  0.667');
  });

  it('names the line of a malformed kit row', () => {
    expect(() => parseContextKit('header\n1\tx\tX.\tMaybe\tRecent\tPatient', 'kit.tsv')).toThrow(new ContextKitError('kit.tsv:2: negation: expected Affirmed, Negated or Possible, found "Maybe"'));
    expect(() => parseContextKit('header\n1\tx', 'kit.tsv')).toThrow('kit.tsv:2: expected 6 tab-separated columns, found 2');
  });
});
