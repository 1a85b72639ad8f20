/**
 * Which mCODE fact kind a resource is: by its declared profile when it has one we know, else by its codes
 * (real EHR data rarely declare profiles; the codes are those the mCODE STU4 IG fixes or binds).
 */
import {
  COMORBIDITIES_SNOMED,
  CAUSE_OF_DEATH_LOINC,
  DEATH_DATE_LOINC,
  DEATH_SNOMED,
  DISEASE_STATUS_LOINC,
  ECOG_LOINC,
  EXT,
  MCODE_SD,
  GENOMIC_VARIANT_LOINC,
  GENOMICS_REPORT_LOINC,
  HISTOLOGY_LOINC,
  ICD10,
  ICD10CM,
  KARNOFSKY_LOINC,
  LOINC,
  RADIOTHERAPY_COURSE_SNOMED,
  SNOMED,
  SURGICAL_PROCEDURE_CATEGORY_SNOMED,
  TNM_CODES,
  TUMOR_MARKER_LOINC,
  TUMOR_MARKER_PATTERNS,
  TUMOR_SIZE_LOINC,
  V2_0074,
  icd10CancerKind,
  snomedCancerKind,
  type StageType,
} from './codes';
import { asArray, codingsOf, declaredProfiles, extensionsOf, hasCode, isObject, type Json } from './fhir-values';
import type { McodeFactKind, Recognition } from './types';

export interface Recognized {
  kind: McodeFactKind;
  recognizedBy: Recognition;
  /** For TNM kinds: the stage type the profile or code implies. */
  stageType?: StageType;
}

/** mCODE profile ids (STU1–STU4 spellings) → fact kind. */
const MCODE_PROFILES: Record<string, { kind: McodeFactKind; stageType?: StageType }> = {
  'mcode-primary-cancer-condition': { kind: 'primary-cancer-condition' },
  'mcode-secondary-cancer-condition': { kind: 'secondary-cancer-condition' },
  'mcode-histologic-behavior-and-type': { kind: 'histology-morphology-behavior' },
  'mcode-histology-morphology-behavior': { kind: 'histology-morphology-behavior' },
  'mcode-tnm-stage-group': { kind: 'tnm-stage-group' },
  'mcode-tnm-clinical-stage-group': { kind: 'tnm-stage-group', stageType: 'clinical' },
  'mcode-tnm-pathological-stage-group': { kind: 'tnm-stage-group', stageType: 'pathological' },
  'mcode-tnm-primary-tumor-category': { kind: 'tnm-primary-tumor-category' },
  'mcode-tnm-clinical-primary-tumor-category': { kind: 'tnm-primary-tumor-category', stageType: 'clinical' },
  'mcode-tnm-pathological-primary-tumor-category': { kind: 'tnm-primary-tumor-category', stageType: 'pathological' },
  'mcode-tnm-regional-nodes-category': { kind: 'tnm-regional-nodes-category' },
  'mcode-tnm-clinical-regional-nodes-category': { kind: 'tnm-regional-nodes-category', stageType: 'clinical' },
  'mcode-tnm-pathological-regional-nodes-category': { kind: 'tnm-regional-nodes-category', stageType: 'pathological' },
  'mcode-tnm-distant-metastases-category': { kind: 'tnm-distant-metastases-category' },
  'mcode-tnm-clinical-distant-metastases-category': { kind: 'tnm-distant-metastases-category', stageType: 'clinical' },
  'mcode-tnm-pathological-distant-metastases-category': { kind: 'tnm-distant-metastases-category', stageType: 'pathological' },
  'mcode-cancer-stage': { kind: 'cancer-stage' },
  'mcode-lymphoma-stage': { kind: 'cancer-stage' },
  'mcode-tumor-marker-test': { kind: 'tumor-marker' },
  'mcode-tumor-marker': { kind: 'tumor-marker' },
  'mcode-ecog-performance-status': { kind: 'ecog-performance-status' },
  'mcode-karnofsky-performance-status': { kind: 'karnofsky-performance-status' },
  'mcode-cancer-related-medication-request': { kind: 'cancer-related-medication-request' },
  'mcode-cancer-related-medication-administration': { kind: 'cancer-related-medication-administration' },
  'mcode-cancer-related-surgical-procedure': { kind: 'cancer-related-surgical-procedure' },
  'mcode-radiotherapy-course-summary': { kind: 'radiotherapy-course-summary' },
  'mcode-cancer-disease-status': { kind: 'cancer-disease-status' },
  'mcode-tumor-size': { kind: 'tumor-size' },
  'mcode-genomic-variant': { kind: 'genomic-variant' },
  'mcode-genomics-report': { kind: 'genomics-report' },
  'mcode-comorbidities': { kind: 'comorbidities' },
  'mcode-comorbidities-elixhauser': { kind: 'comorbidities' },
  'mcode-tumor': { kind: 'tumor' },
};

/** Genomics Reporting IG profiles that are mCODE fact kinds too. */
const GENOMICS_REPORTING_PROFILES: Record<string, McodeFactKind> = {
  variant: 'genomic-variant',
  'genomic-report': 'genomics-report',
  'genomics-report': 'genomics-report',
  tmb: 'tumor-marker',
  msi: 'tumor-marker',
};

const OBSERVATION_KINDS = new Set<McodeFactKind>([
  'death',
  'histology-morphology-behavior',
  'tnm-stage-group',
  'tnm-primary-tumor-category',
  'tnm-regional-nodes-category',
  'tnm-distant-metastases-category',
  'cancer-stage',
  'tumor-marker',
  'ecog-performance-status',
  'karnofsky-performance-status',
  'cancer-disease-status',
  'tumor-size',
  'genomic-variant',
  'comorbidities',
]);

/** The kind a declared mCODE (or Genomics Reporting) profile names. */
function byProfile(resource: Json): Recognized | undefined {
  for (const profile of declaredProfiles(resource)) {
    const mcode = MCODE_PROFILES[profile.id];
    if (mcode && profile.url.includes('/mcode/')) return { kind: mcode.kind, recognizedBy: 'profile', ...(mcode.stageType ? { stageType: mcode.stageType } : {}) };
    const gr = GENOMICS_REPORTING_PROFILES[profile.id];
    if (gr && profile.url.includes('/genomics-reporting/')) return { kind: gr, recognizedBy: 'profile' };
  }
  return undefined;
}

/** Primary or secondary cancer, from any coding of the concept (ICD-10, ICD-10-CM, SNOMED CT). */
export function cancerKindOfConcept(concept: unknown): 'primary' | 'secondary' | undefined {
  let found: 'primary' | 'secondary' | undefined;
  for (const coding of codingsOf(concept)) {
    let kind: 'primary' | 'secondary' | undefined;
    if ((coding.system === ICD10CM || coding.system === ICD10) && coding.code) kind = icd10CancerKind(coding.code);
    else if (coding.system === SNOMED) kind = snomedCancerKind(coding.code, coding.display);
    if (kind === 'secondary') return 'secondary';
    found ??= kind;
  }
  if (!found && isObject(concept) && typeof concept.text === 'string' && codingsOf(concept).length === 0) {
    found = snomedCancerKind(undefined, concept.text);
  }
  return found;
}

/** The short tumor-marker name of an Observation.code, or undefined when it is not a known marker. */
export function tumorMarkerNameOf(code: unknown): string | undefined {
  const codings = codingsOf(code);
  for (const coding of codings) {
    if (coding.system === LOINC && coding.code && TUMOR_MARKER_LOINC[coding.code]) return TUMOR_MARKER_LOINC[coding.code];
  }
  const texts = [...codings.map((c) => c.display), ...(isObject(code) && typeof code.text === 'string' ? [code.text] : [])].filter((t): t is string => !!t);
  for (const text of texts) {
    for (const [pattern, name] of TUMOR_MARKER_PATTERNS) if (pattern.test(text)) return name;
  }
  return undefined;
}

function tnmByCode(code: unknown): Recognized | undefined {
  for (const coding of codingsOf(code)) {
    const entry = coding.system && coding.code ? TNM_CODES[`${coding.system}|${coding.code}`] : undefined;
    if (entry) return { kind: entry.part, recognizedBy: 'code', ...(entry.stageType ? { stageType: entry.stageType } : {}) };
  }
  return undefined;
}

function observationByCode(obs: Json): Recognized | undefined {
  const code = obs.code;
  const tnm = tnmByCode(code);
  if (tnm) return tnm;
  const loinc = (codes: string | readonly string[] | ReadonlySet<string>) => hasCode(code, LOINC, typeof codes === 'string' ? [codes] : (codes as readonly string[]));
  if (loinc(ECOG_LOINC)) return { kind: 'ecog-performance-status', recognizedBy: 'code' };
  if (loinc(KARNOFSKY_LOINC)) return { kind: 'karnofsky-performance-status', recognizedBy: 'code' };
  if (loinc([...DISEASE_STATUS_LOINC])) return { kind: 'cancer-disease-status', recognizedBy: 'code' };
  if (loinc(TUMOR_SIZE_LOINC)) return { kind: 'tumor-size', recognizedBy: 'code' };
  if (loinc(GENOMIC_VARIANT_LOINC)) return { kind: 'genomic-variant', recognizedBy: 'code' };
  if (loinc([...HISTOLOGY_LOINC])) return { kind: 'histology-morphology-behavior', recognizedBy: 'code' };
  if (loinc([DEATH_DATE_LOINC, CAUSE_OF_DEATH_LOINC]) || hasCode(code, SNOMED, [DEATH_SNOMED])) return { kind: 'death', recognizedBy: 'code' };
  if (hasCode(code, SNOMED, [COMORBIDITIES_SNOMED])) return { kind: 'comorbidities', recognizedBy: 'code' };
  if (tumorMarkerNameOf(code)) return { kind: 'tumor-marker', recognizedBy: 'code' };
  return undefined;
}

function hasAnyExtension(resource: Json, urls: readonly string[]): boolean {
  return extensionsOf(resource, urls, resource.resourceType as string).length > 0;
}

/** An mCODE extension (treatment intent, termination reason, normalization basis...): only cancer treatments carry them. */
function hasMcodeExtension(resource: Json): boolean {
  return asArray(resource.extension).some((ext) => isObject(ext) && typeof ext.url === 'string' && ext.url.startsWith(MCODE_SD));
}

/** Treatment given for a cancer: it carries an mCODE extension, or a reason coded as a cancer. */
function isCancerTreatment(resource: Json): boolean {
  return hasMcodeExtension(resource) || asArray(resource.reasonCode).some((reason) => cancerKindOfConcept(reason) !== undefined);
}

/** The mCODE fact kind this resource maps to (besides "patient"/"death" of a Patient), or undefined. */
export function recognizeResource(resource: Json): Recognized | undefined {
  const type = resource.resourceType;
  const profiled = byProfile(resource);
  switch (type) {
    case 'Condition': {
      if (profiled && (profiled.kind === 'primary-cancer-condition' || profiled.kind === 'secondary-cancer-condition')) return profiled;
      const kind = cancerKindOfConcept(resource.code);
      if (kind) return { kind: kind === 'primary' ? 'primary-cancer-condition' : 'secondary-cancer-condition', recognizedBy: 'code' };
      if (hasAnyExtension(resource, [EXT.histologyMorphologyBehavior])) return { kind: 'primary-cancer-condition', recognizedBy: 'code' };
      return undefined;
    }
    case 'Observation': {
      if (profiled && OBSERVATION_KINDS.has(profiled.kind)) {
        // A declared profile decides; for TNM profiles without stage type (STU3+), the code says clinical or pathological.
        if (profiled.kind.startsWith('tnm-') && !profiled.stageType) {
          const tnm = tnmByCode(resource.code);
          return tnm?.stageType ? { ...profiled, stageType: tnm.stageType } : profiled;
        }
        return profiled;
      }
      return observationByCode(resource);
    }
    case 'MedicationRequest':
      if (profiled?.kind === 'cancer-related-medication-request') return profiled;
      return isCancerTreatment(resource) ? { kind: 'cancer-related-medication-request', recognizedBy: 'code' } : undefined;
    case 'MedicationAdministration':
      if (profiled?.kind === 'cancer-related-medication-administration') return profiled;
      return isCancerTreatment(resource) ? { kind: 'cancer-related-medication-administration', recognizedBy: 'code' } : undefined;
    case 'Procedure': {
      if (profiled && (profiled.kind === 'radiotherapy-course-summary' || profiled.kind === 'cancer-related-surgical-procedure')) return profiled;
      if (hasCode(resource.code, SNOMED, [RADIOTHERAPY_COURSE_SNOMED])) return { kind: 'radiotherapy-course-summary', recognizedBy: 'code' };
      const surgical = hasCode(resource.category, SNOMED, [SURGICAL_PROCEDURE_CATEGORY_SNOMED]);
      if ((surgical && isCancerTreatment(resource)) || hasMcodeExtension(resource)) return { kind: 'cancer-related-surgical-procedure', recognizedBy: 'code' };
      return undefined;
    }
    case 'DiagnosticReport': {
      if (profiled?.kind === 'genomics-report') return profiled;
      if (hasCode(resource.code, LOINC, [...GENOMICS_REPORT_LOINC]) || asArray(resource.category).some((c) => hasCode(c, V2_0074, ['GE']))) {
        return { kind: 'genomics-report', recognizedBy: 'code' };
      }
      return undefined;
    }
    case 'BodyStructure':
      return profiled?.kind === 'tumor' ? profiled : undefined;
    default:
      return undefined;
  }
}
