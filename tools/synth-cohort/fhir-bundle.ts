// One SYNTHETIC patient's mCODE STU4 bundle (FHIR R4 collection): Patient, primary cancer Condition, stage group,
// ECOG, ER/PR/HER2 tumor markers, surgery and cancer medications. Shapes follow demo/mcode-stu4 (Jenny M.).
// Only the clinical modality's features are here: grade, Ki-67, LVI (pathology), the lesion (imaging) and the
// variants (genomics) are NOT written into the bundle, so each modality keeps its own part of the signal.
import type { SyntheticPatient } from './generative-model';
import { SYNTH_COHORT_VERSION } from './generative-model';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Resource = { resourceType: string; id: string; [k: string]: Json };

const MCODE = 'http://hl7.org/fhir/us/mcode/StructureDefinition';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
/** Every resource carries this tag; the Patient also an identifier in this system. */
export const SYNTHETIC_TAG = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data (SYNTHETIC: tools/synth-cohort)' } as const;
export const SYNTHETIC_IDENTIFIER_SYSTEM = 'urn:oncoboard:synthetic-cohort';

const STAGE_ROMAN = ['', 'I', 'II', 'III', 'IV'] as const;

function meta(profile: string): { [k: string]: Json } {
  return { profile: [`${MCODE}/${profile}`], tag: [{ ...SYNTHETIC_TAG }] };
}

const observationCategory = (code: string): Json => [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code }] }];

/** The patient's resources (ids are unique per patient: "<kind>-<patient id>"). */
export function syntheticPatientResources(p: SyntheticPatient): Resource[] {
  const c = p.clinical;
  const patientRef = { reference: `Patient/${p.id}` };
  const conditionRef = { reference: `Condition/primary-cancer-${p.id}` };
  const day = (offset: number) => new Date(Date.parse(c.diagnosisDate) + offset * 86_400_000).toISOString().slice(0, 10);
  const resources: Resource[] = [
    {
      resourceType: 'Patient',
      id: p.id,
      meta: meta('mcode-cancer-patient'),
      identifier: [{ system: SYNTHETIC_IDENTIFIER_SYSTEM, value: p.id }],
      name: [{ family: `Synthetic${p.index}`, given: ['SYNTHETIC'] }],
      gender: c.sex,
      birthDate: c.birthDate,
    },
    {
      resourceType: 'Condition',
      id: `primary-cancer-${p.id}`,
      meta: meta('mcode-primary-cancer-condition'),
      extension: [
        {
          url: `${MCODE}/mcode-histology-morphology-behavior`,
          valueCodeableConcept: { coding: [{ system: SNOMED, code: '82711006', display: 'Infiltrating duct carcinoma (morphologic abnormality)' }] },
        },
      ],
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
      code: { coding: [{ system: SNOMED, code: '254837009', display: 'Malignant neoplasm of breast (disorder)' }] },
      subject: patientRef,
      onsetDateTime: c.diagnosisDate,
      recordedDate: c.diagnosisDate,
    },
    {
      resourceType: 'Observation',
      id: `stage-group-${p.id}`,
      meta: meta('mcode-tnm-stage-group'),
      status: 'final',
      category: observationCategory('survey'),
      code: { coding: [{ system: SNOMED, code: '399537006', display: 'Clinical TNM stage grouping' }] },
      subject: patientRef,
      focus: [conditionRef],
      effectiveDateTime: c.diagnosisDate,
      valueCodeableConcept: { coding: [{ system: 'http://cancerstaging.org', code: STAGE_ROMAN[c.stage], display: `Stage ${STAGE_ROMAN[c.stage]}` }], text: `Stage ${STAGE_ROMAN[c.stage]}` },
      method: { coding: [{ system: SNOMED, code: '897275008', display: 'American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm staging system (tumor staging)' }] },
    },
    {
      resourceType: 'Observation',
      id: `ecog-${p.id}`,
      meta: meta('mcode-ecog-performance-status'),
      status: 'final',
      category: observationCategory('survey'),
      code: { coding: [{ system: LOINC, code: '89247-1', display: 'ECOG Performance Status score' }] },
      subject: patientRef,
      effectiveDateTime: day(3),
      valueInteger: c.ecog,
    },
  ];
  const markers: [string, string, string, boolean][] = [
    ['er', '85337-4', 'Estrogen receptor Ag [Presence] in Breast cancer specimen by Immune stain', c.erPositive],
    ['pr', '85339-0', 'Progesterone receptor Ag [Presence] in Breast cancer specimen by Immune stain', c.prPositive],
    ['her2', '48676-1', 'HER2 [Interpretation] in Tissue', c.her2Positive],
  ];
  for (const [name, code, display, positive] of markers) {
    resources.push({
      resourceType: 'Observation',
      id: `tumor-marker-${name}-${p.id}`,
      meta: meta('mcode-tumor-marker-test'),
      status: 'final',
      category: observationCategory('laboratory'),
      code: { coding: [{ system: LOINC, code, display }] },
      subject: patientRef,
      effectiveDateTime: c.diagnosisDate,
      valueCodeableConcept: { coding: [positive ? { system: LOINC, code: 'LA6576-8', display: 'Positive' } : { system: LOINC, code: 'LA6577-6', display: 'Negative' }] },
    });
  }
  if (c.stage < 4) {
    resources.push({
      resourceType: 'Procedure',
      id: `surgery-${p.id}`,
      meta: meta('mcode-cancer-related-surgical-procedure'),
      status: 'completed',
      code: { coding: [{ system: SNOMED, code: '64368001', display: 'Excision of part of breast (procedure)' }] },
      subject: patientRef,
      performedDateTime: day(21),
      reasonReference: [conditionRef],
    });
  }
  // Treatments follow stage and receptors only (no effect of their own in the outcome model; see README.md).
  const drugs: [string, string, string][] = [];
  if (c.stage >= 2) drugs.push(['paclitaxel', '56946', 'paclitaxel']);
  if (c.erPositive) drugs.push(['letrozole', '72965', 'letrozole']);
  if (c.her2Positive) drugs.push(['trastuzumab', '224905', 'trastuzumab']);
  for (const [name, code, display] of drugs) {
    resources.push({
      resourceType: 'MedicationRequest',
      id: `medication-${name}-${p.id}`,
      meta: meta('mcode-cancer-related-medication-request'),
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: { coding: [{ system: RXNORM, code, display }] },
      subject: patientRef,
      authoredOn: day(35),
      reasonReference: [conditionRef],
    });
  }
  return resources;
}

/** The bundle (type collection), itself tagged SYNTHETIC. */
export function syntheticPatientBundle(p: SyntheticPatient): Resource {
  return {
    resourceType: 'Bundle',
    id: `bundle-${p.id}`,
    meta: { tag: [{ ...SYNTHETIC_TAG }], source: `urn:oncoboard:synth-cohort:${SYNTH_COHORT_VERSION}` },
    type: 'collection',
    entry: syntheticPatientResources(p).map((r) => ({ fullUrl: `http://synthetic.oncoboard.example/fhir/${r.resourceType}/${r.id}`, resource: r })),
  };
}
