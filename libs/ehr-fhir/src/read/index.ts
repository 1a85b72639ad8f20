// FHIR R4 in: files (resources, Bundles, bulk NDJSON, gzip) and uploads, streamed; keys and hashes of what was read.
export type { ReadItem, ReadOptions, SourceLocation } from './types';
export { DEFAULT_MAX_LINE_BYTES, DEFAULT_SINGLE_PASS_BYTES } from './types';
export { readFhirFile, readFhirPath, readFhirText, FHIR_FILE_NAME } from './read-file';
export { hashFhirResource, sourceRecordKeyOf, canonicalJson } from './keys';
export { patientKeyOf, patientCompartment, patientReferenceKey, r4ResourceTypes, type PatientCompartmentParam } from './patient-compartment';
export { describeLocation, locatedIssue, outcomeOf, type IssueOptions } from './outcome';
export { locateJsonSyntaxError, type JsonSyntaxError } from './json-syntax';
export { resourceLabel } from './resource-shape';
