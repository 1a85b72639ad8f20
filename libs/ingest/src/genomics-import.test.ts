import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@oncoboard/store';
import { importFhirPath } from './fhir-import';
import { ACTIONABILITY_EVIDENCE_FACT, importVcf, SOMATIC_VARIANT_FACT } from './genomics-import';

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
});
