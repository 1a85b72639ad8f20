import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@oncoboard/store';
import { importFhirPath } from './fhir-import';
import { ACTIONABILITY_EVIDENCE_FACT, importVcf, SOMATIC_VARIANT_FACT, TMB_FACT, VCF_READ_SUMMARY_FACT } from './genomics-import';

// The PCGR breast-cancer VEP excerpt (MIT; libs/genomics/fixtures/vcf) for the demo breast-cancer patient, matched
// against the committed CIViC knowledge base, in a real SQLite store.
const vcf = resolve(__dirname, '../../genomics/fixtures/vcf/pcgr-brca.vep.excerpt.vcf');
const demoDir = resolve(__dirname, '../../../demo/mcode-stu4');
const JENNY = 'Patient/cancer-patient-jenny-m';
let work: string;
let store: Store;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-vcf-import-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'v.db')}` });
  await importFhirPath(demoDir, { store });
});

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('importVcf', () => {
  it('keeps the VCF verbatim, each variant citing its line, and on-label knowledge-base evidence citing CIViC', async () => {
    const result = await importVcf(vcf, { patientKey: JENNY, assembly: 'GRCh37' }, { store });
    expect(result.variants).toBe(14);
    expect(result.kbVersion).toMatch(/^civic-2021-08-01\+sha256\.[0-9a-f]{12}$/);
    const facts = await store.getFacts(JENNY, { kinds: [SOMATIC_VARIANT_FACT, ACTIONABILITY_EVIDENCE_FACT] });
    const record = (await store.getSourceRecord(result.recordKey))!.record;
    const pik3ca = facts.find((f) => f.kind === SOMATIC_VARIANT_FACT && f.attributes.gene === 'PIK3CA')!;
    const span = pik3ca.provenance[0]!.span!;
    expect(record.content.slice(span.start, span.end)).toMatch(/^3\t178952085\t/);
    expect(pik3ca.attributes).toMatchObject({ hgvsp: 'ENSP00000263967.3:p.His1047Arg', assembly: 'GRCh37', chrom: '3', pos: 178952085 });
    const onLabel = facts.filter((f) => f.kind === ACTIONABILITY_EVIDENCE_FACT && f.attributes.gene === 'PIK3CA' && f.attributes.onLabel && f.attributes.level === 'A');
    expect(onLabel.length).toBeGreaterThan(0);
    const kbKey = onLabel[0]!.provenance.find((p) => p.sourceRecordKey.startsWith('kb/'))!.sourceRecordKey;
    const kbRecord = (await store.getSourceRecord(kbKey))!.record;
    expect(kbRecord.patientKey).toBeNull();
    expect(JSON.parse(kbRecord.content).citation.source).toBe('PubMed');
    const timeline = await store.getTimeline(JENNY, { categories: ['genomics'] });
    expect(timeline.items.some((e) => e.sourceRecordKey === result.recordKey)).toBe(true);

    const again = await importVcf(vcf, { patientKey: JENNY, assembly: 'GRCh37' }, { store });
    expect(again).toMatchObject({ imported: 0, updated: 0 });
  });

  it('never guesses the build: a header that contradicts the configuration is an error naming the line', async () => {
    const mutect = resolve(__dirname, '../../genomics/fixtures/vcf/mutect2-somatic.synthetic.vcf');
    await expect(importVcf(mutect, { patientKey: JENNY, assembly: 'GRCh37' }, { store })).rejects.toThrow(
      'mutect2-somatic.synthetic.vcf: genome build: configured GRCh37, but ##contig chr1 length=248956422 (line 13) says GRCh38',
    );
  });

  it('stores the good records of a file with malformed ones, and reports each skipped record without its content', async () => {
    // Two records of the real excerpt broken: line 133 loses its INFO column, line 140 gets POS "x".
    const lines = readFileSync(vcf, 'utf8').split('\n');
    lines[132] = lines[132]!.split('\t').slice(0, 7).join('\t');
    lines[139] = lines[139]!.replace(/^1\t169588419\t/, '1\tx\t');
    const broken = join(work, 'broken.vcf');
    writeFileSync(broken, lines.join('\n'));
    const result = await importVcf(broken, { patientKey: JENNY, assembly: 'GRCh37', tmb: { targetSizeMb: 2, minVaf: 0, minDepth: 0 } }, { store });
    expect(result.variants).toBe(12);
    expect(result.skippedRecords).toBe(2);
    expect(result.skipped.map((i) => `${i.file}:${i.line}`)).toEqual(['broken.vcf:133', 'broken.vcf:140']);
    expect(result.warnings.slice(0, 3)).toEqual([
      '2 malformed record(s) skipped',
      'skipped record broken.vcf:133: columns: expected 8 tab-separated columns',
      'skipped record broken.vcf:140: POS: expected a positive integer',
    ]);
    const facts = await store.getFacts(JENNY, { kinds: [SOMATIC_VARIANT_FACT, TMB_FACT] });
    const record = (await store.getSourceRecord(result.recordKey))!.record;
    const mine = facts.filter((f) => f.provenance[0]!.sourceRecordKey === result.recordKey);
    expect(mine.filter((f) => f.kind === SOMATIC_VARIANT_FACT)).toHaveLength(12);
    expect(mine.some((f) => f.attributes.pos === 169588419)).toBe(false);
    const tmb = mine.find((f) => f.kind === TMB_FACT)!;
    expect(tmb.value).toEqual({ type: 'quantity', quantity: { value: (tmb.attributes.count as number) / 2, unit: 'mutations/Mb' } });
    expect(tmb.attributes).toMatchObject({ targetSizeMb: 2, minVaf: 0, minDepth: 0 });
    // Every counted variant is cited by its line.
    expect(tmb.provenance.length).toBe((tmb.attributes.count as number) + 1);
    for (const p of tmb.provenance.slice(1)) expect(record.content.slice(p.span!.start, p.span!.end)).toMatch(/\tPASS\t/);
    expect(result.tmb).toBe(tmb.attributes.label);
    const [summary] = await store.getFacts(JENNY, { kinds: [VCF_READ_SUMMARY_FACT] }).then((all) => all.filter((f) => f.provenance[0]!.sourceRecordKey === result.recordKey));
    expect(summary!.attributes).toEqual({
      file: 'broken.vcf', records: 14, variants: 12, skippedByFilter: 0, skippedInvalid: 2,
      skippedIssues: ['skipped record broken.vcf:133: columns: expected 8 tab-separated columns', 'skipped record broken.vcf:140: POS: expected a positive integer'],
    });
  });
});
