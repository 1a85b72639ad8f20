import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHOLOGY_REPORT_EMBEDDING_FACT } from '@oncoboard/pathology';
import { openStore, type Store } from '@oncoboard/store';
import { importFhirTexts } from './fhir-import';

// A pathology DiagnosticReport in a FHIR import is extracted in the same import (libs/pathology/fixtures, synthetic).
const fixture = resolve(__dirname, '../../pathology/fixtures/gastric-biopsy.diagnostic-report.json');
const report = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, unknown> & { id: string };
const PATIENT = 'Patient/synth-gastric-1';
const patient = { resourceType: 'Patient', id: 'synth-gastric-1', gender: 'female', birthDate: '1960-01-01' };
const bundle = (entries: object[]) => JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: entries.map((resource) => ({ resource })) });

let work: string;
let store: Store;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-fhir-pathology-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'f.db')}` });
});
afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('FHIR import of a pathology DiagnosticReport', () => {
  it('stores its texts as report-text records with span-cited findings and the embedding; a re-import changes nothing', async () => {
    const first = await importFhirTexts([{ name: 'gastric.json', text: bundle([patient, report]) }], { store });
    expect(first.issues.filter((i) => i.severity === 'error')).toEqual([]);
    // Patient + DiagnosticReport + its three texts (conclusion, presentedForm[0] text/plain, presentedForm[1])
    expect(first).toMatchObject({ read: 2, imported: 5, rejected: 0 });
    const texts = await store.listPatientRecords(PATIENT, 'report-text');
    const key = (path: string) => `pathology/DiagnosticReport/${report.id}/${path}`;
    expect(texts.map((t) => t.key)).toEqual([key('conclusion'), key('presentedForm[0]'), key('presentedForm[1]')]);
    // findings come from the primary text (the text/plain form), as in `oncoboard pathology-import`
    const primary = texts[1]!;
    const facts = await store.getFacts(PATIENT);
    const findings = facts.filter((f) => f.sourceRecordKey === primary.key && f.kind !== PATHOLOGY_REPORT_EMBEDDING_FACT);
    expect(findings.length).toBeGreaterThan(3);
    for (const f of findings) {
      const [span, fhir] = f.provenance;
      expect(span!.sourceRecordKey).toBe(primary.key);
      expect(primary.content.slice(span!.span!.start, span!.span!.end).length).toBeGreaterThan(0);
      expect(fhir).toEqual({ sourceRecordKey: `fhir/DiagnosticReport/${report.id}`, elementPath: 'DiagnosticReport.presentedForm[0]' });
    }
    const her2 = findings.find((f) => (f.attributes as { marker?: string }).marker === 'HER2')!;
    expect(primary.content.slice(her2.provenance[0]!.span!.start, her2.provenance[0]!.span!.end)).toMatch(/HER2/);
    expect(facts.filter((f) => f.kind === PATHOLOGY_REPORT_EMBEDDING_FACT).map((f) => f.sourceRecordKey)).toEqual([primary.key]);
    const again = await importFhirTexts([{ name: 'gastric.json', text: bundle([patient, report]) }], { store });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 5 });
    expect((await store.getFacts(PATIENT)).length).toBe(facts.length);
  });

  it('keeps a pathology report whose text cannot be read, with a warning; other reports are not extracted', async () => {
    const byUrl = { ...report, id: 'synth-gastric-url', conclusion: undefined, presentedForm: [{ contentType: 'text/plain', url: 'https://example.org/report.txt' }] };
    const radiology = {
      ...report,
      id: 'synth-ct-1',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '24627-2', display: 'CT Chest' }] },
    };
    const result = await importFhirTexts([{ name: 'more.json', text: bundle([byUrl, radiology]) }], { store, pathologyReports: { embed: false } });
    expect(result).toMatchObject({ read: 2, imported: 2, rejected: 0 });
    const warning = result.issues.find((i) => i.resourceId === 'synth-gastric-url')!;
    expect(warning.severity).toBe('warning');
    expect(warning.message).toContain('DiagnosticReport/synth-gastric-url: pathology text not extracted');
    expect(warning.message).toContain('presentedForm[0].data: expected base64 data, found only a url');
    const keys = (await store.listPatientRecords(PATIENT, 'report-text')).map((t) => t.key);
    expect(keys.some((k) => k.includes('synth-gastric-url') || k.includes('synth-ct-1'))).toBe(false);
    expect(await store.getSourceRecord('fhir/DiagnosticReport/synth-gastric-url')).not.toBeNull();
  });

  it('pathologyReports: false leaves extraction to `oncoboard pathology-import`', async () => {
    const other = { ...report, id: 'synth-gastric-2' };
    const result = await importFhirTexts([{ name: 'off.json', text: bundle([other]) }], { store, pathologyReports: false });
    expect(result).toMatchObject({ imported: 1 });
    expect(await store.getSourceRecord('pathology/DiagnosticReport/synth-gastric-2/presentedForm[0]')).toBeNull();
  });
});
