// Fast FHIR R4 structural validation, compiled once from the R4 StructureDefinitions: the structural problems
// Medplum's validateResource reports (same messages and paths), without FHIRPath invariants. See validator.ts.
export type { R4StructureValidator, StructureIssue, StructureValidatorOptions } from './types';
export { compileR4StructureValidator, getR4StructureValidator, validateR4Structure } from './validator';
/** Reads profiles-types.json and profiles-resources.json once, e.g. to share them with Medplum's indexStructureDefinitionBundle. */
export { loadDefinitionBundles as loadR4DefinitionBundles } from './compile';
