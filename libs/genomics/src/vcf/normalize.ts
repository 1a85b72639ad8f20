/**
 * Normalization without a reference genome: split multi-allelic records into one record per ALT, trim the bases
 * REF and ALT share, and key each variant by (assembly, chrom, pos, ref, alt).
 *
 * Left-alignment (shifting an indel to its leftmost equivalent position in a repeat, as `bcftools norm -f` or
 * `vt normalize` do) needs the reference sequence, which this library does not read; it is NOT done. Files from
 * GATK/Mutect2, Strelka2 and VEP are already left-aligned; a file that is not should be passed through
 * `bcftools norm -f ref.fa` before import.
 */
import type { FieldDefinition, VcfHeader } from './header.js';
import type { VcfRecord } from './record.js';
import type { GenomeAssembly, VariantKey, VariantType } from './types.js';

// Contig names repeat on every line: each is normalized once (bounded, for files with many contigs).
const chromosomeNames = new Map<string, string>();

/** "chr7" → "7", "chrM"/"M" → "MT"; other names unchanged. */
export function normalizeChromosome(chrom: string): string {
  let n = chromosomeNames.get(chrom);
  if (n === undefined) {
    n = normalizeChromosomeName(chrom);
    if (chromosomeNames.size > 10_000) chromosomeNames.clear();
    chromosomeNames.set(chrom, n);
  }
  return n;
}

function normalizeChromosomeName(chrom: string): string {
  const c = chrom.replace(/^chr/i, '');
  if (c === 'M' || c === 'm' || c.toUpperCase() === 'MT') return 'MT';
  return /^[xy]$/.test(c) ? c.toUpperCase() : c;
}

/** Is this ALT plain bases (not symbolic, not a breakend, not the "*" spanning deletion)? */
export function isSequenceAllele(alt: string): boolean {
  return /^[ACGTN]+$/i.test(alt);
}

/**
 * Trim bases shared by REF and ALT, keeping at least one base in each (the VCF anchor base): first the common
 * suffix, then the common prefix, moving POS right by the prefix trimmed. Symbolic and breakend ALTs are
 * returned unchanged.
 *   100 CTG>CAG → 101 T>A;  100 ATG>A → 100 ATG>A;  100 GATG>GA → 101 ATG>A;  100 CAAA>CAA → 100 CA>C.
 */
export function normalizeAlleles(pos: number, ref: string, alt: string): { pos: number; ref: string; alt: string } {
  if (!isSequenceAllele(alt)) return { pos, ref, alt };
  let r = ref.toUpperCase();
  let a = alt.toUpperCase();
  while (r.length > 1 && a.length > 1 && r[r.length - 1] === a[a.length - 1]) {
    r = r.slice(0, -1);
    a = a.slice(0, -1);
  }
  let p = pos;
  while (r.length > 1 && a.length > 1 && r[0] === a[0]) {
    r = r.slice(1);
    a = a.slice(1);
    p++;
  }
  return { pos: p, ref: r, alt: a };
}

/** The kind of a small variant after trimming (symbolic and breakend ALTs: see sv.ts). */
export function classifySmallVariant(ref: string, alt: string): VariantType {
  if (ref.length === alt.length) return ref.length === 1 ? 'snv' : 'mnv';
  if (ref.length === 1 && alt.length > 1 && alt[0] === ref[0]) return 'insertion';
  if (alt.length === 1 && ref.length > 1 && ref[0] === alt[0]) return 'deletion';
  return 'delins';
}

export function makeVariantKey(assembly: GenomeAssembly, chrom: string, pos: number, ref: string, alt: string): VariantKey {
  const n = normalizeAlleles(pos, ref, alt);
  return { assembly, chrom: normalizeChromosome(chrom), pos: n.pos, ref: n.ref, alt: n.alt };
}

/** "GRCh37:7:140453136:A:T" — stable across files, callers and re-imports. */
export function variantKeyString(key: VariantKey): string {
  return `${key.assembly}:${key.chrom}:${key.pos}:${key.ref}:${key.alt}`;
}

/** One ALT of a record after splitting; FORMAT/INFO fields with Number=A, R or G hold only this allele's values. */
export interface SplitVcfRecord extends VcfRecord {
  /** 1-based index of this ALT in the original record. */
  altIndex: number;
  /** The original ALT list (annotations such as CSQ/ANN are matched against it). */
  originalAlts: string[];
}

/**
 * Split a multi-allelic record into one record per ALT (like `bcftools norm -m-`): Number=A values keep the ALT's
 * entry, Number=R keep REF's and the ALT's, Number=G keep the genotypes of REF and this ALT; GT is recoded so the
 * ALT becomes 1 and other ALTs "." (unknown in this split record). A record with one ALT (or none) comes back as is.
 */
export function splitMultiallelic(header: VcfHeader, record: VcfRecord): SplitVcfRecord[] {
  if (record.alts.length <= 1) return [singleAltRecord(record)];
  const n = record.alts.length;
  return record.alts.map((alt, i) => {
    const ai = i + 1;
    const info = new Map<string, string | true>();
    for (const [k, v] of record.info) {
      const def = header.info.get(k);
      info.set(k, v === true || !def ? v : subsetByNumber(def, v, ai, n));
    }
    const samples = record.samples.map((col) => {
      const parts = col.split(':');
      return parts
        .map((v, fi) => {
          const key = record.format[fi];
          if (key === 'GT') return recodeGenotype(v, ai);
          const def = key ? header.format.get(key) : undefined;
          return def ? subsetByNumber(def, v, ai, n) : v;
        })
        .join(':');
    });
    return { ...record, alts: [alt], info, samples, altIndex: ai, originalAlts: record.alts };
  });
}

/**
 * The split record of a single-ALT record (nearly every record), as one object literal in VcfRecord's key order:
 * `{ ...record }` took ~2.5 µs per record (a generic property copy once records of both shapes, with and without
 * QUAL, had been seen), and properties assigned after a smaller literal go to a separately grown backing store.
 */
function singleAltRecord(r: VcfRecord): SplitVcfRecord {
  const { chrom, pos, ids, ref, alts, qual, filters, info, format, samples, place, file } = r;
  return qual === undefined
    ? { chrom, pos, ids, ref, alts, filters, info, format, samples, place, file, altIndex: 1, originalAlts: alts }
    : { chrom, pos, ids, ref, alts, qual, filters, info, format, samples, place, file, altIndex: 1, originalAlts: alts };
}

function subsetByNumber(def: FieldDefinition, value: string, ai: number, nAlts: number): string {
  if (value === '.') return value;
  const parts = value.split(',');
  if (def.number === 'A' && parts.length === nAlts) return parts[ai - 1] as string;
  if (def.number === 'R' && parts.length === nAlts + 1) return `${parts[0]},${parts[ai]}`;
  if (def.number === 'G') {
    const nAlleles = nAlts + 1;
    if (parts.length === nAlleles) return `${parts[0]},${parts[ai]}`; // haploid
    if (parts.length === (nAlleles * (nAlleles + 1)) / 2) {
      const idx = (j: number, k: number) => (k * (k + 1)) / 2 + j;
      return [parts[idx(0, 0)], parts[idx(0, ai)], parts[idx(ai, ai)]].join(',');
    }
  }
  return value;
}

function recodeGenotype(gt: string, ai: number): string {
  return gt.replace(/\d+/g, (a) => {
    const v = Number(a);
    if (v === 0) return '0';
    return v === ai ? '1' : '.';
  });
}
