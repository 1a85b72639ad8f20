/**
 * Annotations already in the file: Ensembl VEP `CSQ` and SnpEff `ANN` INFO fields, each parsed by the field list
 * its own header line declares (never by a fixed column order, which changes with VEP options and versions).
 */
import { VcfFormatError } from './errors.js';
import type { VcfHeader } from './header.js';
import type { SplitVcfRecord } from './normalize.js';
import type { TranscriptAnnotation } from './types.js';

export interface AnnotationLayout {
  /** INFO key: "CSQ" (VEP; or a custom --vcf_info_field) or "ANN" (SnpEff). */
  infoKey: string;
  source: 'vep-csq' | 'snpeff-ann';
  /** Field names in order, as the header declares them. */
  fields: string[];
}

/**
 * Read the CSQ/ANN field lists from the header. VEP: `Description="... Format: Allele|Consequence|..."`;
 * SnpEff: `Description="Functional annotations: 'Allele | Annotation | ...' "`.
 */
export function annotationLayouts(header: VcfHeader): AnnotationLayout[] {
  const out: AnnotationLayout[] = [];
  for (const [id, def] of header.info) {
    const d = def.description;
    if (/Ensembl VEP/i.test(d) || (id === 'CSQ' && /Format:/i.test(d))) {
      const m = /Format:\s*([^"]+)$/i.exec(d);
      if (!m) throw new VcfFormatError(header.file, undefined, `##INFO ${id}`, 'expected "Format: Allele|Consequence|..." in the Description, found none');
      out.push({ infoKey: id, source: 'vep-csq', fields: (m[1] as string).trim().split('|').map((f) => f.trim()) });
    } else if (id === 'ANN' || /Functional annotations:/i.test(d)) {
      const m = /'([^']+)'/.exec(d) ?? /annotations:\s*(.+)$/i.exec(d);
      if (!m) throw new VcfFormatError(header.file, undefined, `##INFO ${id}`, "expected \"Functional annotations: 'Allele | Annotation | ...'\" in the Description, found none");
      out.push({ infoKey: id, source: 'snpeff-ann', fields: (m[1] as string).split('|').map((f) => f.trim()) });
    }
  }
  return out;
}

/** VEP writes ",", ";", "=" and spaces percent-encoded inside CSQ values. */
function decode(v: string): string {
  return v.includes('%') ? v.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : v;
}

/** The allele string VEP writes for each ALT: the shared first base of all alleles is dropped; empty becomes "-". */
export function vepAlleleStrings(ref: string, alts: string[]): string[] {
  const seq = [ref, ...alts].every((a) => /^[ACGTN*]+$/i.test(a));
  if (!seq) return alts;
  const first = ref[0];
  const shared = alts.every((a) => a[0] === first) && [ref, ...alts].some((a) => a.length > 1);
  return alts.map((a) => (shared ? a.slice(1) || '-' : a));
}

const FIELD = {
  'vep-csq': { gene: 'SYMBOL', geneId: 'Gene', transcript: 'Feature', consequence: 'Consequence', impact: 'IMPACT', hgvsc: 'HGVSc', hgvsp: 'HGVSp' },
  'snpeff-ann': { gene: 'Gene_Name', geneId: 'Gene_ID', transcript: 'Feature_ID', consequence: 'Annotation', impact: 'Annotation_Impact', hgvsc: 'HGVS.c', hgvsp: 'HGVS.p' },
} as const;

/** Field positions of one layout, computed once per layout (a VEP CSQ list has 80+ fields). */
interface LayoutIndex {
  allele: number;
  alleleNum: number;
  gene: number;
  geneId: number;
  transcript: number;
  consequence: number;
  impact: number;
  hgvsc: number;
  hgvsp: number;
  pick: number;
  canonical: number;
  /** The last field `chooseRecordAnnotation` reads (single-ALT records; multi-ALT also reads the allele fields). */
  lastForChoice: number;
  lastForChoiceMulti: number;
  /** The last field `entryAnnotation` reads without `fields`. */
  lastForSummary: number;
}
const layoutIndex = new WeakMap<AnnotationLayout, LayoutIndex>();
function indexOf(layout: AnnotationLayout): LayoutIndex {
  let ix = layoutIndex.get(layout);
  if (!ix) {
    const names = FIELD[layout.source];
    const at = (n: string) => layout.fields.indexOf(n);
    const vep = layout.source === 'vep-csq';
    const base = {
      allele: at('Allele'),
      alleleNum: at('ALLELE_NUM'),
      gene: at(names.gene),
      geneId: at(names.geneId),
      transcript: at(names.transcript),
      consequence: at(names.consequence),
      impact: at(names.impact),
      hgvsc: at(names.hgvsc),
      hgvsp: at(names.hgvsp),
      pick: vep ? at('PICK') : -1,
      canonical: vep ? at('CANONICAL') : -1,
    };
    const lastForChoice = Math.max(base.gene, base.impact, base.pick, base.canonical);
    const lastForSummary = Math.max(lastForChoice, base.geneId, base.transcript, base.consequence, base.hgvsc, base.hgvsp);
    ix = { ...base, lastForChoice, lastForChoiceMulti: Math.max(lastForChoice, base.allele, base.alleleNum), lastForSummary };
    layoutIndex.set(layout, ix);
  }
  return ix;
}

/** One field's value: trimmed, percent-decoded, undefined when empty. */
function valueAt(values: string[], i: number): string | undefined {
  if (i < 0) return undefined;
  let v = values[i];
  if (v === undefined || v === '') return undefined;
  if (v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32) {
    v = v.trim();
    if (v === '') return undefined;
  }
  return decode(v);
}

/** Where a lazily built `fields` comes from (a non-enumerable symbol property: JSON, spread and equality skip it). */
const FIELD_SOURCE = Symbol('annotationFieldSource');
type WithFieldSource = TranscriptAnnotation & { [FIELD_SOURCE]?: { names: string[]; values: string[] } };

/**
 * `fields` (every field by name) is built on first read: a reader needs only the few fields of the annotation, and
 * building an 80-key object per transcript dominated the read time of VEP files. One shared accessor descriptor
 * (a getter written in each object literal, or a fresh descriptor per object, cost ~2.5 µs per object in V8); on
 * first read it is replaced by the plain value, so spreading, JSON and equality see it as a plain value.
 */
const LAZY_FIELDS: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: WithFieldSource) {
    const src = this[FIELD_SOURCE];
    const fields: Record<string, string> = {};
    if (src) {
      for (let i = 0; i < src.names.length; i++) {
        const v = valueAt(src.values, i);
        if (v !== undefined) fields[src.names[i] as string] = v;
      }
    }
    Object.defineProperty(this, 'fields', { value: fields, enumerable: true, writable: true, configurable: true });
    return fields;
  },
  set(this: TranscriptAnnotation, v: Record<string, string>) {
    Object.defineProperty(this, 'fields', { value: v, enumerable: true, writable: true, configurable: true });
  },
};

/**
 * The annotation of one entry (its fields split on "|"), as `readAnnotations` lists it. Built by assignment in a
 * fixed key order (conditional spreads cost ~0.5 µs each per object). `withFields` false: no `fields` at all (the
 * reader's own use of the chosen entry).
 */
function entryAnnotation(layout: AnnotationLayout, ix: LayoutIndex, values: string[], withFields = true): TranscriptAnnotation {
  const consequence = valueAt(values, ix.consequence);
  const ann = { source: layout.source, consequences: consequence ? consequence.split('&') : [] } as TranscriptAnnotation;
  const gene = valueAt(values, ix.gene);
  if (gene) ann.gene = gene;
  const geneId = valueAt(values, ix.geneId);
  if (geneId) ann.geneId = geneId;
  const transcript = valueAt(values, ix.transcript);
  if (transcript) ann.transcript = transcript;
  const impact = valueAt(values, ix.impact);
  if (impact) ann.impact = impact;
  const hgvsc = valueAt(values, ix.hgvsc);
  if (hgvsc) ann.hgvsc = hgvsc;
  // Some pipelines copy HGVSc into HGVSp for synonymous changes (PCGR 2017 does): only a p. change counts here.
  const hgvsp = valueAt(values, ix.hgvsp);
  if (hgvsp && /(^|:)p\./.test(hgvsp)) ann.hgvsp = hgvsp;
  if (layout.source === 'vep-csq') {
    if (valueAt(values, ix.pick) === '1') ann.picked = true;
    if (valueAt(values, ix.canonical) === 'YES') ann.canonical = true;
  }
  if (withFields) {
    Object.defineProperty(ann, FIELD_SOURCE, { value: { names: layout.fields, values } });
    Object.defineProperty(ann, 'fields', LAZY_FIELDS);
  }
  return ann;
}

/** Which ALT the entries of a layout must name to belong to this split record (see `readAnnotations`). */
function alleleMatcher(record: SplitVcfRecord, layout: AnnotationLayout, ix: LayoutIndex): ((alleleNum: string | undefined, allele: string | undefined) => boolean) | undefined {
  if (record.originalAlts.length <= 1) return undefined;
  const alt = record.alts[0] ?? '';
  const vepAllele = vepAlleleStrings(record.ref, record.originalAlts)[record.altIndex - 1] ?? alt;
  return (alleleNum, allele) => {
    if (ix.alleleNum >= 0 && alleleNum) return Number(alleleNum) === record.altIndex;
    if (ix.allele >= 0) {
      const a = allele?.trim() ?? '';
      return layout.source === 'vep-csq' ? a === vepAllele : a === alt || a.startsWith(`${alt}-`);
    }
    return true;
  };
}

/**
 * The annotations of one split record's ALT. Entries are matched to the ALT by ALLELE_NUM when VEP wrote it, else
 * by the Allele field (VEP's trimmed allele string; SnpEff's ALT or "ALT-REF" in cancer mode). A record with a
 * single ALT takes every entry (symbolic and breakend alleles are written in tool-specific ways).
 */
export function readAnnotations(record: SplitVcfRecord, layouts: AnnotationLayout[]): TranscriptAnnotation[] {
  const out: TranscriptAnnotation[] = [];
  for (const layout of layouts) {
    const raw = record.info.get(layout.infoKey);
    if (raw === undefined || raw === true) continue;
    const ix = indexOf(layout);
    const matches = alleleMatcher(record, layout, ix);
    for (const entry of raw.split(',')) {
      const values = entry.split('|');
      if (matches && !matches(values[ix.alleleNum], values[ix.allele])) continue;
      out.push(entryAnnotation(layout, ix, values));
    }
  }
  return out;
}

/** One field of an entry as `valueAt` reads it, from its span [start, end) in the raw INFO value. */
function spanValue(raw: string, start: number, end: number): string | undefined {
  if (start < 0 || start >= end) return undefined;
  let v = raw.slice(start, end);
  if (v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32) {
    v = v.trim();
    if (v === '') return undefined;
  }
  return decode(v);
}

/** Does the field have a value (as `!!spanValue(...)`)? Without a substring unless it starts or ends with a space. */
function spanHasValue(raw: string, start: number, end: number): boolean {
  if (start < 0 || start >= end) return false;
  // Not trimmed, and percent-decoding never empties a non-empty value.
  if (raw.charCodeAt(start) !== 32 && raw.charCodeAt(end - 1) !== 32) return true;
  return !!spanValue(raw, start, end);
}

/** IMPACT_RANK of the field as `spanValue` reads it, without a substring when it is written plainly. */
function impactRank(raw: string, start: number, end: number): number {
  for (const name of IMPACTS) {
    if (end - start === name.length && raw.startsWith(name, start)) return IMPACT_RANK[name] as number;
  }
  return IMPACT_RANK[spanValue(raw, start, end) ?? ''] ?? 4;
}

/** Does the field read as `expected` (as `valueAt(...) === expected` would)? Without a substring when it plainly does. */
function spanIs(raw: string, start: number, end: number, expected: string): boolean {
  if (start < 0 || start >= end) return false;
  if (end - start === expected.length && raw.startsWith(expected, start)) return true;
  return spanValue(raw, start, end) === expected;
}

/**
 * `chooseAnnotation(readAnnotations(record, layouts))` without building every entry: one pass over the raw CSQ/ANN
 * text reads only the fields the choice needs (PICK, CANONICAL, gene, IMPACT and the allele fields), and only the
 * chosen entry is split and built. A VEP record lists tens of transcripts of 40–80 fields each; building them all
 * for every record dominated the read time of annotated files. Same result, field for field (tested against the
 * full path on every fixture).
 */
export function chooseRecordAnnotation(record: SplitVcfRecord, layouts: AnnotationLayout[]): TranscriptAnnotation | undefined {
  return chooseEntry(record, layouts, true);
}

/** The chosen annotation without its `fields` (what the reader puts on the variant: gene, transcript, consequence, HGVS). */
export function chosenAnnotationSummary(record: SplitVcfRecord, layouts: AnnotationLayout[]): Omit<TranscriptAnnotation, 'fields'> | undefined {
  return chooseEntry(record, layouts, false);
}

/** Field spans of the entry being read (reused: chooseEntry runs once per variant and never re-enters). */
const starts: number[] = [];
const ends: number[] = [];

function chooseEntry(record: SplitVcfRecord, layouts: AnnotationLayout[], withFields: boolean): TranscriptAnnotation | undefined {
  // The candidates, as layout + span of the entry in its raw value (no object per candidate).
  let firstLayout: AnnotationLayout | undefined;
  let firstRaw = '';
  let firstStart = 0;
  let firstEnd = 0;
  let chosenLayout: AnnotationLayout | undefined;
  let chosenRaw = '';
  let chosenStart = 0;
  let chosenEnd = 0;
  let canonical = false;
  let bestRank = 5;
  for (const layout of layouts) {
    const raw = record.info.get(layout.infoKey);
    if (raw === undefined || raw === true) continue;
    const ix = indexOf(layout);
    const matches = alleleMatcher(record, layout, ix);
    const vep = layout.source === 'vep-csq';
    const last = matches ? ix.lastForChoiceMulti : ix.lastForChoice;
    let start = 0;
    for (;;) {
      let end = raw.indexOf(',', start);
      const final = end < 0;
      if (final) end = raw.length;
      // Field spans up to the last field needed: starts[i]..ends[i] ("|"-separated, like entry.split('|')).
      let f = 0;
      starts[0] = start;
      while (f <= last) {
        const bar = raw.indexOf('|', starts[f]!);
        if (bar < 0 || bar > end) {
          ends[f] = end;
          break;
        }
        ends[f] = bar;
        starts[++f] = bar + 1;
      }
      // Fields past the end of a short entry read as absent (-1), like values[i] of a short split.
      for (let i = f + 1; i <= last; i++) starts[i] = ends[i] = -1;
      const take = !matches || matches(ix.alleleNum >= 0 && starts[ix.alleleNum]! >= 0 ? raw.slice(starts[ix.alleleNum], ends[ix.alleleNum]) : undefined, ix.allele >= 0 && starts[ix.allele]! >= 0 ? raw.slice(starts[ix.allele], ends[ix.allele]) : undefined);
      if (take) {
        if (vep && ix.pick >= 0 && spanIs(raw, starts[ix.pick]!, ends[ix.pick]!, '1')) return buildEntry(layout, raw, start, end, withFields);
        if (!firstLayout) {
          firstLayout = layout;
          firstRaw = raw;
          firstStart = start;
          firstEnd = end;
        }
        const hasGene = ix.gene >= 0 && spanHasValue(raw, starts[ix.gene]!, ends[ix.gene]!);
        if (hasGene && !canonical) {
          // The canonical transcript with a gene, else the first of the most severe impact with a gene.
          canonical = vep && ix.canonical >= 0 && spanIs(raw, starts[ix.canonical]!, ends[ix.canonical]!, 'YES');
          const rank = canonical ? -1 : ix.impact >= 0 ? impactRank(raw, starts[ix.impact]!, ends[ix.impact]!) : 4;
          if (rank < bestRank) {
            bestRank = rank;
            chosenLayout = layout;
            chosenRaw = raw;
            chosenStart = start;
            chosenEnd = end;
          }
        }
      }
      if (final) break;
      start = end + 1;
    }
  }
  if (chosenLayout) return buildEntry(chosenLayout, chosenRaw, chosenStart, chosenEnd, withFields);
  return firstLayout ? buildEntry(firstLayout, firstRaw, firstStart, firstEnd, withFields) : undefined;
}

function buildEntry(layout: AnnotationLayout, raw: string, start: number, end: number, withFields: boolean): TranscriptAnnotation {
  const ix = indexOf(layout);
  return entryAnnotation(layout, ix, withFields ? raw.slice(start, end).split('|') : summaryFields(raw, start, end, ix), withFields);
}

/**
 * The fields of raw[start, end) that `entryAnnotation` reads without `fields`, at their `split('|')` indices (the
 * others left empty): the 40–80 fields of a VEP entry are never all cut out.
 */
function summaryFields(raw: string, start: number, end: number, ix: LayoutIndex): string[] {
  // Sized once (filled out of order, it would be grown and copied several times).
  const out = new Array<string>(ix.lastForSummary + 1);
  let from = start;
  for (let i = 0; i <= ix.lastForSummary; i++) {
    let bar = raw.indexOf('|', from);
    if (bar < 0 || bar > end) bar = end;
    if (i === ix.consequence || i === ix.gene || i === ix.geneId || i === ix.transcript || i === ix.impact || i === ix.hgvsc || i === ix.hgvsp || i === ix.pick || i === ix.canonical) {
      out[i] = raw.slice(from, bar);
    }
    if (bar === end) break;
    from = bar + 1;
  }
  return out;
}

const IMPACT_RANK: Record<string, number> = { HIGH: 0, MODERATE: 1, LOW: 2, MODIFIER: 3 };
const IMPACTS = Object.keys(IMPACT_RANK);

/**
 * The annotation that speaks for the variant: VEP's own pick (PICK=1), else the canonical transcript with a
 * gene, else the most severe impact with a gene (SnpEff lists its most severe first), else the first.
 */
export function chooseAnnotation(annotations: TranscriptAnnotation[]): TranscriptAnnotation | undefined {
  const picked = annotations.find((a) => a.picked);
  if (picked) return picked;
  const canonical = annotations.find((a) => a.canonical && a.gene);
  if (canonical) return canonical;
  const withGene = annotations.filter((a) => a.gene);
  if (withGene.length > 0) {
    return [...withGene].sort((a, b) => (IMPACT_RANK[a.impact ?? ''] ?? 4) - (IMPACT_RANK[b.impact ?? ''] ?? 4))[0];
  }
  return annotations[0];
}
