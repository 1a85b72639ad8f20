import { describe, expect, it } from 'vitest';
import { extractFindings } from '../extract/extract-findings';
import { predictionsOf, type EvalLabel, type LabelContext } from './label-adapter';
import { aggregate, scoreReport, valuesEqual } from './score-labels';

const ctx = (over: Partial<LabelContext> = {}): LabelContext => ({ negated: false, uncertain: false, historical: false, hypothetical: false, experiencer: 'patient', superseded: false, ...over });
const label = (field: EvalLabel['field'], value: EvalLabel['value'], start: number, end: number, over: Partial<LabelContext> = {}): EvalLabel => ({ field, value, start, end, context: ctx(over) });

describe('matching predictions to gold labels', () => {
  it('compares strings case-insensitively, numbers exactly, objects over the gold keys', () => {
    expect(valuesEqual('pN0(sn)', 'PN0(SN)')).toBe(true);
    expect(valuesEqual(23, 23)).toBe(true);
    expect(valuesEqual(23, 23.5)).toBe(false);
    expect(valuesEqual({ status: 'positive', percent: 90 }, { status: 'positive', percent: 90, intensity: 'strong' })).toBe(true);
    expect(valuesEqual({ status: 'positive', intensity: 'strong' }, { status: 'positive' })).toBe(false);
  });

  it('needs field, overlap and value; free-text fields by span only; one-to-one, maximum matching', () => {
    const gold = [label('nodes_positive', 2, 0, 20), label('nodes_examined', 15, 0, 20), label('specimen', 'left breast', 30, 41), label('tumor_size', 18, 50, 56)];
    const predicted = [label('nodes_examined', 15, 5, 10), label('nodes_positive', 2, 5, 10), label('specimen', 'Left breast, 2:00', 30, 48), label('tumor_size', 18, 60, 66), label('tumor_size', 18, 52, 55)];
    const score = scoreReport(gold, predicted);
    expect(score.pairs).toHaveLength(4);
    expect(score.falsePositives.map((p) => [p.field, p.start])).toEqual([['tumor_size', 60]]);
    expect(score.falseNegatives).toEqual([]);
    expect(scoreReport(gold, predicted, { strictFreeText: true }).falseNegatives.map((g) => g.field)).toEqual(['specimen']);
  });

  it('counts context agreement on matched pairs and negation recall over all negated gold labels', () => {
    const gold = [label('lymphovascular_invasion', 'present', 0, 10, { negated: true }), label('perineural_invasion', 'present', 20, 30, { negated: true })];
    const predicted = [label('lymphovascular_invasion', 'present', 0, 10, { negated: true })];
    const result = aggregate([scoreReport(gold, predicted)], [gold]);
    expect(result.overall).toMatchObject({ tp: 1, fp: 0, fn: 1 });
    expect(result.context.negated).toMatchObject({ agree: 1, total: 1, goldSet: 1, goldSetFound: 1 });
    expect(result.negatedGold).toEqual({ total: 2, matchedAndNegated: 1 });
  });
});

describe('label adapter', () => {
  it('maps findings to the label schema: absence as present + negated, node ratios to two labels, Grade Group', () => {
    const text = 'DIAGNOSIS:\nProstate, radical prostatectomy:\n- Acinar adenocarcinoma, Gleason score 3+4=7.\n- Perineural invasion is not identified.\n- Metastatic carcinoma in 1 of 12 lymph nodes.\n';
    const predictions = predictionsOf(extractFindings(text).findings);
    const by = (field: string) => predictions.filter((p) => p.field === field).map((p) => [text.slice(p.start, p.end), p.value, p.context.negated]);
    expect(by('grade')).toEqual([['Gleason score 3+4=7', 'GG2', false]]);
    expect(by('perineural_invasion')).toEqual([['Perineural invasion is not identified', 'present', true]]);
    expect(by('nodes_positive')).toEqual([['1 of 12 lymph nodes', 1, false]]);
    expect(by('nodes_examined')).toEqual([['1 of 12 lymph nodes', 12, false]]);
    expect(by('procedure')).toEqual([['radical prostatectomy', 'radical prostatectomy', false]]);
  });
});
