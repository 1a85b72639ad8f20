/**
 * The codes by which mCODE STU4 resources are recognised when they declare no profile (real EHR data rarely do),
 * taken from the value sets and fixed codes of the mCODE STU4 IG (hl7.fhir.us.mcode 4.0.0) and of LOINC.
 */

export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
export const GENOMICS_TBD = 'http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs';
export const V2_0074 = 'http://terminology.hl7.org/CodeSystem/v2-0074';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

export const MCODE_SD = 'http://hl7.org/fhir/us/mcode/StructureDefinition/';

/** Extension URLs used by mCODE STU4 (and the core extensions it adopts). */
export const EXT = {
  assertedDate: 'http://hl7.org/fhir/StructureDefinition/condition-assertedDate',
  conditionRelated: 'http://hl7.org/fhir/StructureDefinition/condition-related',
  histologyMorphologyBehavior: `${MCODE_SD}mcode-histology-morphology-behavior`,
  bodyLocationQualifier: `${MCODE_SD}mcode-body-location-qualifier`,
  lateralityQualifier: `${MCODE_SD}mcode-laterality-qualifier`,
  laterality: `${MCODE_SD}mcode-laterality`,
  procedureIntent: `${MCODE_SD}mcode-procedure-intent`,
  treatmentIntent: `${MCODE_SD}mcode-treatment-intent`,
  terminationReason: `${MCODE_SD}mcode-termination-reason`,
  normalizationBasis: `${MCODE_SD}mcode-normalization-basis`,
  relatedCondition: `${MCODE_SD}mcode-related-condition`,
  relatedConditionAbsent: `${MCODE_SD}mcode-related-condition-absent`,
  diseaseStatusEvidenceType: `${MCODE_SD}mcode-cancer-disease-status-evidence-type`,
  radiotherapySessions: `${MCODE_SD}mcode-radiotherapy-sessions`,
  radiotherapyModalityAndTechnique: `${MCODE_SD}mcode-radiotherapy-modality-and-technique`,
  radiotherapyModality: `${MCODE_SD}mcode-radiotherapy-modality`,
  radiotherapyTechnique: `${MCODE_SD}mcode-radiotherapy-technique`,
  radiotherapyDoseDeliveredToVolume: `${MCODE_SD}mcode-radiotherapy-dose-delivered-to-volume`,
  usCoreRace: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
  usCoreEthnicity: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity',
  usCoreBirthSex: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex',
} as const;

export type StageType = 'clinical' | 'pathological';
export type TnmPart = 'tnm-stage-group' | 'tnm-primary-tumor-category' | 'tnm-regional-nodes-category' | 'tnm-distant-metastases-category';

/**
 * Observation.code of the TNM observations (TNM*StagingType*MaxVS): SNOMED CT in STU4, the older LOINC codes still
 * allowed. `undefined` stage type: "TNM stage grouping", "T category"... or LOINC ".other".
 */
export const TNM_CODES: Record<string, { part: TnmPart; stageType?: StageType }> = {
  // stage group
  [`${SNOMED}|399390009`]: { part: 'tnm-stage-group' },
  [`${SNOMED}|399537006`]: { part: 'tnm-stage-group', stageType: 'clinical' },
  [`${SNOMED}|399588009`]: { part: 'tnm-stage-group', stageType: 'pathological' },
  [`${LOINC}|21908-9`]: { part: 'tnm-stage-group', stageType: 'clinical' },
  [`${LOINC}|21902-2`]: { part: 'tnm-stage-group', stageType: 'pathological' },
  [`${LOINC}|21914-7`]: { part: 'tnm-stage-group' },
  // primary tumor (T)
  [`${SNOMED}|78873005`]: { part: 'tnm-primary-tumor-category' },
  [`${SNOMED}|399504009`]: { part: 'tnm-primary-tumor-category', stageType: 'clinical' },
  [`${SNOMED}|384625004`]: { part: 'tnm-primary-tumor-category', stageType: 'pathological' },
  [`${LOINC}|21905-5`]: { part: 'tnm-primary-tumor-category', stageType: 'clinical' },
  [`${LOINC}|21899-0`]: { part: 'tnm-primary-tumor-category', stageType: 'pathological' },
  [`${LOINC}|21911-3`]: { part: 'tnm-primary-tumor-category' },
  // regional nodes (N)
  [`${SNOMED}|277206009`]: { part: 'tnm-regional-nodes-category' },
  [`${SNOMED}|399534004`]: { part: 'tnm-regional-nodes-category', stageType: 'clinical' },
  [`${SNOMED}|371494008`]: { part: 'tnm-regional-nodes-category', stageType: 'pathological' },
  [`${LOINC}|21906-3`]: { part: 'tnm-regional-nodes-category', stageType: 'clinical' },
  [`${LOINC}|21900-6`]: { part: 'tnm-regional-nodes-category', stageType: 'pathological' },
  [`${LOINC}|21912-1`]: { part: 'tnm-regional-nodes-category' },
  // distant metastases (M)
  [`${SNOMED}|277208005`]: { part: 'tnm-distant-metastases-category' },
  [`${SNOMED}|399387003`]: { part: 'tnm-distant-metastases-category', stageType: 'clinical' },
  [`${SNOMED}|371497001`]: { part: 'tnm-distant-metastases-category', stageType: 'pathological' },
  [`${LOINC}|21907-1`]: { part: 'tnm-distant-metastases-category', stageType: 'clinical' },
  [`${LOINC}|21901-4`]: { part: 'tnm-distant-metastases-category', stageType: 'pathological' },
  [`${LOINC}|21913-9`]: { part: 'tnm-distant-metastases-category' },
};

/** TNMStagingMethodVS: the staging systems, with the short label a tumor board uses. */
export const STAGING_SYSTEM_LABELS: Record<string, string> = {
  [`${SNOMED}|444256004`]: 'AJCC 6th',
  [`${SNOMED}|443830009`]: 'AJCC 7th',
  [`${SNOMED}|897275008`]: 'AJCC 8th',
  [`${SNOMED}|1269566009`]: 'AJCC 9th',
  ['http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl|C191343']: 'AJCC 4th',
  ['http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl|C191344']: 'AJCC 5th',
};

export const ECOG_LOINC = '89247-1';
export const KARNOFSKY_LOINC = '89243-0';
/** 97509-4 (STU2+); 88040-1 "Response to cancer treatment" was the STU1 code. */
export const DISEASE_STATUS_LOINC = new Set(['97509-4', '88040-1']);
export const TUMOR_SIZE_LOINC = '21889-1';
export const TUMOR_SIZE_LONGEST_LOINC = '33728-7';
export const TUMOR_SIZE_OTHER_LOINC = '33729-5';
/** Histology and behavior ICD-O-3 (the HistologicBehaviorAndType profile fixes 31206-6). */
export const HISTOLOGY_LOINC = new Set(['31206-6', '59847-4']);
export const GENOMIC_VARIANT_LOINC = '69548-6';
export const GENOMIC_REGION_STUDIED_LOINC = '53041-0';
export const GENOMICS_REPORT_LOINC = new Set(['51969-4', '81247-9']);
export const COMORBIDITIES_SNOMED = '398192003';
export const RADIOTHERAPY_COURSE_SNOMED = '1217123003';
export const SURGICAL_PROCEDURE_CATEGORY_SNOMED = '387713003';
/** Death: date and time of death, cause of death (LOINC); death (SNOMED finding). */
export const DEATH_DATE_LOINC = '81956-5';
export const CAUSE_OF_DEATH_LOINC = '69453-9';
export const DEATH_SNOMED = '419620001';

/** ECOG answer list LL529-9 → grade. */
export const ECOG_ANSWERS: Record<string, number> = {
  'LA9622-7': 0,
  'LA9623-5': 1,
  'LA9624-3': 2,
  'LA9625-0': 3,
  'LA9626-8': 4,
  'LA9627-6': 5,
};

/** Karnofsky answer list LL4986-7 → score. */
export const KARNOFSKY_ANSWERS: Record<string, number> = {
  'LA29175-9': 100,
  'LA29176-7': 90,
  'LA29177-5': 80,
  'LA29178-3': 70,
  'LA29179-1': 60,
  'LA29180-9': 50,
  'LA29181-7': 40,
  'LA29182-5': 30,
  'LA29183-3': 20,
  'LA29184-1': 10,
  'LA9627-6': 0,
};

/** Genomic variant components (Genomics Reporting IG / mCODE GenomicVariant). */
export const VARIANT_COMPONENT = {
  geneStudied: '48018-6',
  discreteVariant: '81252-9',
  genomicDnaChange: '81290-9',
  dnaChange: '48004-6',
  aminoAcidChange: '48005-3',
  dnaChangeType: '48019-4',
  aminoAcidChangeType: '48006-1',
  genomicSourceClass: '48002-0',
  allelicFrequency: '81258-6',
  allelicState: '53034-5',
  transcript: '51958-7',
  referenceAssembly: '62374-4',
  clinicalSignificance: '53037-8',
  copyNumber: '82155-3',
  cytogeneticLocation: '48001-2',
} as const;

/** Tumor marker tests by LOINC, with the short name a tumor board uses. */
export const TUMOR_MARKER_LOINC: Record<string, string> = {
  '16112-5': 'ER',
  '85337-4': 'ER',
  '40556-3': 'ER',
  '16113-3': 'PR',
  '85339-0': 'PR',
  '40557-1': 'PR',
  '48676-1': 'HER2',
  '85319-2': 'HER2',
  '85318-4': 'HER2',
  '18474-7': 'HER2',
  '85330-9': 'Ki-67',
  '29593-1': 'Ki-67',
  '2857-1': 'PSA',
  '35741-8': 'PSA',
  '2039-6': 'CEA',
  '24108-3': 'CA 19-9',
  '6875-9': 'CA 15-3',
  '10334-1': 'CA 125',
  '1834-1': 'AFP',
  '19176-7': 'AFP',
  '21198-7': 'HCG',
  '94076-7': 'TMB',
  '81695-9': 'MSI',
};

/**
 * Marker names recognised in a code's display or text when the code itself is not in the table above. Spelled-out
 * names match in any case; acronyms only in capitals, so that ordinary words ("per", "er") never match.
 */
export const TUMOR_MARKER_PATTERNS: [RegExp, string][] = [
  [/\bestrogen receptor\b|\boestrogen receptor\b/i, 'ER'],
  [/\bER\b/, 'ER'],
  [/\bprogesterone receptor\b/i, 'PR'],
  [/\bPR\b/, 'PR'],
  [/\bHER-?2\b|\bERBB2\b/i, 'HER2'],
  [/\bKi-?67\b/i, 'Ki-67'],
  [/\bprostate specific Ag\b|\bprostate-specific antigen\b/i, 'PSA'],
  [/\bPSA\b/, 'PSA'],
  [/\bcarcinoembryonic\b/i, 'CEA'],
  [/\bCEA\b/, 'CEA'],
  [/\bcancer Ag 19-9\b|\bCA ?19-9\b/i, 'CA 19-9'],
  [/\bcancer Ag 15-3\b|\bCA ?15-3\b/i, 'CA 15-3'],
  [/\bcancer Ag 125\b|\bCA ?125\b/i, 'CA 125'],
  [/\balpha-?1-?fetoprotein\b/i, 'AFP'],
  [/\bAFP\b/, 'AFP'],
  [/\bchoriogonadotropin\b/i, 'HCG'],
  [/\bhCG\b|\bHCG\b/, 'HCG'],
  [/\boncotype\b/i, 'Oncotype DX'],
  [/\bepidermal growth factor receptor\b/i, 'EGFR'],
  [/\bPD-?L1\b|programmed cell death ligand 1/i, 'PD-L1'],
  [/\bmicrosatellite instability\b/i, 'MSI'],
  [/\bMSI\b/, 'MSI'],
  [/\btumor mutation(al)? burden\b/i, 'TMB'],
  [/\bTMB\b/, 'TMB'],
];

/** ICD-10(-CM) categories of malignant, in-situ and uncertain-behaviour neoplasms; C77–C79 and C7B are secondary. */
export function icd10CancerKind(code: string): 'primary' | 'secondary' | undefined {
  const match = /^([A-Z])(\d{2}|\d[A-Z])/.exec(code.toUpperCase());
  if (!match) return undefined;
  const letter = match[1];
  const two = match[2] ?? '';
  if (letter === 'C') {
    if (two === '7B' || two === '77' || two === '78' || two === '79') return 'secondary';
    if (/^\d{2}$/.test(two) || two === '7A') return 'primary';
    return undefined;
  }
  if (letter === 'D' && /^\d{2}$/.test(two)) {
    const n = Number(two);
    if (n <= 9 || (n >= 37 && n <= 48)) return 'primary';
  }
  return undefined;
}

const CANCER_WORDS = /\b(malignant|malignancy|carcinoma|adenocarcinoma|sarcoma|lymphoma|leuka?emia|melanoma|myeloma|blastoma|mesothelioma|carcinoid|glioma|seminoma|cancer|neoplasm of uncertain behaviou?r|carcinoma in situ)\b/i;
const NOT_A_CANCER_DIAGNOSIS = /\b(benign|history of|family history|screening|suspected|at risk|fear of|risk of|no evidence of|excluded|premalignant)\b/i;
const SECONDARY_WORDS = /\b(secondary|metasta(sis|ses|tic))\b/i;

/**
 * SNOMED CT cancer disorders without a terminology server: the well-known parents and the IG's example codes, else
 * the display (a disorder that names a malignancy). Used only when the resource declares no mCODE profile.
 */
const SNOMED_PRIMARY = new Set(['363346000', '372087000', '353431000119107', '254637007', '92814006', '277571004', '254837009', '93761005', '399068003', '363358000', '363406005', '118600007', '93143009']);
const SNOMED_SECONDARY = new Set(['128462008', '94225005', '94222008', '94391008', '94381002']);

export function snomedCancerKind(code: string | undefined, display: string | undefined): 'primary' | 'secondary' | undefined {
  if (code && SNOMED_SECONDARY.has(code)) return 'secondary';
  if (code && SNOMED_PRIMARY.has(code)) return 'primary';
  if (!display) return undefined;
  const tag = /\(([^()]+)\)\s*$/.exec(display)?.[1]?.toLowerCase();
  if (tag && tag !== 'disorder') return undefined;
  if (!CANCER_WORDS.test(display) || NOT_A_CANCER_DIAGNOSIS.test(display)) return undefined;
  return SECONDARY_WORDS.test(display) ? 'secondary' : 'primary';
}
