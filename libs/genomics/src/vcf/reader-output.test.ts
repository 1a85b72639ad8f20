/**
 * The reader's output for every committed VCF fixture (and an edge-case file written here), pinned by file
 * snapshots in __snapshots__/reader-output/. The snapshots were written by the reader as it stood BEFORE the
 * speed work of issue 5 (line-by-line async generators, eager CSQ parsing) and are never edited by hand: a change
 * in any variant key, VAF, depth, consequence, HGVS, filter, source line, skipped-record report, or in any
 * annotation field (covered by a digest of the full JSON of every variant) fails here.
 * The same content read as plain text, gzip and BGZF with tiny blocks (lines cut across blocks) must agree too.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { annotationLayouts, chooseAnnotation, chooseRecordAnnotation, readAnnotations } from './annotations.js';
import { splitMultiallelic } from './normalize.js';
import { openVcf } from './reader.js';
import { readSomaticVariants, type VariantReadOptions } from './somatic-variants.js';
import { bgzf, fixture, minimalHeader, row, writeTempVcf } from './test-files.js';
import type { SomaticVariant } from './types.js';

/** The readable part of a variant, plus a digest of everything (all annotation fields included). */
function summarise(v: SomaticVariant) {
  return {
    id: v.id,
    type: v.variantType,
    filters: v.filters.join(';'),
    status: v.filterStatus,
    ...(v.quality !== undefined ? { qual: v.quality } : {}),
    ...(v.vaf !== undefined ? { vaf: v.vaf } : {}),
    ...(v.depth !== undefined ? { depth: v.depth } : {}),
    ...(v.tumor ? { tumor: v.tumor } : {}),
    ...(v.normal ? { normal: v.normal } : {}),
    ...(v.gene ? { gene: v.gene } : {}),
    ...(v.transcript ? { transcript: v.transcript } : {}),
    consequences: v.consequences.join('&'),
    ...(v.hgvsc ? { hgvsc: v.hgvsc } : {}),
    ...(v.hgvsp ? { hgvsp: v.hgvsp } : {}),
    ...(v.origin ? { origin: v.origin } : {}),
    annotations: v.annotations.length,
    ...(v.structural ? { structural: v.structural } : {}),
    source: v.source,
    digest: createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16),
  };
}

/** One line per variant keeps the committed snapshots small and their diffs readable. */
const snapshotText = (out: Awaited<ReturnType<typeof readAll>>): string => {
  const { variants, ...rest } = out;
  return `${JSON.stringify(rest, null, 1)}\n${variants.map((v) => JSON.stringify(v)).join('\n')}\n`;
};

async function readAll(path: string, options: VariantReadOptions) {
  const { variants, reader } = await readSomaticVariants(path, options);
  const { issues, ...counts } = reader.summary;
  return {
    compression: reader.compression,
    assembly: reader.assembly,
    tumor: reader.tumor,
    normal: reader.normal,
    counts,
    issues: issues.map((i) => i.message),
    variants: variants.map(summarise),
  };
}

const FIXTURES: [string, VariantReadOptions][] = [
  ['mutect2-somatic.synthetic.vcf', { filter: 'all' }],
  ['strelka2-somatic.snvs.synthetic.vcf', { filter: 'all' }],
  ['strelka2-somatic.indels.synthetic.vcf', { filter: 'all' }],
  ['varscan-somatic.synthetic.vcf', { filter: 'all', assembly: 'GRCh37' }],
  ['manta-somatic.synthetic.vcf', { filter: 'all', tumorSample: 'PT01_T', normalSample: 'PT01_N' }],
  ['pcgr-brca.vep.excerpt.vcf', { filter: 'all' }],
  ['colon1-sample.first40.vcf', { filter: 'all' }],
  ['chr22.1kg.first400.vcf.gz', { filter: 'all', assembly: 'GRCh37', tumorSample: 'HG00096', normalSample: 'HG00097' }],
];

/**
 * Edge cases in one file: multi-allelic with Number=A/R/G fields and CSQ by ALLELE_NUM, percent-escapes, a CSQ
 * without PICK/CANONICAL, ALT "*" and ".", malformed records (columns, POS, ALT, AD, AF out of range), a BND pair
 * with a filtered mate, an unpaired breakend, a symbolic deletion, CRLF line endings and a lower-case REF.
 */
const CSQ_HEADER = '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL|PICK|ALLELE_NUM">';
const EDGE_LINES = [
  ...minimalHeader(['NORMAL', 'TUMOR'], [
    CSQ_HEADER,
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="AF">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="PL">',
    '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="somatic">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="type">',
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="mate">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="end">',
    '##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="len">',
    '##INFO=<ID=AFI,Number=A,Type=Float,Description="AF in INFO">',
    '##tumor_sample=TUMOR',
  ]),
  row('chr7', '140453136', 'rs1', 'A', 'T', '60', 'PASS', 'SOMATIC;CSQ=T|missense_variant|MODERATE|BRAF|ENSG00000157764|Transcript|ENST00000288602|protein_coding|ENST00000288602.6:c.1799T>A|ENSP00000288602.6:p.Val600Glu|YES||1', 'GT:AD:AF:DP', '0/0:40,0:0:40', '0/1:30,20:0.4:50'),
  row('17', '7675088', '.', 'CAG', 'C,CAGAG', '.', 'PASS', 'AFI=0.25,0.125;CSQ=-|frameshift_variant|HIGH|TP53|ENSG00000141510|Transcript|ENST00000269305|protein_coding|c.1del|p.Glu1fs|YES||1,AG|inframe_insertion|MODERATE|TP53|ENSG00000141510|Transcript|ENST00000269305|protein_coding|c.2_3dup|p.%3D|YES|1|2', 'GT:AD:AF:DP:PL', '0/0:30,0,0:0,0:30:0,10,20,30,40,50', '1/2:20,8,4:0.25,0.125:32:90,30,80,60,20,70'),
  row('1', '100', '.', 'A', '*', '.', 'PASS', '.', 'GT:AD:DP', '0/0:10,0:10', '0/1:5,5:10'),
  row('1', '101', '.', 'A', '.', '.', 'PASS', '.', 'GT:AD:DP', '0/0:10,0:10', '0/0:10,0:10'),
  row('1', '102', '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:DP', '0/0:10,0:10'),
  row('1', 'x3', '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:DP', '0/0:10,0:10', '0/1:5,5:10'),
  row('1', '104', '.', 'A', 'G!', '.', 'PASS', '.', 'GT:AD:DP', '0/0:10,0:10', '0/1:5,5:10'),
  row('1', '105', '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:DP', '0/0:10,0:10', '0/1:five,5:10'),
  row('1', '106', '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:AF:DP', '0/0:10,0:0:10', '0/1:5,5:1.5:10'),
  row('1', '107', '.', 'acgt', 'aggt', '12.5', 'germline;weak_evidence', 'CSQ=GG|missense_variant|MODERATE|GENE1|ENSG1|Transcript|ENST1|protein_coding|c.2C>G|c.2C>G|||1', 'GT:AD:DP', '0/0:10,0:10', '0/1:6,4:10'),
  row('2', '321681', 'bnd_W', 'G', 'G]17:198982]', '.', 'PASS', 'SVTYPE=BND;MATEID=bnd_Y', 'GT:AD:DP', '0/0:10,0:10', '0/1:7,3:10'),
  row('2', '500000', '.', 'T', '<DEL>', '.', 'PASS', 'SVTYPE=DEL;END=501000;SVLEN=-1000', 'GT:AD:DP', '0/0:10,0:10', '0/1:7,3:10'),
  row('3', '12345', 'bnd_lone', 'T', '[5:9999[T', '.', 'PASS', 'SVTYPE=BND;MATEID=bnd_missing', 'GT:AD:DP', '0/0:10,0:10', '0/1:8,2:10'),
  `${row('17', '198982', 'bnd_Y', 'A', 'A]2:321681]', '.', 'LowQual', 'SVTYPE=BND;MATEID=bnd_W', 'GT:AD:DP', '0/0:10,0:10', '0/1:7,3:10')}\r`,
  row('22', '5000', '.', 'C', 'CT,G', '.', '.', 'CSQ=T|intron_variant|MODIFIER|GENE2|ENSG2|Transcript|ENST2|protein_coding|||||,G|missense_variant|MODERATE|GENE2|ENSG2|Transcript|ENST2|protein_coding|c.1C>G|p.%3D%2C|||', 'GT:AD:DP:PL', '0/0:10,0,0:10:0,1,2,3,4,5', '0/2:4,0,6:10:5,4,3,2,1,0'),
];

describe('reader output is unchanged (snapshots written by the reader before the speed work)', () => {
  for (const [name, options] of FIXTURES) {
    it(name, async () => {
      const out = await readAll(fixture(name), options);
      await expect(snapshotText(out)).toMatchFileSnapshot(`./__snapshots__/reader-output/${name}.txt`);
    });
  }

  it('edge cases (multi-allelic, malformed records, breakends, CRLF)', async () => {
    const out = await readAll(writeTempVcf('edge-cases.vcf', EDGE_LINES), { filter: 'all' });
    await expect(snapshotText(out)).toMatchFileSnapshot('./__snapshots__/reader-output/edge-cases.txt');
  });
});

describe('plain, gzip and BGZF (lines cut across blocks) read the same', () => {
  const cases: [string, VariantReadOptions][] = [
    ['pcgr-brca.vep.excerpt.vcf', { filter: 'all' }],
    ['manta-somatic.synthetic.vcf', { filter: 'all', tumorSample: 'PT01_T', normalSample: 'PT01_N' }],
  ];
  for (const [name, options] of cases) {
    it(name, async () => {
      const text = readFileSync(fixture(name));
      const plain = await readAll(fixture(name), options);
      const gz = writeTempVcf(`${name}.gz`, []);
      writeFileSync(gz, gzipSync(text));
      const small = writeTempVcf(`${name}.small.bgz`, []);
      writeFileSync(small, bgzf(text, 997));
      const fromGzip = await readAll(gz, { ...options, displayName: name });
      const fromBgzf = await readAll(small, { ...options, displayName: name });
      expect(fromGzip.compression).toBe('gzip');
      expect(fromBgzf.compression).toBe('bgzip');
      expect({ ...fromGzip, compression: 'none' }).toEqual(plain);
      expect({ ...fromBgzf, compression: 'none' }).toEqual(plain);
    });
  }
});

describe('the chosen annotation is read without building every transcript, with the same result', () => {
  it('chooseRecordAnnotation equals chooseAnnotation(readAnnotations(...)) on every record of every fixture', async () => {
    let compared = 0;
    let chosen = 0;
    for (const [name, options] of [...FIXTURES, ['edge-cases.vcf', { filter: 'all' }] as [string, VariantReadOptions]]) {
      const path = name === 'edge-cases.vcf' ? writeTempVcf('edge-cases.vcf', EDGE_LINES) : fixture(name);
      const vcf = await openVcf(path, { onInvalidRecord: () => undefined });
      const layouts = annotationLayouts(vcf.header);
      for await (const record of vcf.records()) {
        for (const split of splitMultiallelic(vcf.header, record)) {
          const fast = chooseRecordAnnotation(split, layouts);
          const full = chooseAnnotation(readAnnotations(split, layouts));
          expect(fast, `${name}:${String(record.place)} ALT ${split.altIndex}`).toEqual(full);
          compared++;
          if (full) chosen++;
        }
      }
    }
    // The fixtures do exercise it: PICK-less VEP records (pcgr), CSQ with PICK and ALLELE_NUM (edge cases).
    expect(compared).toBeGreaterThan(400);
    expect(chosen).toBeGreaterThan(15);
  });
});
