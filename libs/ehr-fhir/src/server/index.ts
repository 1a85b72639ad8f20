// FHIR R4 from a live server (fhir-kit-client): patients, their compartments, and what those reference.
export { readFhirServer, type FhirServerReadOptions } from './read-fhir-server';
