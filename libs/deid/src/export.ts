// One call that de-identifies what leaves the platform for a patient or a cohort: FHIR resources (Safe Harbor,
// dates shifted per patient), DICOM files (PS3.15 Basic Profile, Modified Dates Option, same per-patient offset)
// and free texts (rule-based masking with the record's own names and identifiers), with a manifest of what was
// done: counts per rule, the profiles and options, the key id (never the key) and the software version.
// Nothing here logs; errors name inputs by index, never by content.
import type { DeidKey } from './key';
import { loadDeidKey } from './key';
import { compileRecordTextDeidentifier, deidentifyFhirResources, fhirPatientDateOffsetDays, listFhirPatients } from './fhir-safe-harbor';
import { DICOM_DEID_METHOD_CODES, deidentifyDicomFile, readDicomPatientId } from './dicom-confidentiality';
import { addCounts } from './text-deid';
import type { TextMask, TextMaskKind } from './text-deid';
import { DEID_SOFTWARE } from './version';

export class DeidExportError extends Error {
  override name = 'DeidExportError';
}

export interface DeidExportInput {
  /** FHIR R4 resources and/or Bundles of the patient(s). */
  resources: readonly unknown[];
  /** DICOM Part 10 files; `patientId` (the ORIGINAL FHIR Patient id) says whose, else PatientID is matched. */
  dicomFiles?: readonly { bytes: Uint8Array; patientId?: string }[];
  /** Free texts (reports, notes); `patientId` says whose (needed when the export holds several patients). */
  texts?: readonly { text: string; patientId?: string }[];
  /** The key; without it ONCOBOARD_DEID_KEY is read from `env` (process.env), and the export refuses to run without one. */
  key?: DeidKey;
  env?: Record<string, string | undefined>;
  /** Ages are computed at this date (YYYY-MM-DD); default today (UTC). */
  referenceDate?: string;
  narrative?: 'deidentify' | 'drop';
  allowBurnedInAnnotation?: boolean;
}

export interface DeidManifest {
  software: { name: string; version: string };
  /** Fingerprint of the key that made the pseudonyms (the key itself is never written). */
  keyId: string;
  referenceDate: string;
  profiles: { id: string; name: string; options: string[]; notImplemented: string[]; codes?: string[] }[];
  totals: { patients: number; resources: number; dicomFiles: number; texts: number };
  counts: {
    fhir: Record<string, number>;
    fhirTextMasks: Partial<Record<TextMaskKind, number>>;
    dicom: Record<string, number>;
    textMasks: Partial<Record<TextMaskKind, number>>;
  };
}

export interface DeidExport {
  /** A collection Bundle of the de-identified resources (fullUrl urn:uuid:<pseudonymous id>). */
  bundle: { resourceType: 'Bundle'; id: string; type: 'collection'; entry: { fullUrl: string; resource: Record<string, unknown> }[] };
  dicomFiles: { path: string; bytes: Uint8Array; sopInstanceUid: string; seriesInstanceUid?: string; studyInstanceUid?: string }[];
  texts: { text: string; masks: TextMask[] }[];
  manifest: DeidManifest;
}

export function deidentifyPatientExport(input: DeidExportInput): DeidExport {
  const key = input.key ?? loadDeidKey(input.env ?? process.env);
  const referenceDate = input.referenceDate ?? new Date().toISOString().slice(0, 10);
  const fhir = deidentifyFhirResources(input.resources, { key, referenceDate, narrative: input.narrative ?? 'deidentify' });
  const patients = listFhirPatients(input.resources);
  const whose = (given: string | undefined, what: string, dicomPatientId?: string): string => {
    if (given !== undefined) {
      if (!patients.some((p) => p.id === given)) throw new DeidExportError(`${what}.patientId: expected the id of a Patient in resources, found one that is not there`);
      return given;
    }
    if (dicomPatientId !== undefined) {
      const matches = patients.filter((p) => p.identifierValues.includes(dicomPatientId));
      if (matches.length === 1) return matches[0]!.id;
    }
    if (patients.length === 1) return patients[0]!.id;
    throw new DeidExportError(`${what}: cannot tell which patient it belongs to (${patients.length} Patients in resources${dicomPatientId !== undefined ? ', PatientID matches none of their identifiers' : ''}); give patientId`);
  };

  const dicomCounts: Record<string, number> = {};
  const dicomFiles = (input.dicomFiles ?? []).map((file, n) => {
    const label = `dicomFiles[${n}]`;
    const patientId = whose(file.patientId, label, file.patientId === undefined ? readDicomPatientId(file.bytes, label) : undefined);
    const result = deidentifyDicomFile(file.bytes, { key, dateOffsetDays: fhirPatientDateOffsetDays(key, patientId), label, ...(input.allowBurnedInAnnotation ? { allowBurnedInAnnotation: true } : {}) });
    addCounts(dicomCounts, result.report.counts);
    return {
      path: `dicom/${result.studyInstanceUid ?? 'study'}/${result.seriesInstanceUid ?? 'series'}/${result.sopInstanceUid}.dcm`,
      bytes: result.bytes,
      sopInstanceUid: result.sopInstanceUid,
      ...(result.seriesInstanceUid ? { seriesInstanceUid: result.seriesInstanceUid } : {}),
      ...(result.studyInstanceUid ? { studyInstanceUid: result.studyInstanceUid } : {}),
    };
  });

  const textMasks: Partial<Record<TextMaskKind, number>> = {};
  const textDeidentifier = input.texts?.length ? compileRecordTextDeidentifier(input.resources, key) : undefined;
  const texts = (input.texts ?? []).map((t, n) => {
    if (typeof t.text !== 'string') throw new DeidExportError(`texts[${n}].text: expected a string`);
    const patientId = whose(t.patientId, `texts[${n}]`);
    const result = textDeidentifier!.deidentify(t.text, fhirPatientDateOffsetDays(key, patientId));
    addCounts(textMasks, result.counts);
    return { text: result.text, masks: result.masks };
  });

  const entry: DeidExport['bundle']['entry'] = [];
  for (const r of fhir.resources) {
    if (r.resourceType === 'Bundle' && Array.isArray(r.entry)) {
      for (const e of r.entry as { fullUrl?: string; resource?: Record<string, unknown> }[]) {
        if (e.resource) entry.push({ fullUrl: e.fullUrl ?? `urn:uuid:${String(e.resource.id)}`, resource: e.resource });
      }
    } else entry.push({ fullUrl: `urn:uuid:${String(r.id)}`, resource: r });
  }
  const bundleId = entry.map((e) => e.fullUrl).join('|');
  return {
    bundle: { resourceType: 'Bundle', id: pseudonymBundleId(key, bundleId), type: 'collection', entry },
    dicomFiles,
    texts,
    manifest: {
      software: { ...DEID_SOFTWARE },
      keyId: key.id,
      referenceDate,
      profiles: PROFILES(input.narrative ?? 'deidentify'),
      totals: { patients: patients.length, resources: fhir.report.resources, dicomFiles: dicomFiles.length, texts: texts.length },
      counts: { fhir: fhir.report.counts, fhirTextMasks: fhir.report.textMasks, dicom: dicomCounts, textMasks },
    },
  };
}

function pseudonymBundleId(key: DeidKey, content: string): string {
  return key.digest('export-bundle-id', content).subarray(0, 16).toString('hex');
}

/** The profiles, options and known gaps written into every manifest. */
export const PROFILES = (narrative: string): DeidManifest['profiles'] => [
  {
    id: 'hipaa-safe-harbor',
    name: 'HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i) (FHIR R4)',
    options: [
      'dates shifted per patient by a keyed offset of 1 to 365 days either way (instead of reduced to the year)',
      'ZIP codes removed entirely (3-digit ZIP populations are not known offline)',
      'birth dates of patients over 89 removed; ages over 89 set to 90 with comparator >=',
      'identifier values and resource ids replaced by keyed pseudonyms (consistent across exports with one key)',
      `narratives ${narrative === 'drop' ? 'dropped' : 'de-identified as free text'}`,
    ],
    notImplemented: ['expert review of free text (Safe Harbor also requires no actual knowledge of re-identifiability)', 'biometric identifiers outside Attachment/photo elements'],
  },
  {
    id: 'dicom-basic-profile',
    name: 'DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile',
    codes: DICOM_DEID_METHOD_CODES.map((c) => c.code),
    options: ['Retain Longitudinal Temporal Information with Modified Dates Option (same day offset as the FHIR dates)'],
    notImplemented: ['Clean Pixel Data Option (burned-in annotations are not removed)', 'Retain Safe Private Option (all private attributes removed)', 'Clean Descriptors / Clean Structured Content / Clean Graphics Options', 'Retain Patient Characteristics, Device Identity, Institution Identity, UIDs Options'],
  },
  {
    id: 'text-rules',
    name: 'Rule-based free-text masking (names, dates, identifiers, contacts, addresses)',
    options: ['dates shifted by the patient offset in their own format', "the record's own names, identifiers, contacts and addresses masked wherever they occur"],
    notImplemented: ['named-entity recognition model (unusual names without honorific, label or record match are missed)'],
  },
];
