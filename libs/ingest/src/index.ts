export * from './fhir-import';
