// FHIR R4 ImagingStudy (and the Endpoint it points to) for a study found over DICOMweb, so a patient's record
// links to the images where they live: identifier urn:oid:<Study Instance UID>, one series entry per series,
// and an Endpoint of type dicom-wado-rs whose address is the DICOMweb root the study can be retrieved from.
import type { Device, Endpoint, Group, ImagingStudy, Patient, Reference } from '@medplum/fhirtypes';
import { createHash } from 'node:crypto';
import { TAG, dicomValue, type DicomJson } from './client';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

/** A FHIR id from a DICOM UID: the UID itself when it fits (64 characters of digits and dots), else a hash. */
export function fhirIdOfUid(uid: string): string {
  return /^[0-9.]{1,64}$/.test(uid) ? uid : `uid-${createHash('sha256').update(uid).digest('hex').slice(0, 40)}`;
}

/** DICOM DA (YYYYMMDD) as a FHIR date; undefined when absent or malformed. Time is left out: DICOM TM has no zone. */
function fhirDate(da: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da?.trim() ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

function count(dataset: DicomJson, tag: string): number | undefined {
  const n = Number(dicomValue(dataset, tag));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export interface ImagingStudyLink {
  imagingStudy: ImagingStudy;
  endpoint: Endpoint;
}

/**
 * Builds the ImagingStudy for a QIDO-RS study result and its series results. `subject` is the patient the
 * study belongs to in OncoBoard (DICOM's Patient ID is the PACS's, not necessarily the EHR's); `dicomWebRoot`
 * is where the study was found.
 */
export function imagingStudyFromDicomWeb(study: DicomJson, series: readonly DicomJson[], options: { subject: Reference<Patient | Group | Device>; dicomWebRoot: string }): ImagingStudyLink {
  const studyUid = dicomValue(study, TAG.StudyInstanceUID);
  if (!studyUid) throw new Error('imagingStudyFromDicomWeb: the study has no Study Instance UID (0020000D)');
  const endpoint: Endpoint = {
    resourceType: 'Endpoint',
    id: `dicomweb-${createHash('sha256').update(options.dicomWebRoot).digest('hex').slice(0, 16)}`,
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'dicom-wado-rs' },
    payloadType: [{ text: 'DICOM' }],
    address: options.dicomWebRoot,
  };
  const seriesEntries = series.map((s, index) => {
    const uid = dicomValue(s, TAG.SeriesInstanceUID);
    const modality = dicomValue(s, TAG.Modality);
    if (!uid || !modality) throw new Error(`imagingStudyFromDicomWeb: series ${index} of study ${studyUid} lacks ${uid ? 'Modality (00080060)' : 'Series Instance UID (0020000E)'}`);
    const number = Number(dicomValue(s, TAG.SeriesNumber));
    const instances = count(s, TAG.NumberOfSeriesRelatedInstances);
    const description = dicomValue(s, TAG.SeriesDescription);
    return {
      uid,
      modality: { system: DCM, code: modality },
      ...(Number.isInteger(number) && number >= 0 ? { number } : {}),
      ...(description ? { description } : {}),
      ...(instances !== undefined ? { numberOfInstances: instances } : {}),
    };
  });
  const modalities = [...new Set(seriesEntries.map((s) => s.modality.code))].map((code) => ({ system: DCM, code }));
  const started = fhirDate(dicomValue(study, TAG.StudyDate));
  const description = dicomValue(study, TAG.StudyDescription);
  const studyInstances = count(study, TAG.NumberOfStudyRelatedInstances) ?? seriesEntries.reduce((n, s) => n + (s.numberOfInstances ?? 0), 0);
  const imagingStudy: ImagingStudy = {
    resourceType: 'ImagingStudy',
    id: fhirIdOfUid(studyUid),
    identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${studyUid}` }],
    status: 'available',
    subject: options.subject,
    ...(started ? { started } : {}),
    ...(modalities.length > 0 ? { modality: modalities } : {}),
    endpoint: [{ reference: `Endpoint/${endpoint.id}` }],
    numberOfSeries: seriesEntries.length,
    numberOfInstances: studyInstances,
    ...(description ? { description } : {}),
    ...(seriesEntries.length > 0 ? { series: seriesEntries } : {}),
  };
  return { imagingStudy, endpoint };
}
