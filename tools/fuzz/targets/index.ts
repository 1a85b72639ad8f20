// The registry of fuzz targets: one entry per parser that takes outside input. run-fuzz.ts runs them by name.
// To add one (VCF, cohort CSV, report text...), write a FuzzTarget (see ../fuzz-support.ts and ../README.md)
// in a file of this folder and add a line here. Entries load lazily: a run of one target loads only its lib.
import type { FuzzTarget } from '../fuzz-support';

export interface FuzzTargetEntry {
  name: string;
  load(): Promise<FuzzTarget>;
}

export const FUZZ_TARGETS: readonly FuzzTargetEntry[] = [
  { name: 'fhir-json', load: async () => (await import('./fhir')).fhirJsonTarget },
  { name: 'ndjson', load: async () => (await import('./fhir')).ndjsonTarget },
  { name: 'fhir-validator', load: async () => (await import('./fhir')).structureValidatorTarget },
  { name: 'dicom', load: async () => (await import('./imaging')).dicomTarget },
  { name: 'nifti', load: async () => (await import('./imaging')).niftiTarget },
  { name: 'dicom-seg', load: async () => (await import('./imaging')).dicomSegTarget },
  { name: 'vcf', load: async () => (await import('./text-formats')).vcfTarget },
  { name: 'cohort-csv', load: async () => (await import('./text-formats')).cohortCsvTarget },
  { name: 'report-text', load: async () => (await import('./text-formats')).reportTextTarget },
];

export async function loadFuzzTarget(name: string): Promise<FuzzTarget> {
  const entry = FUZZ_TARGETS.find((t) => t.name === name);
  if (!entry) throw new Error(`unknown fuzz target "${name}"; known: ${FUZZ_TARGETS.map((t) => t.name).join(', ')}`);
  const target = await entry.load();
  if (target.name !== name) throw new Error(`fuzz target registry: entry "${name}" loads a target named "${target.name}"`);
  return target;
}
