// The clinical modality module: age, sex, stage group, grade, performance status, ER/PR/HER2, tumour size,
// positive nodes and treatments, read from a patient's facts (the mCODE mapper's output, or a cohort CSV's) into
// a fixed CLINICAL_VECTOR_SIZE vector laid out as CLINICAL_FEATURES says. Each measured feature has a missing
// indicator; treatments are presence flags (an EHR records what was given, not what was not).
import { createHash } from 'node:crypto';
import type { Fact, PatientKey, Provenance } from '@oncoboard/facts';
import type { ModalityEncoding, ModalityModule } from '../modality-module';
import {
  CLINICAL_EXTRA_FACT_KINDS,
  CLINICAL_FEATURE_INDEX,
  CLINICAL_VECTOR_SIZE,
  ecogOf,
  gradeOf,
  receptorStatusOf,
  stageGroupOf,
  treatmentClassOf,
  tumorSizeMmOf,
  yearsBetween,
  type ClinicalFeatureName,
} from './clinical-features';

export const CLINICAL_MODULE_ID = 'clinical';
export const CLINICAL_MODULE_VERSION = '1.0.0';

/** The fact kinds the clinical module reads; any other fact is ignored. */
export const CLINICAL_FACT_KINDS: ReadonlySet<string> = new Set([
  'patient',
  'primary-cancer-condition',
  'tnm-stage-group',
  'ecog-performance-status',
  'karnofsky-performance-status',
  'tumor-marker',
  'tumor-size',
  'cancer-related-medication-request',
  'cancer-related-medication-administration',
  'cancer-related-surgical-procedure',
  'radiotherapy-course-summary',
  ...Object.values(CLINICAL_EXTRA_FACT_KINDS),
]);

export interface ClinicalInputs {
  patientKey: PatientKey;
  /** This patient's facts of CLINICAL_FACT_KINDS, in a stable order. */
  facts: Fact[];
}

/** Later facts win; among equal dates the order given is kept. Undated facts sort first. */
function latest<T extends Fact>(facts: T[]): T | undefined {
  return [...facts].sort((a, b) => (a.effectiveStart ?? '').localeCompare(b.effectiveStart ?? '')).at(-1);
}

/** JSON with sorted object keys, so equal facts hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Numbers per feature plus the facts each came from; what `encode` turns into the vector. */
export interface ClinicalFeatureValues {
  values: Partial<Record<ClinicalFeatureName, number>>;
  evidence: Provenance[];
}

/** Reads the clinical features of one patient's facts (missing features are absent from `values`). */
export function readClinicalFeatures(facts: readonly Fact[]): ClinicalFeatureValues {
  const values: Partial<Record<ClinicalFeatureName, number>> = {};
  const used = new Set<Fact>();
  const ofKind = (...kinds: string[]) => facts.filter((f) => kinds.includes(f.kind));

  // Age: an explicit age-at-diagnosis fact, else birth date → date of diagnosis of the primary cancer.
  const ageFact = latest(ofKind(CLINICAL_EXTRA_FACT_KINDS.ageAtDiagnosis).filter((f) => f.value?.type === 'quantity' && Number.isFinite(f.value.quantity.value)));
  const patient = latest(ofKind('patient'));
  if (ageFact && ageFact.value?.type === 'quantity') {
    values.age = ageFact.value.quantity.value;
    used.add(ageFact);
  } else if (patient?.effectiveStart) {
    const primary = [...ofKind('primary-cancer-condition')]
      .map((f) => ({ f, date: (f.attributes.assertedDate as string | undefined) ?? f.effectiveStart }))
      .filter((x): x is { f: Fact; date: string } => !!x.date)
      .sort((a, b) => a.date.localeCompare(b.date))[0];
    const years = primary ? yearsBetween(patient.effectiveStart, primary.date) : undefined;
    if (years !== undefined && primary) {
      values.age = years;
      used.add(patient);
      used.add(primary.f);
    }
  }

  // Sex: administrative gender, else birth sex.
  if (patient) {
    const g = String(patient.attributes.gender ?? patient.attributes.birthSex ?? '').toLowerCase();
    const sex = g === 'female' || g === 'f' ? 'female' : g === 'male' || g === 'm' ? 'male' : undefined;
    if (sex) {
      values[sex === 'female' ? 'sex-female' : 'sex-male'] = 1;
      used.add(patient);
    }
  }

  // Stage group: a pathologic stage group wins over a clinical one; then the latest.
  const stages = ofKind('tnm-stage-group')
    .map((f) => ({ f, stage: stageGroupOf(f.value?.type === 'coding' ? f.value.coding : undefined, f.value?.type === 'string' ? f.value.value : f.value?.type === 'coding' ? f.value.text : undefined) }))
    .filter((x): x is { f: Fact; stage: number } => x.stage !== undefined);
  // The mCODE mapper writes 'pathological' (libs/ehr-fhir StageType); 'pathologic' is accepted as well.
  const pathologic = stages.filter((s) => s.f.attributes.stageType === 'pathological' || s.f.attributes.stageType === 'pathologic');
  const stage = latest((pathologic.length > 0 ? pathologic : stages).map((s) => s.f));
  if (stage) {
    values.stage = stages.find((s) => s.f === stage)!.stage;
    used.add(stage);
  }

  const grade = latest(ofKind(CLINICAL_EXTRA_FACT_KINDS.histologicGrade).filter((f) => gradeOf(f) !== undefined));
  if (grade) {
    values.grade = gradeOf(grade)!;
    used.add(grade);
  }

  // Performance status: ECOG preferred over Karnofsky (mapped to ECOG).
  const ecog = latest(ofKind('ecog-performance-status').filter((f) => ecogOf(f) !== undefined)) ?? latest(ofKind('karnofsky-performance-status').filter((f) => ecogOf(f) !== undefined));
  if (ecog) {
    values.ecog = ecogOf(ecog)!;
    used.add(ecog);
  }

  for (const [marker, feature] of [['ER', 'er-positive'], ['PR', 'pr-positive'], ['HER2', 'her2-positive']] as const) {
    const fact = latest(ofKind('tumor-marker').filter((f) => f.attributes.marker === marker && receptorStatusOf(f) !== undefined));
    if (fact) {
      values[feature] = receptorStatusOf(fact) ? 1 : 0;
      used.add(fact);
    }
  }

  const size = latest(ofKind('tumor-size').filter((f) => tumorSizeMmOf(f) !== undefined));
  if (size) {
    values['tumor-size'] = tumorSizeMmOf(size)!;
    used.add(size);
  }

  const nodes = latest(ofKind(CLINICAL_EXTRA_FACT_KINDS.positiveLymphNodes).filter((f) => f.value?.type === 'integer' && f.value.value >= 0));
  if (nodes && nodes.value?.type === 'integer') {
    values['positive-nodes'] = nodes.value.value;
    used.add(nodes);
  }

  for (const f of facts) {
    const cls = treatmentClassOf(f);
    if (cls) {
      values[cls] = 1;
      used.add(f);
    } else if (f.kind === 'radiotherapy-course-summary') {
      values.radiotherapy = 1;
      used.add(f);
    } else if (f.kind === 'cancer-related-surgical-procedure') {
      values.surgery = 1;
      used.add(f);
    }
  }
  return { values, evidence: facts.filter((f) => used.has(f)).flatMap((f) => f.provenance) };
}

/** The fixed-size vector of CLINICAL_FEATURES from the read values. */
export function clinicalVectorOf(values: Partial<Record<ClinicalFeatureName, number>>): Float32Array {
  const v = new Float32Array(CLINICAL_VECTOR_SIZE);
  const set = (name: ClinicalFeatureName, x: number) => (v[CLINICAL_FEATURE_INDEX[name]] = x);
  const measured = (name: ClinicalFeatureName, missing: ClinicalFeatureName, scale: (x: number) => number) => {
    const x = values[name];
    if (x === undefined) set(missing, 1);
    else set(name, scale(x));
  };
  measured('age', 'age-missing', (x) => (x - 60) / 10);
  if (values['sex-female']) set('sex-female', 1);
  else if (values['sex-male']) set('sex-male', 1);
  else set('sex-missing', 1);
  measured('stage', 'stage-missing', (x) => x / 4);
  measured('grade', 'grade-missing', (x) => (x - 1) / 2);
  measured('ecog', 'ecog-missing', (x) => x / 4);
  measured('er-positive', 'er-missing', (x) => x);
  measured('pr-positive', 'pr-missing', (x) => x);
  measured('her2-positive', 'her2-missing', (x) => x);
  measured('tumor-size', 'tumor-size-missing', (x) => x / 50);
  measured('positive-nodes', 'positive-nodes-missing', (x) => Math.log1p(x) / Math.log(11));
  for (const t of ['chemotherapy', 'endocrine-therapy', 'her2-targeted-therapy', 'radiotherapy', 'surgery'] as const) {
    if (values[t]) set(t, 1);
  }
  return v;
}

/** The clinical module (registered by id 'clinical'). */
export const clinicalModule: ModalityModule<ClinicalInputs> = {
  id: CLINICAL_MODULE_ID,
  version: CLINICAL_MODULE_VERSION,
  modality: 'clinical',
  vectorSize: CLINICAL_VECTOR_SIZE,
  description:
    'Age, sex, stage group, grade, performance status, ER/PR/HER2, tumour size, positive nodes (each with a missing indicator) and treatment presence flags from EHR or cohort facts; layout in CLINICAL_FEATURES.',
  collectInputs(patientKey, facts) {
    const mine = facts.filter((f) => f.patientKey === patientKey && CLINICAL_FACT_KINDS.has(f.kind));
    if (mine.length === 0) return undefined;
    const { values } = readClinicalFeatures(mine);
    // A patient whose only clinical facts carry nothing the vector uses (e.g. an undated patient record) has no
    // clinical modality: an all-missing vector would be a default prediction in disguise.
    if (Object.keys(values).length === 0) return undefined;
    return { patientKey, facts: mine };
  },
  encode(inputs): Omit<ModalityEncoding, 'moduleId' | 'moduleVersion'> {
    const { values, evidence } = readClinicalFeatures(inputs.facts);
    const hashed = inputs.facts
      .map((f) => canonicalJson({ kind: f.kind, code: f.code, value: f.value, effectiveStart: f.effectiveStart, status: f.status, attributes: f.attributes }))
      .sort();
    const inputHash = createHash('sha256').update(`${CLINICAL_MODULE_ID}@${CLINICAL_MODULE_VERSION}\n${hashed.join('\n')}`).digest('hex');
    return { vector: clinicalVectorOf(values), usedEvidence: evidence, inputHash };
  },
};
