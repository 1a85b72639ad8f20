import { describe, expect, it } from 'vitest';
import { patientSearchText, patientSortName, queryWords, stageQueryPattern, stageSearchText } from './search-terms';

describe('search columns', () => {
  it('patient text holds names, identifiers and the id, lower-cased (Unicode)', () => {
    expect(patientSearchText('Patient/p-1', { key: 'Patient/p-1', displayName: 'ÉMILE Zola', identifiers: [{ system: 's', value: 'MRN-9' }] })).toBe('émile zola mrn-9 p-1');
    expect(patientSearchText('Patient/p-1')).toBe('p-1');
    expect(patientSortName('Patient/p-1', { key: 'Patient/p-1', family: 'Zola', given: 'Émile' })).toBe('zola, émile');
    expect(queryWords('  Jenny   MOUSE ')).toEqual(['jenny', 'mouse']);
    // LIKE wildcards and the PostgreSQL escape character become plain characters on both sides.
    expect(queryWords('50%_a\\b')).toEqual(['50\uE000\uE001a\uE002b']);
  });

  it('stage designations match their own group and sub-groups only', () => {
    const iib = stageSearchText('American Joint Committee on Cancer stage IIB (qualifier value)', '1222769001');
    const iii = stageSearchText('AJCC stage III', null);
    const binet = stageSearchText('Binet Stage B', 'C80135');
    const match = (column: string, q: string) => column.includes(stageQueryPattern(q));
    expect(match(iib, 'IIB')).toBe(true);
    expect(match(iib, 'stage 2b')).toBe(true);
    expect(match(iib, 'II')).toBe(true);
    expect(match(iii, 'II')).toBe(false);
    expect(match(iii, 'iii')).toBe(true);
    expect(match(iib, 'IIA')).toBe(false);
    expect(match(binet, 'b')).toBe(true);
    expect(match(binet, 'c80135')).toBe(true);
    expect(match(iib, 'qualifier')).toBe(true);
  });
});
