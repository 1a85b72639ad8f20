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
}
const layoutIndex = new WeakMap<AnnotationLayout, LayoutIndex>();
function indexOf(layout: AnnotationLayout): LayoutIndex {
  let ix = layoutIndex.get(layout);
  if (!ix) {
    const names = FIELD[layout.source];
    const at = (n: string) => layout.fields.indexOf(n);
    ix = {
      allele: at('Allele'),
      alleleNum: at('ALLELE_NUM'),
      gene: at(names.gene),
      geneId: at(names.geneId),
      transcript: at(names.transcript),
      consequence: at(names.consequence),
      impact: at(names.impact),
      hgvsc: at(names.hgvsc),
      hgvsp: at(names.hgvsp),
      pick: layout.source === 'vep-csq' ? at('PICK') : -1,
      canonical: layout.source === 'vep-csq' ? at('CANONICAL') : -1,
    };
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

/**
 * `fields` (every field by name) is built on first read: a file's reader needs only the few fields above, and
 * building an 80-key object per transcript dominated the read time of VEP files. It is an own enumerable property,
 * so spreading, JSON and equality see it as a plain value.
 */
function defineLazyFields(ann: TranscriptAnnotation, names: string[], values: string[]): void {
  Object.defineProperty(ann, 'fields', {
    enumerable: true,
    configurable: true,
    get(this: TranscriptAnnotation) {
      const fields: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) {
        const v = valueAt(values, i);
        if (v !== undefined) fields[names[i] as string] = v;
      }
      Object.defineProperty(this, 'fields', { value: fields, enumerable: true, writable: true, configurable: true });
      return fields;
    },
    set(this: TranscriptAnnotation, v: Record<string, string>) {
      Object.defineProperty(this, 'fields', { value: v, enumerable: true, writable: true, configurable: true });
    },
  });
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
    const single = record.originalAlts.length <= 1;
    const alt = record.alts[0] ?? '';
    const vepAllele = single ? alt : (vepAlleleStrings(record.ref, record.originalAlts)[record.altIndex - 1] ?? alt);
    for (const entry of raw.split(',')) {
      const values = entry.split('|');
      if (!single) {
        if (ix.alleleNum >= 0 && values[ix.alleleNum]) {
          if (Number(values[ix.alleleNum]) !== record.altIndex) continue;
        } else if (ix.allele >= 0) {
          const a = values[ix.allele]?.trim() ?? '';
          const ok = layout.source === 'vep-csq' ? a === vepAllele : a === alt || a.startsWith(`${alt}-`);
          if (!ok) continue;
        }
      }
      const consequence = valueAt(values, ix.consequence);
      const ann = { source: layout.source, consequences: consequence ? consequence.split('&') : [] } as unknown as TranscriptAnnotation;
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
      defineLazyFields(ann, layout.fields, values);
      out.push(ann);
    }
  }
  return out;
}

const IMPACT_RANK: Record<string, number> = { HIGH: 0, MODERATE: 1, LOW: 2, MODIFIER: 3 };

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
