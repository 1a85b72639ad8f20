import type { FindingContext } from '../context/context-algorithm';
import type { SectionKind } from '../sections';
import type { Span } from '../span';

export type Comparator = '<' | '<=' | '>' | '>=';

export interface PercentValue {
  percent: number;
  comparator?: Comparator;
  /** A stated range ("10-15%"): percent is its upper end. */
  range?: [number, number];
}

export type Presence = 'present' | 'absent' | 'indeterminate';
export type ReceptorResult = 'positive' | 'negative' | 'low-positive';
export type StainIntensity = 'weak' | 'moderate' | 'strong' | 'weak-to-moderate' | 'moderate-to-strong' | 'weak-to-strong';

export interface FindingValues {
  specimen: { description: string };
  procedure: { procedure: string };
  /** `site` as stated (lower case); `organ` the organ it belongs to ("upper outer quadrant" → breast), when known. */
  'primary-site': { site: string; organ?: string };
  laterality: { laterality: 'left' | 'right' | 'bilateral' };
  'histologic-type': { name: string; icdO3?: string; behavior?: 'in situ' | 'invasive'; metastatic?: boolean };
  grade: {
    grade?: 1 | 2 | 3 | 4;
    system?: 'Nottingham' | 'G' | 'FIGO' | 'Gleason';
    differentiation?: 'well' | 'moderately' | 'poorly' | 'undifferentiated';
    nottinghamScore?: number;
    tubules?: number;
    nuclei?: number;
    mitoses?: number;
    /** A two-tier grade as stated ("low grade", "high-grade"). */
    twoTier?: 'low' | 'high';
    /** Prostate: Gleason pattern primary + secondary = score, and the ISUP Grade Group (stated, or from the score). */
    gleason?: { primary?: number; secondary?: number; score: number };
    gradeGroup?: 1 | 2 | 3 | 4 | 5;
  };
  'tumor-size': { greatestDimensionMm: number; dimensionsMm: number[]; unit: 'cm' | 'mm' };
  margin: {
    status?: 'negative' | 'positive' | 'close';
    closestDistanceMm?: number;
    closestDistanceComparator?: Comparator;
    closestMargin?: string;
    /** A distance to a named margin that the text does not call the closest ("0.5 cm from the deep margin"). */
    namedMargin?: string;
    distanceMm?: number;
  };
  'lymphovascular-invasion': { status: Presence };
  'perineural-invasion': { status: Presence };
  'lymph-nodes': { examined?: number; positive?: number; sentinel?: boolean };
  /** An AJCC (or UICC TNM) staging edition the text names: "AJCC 8th edition", "TNM 8". */
  'ajcc-edition': { edition: number };
  tnm: { category: 'T' | 'N' | 'M'; prefix: string; code: string; stated: string; edition?: number };
  er: { result?: ReceptorResult | 'pending' } & Partial<PercentValue> & { intensity?: StainIntensity; allred?: number };
  pr: { result?: ReceptorResult | 'pending' } & Partial<PercentValue> & { intensity?: StainIntensity; allred?: number };
  her2: {
    method: 'IHC' | 'ISH' | 'unspecified';
    /** IHC score. */
    score?: '0' | '1+' | '2+' | '3+';
    result?: 'negative' | 'equivocal' | 'positive' | 'amplified' | 'not-amplified' | 'pending';
    ratio?: number;
    copyNumber?: number;
    ishGroup?: number;
  };
  ki67: PercentValue;
  mmr: { protein: 'MLH1' | 'PMS2' | 'MSH2' | 'MSH6' | 'overall'; status: 'intact' | 'lost' | 'deficient' | 'proficient' };
  msi: { status: 'MSI-H' | 'MSI-L' | 'MSS' };
  'pd-l1': { tps?: number; cps?: number; comparator?: Comparator; clone?: string };
  'gene-alteration': {
    gene: string;
    /** Normalised description: "exon 19 deletion", "G12C", "rearrangement", "EML4::ALK fusion"; absent for "any alteration of the gene" (wild-type statements). */
    alteration?: string;
    proteinChange?: string;
    cdnaChange?: string;
    exon?: number;
    /** true: stated detected / present; false: not detected, wild-type, or negated; null: not stated (e.g. a hypothetical test). */
    detected: boolean | null;
    vafPercent?: number;
  };
}

export type FindingKind = keyof FindingValues;
export const FINDING_KINDS = [
  'specimen', 'procedure', 'primary-site', 'laterality', 'histologic-type', 'grade', 'tumor-size', 'margin',
  'lymphovascular-invasion', 'perineural-invasion', 'lymph-nodes', 'ajcc-edition', 'tnm', 'er', 'pr', 'her2', 'ki67', 'mmr', 'msi',
  'pd-l1', 'gene-alteration',
] as const satisfies readonly FindingKind[];

/** One extracted statement of a report, with the character span of the text that states it. */
export type Finding<K extends FindingKind = FindingKind> = {
  [P in K]: {
    /** Position in the report's finding list. */
    id: number;
    kind: P;
    value: FindingValues[P];
    /** The words that state it; for a synoptic "Label: value" line, the whole line. */
    span: Span;
    section: SectionKind;
    sectionIndex: number;
    /** The addendum's ordinal when the finding is in an addendum. */
    addendum?: number;
    source: 'synoptic' | 'prose';
    context: FindingContext;
    /** The context triggers that applied (phrase + span), for display and audit. */
    contextTriggers: { category: string; phrase: string; span: Span }[];
    /** What a later statement of the same thing replaces: kind + aspect, e.g. "her2/IHC", "mmr/MLH1". */
    key: string;
    /** Set when a later addendum restates this (the later finding's id); the finding is kept. */
    supersededBy?: number;
    /** The ids this finding replaces. */
    supersedes?: number[];
  };
}[K];

/** What an extractor proposes before context and ids are assigned. */
export interface Candidate<K extends FindingKind = FindingKind> {
  kind: K;
  value: FindingValues[K];
  span: Span;
  key: string;
  source: 'synoptic' | 'prose';
  /** The words ConText assesses (default: span); e.g. the gene and alteration, not the word "detected". */
  target?: Span;
  /** The value itself states absence/negation ("Not identified", "not detected"): context.negated is set. */
  negatedByValue?: boolean;
  /** The value states presence ("Present"): a negation trigger elsewhere on the line does not apply. */
  affirmedByValue?: boolean;
  /**
   * A specimen or procedure of a part taken from a distant-metastasis site ("Bone, T10 vertebral body, CT-guided core
   * biopsy"): it is the tumour's specimen only when the report names no part from another site.
   */
  metastasisSite?: boolean;
  /**
   * A specimen or procedure of a part whose diagnosis is benign ("A. Prostate, right base, needle biopsy: Benign
   * prostatic tissue"): not the tumour's specimen when another part is.
   */
  benignPart?: boolean;
  /** The value itself hedges ("LVI: suspicious", "equivocal for perineural invasion"): context.uncertain is set. */
  uncertainByValue?: boolean;
}
