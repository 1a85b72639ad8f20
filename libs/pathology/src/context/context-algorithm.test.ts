import { describe, expect, it } from 'vitest';
import { ConTextAnalyzer, assessContext } from './context-algorithm';
import { loadDefaultLexicon } from './lexicon';
import { splitSentences } from './sentences';

/** Context of the (first) occurrence of `target` in `sentence`. */
function ctx(sentence: string, target: string, analyzer?: ConTextAnalyzer) {
  const start = sentence.indexOf(target);
  if (start < 0) throw new Error(`test setup: "${target}" not in "${sentence}"`);
  const span = { start, end: start + target.length };
  return analyzer ? analyzer.assess(sentence, span) : assessContext(sentence, span);
}
const flags = (c: ReturnType<typeof ctx>) => ({ negated: c.negated, uncertain: c.uncertain, historical: c.historical, hypothetical: c.hypothetical, experiencer: c.experiencer });
const AFFIRMED = { negated: false, uncertain: false, historical: false, hypothetical: false, experiencer: 'patient' };

describe('the default lexicon', () => {
  it('holds every NegEx and genConText trigger line, medspaCy possible-existence rules and the named pyConTextNLP rows', () => {
    const { rules } = loadDefaultLexicon();
    const by = (source: string) => rules.filter((r) => r.source === source).length;
    // 272 NegEx lines, minus the one exact duplicate phrase in a pass (none in NegEx itself)
    expect(rules.filter((r) => r.source.startsWith('negex_triggers.txt')).length).toBe(272);
    expect(by('negex_triggers.txt:[PREN]')).toBe(125);
    expect(by('negex_triggers.txt:[POST]')).toBe(7);
    expect(by('negex_triggers.txt:[PREP]')).toBe(21);
    expect(by('negex_triggers.txt:[POSP]')).toBe(14);
    expect(by('negex_triggers.txt:[PSEU]')).toBe(16);
    expect(by('negex_triggers.txt:[CONJ]')).toBe(89);
    expect(by('history_triggers.txt:[ONEW]')).toBe(4);
    expect(rules.filter((r) => r.source.startsWith('pyConTextNLP')).map((r) => r.phrase)).toContain('cannot be excluded');
    expect(rules.find((r) => r.phrase === 'suspicious for')).toMatchObject({ pass: 'negation', category: 'uncertain', direction: 'forward', source: 'medspacy:POSSIBLE_EXISTENCE' });
  });
});

describe('NegEx / ConText: the classic examples', () => {
  it('negates with a pre-negation trigger to the end of the sentence', () => {
    const c = ctx('The patient denies chest pain.', 'chest pain');
    expect(flags(c)).toEqual({ ...AFFIRMED, negated: true });
    expect(c.triggers).toEqual([
      { category: 'negated', phrase: 'denies', direction: 'forward', span: { start: 12, end: 18 }, scope: { start: 19, end: 30 }, source: 'negex_triggers.txt:[PREN]' },
    ]);
  });

  it('reaches across a list: "No fever, chills or night sweats."', () => {
    expect(ctx('No fever, chills or night sweats.', 'night sweats').negated).toBe(true);
    expect(ctx('No fever, chills or night sweats.', 'fever').negated).toBe(true);
  });

  it('stops at a termination term: "No fever but cough is present."', () => {
    expect(ctx('No fever but cough is present.', 'fever').negated).toBe(true);
    expect(ctx('No fever but cough is present.', 'cough').negated).toBe(false);
  });

  it('skips pseudo-triggers: "no increase", "gram negative"', () => {
    expect(flags(ctx('No increase in the size of the mass.', 'mass'))).toEqual(AFFIRMED);
    expect(flags(ctx('Gram negative rods were seen.', 'rods'))).toEqual(AFFIRMED);
  });

  it('negates with a post-negation trigger: "Pneumonia was ruled out."', () => {
    const c = ctx('Pneumonia was ruled out.', 'Pneumonia');
    expect(c.negated).toBe(true);
    expect(c.triggers[0]).toMatchObject({ phrase: 'was ruled out', direction: 'backward', span: { start: 10, end: 23 } });
  });

  it('marks possible with [PREP] / [POSP]: "Rule out pneumonia.", "Pneumonia could be ruled out."', () => {
    expect(flags(ctx('Rule out pneumonia.', 'pneumonia'))).toEqual({ ...AFFIRMED, uncertain: true });
    expect(flags(ctx('Pneumonia could be ruled out.', 'Pneumonia'))).toEqual({ ...AFFIRMED, uncertain: true });
  });

  it('finds historical, hypothetical and other-experiencer conditions', () => {
    expect(flags(ctx('History of breast cancer.', 'breast cancer'))).toEqual({ ...AFFIRMED, historical: true });
    expect(flags(ctx('She should return if she develops fever.', 'fever'))).toEqual({ ...AFFIRMED, hypothetical: true });
    expect(ctx('Family history of ovarian cancer.', 'ovarian cancer').experiencer).toBe('other');
    expect(ctx("Her mother's breast cancer was diagnosed at 45.", 'breast cancer').experiencer).toBe('other');
  });

  it('limits [ONEW] historical triggers to the next word or two', () => {
    expect(ctx('Status post lumpectomy for invasive ductal carcinoma.', 'lumpectomy').historical).toBe(true);
    expect(ctx('Status post lumpectomy for invasive ductal carcinoma.', 'invasive ductal carcinoma').historical).toBe(false);
  });

  it('uses the NegEx 5-word window only when asked', () => {
    const sentence = 'No sign of the large poorly defined irregular pneumonia.';
    expect(ctx(sentence, 'pneumonia').negated).toBe(true);
    expect(ctx(sentence, 'pneumonia', new ConTextAnalyzer(undefined, { window: 5 })).negated).toBe(false);
    expect(ctx(sentence, 'large', new ConTextAnalyzer(undefined, { window: 5 })).negated).toBe(true);
  });
});

describe('ConText on pathology-report sentences', () => {
  it('negates "No lymphovascular invasion is identified."', () => {
    const c = ctx('No lymphovascular invasion is identified.', 'lymphovascular invasion');
    expect(flags(c)).toEqual({ ...AFFIRMED, negated: true });
    expect(c.triggers.map((t) => t.phrase)).toEqual(['no']);
  });

  it('negates "Six lymph nodes, negative for carcinoma (0/6)."', () => {
    const c = ctx('Six lymph nodes, negative for carcinoma (0/6).', 'carcinoma');
    expect(c.negated).toBe(true);
    expect(c.triggers[0]).toMatchObject({ phrase: 'negative for', span: { start: 17, end: 29 }, scope: { start: 30, end: 44 } });
  });

  it('is uncertain for "suspicious for" and "cannot be excluded"', () => {
    expect(flags(ctx('Focus suspicious for lymphovascular invasion.', 'lymphovascular invasion'))).toEqual({ ...AFFIRMED, uncertain: true });
    const c = ctx('Microinvasion cannot be excluded.', 'Microinvasion');
    expect(flags(c)).toEqual({ ...AFFIRMED, uncertain: true });
    expect(c.triggers[0]).toMatchObject({ phrase: 'cannot be excluded', direction: 'backward', source: 'pyConTextNLP:AMBIVALENT_EXISTENCE' });
  });

  it('does not carry a negation past ":" (genConText punctuation terminator) or ";"', () => {
    expect(ctx('No perineural invasion; lymphovascular invasion present.', 'lymphovascular invasion').negated).toBe(false);
    const text = 'Perineural invasion: present';
    expect(ctx(text, 'Perineural invasion').negated).toBe(false);
  });

  it('does not take the target\'s own words as triggers', () => {
    expect(ctx('Triple negative breast carcinoma.', 'Triple negative breast carcinoma').negated).toBe(false);
  });

  it('scopes within one sentence of a longer text', () => {
    const text = 'FINAL DIAGNOSIS:\nInvasive ductal carcinoma.\nNo carcinoma in situ is seen.';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => text.slice(s.start, s.end))).toEqual(['FINAL DIAGNOSIS:', 'Invasive ductal carcinoma.', 'No carcinoma in situ is seen.']);
    expect(ctx(text, 'Invasive ductal carcinoma').negated).toBe(false);
    expect(ctx(text, 'carcinoma in situ').negated).toBe(true);
  });
});

describe('splitSentences', () => {
  it('keeps decimals, abbreviations and part labels, joins wrapped lines, splits at ";"', () => {
    const text = 'A. Left breast, core biopsy: tumor measures 1.5 cm, approx. as seen on\nimaging; margin clear. Next line\nHER2: 1+';
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual([
      'A. Left breast, core biopsy: tumor measures 1.5 cm, approx. as seen on\nimaging;',
      'margin clear.',
      'Next line',
      'HER2: 1+',
    ]);
  });
  it('does not end a sentence at "incl." / "excl." (session 9: "Whole tumour size (incl. DCIS) ...... 37 mm")', () => {
    const text = 'Whole tumour size (incl. DCIS) ...... 37 mm. Size excl. DCIS 22 mm.';
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual(['Whole tumour size (incl. DCIS) ...... 37 mm.', 'Size excl. DCIS 22 mm.']);
  });
});

describe('lexicon parsing', () => {
  it('names the file and line of a malformed trigger line', async () => {
    const { parseTriggerFile, parsePyContextRows, expandMedspacyPattern } = await import('./lexicon');
    expect(() => parseTriggerFile('no\t\t[PREN]\r\nbroken line\r\n', 'x.txt', 'negation', 'negated')).toThrow('x.txt:2: expected "phrase<TAB><TAB>[TAG]"');
    expect(() => parseTriggerFile('no\t\t[ABCD]\n', 'x.txt', 'negation', 'negated')).toThrow('x.txt:1: unknown tag [ABCD]');
    expect(() => parsePyContextRows('Lex\tType\n', 'kb.tsv', [{ lex: 'cannot be excluded', type: 'AMBIVALENT_EXISTENCE' }])).toThrow('kb.tsv: expected a row "cannot be excluded" of type AMBIVALENT_EXISTENCE, found none');
    expect(expandMedspacyPattern({ category: 'POSSIBLE_EXISTENCE', literal: 'rule out', direction: 'FORWARD', pattern: [{ LOWER: 'rule' }, { LOWER: { IN: ['him', 'her'] }, OP: '?' }, { LOWER: 'out' }] })).toEqual(['rule out', 'rule him out', 'rule her out']);
  });
});

describe('pathology triggers (session 8, round 3)', () => {
  it('marks what "is recommended" hypothetical and what is "not feasible" negated (backward triggers)', () => {
    expect(flags(ctx('Wide local excision with 1 cm margins and sentinel node biopsy are recommended.', 'Wide local excision'))).toEqual({ ...AFFIRMED, hypothetical: true });
    expect(flags(ctx('Germline testing is recommended.', 'Germline testing'))).toEqual({ ...AFFIRMED, hypothetical: true });
    expect(flags(ctx('Poor pulmonary reserve; lobectomy not feasible.', 'lobectomy'))).toEqual({ ...AFFIRMED, negated: true });
  });
});

describe('pathology triggers (session 9)', () => {
  it('reads "not diagnostic of" as uncertain, not negated; a plain "not" still negates', () => {
    expect(flags(ctx('Atypical small acinar proliferation (ASAP), suspicious for but not diagnostic of carcinoma.', 'carcinoma'))).toEqual({ ...AFFIRMED, uncertain: true });
    expect(flags(ctx('The atypical glands are not diagnostic of adenocarcinoma.', 'adenocarcinoma'))).toEqual({ ...AFFIRMED, uncertain: true });
    expect(flags(ctx('The glands are not atypical and show no carcinoma.', 'carcinoma'))).toEqual({ ...AFFIRMED, negated: true });
  });
  it('reads the hedges of a differential: "cannot be entirely excluded", "favors", "vs" / "versus" (both sides)', () => {
    expect(flags(ctx('Phyllodes tumor cannot be entirely excluded on core biopsy.', 'Phyllodes tumor'))).toEqual({ ...AFFIRMED, uncertain: true });
    expect(flags(ctx('The immunoprofile favors metaplastic carcinoma.', 'metaplastic carcinoma'))).toEqual({ ...AFFIRMED, uncertain: true });
    expect(flags(ctx('Clinical impression lentigo maligna vs lentigo maligna melanoma.', 'lentigo maligna melanoma'))).toEqual({ ...AFFIRMED, uncertain: true });
    expect(flags(ctx('Recurrence versus new primary carcinoma.', 'Recurrence'))).toEqual({ ...AFFIRMED, uncertain: true });
  });
  it('reads "Negative for:" with its list, "argues against", "not confirmed" and "is absent" as denials', () => {
    expect(flags(ctx('Negative for: EGFR, KRAS, BRAF, ERBB2 mutations.', 'KRAS'))).toEqual({ ...AFFIRMED, negated: true });
    expect(flags(ctx('NKX3.1 and PSA negative (argues against metastatic prostatic carcinoma).', 'prostatic carcinoma'))).toEqual({ ...AFFIRMED, negated: true });
    expect(flags(ctx('No tumour within lymphatic spaces; lymphovascular invasion not confirmed.', 'lymphovascular invasion'))).toEqual({ ...AFFIRMED, negated: true });
    expect(flags(ctx('Perineural invasion is absent.', 'Perineural invasion'))).toEqual({ ...AFFIRMED, negated: true });
  });
});
