import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSomaticVariants } from './somatic-variants.js';
import { BreakendJoiner, parseBreakendAlt, structuralVariantType } from './sv.js';
import { fixture, minimalHeader, row, writeTempVcf } from './test-files.js';
import type { SomaticVariant } from './types.js';

describe('breakend ALT notation (VCF 4.2 §5.4)', () => {
  it.each([
    ['G]17:198982]', { chrom: '17', pos: 198982 }, 'G', 'before', 'left'],
    ['G[chr9:130714000[', { chrom: 'chr9', pos: 130714000 }, 'G', 'before', 'right'],
    [']13:123456]T', { chrom: '13', pos: 123456 }, 'T', 'after', 'left'],
    ['[17:198983[A', { chrom: '17', pos: 198983 }, 'A', 'after', 'right'],
    ['CAGT[HLA-A*01:01:01:01:12[', undefined, '', '', ''],
  ])('%s', (alt, mate, bases, side, dir) => {
    const p = parseBreakendAlt(alt);
    if (!mate) {
      expect(p).toBeUndefined();
      return;
    }
    expect(p).toEqual({ alt, mate, bases, basesSide: side, mateDirection: dir });
  });

  it('rejects mixed brackets and bases on both sides', () => {
    expect(parseBreakendAlt('G]17:198982[')).toBeUndefined();
    expect(parseBreakendAlt('G]17:198982]T')).toBeUndefined();
  });

  it('maps symbolic alleles to variant types', () => {
    expect(structuralVariantType('<DEL>')).toBe('sv-deletion');
    expect(structuralVariantType('<DUP:TANDEM>')).toBe('sv-duplication');
    expect(structuralVariantType('INV')).toBe('sv-inversion');
    expect(structuralVariantType('<INS:ME:ALU>')).toBe('sv-insertion');
    expect(structuralVariantType('<CNV>')).toBe('sv-copy-number');
    expect(structuralVariantType('<FOO>')).toBe('other');
  });

  it('BreakendJoiner pairs by MATEID in either order and drains the rest', () => {
    const j = new BreakendJoiner<string>();
    expect(j.offer(['a'], ['b'], 'A')).toBeUndefined();
    expect(j.offer(['c'], ['d'], 'C')).toBeUndefined();
    expect(j.offer(['b'], ['a'], 'B')).toEqual(['A', 'B']);
    expect(j.size).toBe(1);
    expect(j.drain()).toEqual(['C']);
  });
});

describe('Manta somatic SVs (synthetic Manta 1.6 style, GRCh38)', () => {
  const read = (filter?: 'all') => readSomaticVariants(fixture('manta-somatic.synthetic.vcf'), { tumorSample: 'PT01_T', normalSample: 'PT01_N', ...(filter ? { filter } : {}) });

  it('needs the tumor column named: Manta names columns after the BAM samples', async () => {
    await expect(readSomaticVariants(fixture('manta-somatic.synthetic.vcf'))).rejects.toThrow(
      'manta-somatic.synthetic.vcf: tumor sample: expected ##tumor_sample=, ##SAMPLE=<ID=TUMOR>, a TUMOR column or configuration to choose among 2 samples "PT01_N", "PT01_T": pass { tumorSample: "<column name>" }',
    );
  });

  it('joins BND pairs into one rearrangement with both breakpoints, partner genes and PR/SR evidence', async () => {
    const { variants, reader } = await read();
    expect(reader.summary).toEqual({ records: 10, variants: 5, skippedByFilter: 2, skippedNoVariant: 0, unpairedBreakends: 0, skippedInvalid: 0, issues: [] });
    const eml4Alk = variants.find((v) => v.structural?.partnerGenes?.includes('ALK')) as SomaticVariant;
    expect(eml4Alk).toMatchObject({
      id: 'GRCh38:2:29223500:A:A]chr2:42299000]::GRCh38:2:42299000:G:G]chr2:29223500]',
      variantType: 'rearrangement',
      consequences: ['gene_fusion'],
      origin: 'somatic',
      tumor: { convention: 'manta', refDepth: 58, altDepth: 27, depth: 85 },
      source: { file: 'manta-somatic.synthetic.vcf', line: 35, mateLine: 36, recordId: 'MantaBND:1:10:11:0:0:0:1' },
      structural: {
        svType: 'BND',
        breakpoints: [
          { chrom: '2', pos: 29223500, ci: [0, 2] },
          { chrom: '2', pos: 42299000, ci: [0, 2] },
        ],
        recordIds: ['MantaBND:1:10:11:0:0:0:1', 'MantaBND:1:10:11:0:0:0:0'],
        partnerGenes: ['EML4', 'ALK'],
      },
    });
    expect(eml4Alk.gene).toBeUndefined();
    expect(eml4Alk.vaf).toBeCloseTo(27 / 85, 10);
    // BCR-ABL1: the chr9 record waits until chr22 is read (other records in between), then both sides join.
    const bcrAbl = variants.find((v) => v.structural?.breakpoints?.some((b) => b.chrom === '22')) as SomaticVariant;
    expect(bcrAbl.structural?.breakpoints).toEqual([
      { chrom: '9', pos: 130714000 },
      { chrom: '22', pos: 23290000 },
    ]);
    expect(bcrAbl.source).toMatchObject({ line: 38, mateLine: 43 });
    expect(bcrAbl.structural?.breakends?.map((b) => b.alt)).toEqual([']chr22:23290000]T', 'C[chr9:130714000[']);
  });

  it('symbolic DEL and INS carry END, SVLEN, IMPRECISE; the filtered DUP:TANDEM and the lone filtered BND are left out', async () => {
    const { variants } = await read();
    const del = variants.find((v) => v.variantType === 'sv-deletion') as SomaticVariant;
    expect(del).toMatchObject({ id: 'GRCh38:5:1295000:C:<DEL>', structural: { svType: 'DEL', symbolicAllele: '<DEL>', end: 1296500, svLength: -1500, imprecise: true } });
    expect(variants.find((v) => v.variantType === 'sv-insertion')?.structural).toEqual({ svType: 'INS', symbolicAllele: '<INS>', end: 7600000, imprecise: false });
    expect(variants.some((v) => v.variantType === 'sv-duplication')).toBe(false);
  });

  it('with filter "all", the BND whose mate is not in the file comes alone, its mate position taken from the ALT', async () => {
    const { variants, reader } = await read('all');
    expect(reader.summary.unpairedBreakends).toBe(1);
    const lone = variants.find((v) => v.structural?.mateMissing) as SomaticVariant;
    expect(lone).toMatchObject({
      filters: ['MinSomaticScore'],
      filterStatus: 'fail',
      structural: { breakpoints: [{ chrom: '17', pos: 41000000 }, { chrom: '19', pos: 3000000 }], mateMissing: true },
    });
    expect(variants.find((v) => v.variantType === 'sv-duplication')?.structural).toMatchObject({ symbolicAllele: '<DUP:TANDEM>', end: 25300000, svLength: 100000 });
  });

  it('END before POS is an error naming the INFO key', async () => {
    const p = writeTempVcf('sv-bad.vcf', [
      ...minimalHeader(['TUMOR'], ['##INFO=<ID=END,Number=1,Type=Integer,Description="End">', '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">']),
      row('chr1', '5000', '.', 'A', '<DEL>', '.', 'PASS', 'SVTYPE=DEL;END=4000', 'GT', '0/1'),
    ]);
    await expect(readSomaticVariants(p, { invalidRecords: 'fail' })).rejects.toThrow('sv-bad.vcf:9: INFO.END: expected an end position ≥ POS (5000), found "4000"');
    const { reader } = await readSomaticVariants(p);
    expect(reader.summary.issues.map((i) => i.message)).toEqual(['sv-bad.vcf:9: INFO.END: expected an end position ≥ POS (5000), found "4000"']);
  });
});

const COLO829 = '/usr/lib/R/site-library/StructuralVariantAnnotation/extdata/colo829_somatic_manta.vcf';
describe.skipIf(!existsSync(COLO829))('real COLO829 Manta somatic calls (Debian r-bioc-structuralvariantannotation, GPL-3, read in place; skipped when not installed)', () => {
  it('joins every PASS BND pair; build from ##reference; tumor COLO829T by configuration', async () => {
    const { variants, reader } = await readSomaticVariants(COLO829, { tumorSample: 'COLO829T', normalSample: 'COLO829R', filter: 'all' });
    expect(reader.assembly.assembly).toBe('GRCh37');
    const first = variants.find((v) => v.structural?.recordIds?.includes('MantaBND:5:671:677:0:0:0:0')) as SomaticVariant;
    expect(first.structural?.breakpoints).toEqual([
      { chrom: '1', pos: 224938488, ci: [-213, 214] },
      { chrom: '9', pos: 137177507, ci: [-393, 393] },
    ]);
    expect(first.tumor).toMatchObject({ convention: 'manta', refDepth: 154, altDepth: 5 });
    expect(first.structural?.event).toBe('MantaBND:5:671:677:0:0:0:0');
    const rearrangements = variants.filter((v) => v.variantType === 'rearrangement');
    expect(rearrangements.filter((v) => !v.structural?.mateMissing).length).toBeGreaterThan(10);
    expect(reader.summary.variants).toBe(variants.length);
  });
});
