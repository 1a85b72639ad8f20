import { describe, expect, it } from 'vitest';
import { loadDefaultLexicon } from './lexicon';
import { mayHoldPhrase, phraseFilter, tokenize } from './tokens';

// ConText skips tokenizing a sentence the phrase filter rejects, so the filter must never miss a phrase that
// tokenize + the lexicon's token match would find (false positives only cost time).
describe('phraseFilter / mayHoldPhrase: the pre-check before ConText tags a sentence', () => {
  const filter = phraseFilter([['no'], ['history', 'of'], ['can', 'not', 'be', 'excluded']]);
  const holds = (s: string) => mayHoldPhrase(s, 0, s.length, filter);

  it('finds one-word and multi-word phrases in any case, with punctuation and curly apostrophes around', () => {
    expect(holds('No lymphovascular invasion.')).toBe(true);
    expect(holds('Patient with a HISTORY OF melanoma')).toBe(true);
    expect(holds('Invasion can not be excluded')).toBe(true);
    expect(holds('(no) residual tumour')).toBe(true);
  });

  it('rejects a sentence without any phrase, and a multi-word phrase whose words are not adjacent', () => {
    expect(holds('Margins are widely clear of tumour.')).toBe(false);
    expect(holds('history: of note')).toBe(false);
    expect(holds('nothing')).toBe(false);
  });

  it('never rejects a sentence holding a default-lexicon trigger (every rule, written as its tokens)', () => {
    const lexicon = loadDefaultLexicon();
    const all = phraseFilter(lexicon.rules.map((r) => r.tokens));
    for (const rule of lexicon.rules) {
      const sentence = `Tumour ${rule.tokens.join(' ')} seen.`;
      expect(tokenize(sentence).length).toBeGreaterThan(2);
      expect(mayHoldPhrase(sentence, 0, sentence.length, all), rule.tokens.join(' ')).toBe(true);
      const upper = sentence.toUpperCase();
      expect(mayHoldPhrase(upper, 0, upper.length, all), upper).toBe(true);
    }
  });
});
