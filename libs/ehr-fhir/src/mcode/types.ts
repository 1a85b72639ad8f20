import type { Coding, Fact, Quantity } from '@oncoboard/facts';
import type { StageType } from './codes';

export type { StageType } from './codes';

/** Where the mapping came from: the resource's process when it mapped a FHIR resource into facts. */
export interface MappingContext {
  /** The store key of the verbatim record, e.g. "fhir/Observation/tnm-clinical-stage-group-jenny-m". */
  sourceRecordKey: string;
  /** "Patient/<id>"; when absent, taken from the resource's subject/patient reference. */
  patientKey?: string;
}

/** How a resource was recognised as this kind: by its declared mCODE profile, by its codes, or by its type alone. */
export type Recognition = 'profile' | 'code' | 'resource-type';

/** "Condition/abc" and the like: a reference relative to the server base. */
export type ReferenceKey = string;

// Attribute shapes are type aliases, not interfaces, so that every McodeFact is also a plain Fact
// (Fact's default attributes are Record<string, unknown>, which interfaces do not satisfy).

/**
 * Every mCODE fact carries, besides its kind-specific attributes, how it was recognised and, for each attribute
 * and for the fact's code/value/dates, the element path it was read from (so the UI can highlight any of them).
 */
export type WithSources<A> = A & {
  recognizedBy: Recognition;
  elementPaths: Partial<Record<Exclude<keyof A, 'recognizedBy' | 'elementPaths'> | 'code' | 'value' | 'effectiveStart' | 'effectiveEnd' | 'status', string>>;
};

export type PatientDemographics = {
  /** "Patient/<id>" */
  key: string;
  displayName?: string;
  family?: string;
  given?: string;
  birthDate?: string;
  gender?: string;
  identifiers?: { system?: string; value: string }[];
  /** Patient.deceasedDateTime */
  deceasedAt?: string;
  /** true when Patient.deceased[x] says the patient died (deceasedBoolean true, or a deceasedDateTime). */
  deceased?: boolean;
};

export type PatientAttributes = PatientDemographics & {
  /** US Core race / ethnicity OMB categories and birth sex, when given. */
  race?: Coding[];
  ethnicity?: Coding[];
  birthSex?: string;
};

export type DeathAttributes = {
  /** Patient.deceasedDateTime, or the value of a "date and time of death" Observation. */
  deceasedDateTime?: string;
  cause?: Coding;
  source: 'Patient.deceased' | 'Observation';
};

export type CancerConditionAttributes = {
  /** "Condition/<id>": what stage, marker and treatment facts point at. */
  conditionRef: ReferenceKey;
  bodySite: Coding[];
  /** From the body site's laterality qualifier; else the laterality a pre-coordinated code names ("... of left breast"). */
  laterality?: Coding;
  locationQualifiers?: Coding[];
  histologyMorphologyBehavior?: Coding;
  clinicalStatus?: string;
  verificationStatus?: string;
  /** condition-assertedDate extension (date of diagnosis as asserted). */
  assertedDate?: string;
  recordedDate?: string;
  /** Condition.stage[0].summary / type / assessment, a convenience copy the IG allows receivers to ignore. */
  stageSummary?: Coding;
  stageSummarySystem?: Coding;
  stageAssessmentRefs?: ReferenceKey[];
  /** Secondary cancer: the primary it arose from (condition-related extension). */
  relatedPrimaryRef?: ReferenceKey;
};

export type HistologyAttributes = {
  relatedConditionRef?: ReferenceKey;
  specimenRef?: ReferenceKey;
};

export type TnmAttributes = {
  /** "Observation/<id>" of this staging observation (what a stage group's hasMember points at). */
  observationRef: ReferenceKey;
  /** From Observation.code (cT/pT, clinical/pathologic stage grouping), else from the value ("cT3", "pN1"). */
  stageType?: StageType;
  /** Observation.method shortened ("AJCC 8th"), else its display. */
  stagingSystem?: string;
  stagingMethod?: Coding;
  /** Observation.focus: the cancer condition staged. */
  focusConditionRef?: ReferenceKey;
  /** Stage group only: Observation.hasMember (the T, N, M observations). */
  memberRefs?: ReferenceKey[];
  /** Set by linkStagingFacts when the focus was taken from this stage group (a T/N/M observation often has none). */
  focusInferredFrom?: ReferenceKey;
};

export type TumorMarkerName =
  | 'ER'
  | 'PR'
  | 'HER2'
  | 'Ki-67'
  | 'PSA'
  | 'CEA'
  | 'CA 19-9'
  | 'CA 15-3'
  | 'CA 125'
  | 'AFP'
  | 'HCG'
  | 'Oncotype DX'
  | 'PD-L1'
  | 'MSI'
  | 'TMB'
  | (string & {});

export type TumorMarkerAttributes = {
  /** Short name ("ER", "HER2", "Ki-67"...), else the code's display. */
  marker: TumorMarkerName;
  interpretation?: Coding;
  method?: Coding;
  specimenRef?: ReferenceKey;
  focusRefs?: ReferenceKey[];
};

export type PerformanceStatusAttributes = {
  /** The coded answer (LOINC LA...) when the value was coded, else undefined. */
  valueCoding?: Coding;
  interpretation?: Coding;
  method?: Coding;
};

export type MedicationAttributes = {
  treatmentIntent?: Coding;
  terminationReason?: Coding[];
  reasonRefs: ReferenceKey[];
  reasonCodes: Coding[];
  status?: string;
  /** medicationReference, when the medication is a separate resource. */
  medicationRef?: ReferenceKey;
  route?: Coding;
  dose?: Quantity;
  dosageText?: string;
  /** Basis of a normalized dose (body surface area, body weight). */
  normalizationBasis?: Coding;
};

export type SurgicalProcedureAttributes = {
  bodySite: Coding[];
  laterality?: Coding;
  locationQualifiers?: Coding[];
  reasonRefs: ReferenceKey[];
  reasonCodes: Coding[];
  treatmentIntent?: Coding;
  terminationReason?: Coding[];
  status?: string;
};

export type RadiotherapyVolumeDose = {
  volumeRef?: ReferenceKey;
  totalDoseDelivered?: Quantity;
  fractionsDelivered?: number;
};

export type RadiotherapyCourseAttributes = {
  modalities: Coding[];
  techniques: Coding[];
  /** mcode-radiotherapy-sessions */
  sessions?: number;
  /** One entry per mcode-radiotherapy-dose-delivered-to-volume extension; doses to different volumes are not summed. */
  doseDeliveredToVolume: RadiotherapyVolumeDose[];
  bodySite: Coding[];
  treatmentIntent?: Coding;
  terminationReason?: Coding[];
  reasonRefs: ReferenceKey[];
  reasonCodes: Coding[];
  status?: string;
};

export type DiseaseStatusAttributes = {
  evidenceTypes: Coding[];
  focusConditionRef?: ReferenceKey;
};

export type TumorSizeAttributes = {
  longestDimension?: Quantity;
  otherDimensions: Quantity[];
  method?: Coding;
  /** Observation.focus (the Tumor BodyStructure) and specimen. */
  focusRefs: ReferenceKey[];
  specimenRef?: ReferenceKey;
};

export type GenomicVariantAttributes = {
  /** Gene symbols studied, joined with ", " (a fusion names two). */
  geneStudied?: string;
  genes: Coding[];
  /** c. HGVS (48004-6), else the c. part of a ClinVar variant's display. */
  dnaChange?: string;
  /** p. HGVS (48005-3), else the p. part of a ClinVar variant's display. */
  aminoAcidChange?: string;
  /** g. HGVS (81290-9) */
  genomicDnaChange?: string;
  /** ClinVar or other discrete variant (81252-9). */
  variant?: Coding;
  /** DNA change type (48019-4), e.g. SO "complex chromosomal rearrangement". */
  variantType?: string;
  molecularConsequence?: Coding;
  allelicFrequency?: Quantity;
  genomicSourceClass?: string;
  allelicState?: Coding;
  transcript?: Coding;
  referenceAssembly?: Coding;
  clinicalSignificance?: Coding;
  interpretation?: Coding;
  method?: Coding;
};

export type GenomicsReportAttributes = {
  resultRefs: ReferenceKey[];
  specimenRefs: ReferenceKey[];
  conclusion?: string;
  conclusionCodes: Coding[];
  issued?: string;
  status?: string;
};

export type ComorbiditiesAttributes = {
  presentConditionRefs: ReferenceKey[];
  presentConditions: Coding[];
  absentConditions: Coding[];
  focusConditionRef?: ReferenceKey;
};

export type TumorAttributes = {
  location?: Coding;
  laterality?: Coding;
  locationQualifiers: Coding[];
  morphology?: Coding;
  relatedConditionRef?: ReferenceKey;
  identifiers: { system?: string; value: string }[];
};

/** Staging other than AJCC TNM (FIGO, Rai, Binet, ISS, Ann Arbor...): the mCODE CancerStage / LymphomaStage profiles. */
export type CancerStageAttributes = {
  stagingSystem?: string;
  stagingMethod?: Coding;
  focusConditionRef?: ReferenceKey;
};

/** The attributes of each mCODE fact kind. */
export interface McodeAttributesByKind {
  patient: PatientAttributes;
  death: DeathAttributes;
  'primary-cancer-condition': CancerConditionAttributes;
  'secondary-cancer-condition': CancerConditionAttributes;
  'histology-morphology-behavior': HistologyAttributes;
  'tnm-stage-group': TnmAttributes;
  'tnm-primary-tumor-category': TnmAttributes;
  'tnm-regional-nodes-category': TnmAttributes;
  'tnm-distant-metastases-category': TnmAttributes;
  'cancer-stage': CancerStageAttributes;
  'tumor-marker': TumorMarkerAttributes;
  'ecog-performance-status': PerformanceStatusAttributes;
  'karnofsky-performance-status': PerformanceStatusAttributes;
  'cancer-related-medication-request': MedicationAttributes;
  'cancer-related-medication-administration': MedicationAttributes;
  'cancer-related-surgical-procedure': SurgicalProcedureAttributes;
  'radiotherapy-course-summary': RadiotherapyCourseAttributes;
  'cancer-disease-status': DiseaseStatusAttributes;
  'tumor-size': TumorSizeAttributes;
  'genomic-variant': GenomicVariantAttributes;
  'genomics-report': GenomicsReportAttributes;
  comorbidities: ComorbiditiesAttributes;
  tumor: TumorAttributes;
}

export type McodeFactKind = keyof McodeAttributesByKind;

export const MCODE_FACT_KINDS = [
  'patient',
  'death',
  'primary-cancer-condition',
  'secondary-cancer-condition',
  'histology-morphology-behavior',
  'tnm-stage-group',
  'tnm-primary-tumor-category',
  'tnm-regional-nodes-category',
  'tnm-distant-metastases-category',
  'cancer-stage',
  'tumor-marker',
  'ecog-performance-status',
  'karnofsky-performance-status',
  'cancer-related-medication-request',
  'cancer-related-medication-administration',
  'cancer-related-surgical-procedure',
  'radiotherapy-course-summary',
  'cancer-disease-status',
  'tumor-size',
  'genomic-variant',
  'genomics-report',
  'comorbidities',
  'tumor',
] as const satisfies readonly McodeFactKind[];

/** One mCODE fact: a discriminated union on `kind`, so `fact.attributes` narrows with it. */
export type McodeFact = { [K in McodeFactKind]: Fact<K, WithSources<McodeAttributesByKind[K]>> }[McodeFactKind];

/** The fact of one kind, e.g. `McodeFactOf<'tnm-stage-group'>`. */
export type McodeFactOf<K extends McodeFactKind> = Extract<McodeFact, { kind: K }>;

export function isMcodeFactOf<K extends McodeFactKind>(fact: McodeFact, kind: K): fact is McodeFactOf<K> {
  return fact.kind === kind;
}

// Compile-time check that MCODE_FACT_KINDS lists every kind of McodeAttributesByKind.
type UnlistedKinds = Exclude<McodeFactKind, (typeof MCODE_FACT_KINDS)[number]>;
const everyKindListed: [UnlistedKinds] extends [never] ? true : never = true;
void everyKindListed;
