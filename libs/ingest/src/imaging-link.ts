// Links a patient's imaging studies in a PACS to their record: QIDO-RS finds the studies, each becomes a FHIR
// ImagingStudy (+ the Endpoint it can be retrieved from) that goes through the one FHIR import pipeline, so it
// is validated, kept with history, and shown on the timeline (imaging lane) like any other record.
import type { Resource } from '@medplum/fhirtypes';
import type { ReadItem } from '@oncoboard/ehr-fhir';
import { DicomWebClient, dicomValue, DICOM_TAG, imagingStudyFromDicomWeb, type DicomWebClientOptions } from '@oncoboard/imaging/dicomweb';
import { importFhirItems, type ImportOptions, type ImportResult } from './fhir-import';

export interface ImagingLinkRequest {
  /** The OncoBoard patient the studies belong to, e.g. "Patient/123". */
  patientKey: string;
  /** QIDO-RS filter by the PACS's Patient ID (00100020); at least this or studyInstanceUid. */
  pacsPatientId?: string;
  /** One study only. */
  studyInstanceUid?: string;
  client?: DicomWebClientOptions;
}

export async function importImagingStudiesFromDicomWeb(dicomWebRoot: string, request: ImagingLinkRequest, options: ImportOptions): Promise<ImportResult & { studies: number }> {
  if (!/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(request.patientKey)) {
    throw new Error(`imaging link: patientKey: expected "Patient/<id>", found "${request.patientKey}"`);
  }
  if (!request.pacsPatientId && !request.studyInstanceUid) {
    throw new Error('imaging link: expected a PACS patient id or a study instance UID to search by (linking every study in a PACS to one patient would be wrong)');
  }
  const client = new DicomWebClient(dicomWebRoot, request.client);
  const studies = await client.searchStudies({
    ...(request.pacsPatientId ? { PatientID: request.pacsPatientId } : {}),
    ...(request.studyInstanceUid ? { StudyInstanceUID: request.studyInstanceUid } : {}),
    includefield: 'all',
  });
  const resources: { resource: Resource; place: string }[] = [];
  for (const study of studies) {
    const uid = dicomValue(study, DICOM_TAG.StudyInstanceUID) ?? '?';
    const series = await client.searchSeries(uid, { includefield: 'all' });
    const { imagingStudy, endpoint } = imagingStudyFromDicomWeb(study, series, { subject: { reference: request.patientKey }, dicomWebRoot: client.root });
    resources.push({ resource: endpoint, place: `study ${uid} endpoint` }, { resource: imagingStudy, place: `study ${uid}` });
  }
  async function* items(): AsyncGenerator<ReadItem> {
    for (const { resource, place } of resources) yield { kind: 'resource', resource, location: { file: client.root, place } };
  }
  const result = await importFhirItems(items(), `DICOMweb ${client.root}`, options);
  return { ...result, studies: studies.length };
}
