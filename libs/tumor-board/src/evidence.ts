// Evidence: one place in one verbatim source record that a summary sentence cites. An evidence id resolves to
// its source (a FHIR resource + element path, a report's character span, an imaging record's lesion entry...),
// and the verifier re-reads that place from the store instead of trusting what the composer remembered.
import { createHash } from 'node:crypto';
import type { Provenance } from '@oncoboard/facts';
import { resolveElementPath, resolveJsonPath } from '@oncoboard/ehr-fhir';

export interface Evidence {
  /** Stable id: the same record place always gets the same id ("ev-" + 12 hex of its sha256). */
  id: string;
  patientKey: string;
  sourceRecordKey: string;
  /** Path inside the record: "Observation.valueCodeableConcept", "lesions[0]" (JSON records without a resourceType). */
  elementPath: string;
  /** For text records: the character span [start, end) of the record's text. */
  span?: { start: number; end: number };
  /** The fact kind that cited this place (for the UI: how to open the source). */
  factKind: string;
}

export function evidenceId(p: Pick<Provenance, 'sourceRecordKey' | 'elementPath' | 'span'>): string {
  const key = `${p.sourceRecordKey}#${p.elementPath}${p.span ? `@${p.span.start}-${p.span.end}` : ''}`;
  return `ev-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

export function evidenceFrom(patientKey: string, factKind: string, p: Provenance): Evidence {
  const e: Evidence = { id: evidenceId(p), patientKey, sourceRecordKey: p.sourceRecordKey, elementPath: p.elementPath, factKind };
  if (p.span) e.span = { ...p.span };
  return e;
}

/**
 * The value at `elementPath` in a JSON record: "Observation.component[0].valueQuantity" in a FHIR resource, or
 * "lesions[2]" in a record without a resourceType (imaging, knowledge-base items). Undefined when it does not exist.
 */
export function resolveElement(record: unknown, elementPath: string): unknown {
  const root = elementPath.split('.')[0];
  const resourceType = record && typeof record === 'object' ? (record as { resourceType?: unknown }).resourceType : undefined;
  return resourceType !== undefined && root === resourceType ? resolveElementPath(record, elementPath) : resolveJsonPath(record, elementPath);
}

/** What a record place states, flattened for comparison: its strings, numbers (with unit when a Quantity) and dates. */
export interface EvidenceAtoms {
  strings: string[];
  /** rounded: a model output or a computed value, stated rounded (it supports a number at the precision written). */
  quantities: { value: number; unit?: string; rounded?: boolean }[];
  dates: string[];
}

const ISO_DATE = /^\d{4}(-\d{2}(-\d{2})?)?(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

export function atomsOf(value: unknown): EvidenceAtoms {
  const atoms: EvidenceAtoms = { strings: [], quantities: [], dates: [] };
  const visit = (v: unknown, unitHint?: string) => {
    if (typeof v === 'number') atoms.quantities.push(unitHint ? { value: v, unit: unitHint } : { value: v });
    else if (typeof v === 'string') {
      if (ISO_DATE.test(v)) atoms.dates.push(v);
      else atoms.strings.push(v);
    } else if (typeof v === 'boolean') atoms.strings.push(String(v));
    else if (Array.isArray(v)) v.forEach((x) => visit(x));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      // A FHIR Quantity (or any {value, unit|code}): keep the number with its unit.
      const unit = typeof o.unit === 'string' ? o.unit : typeof o.code === 'string' && typeof o.value === 'number' ? o.code : undefined;
      for (const [k, x] of Object.entries(o)) visit(x, k === 'value' ? unit : undefined);
    }
  };
  visit(value);
  return atoms;
}

/** Text of a span of a text record (reports are stored verbatim; spans index that text). */
export function spanText(content: string, span: { start: number; end: number }): string | undefined {
  if (span.start < 0 || span.end > content.length || span.start >= span.end) return undefined;
  return content.slice(span.start, span.end);
}

const NEGATION = /\b(no|not|negative|absent|without|none)\b/i;
// Phrases with a negation word that negate nothing (NegEx's pseudo-triggers, as met in pathology reports).
const PSEUDO_NEGATION = /\b(no special type|not otherwise specified|no change|not only|no increase|without difficulty|not ruled out)\b/gi;

/** Whether a text carries a negation cue (pseudo-negations removed): the composer and the verifier read alike. */
export function negationCue(text: string): boolean {
  return NEGATION.test(text.replace(PSEUDO_NEGATION, ' '));
}
