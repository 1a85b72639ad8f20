// FHIR R4 validation against the base structure definitions (compiled; Medplum's validator for invariants), as OperationOutcomes.
export { validateResource, formatOutcome, hasErrors, type ValidateOptions } from './validate-resource';
export { loadR4StructureDefinitions, loadR4SearchParameters } from './definitions';
