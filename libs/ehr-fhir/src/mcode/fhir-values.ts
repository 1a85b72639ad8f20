/**
 * Small, defensive readers over FHIR R4 JSON. Every reader takes `unknown` (a resource that passed validation
 * may still hold shapes a profile did not expect) and never throws; each value it returns comes with the
 * element path it was read from, so a fact or event can cite the exact element.
 */
import type { Coding, FactValue, Quantity } from '@oncoboard/facts';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A value read from a resource, with the element path it came from. */
export interface Located<T> {
  value: T;
  path: string;
}

const NULL_FLAVOR = 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor';

/** The coding of a CodeableConcept that best names it: the first real coding (not a NullFlavor), else the text. */
export function codingOf(concept: unknown): Coding | undefined {
  if (!isObject(concept)) return undefined;
  const codings = asArray(concept.coding).filter(isObject);
  const usable = codings.filter((c) => asString(c.code) || asString(c.display));
  const chosen = usable.find((c) => c.system !== NULL_FLAVOR) ?? usable[0];
  const text = asString(concept.text);
  if (!chosen) return text ? { display: text } : undefined;
  const coding: Coding = {};
  const system = asString(chosen.system);
  const code = asString(chosen.code);
  const display = asString(chosen.display);
  if (system) coding.system = system;
  if (code) coding.code = code;
  if (display) coding.display = display;
  else if (text && chosen.system === NULL_FLAVOR) coding.display = text;
  return coding;
}

/** All codings of a CodeableConcept, reduced to system/code/display. */
export function codingsOf(concept: unknown): Coding[] {
  if (!isObject(concept)) return [];
  return asArray(concept.coding)
    .filter(isObject)
    .map((c) => {
      const coding: Coding = {};
      const system = asString(c.system);
      const code = asString(c.code);
      const display = asString(c.display);
      if (system) coding.system = system;
      if (code) coding.code = code;
      if (display) coding.display = display;
      return coding;
    })
    .filter((c) => c.code || c.display);
}

/** Human text of a CodeableConcept: its text, else the chosen coding's display, else its code. */
export function conceptText(concept: unknown): string | undefined {
  if (!isObject(concept)) return undefined;
  const text = asString(concept.text);
  const coding = codingOf(concept);
  return text ?? coding?.display ?? coding?.code;
}

export function codingValue(concept: unknown): FactValue | undefined {
  const coding = codingOf(concept);
  if (!coding) return undefined;
  const text = isObject(concept) ? asString(concept.text) : undefined;
  return text && text !== coding.display ? { type: 'coding', coding, text } : { type: 'coding', coding };
}

/** Does the concept carry one of these codes (in any of the given systems)? */
export function hasCode(concept: unknown, system: string | readonly string[], codes: ReadonlySet<string> | readonly string[]): boolean {
  const systems = typeof system === 'string' ? [system] : system;
  const set = codes instanceof Set ? codes : new Set(codes as readonly string[]);
  return codingsOf(concept).some((c) => c.code !== undefined && (c.system === undefined ? false : systems.includes(c.system)) && set.has(c.code));
}

/** The first coding of the concept whose system is one of these, with its code. */
export function codeIn(concept: unknown, system: string | readonly string[]): Coding | undefined {
  const systems = typeof system === 'string' ? [system] : system;
  return codingsOf(concept).find((c) => c.system !== undefined && systems.includes(c.system) && c.code);
}

export function quantityOf(value: unknown): Quantity | undefined {
  if (!isObject(value)) return undefined;
  const number = asNumber(value.value);
  if (number === undefined) return undefined;
  const quantity: Quantity = { value: number };
  const unit = asString(value.unit);
  const system = asString(value.system);
  const code = asString(value.code);
  const comparator = asString(value.comparator);
  if (unit) quantity.unit = unit;
  if (system) quantity.system = system;
  if (code) quantity.code = code;
  if (comparator === '<' || comparator === '<=' || comparator === '>=' || comparator === '>') quantity.comparator = comparator;
  return quantity;
}

/** The literal reference string of a Reference ("Condition/abc"), or its display when it has no reference. */
export function referenceOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  return asString(value.reference) ?? asString(value.display);
}

/** "Type/id" of a reference: relative, absolute ("http://x/fhir/Condition/abc") or with history ("/_history/2"). */
export function relativeReference(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  const withoutHistory = reference.replace(/\/_history\/[^/]+$/, '');
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(withoutHistory);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** References of a list element, each with its path, e.g. MedicationRequest.reasonReference[1]. */
export function referencesAt(resource: Json, element: string, root: string): Located<string>[] {
  const out: Located<string>[] = [];
  asArray(resource[element]).forEach((item, index) => {
    const ref = relativeReference(referenceOf(item)) ?? referenceOf(item);
    if (ref) out.push({ value: ref, path: `${root}.${element}[${index}]` });
  });
  return out;
}

/** The value[x] of an element (Observation, component, extension), tagged as a fact value, with its path. */
export function choiceValue(holder: Json, path: string, prefix = 'value'): Located<FactValue> | undefined {
  const at = (suffix: string) => `${path}.${prefix}${suffix}`;
  const concept = holder[`${prefix}CodeableConcept`];
  if (concept !== undefined) {
    const value = codingValue(concept);
    if (value) return { value, path: at('CodeableConcept') };
  }
  const coding = holder[`${prefix}Coding`];
  if (isObject(coding)) {
    const value = codingValue({ coding: [coding] });
    if (value) return { value, path: at('Coding') };
  }
  const quantity = quantityOf(holder[`${prefix}Quantity`]);
  if (quantity) return { value: { type: 'quantity', quantity }, path: at('Quantity') };
  const string = asString(holder[`${prefix}String`]);
  if (string !== undefined) return { value: { type: 'string', value: string }, path: at('String') };
  if (typeof holder[`${prefix}Boolean`] === 'boolean') return { value: { type: 'boolean', value: holder[`${prefix}Boolean`] as boolean }, path: at('Boolean') };
  for (const suffix of ['Integer', 'UnsignedInt', 'PositiveInt', 'Decimal']) {
    const number = asNumber(holder[`${prefix}${suffix}`]);
    if (number !== undefined) {
      return suffix === 'Decimal'
        ? { value: { type: 'quantity', quantity: { value: number } }, path: at(suffix) }
        : { value: { type: 'integer', value: number }, path: at(suffix) };
    }
  }
  const range = holder[`${prefix}Range`];
  if (isObject(range)) {
    const low = quantityOf(range.low);
    const high = quantityOf(range.high);
    if (low || high) return { value: { type: 'range', ...(low ? { low } : {}), ...(high ? { high } : {}) }, path: at('Range') };
  }
  const ratio = holder[`${prefix}Ratio`];
  if (isObject(ratio)) {
    const numerator = quantityOf(ratio.numerator);
    const denominator = quantityOf(ratio.denominator);
    if (numerator && denominator) return { value: { type: 'ratio', numerator, denominator }, path: at('Ratio') };
  }
  for (const suffix of ['DateTime', 'Date', 'Instant', 'Time', 'Code', 'Uri', 'Id']) {
    const text = asString(holder[`${prefix}${suffix}`]);
    if (text !== undefined) return { value: { type: 'string', value: text }, path: at(suffix) };
  }
  const period = holder[`${prefix}Period`];
  if (isObject(period) && (asString(period.start) || asString(period.end))) {
    return { value: { type: 'string', value: `${asString(period.start) ?? ''}–${asString(period.end) ?? ''}` }, path: at('Period') };
  }
  return undefined;
}

/** Extensions of an element with this URL (or, for complex extensions, this relative url), each with its path. */
export function extensionsOf(holder: unknown, url: string | readonly string[], path: string): Located<Json>[] {
  if (!isObject(holder)) return [];
  const urls = typeof url === 'string' ? [url] : url;
  const out: Located<Json>[] = [];
  asArray(holder.extension).forEach((ext, index) => {
    if (isObject(ext) && typeof ext.url === 'string' && urls.includes(ext.url)) out.push({ value: ext, path: `${path}.extension[${index}]` });
  });
  return out;
}

/** Profiles the resource declares, as their ids (the last segment of the canonical URL, without a version). */
export function declaredProfiles(resource: Json): { id: string; url: string }[] {
  const meta = resource.meta;
  if (!isObject(meta)) return [];
  return asArray(meta.profile)
    .map(asString)
    .filter((url): url is string => !!url)
    .map((url) => {
      const bare = url.split('|')[0] ?? url;
      return { id: bare.slice(bare.lastIndexOf('/') + 1), url: bare };
    });
}

/** A FHIR date, dateTime or instant string, or undefined when the value is not one. */
export function asFhirDate(value: unknown): string | undefined {
  const text = asString(value);
  return text && /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.test(text) ? text : undefined;
}

/** The patient key ("Patient/<id>") a resource belongs to, from its subject/patient reference, when that names a Patient. */
export function patientReferenceOf(resource: Json): string | undefined {
  if (resource.resourceType === 'Patient') {
    const id = asString(resource.id);
    return id ? `Patient/${id}` : undefined;
  }
  for (const element of ['subject', 'patient', 'beneficiary']) {
    const ref = relativeReference(referenceOf(resource[element]));
    if (ref?.startsWith('Patient/')) return ref;
  }
  return undefined;
}

/** SNOMED CT semantic tags at the end of a display ("... (disorder)") are noise in short titles. */
export function withoutSemanticTag(text: string): string {
  return text.replace(/\s+\((?:disorder|finding|procedure|qualifier value|morphologic abnormality|body structure|observable entity|situation|tumor staging|regime\/therapy|substance|product|medicinal product|clinical drug|event|specimen|attribute|physical object|record artifact|staging scale|assessment scale|environment|occupation|person|social concept|navigational concept)\)$/i, '');
}
