// De-identification of FHIR R4 resources by the HIPAA Safe Harbor method (45 CFR 164.514(b)(2)), with the
// dates of each patient shifted by one secret per-patient offset instead of cut to the year (see README: that
// choice keeps intervals for research, and is the one place this departs from the letter of Safe Harbor).
// Every element is handled by its declared R4 type (./fhir/r4-types: a table generated from the R4
// StructureDefinitions):
//   HumanName → removed              Address → state and country only (ZIP removed: populations unknown offline)
//   ContactPoint → removed           Identifier → keyed pseudonym value and system (same MRN, same pseudonym)
//   date/dateTime/instant → shifted  Reference → re-pointed to the pseudonymous id (display removed)
//   Attachment → data/url removed (text/* data de-identified), photos removed      Age ≥ 90 → 90 with ">="
//   string/markdown/xhtml → the rule-based text de-identifier, with the record's own names and identifiers
//   Resource.id → keyed pseudonym (a UUID), Bundle fullUrls rewritten to match; Meta.source/versionId removed
// Codes, values and units are kept. The report holds counts per rule, never values.
import type { DeidKey } from './key';
import { patientDateOffsetDays, pseudonymToken, pseudonymUuid } from './key';
import { shiftFhirDate } from './date-shift';
import { addCounts, compileTextDeidentifier } from './text-deid';
import type { KnownTerm, TextDeidentifier, TextMaskKind } from './text-deid';
import { r4Schema } from './fhir/r4-types';
import type { R4Prop, R4Type } from './fhir/r4-types';

export interface FhirSafeHarborOptions {
  key: DeidKey;
  /** Ages are computed at this date (ISO YYYY-MM-DD) unless the patient died earlier; default today (UTC). */
  referenceDate?: string;
  /** Resource narratives (text.div): de-identified like other free text (default), or dropped. */
  narrative?: 'deidentify' | 'drop';
}

export interface FhirSafeHarborReport {
  /** How many times each rule fired (no values). */
  counts: Record<string, number>;
  /** Masks made in free-text elements, by kind. */
  textMasks: Partial<Record<TextMaskKind, number>>;
  patients: number;
  resources: number;
}

export interface FhirSafeHarborResult {
  /** The de-identified resources, in input order (a Bundle stays a Bundle). */
  resources: Record<string, unknown>[];
  report: FhirSafeHarborReport;
}

export class FhirDeidError extends Error {
  override name = 'FhirDeidError';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The pseudonymous id of a resource: a keyed UUID of "Type/id" (the same in every export made with the key). */
export function pseudonymResourceId(key: DeidKey, resourceType: string, id: string): string {
  return pseudonymUuid(key, 'fhir-resource-id', `${resourceType}/${id}`);
}

/** The date offset of a FHIR patient (by its ORIGINAL id), shared with DICOM and text of the same patient. */
export function fhirPatientDateOffsetDays(key: DeidKey, patientId: string): number {
  return patientDateOffsetDays(key, `Patient/${patientId}`);
}

// Terminology and standards systems (and HL7-registered OIDs: SSN, NPI, CLIA, ...) stay as they are; other
// identifier systems name an institution.
const PUBLIC_SYSTEM = /^(?:https?:\/\/(?:[\w-]+\.)*(?:hl7\.org|loinc\.org|snomed\.info|nlm\.nih\.gov|cms\.gov|unitsofmeasure\.org)(?:\/|$)|urn:ietf:|urn:oid:2\.16\.840\.1\.113883\.)/i;

/** Elements removed outright (device serials and UDIs, photos, geolocation, endpoints). */
const REMOVED_PATHS = new Set([
  'Patient.photo', 'Practitioner.photo', 'RelatedPerson.photo', 'Person.photo',
  'Device.serialNumber', 'Device.lotNumber', 'Device.udiCarrier', 'Device.distinctIdentifier', 'Device.url',
  'Endpoint.address', 'Location.position', 'FamilyMemberHistory.name', 'Bundle.link', 'Bundle.signature', 'Provenance.signature',
]);

/** Strings that are part of a code or unit, not free text: copied as they are. */
const VERBATIM = new Set(['Coding.version', 'Quantity.unit', 'Age.unit', 'Duration.unit', 'Distance.unit', 'Count.unit', 'SimpleQuantity.unit', 'MoneyQuantity.unit']);

const REFERENCE = /^(?:.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/;

interface WalkContext {
  /** Days added to every date of the current resource. */
  offset: number;
  /** Date at which ages are computed, for Patient.birthDate. */
  ageAt?: string;
  birthMasked?: boolean;
}

/** Counts what the walker does; only numbers. */
class RuleCounts {
  readonly counts: Record<string, number> = {};
  readonly textMasks: Partial<Record<TextMaskKind, number>> = {};
  add(rule: string, n = 1): void {
    this.counts[rule] = (this.counts[rule] ?? 0) + n;
  }
}

/**
 * De-identifies FHIR R4 resources (loose resources and/or Bundles, one patient or a cohort). Dates of a resource
 * are shifted by the offset of the patient it belongs to (its Patient, or the one Patient it references);
 * resources that belong to no single patient use a shared offset. Throws FhirDeidError (naming the input
 * index, never a value) for input that is not a FHIR resource.
 */
export function deidentifyFhirResources(inputs: readonly unknown[], options: FhirSafeHarborOptions): FhirSafeHarborResult {
  inputs.forEach((r, n) => {
    if (!isObject(r) || typeof r.resourceType !== 'string') throw new FhirDeidError(`resources[${n}]: expected a FHIR resource (an object with a resourceType), found ${Array.isArray(r) ? 'an array' : typeof r}`);
    if (!r2Known(r.resourceType)) throw new FhirDeidError(`resources[${n}].resourceType: expected an R4 resource type, found an unknown one`);
  });
  const referenceDate = options.referenceDate ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(referenceDate)) throw new FhirDeidError(`referenceDate: expected YYYY-MM-DD`);
  const record = collectRecord(inputs as Json[], options.key);
  const walker = new SafeHarborWalker(options.key, record, options.narrative ?? 'deidentify', referenceDate);
  const resources = (inputs as Json[]).map((r) => walker.topLevel(r));
  return {
    resources,
    report: { counts: walker.rules.counts, textMasks: walker.rules.textMasks, patients: record.patients.size, resources: record.resourceCount },
  };
}

function r2Known(resourceType: string): boolean {
  return r4Schema().resources.has(resourceType);
}

// ---------------------------------------------------------------- what the record itself tells us

interface RecordFacts {
  /** Original Patient ids. */
  patients: Set<string>;
  /** Bundle fullUrl (urn:uuid or absolute) → "Type/id" of its resource, to find a resource's patient. */
  fullUrlTargets: Map<string, string>;
  text: TextDeidentifier;
  resourceCount: number;
}

/** Every name, identifier, contact, address part and resource id in the input: the text de-identifier's vocabulary. */
function collectRecord(inputs: Json[], key: DeidKey): RecordFacts {
  const names = new Set<string>();
  const terms = new Map<string, KnownTerm>();
  const patients = new Set<string>();
  const fullUrlTargets = new Map<string, string>();
  let resourceCount = 0;
  const term = (text: unknown, kind: TextMaskKind, replacement?: string) => {
    if (typeof text !== 'string' || text.trim().length < 3) return;
    if (!terms.has(text) || replacement) terms.set(text, { text, kind, ...(replacement ? { replacement } : {}) });
  };
  const idTerms = (type: string, id: string) => {
    const pseudo = pseudonymResourceId(key, type, id);
    term(`${type}/${id}`, 'ID', `${type}/${pseudo}`);
    term(`${type}-${id}`, 'ID', `${type}-${pseudo}`);
    // A bare id is masked in text only when it is distinctive (short numeric ids would hit ordinary numbers);
    // a long one even inside other words (narrative anchors such as "hc<id>").
    if (id.length >= 6 && /[A-Za-z]/.test(id)) terms.set(id, { text: id, kind: 'ID', replacement: pseudo, ...(id.length >= 12 ? { anywhere: true } : {}) });
  };
  const visitResource = (res: Json) => {
    resourceCount++;
    const type = res.resourceType as string;
    if (typeof res.id === 'string') {
      idTerms(type, res.id);
      if (type === 'Patient') patients.add(res.id);
    }
    if (type === 'Bundle' && Array.isArray(res.entry)) {
      for (const entry of res.entry) {
        if (!isObject(entry) || !isObject(entry.resource)) continue;
        const r = entry.resource;
        if (typeof entry.fullUrl === 'string' && typeof r.resourceType === 'string' && typeof r.id === 'string') fullUrlTargets.set(entry.fullUrl, `${r.resourceType}/${r.id}`);
      }
    }
    visitTyped(res, r4Schema().resources.get(type), (code, value) => {
      if (code === 'HumanName' && isObject(value)) {
        const given = Array.isArray(value.given) ? value.given.filter((g): g is string => typeof g === 'string') : [];
        const family = typeof value.family === 'string' ? value.family : '';
        for (const part of [...given, family]) if (part) names.add(part);
        if (typeof value.text === 'string') names.add(value.text);
        if (family && given.length) {
          names.add(`${given.join(' ')} ${family}`);
          names.add(`${given[0]} ${family}`);
          names.add(`${family}, ${given.join(' ')}`);
          names.add(`${family}, ${given[0]}`);
          names.add(`${family} ${given[0]}`);
        }
      } else if (code === 'Identifier' && isObject(value)) {
        const isMrn = JSON.stringify(value.type ?? '').includes('"MR"');
        term(value.value, isMrn ? 'MRN' : 'ID');
      } else if (code === 'ContactPoint' && isObject(value)) {
        term(value.value, value.system === 'email' ? 'EMAIL' : value.system === 'url' ? 'URL' : 'PHONE');
      } else if (code === 'Address' && isObject(value)) {
        for (const line of Array.isArray(value.line) ? value.line : []) term(line, 'ADDRESS');
        term(value.text, 'ADDRESS');
        term(value.city, 'LOCATION');
        term(value.district, 'LOCATION');
        term(value.postalCode, 'ZIP');
      } else if (code === 'Reference' && isObject(value) && typeof value.reference === 'string') {
        const m = REFERENCE.exec(value.reference);
        if (m) idTerms(m[1]!, m[2]!);
      }
    }, visitResource);
  };
  for (const input of inputs) visitResource(input);
  const text = compileTextDeidentifier({ knownNames: [...names], knownTerms: [...terms.values()] });
  return { patients, fullUrlTargets, text, resourceCount };
}

/**
 * A text de-identifier that knows the record: every name, identifier value, telecom, address part and resource id
 * found in `resources` (resource ids are replaced by the same pseudonyms as in the de-identified resources).
 * For free text exported with the record (reports, notes).
 */
export function compileRecordTextDeidentifier(resources: readonly unknown[], key: DeidKey): TextDeidentifier {
  return collectRecord(resources.filter((r): r is Json => isObject(r) && typeof r.resourceType === 'string'), key).text;
}

/** The original ids of the Patients in `resources` (Bundles searched too), with their identifier values. */
export function listFhirPatients(resources: readonly unknown[]): { id: string; identifierValues: string[] }[] {
  const out: { id: string; identifierValues: string[] }[] = [];
  const visit = (r: unknown) => {
    if (!isObject(r)) return;
    if (r.resourceType === 'Patient' && typeof r.id === 'string') {
      const values = (Array.isArray(r.identifier) ? r.identifier : []).map((i) => (isObject(i) ? i.value : undefined)).filter((v): v is string => typeof v === 'string');
      out.push({ id: r.id, identifierValues: values });
    }
    if (r.resourceType === 'Bundle' && Array.isArray(r.entry)) for (const e of r.entry) if (isObject(e)) visit(e.resource);
  };
  resources.forEach(visit);
  return out;
}

/** Calls `visit` with every typed complex value under `value`; `onResource` for nested resources. */
function visitTyped(value: unknown, type: R4Type | undefined, visit: (code: string, value: unknown) => void, onResource: (r: Json) => void): void {
  if (!isObject(value) || !type) return;
  for (const [k, v] of Object.entries(value)) {
    const prop = type.props[k];
    if (!prop || prop.ext) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      if (prop.t.isResource) {
        if (isObject(item) && typeof item.resourceType === 'string') onResource(item);
        continue;
      }
      if (!prop.t.complex) continue;
      visit(prop.t.code, item);
      visitTyped(item, prop.t.complex, visit, onResource);
    }
  }
}

/** The one patient a resource belongs to (original id), or undefined (none, or several). */
function patientOf(resource: Json, facts: RecordFacts): string | undefined {
  if (resource.resourceType === 'Patient') return typeof resource.id === 'string' ? resource.id : undefined;
  const found = new Set<string>();
  const scan = (v: unknown, depth: number) => {
    if (depth > 40) return;
    if (Array.isArray(v)) for (const x of v) scan(x, depth + 1);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'contained') continue;
        if (k === 'reference' && typeof x === 'string') {
          const target = facts.fullUrlTargets.get(x) ?? x;
          const m = REFERENCE.exec(target);
          if (m && m[1] === 'Patient') found.add(m[2]!);
        } else scan(x, depth + 1);
      }
    }
  };
  scan(resource, 0);
  return found.size === 1 ? [...found][0] : undefined;
}

/** Whole years from an ISO birth date (partial: earliest possible day) to an ISO date. */
function ageInYears(birth: string, at: string): number | undefined {
  const b = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birth);
  const a = /^(\d{4})-(\d{2})-(\d{2})/.exec(at) ?? /^(\d{4})(?:-(\d{2}))?/.exec(at);
  if (!b || !a) return undefined;
  const [by, bm, bd] = [Number(b[1]), Number(b[2] ?? 1), Number(b[3] ?? 1)];
  const [ay, am, ad] = [Number(a[1]), Number(a[2] ?? 12), Number(a[3] ?? 31)];
  return ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
}

// ---------------------------------------------------------------- the walker

class SafeHarborWalker {
  readonly rules = new RuleCounts();
  private readonly sharedOffset: number;

  constructor(
    private readonly key: DeidKey,
    private readonly facts: RecordFacts,
    private readonly narrative: 'deidentify' | 'drop',
    private readonly referenceDate: string,
  ) {
    this.sharedOffset = patientDateOffsetDays(key, 'no-single-patient');
  }

  /** A top-level resource: its dates move by its patient's offset. */
  topLevel(resource: Json): Json {
    const type = resource.resourceType as string;
    let patient = patientOf(resource, this.facts);
    if (type === 'Bundle' && patient === undefined) {
      const inBundle = new Set((Array.isArray(resource.entry) ? resource.entry : []).map((e) => (isObject(e) && isObject(e.resource) ? patientOf(e.resource, this.facts) : undefined)).filter((p) => p !== undefined));
      if (inBundle.size === 1) patient = [...inBundle][0];
    }
    if (patient === undefined) this.rules.add('resourcesWithoutSinglePatient');
    const offset = patient === undefined ? this.sharedOffset : fhirPatientDateOffsetDays(this.key, patient);
    return this.resource(resource, { offset });
  }

  private resource(resource: Json, outer: WalkContext, contained = false): Json {
    const type = resource.resourceType as string;
    const schema = r4Schema().resources.get(type);
    if (!schema) {
      this.rules.add('unknownResourcesScrubbed');
      return this.scrubUnknown(resource, outer) as Json;
    }
    const ctx: WalkContext = { offset: outer.offset };
    if (type === 'Patient') {
      const died = typeof resource.deceasedDateTime === 'string' ? resource.deceasedDateTime : undefined;
      ctx.ageAt = died && died < this.referenceDate ? died : this.referenceDate;
    }
    const out = this.complex(resource, schema, type, ctx);
    // A contained resource's id is local ("#id" references): it gets a keyed local pseudonym, the same as its references.
    if (contained && typeof resource.id === 'string') out.id = this.localId(resource.id);
    if (ctx.birthMasked) out._birthDate = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }] };
    return out;
  }

  private complex(value: Json, type: R4Type, path: string, ctx: WalkContext): Json {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'resourceType') {
        out[k] = v;
        continue;
      }
      const prop = type.props[k];
      if (!prop) {
        this.rules.add('unknownElementsScrubbed');
        const scrubbed = this.scrubUnknown(v, ctx);
        if (scrubbed !== undefined) out[k] = scrubbed;
        continue;
      }
      const childPath = `${path}.${prop.ext ? k.slice(1) : k}`;
      if (VERBATIM.has(`${type.name}.${k}`)) {
        out[k] = v;
        continue;
      }
      if (REMOVED_PATHS.has(childPath)) {
        this.rules.add(`removed:${childPath}`);
        continue;
      }
      if (type.kind === 'resource' && k === 'id' && typeof v === 'string') {
        out.id = pseudonymResourceId(this.key, path, v);
        this.rules.add('resourceIdsPseudonymized');
        continue;
      }
      const result = Array.isArray(v)
        ? v.map((item) => this.value(item, prop, childPath, ctx)).filter((item) => item !== undefined)
        : this.value(v, prop, childPath, ctx);
      if (result === undefined || (Array.isArray(result) && result.length === 0)) continue;
      out[k] = result;
    }
    return out;
  }

  private value(v: unknown, prop: R4Prop, path: string, ctx: WalkContext): unknown {
    if (v === null) return undefined;
    if (prop.ext) return isObject(v) ? this.complex(v, r4Schema().element, path, ctx) : undefined;
    const t = prop.t;
    switch (path) {
      case 'Patient.birthDate':
        return this.birthDate(v, ctx);
      case 'Bundle.entry.fullUrl':
        return this.fullUrl(v);
      case 'Bundle.entry.request.url':
      case 'Bundle.entry.response.location':
        return this.referenceString(v, 'bundleUrls');
    }
    if (t.isResource) {
      if (!isObject(v) || typeof v.resourceType !== 'string') return undefined;
      // Each entry of a Bundle moves by the offset of its own patient (a cohort Bundle holds several).
      if (path === 'Bundle.entry.resource') {
        const patient = patientOf(v, this.facts);
        return this.resource(v, patient === undefined ? ctx : { offset: fhirPatientDateOffsetDays(this.key, patient) });
      }
      return this.resource(v, ctx, path.endsWith('.contained'));
    }
    switch (t.code) {
      case 'date':
      case 'dateTime':
      case 'instant':
        return this.date(v, ctx);
      case 'string':
      case 'markdown':
      case 'xhtml':
        return this.text(v, ctx);
      case 'HumanName':
        this.rules.add('namesRemoved');
        return undefined;
      case 'ContactPoint':
        this.rules.add('telecomsRemoved');
        return undefined;
      case 'Address':
        return this.address(v, path, ctx);
      case 'Identifier':
        return this.identifier(v, path, ctx);
      case 'Reference':
        return this.reference(v, path, ctx);
      case 'Attachment':
        return this.attachment(v, ctx);
      case 'Age':
        return this.age(v, path, ctx);
      case 'Meta':
        return this.meta(v, path, ctx);
      case 'Narrative':
        if (this.narrative === 'drop') {
          this.rules.add('narrativesDropped');
          return undefined;
        }
        this.rules.add('narrativesDeidentified');
        break;
    }
    if (t.complex) {
      // An element left empty (an Organization.contact whose name, telecom and address went) is dropped.
      const o = isObject(v) ? this.complex(v, t.complex, path, ctx) : undefined;
      return o && Object.keys(o).length ? o : undefined;
    }
    return v;
  }

  private date(v: unknown, ctx: WalkContext): string | undefined {
    const shifted = typeof v === 'string' ? shiftFhirDate(v, ctx.offset) : undefined;
    this.rules.add(shifted === undefined ? 'invalidDatesRemoved' : 'datesShifted');
    return shifted;
  }

  private birthDate(v: unknown, ctx: WalkContext): string | undefined {
    const age = typeof v === 'string' && ctx.ageAt ? ageInYears(v, ctx.ageAt) : undefined;
    if (age !== undefined && age > 89) {
      // Safe Harbor: the year of birth of someone over 89 is itself identifying: removed, marked "masked".
      this.rules.add('birthDatesOver89Removed');
      ctx.birthMasked = true;
      return undefined;
    }
    return this.date(v, ctx);
  }

  private text(v: unknown, ctx: WalkContext): string | undefined {
    if (typeof v !== 'string') return undefined;
    const result = this.facts.text.deidentify(v, ctx.offset);
    if (result.masks.length) {
      this.rules.add('textElementsMasked');
      addCounts(this.rules.textMasks, result.counts);
    }
    return result.text;
  }

  private address(v: unknown, path: string, ctx: WalkContext): Json | undefined {
    if (!isObject(v)) return undefined;
    this.rules.add('addressesGeneralized');
    if (v.postalCode !== undefined) this.rules.add('postalCodesRemoved');
    // Kept: use, type, state, country (a state is allowed by Safe Harbor), the period (shifted).
    const kept: Json = {};
    for (const k of ['use', 'type', 'state', 'country'] as const) if (typeof v[k] === 'string') kept[k] = v[k];
    if (isObject(v.period)) kept.period = this.complex(v.period, r4Schema().types.get('Period')!, `${path}.period`, ctx);
    return Object.keys(kept).length ? kept : undefined;
  }

  private identifier(v: unknown, path: string, ctx: WalkContext): Json | undefined {
    if (!isObject(v)) return undefined;
    this.rules.add('identifiersPseudonymized');
    const out: Json = {};
    if (typeof v.use === 'string') out.use = v.use;
    if (isObject(v.type)) out.type = this.complex(v.type, r4Schema().types.get('CodeableConcept')!, `${path}.type`, ctx);
    const system = typeof v.system === 'string' ? v.system : '';
    if (system) out.system = PUBLIC_SYSTEM.test(system) ? system : `urn:oncoboard:deid:system:${pseudonymToken(this.key, 'identifier-system', system, 12)}`;
    if (typeof v.value === 'string') out.value = pseudonymToken(this.key, 'identifier-value', `${system}|${v.value}`);
    if (isObject(v.period)) out.period = this.complex(v.period, r4Schema().types.get('Period')!, `${path}.period`, ctx);
    if (isObject(v.assigner)) {
      const assigner = this.reference(v.assigner, `${path}.assigner`, ctx);
      if (assigner) out.assigner = assigner;
    }
    return out;
  }

  private reference(v: unknown, path: string, ctx: WalkContext): Json | undefined {
    if (!isObject(v)) return undefined;
    const out: Json = {};
    if (typeof v.type === 'string') out.type = v.type;
    if (typeof v.reference === 'string') {
      const ref = this.referenceString(v.reference, 'references');
      if (ref !== undefined) out.reference = ref;
    }
    if (isObject(v.identifier)) out.identifier = this.identifier(v.identifier, `${path}.identifier`, ctx);
    if (v.display !== undefined) this.rules.add('referenceDisplaysRemoved');
    return out.reference || out.identifier ? out : undefined;
  }

  /** "Type/id" (relative, absolute or versioned) → "Type/pseudo"; urn:uuid → keyed urn:uuid; "#x" kept. */
  private referenceString(v: unknown, rule: string): string | undefined {
    if (typeof v !== 'string') return undefined;
    if (v.startsWith('#')) return v === '#' ? v : `#${this.localId(v.slice(1))}`;
    if (v.startsWith('urn:uuid:')) {
      this.rules.add(`${rule}Rewritten`);
      return `urn:uuid:${pseudonymUuid(this.key, 'fhir-urn', v)}`;
    }
    const target = this.facts.fullUrlTargets.get(v) ?? v;
    const m = REFERENCE.exec(target.split('?')[0]!);
    if (m && !target.includes('?')) {
      this.rules.add(`${rule}Rewritten`);
      return `${m[1]}/${pseudonymResourceId(this.key, m[1]!, m[2]!)}`;
    }
    this.rules.add(`${rule}Removed`);
    return undefined;
  }

  private localId(id: string): string {
    return `c${pseudonymToken(this.key, 'fhir-contained-id', id, 12).toLowerCase()}`;
  }

  /** fullUrl: urn:uuid keyed like references; "http://server/Type/id" → "urn:uuid:<pseudonymous id>". */
  private fullUrl(v: unknown): string | undefined {
    if (typeof v !== 'string') return undefined;
    this.rules.add('fullUrlsRewritten');
    if (v.startsWith('urn:uuid:')) return `urn:uuid:${pseudonymUuid(this.key, 'fhir-urn', v)}`;
    const m = REFERENCE.exec(v);
    return m ? `urn:uuid:${pseudonymResourceId(this.key, m[1]!, m[2]!)}` : undefined;
  }

  private attachment(v: unknown, ctx: WalkContext): Json | undefined {
    if (!isObject(v)) return undefined;
    const out: Json = {};
    if (typeof v.contentType === 'string') out.contentType = v.contentType;
    if (typeof v.language === 'string') out.language = v.language;
    if (typeof v.data === 'string') {
      const contentType = typeof v.contentType === 'string' ? v.contentType.toLowerCase() : '';
      if (/^text\/|^application\/(?:json|xml|fhir\+json|fhir\+xml)/.test(contentType)) {
        const text = this.text(Buffer.from(v.data, 'base64').toString('utf8'), ctx) ?? '';
        const bytes = Buffer.from(text, 'utf8');
        out.data = bytes.toString('base64');
        out.size = bytes.length;
        this.rules.add('attachmentTextsDeidentified');
      } else this.rules.add('attachmentDataRemoved');
    }
    if (v.url !== undefined) this.rules.add('attachmentUrlsRemoved');
    if (typeof v.title === 'string') out.title = this.text(v.title, ctx);
    if (typeof v.creation === 'string') {
      const creation = this.date(v.creation, ctx);
      if (creation) out.creation = creation;
    }
    if (out.data === undefined && typeof v.size === 'number') out.size = v.size;
    return out;
  }

  private age(v: unknown, path: string, ctx: WalkContext): Json | undefined {
    if (!isObject(v)) return undefined;
    const out = this.complex(v, r4Schema().types.get('Age') ?? r4Schema().types.get('Quantity')!, path, ctx);
    const inYears = out.code === 'a' || (typeof out.unit === 'string' && /^(?:a|y|yr|yrs|year|years)$/i.test(out.unit));
    if (inYears && typeof out.value === 'number' && out.value > 89) {
      out.value = 90;
      out.comparator = '>=';
      this.rules.add('agesOver89Aggregated');
    }
    return out;
  }

  private meta(v: unknown, path: string, ctx: WalkContext): Json | undefined {
    if (!isObject(v)) return undefined;
    const { versionId, source, ...rest } = v;
    if (versionId !== undefined || source !== undefined) this.rules.add('metaVersionOrSourceRemoved');
    const out = this.complex(rest, r4Schema().types.get('Meta')!, path, ctx);
    return Object.keys(out).length ? out : undefined;
  }

  /** Content outside the R4 definitions: dates shifted, strings de-identified, structure kept. */
  private scrubUnknown(v: unknown, ctx: WalkContext): unknown {
    if (typeof v === 'string') {
      if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(v)) return this.date(v, ctx);
      return this.text(v, ctx);
    }
    if (Array.isArray(v)) return v.map((x) => this.scrubUnknown(x, ctx)).filter((x) => x !== undefined);
    if (isObject(v)) {
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        const s = k === 'resourceType' ? x : this.scrubUnknown(x, ctx);
        if (s !== undefined) out[k] = s;
      }
      return out;
    }
    return v;
  }
}
