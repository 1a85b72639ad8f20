// Loads the mCODE STU4 examples (CC0, hl7.fhir.us.mcode 4.0.0) committed in demo/ for the tests of mcode and timeline.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';

import { MCODE_BUNDLES_DIR, MCODE_EXAMPLES_DIR } from '../../testing/mcode-examples';

export const EXAMPLES_DIR = MCODE_EXAMPLES_DIR;
export const BUNDLES_DIR = MCODE_BUNDLES_DIR;

export interface Example {
  file: string;
  resource: Resource;
}

function readDir(dir: string): Example[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, resource: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Resource }));
}

/** The 177 loose example resources and the 2 example Bundles: 179 files. */
export function loadAllExamples(): Example[] {
  return [...readDir(EXAMPLES_DIR), ...readDir(BUNDLES_DIR)];
}

export function loadExample(file: string): Resource {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Resource;
}

export function loadJennyBundle(): Bundle {
  return JSON.parse(readFileSync(join(BUNDLES_DIR, 'Bundle-mcode-patient-bundle-jenny-m.json'), 'utf8')) as Bundle;
}

/** The store key a record gets (as libs/ingest makes it): "fhir/<type>/<id>". */
export function recordKeyOf(resource: Resource): string {
  return `fhir/${resource.resourceType}/${resource.id ?? ''}`;
}

/** Every resource of the examples, Bundles unpacked into their entries (each entry a record of its own). */
export function allResources(): { file: string; resource: Resource }[] {
  return loadAllExamples().flatMap(({ file, resource }) =>
    resource.resourceType === 'Bundle'
      ? [{ file, resource }, ...(resource.entry ?? []).filter((e) => e.resource).map((e) => ({ file: `${file}#${e.resource!.resourceType}/${e.resource!.id}`, resource: e.resource! }))]
      : [{ file, resource }],
  );
}
