export * from './fhir-import';
export * from './imaging-link';
