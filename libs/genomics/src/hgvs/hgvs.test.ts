import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HgvsParseError } from './cursor';
import { formatHgvs } from './format';
import { formatVariantName, parseHgvs, parseVariantName, tryParseVariantName } from './shorthand';

describe('parseHgvs: HGVS c., g., n., r., p.', () => {
  const roundTrips = [
    'NM_004333.4:c.1799T>A',
    'NP_004324.2:p.Val600Glu',
    'NC_000007.13:g.140453136A>T',
    'ENST00000275493.2:c.2235_2249del',
    'NM_005228.4(EGFR):c.2573T>G',
    'c.123+4A>G',
    'c.124-2A>G',
    'c.-12C>T',
    'c.*5G>A',
    'c.*5+3del',
    'c.88+?_923-?del',
    'c.76_77insT',
    'c.76_78delACT',
    'c.76_78del3',
    'c.112_117delinsTG',
    'c.77_79dupCTG',
    'c.203_506inv',
    'g.(100_110)_(200_210)del',
    'n.76A>T',
    'r.76a>u',
    'r.(5g>u)',
    'p.Val600Glu',
    'p.V600E',
    'p.(Val600Glu)',
    'p.Glu746_Ala750del',
    'p.E746_A750del',
    'p.Leu747_Pro753delinsSer',
    'p.Gly12Cys',
    'p.Arg273Ter',
    'p.R273*',
    'p.Gly25TrpfsTer10',
    'p.Gly25Trpfs*10',
    'p.Arg1039fs',
    'p.Ter314TrpextTer45',
    'p.Met1ValextMet-12',
    'p.Met1ext-5',
    'p.Met1?',
    'p.=',
    'p.(=)',
    'p.0',
    'p.0?',
    'p.?',
    'p.Asp770_Asn771insGlyLeu',
    'p.Ala767_Val769dup',
  ];
  it.each(roundTrips)('%s parses and formats back to itself', (s) => {
    expect(formatHgvs(parseHgvs(s))).toBe(s);
  });

  it('keeps the parts: reference, type, intronic offset, residues as one-letter codes', () => {
    const c = parseHgvs('NM_004333.4:c.1799T>A');
    expect(c).toMatchObject({ reference: 'NM_004333.4', type: 'c', posedit: { location: { kind: 'interval', start: { base: 1799, offset: 0 } }, edit: { type: 'substitution', ref: 'T', alt: 'A' } } });
    expect(parseHgvs('c.123+4A>G')).toMatchObject({ posedit: { location: { start: { datum: 'start', base: 123, offset: 4 } } } });
    expect(parseHgvs('c.*5G>A')).toMatchObject({ posedit: { location: { start: { datum: 'cds-end', base: 5, offset: 0 } } } });
    expect(parseHgvs('c.-12C>T')).toMatchObject({ posedit: { location: { start: { datum: 'start', base: -12 } } } });
    expect(parseHgvs('p.Val600Glu')).toMatchObject({ type: 'p', posedit: { kind: 'change', location: { start: { aa: 'V', pos: 600 } }, edit: { type: 'substitution', alt: 'E' } }, notation: { aminoAcids: '3' } });
    expect(parseHgvs('p.V600E')).toMatchObject({ posedit: { location: { start: { aa: 'V', pos: 600 } }, edit: { alt: 'E' } }, notation: { aminoAcids: '1', stop: '*' } });
  });

  it('formats in another notation on request', () => {
    expect(formatHgvs(parseHgvs('p.V600E'), { aminoAcids: '3' })).toBe('p.Val600Glu');
    expect(formatHgvs(parseHgvs('p.Arg273Ter'), { aminoAcids: '1', stop: '*' })).toBe('p.R273*');
    expect(formatHgvs(parseHgvs('NM_004333.4:c.1799T>A'), { omitReference: true })).toBe('c.1799T>A');
  });

  it('errors name the input, the 1-based position and what was expected', () => {
    const cases: [string, string][] = [
      ['p.Val600Glq', `"p.Val600Glq": at 9: expected '_', an amino acid, 'fs', 'ext', '?', 'delins', 'ins', 'del', 'dup' or '=', found "Glq"`],
      ['c.1799T>', `"c.1799T>": at 9: expected a nucleotide, found the end`],
      ['c.1799T>U', `"c.1799T>U": at 9: expected a nucleotide, found "U"`],
      ['NM_004333.4:x.1799T>A', `"NM_004333.4:x.1799T>A": at 13: expected 'g', 'm', 'c', 'n', 'r' or 'p', found "x.1799T>"`],
      ['p.Val600', `"p.Val600": at 9: expected '_', an amino acid, 'fs', 'ext', '?', 'delins', 'ins', 'del', 'dup' or '=', found the end`],
      // "V" is a one-letter Val, so the position number is expected next
      ['p.Vla600Glu', `"p.Vla600Glu": at 4: expected a number, found "la600Glu"`],
    ];
    for (const [input, message] of cases) {
      expect(() => parseHgvs(input), input).toThrow(new HgvsParseError(input, 0, []).constructor as typeof Error);
      try {
        parseHgvs(input);
      } catch (e) {
        expect((e as HgvsParseError).message).toBe(message);
      }
    }
  });

  it('does not mix one- and three-letter residues in one description', () => {
    expect(() => parseHgvs('p.Val600E')).toThrow(/at 9: expected/);
    // "G" reads as Gly (one-letter, as V was), then "lu" cannot follow
    expect(() => parseHgvs('p.V600Glu')).toThrow(`"p.V600Glu": at 8: expected 'fs', 'ext' or the end, found "lu"`);
  });

  it('property: any generated c. or p. description formats back to itself', () => {
    const aa1 = fc.constantFrom(...'ACDEFGHIKLMNPQRSTVWY');
    const aa3 = fc.constantFrom('Ala', 'Arg', 'Asn', 'Asp', 'Cys', 'Gln', 'Glu', 'Gly', 'His', 'Ile', 'Leu', 'Lys', 'Met', 'Phe', 'Pro', 'Ser', 'Thr', 'Trp', 'Tyr', 'Val');
    const nt = fc.constantFrom('A', 'C', 'G', 'T');
    const pos = fc.integer({ min: 1, max: 5000 });
    const cPos = fc.oneof(
      pos.map(String),
      fc.tuple(pos, fc.integer({ min: -30, max: 30 }).filter((o) => o !== 0)).map(([p, o]) => `${p}${o > 0 ? '+' : ''}${o}`),
      pos.map((p) => `-${p}`),
      pos.map((p) => `*${p}`),
    );
    const seq = fc.array(nt, { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
    const cDesc = fc.oneof(
      fc.tuple(cPos, nt, nt).map(([p, r, a]) => `c.${p}${r}>${a}`),
      fc.tuple(cPos, cPos, fc.constantFrom('del', 'dup', 'inv')).map(([a, b, e]) => `c.${a}_${b}${e}`),
      fc.tuple(cPos, cPos, seq).map(([a, b, s]) => `c.${a}_${b}ins${s}`),
      fc.tuple(cPos, cPos, seq).map(([a, b, s]) => `c.${a}_${b}delins${s}`),
    );
    const pDesc = fc.oneof(
      fc.tuple(aa3, pos, aa3).map(([r, p, a]) => `p.${r}${p}${a}`),
      fc.tuple(aa1, pos, aa1).map(([r, p, a]) => `p.${r}${p}${a}`),
      fc.tuple(aa3, pos, aa3, pos, fc.constantFrom('del', 'dup')).map(([r, p, s, q, e]) => `p.${r}${p}_${s}${p + q}${e}`),
      fc.tuple(aa3, pos, aa3, fc.integer({ min: 2, max: 80 })).map(([r, p, a, n]) => `p.${r}${p}${a}fsTer${n}`),
    );
    fc.assert(
      fc.property(fc.oneof(cDesc, pDesc), fc.constantFrom('', 'NM_000001.1:', 'NP_000001.1:'), (desc, ref) => {
        const s = ref && ref.startsWith('NP') !== desc.startsWith('p.') ? desc : ref + desc;
        expect(formatHgvs(parseHgvs(s))).toBe(s);
      }),
      { seed: 20210801, numRuns: 400 },
    );
  });
});

describe('robustness', () => {
  it('property: any text either parses or fails with HgvsParseError (never another error), quickly', () => {
    const alphabet = fc.constantFrom(...'ACGTUacgtpcgnr.:_+-*?()=>[];/ 0123456789delinsdupfsextTerValGluV600EXON'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (s) => {
        for (const parse of [parseHgvs, parseVariantName]) {
          try {
            parse(s);
          } catch (e) {
            expect(e).toBeInstanceOf(HgvsParseError);
            expect((e as HgvsParseError).index).toBeGreaterThanOrEqual(0);
            expect((e as HgvsParseError).index).toBeLessThanOrEqual(s.length);
          }
        }
      }),
      { seed: 5, numRuns: 500 },
    );
    const long = `c.${'1_'.repeat(2000)}del`;
    const t = performance.now();
    expect(() => parseHgvs(long)).toThrow(HgvsParseError);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('an empty or blank name is an error at 1', () => {
    expect(() => parseHgvs('')).toThrow(/^"": at 1: expected /);
    expect(() => parseVariantName('   ')).toThrow(/^"   ": at 4: expected /);
  });
});

describe('parseVariantName: the shorthand of reports and knowledge bases', () => {
  const canonical = [
    'V600E',
    'V600',
    'L858R',
    'G12C',
    'G12/G13',
    'E746_A750del',
    'L747_P753delinsS',
    'A767_V769dupASV',
    'D770_N771insGL',
    'R273*',
    'E55=',
    'M1?',
    'G114Vfs*45',
    'D835H/Y',
    'Y98H (c.292T>C)',
    'exon 19 deletion',
    'exon 20 insertion',
    'exon 14 skipping',
    'exon 1-3 deletion',
    'intron 9 rearrangement',
    'amplification',
    'deletion',
    'overexpression',
    'mutation',
    'loss-of-function',
    'fusion',
    'rearrangement',
    'ALK fusion',
    'EML4-ALK',
    'EML4-ALK fusion',
    'EML4::ALK fusion',
    'EML4-ALK E20;A20',
    'BCR-ABL T315I',
    'V600E and amplification',
    'NT5C2 mutation',
    'JAK2 F694L',
    'rs4149056',
    'p.Val600Glu',
    'NM_004333.4:c.1799T>A',
  ];
  it.each(canonical)('%s parses and formats back to itself', (s) => {
    expect(formatVariantName(parseVariantName(s))).toBe(s);
  });

  it('reads knowledge-base spellings and gives the canonical form', () => {
    const cases: [string, string][] = [
      ['EXON 19 DELETION', 'exon 19 deletion'],
      ['EXON 20 INSERTION', 'exon 20 insertion'],
      ['Ex19 del', 'exon 19 deletion'],
      ['AMPLIFICATION', 'amplification'],
      ['LOSS-OF-FUNCTION', 'loss-of-function'],
      ['ALK FUSIONS', 'ALK fusions'],
      ['E746_A750DEL', 'E746_A750del'],
      ['R135FSX177', 'R135fsX177'],
      ['E13FS*3', 'E13fs*3'],
      ['M774DELINSWLV', 'M774delinsWLV'],
      ['E746_T751>I', 'E746_T751delinsI'],
      ['K558NP', 'K558delinsNP'],
      ['Y98C  (c.293A>G)', 'Y98C (c.293A>G)'],
      ['EXON 14 SKIPPING MUTATION', 'exon 14 skipping'],
      ['WILDTYPE', 'wild type'],
      ['V600E/K and AMPLIFICATION', 'V600E/K and amplification'],
    ];
    for (const [input, out] of cases) expect(formatVariantName(parseVariantName(input)), input).toBe(out);
  });

  it('gives typed results', () => {
    expect(parseVariantName('V600')).toEqual({ kind: 'protein-position', positions: [{ aa: 'V', pos: 600 }], notation: { aminoAcids: '1', stop: '*' } });
    expect(parseVariantName('exon 19 deletion')).toEqual({ kind: 'exon', region: 'exon', first: 19, last: 19, effect: 'deletion' });
    expect(parseVariantName('EML4-ALK fusion')).toEqual({ kind: 'fusion', fivePrime: 'EML4', threePrime: 'ALK', word: 'fusion' });
    expect(parseVariantName('amplification')).toEqual({ kind: 'category', category: 'amplification' });
    expect(parseVariantName('E746_A750del')).toMatchObject({
      kind: 'protein-change',
      change: { location: { start: { aa: 'E', pos: 746 }, end: { aa: 'A', pos: 750 } }, edit: { type: 'deletion' } },
    });
  });

  it('rejects what it cannot read, with position and expectation', () => {
    const r = tryParseVariantName('UGT1A1*28');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`"UGT1A1*28": at 7: expected '(', ':', '::' or '-', found "*28"`);
    expect(() => parseVariantName('exon deletion')).toThrow(`"exon deletion": at 6: expected a number, found "deletion"`);
    expect(() => parseVariantName('exon 21-19 deletion')).toThrow(`at 11: expected an exon number not below the first`);
    // positions are the input's, blanks inside and around included
    expect(() => parseVariantName('  exon  19  delation')).toThrow(`"  exon  19  delation": at 13: expected an exon event (deletion, insertion, mutation, skipping...), found "delation"`);
  });
});
