/**
 * The shared vocabulary of OncoBoard: every modality (FHIR, imaging, pathology text, genomics) turns its input
 * into facts and timeline events, and each one says exactly where it came from (its provenance).
 * This lib holds only types and tiny pure helpers, so every other lib may depend on it.
 */

/** A stable key of one verbatim source record in the store, e.g. "fhir/Observation/tnm-clinical-primary-tumor-category-jenny-m". */
export type SourceRecordKey = string;

/** A stable key of a patient: the FHIR logical reference, e.g. "Patient/cancer-patient-jenny-m". */
export type PatientKey = string;

/** Where a fact or event came from: the verbatim source record and the place inside it. */
export interface Provenance {
  sourceRecordKey: SourceRecordKey;
  /** FHIRPath-like element path inside the record, e.g. "Observation.valueCodeableConcept.coding[0]". */
  elementPath: string;
  /** For text sources: the character span [start, end) of the record's text (later issues). */
  span?: { start: number; end: number };
}

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface Quantity {
  value: number;
  unit?: string;
  system?: string;
  code?: string;
  comparator?: '<' | '<=' | '>=' | '>';
}

/** The value a fact carries; one of these shapes, tagged so the UI can render it without guessing. */
export type FactValue =
  | { type: 'coding'; coding: Coding; text?: string }
  | { type: 'quantity'; quantity: Quantity }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'integer'; value: number }
  | { type: 'range'; low?: Quantity; high?: Quantity }
  | { type: 'ratio'; numerator: Quantity; denominator: Quantity };

/**
 * A normalized clinical fact. `kind` names what it is (e.g. "primary-cancer-condition", "tnm-stage-group",
 * "tumor-marker"); `attributes` holds the kind-specific typed details (body site, laterality, stage type...).
 * Modality libs define typed unions over this envelope (see libs/ehr-fhir/src/mcode).
 */
export interface Fact<Kind extends string = string, Attributes extends object = Record<string, unknown>> {
  kind: Kind;
  patientKey: PatientKey;
  /** What the fact is about: the condition code, the marker's LOINC, the procedure code... */
  code?: Coding;
  value?: FactValue;
  /** ISO 8601 date or dateTime when the fact was true / observed / started. */
  effectiveStart?: string;
  effectiveEnd?: string;
  /** clinical status etc. where the source states it (e.g. "active", "completed", "final"). */
  status?: string;
  attributes: Attributes;
  /** At least one: the record (and element) that states this fact. */
  provenance: Provenance[];
}

/** The lanes of the care-coordinator timeline. */
export const TIMELINE_CATEGORIES = [
  'diagnosis',
  'procedure',
  'medication',
  'lab',
  'imaging',
  'report',
  'genomics',
  'encounter',
  'other',
] as const;
export type TimelineCategory = (typeof TIMELINE_CATEGORIES)[number];

/** One event on a patient's timeline; every kept record appears as at least one event. */
export interface TimelineEvent {
  patientKey: PatientKey;
  category: TimelineCategory;
  /** ISO 8601 date or dateTime; absent when the source gives no date (shown as "undated"). */
  start?: string;
  end?: string;
  title: string;
  detail?: string;
  provenance: Provenance;
}

/** Human-readable text of a value, for lists and titles (the UI may render richer forms). */
export function formatFactValue(value: FactValue | undefined): string {
  if (!value) return '';
  switch (value.type) {
    case 'coding':
      return value.text ?? value.coding.display ?? value.coding.code ?? '';
    case 'quantity':
      return formatQuantity(value.quantity);
    case 'string':
      return value.value;
    case 'boolean':
      return value.value ? 'yes' : 'no';
    case 'integer':
      return String(value.value);
    case 'range':
      return `${value.low ? formatQuantity(value.low) : ''}–${value.high ? formatQuantity(value.high) : ''}`;
    case 'ratio':
      return `${formatQuantity(value.numerator)} / ${formatQuantity(value.denominator)}`;
  }
}

export function formatQuantity(q: Quantity): string {
  const unit = q.unit ?? q.code ?? '';
  return `${q.comparator ?? ''}${q.value}${unit ? (unit === '%' ? '%' : ` ${unit}`) : ''}`;
}

/**
 * mulberry32: a small seeded PRNG, uniform in [0, 1). Same seed, same sequence, on every platform — for
 * reproducible training samples, test mutations and generated data.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
