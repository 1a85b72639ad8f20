import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSections, sectionAt } from './sections';

const read = (name: string) => readFileSync(resolve(import.meta.dirname, '../fixtures', name), 'utf8');

describe('detectSections', () => {
  it('finds the headed sections of a report with offsets', () => {
    const text = read('breast-core-biopsy.txt');
    const sections = detectSections(text);
    expect(sections.map((s) => [s.kind, s.headingSpan ? text.slice(s.headingSpan.start, s.headingSpan.end) : undefined])).toEqual([
      ['header', undefined],
      ['clinical-history', 'CLINICAL HISTORY'],
      ['specimen', 'SPECIMEN'],
      ['diagnosis', 'FINAL DIAGNOSIS'],
      ['synoptic', 'SYNOPTIC REPORT'],
      ['gross', 'GROSS DESCRIPTION'],
      ['microscopic', 'MICROSCOPIC DESCRIPTION'],
      ['comment', 'COMMENT'],
    ]);
    const synoptic = sections[4]!;
    expect(text.slice(synoptic.bodySpan.start, synoptic.bodySpan.end).split('\n')[0]).toBe('Specimen: Left breast');
    expect(text.slice(synoptic.bodySpan.start, synoptic.bodySpan.end).split('\n').at(-1)).toBe('Cold Ischemia Time: Less than 1 hour');
    expect(sections.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sectionAt(sections, text.indexOf('Ki-67: 15%'))?.kind).toBe('synoptic');
  });

  it('numbers addenda and reads the date their heading states', () => {
    const text = read('breast-her2-addendum.txt');
    const addendum = detectSections(text).find((s) => s.kind === 'addendum');
    expect(addendum).toMatchObject({ ordinal: 1, date: '2026-04-18' });
    expect(text.slice(addendum!.headingSpan!.start, addendum!.headingSpan!.end)).toBe('ADDENDUM 1');
    expect(text.slice(addendum!.bodySpan.start, addendum!.bodySpan.end).split('\n')[0]).toBe('HER2 by fluorescence in situ hybridization (FISH) on block A3:');
  });

  it('takes an upper-case heading with content on the same line, but never a "Specimen:" synoptic label', () => {
    const text = 'DIAGNOSIS: Invasive carcinoma.\nSpecimen: Left breast\nComment: see note\nAddendum 2 (03/04/2026)\nHER2 FISH: Amplified';
    const sections = detectSections(text);
    expect(sections.map((s) => [s.kind, text.slice(s.bodySpan.start, s.bodySpan.end)])).toEqual([
      ['diagnosis', 'Invasive carcinoma.\nSpecimen: Left breast\nComment: see note'],
      ['addendum', 'HER2 FISH: Amplified'],
    ]);
    expect(sections[1]).toMatchObject({ ordinal: 1, date: '2026-03-04' });
  });

  it('makes a report without headings one header section', () => {
    expect(detectSections('  Invasive ductal carcinoma.  ')).toEqual([{ kind: 'header', index: 0, bodySpan: { start: 0, end: 28 }, span: { start: 0, end: 28 } }]);
    expect(detectSections('')).toEqual([]);
  });
});

describe('addendum headings with a date or a qualifier (session 9)', () => {
  it('finds "ADDENDUM 05/20/2026 — CORRECTED RESULT" and "AMENDMENT/ADDENDUM (issued 05/11/2026):"', () => {
    const kinds = (text: string) => detectSections(text).map((s) => [s.kind, s.ordinal, s.date]);
    expect(kinds('DIAGNOSIS:\nCarcinoma.\n\nADDENDUM 05/20/2026 — CORRECTED RESULT\nPD-L1 TPS: 50%.\n')).toEqual([['diagnosis', undefined, undefined], ['addendum', 1, '2026-05-20']]);
    expect(kinds('DIAGNOSIS:\nCarcinoma.\n\nAMENDMENT/ADDENDUM (issued 05/11/2026):\nPR: Positive, 7%.\n')).toEqual([['diagnosis', undefined, undefined], ['addendum', 1, '2026-05-11']]);
  });
});
