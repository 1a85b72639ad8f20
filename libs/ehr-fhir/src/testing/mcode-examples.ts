import { fileURLToPath } from 'node:url';
import type { Resource } from '@medplum/fhirtypes';
import { readFhirPath } from '../read/read-file';
import type { ReadItem } from '../read/types';

/** libs/ehr-fhir/fixtures: small hand-written inputs for the readers' error handling (see its README). */
export const EHR_FHIR_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures', import.meta.url));
/** The 177 loose example resources of mCODE STU4 (hl7.fhir.us.mcode 4.0.0, CC0), committed as the demo cohort. */
export const MCODE_EXAMPLES_DIR = fileURLToPath(new URL('../../../../demo/mcode-stu4', import.meta.url));
/** The two example Bundles of mCODE STU4 (Jenny M., Adam Anyperson). */
export const MCODE_BUNDLES_DIR = fileURLToPath(new URL('../../../../demo/mcode-stu4-bundles', import.meta.url));

/** The resources of every item, atomic groups flattened. */
export function resourcesOf(items: ReadItem[]): Resource[] {
  return items.flatMap((item) => (item.kind === 'resource' ? [item.resource] : item.kind === 'atomic-group' ? resourcesOf(item.items) : []));
}

/**
 * Every resource under a directory or in a file (e.g. the mCODE examples), as readFhirPath reads them (ids
 * assigned, Bundle references resolved). Throws when anything could not be read: a test helper, not an importer.
 */
export async function loadMcodeExampleResources(dirOrFile: string = MCODE_EXAMPLES_DIR): Promise<Resource[]> {
  const items: ReadItem[] = [];
  for await (const item of readFhirPath(dirOrFile)) items.push(item);
  const problems = items.filter((i) => i.kind === 'error').map((i) => (i.kind === 'error' ? i.outcome.issue?.[0]?.diagnostics : ''));
  if (problems.length > 0) throw new Error(`loadMcodeExampleResources: ${problems.join('; ')}`);
  return resourcesOf(items);
}
