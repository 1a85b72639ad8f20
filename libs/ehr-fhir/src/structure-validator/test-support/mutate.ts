// Deterministic (seeded) mutations of valid resources, for the differential test against Medplum.
// Locations are found with MEDPLUM's schema (getDataType, after indexStructureDefinitionBundle), not with the
// compiled schema under test, so that a misreading of the definitions by the compiler cannot hide itself.
import { getDataType, isPrimitiveType, tryGetDataType } from '@medplum/core';
import type { InternalSchemaElement, InternalTypeSchema } from '@medplum/core';
import { mulberry32 } from '@oncoboard/facts';

type Obj = Record<string, unknown>;

interface ObjLoc {
  obj: Obj;
  schema: InternalTypeSchema;
  path: string;
  deep: boolean;
}
interface PropLoc {
  obj: Obj;
  key: string;
  /** Schema key (value[x]) and its element. */
  elKey: string;
  el: InternalSchemaElement;
  type: string;
  path: string;
  deep: boolean;
}

const DEEP = new Set(['component', 'extension', 'modifierExtension']);

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function collect(obj: Obj, schema: InternalTypeSchema, path: string, deep: boolean, objs: ObjLoc[], props: PropLoc[]): void {
  objs.push({ obj, schema, path, deep });
  for (const [elKey, el] of Object.entries(schema.elements)) {
    const choice = elKey.endsWith('[x]');
    const base = choice ? elKey.slice(0, -3) : elKey;
    for (const t of el.type) {
      const key = choice ? base + capitalize(t.code) : base;
      if (!(key in obj)) continue;
      const v = obj[key];
      props.push({ obj, key, elKey, el, type: t.code, path: `${path}.${key}`, deep });
      if (!isPrimitiveType(t.code)) {
        const childDeep = deep || DEEP.has(base);
        const items = Array.isArray(v) ? v : [v];
        items.forEach((item, i) => {
          if (!isObj(item)) return;
          const childSchema = t.code === 'Resource' ? tryGetDataType(String(item.resourceType)) : getDataType(t.code);
          if (childSchema) collect(item, childSchema, Array.isArray(v) ? `${path}.${key}[${i}]` : `${path}.${key}`, childDeep, objs, props);
        });
      }
      break;
    }
  }
}

export const MUTATION_KINDS = [
  'delete-required',
  'unknown-property',
  'array-for-singleton',
  'singleton-for-array',
  'wrong-primitive-type',
  'bad-date',
  'empty-string',
  'wrong-choice-suffix',
  'null-value',
  'bad-format',
  'empty-complex',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutation {
  id: number;
  kind: MutationKind;
  deep: boolean;
  source: string;
  /** What was done, e.g. "wrap in array at Observation.component[1].code". */
  description: string;
  resource: Obj;
}

const STRINGY = new Set(['string', 'code', 'uri', 'url', 'canonical', 'id', 'markdown', 'date', 'dateTime', 'instant', 'time', 'oid', 'uuid', 'base64Binary']);
const UNKNOWN_KEYS = ['foo', 'statuss', 'extensions', 'codeSystem', 'comment', 'Text', '_foo', 'fhir_comments', 'valueFoo', 'display_name'];
const BAD_DATES = ['2020-13-01', '2020-02-30T', '20200101', '2020/01/01', '2020-01-01T25:00:00Z', '2020-1-1', 'yesterday', '2020-01-01 10:00'];
const CHOICE_SUFFIXES = ['Foo', 'Strin', 'Text', 'Address', 'String', 'Quantity', 'Boolean', 'CodeableConcept', 'Integer', 'Reference'];

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Renames a key in place, keeping the key order. */
function renameKey(obj: Obj, from: string, to: string): void {
  const entries = Object.entries(obj);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) obj[k === from ? to : k] = v;
}

/** Applies one mutation of the given kind to `r` (already a copy); returns its description, or undefined if none applies. */
function apply(kind: MutationKind, r: Obj, deep: boolean, rng: () => number): string | undefined {
  const objs: ObjLoc[] = [];
  const props: PropLoc[] = [];
  collect(r, getDataType(String(r.resourceType)), String(r.resourceType), false, objs, props);
  const O = deep ? objs.filter((o) => o.deep) : objs;
  const P = deep ? props.filter((p) => p.deep) : props;
  const prim = P.filter((p) => isPrimitiveType(p.type));
  switch (kind) {
    case 'delete-required': {
      const cands: [ObjLoc, string, InternalSchemaElement][] = [];
      for (const o of O) for (const [k, el] of Object.entries(o.schema.elements)) if (el.min > 0) cands.push([o, k, el]);
      const present = cands.filter(([o, k, el]) => Object.keys(o.obj).some((key) => keyBelongs(key, k, el)));
      if (!present.length) return undefined;
      const [o, k, el] = pick(rng, present);
      for (const key of Object.keys(o.obj)) if (keyBelongs(key, k, el)) delete o.obj[key];
      return `delete required ${o.path}.${k}`;
    }
    case 'unknown-property': {
      if (!O.length) return undefined;
      const o = pick(rng, O);
      const key = pick(rng, UNKNOWN_KEYS);
      if (key in o.obj) return undefined;
      o.obj[key] = pick(rng, ['x', 1, true, { text: 'x' }, ['a']]);
      return `add ${o.path}.${key}`;
    }
    case 'array-for-singleton': {
      const c = P.filter((p) => !p.el.isArray && !Array.isArray(p.obj[p.key]));
      if (!c.length) return undefined;
      const p = pick(rng, c);
      p.obj[p.key] = [p.obj[p.key]];
      return `wrap in array ${p.path}`;
    }
    case 'singleton-for-array': {
      const c = P.filter((p) => p.el.isArray && Array.isArray(p.obj[p.key]));
      if (!c.length) return undefined;
      const p = pick(rng, c);
      p.obj[p.key] = (p.obj[p.key] as unknown[])[0];
      return `unwrap array ${p.path}`;
    }
    case 'wrong-primitive-type': {
      if (!prim.length) return undefined;
      const p = pick(rng, prim);
      const v = p.obj[p.key];
      const wrong = (x: unknown): unknown => (typeof x === 'string' ? pick(rng, [42, true]) : typeof x === 'number' ? String(x) : typeof x === 'boolean' ? String(x) : 7);
      if (Array.isArray(v)) {
        const i = Math.floor(rng() * v.length);
        v[i] = wrong(v[i]);
        return `wrong JSON type ${p.path}[${i}]`;
      }
      p.obj[p.key] = wrong(v);
      return `wrong JSON type ${p.path} (${typeof v} -> ${typeof p.obj[p.key]})`;
    }
    case 'bad-date': {
      const c = prim.filter((p) => ['date', 'dateTime', 'instant'].includes(p.type) && !Array.isArray(p.obj[p.key]));
      if (!c.length) return undefined;
      const p = pick(rng, c);
      p.obj[p.key] = pick(rng, BAD_DATES);
      return `bad ${p.type} ${p.path} = ${JSON.stringify(p.obj[p.key])}`;
    }
    case 'empty-string': {
      const c = prim.filter((p) => STRINGY.has(p.type));
      if (!c.length) return undefined;
      const p = pick(rng, c);
      const v = p.obj[p.key];
      if (Array.isArray(v)) {
        v[Math.floor(rng() * v.length)] = '';
        return `empty string in ${p.path}[]`;
      }
      p.obj[p.key] = pick(rng, ['', ' ', '  \t']);
      return `empty/blank string ${p.path} = ${JSON.stringify(p.obj[p.key])}`;
    }
    case 'wrong-choice-suffix': {
      const c = P.filter((p) => p.elKey.endsWith('[x]'));
      if (!c.length) return undefined;
      const p = pick(rng, c);
      const base = p.elKey.slice(0, -3);
      const to = base + pick(rng, CHOICE_SUFFIXES);
      if (to === p.key || to in p.obj) return undefined;
      renameKey(p.obj, p.key, to);
      if (('_' + p.key) in p.obj) renameKey(p.obj, '_' + p.key, '_' + to);
      return `rename ${p.path} -> ${to}`;
    }
    case 'null-value': {
      if (!P.length) return undefined;
      const p = pick(rng, P);
      const v = p.obj[p.key];
      if (Array.isArray(v) && rng() < 0.5) {
        v[Math.floor(rng() * v.length)] = null;
        return `null item in ${p.path}`;
      }
      p.obj[p.key] = null;
      return `null ${p.path}`;
    }
    case 'bad-format': {
      const c = prim.filter((p) => ['code', 'id', 'uri', 'url', 'canonical', 'positiveInt', 'unsignedInt', 'integer', 'decimal', 'boolean'].includes(p.type) && !Array.isArray(p.obj[p.key]));
      if (!c.length) return undefined;
      const p = pick(rng, c);
      const bad: Record<string, unknown[]> = {
        code: ['two  spaces', ' leading', 'trailing '],
        id: ['has space', 'x'.repeat(65), 'bad_underscore'],
        uri: ['http://exa mple.org'],
        url: ['http://exa mple.org'],
        canonical: ['http://exa mple.org'],
        positiveInt: [0, -3, 1.5],
        unsignedInt: [-1, 2.5],
        integer: [1.25],
        decimal: ['1.0'],
        boolean: ['true', 1],
      };
      p.obj[p.key] = pick(rng, bad[p.type]!);
      return `bad ${p.type} ${p.path} = ${JSON.stringify(p.obj[p.key])}`;
    }
    case 'empty-complex': {
      const c = P.filter((p) => !isPrimitiveType(p.type) && p.type !== 'Resource');
      if (!c.length) return undefined;
      const p = pick(rng, c);
      const v = p.obj[p.key];
      if (Array.isArray(v) && rng() < 0.5) {
        v[Math.floor(rng() * v.length)] = {};
        return `empty object in ${p.path}`;
      }
      p.obj[p.key] = Array.isArray(v) ? pick(rng, [[], [{}]]) : {};
      return `empty ${p.path} = ${JSON.stringify(p.obj[p.key])}`;
    }
  }
}

function keyBelongs(key: string, elKey: string, el: InternalSchemaElement): boolean {
  const k = key.startsWith('_') ? key.slice(1) : key;
  if (!elKey.endsWith('[x]')) return k === elKey;
  const base = elKey.slice(0, -3);
  return el.type.some((t) => k === base + capitalize(t.code));
}

/**
 * Generates `count` mutations from the corpus, deterministically for a seed: the kinds in turn, about 40% of them
 * restricted to locations inside components / extensions ("deep").
 */
export function generateMutations(corpus: readonly { source: string; resource: Obj }[], count: number, seed: number): Mutation[] {
  const rng = mulberry32(seed);
  const out: Mutation[] = [];
  for (let id = 0; out.length < count && id < count * 20; id++) {
    const kind = MUTATION_KINDS[out.length % MUTATION_KINDS.length]!;
    const deep = rng() < 0.4;
    for (let attempt = 0; attempt < 40; attempt++) {
      const src = pick(rng, corpus);
      const copy = structuredClone(src.resource);
      const description = apply(kind, copy, deep, rng);
      if (description) {
        out.push({ id: out.length, kind, deep, source: src.source, description, resource: copy });
        break;
      }
    }
  }
  return out;
}
