import type { Condition, Observation, Patient, Resource } from '@medplum/fhirtypes';
import type { Fact } from '@oncoboard/facts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { allResources, loadAllExamples, loadExample, loadJennyBundle, recordKeyOf } from './__fixtures__/load-examples';
import { resolveElementPath } from './element-path';
import { mapResourceToFacts } from './map-resource';
import { linkStagingFacts } from './staging-links';
import { MCODE_FACT_KINDS, type McodeFact, type McodeFactKind, type McodeFactOf, type StageType } from './types';

// Real data: the mCODE STU4 examples (CC0) in demo/; see __fixtures__/README.md.

function factsOf(resource: Resource): McodeFact[] {
  return mapResourceToFacts(resource, { sourceRecordKey: recordKeyOf(resource) });
}

function only<K extends McodeFactKind>(facts: McodeFact[], kind: K): McodeFactOf<K> {
  const found = facts.filter((f): f is McodeFactOf<K> => f.kind === kind);
  expect(found, `one ${kind} fact`).toHaveLength(1);
  return found[0]!;
}

function exampleFact<K extends McodeFactKind>(file: string, kind: K): { fact: McodeFactOf<K>; resource: Resource } {
  const resource = loadExample(file);
  return { fact: only(factsOf(resource), kind), resource };
}

/** The fact cites this element, and the element exists in the resource. */
function expectCites(fact: McodeFact, resource: Resource, path: string) {
  expect(fact.provenance.map((p) => p.elementPath)).toContain(path);
  expect(resolveElementPath(resource, path), path).toBeDefined();
}

function withoutProfile<T extends Resource>(resource: T): T {
  const { meta: _meta, ...rest } = resource as T & { meta?: unknown };
  return rest as T;
}

describe('mapResourceToFacts on every mCODE STU4 example', () => {
  const examples = loadAllExamples();

  it('reads the 179 example files (177 resources and 2 Bundles)', () => {
    expect(examples).toHaveLength(179);
    expect(examples.filter((e) => e.resource.resourceType === 'Bundle')).toHaveLength(2);
  });

  it('maps every example and every Bundle entry without throwing, each fact citing elements that exist', () => {
    const kinds = new Set<string>();
    let facts = 0;
    for (const { file, resource } of allResources()) {
      const mapped = factsOf(resource);
      for (const fact of mapped) {
        facts += 1;
        kinds.add(fact.kind);
        expect(MCODE_FACT_KINDS as readonly string[], file).toContain(fact.kind);
        expect(fact.patientKey, file).toMatch(/^Patient\/[A-Za-z0-9\-.]+$/);
        expect(fact.provenance.length, file).toBeGreaterThan(0);
        for (const p of fact.provenance) {
          expect(p.sourceRecordKey, file).toBe(recordKeyOf(resource));
          expect(resolveElementPath(resource, p.elementPath), `${file} ${p.elementPath}`).toBeDefined();
        }
        for (const [name, path] of Object.entries(fact.attributes.elementPaths)) {
          expect(resolveElementPath(resource, path as string), `${file} ${name} ${path}`).toBeDefined();
        }
      }
      if (resource.resourceType === 'Bundle') expect(mapped, 'a Bundle itself states nothing').toEqual([]);
    }
    expect(facts).toBeGreaterThan(100);
    // Every kind the IG has an example of; only "death" has none (no deceased patient, no death Observation).
    expect([...kinds].sort()).toEqual(MCODE_FACT_KINDS.filter((k) => k !== 'death').sort());
  });

  it('gives each example that declares an mCODE fact profile exactly that kind, recognised by the profile', () => {
    const expected: Record<string, McodeFactKind> = {
      'mcode-primary-cancer-condition': 'primary-cancer-condition',
      'mcode-secondary-cancer-condition': 'secondary-cancer-condition',
      'mcode-histologic-behavior-and-type': 'histology-morphology-behavior',
      'mcode-tnm-stage-group': 'tnm-stage-group',
      'mcode-tnm-primary-tumor-category': 'tnm-primary-tumor-category',
      'mcode-tnm-regional-nodes-category': 'tnm-regional-nodes-category',
      'mcode-tnm-distant-metastases-category': 'tnm-distant-metastases-category',
      'mcode-tumor-marker-test': 'tumor-marker',
      'mcode-ecog-performance-status': 'ecog-performance-status',
      'mcode-karnofsky-performance-status': 'karnofsky-performance-status',
      'mcode-cancer-related-medication-request': 'cancer-related-medication-request',
      'mcode-cancer-related-medication-administration': 'cancer-related-medication-administration',
      'mcode-cancer-related-surgical-procedure': 'cancer-related-surgical-procedure',
      'mcode-radiotherapy-course-summary': 'radiotherapy-course-summary',
      'mcode-cancer-disease-status': 'cancer-disease-status',
      'mcode-tumor-size': 'tumor-size',
      'mcode-genomic-variant': 'genomic-variant',
      'mcode-genomics-report': 'genomics-report',
      'mcode-comorbidities': 'comorbidities',
      'mcode-tumor': 'tumor',
      'mcode-cancer-stage': 'cancer-stage',
      'mcode-lymphoma-stage': 'cancer-stage',
    };
    let checked = 0;
    for (const { file, resource } of examples) {
      const profile = resource.meta?.profile?.[0]?.split('/').pop();
      const kind = profile ? expected[profile] : undefined;
      if (!kind) continue;
      const facts = factsOf(resource);
      expect(facts.map((f) => f.kind), file).toEqual([kind]);
      expect(facts[0]!.attributes.recognizedBy, file).toBe('profile');
      checked += 1;
    }
    expect(checked).toBe(89);
  });

  it('yields no facts for resources outside mCODE: US Core conditions and labs, practitioners, specimens', () => {
    for (const file of [
      'Condition-us-core-condition-anxiety-jenny-m.json',
      'Condition-us-core-condition-hypertension-jenny-m.json',
      'Condition-john-anyperson-chf.json',
      'Observation-lab-result-observation-hemoglobin.json',
      'Observation-us-core-smokingstatus-jenny-m.json',
      'Observation-bodyweight-jenny-m-2018-03-16.json',
      'Observation-genomic-region-studied-jenny-m.json',
      'Practitioner-us-core-practitioner-owen-oncologist.json',
      'Specimen-tumor-specimen-left-breast-jenny-m.json',
      'BodyStructure-jenny-m-chest-wall-treatment-volume.json',
      'FamilyMemberHistory-family-member-history-aunt-jenny-m.json',
    ]) {
      expect(factsOf(loadExample(file)), file).toEqual([]);
    }
  });

  it('takes the patient key from the context when given, else from the subject', () => {
    const resource = loadExample('Observation-tumor-marker-test-er-jenny-m.json');
    expect(factsOf(resource)[0]!.patientKey).toBe('Patient/cancer-patient-jenny-m');
    expect(mapResourceToFacts(resource, { sourceRecordKey: 'k', patientKey: 'Patient/other' })[0]!.patientKey).toBe('Patient/other');
  });
});

describe("Jenny M's patient bundle (the breast cancer patient)", () => {
  const bundle = loadJennyBundle();
  const entries = (bundle.entry ?? []).map((e) => e.resource!).filter(Boolean);
  const resourceOf = (key: string) => entries.find((r) => recordKeyOf(r) === key)!;
  const facts = entries.flatMap((resource) => factsOf(resource));
  const citing = (fact: McodeFact) => resourceOf(fact.provenance[0]!.sourceRecordKey);

  it('yields her primary cancer condition: left breast, infiltrating duct carcinoma, with the elements they came from', () => {
    const primary = only(facts, 'primary-cancer-condition');
    const condition = citing(primary) as Condition;
    expect(primary.patientKey).toBe('Patient/cancer-patient-jenny-m');
    expect(primary.code).toEqual({ system: 'http://snomed.info/sct', code: '353431000119107', display: 'Primary malignant neoplasm of female left breast (disorder)' });
    expect(primary.code?.display).toMatch(/breast/);
    expect(primary.effectiveStart).toBe('2018-03-16');
    expect(primary.attributes.conditionRef).toBe('Condition/primary-cancer-condition-jenny-m');
    expect(primary.attributes.histologyMorphologyBehavior).toEqual({ system: 'http://snomed.info/sct', code: '82711006', display: 'Infiltrating duct carcinoma (morphologic abnormality)' });
    expect(primary.attributes.elementPaths.histologyMorphologyBehavior).toBe('Condition.extension[0].valueCodeableConcept');
    // Her condition has no laterality qualifier: the side is the one its pre-coordinated code names.
    expect(primary.attributes.laterality).toEqual({ system: 'http://snomed.info/sct', code: '7771000', display: 'Left' });
    expect(primary.attributes.elementPaths.laterality).toBe('Condition.code.coding[0].display');
    expect(resolveElementPath(condition, 'Condition.code.coding[0].display')).toContain('left breast');
    expect(primary.attributes.clinicalStatus).toBe('remission');
    expect(primary.attributes.verificationStatus).toBe('confirmed');
    expect(primary.provenance[0]).toEqual({ sourceRecordKey: 'fhir/Condition/primary-cancer-condition-jenny-m', elementPath: 'Condition.code' });
    expectCites(primary, condition, 'Condition.extension[0].valueCodeableConcept');
    expectCites(primary, condition, 'Condition.onsetDateTime');
  });

  it('yields her clinical T, N, M and stage group, each clinical, AJCC 8th, citing Observation.valueCodeableConcept', () => {
    const clinical = (kind: 'tnm-stage-group' | 'tnm-primary-tumor-category' | 'tnm-regional-nodes-category' | 'tnm-distant-metastases-category') =>
      facts.filter((f): f is McodeFactOf<typeof kind> => f.kind === kind && f.attributes.stageType === 'clinical');
    const expected = {
      'tnm-primary-tumor-category': ['1228938002', 'American Joint Committee on Cancer cT3 (qualifier value)'],
      'tnm-regional-nodes-category': ['1229967007', 'American Joint Committee on Cancer cN0 (qualifier value)'],
      'tnm-distant-metastases-category': ['1229901006', 'American Joint Committee on Cancer cM0 (qualifier value)'],
      'tnm-stage-group': ['1222769001', 'American Joint Committee on Cancer stage IIB (qualifier value)'],
    } as const;
    for (const [kind, [code, display]] of Object.entries(expected) as [keyof typeof expected, readonly [string, string]][]) {
      const list = clinical(kind);
      expect(list, kind).toHaveLength(1);
      const fact = list[0]!;
      expect(fact.value).toEqual({ type: 'coding', coding: { system: 'http://snomed.info/sct', code, display } });
      expect(fact.effectiveStart).toBe('2018-03-16');
      expect(fact.attributes.stagingSystem).toBe('AJCC 8th');
      expect(fact.attributes.elementPaths.value).toBe('Observation.valueCodeableConcept');
      expect(fact.attributes.elementPaths.stageType).toBe('Observation.code');
      expect(fact.provenance[0]!.elementPath).toBe('Observation.valueCodeableConcept');
      expect(resolveElementPath(citing(fact), 'Observation.valueCodeableConcept.coding[0].code')).toBe(code);
    }
    const group = clinical('tnm-stage-group')[0]!;
    expect(group.attributes.focusConditionRef).toBe('Condition/primary-cancer-condition-jenny-m');
    expect(group.attributes.elementPaths.focusConditionRef).toBe('Observation.focus[0]');
    expect(group.code).toEqual({ system: 'http://snomed.info/sct', code: '399537006', display: 'Clinical TNM stage grouping' });
  });

  it('yields her ER, PR and HER2 tumor markers with their values', () => {
    const markers = facts.filter((f): f is McodeFactOf<'tumor-marker'> => f.kind === 'tumor-marker');
    const byMarker = Object.fromEntries(markers.map((m) => [m.attributes.marker, m]));
    expect(Object.keys(byMarker).sort()).toEqual(['ER', 'HER2', 'Oncotype DX', 'PR']);
    expect(byMarker.ER!.value).toEqual({ type: 'coding', coding: { system: 'http://loinc.org', code: 'LA6576-8', display: 'Positive' } });
    expect(byMarker.PR!.value).toEqual({ type: 'coding', coding: { system: 'http://loinc.org', code: 'LA6577-6', display: 'Negative' } });
    expect(byMarker.HER2!.value).toEqual({ type: 'coding', coding: { system: 'http://loinc.org', code: 'LA6577-6', display: 'Negative' } });
    expect(byMarker.ER!.code?.code).toBe('85337-4');
    expect(byMarker.HER2!.code?.code).toBe('48676-1');
    for (const marker of ['ER', 'PR', 'HER2']) {
      const fact = byMarker[marker]!;
      expect(fact.provenance[0]!.elementPath).toBe('Observation.valueCodeableConcept');
      expect(fact.effectiveStart).toBe('2018-03-10');
      expectCites(fact, citing(fact), 'Observation.code');
    }
  });

  it('yields her PALB2 genomic variant with its HGVS changes and source class, each from its component', () => {
    const variant = only(facts, 'genomic-variant');
    const a = variant.attributes;
    expect(a.geneStudied).toBe('PALB2');
    expect(a.genes).toEqual([{ system: 'http://www.genenames.org', code: 'HGNC:26144', display: 'PALB2' }]);
    expect(a.dnaChange).toBe('NM_024675.3(PALB2):c.3549C>A');
    expect(a.aminoAcidChange).toBe('p.Tyr1183Ter');
    expect(a.genomicDnaChange).toBe('NC_000016.10:g.23603471G>T');
    expect(a.genomicSourceClass).toBe('Somatic');
    expect(a.variant).toEqual({ system: 'http://www.ncbi.nlm.nih.gov/clinvar', code: '128144', display: 'NM_024675.3(PALB2):c.3549C>A (p.Tyr1183Ter)' });
    expect(a.elementPaths).toMatchObject({
      geneStudied: 'Observation.component[0].valueCodeableConcept',
      dnaChange: 'Observation.component[1].valueCodeableConcept',
      aminoAcidChange: 'Observation.component[1].valueCodeableConcept',
      genomicDnaChange: 'Observation.component[2].valueCodeableConcept',
      genomicSourceClass: 'Observation.component[3].valueCodeableConcept',
    });
    expect(variant.value).toEqual({ type: 'coding', coding: { system: 'http://loinc.org', code: 'LA9633-4', display: 'Present' } });
    expectCites(variant, citing(variant), 'Observation.component[2].valueCodeableConcept');
  });

  it('yields one patient fact and the treatments of her record', () => {
    const patient = only(facts, 'patient');
    expect(patient.attributes.displayName).toBe('Jenny M');
    expect(facts.filter((f) => f.kind === 'cancer-related-medication-request')).toHaveLength(4);
    expect(only(facts, 'cancer-related-surgical-procedure').code?.code).toBe('64368001');
    expect(only(facts, 'radiotherapy-course-summary').effectiveEnd).toBe('2018-10-25');
  });
});

describe('each fact kind on an IG example (exact values)', () => {
  it('patient: demographics, US Core race/ethnicity/birth sex', () => {
    const { fact } = exampleFact('Patient-cancer-patient-jenny-m.json', 'patient');
    expect(fact.effectiveStart).toBe('1965-01-01');
    expect(fact.attributes).toMatchObject({
      key: 'Patient/cancer-patient-jenny-m',
      displayName: 'Jenny M',
      family: 'M',
      given: 'Jenny',
      birthDate: '1965-01-01',
      gender: 'female',
      identifiers: [{ system: 'http://hospital.example.org', value: 'MRN1234' }],
      race: [{ system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3', display: 'White' }],
      ethnicity: [{ system: 'urn:oid:2.16.840.1.113883.6.238', code: '2186-5', display: 'Not Hispanic or Latino' }],
      birthSex: 'F',
      recognizedBy: 'resource-type',
    });
    expect(fact.attributes.elementPaths.birthSex).toBe('Patient.extension[2].valueCode');
    expect(fact.attributes.deceased).toBeUndefined();
    expect(factsOf(loadExample('Patient-cancer-patient-jenny-m.json')).map((f) => f.kind)).toEqual(['patient']);
  });

  it('primary cancer condition: body site with its laterality qualifier extension', () => {
    const { fact, resource } = exampleFact('Condition-primary-cancer-condition-nsclc.json', 'primary-cancer-condition');
    expect(fact.code?.code).toBe('254637007');
    expect(fact.attributes.bodySite).toEqual([{ system: 'http://snomed.info/sct', code: '39607008', display: 'Lung structure (body structure)' }]);
    expect(fact.attributes.laterality).toEqual({ system: 'http://snomed.info/sct', code: '7771000', display: 'Left (qualifier value)' });
    expect(fact.attributes.elementPaths.laterality).toBe('Condition.bodySite[0].extension[0].valueCodeableConcept');
    expect(fact.attributes.histologyMorphologyBehavior?.code).toBe('1187332001');
    expect(fact.attributes.stageAssessmentRefs).toEqual(['Observation/tnm-clinical-stage-group-3c']);
    expectCites(fact, resource, 'Condition.bodySite');
  });

  it('cancer condition without onset: dated by the condition-assertedDate extension, which it cites', () => {
    const condition = loadExample('Condition-primary-cancer-condition-jenny-m.json') as Condition;
    const { onsetDateTime: _o, ...noOnset } = condition;
    const asserted: Condition = { ...noOnset, extension: [...(condition.extension ?? []), { url: 'http://hl7.org/fhir/StructureDefinition/condition-assertedDate', valueDateTime: '2018-03-20' }] };
    const fact = only(factsOf(asserted), 'primary-cancer-condition');
    expect(fact.effectiveStart).toBe('2018-03-20');
    expect(fact.attributes.assertedDate).toBe('2018-03-20');
    expect(fact.attributes.elementPaths.effectiveStart).toBe('Condition.extension[1].valueDateTime');
  });

  it('secondary cancer condition: the primary it arose from', () => {
    const { fact, resource } = exampleFact('Condition-secondary-cancer-condition-brain-mets.json', 'secondary-cancer-condition');
    expect(fact.code).toEqual({ system: 'http://snomed.info/sct', code: '94225005', display: 'Secondary malignant neoplasm of brain' });
    expect(fact.effectiveStart).toBe('2019-05-01');
    expect(fact.attributes.relatedPrimaryRef).toBe('Condition/primary-cancer-condition-nsclc');
    expectCites(fact, resource, 'Condition.extension[0].valueReference');
  });

  it('histology-morphology-behavior Observation: ICD-O-3 value and the condition it describes', () => {
    const { fact } = exampleFact('Observation-histologic-behavior-and-type-non-small-cell.json', 'histology-morphology-behavior');
    expect(fact.value).toEqual({ type: 'coding', coding: { system: 'http://terminology.hl7.org/CodeSystem/icd-o-3', code: '80463/3', display: 'Non-small cell carcinoma' } });
    expect(fact.attributes.relatedConditionRef).toBe('Condition/primary-cancer-condition-nsclc');
    expect(fact.attributes.specimenRef).toBe('Specimen/human-specimen-lung');
  });

  it('TNM categories: pathological stage type from the code, members of the stage group', () => {
    const t = exampleFact('Observation-tnm-pathologic-primary-tumor-category-jenny-m.json', 'tnm-primary-tumor-category').fact;
    expect(t.attributes.stageType).toBe('pathological');
    expect(t.value).toEqual({ type: 'coding', coding: { system: 'http://snomed.info/sct', code: '1229859000', display: 'American Joint Committee on Cancer pT3 (qualifier value)' } });
    const group = exampleFact('Observation-tnm-clinical-stage-group-3c.json', 'tnm-stage-group').fact;
    expect(group.attributes.memberRefs).toEqual([
      'Observation/tnm-clinical-primary-tumor-category-cT3',
      'Observation/tnm-clinical-regional-nodes-category-cN3',
      'Observation/tnm-clinical-distant-metastases-category-cM0',
    ]);
    expect(group.attributes.focusConditionRef).toBe('Condition/primary-cancer-condition-nsclc');
    expect(group.attributes.stagingMethod?.code).toBe('897275008');
    const n = exampleFact('Observation-tnm-clinical-regional-nodes-category-cN3.json', 'tnm-regional-nodes-category').fact;
    expect(n.attributes.stageType).toBe('clinical');
    const m = exampleFact('Observation-tnm-clinical-distant-metastases-category-cM0.json', 'tnm-distant-metastases-category').fact;
    expect(m.attributes.stageType).toBe('clinical');
  });

  it('cancer stage (non-TNM): FIGO stage with its staging system and focus', () => {
    const { fact } = exampleFact('Observation-figo-stage-IIIA.json', 'cancer-stage');
    expect(fact.value).toEqual({ type: 'coding', coding: { system: 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl', code: 'C96256', display: 'FIGO Stage IIIA' } });
    expect(fact.attributes.focusConditionRef).toBe('Condition/primary-cancer-condition-nonspecific');
    expect(fact.attributes.stagingSystem).toBe('International Federation of Gynecology and Obstetrics staging system for cervical carcinoma (tumor staging)');
  });

  it('tumor marker: a quantity value with its interpretation (Oncotype DX), and a marker outside the short list (EGFR)', () => {
    const { fact, resource } = exampleFact('Observation-tumor-marker-test-oncotype-dx-jenny-m.json', 'tumor-marker');
    expect(fact.attributes.marker).toBe('Oncotype DX');
    expect(fact.value).toEqual({ type: 'quantity', quantity: { value: 47, unit: 'Recurrence score', system: 'http://unitsofmeasure.org', code: '1' } });
    expect(fact.attributes.interpretation).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H', display: 'High' });
    expectCites(fact, resource, 'Observation.valueQuantity');
    expectCites(fact, resource, 'Observation.interpretation[0]');
    expect(exampleFact('Observation-tumor-marker-test-egf.json', 'tumor-marker').fact.attributes.marker).toBe('EGFR');
  });

  it('ECOG and Karnofsky: integer values, the answer display kept', () => {
    const ecog = exampleFact('Observation-ecog-performance-status-jenny-m.json', 'ecog-performance-status').fact;
    expect(ecog.value).toEqual({ type: 'integer', value: 0 });
    expect(ecog.attributes.interpretation?.display).toBe('Fully active, able to carry on all pre-disease performance without restriction');
    const kps = exampleFact('Observation-karnofsky-performance-status-normal-activity.json', 'karnofsky-performance-status').fact;
    expect(kps.value).toEqual({ type: 'integer', value: 90 });
    expect(kps.attributes.interpretation?.code).toBe('LA29176-7');
    // Coded as an answer (LOINC LL529-9) instead of an integer: the grade, and the coding kept.
    const coded = { ...(loadExample('Observation-ecog-performance-status-jenny-m.json') as Observation) };
    delete coded.valueInteger;
    coded.valueCodeableConcept = { coding: [{ system: 'http://loinc.org', code: 'LA9624-3', display: 'Ambulatory and capable of all selfcare' }] };
    const fact = only(factsOf(coded), 'ecog-performance-status');
    expect(fact.value).toEqual({ type: 'integer', value: 2 });
    expect(fact.attributes.valueCoding?.display).toBe('Ambulatory and capable of all selfcare');
    expect(fact.attributes.elementPaths.value).toBe('Observation.valueCodeableConcept');
  });

  it('cancer-related medication request: dosage bounds as dates, intent, reasons', () => {
    const { fact, resource } = exampleFact('MedicationRequest-cancer-related-medication-request-anastrozole-jenny-m.json', 'cancer-related-medication-request');
    expect(fact.code).toEqual({ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '84857', display: 'anastrozole' });
    expect(fact.effectiveStart).toBe('2018-09-30');
    expect(fact.attributes.elementPaths.effectiveStart).toBe('MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.start');
    expect(fact.attributes.treatmentIntent?.code).toBe('373808002');
    expect(fact.attributes.reasonRefs).toEqual(['Condition/primary-cancer-condition-jenny-m']);
    expect(fact.attributes.status).toBe('active');
    expect(fact.attributes.dose).toEqual({ value: 1, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
    expectCites(fact, resource, 'MedicationRequest.medicationCodeableConcept');
  });

  it('cancer-related medication request stopped: termination reason, authoredOn date, reason code', () => {
    const { fact } = exampleFact('MedicationRequest-cancer-related-medication-request-cisplatin-stopped.json', 'cancer-related-medication-request');
    expect(fact.status).toBe('stopped');
    expect(fact.effectiveStart).toBe('2019-05-15');
    expect(fact.attributes.elementPaths.effectiveStart).toBe('MedicationRequest.authoredOn');
    expect(fact.attributes.terminationReason).toEqual([{ system: 'http://snomed.info/sct', code: '407563006', display: 'Treatment not tolerated (situation)' }]);
    expect(fact.attributes.elementPaths.terminationReason).toBe('MedicationRequest.statusReason');
    expect(fact.attributes.reasonCodes).toEqual([{ system: 'http://snomed.info/sct', code: '254637007', display: 'Non-small cell lung cancer (disorder)' }]);
  });

  it('cancer-related medication administration: effective date and dose', () => {
    const { fact } = exampleFact('MedicationAdministration-cancer-related-medication-admin-paclitaxel-jenny-m.json', 'cancer-related-medication-administration');
    expect(fact.code?.code).toBe('56946');
    expect(fact.effectiveStart).toBe('2018-04-22');
    expect(fact.status).toBe('completed');
    expect(fact.attributes.dose).toEqual({ value: 272.01, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
    expect(fact.attributes.elementPaths.dose).toBe('MedicationAdministration.dosage.dose');
  });

  it('cancer-related surgical procedure: body site, laterality and location qualifiers, reason, intent', () => {
    const { fact, resource } = exampleFact('Procedure-cancer-related-surgical-procedure-lobectomy.json', 'cancer-related-surgical-procedure');
    expect(fact.code?.code).toBe('359615001');
    expect(fact.effectiveStart).toBe('2019-03-01');
    expect(fact.attributes.bodySite).toEqual([{ system: 'http://snomed.info/sct', code: '31094006', display: 'Structure of lobe of lung (body structure)' }]);
    expect(fact.attributes.laterality).toEqual({ system: 'http://snomed.info/sct', code: '7771000', display: 'Left (qualifier value)' });
    expect(fact.attributes.locationQualifiers).toEqual([{ system: 'http://snomed.info/sct', code: '261122009', display: 'Lower (qualifier value)' }]);
    expect(fact.attributes.reasonRefs).toEqual(['Condition/primary-cancer-condition-nsclc']);
    expect(fact.attributes.treatmentIntent?.code).toBe('373808002');
    expectCites(fact, resource, 'Procedure.bodySite[0].extension[0].valueCodeableConcept');
    expectCites(fact, resource, 'Procedure.bodySite[0].extension[1].valueCodeableConcept');
  });

  it('radiotherapy course summary: modalities, techniques, sessions, dose per volume, period', () => {
    const { fact, resource } = exampleFact('Procedure-radiotherapy-treatment-summary-chest-wall-jenny-m.json', 'radiotherapy-course-summary');
    expect(fact.effectiveStart).toBe('2018-08-15');
    expect(fact.effectiveEnd).toBe('2018-10-25');
    expect(fact.attributes.modalities.map((m) => m.code)).toEqual(['1156506007', '45643008']);
    expect(fact.attributes.techniques.map((t) => t.code)).toEqual(['1156530009', '1162782007']);
    expect(fact.attributes.sessions).toBe(31);
    expect(fact.attributes.doseDeliveredToVolume).toEqual([
      { volumeRef: 'BodyStructure/jenny-m-chest-wall-treatment-volume', totalDoseDelivered: { value: 6000, system: 'http://unitsofmeasure.org', code: 'cGy' }, fractionsDelivered: 30 },
      { volumeRef: 'BodyStructure/jenny-m-chest-wall-lymph-nodes-treatment-volume', totalDoseDelivered: { value: 5000, system: 'http://unitsofmeasure.org', code: 'cGy' }, fractionsDelivered: 25 },
    ]);
    expect(fact.attributes.bodySite).toEqual([{ system: 'http://snomed.info/sct', code: '78904004', display: 'Chest Wall Structure (body structure)' }]);
    expect(fact.attributes.reasonCodes[0]?.code).toBe('C50.811');
    expect(fact.attributes.treatmentIntent?.code).toBe('373808002');
    expect(fact.attributes.elementPaths).toMatchObject({
      modalities: 'Procedure.extension[2].extension[0].valueCodeableConcept',
      techniques: 'Procedure.extension[2].extension[1].valueCodeableConcept',
      sessions: 'Procedure.extension[0].valueUnsignedInt',
      doseDeliveredToVolume: 'Procedure.extension[4]',
      effectiveStart: 'Procedure.performedPeriod.start',
    });
    expectCites(fact, resource, 'Procedure.extension[0].valueUnsignedInt');
    // A modality coded as NullFlavor "un-encoded" next to a SNOMED code: the real code is kept.
    const other = exampleFact('Procedure-radiotherapy-treatment-summary-other-with-text.json', 'radiotherapy-course-summary').fact;
    expect(other.attributes.modalities[0]).toEqual({ system: 'http://snomed.info/sct', code: '169317000', display: 'Neutron capture therapy (procedure)' });
  });

  it('cancer disease status: value, evidence types, focus', () => {
    const { fact } = exampleFact('Observation-cancer-disease-status-jenny-m.json', 'cancer-disease-status');
    expect(fact.value).toEqual({ type: 'coding', coding: { system: 'http://snomed.info/sct', code: '268910001', display: "Patient's condition improved (finding)" } });
    expect(fact.attributes.evidenceTypes).toEqual([{ system: 'http://snomed.info/sct', code: '363679005', display: 'Imaging (procedure)' }]);
    expect(fact.attributes.focusConditionRef).toBe('Condition/primary-cancer-condition-jenny-m');
    expect(fact.effectiveStart).toBe('2018-11-01');
  });

  it('tumor size: longest and other dimensions as quantities from components', () => {
    const { fact } = exampleFact('Observation-tumor-size-pathology.json', 'tumor-size');
    expect(fact.attributes.longestDimension).toEqual({ value: 1.2, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' });
    expect(fact.attributes.otherDimensions).toEqual([{ value: 0.5, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' }]);
    expect(fact.value).toEqual({ type: 'quantity', quantity: { value: 1.2, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' } });
    expect(fact.attributes.elementPaths.otherDimensions).toBe('Observation.component[1].valueQuantity');
    expect(fact.attributes.focusRefs).toEqual(['BodyStructure/tumor-lobular-carcinoma-left-breast']);
  });

  it('genomic variant: c./p. HGVS, allele frequency, consequence, assembly from their components', () => {
    const { fact } = exampleFact('Observation-gx-genomic-variant-somatic-bap1-indel.json', 'genomic-variant');
    expect(fact.attributes).toMatchObject({
      geneStudied: 'BAP1',
      dnaChange: 'NM_004656.4:c.1768C>T',
      aminoAcidChange: 'NP_004647.1:p.(Gln590Ter)',
      genomicSourceClass: 'Somatic',
      allelicFrequency: { value: 57.4, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      molecularConsequence: { system: 'http://www.sequenceontology.org/', code: 'SO:0001587', display: 'stop_gained' },
      referenceAssembly: { system: 'http://loinc.org', code: 'LA14029-5', display: 'GRCh37' },
      transcript: { system: 'http://www.ncbi.nlm.nih.gov/refseq', code: 'NM_004656', display: 'NM_004656.4' },
    });
    expect(fact.attributes.elementPaths.allelicFrequency).toBe('Observation.component[5].valueQuantity');
    const fusion = exampleFact('Observation-gx-genomic-variant-fusion-met-alk.json', 'genomic-variant').fact;
    expect(fusion.attributes.geneStudied).toBe('MET, ALK');
    expect(fusion.attributes.variantType).toBe('complex chromosomal rearrangement');
    const absent = exampleFact('Observation-gx-genomic-variant-pertinent-negative-nras-kit-braf.json', 'genomic-variant').fact;
    expect(absent.value).toEqual({ type: 'coding', coding: { system: 'http://loinc.org', code: 'LA9634-2', display: 'Absent' } });
  });

  it('genomics report: code, results, specimens, issued', () => {
    const { fact } = exampleFact('DiagnosticReport-genomics-report-jenny-m.json', 'genomics-report');
    expect(fact.code).toEqual({ system: 'http://loinc.org', code: '51969-4', display: 'Genetic analysis report' });
    expect(fact.attributes.resultRefs).toEqual(['Observation/genomic-variant-jenny-m', 'Observation/genomic-region-studied-jenny-m']);
    expect(fact.attributes.specimenRefs).toEqual(['Specimen/human-specimen-left-breast-jenny-m']);
    expect(fact.attributes.issued).toBe('2020-03-15T00:00:01+00:00');
    expect(fact.effectiveStart).toBe('2018-03-15');
  });

  it('comorbidities: present conditions by reference, absent by code', () => {
    const { fact } = exampleFact('Observation-cancer-related-comorbidities-jenny-m.json', 'comorbidities');
    expect(fact.attributes.presentConditionRefs).toEqual([
      'Condition/us-core-condition-depression-jenny-m',
      'Condition/us-core-condition-anxiety-jenny-m',
      'Condition/us-core-condition-hypertension-jenny-m',
    ]);
    expect(fact.attributes.absentConditions.map((c) => c.code)).toEqual(['414916001', '19829001']);
    expect(fact.attributes.elementPaths.absentConditions).toBe('Observation.extension[3].valueCodeableConcept');
  });

  it('tumor (BodyStructure): location, laterality named by it, related condition, identifier', () => {
    const { fact } = exampleFact('BodyStructure-tumor-lobular-carcinoma-left-breast.json', 'tumor');
    expect(fact.patientKey).toBe('Patient/cancer-patient-eve-anyperson');
    expect(fact.attributes.location).toEqual({ system: 'http://snomed.info/sct', code: '80248007', display: 'Left breast structure (body structure)' });
    expect(fact.attributes.laterality?.code).toBe('7771000');
    expect(fact.attributes.relatedConditionRef).toBe('Condition/primary-cancer-condition-breast');
    expect(fact.attributes.identifiers).toEqual([{ system: 'http://radiology.hospital.example.org', value: 'Tumor 1234' }]);
  });

  it('tumor markers from the Genomics Reporting IG: TMB and MSI', () => {
    expect(exampleFact('Observation-gx-genomic-tmb.json', 'tumor-marker').fact).toMatchObject({ attributes: { marker: 'TMB' }, value: { type: 'quantity', quantity: { value: 57.1 } } });
    expect(exampleFact('Observation-gx-genomic-msi.json', 'tumor-marker').fact.attributes.marker).toBe('MSI');
  });
});

describe('death (the IG has no example: derived from real examples)', () => {
  const jenny = loadExample('Patient-cancer-patient-jenny-m.json') as Patient;

  it('Patient.deceasedDateTime gives a death fact dated and citing that element', () => {
    const deceased: Patient = { ...jenny, deceasedDateTime: '2023-06-01' };
    const facts = factsOf(deceased);
    expect(facts.map((f) => f.kind)).toEqual(['patient', 'death']);
    const death = only(facts, 'death');
    expect(death).toMatchObject({ effectiveStart: '2023-06-01', value: { type: 'boolean', value: true }, attributes: { source: 'Patient.deceased', deceasedDateTime: '2023-06-01' } });
    expect(death.provenance[0]!.elementPath).toBe('Patient.deceasedDateTime');
    expect(only(facts, 'patient').attributes).toMatchObject({ deceased: true, deceasedAt: '2023-06-01' });
  });

  it('deceasedBoolean true gives an undated death fact; false gives none', () => {
    const death = only(factsOf({ ...jenny, deceasedBoolean: true }), 'death');
    expect(death.effectiveStart).toBeUndefined();
    expect(death.provenance[0]!.elementPath).toBe('Patient.deceasedBoolean');
    expect(factsOf({ ...jenny, deceasedBoolean: false }).map((f) => f.kind)).toEqual(['patient']);
  });

  it('an Observation of the date and time of death (LOINC 81956-5), or of its cause (69453-9)', () => {
    const base = loadExample('Observation-lab-result-observation-hemoglobin.json') as Observation;
    const { valueQuantity: _v, meta: _m, ...rest } = base;
    const dated: Observation = { ...rest, code: { coding: [{ system: 'http://loinc.org', code: '81956-5', display: 'Date and time of death [TimeStamp]' }] }, valueDateTime: '2021-03-02T10:00:00Z' };
    const death = only(factsOf(dated), 'death');
    expect(death.effectiveStart).toBe('2021-03-02T10:00:00Z');
    expect(death.attributes).toMatchObject({ source: 'Observation', deceasedDateTime: '2021-03-02T10:00:00Z', recognizedBy: 'code' });
    const cause: Observation = { ...rest, code: { coding: [{ system: 'http://loinc.org', code: '69453-9' }] }, valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '254637007', display: 'Non-small cell lung cancer' }] } };
    expect(only(factsOf(cause), 'death').attributes.cause?.code).toBe('254637007');
  });
});

describe('recognition by code when a resource declares no profile (as real EHR data)', () => {
  it('recognises the same kind for the examples of every kind whose codes mCODE fixes', () => {
    const cases: [string, McodeFactKind][] = [
      ['Condition-primary-cancer-condition-jenny-m.json', 'primary-cancer-condition'],
      ['Condition-primary-cancer-condition-cll.json', 'primary-cancer-condition'],
      ['Condition-secondary-cancer-condition-brain-mets.json', 'secondary-cancer-condition'],
      ['Observation-histologic-behavior-and-type-non-small-cell.json', 'histology-morphology-behavior'],
      ['Observation-tnm-clinical-stage-group-jenny-m.json', 'tnm-stage-group'],
      ['Observation-tnm-clinical-primary-tumor-category-jenny-m.json', 'tnm-primary-tumor-category'],
      ['Observation-tnm-pathologic-regional-nodes-category-jenny-m.json', 'tnm-regional-nodes-category'],
      ['Observation-tnm-pathologic-distant-metastases-category-jenny-m.json', 'tnm-distant-metastases-category'],
      ['Observation-tumor-marker-test-er-jenny-m.json', 'tumor-marker'],
      ['Observation-tumor-marker-test-her2-jenny-m.json', 'tumor-marker'],
      ['Observation-tumor-marker-test-oncotype-dx-jenny-m.json', 'tumor-marker'],
      ['Observation-ecog-performance-status-jenny-m.json', 'ecog-performance-status'],
      ['Observation-karnofsky-performance-status-normal-activity.json', 'karnofsky-performance-status'],
      ['MedicationRequest-cancer-related-medication-request-cisplatin-stopped.json', 'cancer-related-medication-request'],
      ['MedicationAdministration-cancer-related-medication-admin-doxorubicin-jenny-m.json', 'cancer-related-medication-administration'],
      ['Procedure-cancer-related-surgical-procedure-jenny-m.json', 'cancer-related-surgical-procedure'],
      ['Procedure-radiotherapy-treatment-summary-chest-wall-jenny-m.json', 'radiotherapy-course-summary'],
      ['Observation-cancer-disease-status-jenny-m.json', 'cancer-disease-status'],
      ['Observation-tumor-size-jenny-m.json', 'tumor-size'],
      ['Observation-genomic-variant-jenny-m.json', 'genomic-variant'],
      ['DiagnosticReport-genomics-report-jenny-m.json', 'genomics-report'],
      ['Observation-cancer-related-comorbidities-jenny-m.json', 'comorbidities'],
    ];
    for (const [file, kind] of cases) {
      const bare = withoutProfile(loadExample(file));
      const facts = factsOf(bare);
      expect(facts.map((f) => f.kind), file).toEqual([kind]);
      expect(facts[0]!.attributes.recognizedBy, file).toBe('code');
      const profiled = factsOf(loadExample(file))[0]!;
      expect(facts[0]!.value, file).toEqual(profiled.value);
      expect(facts[0]!.provenance, file).toEqual(profiled.provenance);
    }
  });

  it('reads the stage type from the LOINC TNM codes (21908-9 clinical group, 21899-0 pathological T, ...)', () => {
    const group = withoutProfile(loadExample('Observation-tnm-clinical-stage-group-jenny-m.json') as Observation);
    const loinc = (code: string): Observation => ({ ...group, code: { coding: [{ system: 'http://loinc.org', code }] } });
    const expectations: [string, McodeFactKind, StageType | undefined][] = [
      ['21908-9', 'tnm-stage-group', 'clinical'],
      ['21902-2', 'tnm-stage-group', 'pathological'],
      ['21905-5', 'tnm-primary-tumor-category', 'clinical'],
      ['21899-0', 'tnm-primary-tumor-category', 'pathological'],
      ['21906-3', 'tnm-regional-nodes-category', 'clinical'],
      ['21900-6', 'tnm-regional-nodes-category', 'pathological'],
      ['21907-1', 'tnm-distant-metastases-category', 'clinical'],
      ['21901-4', 'tnm-distant-metastases-category', 'pathological'],
    ];
    for (const [code, kind, stageType] of expectations) {
      const fact = factsOf(loinc(code))[0]!;
      expect(fact.kind, code).toBe(kind);
      expect((fact.attributes as { stageType?: StageType }).stageType, code).toBe(stageType);
    }
    // "T category" (generic): the stage type comes from the value, "cT3".
    const t = withoutProfile(loadExample('Observation-tnm-clinical-primary-tumor-category-jenny-m.json') as Observation);
    const generic = only(factsOf({ ...t, code: { coding: [{ system: 'http://snomed.info/sct', code: '78873005' }] } }), 'tnm-primary-tumor-category');
    expect(generic.attributes.stageType).toBe('clinical');
    expect(generic.attributes.elementPaths.stageType).toBe('Observation.valueCodeableConcept');
  });

  it('names tumor markers by their LOINC codes', () => {
    const er = withoutProfile(loadExample('Observation-tumor-marker-test-er-jenny-m.json') as Observation);
    const marker = (code: string) => {
      const facts = factsOf({ ...er, code: { coding: [{ system: 'http://loinc.org', code }] } });
      return facts[0]?.kind === 'tumor-marker' ? facts[0].attributes.marker : undefined;
    };
    expect(marker('16112-5')).toBe('ER');
    expect(marker('16113-3')).toBe('PR');
    expect(marker('85319-2')).toBe('HER2');
    expect(marker('85318-4')).toBe('HER2');
    expect(marker('85330-9')).toBe('Ki-67');
    expect(marker('29593-1')).toBe('Ki-67');
    expect(marker('2857-1')).toBe('PSA');
    expect(marker('35741-8')).toBe('PSA');
    expect(marker('2039-6')).toBe('CEA');
    expect(marker('24108-3')).toBe('CA 19-9');
    expect(marker('718-7')).toBeUndefined();
  });

  it('recognises cancer conditions by ICD-10-CM ranges and SNOMED CT, and nothing else', () => {
    const base = withoutProfile(loadExample('Condition-primary-cancer-condition-jenny-m.json') as Condition);
    const { extension: _e, ...plain } = base;
    const kindOf = (system: string, code: string, display?: string) => factsOf({ ...plain, code: { coding: [{ system, code, ...(display ? { display } : {}) }] } }).map((f) => f.kind);
    const icd = 'http://hl7.org/fhir/sid/icd-10-cm';
    expect(kindOf(icd, 'C50.912')).toEqual(['primary-cancer-condition']);
    expect(kindOf(icd, 'C34.90')).toEqual(['primary-cancer-condition']);
    expect(kindOf(icd, 'D05.12')).toEqual(['primary-cancer-condition']);
    expect(kindOf(icd, 'C79.31')).toEqual(['secondary-cancer-condition']);
    expect(kindOf(icd, 'C78.00')).toEqual(['secondary-cancer-condition']);
    expect(kindOf(icd, 'I10')).toEqual([]);
    expect(kindOf(icd, 'D12.6')).toEqual([]);
    const sct = 'http://snomed.info/sct';
    expect(kindOf(sct, '254837009', 'Malignant neoplasm of breast (disorder)')).toEqual(['primary-cancer-condition']);
    expect(kindOf(sct, '94391008', 'Secondary malignant neoplasm of lung (disorder)')).toEqual(['secondary-cancer-condition']);
    expect(kindOf(sct, '1', 'Adenocarcinoma of prostate (disorder)')).toEqual(['primary-cancer-condition']);
    expect(kindOf(sct, '2', 'Family history of malignant neoplasm of breast (situation)')).toEqual([]);
    expect(kindOf(sct, '3', 'Benign neoplasm of colon (disorder)')).toEqual([]);
    expect(kindOf(sct, '59621000', 'Essential hypertension (disorder)')).toEqual([]);
  });

  it('does not take a medication or procedure for a cancer treatment without a sign of it', () => {
    const admin = withoutProfile(loadExample('MedicationAdministration-cancer-related-medication-admin-doxorubicin-jenny-m.json'));
    const { extension: _e, ...noExtension } = admin as typeof admin & { extension?: unknown };
    expect(factsOf(noExtension as Resource)).toEqual([]);
    const biopsy = loadExample('Procedure-us-core-procedure-biopsy-jenny-m.json');
    expect(factsOf(biopsy)).toEqual([]);
  });
});

describe('linkStagingFacts', () => {
  const bundle = loadJennyBundle();
  const entries = (bundle.entry ?? []).map((e) => e.resource!).filter(Boolean);
  const loose = ['Observation-tnm-pathologic-primary-tumor-category-jenny-m.json', 'Observation-tnm-pathologic-stage-group-jenny-m.json'].map(loadExample);
  const facts = [...entries, ...loose].flatMap((r) => factsOf(r));

  it('gives T/N/M categories the focus of their stage group, citing the group', () => {
    const linked = linkStagingFacts(facts);
    expect(linked).toHaveLength(facts.length);
    const cT = linked.find((f): f is McodeFactOf<'tnm-primary-tumor-category'> => f.kind === 'tnm-primary-tumor-category' && f.attributes.stageType === 'clinical')!;
    expect(cT.attributes.focusConditionRef).toBe('Condition/primary-cancer-condition-jenny-m');
    expect(cT.attributes.focusInferredFrom).toBe('Observation/tnm-clinical-stage-group-jenny-m');
    expect(cT.provenance.at(-1)).toEqual({ sourceRecordKey: 'fhir/Observation/tnm-clinical-stage-group-jenny-m', elementPath: 'Observation.focus[0]' });
    const pT = linked.find((f): f is McodeFactOf<'tnm-primary-tumor-category'> => f.kind === 'tnm-primary-tumor-category' && f.attributes.stageType === 'pathological')!;
    expect(pT.attributes.focusInferredFrom).toBe('Observation/tnm-pathologic-stage-group-jenny-m');
    // Facts that need nothing are returned as they were.
    const group = facts.find((f) => f.kind === 'tnm-stage-group')!;
    expect(linked).toContain(group);
    const before = facts.find((f) => f.kind === 'tnm-primary-tumor-category')!;
    expect((before.attributes as { focusConditionRef?: string }).focusConditionRef).toBeUndefined();
  });
});

describe('the McodeFact union', () => {
  it('narrows attributes by kind', () => {
    const fact = factsOf(loadExample('Observation-tnm-clinical-stage-group-jenny-m.json'))[0]!;
    if (fact.kind === 'tnm-stage-group') {
      expectTypeOf(fact.attributes.stageType).toEqualTypeOf<StageType | undefined>();
      expectTypeOf(fact.attributes.memberRefs).toEqualTypeOf<string[] | undefined>();
      expect(fact.attributes.stageType).toBe('clinical');
    } else {
      throw new Error(`expected a tnm-stage-group fact, got ${fact.kind}`);
    }
    const marker = factsOf(loadExample('Observation-tumor-marker-test-er-jenny-m.json'))[0]!;
    if (marker.kind === 'tumor-marker') expectTypeOf(marker.attributes.marker).toBeString();
  });

  it('is a plain Fact too, so stores and other libs take it as Fact[]', () => {
    const facts: Fact[] = factsOf(loadExample('Condition-primary-cancer-condition-jenny-m.json'));
    expectTypeOf<McodeFact>().toExtend<Fact>();
    expect(facts[0]!.attributes.conditionRef).toBe('Condition/primary-cancer-condition-jenny-m');
  });
});
