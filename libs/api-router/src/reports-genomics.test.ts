import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFhirPath, importPathologyReports, importVcf } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';
import { buildPatientGenomics, listPatientReports } from './reports-genomics';

// The genomics view on a real SQLite store: the demo breast-cancer patient with the PCGR VEP excerpt (MIT,
// libs/genomics/fixtures/vcf) imported with a declared TMB target, and one record of it broken.
const repoRoot = resolve(__dirname, '../../..');
const JENNY = 'Patient/cancer-patient-jenny-m';
let work: string;
let store: Store;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-genomics-view-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'g.db')}` });
  await importFhirPath(join(repoRoot, 'demo', 'mcode-stu4'), { store });
  const lines = readFileSync(join(repoRoot, 'libs/genomics/fixtures/vcf/pcgr-brca.vep.excerpt.vcf'), 'utf8').split('\n');
  lines[132] = lines[132]!.split('\t').slice(0, 7).join('\t');
  const vcf = join(work, 'tumor.vcf');
  writeFileSync(vcf, lines.join('\n'));
  await importVcf(vcf, { patientKey: JENNY, assembly: 'GRCh37', tmb: { targetSizeMb: 2.5, minVaf: 0, minDepth: 0 } }, { store });
  await importPathologyReports([join(repoRoot, 'libs/pathology/fixtures/breast-core-biopsy.txt')], { patientKey: JENNY }, { store });
}, 120_000);
afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('buildPatientGenomics', () => {
  it('gives the TMB with its denominator, the skipped records, and each evidence item with its statement and links', async () => {
    const view = await buildPatientGenomics(store, JENNY);
    expect(view.variants).toHaveLength(13);
    expect(view.tmb).toMatchObject({ targetSizeMb: 2.5 });
    expect(view.tmb!.value).toBeCloseTo(view.tmb!.count / 2.5, 2);
    expect(view.tmb!.label).toBe(`${view.tmb!.value} mut/Mb (${view.tmb!.count} mutation${view.tmb!.count === 1 ? '' : 's'} / 2.5 Mb)`);
    expect(view.vcf).toEqual({ files: 1, records: 14, skippedInvalid: 1, skippedIssues: ['skipped record tumor.vcf:133: columns: expected 8 tab-separated columns'] });
    const pik3ca = view.evidence.find((e) => e.gene === 'PIK3CA' && e.level === 'A' && e.onLabel)!;
    expect(pik3ca.statement!.length).toBeGreaterThan(20);
    expect(pik3ca.citationUrl).toMatch(/^https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/\d+\/$/);
    expect(pik3ca.evidenceUrl).toMatch(/evidence_items\/\d+$/);
    expect(view.variants.every((v) => v.filterStatus === 'pass' && v.variantId?.startsWith('GRCh37:'))).toBe(true);
  });

  it('is empty, without TMB and with nothing skipped, for a patient without a VCF', async () => {
    const other = await buildPatientGenomics(store, 'Patient/nobody');
    expect(other).toEqual({ variants: [], evidence: [], vcf: { files: 0, records: 0, skippedInvalid: 0, skippedIssues: [] } });
  });
});

describe('listPatientReports', () => {
  it("lists the report's findings with their context, and not its other facts (the embedding cites the whole text)", async () => {
    const [report, ...others] = await listPatientReports(store, JENNY);
    expect(others).toEqual([]);
    expect(report!.findings.some((f) => f.start === 0 && f.end === report!.text.length)).toBe(false);
    const lvi = report!.findings.filter((f) => f.kind === 'lymphovascular-invasion');
    expect(lvi.map((f) => f.context.negated)).toContain(true);
  });
});
