import { describe, expect, it } from 'vitest';
import { openVariantReader, readSomaticVariants, variantProvenance } from './somatic-variants.js';
import { fixture, minimalHeader, row, writeTempVcf } from './test-files.js';
import type { SomaticVariant } from './types.js';

const byId = (vs: SomaticVariant[], id: string) => vs.find((v) => v.id === id) as SomaticVariant;

describe('Mutect2 (synthetic GATK 4 header, GRCh38)', () => {
  it('chooses the tumor from ##tumor_sample, reads AD/AF/DP, honours FILTER and splits multi-allelics', async () => {
    const { variants, reader } = await readSomaticVariants(fixture('mutect2-somatic.synthetic.vcf'));
    expect(reader.assembly.assembly).toBe('GRCh38');
    expect(reader.tumor).toEqual({ name: 'PT01_TUMOR', index: 1, from: '##tumor_sample (line 22)' });
    expect(reader.normal).toEqual({ name: 'PT01_NORMAL', index: 0, from: '##normal_sample (line 19)' });
    expect(variants.map((v) => v.id)).toEqual([
      'GRCh38:3:3000000:T:C',
      'GRCh38:7:140753335:CA:TT',
      'GRCh38:7:140753336:A:T',
      'GRCh38:13:32340300:AG:A',
      'GRCh38:17:7675088:C:T',
      'GRCh38:17:7675088:C:A',
    ]);
    expect(reader.summary).toEqual({ records: 7, variants: 6, skippedByFilter: 2, skippedNoVariant: 1, unpairedBreakends: 0, skippedInvalid: 0, issues: [] });
    const braf = byId(variants, 'GRCh38:7:140753336:A:T');
    expect(braf).toMatchObject({
      variantType: 'snv',
      gene: 'BRAF',
      transcript: 'ENST00000646891.2',
      consequences: ['missense_variant'],
      hgvsc: 'c.1799T>A',
      hgvsp: 'p.Val600Glu',
      vaf: 0.318,
      depth: 44,
      filterStatus: 'pass',
      tumor: { sample: 'PT01_TUMOR', genotype: '0/1', refDepth: 30, altDepth: 14, vaf: 0.318, depth: 44, convention: 'allele-depth' },
      normal: { sample: 'PT01_NORMAL', altDepth: 0 },
      source: { kind: 'vcf', file: 'mutect2-somatic.synthetic.vcf', line: 28, altIndex: 1 },
    });
    expect(byId(variants, 'GRCh38:7:140753335:CA:TT')).toMatchObject({ variantType: 'mnv', hgvsp: 'p.Val600Lys' });
    expect(byId(variants, 'GRCh38:13:32340300:AG:A')).toMatchObject({ variantType: 'deletion', key: { pos: 32340300, ref: 'AG', alt: 'A' } });
    const [t, a] = [byId(variants, 'GRCh38:17:7675088:C:T'), byId(variants, 'GRCh38:17:7675088:C:A')];
    expect(t).toMatchObject({ hgvsp: 'p.Arg175His', vaf: 0.25, tumor: { refDepth: 20, altDepth: 8 }, source: { line: 30, altIndex: 1 } });
    expect(a).toMatchObject({ hgvsp: 'p.Arg175Leu', vaf: 0.125, tumor: { refDepth: 20, altDepth: 4 }, source: { line: 30, altIndex: 2 } });
    expect(t.annotations).toHaveLength(1);
  });

  it('FILTER policies: pass-or-missing, allow-list, all', async () => {
    const ids = async (filter: Parameters<typeof readSomaticVariants>[1]) => (await readSomaticVariants(fixture('mutect2-somatic.synthetic.vcf'), filter)).variants.map((v) => v.id);
    expect(await ids({ filter: 'pass-or-missing' })).toContain('GRCh38:2:2000000:C:G');
    expect(await ids({ filter: 'pass-or-missing' })).not.toContain('GRCh38:1:1000000:G:A');
    expect(await ids({ filter: { allow: ['weak_evidence'] } })).not.toContain('GRCh38:1:1000000:G:A');
    expect(await ids({ filter: { allow: ['weak_evidence', 't_lod'] } })).toContain('GRCh38:1:1000000:G:A');
    const all = (await readSomaticVariants(fixture('mutect2-somatic.synthetic.vcf'), { filter: 'all' })).variants;
    expect(all).toHaveLength(8);
    expect(byId(all, 'GRCh38:1:1000000:G:A')).toMatchObject({ filters: ['weak_evidence', 't_lod'], filterStatus: 'fail' });
    expect(byId(all, 'GRCh38:2:2000000:C:G')).toMatchObject({ filters: [], filterStatus: 'missing' });
  });

  it('a configured build that contradicts the header is an error', async () => {
    await expect(openVariantReader(fixture('mutect2-somatic.synthetic.vcf'), { assembly: 'GRCh37' })).rejects.toThrow(
      'mutect2-somatic.synthetic.vcf: genome build: configured GRCh37, but ##contig chr1 length=248956422 (line 13) says GRCh38',
    );
  });

  it('provenance for the facts store names the line and the change', async () => {
    const { variants } = await readSomaticVariants(fixture('mutect2-somatic.synthetic.vcf'));
    expect(variantProvenance(byId(variants, 'GRCh38:7:140753336:A:T'), 'vcf/abc123')).toEqual({ sourceRecordKey: 'vcf/abc123', elementPath: 'line 28 (7:140753336 A>T)' });
  });
});

describe('Strelka2 (synthetic headers, GRCh37 hs37d5)', () => {
  it('SNVs: tier-1 AU/CU/GU/TU counts of REF and ALT, TUMOR/NORMAL columns', async () => {
    const { variants, reader } = await readSomaticVariants(fixture('strelka2-somatic.snvs.synthetic.vcf'));
    expect(reader.tumor?.from).toBe('column name TUMOR');
    expect(reader.summary.skippedByFilter).toBe(1);
    expect(variants).toHaveLength(1);
    expect(variants[0]).toMatchObject({
      id: 'GRCh37:12:25398284:C:T',
      origin: 'somatic',
      vaf: 0.25,
      depth: 41,
      tumor: { convention: 'strelka2-snv', refDepth: 30, altDepth: 10 },
      normal: { convention: 'strelka2-snv', refDepth: 35, altDepth: 0, vaf: 0 },
    });
  });

  it('indels: tier-1 TAR/TIR', async () => {
    const { variants } = await readSomaticVariants(fixture('strelka2-somatic.indels.synthetic.vcf'));
    expect(variants[0]).toMatchObject({ id: 'GRCh37:7:55242464:AGGAATTAAGAGAAGC:A', variantType: 'deletion', vaf: 0.2, depth: 52, tumor: { convention: 'strelka2-indel', refDepth: 40, altDepth: 10 } });
  });
});

describe('VarScan2 (synthetic header without a build)', () => {
  it('refuses to guess the build', async () => {
    await expect(openVariantReader(fixture('varscan-somatic.synthetic.vcf'))).rejects.toThrow(
      'varscan-somatic.synthetic.vcf: genome build: not stated in the header (##reference, ##assembly, ##contig assembly= or GRCh37/GRCh38 contig lengths) and not configured: pass { assembly: "GRCh37" } or { assembly: "GRCh38" }',
    );
  });

  it('reads FREQ "23.08%", RD and AD when the build is configured', async () => {
    const { variants, reader } = await readSomaticVariants(fixture('varscan-somatic.synthetic.vcf'), { assembly: 'GRCh37' });
    expect(reader.assembly).toEqual({ assembly: 'GRCh37', from: 'configuration' });
    expect(variants).toHaveLength(1);
    const v = variants[0] as SomaticVariant;
    expect(v.id).toBe('GRCh37:3:178936091:G:A');
    expect(v.vaf).toBeCloseTo(0.2308, 6);
    expect(v.tumor).toMatchObject({ convention: 'varscan', refDepth: 60, altDepth: 18, depth: 78, genotype: '0/1' });
  });

  it('a malformed FREQ names the sample column and quotes only that value', async () => {
    const p = writeTempVcf('varscan-bad.vcf', [
      '##fileformat=VCFv4.1',
      '##reference=hg19',
      '##FORMAT=<ID=FREQ,Number=1,Type=String,Description="Variant allele frequency">',
      '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR',
      row('3', '178936091', '.', 'G', 'A', '.', 'PASS', '.', 'GT:RD:AD:FREQ', '0/0:62:0:0%', '0/1:60:18:high'),
    ]);
    await expect(readSomaticVariants(p, { invalidRecords: 'fail' })).rejects.toThrow('varscan-bad.vcf:5: TUMOR.FREQ: expected a percentage like "23.5%", found "high"');
    // By default the record is skipped, counted and listed with the same text.
    const { variants, reader } = await readSomaticVariants(p);
    expect(variants).toEqual([]);
    expect(reader.summary).toMatchObject({ records: 1, skippedInvalid: 1 });
    expect(reader.summary.issues).toEqual([
      { file: 'varscan-bad.vcf', line: 5, place: 5, column: 'TUMOR.FREQ', message: 'varscan-bad.vcf:5: TUMOR.FREQ: expected a percentage like "23.5%", found "high"' },
    ]);
  });
});

describe('tumor sample choice', () => {
  it('##SAMPLE=<ID=TUMOR> chooses the tumor; a two-sample file without any hint is ambiguous', async () => {
    const withSampleLines = writeTempVcf('sample-lines.vcf', [
      ...minimalHeader(['S_A', 'TUMOR'], ['##SAMPLE=<ID=TUMOR,SampleName=case-7>', '##SAMPLE=<ID=S_A,Genomes=Germline>']),
      row('1', '100', '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:DP', '0/0:20,0:20', '0/1:12,8:20'),
    ]);
    const r = await openVariantReader(withSampleLines);
    expect(r.tumor).toEqual({ name: 'TUMOR', index: 1, from: '##SAMPLE (line 6)' });
    expect(r.normal).toEqual({ name: 'S_A', index: 0, from: '##SAMPLE (line 7)' });

    const ambiguous = writeTempVcf('two.vcf', [...minimalHeader(['S1', 'S2']), row('1', '100', '.', 'A', 'G', '.', 'PASS', '.', 'GT', '0/0', '0/1')]);
    await expect(openVariantReader(ambiguous)).rejects.toThrow(
      'two.vcf: tumor sample: expected ##tumor_sample=, ##SAMPLE=<ID=TUMOR>, a TUMOR column or configuration to choose among 2 samples "S1", "S2": pass { tumorSample: "<column name>" }',
    );
    await expect(openVariantReader(ambiguous, { tumorSample: 'S3' })).rejects.toThrow('two.vcf: tumor sample: configuration names "S3", but the sample columns are "S1", "S2"');
    const chosen = await readSomaticVariants(ambiguous, { tumorSample: 'S2', normalSample: 'S1' });
    expect(chosen.variants[0]?.tumor).toMatchObject({ sample: 'S2', genotype: '0/1' });
  });

  it('a non-numeric AD names the tumor column and never prints the other sample', async () => {
    const p = writeTempVcf('ad.vcf', [...minimalHeader(['NORMAL', 'TUMOR']), row('1', '100', '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:DP', '0/0:20,0:20', '0/1:12,x:20')]);
    const err = await readSomaticVariants(p, { invalidRecords: 'fail' }).catch((e: Error) => e.message);
    expect(err).toBe('ad.vcf:7: TUMOR.AD: expected an integer, found "x"');
  });
});

describe('annotations already in the file', () => {
  it('VEP CSQ (PCGR 2017 BRCA excerpt): fields by the header list, PICK=1 chosen, VEP allele "-" for deletions', async () => {
    const { variants } = await readSomaticVariants(fixture('pcgr-brca.vep.excerpt.vcf'));
    expect(variants).toHaveLength(14);
    const pik3ca = variants.find((v) => v.gene === 'PIK3CA') as SomaticVariant;
    expect(pik3ca).toMatchObject({
      id: 'GRCh37:3:178952085:A:G',
      transcript: 'ENST00000263967',
      consequences: ['missense_variant'],
      hgvsc: 'ENST00000263967.3:c.3140A>G',
      hgvsp: 'ENSP00000263967.3:p.His1047Arg',
    });
    const picked = pik3ca.annotations.find((a) => a.picked);
    expect(picked?.fields.HGNC_ID).toBe('8975');
    expect(picked?.fields.ALLELE_NUM).toBe('1');
    // The synonymous H6PD record carries a c. string in HGVSp: not taken as a protein change.
    const h6pd = variants.find((v) => v.gene === 'H6PD') as SomaticVariant;
    expect(h6pd.hgvsp).toBeUndefined();
    expect(h6pd.annotations[0]?.fields.HGVSp).toBe('ENST00000377403.2:c.360G>A');
    const del = variants.find((v) => v.variantType === 'deletion') as SomaticVariant;
    expect(del.id).toBe('GRCh37:5:177303215:TGTG:T');
    expect(del.annotations.map((a) => a.fields.Allele)).toEqual(['-', '-']);
  });
});

describe('real MutationalPatterns sample (MIT)', () => {
  it('reads colon1: GRCh37 from ##reference, the only sample as tumor, AD/DP', async () => {
    const { variants, reader } = await readSomaticVariants(fixture('colon1-sample.first40.vcf'));
    expect(reader.assembly).toEqual({ assembly: 'GRCh37', from: '##reference (line 3)' });
    expect(reader.tumor?.from).toBe('only sample');
    expect(variants).toHaveLength(40);
    expect(variants[0]).toMatchObject({ id: 'GRCh37:1:105605108:T:A', quality: 429.75, depth: 29, tumor: { refDepth: 29, altDepth: 0, genotype: '0/0' }, source: { line: 36, recordId: '1:105605108_T/A' } });
  });
});
