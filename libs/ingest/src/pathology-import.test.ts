import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@oncoboard/store';
import { importFhirPath } from './fhir-import';
import { ModalityModuleRegistry } from '@oncoboard/fusion-model';
import { createPathologyModule, PATHOLOGY_REPORT_EMBEDDING_FACT, pathologyModule, storeReportTextReader } from '@oncoboard/pathology';
import { importPathologyReports } from './pathology-import';

// Synthetic reports from libs/pathology/fixtures into a real SQLite store with the demo cohort.
const fixtures = resolve(__dirname, '../../pathology/fixtures');
const demoDir = resolve(__dirname, '../../../demo/mcode-stu4');
const JENNY = 'Patient/cancer-patient-jenny-m';
let work: string;
let store: Store;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-pathology-import-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'p.db')}` });
  await importFhirPath(demoDir, { store });
});

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('importPathologyReports', () => {
  it('stores the report verbatim with span-cited findings and a timeline event; a re-import changes nothing', async () => {
    const file = join(fixtures, 'breast-core-biopsy.txt');
    const progress: number[] = [];
    const first = await importPathologyReports(file, { patientKey: JENNY }, { store, onProgress: (p) => progress.push(p.done) });
    expect(first).toMatchObject({ reports: 1, records: 1, imported: 1, failed: [] });
    expect(first.findings).toBeGreaterThan(5);
    expect(progress).toEqual([1]);
    const [record] = await store.listPatientRecords(JENNY, 'report-text');
    const facts = (await store.getFacts(JENNY)).filter((f) => f.sourceRecordKey === record!.key);
    // the findings, and one embedding of the report text by the default model (for the pathology module)
    expect(first.embeddings).toBe(1);
    expect(facts).toHaveLength(first.findings + 1);
    const embedding = facts.find((f) => f.kind === PATHOLOGY_REPORT_EMBEDDING_FACT)!;
    expect(embedding.attributes).toMatchObject({ model: pathologyModule.embeddingModel.id, dimension: 64 });
    expect(embedding.provenance[0]).toEqual({ sourceRecordKey: record!.key, elementPath: 'text', span: { start: 0, end: record!.content.length } });
    for (const f of facts) {
      const span = f.provenance[0]!.span!;
      expect(span.end).toBeGreaterThan(span.start);
      expect(record!.content.slice(span.start, span.end).length).toBe(span.end - span.start);
    }
    const timeline = await store.getTimeline(JENNY, { categories: ['report'] });
    expect(timeline.items.some((e) => e.sourceRecordKey === record!.key)).toBe(true);
    const again = await importPathologyReports(file, { patientKey: JENNY }, { store });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 1 });
  });

  it('feeds the pathology modality module from the stored facts (findings + the stored report embedding)', async () => {
    const registry = new ModalityModuleRegistry();
    registry.register(pathologyModule);
    const facts = await store.getFacts(JENNY);
    const encoding = (await registry.encodePatient(pathologyModule.id, JENNY, facts))!;
    const at = (prefix: string) => encoding.vector[pathologyModule.vectorNames.findIndex((n) => n.startsWith(prefix))];
    expect(at('report embedding present')).toBe(1);
    expect(at('ER (percent')).toBeCloseTo(0.95); // "Positive, 95% of tumor cells"
    expect(at('Ki-67 (percent')).toBeCloseTo(0.15);
    const [record] = await store.listPatientRecords(JENNY, 'report-text');
    expect(encoding.usedEvidence.filter((p) => p.sourceRecordKey === record!.key).length).toBeGreaterThan(3);
    // the text read from the store's source record gives the same vector as the stored embedding
    const fromText = createPathologyModule({ readReportText: storeReportTextReader(store) });
    const facts2 = facts.filter((f) => f.kind !== PATHOLOGY_REPORT_EMBEDDING_FACT);
    const viaText = (await fromText.encode((await fromText.collectInputs(JENNY, facts2))!)).vector;
    expect(Math.max(...Array.from(viaText, (x, i) => Math.abs(x - encoding.vector[i]!)))).toBeLessThan(1e-5);
  });

  it('reports a file it cannot read with the file and reason, and keeps importing the others', async () => {
    const dir = join(work, 'mixed');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-empty.txt'), '');
    writeFileSync(join(dir, 'b-report.txt'), 'FINAL DIAGNOSIS:\nLeft breast, core biopsy: invasive ductal carcinoma, grade 2.\nNo lymphovascular invasion identified.\n');
    const result = await importPathologyReports(dir, { patientKey: JENNY }, { store });
    expect(result.reports).toBe(1);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.file).toBe(join(dir, 'a-empty.txt'));
    expect(result.failed[0]!.message).toContain('a-empty.txt');
    const issues = await store.getImportIssues(result.runId);
    expect(issues.map((i) => i.file)).toEqual([join(dir, 'a-empty.txt')]);
  });

  it('refuses a plain text report without a patient', async () => {
    const result = await importPathologyReports(join(fixtures, 'colon-resection.txt'), {}, { store });
    expect(result.failed[0]!.message).toMatch(/colon-resection\.txt: patientKey: expected "Patient\/<id>"/);
  });
});
