/**
 * The local actionability knowledge base (KB): CIViC evidence items and assertions, their variants parsed into a
 * matchable form, and the metadata that says which release it is. Written by `buildCivicKb` (kb/build.ts) as one
 * JSON file, one record per line; `version` is shown wherever its facts are shown.
 */
import { z } from 'zod';
import type { VariantName } from '../hgvs/shorthand';

export const KB_SCHEMA_VERSION = 1;

export type EvidenceLevel = 'A' | 'B' | 'C' | 'D' | 'E';

export interface KbMeta {
  schemaVersion: number;
  /** "CIViC" */
  source: string;
  /** the release as CIViC names it: "01-Aug-2021" */
  release: string;
  /** the release as an ISO date: "2021-08-01" */
  sourceDate: string;
  license: string;
  sourceUrl: string;
  /** sha256 (hex) of the data sections (genes, variants, evidence, assertions, variantGroups) as written */
  contentSha256: string;
  /** source + release date + content hash: "civic-2021-08-01+sha256.1a2b3c4d5e6f" */
  version: string;
  /** each input file with its sha256 and row count */
  inputs: { file: string; sha256: string; rows: number }[];
  counts: { genes: number; variants: number; variantsParsed: number; evidence: number; assertions: number; variantGroups: number };
  /** lines rejected or repaired while reading the TSVs, and variant names the parser could not read */
  build: {
    rejectedLines: { file: string; line: number; reason: string }[];
    repairedLines: { file: string; line: number; reason: string }[];
    unparsedVariants: { variantId: number; gene: string; name: string; error: string }[];
  };
}

export interface KbGene {
  entrezId: number;
  symbol: string;
  civicGeneId: number;
}

/** GRCh37 coordinates as CIViC states them (no anchor base for indels; ref/alt may be empty). */
export interface KbCoordinates {
  build: string;
  chromosome: string;
  start: number;
  stop: number;
  ref?: string;
  alt?: string;
  transcript?: string;
  chromosome2?: string;
  start2?: number;
  stop2?: number;
  transcript2?: string;
}

/** Where an exon (or exon range) variant lies, and how we know. */
export interface KbExonRange {
  /** coding positions (c.) of the exon(s) on `transcript` */
  cds?: [number, number];
  /** codons (protein positions) derived from cds */
  codons?: [number, number];
  transcript?: string;
  genomic?: { build: string; chromosome: string; start: number; stop: number };
  /**
   * 'variant-hgvs': the variant's own c. range in CIViC; 'anchor': CIViC coordinates of the exon, converted to c.
   * through a CIViC point variant inside it that has both g. and c. (strand from the reference bases);
   * 'coordinates-only': only the genomic range is known.
   */
  derivedFrom: 'variant-hgvs' | 'anchor' | 'coordinates-only';
  anchor?: string;
  /** 'whole-exon': the exon is lost (exon_loss_variant); 'within': any qualifying change inside it */
  extent: 'whole-exon' | 'within';
}

export interface KbVariant {
  civicVariantId: number;
  gene: string;
  entrezId: number;
  /** the name as CIViC writes it: "V600E", "EXON 19 DELETION", "EML4-ALK" */
  name: string;
  /** the name parsed by hgvs/shorthand; null when it could not be read (never matched, listed in meta.build) */
  parsed: VariantName | null;
  parseError?: string;
  variantTypes: string[];
  hgvsExpressions: string[];
  aliases: string[];
  groups: string[];
  coordinates?: KbCoordinates;
  exonRange?: KbExonRange;
  civicUrl: string;
}

export interface KbCitation {
  source: 'PubMed' | 'ASCO' | 'ASH' | string;
  /** PubMed id, or CIViC's source id for ASCO abstracts */
  id: string;
  pubmedId?: string;
  ascoAbstractId?: string;
  text: string;
  url: string;
}

export interface KbEvidence {
  evidenceId: number;
  civicVariantId: number;
  gene: string;
  entrezId: number;
  variant: string;
  disease: { name: string; doid?: string };
  phenotypes: string[];
  therapies: string[];
  therapyInteraction?: 'Combination' | 'Sequential' | 'Substitutes' | string;
  evidenceType: string;
  direction: string;
  significance: string;
  level: EvidenceLevel;
  rating?: number;
  statement: string;
  citation: KbCitation;
  nctIds: string[];
  variantOrigin?: string;
  lastReviewDate?: string;
  civicUrl: string;
}

export interface KbAssertion {
  assertionId: number;
  civicVariantId: number;
  gene: string;
  entrezId: number;
  variant: string;
  disease: { name: string; doid?: string };
  therapies: string[];
  assertionType: string;
  direction: string;
  significance: string;
  /** "Tier I - Level A" */
  ampCategory?: string;
  ampTier?: 'I' | 'II' | 'III' | 'IV';
  ampLevel?: string;
  acmgCodes: string[];
  nccnGuideline?: string;
  nccnGuidelineVersion?: string;
  regulatoryApproval?: boolean;
  fdaCompanionTest?: boolean;
  summary: string;
  evidenceIds: number[];
  lastReviewDate?: string;
  civicUrl: string;
}

export interface KbVariantGroup {
  variantGroupId: number;
  name: string;
  description: string;
}

export interface ActionabilityKb {
  meta: KbMeta;
  genes: KbGene[];
  variants: KbVariant[];
  evidence: KbEvidence[];
  assertions: KbAssertion[];
  variantGroups: KbVariantGroup[];
}

/**
 * The shape checked when a KB file is loaded: the metadata in full, the sections as arrays. The records themselves
 * are covered by the content hash (load.ts verifies it over the file's bytes): a file the builder did not write
 * this way is refused before any record is read.
 */
export const kbFileSchema = z.object({
  meta: z.object({
    schemaVersion: z.literal(KB_SCHEMA_VERSION),
    source: z.string(),
    release: z.string(),
    sourceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    license: z.string(),
    sourceUrl: z.string(),
    contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
    version: z.string(),
    inputs: z.array(z.object({ file: z.string(), sha256: z.string(), rows: z.number() })),
    counts: z.object({ genes: z.number(), variants: z.number(), variantsParsed: z.number(), evidence: z.number(), assertions: z.number(), variantGroups: z.number() }),
    build: z.object({ rejectedLines: z.array(z.unknown()), repairedLines: z.array(z.unknown()), unparsedVariants: z.array(z.unknown()) }),
  }),
  genes: z.array(z.unknown()),
  variants: z.array(z.unknown()),
  evidence: z.array(z.unknown()),
  assertions: z.array(z.unknown()),
  variantGroups: z.array(z.unknown()),
});
