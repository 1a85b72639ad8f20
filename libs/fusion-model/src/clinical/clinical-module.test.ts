import { describe, expect, it } from 'vitest';
import type { Fact } from '@oncoboard/facts';
import { ModalityModuleRegistry } from '../modality-module';
import { CLINICAL_FEATURE_INDEX as I, CLINICAL_FEATURES, CLINICAL_VECTOR_SIZE, stageGroupOf } from './clinical-features';
import { clinicalModule } from './clinical-module';

// Facts shaped as libs/ehr-fhir's mCODE mapper returns them for Jenny M (the mCODE STU4 example patient); written
// out here because fusion-model must not import a modality lib.
const P = 'Patient/cancer-patient-jenny-m';
const prov = (key: string, path: string) => [{ sourceRecordKey: `fhir/${key}`, elementPath: path }];
const jenny: Fact[] = [
  { kind: 'patient', patientKey: P, effectiveStart: '1965-01-01', attributes: { key: P, gender: 'female', birthDate: '1965-01-01', recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Patient/cancer-patient-jenny-m', 'Patient') },
  { kind: 'primary-cancer-condition', patientKey: P, code: { system: 'http://snomed.info/sct', code: '353431000119107', display: 'Primary malignant neoplasm of female left breast (disorder)' }, effectiveStart: '2018-03-16', attributes: { conditionRef: 'Condition/primary-cancer-condition-jenny-m', bodySite: [], recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Condition/primary-cancer-condition-jenny-m', 'Condition.code') },
  { kind: 'tnm-stage-group', patientKey: P, code: { system: 'http://snomed.info/sct', code: '399537006', display: 'Clinical TNM stage grouping' }, value: { type: 'coding', coding: { system: 'http://snomed.info/sct', code: '1222769001', display: 'American Joint Committee on Cancer stage IIB (qualifier value)' } }, effectiveStart: '2018-03-16', attributes: { observationRef: 'Observation/tnm-clinical-stage-group-jenny-m', stageType: 'clinical', stagingSystem: 'AJCC 8th', recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Observation/tnm-clinical-stage-group-jenny-m', 'Observation.valueCodeableConcept') },
  { kind: 'tumor-marker', patientKey: P, code: { system: 'http://loinc.org', code: '85337-4' }, value: { type: 'coding', coding: { system: 'http://loinc.org', code: 'LA6576-8', display: 'Positive' } }, effectiveStart: '2018-03-10', attributes: { marker: 'ER', recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Observation/tumor-marker-test-er-jenny-m', 'Observation.valueCodeableConcept') },
  { kind: 'tumor-marker', patientKey: P, code: { system: 'http://loinc.org', code: '85339-0' }, value: { type: 'coding', coding: { system: 'http://loinc.org', code: 'LA6577-6', display: 'Negative' } }, effectiveStart: '2018-03-10', attributes: { marker: 'PR', recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Observation/tumor-marker-test-pr-jenny-m', 'Observation.valueCodeableConcept') },
  { kind: 'tumor-marker', patientKey: P, code: { system: 'http://loinc.org', code: '48676-1' }, value: { type: 'coding', coding: { system: 'http://loinc.org', code: 'LA6577-6', display: 'Negative' } }, effectiveStart: '2018-03-10', attributes: { marker: 'HER2', recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Observation/tumor-marker-test-her2-jenny-m', 'Observation.valueCodeableConcept') },
  { kind: 'tumor-marker', patientKey: P, value: { type: 'quantity', quantity: { value: 18 } }, effectiveStart: '2018-03-10', attributes: { marker: 'Oncotype DX', interpretation: { code: 'H', display: 'High' }, recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Observation/tumor-marker-test-oncotype-dx-jenny-m', 'Observation.valueQuantity') },
  { kind: 'ecog-performance-status', patientKey: P, value: { type: 'integer', value: 0 }, effectiveStart: '2018-03-16', attributes: { recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Observation/ecog-performance-status-jenny-m', 'Observation.valueInteger') },
  { kind: 'cancer-related-medication-request', patientKey: P, code: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '84857', display: 'anastrozole' }, effectiveStart: '2018-09-30', attributes: { reasonRefs: [], reasonCodes: [], recognizedBy: 'profile', elementPaths: {} }, provenance: prov('MedicationRequest/cancer-related-medication-request-anastrozole-jenny-m', 'MedicationRequest.medicationCodeableConcept') },
  { kind: 'cancer-related-medication-administration', patientKey: P, code: { code: '56946', display: 'paclitaxel' }, effectiveStart: '2018-04-22', attributes: { reasonRefs: [], reasonCodes: [], recognizedBy: 'profile', elementPaths: {} }, provenance: prov('MedicationAdministration/cancer-related-medication-admin-paclitaxel-jenny-m', 'MedicationAdministration.medicationCodeableConcept') },
  { kind: 'cancer-related-surgical-procedure', patientKey: P, code: { system: 'http://snomed.info/sct', code: '64368001', display: 'Partial mastectomy' }, attributes: { bodySite: [], reasonRefs: [], reasonCodes: [], recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Procedure/cancer-related-surgical-procedure-jenny-m', 'Procedure.code') },
  { kind: 'radiotherapy-course-summary', patientKey: P, effectiveEnd: '2018-10-25', attributes: { modalities: [], techniques: [], doseDeliveredToVolume: [], bodySite: [], reasonRefs: [], reasonCodes: [], recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Procedure/radiotherapy-treatment-summary-chest-wall-jenny-m', 'Procedure.code') },
  { kind: 'genomic-variant', patientKey: P, attributes: { geneStudied: 'PALB2', genes: [], recognizedBy: 'profile', elementPaths: {} }, provenance: prov('Observation/genomic-variant-somatic-single-nucleotide-jenny-m', 'Observation.valueCodeableConcept') },
];

async function encode(facts: Fact[], key = P) {
  const registry = new ModalityModuleRegistry();
  registry.register(clinicalModule);
  return registry.encodePatient('clinical', key, facts);
}

describe('clinical module', () => {
  it('documents a fixed vector size: one entry per feature', () => {
    expect(clinicalModule.vectorSize).toBe(CLINICAL_VECTOR_SIZE);
    expect(CLINICAL_VECTOR_SIZE).toBe(26);
    expect(new Set(CLINICAL_FEATURES.map((f) => f.name)).size).toBe(26);
  });

  it("encodes Jenny M's mCODE facts: age 53, female, stage IIB, ECOG 0, ER+/PR-/HER2-, treatments, citing each fact", async () => {
    const e = (await encode(jenny))!;
    expect(e.moduleId).toBe('clinical');
    expect(e.moduleVersion).toBe('1.0.0');
    const v = e.vector;
    expect(v[I.age]).toBeCloseTo((53.2 - 60) / 10, 1);
    expect(v[I['age-missing']]).toBe(0);
    expect([v[I['sex-female']], v[I['sex-male']], v[I['sex-missing']]]).toEqual([1, 0, 0]);
    expect(v[I.stage]).toBe(0.5);
    expect(v[I['stage-missing']]).toBe(0);
    expect(v[I['grade-missing']]).toBe(1);
    expect(v[I.ecog]).toBe(0);
    expect(v[I['ecog-missing']]).toBe(0);
    expect([v[I['er-positive']], v[I['pr-positive']], v[I['her2-positive']]]).toEqual([1, 0, 0]);
    expect([v[I['er-missing']], v[I['pr-missing']], v[I['her2-missing']]]).toEqual([0, 0, 0]);
    expect(v[I['tumor-size-missing']]).toBe(1);
    expect(v[I['positive-nodes-missing']]).toBe(1);
    expect([v[I.chemotherapy], v[I['endocrine-therapy']], v[I['her2-targeted-therapy']], v[I.radiotherapy], v[I.surgery]]).toEqual([1, 1, 0, 1, 1]);
    const cited = e.usedEvidence.map((p) => p.sourceRecordKey);
    expect(cited).toContain('fhir/Observation/tnm-clinical-stage-group-jenny-m');
    expect(cited).toContain('fhir/Observation/tumor-marker-test-er-jenny-m');
    expect(cited).toContain('fhir/Patient/cancer-patient-jenny-m');
    expect(cited).not.toContain('fhir/Observation/tumor-marker-test-oncotype-dx-jenny-m');
    expect(cited).not.toContain('fhir/Observation/genomic-variant-somatic-single-nucleotide-jenny-m');
    expect(e.inputHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes inputs stably: same facts in another order give the same hash; a changed value another', async () => {
    const a = (await encode(jenny))!;
    const b = (await encode([...jenny].reverse()))!;
    expect(b.inputHash).toBe(a.inputHash);
    const changed = jenny.map((f) => (f.kind === 'ecog-performance-status' ? { ...f, value: { type: 'integer' as const, value: 2 } } : f));
    const c = (await encode(changed))!;
    expect(c.inputHash).not.toBe(a.inputHash);
    expect(c.vector[I.ecog]).toBe(0.5);
  });

  it('marks every measured feature missing when only sex is known, and reports no modality without usable facts', async () => {
    const only = (await encode([jenny[0]!]))!;
    expect(only.vector[I['age-missing']]).toBe(1); // a birth date without a diagnosis date gives no age
    expect(only.vector[I['stage-missing']]).toBe(1);
    expect(only.vector[I['sex-female']]).toBe(1);
    expect(await encode([jenny.at(-1)!])).toBeUndefined(); // a genomic variant only: not clinical
    expect(await encode(jenny, 'Patient/someone-else')).toBeUndefined();
  });

  it('maps Karnofsky to ECOG, prefers a pathologic stage group, reads grade codings', async () => {
    const base = { patientKey: P, provenance: prov('x', 'y') };
    const e = (await encode([
      { ...base, kind: 'karnofsky-performance-status', value: { type: 'integer', value: 60 }, attributes: {} },
      { ...base, kind: 'tnm-stage-group', value: { type: 'coding', coding: { display: 'American Joint Committee on Cancer stage IIIA (qualifier value)' } }, effectiveStart: '2020-01-01', attributes: { stageType: 'clinical' } },
      { ...base, kind: 'tnm-stage-group', value: { type: 'coding', coding: { display: 'American Joint Committee on Cancer stage IB (qualifier value)' } }, effectiveStart: '2019-01-01', attributes: { stageType: 'pathological' } },
      { ...base, kind: 'histologic-grade', value: { type: 'coding', coding: { code: 'G3' } }, attributes: {} },
    ]))!;
    expect(e.vector[I.ecog]).toBe(0.5);
    expect(e.vector[I.stage]).toBe(0.25);
    expect(e.vector[I.grade]).toBe(1);
  });

  it('reads stage groups from the usual spellings', () => {
    expect(stageGroupOf({ display: 'American Joint Committee on Cancer stage IV (qualifier value)' })).toBe(4);
    expect(stageGroupOf({ code: 'IIIC' })).toBe(3);
    expect(stageGroupOf(undefined, 'Stage 2')).toBe(2);
    expect(stageGroupOf({ display: 'stage 0' })).toBe(0);
    expect(stageGroupOf({ display: 'Clinical TNM stage grouping' })).toBeUndefined();
    expect(stageGroupOf({ display: 'Type I diabetes' })).toBeUndefined();
  });
});
