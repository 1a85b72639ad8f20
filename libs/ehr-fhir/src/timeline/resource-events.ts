/**
 * Every FHIR resource → the events it puts on the patient's timeline: a lane, a date (from the type's natural date
 * element, which the event cites), and a short title built from the record's own codes and values.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { TimelineCategory, TimelineEvent } from '@oncoboard/facts';
import { EXT, GENOMICS_TBD, GENOMIC_REGION_STUDIED_LOINC, GENOMIC_VARIANT_LOINC, LOINC, OBSERVATION_CATEGORY, V2_0074 } from '../mcode/codes';
import {
  asArray,
  asFhirDate,
  asString,
  codingsOf,
  conceptText,
  declaredProfiles,
  extensionsOf,
  hasCode,
  isObject,
  patientReferenceOf,
  withoutSemanticTag,
  type Json,
} from '../mcode/fhir-values';
import { mapResourceToFacts } from '../mcode/map-resource';
import type { MappingContext, McodeFact } from '../mcode/types';
import { dateRulesOf, type DateRule } from './date-elements';
import { clip, elementText, factDetail, factTitle, humanizeType, observationTitle } from './titles';

export interface EventDate {
  start?: string;
  end?: string;
  /** The element the date came from, e.g. "Observation.effectiveDateTime" or "Procedure.performedPeriod". */
  path: string;
}

const CHOICE_SUFFIXES = ['DateTime', 'Instant', 'Date', 'Period', 'Timing'] as const;

/** The date held by one element value: a date string, a Period or a Timing. */
function dateOfValue(value: unknown, path: string): EventDate | undefined {
  const date = asFhirDate(value);
  if (date) return { start: date, path };
  if (!isObject(value)) return undefined;
  const start = asFhirDate(value.start);
  const end = asFhirDate(value.end);
  if (start || end) return { ...(start ? { start } : {}), ...(end ? { end } : {}), path };
  const event = asArray(value.event).map(asFhirDate).find((d) => !!d);
  if (event) return { start: event, path: `${path}.event[${asArray(value.event).findIndex((d) => asFhirDate(d) === event)}]` };
  const repeat = value.repeat;
  if (isObject(repeat) && isObject(repeat.boundsPeriod)) {
    const s = asFhirDate(repeat.boundsPeriod.start);
    const e = asFhirDate(repeat.boundsPeriod.end);
    if (s || e) return { ...(s ? { start: s } : {}), ...(e ? { end: e } : {}), path: `${path}.repeat.boundsPeriod` };
  }
  return undefined;
}

/** Follows "collection.collected[x]" from the resource; a list on the way is entered at its first element. */
function dateAtRule(json: Json, root: string, rule: string): EventDate | undefined {
  const segments = rule.split('.');
  let holder: unknown = json;
  let path = root;
  for (const segment of segments.slice(0, -1)) {
    if (!isObject(holder)) return undefined;
    const next: unknown = holder[segment];
    if (Array.isArray(next)) {
      holder = next[0];
      path = `${path}.${segment}[0]`;
    } else {
      holder = next;
      path = `${path}.${segment}`;
    }
  }
  if (!isObject(holder)) return undefined;
  const last = segments[segments.length - 1]!;
  if (last.endsWith('[x]')) {
    const base = last.slice(0, -3);
    for (const suffix of CHOICE_SUFFIXES) {
      const found = dateOfValue(holder[`${base}${suffix}`], `${path}.${base}${suffix}`);
      if (found) return found;
    }
    return undefined;
  }
  return dateOfValue(holder[last], `${path}.${last}`);
}

function dateByRules(json: Json, root: string, rules: readonly DateRule[]): EventDate | undefined {
  for (const rule of rules) {
    if (typeof rule === 'string') {
      const found = dateAtRule(json, root, rule);
      if (found) return found;
    } else {
      const start = asFhirDate(json[rule.start]);
      const end = asFhirDate(json[rule.end]);
      if (start) return { start, ...(end ? { end } : {}), path: `${root}.${rule.start}` };
      if (end) return { end, path: `${root}.${rule.end}` };
    }
  }
  return undefined;
}

/** The event date of a resource, from its type's natural date element (see R4_DATE_ELEMENTS). */
export function eventDateOf(resource: Resource): EventDate | undefined {
  const json = resource as unknown as Json;
  if (!isObject(json) || typeof json.resourceType !== 'string') return undefined;
  const root = json.resourceType;
  if (root === 'MedicationRequest') {
    // The course the order covers (dosage bounds) is when the drug is taken; else the date it was written.
    const bounds = asArray(json.dosageInstruction)
      .map((dosage, index) => (isObject(dosage) ? dateOfValue(isObject(dosage.timing) && isObject(dosage.timing.repeat) ? dosage.timing.repeat.boundsPeriod : undefined, `${root}.dosageInstruction[${index}].timing.repeat.boundsPeriod`) : undefined))
      .find((d) => d?.start);
    if (bounds) return bounds;
  }
  if (root === 'Condition') {
    const onset = dateAtRule(json, root, 'onset[x]');
    const abatement = dateAtRule(json, root, 'abatement[x]');
    const end = abatement?.end ?? abatement?.start;
    if (onset) return { ...onset, ...(end && !onset.end ? { end } : {}) };
    for (const ext of extensionsOf(json, EXT.assertedDate, root)) {
      const date = asFhirDate(ext.value.valueDateTime);
      if (date) return { start: date, path: `${ext.path}.valueDateTime` };
    }
  }
  return dateByRules(json, root, dateRulesOf(root));
}

// ---- lanes ---------------------------------------------------------------------------------------------------

const LANE_BY_TYPE: Record<string, TimelineCategory> = {
  Condition: 'diagnosis',
  ClinicalImpression: 'diagnosis',
  Procedure: 'procedure',
  MedicationRequest: 'medication',
  MedicationAdministration: 'medication',
  MedicationStatement: 'medication',
  MedicationDispense: 'medication',
  Immunization: 'medication',
  ImmunizationEvaluation: 'medication',
  ImmunizationRecommendation: 'medication',
  Specimen: 'lab',
  ImagingStudy: 'imaging',
  Media: 'imaging',
  DocumentReference: 'report',
  DocumentManifest: 'report',
  Composition: 'report',
  MolecularSequence: 'genomics',
  Encounter: 'encounter',
  EpisodeOfCare: 'encounter',
  Appointment: 'encounter',
  AppointmentResponse: 'encounter',
  CarePlan: 'encounter',
};

const FACT_LANES: Partial<Record<McodeFact['kind'], TimelineCategory>> = {
  'primary-cancer-condition': 'diagnosis',
  'secondary-cancer-condition': 'diagnosis',
  'histology-morphology-behavior': 'diagnosis',
  'tnm-stage-group': 'diagnosis',
  'tnm-primary-tumor-category': 'diagnosis',
  'tnm-regional-nodes-category': 'diagnosis',
  'tnm-distant-metastases-category': 'diagnosis',
  'cancer-stage': 'diagnosis',
  'cancer-disease-status': 'diagnosis',
  comorbidities: 'diagnosis',
  'tumor-marker': 'lab',
  'ecog-performance-status': 'lab',
  'karnofsky-performance-status': 'lab',
  'tumor-size': 'lab',
  'genomic-variant': 'genomics',
  'genomics-report': 'genomics',
  death: 'other',
};

/** mCODE Observation profiles that no fact kind covers, by the lane they belong in. */
const MCODE_OBSERVATION_LANES: Record<string, TimelineCategory> = {
  'mcode-history-of-metastatic-cancer': 'diagnosis',
  'mcode-histologic-grade': 'diagnosis',
  'mcode-tumor-morphology': 'diagnosis',
  'mcode-ALL-risk-assessment': 'diagnosis',
  'mcode-rhabdomyosarcoma-risk-assessment': 'diagnosis',
  'mcode-deauville-scale': 'imaging',
  'mcode-genomic-region-studied': 'genomics',
  'mcode-lansky-play-performance-status': 'lab',
  'mcode-body-surface-area': 'lab',
};

function isGenomicObservation(json: Json): boolean {
  if (declaredProfiles(json).some((p) => p.url.includes('/genomics-reporting/'))) return true;
  if (hasCode(json.code, LOINC, [GENOMIC_VARIANT_LOINC, GENOMIC_REGION_STUDIED_LOINC, '94076-7', '81695-9', '51969-4', '81247-9'])) return true;
  return codingsOf(json.code).some((c) => c.system === GENOMICS_TBD);
}

const IMAGING_REPORT_CATEGORIES = new Set(['RAD', 'CT', 'MR', 'NMR', 'NMS', 'RX', 'US', 'VUS', 'OUS', 'CUS', 'XRC', 'BI', 'MG']);

export function laneOf(resource: Resource, facts: readonly McodeFact[]): TimelineCategory {
  const json = resource as unknown as Json;
  const type = json.resourceType as string;
  if (type === 'Patient') return 'other';
  for (const fact of facts) {
    if (fact.kind === 'tumor-marker' && isGenomicObservation(json)) return 'genomics';
    const lane = FACT_LANES[fact.kind];
    if (lane) return lane;
  }
  if (type === 'Observation') {
    for (const profile of declaredProfiles(json)) {
      const lane = profile.url.includes('/mcode/') ? MCODE_OBSERVATION_LANES[profile.id] : undefined;
      if (lane) return lane;
    }
    if (isGenomicObservation(json)) return 'genomics';
    const categories = asArray(json.category).flatMap(codingsOf);
    if (categories.some((c) => c.system === OBSERVATION_CATEGORY && c.code === 'imaging')) return 'imaging';
    if (categories.some((c) => c.system === OBSERVATION_CATEGORY && c.code === 'social-history')) return 'other';
    return 'lab';
  }
  if (type === 'DiagnosticReport') {
    const categories = asArray(json.category).flatMap(codingsOf);
    if (categories.some((c) => c.system === V2_0074 && c.code === 'GE')) return 'genomics';
    if (categories.some((c) => (c.system === V2_0074 && c.code !== undefined && IMAGING_REPORT_CATEGORIES.has(c.code)) || (c.system === LOINC && c.code === 'LP29684-5'))) return 'imaging';
    return 'report';
  }
  return LANE_BY_TYPE[type] ?? 'other';
}

// ---- titles --------------------------------------------------------------------------------------------------

const MEDICATION_VERBS: Record<string, string> = {
  MedicationRequest: 'Prescribed',
  MedicationAdministration: 'Administered',
  MedicationDispense: 'Dispensed',
  MedicationStatement: 'Medication',
  Immunization: 'Immunization',
};
const NOTABLE_STATUS = new Set(['stopped', 'cancelled', 'entered-in-error', 'not-done', 'on-hold', 'not-taken', 'revoked', 'draft', 'declined']);

/** The element a generic title is read from, in order of preference ("a.b": element b inside a, or inside a's first item). */
const TITLE_ELEMENTS: Record<string, string[]> = {
  Encounter: ['type', 'serviceType', 'class', 'reasonCode'],
  Appointment: ['serviceType', 'appointmentType', 'description', 'reasonCode'],
  CarePlan: ['title', 'category', 'description'],
  EpisodeOfCare: ['type'],
  Specimen: ['type', 'collection.bodySite'],
  ImagingStudy: ['description', 'procedureCode', 'modality'],
  Media: ['type', 'modality', 'content.title'],
  DocumentReference: ['type', 'description', 'category'],
  Composition: ['title', 'type'],
  AllergyIntolerance: ['code'],
  Goal: ['description'],
  Practitioner: ['name'],
  Organization: ['name'],
  Location: ['name'],
  Group: ['name', 'code'],
  Device: ['deviceName.name', 'type'],
  BodyStructure: ['description', 'location', 'morphology'],
  ServiceRequest: ['code', 'category'],
  Task: ['code', 'description'],
  Communication: ['topic', 'category'],
  Provenance: ['activity'],
  AuditEvent: ['type'],
  Bundle: ['type'],
  MolecularSequence: ['type'],
  Consent: ['scope', 'category'],
  Coverage: ['type'],
};
const GENERIC_TITLE_ELEMENTS = ['code', 'vaccineCode', 'medicationCodeableConcept', 'type', 'name', 'title', 'description', 'category'];

function looksLikeHumanNames(list: unknown[]): boolean {
  return list.length > 0 && list.every(isObject) && list.some((n) => isObject(n) && ('family' in n || 'given' in n));
}

/** The first text an element holds, with the path of the item it came from. */
function textAt(value: unknown, path: string): { text: string; path: string } | undefined {
  if (Array.isArray(value)) {
    if (looksLikeHumanNames(value)) {
      const text = elementText(value);
      return text ? { text, path } : undefined;
    }
    for (let index = 0; index < value.length; index += 1) {
      const found = textAt(value[index], `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  const text = elementText(value);
  return text ? { text, path } : undefined;
}

function genericTitle(json: Json, type: string): { title: string; path?: string } {
  const label = humanizeType(type);
  for (const spec of TITLE_ELEMENTS[type] ?? GENERIC_TITLE_ELEMENTS) {
    const [outer, inner] = spec.split('.') as [string, string | undefined];
    let value: unknown = json[outer];
    let path = `${type}.${outer}`;
    if (inner) {
      if (Array.isArray(value)) {
        value = value[0];
        path = `${path}[0]`;
      }
      value = isObject(value) ? value[inner] : undefined;
      path = `${path}.${inner}`;
    }
    const found = textAt(value, path);
    if (found) return { title: `${label}: ${withoutSemanticTag(found.text)}`, path: found.path };
  }
  return { title: label };
}

function titleOf(json: Json, facts: readonly McodeFact[]): { title: string; path?: string } {
  const type = json.resourceType as string;
  for (const fact of facts) {
    const title = factTitle(fact);
    if (title) return { title, path: fact.provenance[0]?.elementPath };
  }
  const verb = MEDICATION_VERBS[type];
  if (verb) {
    const element = type === 'Immunization' ? 'vaccineCode' : json.medicationCodeableConcept !== undefined ? 'medicationCodeableConcept' : 'medicationReference';
    const medication = elementText(json[element]);
    const status = asString(json.status);
    const suffix = status && NOTABLE_STATUS.has(status) ? ` (${status})` : '';
    return medication ? { title: `${verb}: ${withoutSemanticTag(medication)}${suffix}`, path: `${type}.${element}` } : { title: `${verb}: ${type === 'Immunization' ? 'vaccine' : 'medication'} not named${suffix}` };
  }
  switch (type) {
    case 'Observation':
      return { title: observationTitle(json), ...(isObject(json.code) ? { path: 'Observation.code' } : {}) };
    case 'Condition':
    case 'Procedure':
    case 'DiagnosticReport': {
      const text = conceptText(json.code);
      const status = asString(json.status);
      const suffix = type === 'Procedure' && status && NOTABLE_STATUS.has(status) ? ` (${status})` : '';
      return text ? { title: `${withoutSemanticTag(text)}${suffix}`, path: `${type}.code` } : { title: humanizeType(type) };
    }
    case 'FamilyMemberHistory': {
      const who = elementText(json.relationship);
      const conditions = asArray(json.condition)
        .filter(isObject)
        .map((c) => elementText(c.code))
        .filter(Boolean);
      if (who) return { title: `Family history: ${who}${conditions.length > 0 ? `, ${conditions.join(', ')}` : ''}`, path: 'FamilyMemberHistory.relationship' };
      break;
    }
  }
  return genericTitle(json, type);
}

function detailOf(json: Json, facts: readonly McodeFact[]): string | undefined {
  for (const fact of facts) {
    const detail = factDetail(fact);
    if (detail) return detail;
  }
  const conclusion = asString(json.conclusion);
  if (conclusion) return conclusion;
  const interpretation = asArray(json.interpretation).map(conceptText).find(Boolean);
  return interpretation ? withoutSemanticTag(interpretation) : undefined;
}

// ---- entry point ---------------------------------------------------------------------------------------------

function patientEvents(json: Json, ctx: MappingContext, patientKey: string): TimelineEvent[] {
  const birthDate = asFhirDate(json.birthDate);
  const birth: TimelineEvent = {
    patientKey,
    category: 'other',
    ...(birthDate ? { start: birthDate } : {}),
    title: 'Birth',
    provenance: { sourceRecordKey: ctx.sourceRecordKey, elementPath: birthDate ? 'Patient.birthDate' : 'Patient' },
  };
  const events = [birth];
  const deceasedAt = asFhirDate(json.deceasedDateTime);
  if (deceasedAt || json.deceasedBoolean === true) {
    events.push({
      patientKey,
      category: 'other',
      ...(deceasedAt ? { start: deceasedAt } : {}),
      title: 'Death',
      provenance: { sourceRecordKey: ctx.sourceRecordKey, elementPath: deceasedAt ? 'Patient.deceasedDateTime' : 'Patient.deceasedBoolean' },
    });
  }
  return events;
}

/**
 * The timeline events of one FHIR resource (any R4 type): one event in the resource's lane, dated by its natural
 * date element, which `provenance.elementPath` cites; an undated event cites the element its title came from (or
 * the resource). A Patient gives a "Birth" event and, when deceased, a "Death" event.
 */
export function resourceToTimelineEvents(resource: Resource, ctx: MappingContext): TimelineEvent[] {
  const json = resource as unknown as Json;
  if (!isObject(json) || typeof json.resourceType !== 'string') return [];
  const patientKey = ctx.patientKey ?? patientReferenceOf(json) ?? '';
  if (json.resourceType === 'Patient') return patientEvents(json, ctx, patientKey);
  const facts = mapResourceToFacts(resource, ctx);
  const date = eventDateOf(resource);
  const { title, path: titlePath } = titleOf(json, facts);
  const detail = detailOf(json, facts);
  const event: TimelineEvent = {
    patientKey,
    category: laneOf(resource, facts),
    ...(date?.start ? { start: date.start } : {}),
    ...(date?.end ? { end: date.end } : {}),
    title: clip(title),
    ...(detail ? { detail: clip(detail, 400) } : {}),
    provenance: { sourceRecordKey: ctx.sourceRecordKey, elementPath: date?.path ?? titlePath ?? json.resourceType },
  };
  return [event];
}
