import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHeaderText } from './header.js';
import { classifySmallVariant, makeVariantKey, normalizeAlleles, normalizeChromosome, splitMultiallelic, variantKeyString } from './normalize.js';
import { parseVcfRecord } from './record.js';

describe('normalizeAlleles (trim shared bases, keep the anchor)', () => {
  it.each([
    [100, 'C', 'T', 100, 'C', 'T'],
    [100, 'CTG', 'CAG', 101, 'T', 'A'],
    [100, 'ATG', 'A', 100, 'ATG', 'A'],
    [100, 'GATG', 'GA', 101, 'ATG', 'A'],
    [100, 'CAAA', 'CAA', 100, 'CA', 'C'],
    [100, 'AGTG', 'ATG', 100, 'AG', 'A'],
    [100, 'A', 'ATTT', 100, 'A', 'ATTT'],
    [100, 'TCAG', 'TCTT', 102, 'AG', 'TT'],
    [100, 'acgt', 'acct', 102, 'G', 'C'],
    [100, 'A', '<DEL>', 100, 'A', '<DEL>'],
  ])('%i %s>%s → %i %s>%s', (pos, ref, alt, p2, r2, a2) => {
    expect(normalizeAlleles(pos, ref, alt)).toEqual({ pos: p2, ref: r2, alt: a2 });
  });

  it('is idempotent and never empties an allele (property)', () => {
    const allele = fc.stringMatching(/^[ACGT]{1,8}$/);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), allele, allele, (pos, ref, alt) => {
        fc.pre(ref !== alt);
        const once = normalizeAlleles(pos, ref, alt);
        expect(normalizeAlleles(once.pos, once.ref, once.alt)).toEqual(once);
        expect(once.ref.length).toBeGreaterThan(0);
        expect(once.alt.length).toBeGreaterThan(0);
        expect(once.ref).not.toBe(once.alt);
        // The trimmed change still spells the same haplotype inside the original window.
        const offset = once.pos - pos;
        const suffix = ref.slice(offset + once.ref.length);
        expect(ref.slice(0, offset) + once.ref + suffix).toBe(ref);
        expect(ref.slice(0, offset) + once.alt + suffix).toBe(alt);
      }),
    );
  });
});

describe('variant key', () => {
  it('drops "chr", writes MT, trims, and is stable', () => {
    expect(normalizeChromosome('chr7')).toBe('7');
    expect(normalizeChromosome('chrM')).toBe('MT');
    expect(normalizeChromosome('chrx')).toBe('X');
    expect(normalizeChromosome('GL000220.1')).toBe('GL000220.1');
    const a = makeVariantKey('GRCh38', 'chr7', 140753335, 'CA', 'CT');
    const b = makeVariantKey('GRCh38', '7', 140753336, 'A', 'T');
    expect(variantKeyString(a)).toBe('GRCh38:7:140753336:A:T');
    expect(a).toEqual(b);
  });

  it('classifies small variants after trimming', () => {
    expect(classifySmallVariant('A', 'T')).toBe('snv');
    expect(classifySmallVariant('CA', 'TT')).toBe('mnv');
    expect(classifySmallVariant('A', 'AT')).toBe('insertion');
    expect(classifySmallVariant('AT', 'A')).toBe('deletion');
    expect(classifySmallVariant('ATG', 'CC')).toBe('delins');
  });
});

describe('splitMultiallelic', () => {
  const header = parseHeaderText(
    'multi.vcf',
    [
      '##fileformat=VCFv4.2',
      '##INFO=<ID=AF,Number=A,Type=Float,Description="AF">',
      '##INFO=<ID=DP,Number=1,Type=Integer,Description="DP">',
      '##INFO=<ID=ADR,Number=R,Type=Integer,Description="ref+alt depths">',
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">',
      '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">',
      '##FORMAT=<ID=AF,Number=A,Type=Float,Description="AF">',
      '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="PL">',
      '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1',
    ].join('\n'),
  );
  it('keeps each ALT its own Number=A/R/G values and recodes GT', () => {
    const rec = parseVcfRecord(header, '17\t7675088\trs1\tC\tT,A\t50\tPASS\tAF=0.25,0.125;DP=62;ADR=20,8,4\tGT:AD:AF:PL\t1/2:20,8,4:0.25,0.125:90,30,80,60,20,70', 9);
    const [t, a] = splitMultiallelic(header, rec);
    expect(t).toMatchObject({ alts: ['T'], altIndex: 1, originalAlts: ['T', 'A'], samples: ['1/.:20,8:0.25:90,30,80'] });
    expect(t?.info.get('AF')).toBe('0.25');
    expect(t?.info.get('ADR')).toBe('20,8');
    expect(t?.info.get('DP')).toBe('62');
    // PL genotype order for 2 ALTs: 0/0, 0/1, 1/1, 0/2, 1/2, 2/2 → for ALT 2: 0/0, 0/2, 2/2
    expect(a).toMatchObject({ alts: ['A'], altIndex: 2, samples: ['./1:20,4:0.125:90,60,70'] });
    expect(a?.info.get('AF')).toBe('0.125');
  });

  it('returns a single-ALT record unchanged (altIndex 1)', () => {
    const rec = parseVcfRecord(header, '1\t10\t.\tA\tG\t.\tPASS\tAF=0.5\tGT:AD\t0/1:5,5', 9);
    const [only] = splitMultiallelic(header, rec);
    expect(only).toMatchObject({ alts: ['G'], altIndex: 1, samples: ['0/1:5,5'] });
  });
});
