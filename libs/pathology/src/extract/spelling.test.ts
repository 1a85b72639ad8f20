import { describe, expect, it } from 'vitest';
import { extractFindings } from './extract-findings';
import { correctSpelling, editDistance, keywordFor } from './spelling';

describe('typo-tolerant keywords', () => {
  it('reads a word one edit (two for long words) from a keyword as the keyword, case kept', () => {
    expect(keywordFor('lymphovasclar')).toBe('lymphovascular');
    expect(keywordFor('Perinueral')).toBe('perineural');
    expect(keywordFor('adenocarcinomma')).toBe('adenocarcinoma');
    expect(keywordFor('Gleasen')).toBe('gleason');
    expect(editDistance('recpetor', 'receptor')).toBe(1);
  });

  it('leaves keywords, their plurals, short words and unrelated words alone', () => {
    for (const w of ['carcinomas', 'invasion', 'invasive', 'margins', 'negatives', 'lobular', 'nodes', 'mitotic', 'specimen']) expect(keywordFor(w)).toBeUndefined();
  });

  it('maps offsets of the corrected text back to the verbatim text', () => {
    const text = 'Focal lymphovasclar invasion; perineural invasion absent.';
    const c = correctSpelling(text);
    expect(c.text).toBe('Focal lymphovascular invasion; perineural invasion absent.');
    const at = c.text.indexOf('invasion');
    expect(text.slice(c.toOriginal(at), c.toOriginal(at + 8))).toBe('invasion');
    expect(text.slice(c.toOriginal(c.text.indexOf('lymphovascular')), c.toOriginal(c.text.indexOf('lymphovascular') + 14))).toBe('lymphovasclar');
  });

  it('extracts through a typo; the span is the verbatim (misspelled) words', () => {
    const text = 'DIAGNOSIS:\nInfiltrating ductal carcinomma, moderately diferentiated.\nLymphovasclar invasion is not identified.\n';
    const report = extractFindings(text);
    const type = report.findings.find((f) => f.kind === 'histologic-type')!;
    expect(text.slice(type.span.start, type.span.end)).toBe('Infiltrating ductal carcinomma');
    expect(type.value).toMatchObject({ name: 'infiltrating ductal carcinoma' });
    const grade = report.findings.find((f) => f.kind === 'grade')!;
    expect(grade.value).toMatchObject({ grade: 2, differentiation: 'moderately' });
    const lvi = report.findings.find((f) => f.kind === 'lymphovascular-invasion')!;
    expect(text.slice(lvi.span.start, lvi.span.end)).toBe('Lymphovasclar invasion is not identified');
    expect(lvi.context.negated).toBe(true);
    expect(report.text).toBe(text);
  });
});
