import { describe, expect, it } from 'vitest';
import type { Finding } from '../extract/finding';
import { predictionsOfFinding } from './label-adapter';

const grade = (value: Finding<'grade'>['value']): Finding =>
  ({ id: 0, kind: 'grade', value, span: { start: 0, end: 5 }, section: 'diagnosis', sectionIndex: 0, source: 'prose', context: { negated: false, uncertain: false, historical: false, hypothetical: false, experiencer: 'patient' }, contextTriggers: [], key: 'grade' }) as Finding;

describe('grade labels (the labelling guideline)', () => {
  it('uses a stated G / Nottingham number before the two-tier term, and the two-tier term before differentiation', () => {
    expect(predictionsOfFinding(grade({ grade: 2, system: 'G', differentiation: 'moderately', twoTier: 'low' }))[0]?.value).toBe('G2');
    expect(predictionsOfFinding(grade({ grade: 2, differentiation: 'moderately', twoTier: 'low' }))[0]?.value).toBe('low');
    expect(predictionsOfFinding(grade({ grade: 3, differentiation: 'poorly' }))[0]?.value).toBe('G3');
  });
});
