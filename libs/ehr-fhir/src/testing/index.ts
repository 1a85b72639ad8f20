// Test support for FHIR: a real FHIR server (Medplum's router, in memory) and the committed example data.
export { startTestFhirServer, type TestFhirServer, type TestFhirServerOptions } from './test-fhir-server';
export { loadMcodeExampleResources, resourcesOf, EHR_FHIR_FIXTURES_DIR, MCODE_EXAMPLES_DIR, MCODE_BUNDLES_DIR } from './mcode-examples';
