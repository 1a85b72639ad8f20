/**
 * Tumor mutational burden: counted somatic mutations per megabase of the sequenced target.
 *
 * Definition used here (declared with every value, `TMB_DEFINITION`):
 * - counted: small variants (SNV, MNV, insertion, deletion, delins) whose chosen annotation has a coding,
 *   non-synonymous Sequence Ontology consequence (`NON_SYNONYMOUS_CODING`: missense, stop gained/lost, start lost,
 *   frameshift, in-frame insertion/deletion, protein altering). Synonymous coding changes are added only with
 *   `includeSynonymous` (as some panels, e.g. FoundationOne, count them). Splice-region, UTR, intronic and
 *   intergenic changes, structural variants and unannotated variants are never counted;
 * - FILTER must be PASS; variants the source calls germline are left out;
 * - tumor VAF ≥ `minVaf` and depth ≥ `minDepth` (defaults 0.05 and 10 reads); a variant without a VAF (or a
 *   depth) fails that threshold unless the threshold is 0;
 * - the denominator is the declared target size in Mb (the panel's or exome's callable coding territory), never
 *   guessed: `computeTmb` refuses to run without it. The value is shown with it: "8.2 mut/Mb (41 / 5.0 Mb)".
 */
import type { VariantType } from '../vcf/types.js';

export const NON_SYNONYMOUS_CODING: readonly string[] = [
  'missense_variant',
  'stop_gained',
  'stop_lost',
  'start_lost',
  'frameshift_variant',
  'inframe_insertion',
  'inframe_deletion',
  'protein_altering_variant',
];
export const SYNONYMOUS_CODING: readonly string[] = ['synonymous_variant', 'stop_retained_variant', 'start_retained_variant'];
const SMALL_VARIANTS: readonly VariantType[] = ['snv', 'mnv', 'insertion', 'deletion', 'delins'];

export const TMB_DEFAULT_MIN_VAF = 0.05;
export const TMB_DEFAULT_MIN_DEPTH = 10;

export interface TmbOptions {
  /** The sequenced (callable coding) target in megabases, e.g. 1.1 for a 1.1 Mb panel, 35 for an exome. */
  targetSizeMb: number;
  /** Default 0.05. */
  minVaf?: number;
  /** Default 10 reads. */
  minDepth?: number;
  /** Count synonymous coding changes too (default false). */
  includeSynonymous?: boolean;
}

/** What TMB reads of a variant (a `SomaticVariant` or a stored somatic-variant fact's attributes). */
export interface TmbVariant {
  /** The variant key string (`variantKeyString`), cited as provenance. */
  id: string;
  variantType: VariantType | string;
  consequences: readonly string[];
  filterStatus: 'pass' | 'fail' | 'missing' | string;
  vaf?: number;
  depth?: number;
  origin?: 'somatic' | 'germline' | string;
}

export interface TmbResult {
  /** Mutations per megabase, rounded to 2 decimals. */
  value: number;
  unit: 'mutations/Mb';
  /** The numerator: counted variants. */
  count: number;
  /** The declared denominator. */
  targetSizeMb: number;
  minVaf: number;
  minDepth: number;
  includeSynonymous: boolean;
  definition: string;
  /** The variant keys counted (provenance of the value). */
  variantKeys: string[];
  /** Why the others were not counted. */
  excluded: { notPass: number; germline: number; notSmallVariant: number; notCodingNonSynonymous: number; belowMinVaf: number; belowMinDepth: number };
  /** "8.2 mut/Mb (41 mutations / 5.0 Mb)". */
  display: string;
}

export class TmbError extends Error {
  override readonly name = 'TmbError';
}

export function tmbDefinition(o: { minVaf: number; minDepth: number; includeSynonymous: boolean }): string {
  return (
    `coding ${o.includeSynonymous ? 'non-synonymous and synonymous' : 'non-synonymous'} small variants (SNV, MNV, indel; ` +
    `${[...NON_SYNONYMOUS_CODING, ...(o.includeSynonymous ? SYNONYMOUS_CODING : [])].join(', ')}), FILTER=PASS, not germline, ` +
    `VAF ≥ ${o.minVaf} and depth ≥ ${o.minDepth}, per Mb of the declared target`
  );
}

/** Checks a declared target size; the message names what was expected. */
export function checkTargetSize(targetSizeMb: unknown, where = 'TMB target size'): number {
  if (typeof targetSizeMb !== 'number' || !Number.isFinite(targetSizeMb) || targetSizeMb <= 0 || targetSizeMb > 3300) {
    throw new TmbError(`${where}: expected the sequenced target in megabases (a number > 0 and ≤ 3300, e.g. 1.1 for a panel, 35 for an exome), found ${JSON.stringify(targetSizeMb) ?? String(targetSizeMb)}`);
  }
  return targetSizeMb;
}

export function computeTmb(variants: readonly TmbVariant[], options: TmbOptions): TmbResult {
  const targetSizeMb = checkTargetSize(options.targetSizeMb);
  const minVaf = options.minVaf ?? TMB_DEFAULT_MIN_VAF;
  const minDepth = options.minDepth ?? TMB_DEFAULT_MIN_DEPTH;
  const includeSynonymous = options.includeSynonymous ?? false;
  const counted = new Set([...NON_SYNONYMOUS_CODING, ...(includeSynonymous ? SYNONYMOUS_CODING : [])]);
  const excluded = { notPass: 0, germline: 0, notSmallVariant: 0, notCodingNonSynonymous: 0, belowMinVaf: 0, belowMinDepth: 0 };
  const keys = new Set<string>();
  for (const v of variants) {
    if (v.filterStatus !== 'pass') excluded.notPass++;
    else if (v.origin === 'germline') excluded.germline++;
    else if (!SMALL_VARIANTS.includes(v.variantType as VariantType)) excluded.notSmallVariant++;
    else if (!v.consequences.some((c) => counted.has(c))) excluded.notCodingNonSynonymous++;
    else if (minVaf > 0 && !(typeof v.vaf === 'number' && v.vaf >= minVaf)) excluded.belowMinVaf++;
    else if (minDepth > 0 && !(typeof v.depth === 'number' && v.depth >= minDepth)) excluded.belowMinDepth++;
    else keys.add(v.id); // one key counted once, even when a file repeats it
  }
  const count = keys.size;
  const value = Math.round((count / targetSizeMb) * 100) / 100;
  return {
    value,
    unit: 'mutations/Mb',
    count,
    targetSizeMb,
    minVaf,
    minDepth,
    includeSynonymous,
    definition: tmbDefinition({ minVaf, minDepth, includeSynonymous }),
    variantKeys: [...keys],
    excluded,
    display: `${value} mut/Mb (${count} mutation${count === 1 ? '' : 's'} / ${targetSizeMb} Mb)`,
  };
}
