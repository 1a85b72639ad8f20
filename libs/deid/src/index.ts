// De-identification (issue 8): FHIR by HIPAA Safe Harbor with per-patient date shifting, DICOM by the PS3.15
// Basic Application Level Confidentiality Profile (Retain Longitudinal Temporal Information with Modified Dates),
// free text by rules; one export call with a manifest. Keys come from configuration (ONCOBOARD_DEID_KEY).
export { DeidKey, DeidKeyError, loadDeidKey, patientDateOffsetDays, pseudonymUid, DEID_KEY_ENV, DEID_KEY_MIN_LENGTH, MAX_DATE_OFFSET_DAYS } from './key';
export { deidentifyText, compileTextDeidentifier, type TextDeidOptions, type TextDeidResult, type TextMask, type TextMaskKind, type KnownTerm, type TextDeidentifier, type TextDeidVocabulary } from './text-deid';
export {
  deidentifyFhirResources, pseudonymResourceId, fhirPatientDateOffsetDays, compileRecordTextDeidentifier, listFhirPatients, FhirDeidError,
  type FhirSafeHarborOptions, type FhirSafeHarborResult, type FhirSafeHarborReport,
} from './fhir-safe-harbor';
export {
  deidentifyDicomFile, readDicomPatientId, resolveAction, DicomDeidError, DICOM_DEID_METHOD_CODES,
  type DicomConfidentialityOptions, type DicomConfidentialityResult, type DicomConfidentialityReport,
} from './dicom-confidentiality';
export { BASIC_PROFILE_TABLE, type BasicProfileRow, type BasicProfileAction } from './dicom/basic-profile-table';
export { deidentifyPatientExport, DeidExportError, type DeidExportInput, type DeidExport, type DeidManifest } from './export';
export {
  CohortDeidExporter, deidentifyCohortBundle, referencedSharedResources, SHARED_RESOURCE_TYPES,
  type CohortExportOptions, type CohortPatientInput, type CohortPatientExport, type CohortManifest, type CohortPatientManifest,
} from './cohort-export';
export { shiftFhirDate, shiftDicomDate, shiftDicomDateTime } from './date-shift';
export { DEID_SOFTWARE } from './version';
