/**
 * A synthetic patient with a long history, as FHIR R4 bulk-data NDJSON, for the timeline smoothness check: one
 * Patient and `count - 1` dated or undated resources across every lane (labs, encounters, medications with
 * multi-day periods, procedures, imaging and pathology reports, conditions, genomic observations), spread over ten
 * years with the clusters a real oncology history has. Deterministic (seeded), so runs are comparable.
 * Every resource is valid R4 (required elements present), so the import keeps them all.
 */
import { mulberry32 } from '@oncoboard/facts';

export const LOAD_PATIENT_ID = 'timeline-load-test';
export const LOAD_PATIENT_KEY = `Patient/${LOAD_PATIENT_ID}`;

const START = Date.UTC(2014, 0, 1);
const END = Date.UTC(2024, 11, 31);
const subject = { reference: LOAD_PATIENT_KEY };

function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

const LABS = [
  { code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL', lo: 9, hi: 15 },
  { code: '6690-2', display: 'Leukocytes [#/volume] in Blood', unit: '10*3/uL', lo: 2, hi: 11 },
  { code: '777-3', display: 'Platelets [#/volume] in Blood', unit: '10*3/uL', lo: 120, hi: 400 },
  { code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma', unit: 'mg/dL', lo: 0.6, hi: 1.4 },
  { code: '6875-9', display: 'Cancer Ag 15-3 [Units/volume] in Serum or Plasma', unit: 'U/mL', lo: 10, hi: 60 },
];
const DRUGS = ['paclitaxel', 'doxorubicin', 'cyclophosphamide', 'trastuzumab', 'anastrozole', 'ondansetron'];
const PROCEDURES = ['Core needle biopsy of breast', 'Port placement', 'Partial mastectomy', 'Sentinel lymph node biopsy', 'Echocardiography'];
const IMAGING = ['CT chest abdomen pelvis with contrast', 'Mammogram bilateral', 'PET-CT whole body', 'MRI breast bilateral'];

/** NDJSON text (one resource per line) and how many resources it holds. */
export function syntheticPatientNdjson(count = 10_000, seed = 20_240_501): { text: string; resources: number; undated: number } {
  const random = mulberry32(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // Treatment-heavy periods (chemotherapy cycles) attract more events, as in real records.
  const clusters = [Date.UTC(2016, 2, 1), Date.UTC(2016, 8, 1), Date.UTC(2019, 4, 1), Date.UTC(2022, 9, 1)];
  const when = () => {
    if (random() < 0.45) {
      const c = pick(clusters);
      return Math.min(END, Math.max(START, c + (random() - 0.5) * 150 * 86_400_000));
    }
    return START + random() * (END - START);
  };
  const lines: string[] = [
    JSON.stringify({
      resourceType: 'Patient',
      id: LOAD_PATIENT_ID,
      identifier: [{ system: 'http://example.org/oncoboard/test-mrn', value: 'LOAD-10000' }],
      name: [{ family: 'Loadtest', given: ['Timeline'] }],
      gender: 'female',
      birthDate: '1961-04-12',
    }),
  ];
  let undated = 0;
  for (let i = 1; i < count; i++) {
    const id = `${LOAD_PATIENT_ID}-${i}`;
    const t = when();
    const r = random();
    let resource: Record<string, unknown>;
    if (r < 0.45) {
      const lab = pick(LABS);
      resource = {
        resourceType: 'Observation',
        id,
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: lab.code, display: lab.display }] },
        subject,
        effectiveDateTime: iso(t),
        valueQuantity: { value: Math.round((lab.lo + random() * (lab.hi - lab.lo)) * 10) / 10, unit: lab.unit, system: 'http://unitsofmeasure.org', code: lab.unit },
      };
    } else if (r < 0.6) {
      resource = {
        resourceType: 'Encounter',
        id,
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
        type: [{ text: pick(['Oncology clinic visit', 'Infusion visit', 'Tumor board review', 'Nurse call']) }],
        subject,
        period: { start: iso(t), end: iso(t + 45 * 60_000) },
      };
    } else if (r < 0.72) {
      const days = 1 + Math.floor(random() * 5);
      resource = {
        resourceType: 'MedicationAdministration',
        id,
        status: 'completed',
        medicationCodeableConcept: { text: pick(DRUGS) },
        subject,
        effectivePeriod: { start: iso(t), end: iso(t + days * 86_400_000) },
      };
    } else if (r < 0.8) {
      resource = { resourceType: 'Procedure', id, status: 'completed', code: { text: pick(PROCEDURES) }, subject, performedDateTime: iso(t) };
    } else if (r < 0.86) {
      resource = {
        resourceType: 'DiagnosticReport',
        id,
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }],
        code: { text: pick(IMAGING) },
        subject,
        effectiveDateTime: iso(t),
      };
    } else if (r < 0.91) {
      resource = {
        resourceType: 'DiagnosticReport',
        id,
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'SP' }] }],
        code: { text: 'Surgical pathology report' },
        subject,
        effectiveDateTime: iso(t),
      };
    } else if (r < 0.95) {
      resource = {
        resourceType: 'Condition',
        id,
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
        code: { text: pick(['Neutropenia', 'Nausea', 'Peripheral neuropathy', 'Fatigue', 'Anemia']) },
        subject,
        onsetDateTime: iso(t),
      };
    } else if (r < 0.98) {
      resource = {
        resourceType: 'Observation',
        id,
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: '69548-6', display: 'Genetic variant assessment' }] },
        subject,
        effectiveDateTime: iso(t),
        valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA9633-4', display: 'Present' }] },
      };
    } else {
      undated++;
      resource = {
        resourceType: 'Observation',
        id,
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }] }],
        code: { text: pick(['Lives with partner', 'Non-smoker', 'Works part time']) },
        subject,
        valueString: 'reported by patient',
      };
    }
    lines.push(JSON.stringify(resource));
  }
  return { text: `${lines.join('\n')}\n`, resources: lines.length, undated };
}
