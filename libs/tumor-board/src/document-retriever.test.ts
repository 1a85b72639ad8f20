import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFhirPath, importPathologyReports } from '@oncoboard/ingest';
import { DEFAULT_TEXT_MODEL_DIR, TextEmbedder } from '@oncoboard/pathology';
import { openStore, type Store } from '@oncoboard/store';
import { PatientDocumentRetriever } from './document-retriever';

// LangChain retrieval over a patient's report texts with the shipped local text model (no network).
const EVE = 'Patient/cancer-patient-eve-anyperson';
let work: string;
let store: Store;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-retriever-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'r.db')}` });
  await importFhirPath(resolve(__dirname, '../../../demo/mcode-stu4'), { store });
  await importPathologyReports(resolve(__dirname, '../../pathology/fixtures/breast-core-biopsy.txt'), { patientKey: EVE }, { store });
});

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('PatientDocumentRetriever', () => {
  it('returns report sentences as LangChain documents that cite their record and span', async () => {
    const embedder = await TextEmbedder.load(DEFAULT_TEXT_MODEL_DIR);
    const retriever = await PatientDocumentRetriever.forPatient(store, EVE, embedder, 3);
    expect(retriever.size).toBeGreaterThan(10);
    const docs = await retriever.invoke('lymphovascular invasion');
    expect(docs).toHaveLength(3);
    const [record] = await store.listPatientRecords(EVE, 'report-text');
    for (const d of docs) {
      expect(d.metadata.sourceRecordKey).toBe(record!.key);
      expect(record!.content.slice(d.metadata.span.start, d.metadata.span.end)).toBe(d.pageContent);
      expect(d.metadata.model).toMatch(/^civic-bert-mini@1\.0\.0\+sha256:[0-9a-f]{12}$/);
    }
    expect(docs.some((d) => /lymphovascular/i.test(d.pageContent))).toBe(true);
    expect(await PatientDocumentRetriever.forPatient(store, 'Patient/cancer-patient-lucy-child', embedder).then((r) => r.size)).toBe(0);
  });
});
