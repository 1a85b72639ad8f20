/**
 * The fact kinds genomics writes into the store (libs/ingest/src/genomics-import.ts writes them; the modality
 * module, the FHIR export and the web page read them). Kept here so readers need not depend on the importer.
 */
import type { Fact } from '@oncoboard/facts';
import type { TmbVariant } from './tmb/tmb.js';

export const SOMATIC_VARIANT_FACT = 'somatic-variant';
export const ACTIONABILITY_EVIDENCE_FACT = 'actionability-evidence';
export const TMB_FACT = 'tumor-mutational-burden';
/** One per imported VCF: what was read and what was left out (malformed records with file:line, never content). */
export const VCF_READ_SUMMARY_FACT = 'vcf-read-summary';

/** Attributes of a `vcf-read-summary` fact. */
export interface VcfReadSummaryAttributes {
  file: string;
  records: number;
  variants: number;
  skippedByFilter: number;
  skippedInvalid: number;
  /** Log-safe: "skipped record tumor.vcf:57: POS: expected a positive integer" (the found value left out). */
  skippedIssues: string[];
}

/** Attributes of a `somatic-variant` fact. */
export interface SomaticVariantFactAttributes {
  variantId: string;
  variantType: string;
  gene?: string;
  transcript?: string;
  hgvsc?: string;
  hgvsp?: string;
  consequences: string[];
  assembly?: string;
  chrom?: string;
  pos?: number;
  ref?: string;
  alt?: string;
  vaf?: number;
  depth?: number;
  filterStatus: string;
  origin?: string;
  partnerGenes?: string[];
}

/** Attributes of an `actionability-evidence` fact. */
export interface ActionabilityFactAttributes {
  kbVersion: string;
  kbSourceDate?: string;
  evidenceId: string;
  gene: string;
  civicVariant: string;
  level: 'A' | 'B' | 'C' | 'D' | 'E' | string;
  evidenceType: string;
  direction?: string;
  significance: string;
  therapies: string[];
  disease: string;
  onLabel: boolean;
  citation: string;
  statement?: string;
  pubmedId?: string;
  evidenceUrl?: string;
  patientVariants: string[];
  /** The variant keys (`variantKeyString`) the evidence matched. */
  variantIds?: string[];
  ampTiers?: string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A stored somatic-variant fact as TMB input (undefined when it lacks the variant id). */
export function tmbVariantFromFact(f: Fact): TmbVariant | undefined {
  const a = f.attributes as Record<string, unknown>;
  const id = str(a.variantId);
  if (!id) return undefined;
  const vaf = num(a.vaf);
  const depth = num(a.depth);
  const origin = str(a.origin);
  return {
    id,
    variantType: str(a.variantType) ?? 'other',
    consequences: Array.isArray(a.consequences) ? a.consequences.filter((c): c is string => typeof c === 'string') : [],
    filterStatus: str(a.filterStatus) ?? 'missing',
    ...(vaf !== undefined ? { vaf } : {}),
    ...(depth !== undefined ? { depth } : {}),
    ...(origin ? { origin } : {}),
  };
}
