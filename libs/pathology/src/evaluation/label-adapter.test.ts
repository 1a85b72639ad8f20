import { describe, expect, it } from 'vitest';
import type { Finding } from '../extract/finding';
import { predictionsOf, predictionsOfFinding } from './label-adapter';

const grade = (value: Finding<'grade'>['value']): Finding =>
  ({ id: 0, kind: 'grade', value, span: { start: 0, end: 5 }, section: 'diagnosis', sectionIndex: 0, source: 'prose', context: { negated: false, uncertain: false, historical: false, hypothetical: false, experiencer: 'patient' }, contextTriggers: [], key: 'grade' }) as Finding;

describe('grade labels (the labelling guideline)', () => {
  it('uses a stated G / Nottingham number before the two-tier term, and the two-tier term before differentiation', () => {
    expect(predictionsOfFinding(grade({ grade: 2, system: 'G', differentiation: 'moderately', twoTier: 'low' }))[0]?.value).toBe('G2');
    expect(predictionsOfFinding(grade({ grade: 2, differentiation: 'moderately', twoTier: 'low' }))[0]?.value).toBe('low');
    expect(predictionsOfFinding(grade({ grade: 3, differentiation: 'poorly' }))[0]?.value).toBe('G3');
  });
});

const finding = <K extends Finding['kind']>(kind: K, value: Finding<K>['value'], section: Finding['section'] = 'diagnosis'): Finding =>
  ({ id: 0, kind, value, span: { start: 0, end: 5 }, section, sectionIndex: 0, source: 'prose', context: { negated: false, uncertain: false, historical: false, hypothetical: false, experiencer: 'patient' }, contextTriggers: [], key: kind }) as Finding;

describe('gene alteration, margin distance and in-situ labels (session 7, round 1)', () => {
  it('names fusions as rearrangement and an unspecified alteration by the gene (fusion gene or not)', () => {
    expect(predictionsOfFinding(finding('gene-alteration', { gene: 'ROS1', alteration: 'fusion', detected: false }))[0]?.value).toEqual({ gene: 'ROS1', alteration: 'rearrangement' });
    expect(predictionsOfFinding(finding('gene-alteration', { gene: 'ALK', alteration: 'EML4::ALK fusion', detected: true }))[0]?.value).toEqual({ gene: 'ALK', alteration: 'rearrangement' });
    expect(predictionsOfFinding(finding('gene-alteration', { gene: 'RET', alteration: 'alteration', detected: false }))[0]?.value).toEqual({ gene: 'RET', alteration: 'rearrangement' });
    expect(predictionsOfFinding(finding('gene-alteration', { gene: 'BRAF', alteration: 'alteration', detected: false }))[0]?.value).toEqual({ gene: 'BRAF', alteration: 'mutation' });
    expect(predictionsOfFinding(finding('gene-alteration', { gene: 'BRCA2', alteration: 'pathogenic variant', detected: true }))[0]?.value).toEqual({ gene: 'BRCA2', alteration: 'pathogenic variant' });
  });
  it('gives no margin distance for a lower bound ("> 10 mm"), one for "< 1 mm"', () => {
    expect(predictionsOfFinding(finding('margin', { distanceMm: 10, closestDistanceComparator: '>' }))).toEqual([]);
    expect(predictionsOfFinding(finding('margin', { closestDistanceMm: 1, closestDistanceComparator: '<' })).map((p) => p.value)).toEqual([1]);
  });
  it('drops an in-situ component beside an invasive type of the specimen, not beside one named only in the history', () => {
    const inSitu = { ...finding('histologic-type', { name: 'melanoma in situ', behavior: 'in situ' }), id: 1 } as Finding;
    expect(predictionsOf([finding('histologic-type', { name: 'invasive melanoma', behavior: 'invasive' }), inSitu]).map((p) => p.value)).toEqual(['invasive melanoma']);
    expect(predictionsOf([finding('histologic-type', { name: 'melanoma' }, 'clinical-history'), inSitu]).map((p) => p.value)).toEqual(['melanoma', 'melanoma in situ']);
  });
});

describe('past procedures (session 8, round 3: the guideline\'s rule C4)', () => {
  it('labels a past procedure of the patient (historical), not a past specimen nor a relative\'s procedure', () => {
    const past = (kind: 'procedure' | 'specimen', experiencer: 'patient' | 'other' = 'patient'): Finding =>
      ({ ...finding(kind, kind === 'procedure' ? { procedure: 'lumpectomy' } : { description: 'right breast' }, 'clinical-history'), context: { negated: false, uncertain: false, historical: experiencer === 'patient', hypothetical: false, experiencer } }) as Finding;
    expect(predictionsOf([past('procedure')]).map((p) => [p.field, p.value])).toEqual([['procedure', 'lumpectomy']]);
    expect(predictionsOf([past('specimen')])).toEqual([]);
    expect(predictionsOf([past('procedure', 'other')])).toEqual([]);
  });
});

describe('results that name no specific change (session 8, round 3: the guideline\'s rule C5)', () => {
  const value = (gene: string, alteration: string | undefined) => predictionsOfFinding(finding('gene-alteration', { gene, ...(alteration ? { alteration } : {}), detected: false }))[0]?.value;
  it('values them by the gene: rearrangement, pathogenic variant (hereditary genes, germline results) or mutation', () => {
    expect(value('MSH6', 'germline variant')).toEqual({ gene: 'MSH6', alteration: 'pathogenic variant' });
    expect(value('BRCA2', 'mutation')).toEqual({ gene: 'BRCA2', alteration: 'pathogenic variant' });
    expect(value('TP53', 'germline variant')).toEqual({ gene: 'TP53', alteration: 'pathogenic variant' });
    expect(value('POLE', 'pathogenic variant')).toEqual({ gene: 'POLE', alteration: 'mutation' });
    expect(value('KRAS', 'exon 2 mutation')).toEqual({ gene: 'KRAS', alteration: 'mutation' });
    expect(value('RET', undefined)).toEqual({ gene: 'RET', alteration: 'rearrangement' });
    // a specific change keeps its name
    expect(value('EGFR', 'exon 19 deletion')).toEqual({ gene: 'EGFR', alteration: 'exon 19 deletion' });
    expect(value('MLH1', 'promoter hypermethylation')).toEqual({ gene: 'MLH1', alteration: 'promoter hypermethylation' });
  });
});

describe('clinical stage (session 9: the guideline\'s rule C8)', () => {
  it('labels pathologic categories (p, yp, rp) in pT/pN/pM, and no clinical one ("cT3b N1": the N takes the c)', () => {
    const tnm = (category: 'T' | 'N' | 'M', prefix: string, code: string) => finding('tnm', { category, prefix, code: `${category}${code}`, stated: `${prefix}${category}${code}` });
    expect(predictionsOf([tnm('T', 'p', '2'), tnm('N', 'yp', '1a'), tnm('T', 'rp', '3')]).map((p) => [p.field, p.value])).toEqual([['pT', 'pT2'], ['pN', 'ypN1a'], ['pT', 'rpT3']]);
    expect(predictionsOf([tnm('T', 'c', '3b'), tnm('N', 'c', '1'), tnm('M', 'c', '0'), tnm('T', 'yc', '2')])).toEqual([]);
  });
});
