export * from './fhir-import';
export * from './imaging-link';
export * from './imaging-import';
export * from './pathology-import';
export * from './genomics-import';
