/**
 * From VCF records to `SomaticVariant`s: genome build resolved (never guessed), tumor/normal chosen, FILTER
 * honoured, multi-allelic records split, alleles trimmed and keyed, evidence read by the caller's convention,
 * VEP/SnpEff annotations attached, symbolic SVs described and breakend pairs joined into one rearrangement.
 */
import type { Provenance } from '@oncoboard/facts';
import { annotationLayouts, chosenAnnotationSummary, readAnnotations, type AnnotationLayout } from './annotations.js';
import { VcfFormatError, expectedFound, recordIssue, type RecordIssue } from './errors.js';
import { resolveAssembly, type VcfHeader } from './header.js';
import { classifySmallVariant, makeVariantKey, normalizeChromosome, splitMultiallelic, variantKeyString, type SplitVcfRecord } from './normalize.js';
import { itemsOf } from './items-of.js';
import { openVcf, type VcfCompression } from './reader.js';
import { infoFlag, infoNumber, infoNumbers, infoString, type VcfRecord } from './record.js';
import { readSampleEvidence, selectSamples, type ChosenSample, type SampleSelectionOptions } from './samples.js';
import { BreakendJoiner, isBreakendAlt, isSymbolicAlt, parseBreakendAlt, structuralVariantType } from './sv.js';
import { formatRegion, queryRegion } from './tabix.js';
import type { Breakpoint, GenomeAssembly, SomaticVariant, StructuralDetail, TranscriptAnnotation, VariantKey, VariantSource, VariantType } from './types.js';

/**
 * Which FILTER values pass:
 * - 'pass' (default): only records with FILTER=PASS.
 * - 'pass-or-missing': PASS or "." (filters not applied, e.g. an unfiltered caller output).
 * - 'all': every record (the variant's `filters`/`filterStatus` still say what the file said).
 * - { allow: [...] }: PASS, plus records whose every filter is in the list.
 */
export type FilterPolicy = 'pass' | 'pass-or-missing' | 'all' | { allow: string[] };

export interface VariantReadOptions extends SampleSelectionOptions {
  /** The build, when the header does not state it (a header that states another build is an error). */
  assembly?: GenomeAssembly;
  filter?: FilterPolicy;
  /** Name used in messages and provenance instead of the file's base name. */
  displayName?: string;
  /**
   * Read only this region (needs a bgzipped file with a .tbi/.csi index), e.g. "chr7:140453100-140453200".
   * A breakend whose mate lies outside the region comes alone (`structural.mateMissing`, mate position from its ALT).
   */
  region?: string;
  /**
   * What a malformed record does: 'skip' (default) leaves it out, counts it in `summary.skippedInvalid` and lists
   * it in `summary.issues` (file, line, what was expected); 'fail' stops the read with that error. Problems of the
   * file itself (header, build, sample choice, truncated .gz) always stop the read.
   */
  invalidRecords?: 'skip' | 'fail';
}

/** `summary.issues` keeps at most this many (the count `skippedInvalid` is always complete). */
export const MAX_RECORD_ISSUES = 1000;

/** Counts of one read, filled while iterating (complete once the iteration ends). */
export interface VariantReadSummary {
  records: number;
  variants: number;
  /** Records (or breakend pairs) left out by the FILTER policy. */
  skippedByFilter: number;
  /** ALT "*" (an overlapping deletion), gVCF <*>/<NON_REF> and ALT "." (no variant). */
  skippedNoVariant: number;
  /** Breakends emitted without their mate (mate not in the file or the region). */
  unpairedBreakends: number;
  /** Malformed records left out (policy 'skip'); every one is counted here. */
  skippedInvalid: number;
  /** The first MAX_RECORD_ISSUES of them: file, line and what was expected. */
  issues: RecordIssue[];
}

export interface VariantReader {
  header: VcfHeader;
  compression: VcfCompression;
  assembly: { assembly: GenomeAssembly; from: string };
  tumor?: ChosenSample;
  normal?: ChosenSample;
  summary: VariantReadSummary;
  /** The variants, streamed; breakend pairs come when their second record is read. Iterate once (this or variantBatches). */
  variants(): AsyncGenerator<SomaticVariant>;
  /** The same variants, one array per decompressed chunk: the fast way through a large file. */
  variantBatches(): AsyncGenerator<SomaticVariant[]>;
}

/**
 * Open a VCF (plain, gzip or bgzip; or a region of an indexed one) for reading somatic variants.
 * Header problems (version, build, sample choice) are thrown here, before any variant is returned. A malformed
 * record is skipped and listed in `summary.issues` (or, with `invalidRecords: 'fail'`, thrown from `variants()`
 * after the earlier variants were yielded). A truncated or corrupt .gz throws from `variants()`: a caller that must
 * not keep a partial import collects first (`readSomaticVariants` does) and writes only when the whole file was read.
 */
export async function openVariantReader(path: string, options: VariantReadOptions = {}): Promise<VariantReader> {
  // Lines that do not parse are reported before the assembler exists (region reads parse them all up front).
  const early: VcfFormatError[] = [];
  let assemblerRef: VariantAssembler | undefined;
  const onInvalidRecord = options.invalidRecords === 'fail' ? undefined : (e: VcfFormatError) => (assemblerRef ? assemblerRef.skipInvalid(e) : early.push(e));
  if (options.region) {
    const q = await queryRegion(path, options.region, { ...(options.displayName ? { displayName: options.displayName } : {}), ...(onInvalidRecord ? { onInvalidRecord } : {}) });
    const assembler = new VariantAssembler(q.header, options, formatRegion(q.region));
    assemblerRef = assembler;
    for (const e of early) assembler.skipInvalid(e);
    const records = q.records;
    return {
      header: q.header,
      compression: 'bgzip',
      assembly: assembler.assembly,
      ...(assembler.tumor ? { tumor: assembler.tumor } : {}),
      ...(assembler.normal ? { normal: assembler.normal } : {}),
      summary: assembler.summary,
      ...batchedVariants(
        async function* () {
          yield { lines: records, firstLine: 0 };
        },
        (r) => r,
        assembler,
      ),
    };
  }
  const vcf = await openVcf(path, { ...(options.displayName ? { displayName: options.displayName } : {}), ...(onInvalidRecord ? { onInvalidRecord } : {}) });
  let assembler: VariantAssembler;
  try {
    assembler = new VariantAssembler(vcf.header, options);
  } catch (e) {
    await vcf.close();
    throw e;
  }
  assemblerRef = assembler;
  return {
    header: vcf.header,
    compression: vcf.compression,
    assembly: assembler.assembly,
    ...(assembler.tumor ? { tumor: assembler.tumor } : {}),
    ...(assembler.normal ? { normal: assembler.normal } : {}),
    summary: assembler.summary,
    ...batchedVariants(vcf.lineBatches, vcf.parseLine, assembler),
  };
}

/**
 * variants()/variantBatches() over batches of records. Records of a batch are assembled synchronously; when a
 * record fails a strict read ('fail'), the variants of the records before it still come first, then the error.
 */
function batchedVariants<T>(
  batches: () => AsyncGenerator<{ lines: T[]; firstLine: number }>,
  /** Each line is parsed just before its record is assembled, so skipped records are reported in line order. */
  parse: (line: T, lineNo: number) => VcfRecord | undefined,
  assembler: VariantAssembler,
): Pick<VariantReader, 'variants' | 'variantBatches'> {
  async function* variantBatches(): AsyncGenerator<SomaticVariant[]> {
    for await (const { lines, firstLine } of batches()) {
      const out: SomaticVariant[] = [];
      try {
        for (let i = 0; i < lines.length; i++) {
          const record = parse(lines[i] as T, firstLine + i);
          if (record) assembler.pushInto(record, out);
        }
      } catch (e) {
        if (out.length) yield out;
        throw e;
      }
      if (out.length) yield out;
    }
    const tail = [...assembler.finish()];
    if (tail.length) yield tail;
  }
  return { variantBatches, variants: () => itemsOf(variantBatches()) };
}

/** Read all variants of a file into an array (for files that fit in memory: one tumor's somatic calls). */
export async function readSomaticVariants(path: string, options: VariantReadOptions = {}): Promise<{ variants: SomaticVariant[]; reader: VariantReader }> {
  const reader = await openVariantReader(path, options);
  const variants: SomaticVariant[] = [];
  for await (const v of reader.variants()) variants.push(v);
  return { variants, reader };
}

function filterStatus(filters: string[]): SomaticVariant['filterStatus'] {
  if (filters.length === 0) return 'missing';
  return filters.length === 1 && filters[0] === 'PASS' ? 'pass' : 'fail';
}

export function passesFilter(filters: string[], policy: FilterPolicy): boolean {
  const status = filterStatus(filters);
  if (policy === 'all' || status === 'pass') return true;
  if (policy === 'pass') return false;
  if (policy === 'pass-or-missing') return status === 'missing';
  return status === 'fail' && filters.every((f) => f === 'PASS' || policy.allow.includes(f));
}

interface PendingBreakend {
  record: SplitVcfRecord;
  variant: SomaticVariant;
}

const CHROM_ORDER = (c: string) => {
  const n = Number(c);
  if (Number.isInteger(n)) return n;
  return ({ X: 23, Y: 24, MT: 25 } as Record<string, number>)[c] ?? 1000;
};

/** Turns records (of one file, in file order) into variants. Usable directly with records from any source. */
export class VariantAssembler {
  readonly assembly: { assembly: GenomeAssembly; from: string };
  readonly tumor?: ChosenSample;
  readonly normal?: ChosenSample;
  readonly summary: VariantReadSummary = { records: 0, variants: 0, skippedByFilter: 0, skippedNoVariant: 0, unpairedBreakends: 0, skippedInvalid: 0, issues: [] };
  private readonly layouts: AnnotationLayout[];
  private readonly policy: FilterPolicy;
  private readonly skipInvalidRecords: boolean;
  private readonly joiner = new BreakendJoiner<PendingBreakend>();

  constructor(
    private readonly header: VcfHeader,
    options: VariantReadOptions = {},
    /** Set for region reads: the region label used in `source.region`. */
    private readonly regionLabel?: string,
  ) {
    this.assembly = resolveAssembly(header, options.assembly);
    const choice = selectSamples(header, options);
    if (choice.tumor) this.tumor = choice.tumor;
    if (choice.normal) this.normal = choice.normal;
    this.layouts = annotationLayouts(header);
    this.policy = options.filter ?? 'pass';
    this.skipInvalidRecords = options.invalidRecords !== 'fail';
  }

  /** Count and list a malformed record that was left out (also for lines that did not parse at all). */
  skipInvalid(error: VcfFormatError): void {
    this.summary.records++;
    this.summary.skippedInvalid++;
    if (this.summary.issues.length < MAX_RECORD_ISSUES) this.summary.issues.push(recordIssue(error));
  }

  /**
   * The variants of one record (none when filtered out, or while a breakend waits for its mate). A record whose
   * INFO/FORMAT values do not check out gives no variant at all (not some of its alleles): with the 'skip' policy
   * it is counted in `summary.skippedInvalid`, else its error is thrown.
   */
  *push(record: VcfRecord): Generator<SomaticVariant> {
    const out: SomaticVariant[] = [];
    this.pushInto(record, out);
    yield* out;
  }

  /** `push`, appending to `out` (no generator per record: the batch path). */
  pushInto(record: VcfRecord, out: SomaticVariant[]): void {
    const { records, variants, skippedByFilter, skippedNoVariant, unpairedBreakends } = this.summary;
    const before = out.length;
    try {
      this.pushRecord(record, out);
    } catch (e) {
      if (!(e instanceof VcfFormatError) || !this.skipInvalidRecords) throw e;
      out.length = before;
      Object.assign(this.summary, { records, variants, skippedByFilter, skippedNoVariant, unpairedBreakends });
      this.skipInvalid(e);
    }
  }

  private pushRecord(record: VcfRecord, out: SomaticVariant[]): void {
    this.summary.records++;
    if (record.alts.length === 0) {
      this.summary.skippedNoVariant++;
      return;
    }
    for (const split of splitMultiallelic(this.header, record)) {
      const alt = split.alts[0] as string;
      // "*": an overlapping deletion; <*> and <NON_REF>: gVCF reference blocks. None is a variant of its own.
      if (alt === '*' || alt === '<*>' || alt === '<NON_REF>') {
        this.summary.skippedNoVariant++;
        continue;
      }
      if (isBreakendAlt(alt) || (isSymbolicAlt(alt) && /^<(BND|TRA)>$/i.test(alt))) {
        for (const v of this.pushBreakend(split)) out.push(v);
        continue;
      }
      if (!passesFilter(split.filters, this.policy)) {
        this.summary.skippedByFilter++;
        continue;
      }
      const v = isSymbolicAlt(alt) ? this.symbolicVariant(split) : this.smallVariant(split);
      this.summary.variants++;
      out.push(v);
    }
  }

  /** Breakends whose mate never came: emitted alone, `structural.mateMissing` set. Call once at the end. */
  *finish(): Generator<SomaticVariant> {
    for (const p of this.joiner.drain()) yield* this.emitUnpaired(p);
  }

  private *emitUnpaired(p: PendingBreakend): Generator<SomaticVariant> {
    if (!passesFilter(p.record.filters, this.policy)) {
      this.summary.skippedByFilter++;
      return;
    }
    this.summary.unpairedBreakends++;
    this.summary.variants++;
    yield p.variant;
  }

  private source(r: SplitVcfRecord): VariantSource & { kind: 'vcf' } {
    const s = { kind: 'vcf', file: r.file } as VariantSource & { kind: 'vcf' };
    if (typeof r.place === 'number') s.line = r.place;
    if (this.regionLabel !== undefined) s.region = { query: this.regionLabel, ordinal: Number(/record (\d+)$/.exec(String(r.place))?.[1] ?? 0) };
    if (r.ids.length > 0) s.recordId = r.ids.join(';');
    s.altIndex = r.altIndex;
    return s;
  }

  /**
   * One variant of a split record, built by assignment in a fixed key order (conditional spreads cost ~0.5 µs each
   * per object). The chosen annotation's gene/consequence/HGVS are read at once, without building every
   * transcript's annotation; `annotations` (the full list) is an own enumerable accessor (one shared descriptor)
   * built on first read and then replaced by the plain list, so spread, JSON, equality and structuredClone see the
   * list. `fusion`: a single breakend whose annotation names both partners ("EML4&ALK") puts them in partnerGenes.
   */
  private variant(id: string, key: VariantKey, variantType: VariantType, r: SplitVcfRecord, structural?: StructuralDetail, fusion = false): SomaticVariant {
    const layouts = this.layouts;
    const chosen = layouts.length ? chosenAnnotationSummary(r, layouts) : undefined;
    const tumor = this.tumor ? readSampleEvidence(r, this.tumor) : undefined;
    const normal = this.normal ? readSampleEvidence(r, this.normal) : undefined;
    let gene = chosen?.gene;
    if (fusion && structural) {
      const partners: string[] = [];
      for (const g of gene ? gene.split('&') : []) if (g && !partners.includes(g)) partners.push(g);
      if (partners.length) structural.partnerGenes = partners;
      if (gene?.includes('&')) gene = undefined;
    }
    const v = { id, key, variantType, filters: r.filters, filterStatus: filterStatus(r.filters) } as SomaticVariant;
    if (r.qual !== undefined) v.quality = r.qual;
    if (gene) v.gene = gene;
    if (chosen?.transcript) v.transcript = chosen.transcript;
    v.consequences = chosen?.consequences ?? [];
    if (chosen?.hgvsc) v.hgvsc = chosen.hgvsc;
    if (chosen?.hgvsp) v.hgvsp = chosen.hgvsp;
    const source = annotationSource(r, layouts);
    if (source) {
      Object.defineProperty(v, ANNOTATION_SOURCE, { value: { record: source, layouts } });
      Object.defineProperty(v, 'annotations', LAZY_ANNOTATIONS);
    } else v.annotations = [];
    if (tumor) v.tumor = tumor;
    if (normal) v.normal = normal;
    if (tumor?.vaf !== undefined) v.vaf = tumor.vaf;
    if (tumor?.depth !== undefined) v.depth = tumor.depth;
    if (infoFlag(r, 'SOMATIC')) v.origin = 'somatic';
    v.source = this.source(r);
    if (structural) v.structural = structural;
    return v;
  }

  private smallVariant(r: SplitVcfRecord): SomaticVariant {
    const key = makeVariantKey(this.assembly.assembly, r.chrom, r.pos, r.ref, r.alts[0] as string);
    return this.variant(variantKeyString(key), key, classifySmallVariant(key.ref, key.alt), r);
  }

  private structural(r: SplitVcfRecord): StructuralDetail {
    const alt = r.alts[0] as string;
    const svType = infoString(r, 'SVTYPE') ?? (isSymbolicAlt(alt) ? alt.slice(1, -1).split(':')[0] ?? 'SV' : 'BND');
    const end = infoNumber(r, 'END', 'Integer');
    const svlen = infoNumbers(r, 'SVLEN', 'Integer');
    const svLength = svlen ? (svlen.length > 1 ? svlen[r.altIndex - 1] : svlen[0]) : undefined;
    if (end !== undefined && end < r.pos) {
      throw new VcfFormatError(r.file, r.place, 'INFO.END', expectedFound(`an end position ≥ POS (${r.pos})`, String(end)));
    }
    const event = infoString(r, 'EVENT');
    return {
      svType,
      ...(isSymbolicAlt(alt) ? { symbolicAllele: alt } : {}),
      ...(end !== undefined ? { end } : {}),
      ...(svLength !== undefined && Number.isFinite(svLength) ? { svLength } : {}),
      imprecise: infoFlag(r, 'IMPRECISE'),
      ...(event ? { event } : {}),
    };
  }

  private symbolicVariant(r: SplitVcfRecord): SomaticVariant {
    const alt = r.alts[0] as string;
    const key = makeVariantKey(this.assembly.assembly, r.chrom, r.pos, r.ref, alt);
    const structural = this.structural(r);
    const type = structuralVariantType(infoString(r, 'SVTYPE') ?? alt);
    return this.variant(variantKeyString(key), key, type === 'rearrangement' ? 'other' : type, r, structural);
  }

  private breakpoint(r: SplitVcfRecord): Breakpoint {
    const ci = infoNumbers(r, 'CIPOS', 'Integer');
    return { chrom: normalizeChromosome(r.chrom), pos: r.pos, ...(ci && ci.length === 2 && ci.every(Number.isFinite) ? { ci: [ci[0] as number, ci[1] as number] as [number, number] } : {}) };
  }

  private singleBreakendVariant(r: SplitVcfRecord): SomaticVariant {
    const alt = r.alts[0] as string;
    const key = makeVariantKey(this.assembly.assembly, r.chrom, r.pos, r.ref, alt);
    const parsed = parseBreakendAlt(alt);
    const structural: StructuralDetail = { ...this.structural(r), svType: 'BND', ...(parsed ? { breakends: [parsed] } : {}), ...(r.ids.length ? { recordIds: [...r.ids] } : {}) };
    if (parsed) {
      structural.breakpoints = [this.breakpoint(r), { chrom: normalizeChromosome(parsed.mate.chrom), pos: parsed.mate.pos }];
      structural.mateMissing = true;
    }
    // A fusion annotation names both partners ("EML4&ALK"): they go to partnerGenes, not to the single `gene`.
    return this.variant(variantKeyString(key), key, 'rearrangement', r, structural, true);
  }

  private *pushBreakend(r: SplitVcfRecord): Generator<SomaticVariant> {
    const mateIds = [...(infoString(r, 'MATEID')?.split(',') ?? []), ...(infoString(r, 'PARID')?.split(',') ?? [])];
    const pending: PendingBreakend = { record: r, variant: this.singleBreakendVariant(r) };
    if (!this.joiner.canPair(r.ids, mateIds)) {
      yield* this.emitUnpaired(pending);
      return;
    }
    const pair = this.joiner.offer(r.ids, mateIds, pending);
    if (!pair) return;
    const joined = this.joinPair(pair[0], pair[1]);
    if (!passesFilter(joined.filters, this.policy)) {
      this.summary.skippedByFilter++;
      return;
    }
    this.summary.variants++;
    yield joined;
  }

  private joinPair(a: PendingBreakend, b: PendingBreakend): SomaticVariant {
    const [first, second] = [a, b].sort((x, y) => {
      const kx = x.variant.key as NonNullable<SomaticVariant['key']>;
      const ky = y.variant.key as NonNullable<SomaticVariant['key']>;
      return CHROM_ORDER(kx.chrom) - CHROM_ORDER(ky.chrom) || kx.chrom.localeCompare(ky.chrom) || kx.pos - ky.pos;
    }) as [PendingBreakend, PendingBreakend];
    const filters = unionFilters(first.record.filters, second.record.filters);
    const sFirst = first.variant.structural as StructuralDetail;
    const sSecond = second.variant.structural as StructuralDetail;
    const partners = partnerGenes([first.variant, second.variant]);
    const structural: StructuralDetail = {
      svType: sFirst.svType,
      imprecise: sFirst.imprecise || sSecond.imprecise,
      breakpoints: [this.breakpoint(first.record), this.breakpoint(second.record)],
      breakends: [...(sFirst.breakends ?? []), ...(sSecond.breakends ?? [])],
      recordIds: [...first.record.ids, ...second.record.ids],
      ...(sFirst.event ? { event: sFirst.event } : {}),
      ...(partners.length ? { partnerGenes: partners } : {}),
    };
    const firstSource = first.variant.source as VariantSource & { kind: 'vcf' };
    const secondSource = second.variant.source as VariantSource & { kind: 'vcf' };
    return {
      ...first.variant,
      id: `${first.variant.id}::${second.variant.id}`,
      filters,
      filterStatus: filterStatus(filters),
      annotations: [...first.variant.annotations, ...second.variant.annotations],
      structural,
      source: { ...firstSource, ...(secondSource.line !== undefined ? { mateLine: secondSource.line } : {}) },
    };
  }
}

/** Where a variant's lazily built `annotations` come from (non-enumerable symbol: JSON, spread and equality skip it). */
const ANNOTATION_SOURCE = Symbol('annotationSource');
type WithAnnotationSource = SomaticVariant & { [ANNOTATION_SOURCE]?: { record: SplitVcfRecord; layouts: AnnotationLayout[] } };

/** One shared accessor for every variant (a getter per object literal, or a descriptor per object, cost ~2.5 µs each). */
const LAZY_ANNOTATIONS: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: WithAnnotationSource) {
    const src = this[ANNOTATION_SOURCE];
    const list = src ? readAnnotations(src.record, src.layouts) : [];
    Object.defineProperty(this, 'annotations', { value: list, enumerable: true, writable: true, configurable: true });
    return list;
  },
  set(this: SomaticVariant, list: TranscriptAnnotation[]) {
    Object.defineProperty(this, 'annotations', { value: list, enumerable: true, writable: true, configurable: true });
  },
};

/** What `readAnnotations` needs of a record later: only its annotation INFO values, not the whole record. */
function annotationSource(r: SplitVcfRecord, layouts: AnnotationLayout[]): SplitVcfRecord | undefined {
  let info: Map<string, string | true> | undefined;
  for (let i = 0; i < layouts.length; i++) {
    const k = (layouts[i] as AnnotationLayout).infoKey;
    const raw = r.info.get(k);
    if (raw !== undefined) (info ??= new Map()).set(k, raw);
  }
  return info ? ({ info, ref: r.ref, alts: r.alts, originalAlts: r.originalAlts, altIndex: r.altIndex } as unknown as SplitVcfRecord) : undefined;
}

function unionFilters(a: string[], b: string[]): string[] {
  const all = [...new Set([...a, ...b])];
  if (all.length === 0) return [];
  const failing = all.filter((f) => f !== 'PASS');
  return failing.length > 0 ? failing : ['PASS'];
}

/** Partner genes of a rearrangement from the annotations of its sides (SnpEff writes fusions as "BCR&ABL1"). */
function partnerGenes(sides: Pick<SomaticVariant, 'gene' | 'annotations' | 'structural'>[]): string[] {
  const out: string[] = [];
  for (const s of sides) {
    const genes = s.structural?.partnerGenes ?? (s.gene ? s.gene.split('&') : []);
    for (const g of genes) if (g && !out.includes(g)) out.push(g);
  }
  return out;
}

/**
 * The facts-lib Provenance of a variant: the caller supplies the store's key for the verbatim source record (the
 * VCF file or the FHIR resource); the element path says where inside it, e.g. "line 57 (7:140453136 A>T)".
 */
export function variantProvenance(v: SomaticVariant, sourceRecordKey: string): Provenance {
  if (v.source.kind === 'fhir') return { sourceRecordKey, elementPath: v.source.elementPath };
  const where = v.source.line !== undefined ? `line ${v.source.line}` : v.source.region ? `region ${v.source.region.query}, record ${v.source.region.ordinal}` : 'record';
  const k = v.key;
  const what = k ? `${k.chrom}:${k.pos} ${k.ref}>${k.alt}` : v.id;
  const mate = v.source.mateLine !== undefined ? ` + line ${v.source.mateLine}` : '';
  return { sourceRecordKey, elementPath: `${where}${mate} (${what})` };
}
