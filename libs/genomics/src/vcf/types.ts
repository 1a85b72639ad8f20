/**
 * The one variant type of libs/genomics: what the VCF reader (vcf/somatic-variants.ts) and the FHIR reader
 * (vcf/fhir-variants.ts) both produce, and what the knowledge base matches against.
 *
 * Conventions (read these before matching):
 * - Positions are 1-based, VCF style. Alleles are upper-case, VCF style: an indel keeps its one anchor base
 *   (`ATG>A` at 100 is a deletion of TG after base 100), and shared bases beyond that anchor are trimmed
 *   (see `normalizeAlleles`). Indels are NOT left-aligned: that needs the reference sequence, which this
 *   library does not read; the same indel in a repeat may therefore carry different keys in files from two
 *   callers that did not left-align (GATK/Mutect2, Strelka2 and VEP-normalized files do left-align).
 * - Chromosomes are written without a "chr" prefix, and chrM/M is written MT (`normalizeChromosome`).
 * - `gene` is the HGNC symbol as the annotation (VEP CSQ, SnpEff ANN, FHIR gene-studied) states it; resolve
 *   aliases with `GeneTable.resolve` (genes/gene-table.ts) before comparing ('HER2' and 'ERBB2' are one gene).
 * - `hgvsp` / `hgvsc` are the strings as written in the source (e.g. "ENSP00000288602.6:p.Val600Glu" from VEP,
 *   "p.V600E" from SnpEff ANN with one-letter codes). They are not parsed here: the HGVS parser is in hgvs/.
 * - `vaf` is a fraction in [0, 1] (FHIR 57.4 % becomes 0.574; VarScan "23.5%" becomes 0.235).
 */

/** The genome builds this library accepts. hg19/b37/hs37d5 are GRCh37; hg38 is GRCh38. */
export type GenomeAssembly = 'GRCh37' | 'GRCh38';
export const GENOME_ASSEMBLIES: readonly GenomeAssembly[] = ['GRCh37', 'GRCh38'];

/** The stable identity of a small variant or of one side of a structural variant. */
export interface VariantKey {
  assembly: GenomeAssembly;
  /** Without "chr"; "MT" for the mitochondrion. */
  chrom: string;
  /** 1-based position of the first base of `ref` (after trimming). */
  pos: number;
  /** Reference allele (A/C/G/T/N), upper case; at least one base. */
  ref: string;
  /** Alternate allele: bases, a symbolic allele like "<DEL>", or a breakend string. */
  alt: string;
}

/**
 * What kind of change. Small variants: snv, mnv (same length > 1, e.g. CC>TT), insertion, deletion, delins
 * (different lengths, both > 1 after trimming). Structural: the symbolic alleles and joined breakends.
 */
export type VariantType =
  | 'snv'
  | 'mnv'
  | 'insertion'
  | 'deletion'
  | 'delins'
  | 'sv-deletion'
  | 'sv-duplication'
  | 'sv-inversion'
  | 'sv-insertion'
  | 'sv-copy-number'
  | 'rearrangement'
  | 'other';

/** One transcript-level annotation already present in the file (VEP CSQ or SnpEff ANN), or in FHIR. */
export interface TranscriptAnnotation {
  /** Which annotation tool wrote it. */
  source: 'vep-csq' | 'snpeff-ann' | 'fhir';
  /** HGNC symbol as written ("SYMBOL" in CSQ, "Gene_Name" in ANN). */
  gene?: string;
  /** The gene's identifier as written (Ensembl ENSG..., Entrez, HGNC:...). */
  geneId?: string;
  /** Transcript / feature id, e.g. ENST00000288602.6 or NM_004333.4. */
  transcript?: string;
  /** Sequence Ontology terms, e.g. ["missense_variant"] ("&"-separated in the file). */
  consequences: string[];
  /** VEP IMPACT / SnpEff Annotation_Impact: HIGH, MODERATE, LOW, MODIFIER. */
  impact?: string;
  hgvsc?: string;
  hgvsp?: string;
  /** VEP flags the tool's own pick: PICK=1 or CANONICAL=YES. */
  picked?: boolean;
  canonical?: boolean;
  /** Every field of the annotation by the header's field name (CSQ/ANN), empty fields left out. */
  fields: Record<string, string>;
}

/** One breakpoint of a structural variant. */
export interface Breakpoint {
  chrom: string;
  pos: number;
  /** Confidence interval around pos (CIPOS), when given. */
  ci?: [number, number];
}

/** Structural detail for symbolic alleles and breakend pairs. */
export interface StructuralDetail {
  /** SVTYPE as written (DEL, DUP, INV, INS, CNV, BND...), or derived from the symbolic allele. */
  svType: string;
  /** The symbolic allele as written, e.g. "<DUP:TANDEM>". */
  symbolicAllele?: string;
  /** END from INFO (symbolic alleles). */
  end?: number;
  /** SVLEN from INFO (negative for deletions, as written). */
  svLength?: number;
  imprecise: boolean;
  /** For a rearrangement: both breakpoints, in the order of the two records (first seen first). */
  breakpoints?: [Breakpoint, Breakpoint];
  /**
   * For a rearrangement: the ALT of each side as written, e.g. ["[9:137177507[A", "[1:224938488[T"], and how
   * each side joins: `matePosition` and orientation from the VCF 4.x breakend notation.
   */
  breakends?: BreakendAllele[];
  /** The record ids joined (ID column), e.g. ["MantaBND:5:671:677:0:0:0:0", "MantaBND:5:671:677:0:0:0:1"]. */
  recordIds?: string[];
  /** EVENT from INFO: several adjacencies of one complex event share it. */
  event?: string;
  /** True when the mate record was not in the file (or not in the region read): only this side was seen. */
  mateMissing?: boolean;
  /** Partner genes from the annotation (SnpEff gene_fusion "BCR&ABL1"), or from FHIR (two gene-studied). */
  partnerGenes?: string[];
}

/** A parsed VCF breakend ALT (VCF 4.2 §5.4): t[p[, t]p], ]p]t, [p[t. */
export interface BreakendAllele {
  /** The ALT as written. */
  alt: string;
  /** The mate position p. */
  mate: { chrom: string; pos: number };
  /** The bases t written in the ALT (usually the REF base, plus any inserted sequence). */
  bases: string;
  /** Where the bases stand: 'before' for t[p[ and t]p], 'after' for ]p]t and [p[t. */
  basesSide: 'before' | 'after';
  /** '[' means the joined piece extends right of p, ']' means it extends left of p. */
  mateDirection: 'right' | 'left';
}

/** Where a variant came from: a VCF line (or a record of a region read) or a FHIR Observation. */
export type VariantSource =
  | {
      kind: 'vcf';
      /** The file's base name as given to the reader (never its directory). */
      file: string;
      /** 1-based line number in the (decompressed) file; absent for records read through a tabix region query. */
      line?: number;
      /** For tabix region reads: the region and the record's ordinal (1-based) inside it. */
      region?: { query: string; ordinal: number };
      /** The ID column when not ".". */
      recordId?: string;
      /** 1-based index of this ALT in the record's ALT list (multi-allelic records are split). */
      altIndex: number;
      /** For a joined rearrangement: the mate record's line, when it had one. */
      mateLine?: number;
    }
  | {
      kind: 'fhir';
      /** "Observation/<id>" (or the fullUrl inside a Bundle when the resource has no id). */
      reference: string;
      /** FHIRPath-like path of the element the key facts came from, e.g. "Observation.component[2]". */
      elementPath: string;
    };

/** Read evidence from the tumor sample, normalized across callers. */
export interface SampleEvidence {
  /** Sample column name. */
  sample: string;
  /** GT as written (e.g. "0/1", "0|1"), when the caller writes one. */
  genotype?: string;
  /** Total depth at the site as the caller reports it (FORMAT DP, or the sum of counts the convention uses). */
  depth?: number;
  refDepth?: number;
  altDepth?: number;
  /** Variant allele fraction in [0, 1]. */
  vaf?: number;
  /** Which convention the numbers were read by (see `readSampleEvidence`). */
  convention: EvidenceConvention;
}

/**
 * How depth and VAF were read:
 * - 'allele-depth': GATK/Mutect2 style FORMAT AD (Number=R), AF (Number=A) if present else AD alt/sum, DP.
 * - 'strelka2-snv': tier-1 counts of AU/CU/GU/TU for REF and ALT base; DP.
 * - 'strelka2-indel': tier-1 TAR/TIR; DP.
 * - 'varscan': FREQ ("23.5%"), RD (ref reads), AD (alt reads, Number=1), DP.
 * - 'manta': PR and SR (ref,alt pairs); depth = all four summed, VAF = (PR alt + SR alt) / depth.
 * - 'none': the sample carries no depth fields this library knows.
 */
export type EvidenceConvention = 'allele-depth' | 'strelka2-snv' | 'strelka2-indel' | 'varscan' | 'manta' | 'none';

/**
 * One somatic (or germline, where the source says so) variant: one ALT allele of one VCF record, a joined
 * breakend pair, or one FHIR genomic-variant Observation.
 */
export interface SomaticVariant {
  /**
   * Stable id: the key string (`variantKeyString`) for small variants and symbolic SVs; for a rearrangement the
   * two breakpoint keys joined by "::" in genomic order; for FHIR variants without coordinates "fhir:" + reference.
   */
  id: string;
  /**
   * The normalized key. Always present for VCF variants (for a rearrangement: the first breakpoint's side).
   * FHIR variants have one only when the Observation states build, chromosome, position, ref and alt.
   */
  key?: VariantKey;
  variantType: VariantType;
  /** FILTER as written, split on ";" (["PASS"], ["MinSomaticScore"], or [] when "."). */
  filters: string[];
  filterStatus: 'pass' | 'fail' | 'missing';
  /** QUAL, when not ".". */
  quality?: number;
  /** The chosen annotation's gene symbol (see `annotations` for all). */
  gene?: string;
  transcript?: string;
  /** The chosen annotation's Sequence Ontology consequence terms. */
  consequences: string[];
  hgvsc?: string;
  hgvsp?: string;
  /** HGVS genomic (g.) as the source writes it (FHIR 81290-9); VCF files have none. */
  hgvsg?: string;
  /** All transcript annotations of this allele (VEP CSQ / SnpEff ANN), in file order. */
  annotations: TranscriptAnnotation[];
  /** Tumor sample evidence; absent for sites-only files and FHIR without allelic frequency. */
  tumor?: SampleEvidence;
  normal?: SampleEvidence;
  /** Shortcuts of tumor.vaf / tumor.depth (and FHIR 81258-6). */
  vaf?: number;
  depth?: number;
  /** somatic/germline when the source says (INFO SOMATIC flag, FHIR 48002-0), else undefined. */
  origin?: 'somatic' | 'germline';
  structural?: StructuralDetail;
  source: VariantSource;
}
