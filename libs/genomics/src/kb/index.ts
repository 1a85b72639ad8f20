// The actionability knowledge base: built from CIViC, versioned, matched against a patient's variants and cancer.
export type * from './types';
export { KB_SCHEMA_VERSION, kbFileSchema } from './types';
export { buildCivicKb, civicReleaseDate, kbVersion, serializeKb, type CivicKbBuildResult } from './build';
export { readCivicTsv, type TsvLineIssue, type TsvReadResult, type TsvRow } from './civic-tsv';
export { DEFAULT_KB_PATH, KbLoadError, loadKb, parseKb } from './load';
export { CANCER_DOID, DISEASE_TERMS, ICD10_TO_DOID, SNOMED_TO_DOID, SOLID_TUMOR, diseaseLineage, normalizeDoid, type DiseaseTerm } from './diseases';
export {
  KbMatcher,
  compareEvidence,
  describeEvidenceMatch,
  type AssertionMatch,
  type DiseaseRelation,
  type EvidenceMatch,
  type KbStamp,
  type MatchKind,
  type MatchOptions,
  type MatchableVariant,
  type PatientCancerContext,
  type PatientMatchResult,
} from './match';
