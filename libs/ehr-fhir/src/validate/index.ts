// FHIR R4 validation against the base structure definitions (Medplum's validator), as OperationOutcomes.
export { validateResource, formatOutcome, hasErrors } from './validate-resource';
export { loadR4StructureDefinitions, loadR4SearchParameters } from './definitions';
