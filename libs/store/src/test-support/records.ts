/** Builders of RecordWrite batches for the store tests (synthetic, no real patient data). */
import { createHash } from 'node:crypto';
import type { Fact, TimelineEvent } from '@oncoboard/facts';
import type { PatientDemographics, RecordWrite } from '../types';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface ObservationSpec {
  id: string;
  patient: string;
  /** Changes the content (and so the hash) of the record. */
  revision?: number;
  date?: string;
  kind?: string;
  code?: { system?: string; code?: string; display?: string };
  value?: Fact['value'];
  attributes?: Record<string, unknown>;
  /** Timeline events; default one lab event on `date`. */
  events?: Partial<TimelineEvent>[];
  extraFacts?: number;
}

export function observation(spec: ObservationSpec): RecordWrite {
  const key = `fhir/Observation/${spec.id}`;
  const resource = { resourceType: 'Observation', id: spec.id, subject: { reference: spec.patient }, effectiveDateTime: spec.date, revision: spec.revision ?? 0 };
  const content = JSON.stringify(resource);
  const fact: Fact = {
    kind: spec.kind ?? 'tumor-marker',
    patientKey: spec.patient,
    code: spec.code ?? { system: 'http://loinc.org', code: '2857-1', display: 'PSA' },
    value: spec.value ?? { type: 'quantity', quantity: { value: 4.1 + (spec.revision ?? 0), unit: 'ng/mL' } },
    ...(spec.date ? { effectiveStart: spec.date } : {}),
    status: 'final',
    attributes: spec.attributes ?? { interpretation: 'H', elementPaths: { value: 'Observation.valueQuantity' } },
    provenance: [{ sourceRecordKey: key, elementPath: 'Observation.valueQuantity' }],
  };
  const facts: Fact[] = [fact];
  for (let i = 0; i < (spec.extraFacts ?? 0); i += 1) {
    facts.push({ ...fact, kind: `extra-${i}`, provenance: [{ sourceRecordKey: key, elementPath: `Observation.component[${i}]` }] });
  }
  const events: TimelineEvent[] = (spec.events ?? [{}]).map((e, i) => ({
    patientKey: spec.patient,
    category: 'lab',
    ...(spec.date ? { start: spec.date } : {}),
    title: `PSA ${spec.revision ?? 0}`,
    ...e,
    provenance: { sourceRecordKey: key, elementPath: e.provenance?.elementPath ?? (i === 0 ? 'Observation.effectiveDateTime' : `Observation.component[${i}]`) },
  }));
  return {
    key,
    kind: 'fhir-resource',
    resourceType: 'Observation',
    resourceId: spec.id,
    patientKey: spec.patient,
    content,
    contentHash: sha256(content),
    origin: 'test/observations.ndjson',
    originLocation: `line ${spec.id.length}`,
    facts,
    events,
  };
}

export function patientRecord(key: string, demographics: Omit<PatientDemographics, 'key'>, revision = 0): RecordWrite {
  const id = key.replace(/^Patient\//, '');
  const content = JSON.stringify({ resourceType: 'Patient', id, ...demographics, revision });
  return {
    key: `fhir/${key}`,
    kind: 'fhir-resource',
    resourceType: 'Patient',
    resourceId: id,
    patientKey: key,
    content,
    contentHash: sha256(content),
    origin: 'test/patients.json',
    originLocation: 'entry[0]',
    patient: { key, ...demographics },
    facts: [],
    events: [],
  };
}

/** A Condition record with a primary-cancer-condition fact. */
export function primaryCancer(id: string, patient: string, code: { code: string; display: string }, date?: string): RecordWrite {
  const key = `fhir/Condition/${id}`;
  const content = JSON.stringify({ resourceType: 'Condition', id, subject: { reference: patient }, code, onsetDateTime: date });
  return {
    key,
    kind: 'fhir-resource',
    resourceType: 'Condition',
    resourceId: id,
    patientKey: patient,
    content,
    contentHash: sha256(content),
    origin: 'test/conditions.json',
    originLocation: 'entry[1]',
    facts: [
      {
        kind: 'primary-cancer-condition',
        patientKey: patient,
        code: { system: 'http://snomed.info/sct', ...code },
        ...(date ? { effectiveStart: date } : {}),
        attributes: { conditionRef: `Condition/${id}` },
        provenance: [{ sourceRecordKey: key, elementPath: 'Condition.code' }],
      },
    ],
    events: [{ patientKey: patient, category: 'diagnosis', ...(date ? { start: date } : {}), title: code.display, provenance: { sourceRecordKey: key, elementPath: 'Condition.onsetDateTime' } }],
  };
}

/** An Observation record with a tnm-stage-group fact whose value is the stage coding. */
export function stageGroup(id: string, patient: string, stage: { code: string; display: string }, date?: string): RecordWrite {
  const key = `fhir/Observation/${id}`;
  const content = JSON.stringify({ resourceType: 'Observation', id, subject: { reference: patient }, valueCodeableConcept: { coding: [stage] }, effectiveDateTime: date });
  return {
    key,
    kind: 'fhir-resource',
    resourceType: 'Observation',
    resourceId: id,
    patientKey: patient,
    content,
    contentHash: sha256(content),
    origin: 'test/stages.json',
    originLocation: 'entry[2]',
    facts: [
      {
        kind: 'tnm-stage-group',
        patientKey: patient,
        code: { system: 'http://loinc.org', code: '21908-9', display: 'Stage group.clinical Cancer' },
        value: { type: 'coding', coding: { system: 'http://snomed.info/sct', ...stage } },
        ...(date ? { effectiveStart: date } : {}),
        attributes: { stageType: 'clinical' },
        provenance: [{ sourceRecordKey: key, elementPath: 'Observation.valueCodeableConcept' }],
      },
    ],
    events: [],
  };
}
