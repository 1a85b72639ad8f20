/**
 * Tumor/normal sample choice and per-caller read evidence (depth, allele depths, VAF) for one split record.
 */
import { VcfFormatError, expectedFound } from './errors.js';
import type { VcfHeader } from './header.js';
import type { SplitVcfRecord } from './normalize.js';
import { numberList } from './record.js';
import type { EvidenceConvention, SampleEvidence } from './types.js';

export interface ChosenSample {
  name: string;
  /** 0-based index among the sample columns. */
  index: number;
  /** How it was chosen, e.g. "configuration", "##tumor_sample (line 12)", "column name TUMOR", "only sample". */
  from: string;
}

export interface SampleChoice {
  tumor?: ChosenSample;
  normal?: ChosenSample;
}

export interface SampleSelectionOptions {
  /** Column name of the tumor sample; overrides the header. */
  tumorSample?: string;
  /** Column name of the matched normal, when there is one. */
  normalSample?: string;
}

function quoteList(names: string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}

function pick(header: VcfHeader, name: string, from: string, role: 'tumor' | 'normal'): ChosenSample {
  const index = header.samples.indexOf(name);
  if (index < 0) {
    throw new VcfFormatError(header.file, undefined, `${role} sample`, `${from} names ${JSON.stringify(name)}, but the sample columns are ${quoteList(header.samples)}`);
  }
  return { name, index, from };
}

/** From ##SAMPLE=<ID=..> lines: the ID whose ID, Genomes or Description says tumor (or normal). */
function sampleLineFor(header: VcfHeader, role: 'tumor' | 'normal'): { id: string; line: number } | undefined {
  const re = role === 'tumor' ? /^(tumou?r|primary|metastasis)$/i : /^(normal|germline)$/i;
  for (const m of header.meta) {
    if (m.key !== 'SAMPLE' || !m.fields?.ID) continue;
    const f = m.fields;
    if (re.test(f.ID as string) || (f.Genomes && re.test(f.Genomes)) || (f.Description && re.test(f.Description.trim()))) {
      return { id: f.ID as string, line: m.line };
    }
  }
  return undefined;
}

/**
 * Choose the tumor (and normal) sample column. In order: configuration; `##tumor_sample=` / `##normal_sample=`
 * (Mutect2); `##SAMPLE=<ID=TUMOR...>` (TCGA/VCF 4.x sample lines); columns named TUMOR/NORMAL (Strelka2, VarScan);
 * the only sample of a single-sample file. Anything else is ambiguous: an error that lists the columns to choose from.
 * Sites-only files (no sample columns) get no tumor and no error.
 */
export function selectSamples(header: VcfHeader, options: SampleSelectionOptions = {}): SampleChoice {
  if (header.samples.length === 0) {
    if (options.tumorSample) throw new VcfFormatError(header.file, undefined, 'tumor sample', `configured ${JSON.stringify(options.tumorSample)}, but the file has no sample columns`);
    return {};
  }
  const choice: SampleChoice = {};
  const metaLine = (key: string) => header.meta.find((m) => m.key === key);
  // Tumor
  if (options.tumorSample) choice.tumor = pick(header, options.tumorSample, 'configuration', 'tumor');
  else {
    const t = metaLine('tumor_sample');
    const s = sampleLineFor(header, 'tumor');
    const col = header.samples.find((n) => /^tumou?r$/i.test(n));
    if (t) choice.tumor = pick(header, t.value, `##tumor_sample (line ${t.line})`, 'tumor');
    else if (s) choice.tumor = pick(header, s.id, `##SAMPLE (line ${s.line})`, 'tumor');
    else if (col) choice.tumor = pick(header, col, `column name ${col}`, 'tumor');
    else if (header.samples.length === 1) choice.tumor = pick(header, header.samples[0] as string, 'only sample', 'tumor');
    else {
      throw new VcfFormatError(
        header.file,
        undefined,
        'tumor sample',
        `expected ##tumor_sample=, ##SAMPLE=<ID=TUMOR>, a TUMOR column or configuration to choose among ${header.samples.length} samples ${quoteList(header.samples)}: pass { tumorSample: "<column name>" }`,
      );
    }
  }
  // Normal
  if (options.normalSample) choice.normal = pick(header, options.normalSample, 'configuration', 'normal');
  else {
    const t = metaLine('normal_sample');
    const s = sampleLineFor(header, 'normal');
    const col = header.samples.find((n) => /^normal$/i.test(n));
    if (t) choice.normal = pick(header, t.value, `##normal_sample (line ${t.line})`, 'normal');
    else if (s) choice.normal = pick(header, s.id, `##SAMPLE (line ${s.line})`, 'normal');
    else if (col) choice.normal = pick(header, col, `column name ${col}`, 'normal');
  }
  if (choice.tumor && choice.normal && choice.tumor.index === choice.normal.index) {
    throw new VcfFormatError(header.file, undefined, 'tumor sample', `expected different tumor and normal samples, found ${JSON.stringify(choice.tumor.name)} for both`);
  }
  return choice;
}

// FORMAT strings repeat on every line of a file: the convention is worked out once per FORMAT (and ALT shape).
const conventionCache = new Map<string, EvidenceConvention>();
// The last FORMAT seen and its conventions [other, SNV]: consecutive records nearly always share it, and comparing
// a few keys costs less than joining them into the cache key.
let lastFormat: string[] = [];
const lastConventions: [EvidenceConvention | undefined, EvidenceConvention | undefined] = [undefined, undefined];

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Which convention a record's FORMAT follows (see EvidenceConvention). */
export function detectConvention(record: SplitVcfRecord): EvidenceConvention {
  const snv = record.ref.length === 1 && (record.alts[0] ?? '').length === 1 ? 1 : 0;
  if (record.format !== lastFormat && !sameKeys(record.format, lastFormat)) {
    lastFormat = record.format;
    lastConventions[0] = lastConventions[1] = undefined;
  }
  let c = lastConventions[snv];
  if (c === undefined) {
    const key = `${snv}${record.format.join(':')}`;
    c = conventionCache.get(key);
    if (c === undefined) {
      c = conventionOf(record);
      if (conventionCache.size > 1000) conventionCache.clear();
      conventionCache.set(key, c);
    }
    lastConventions[snv] = c;
  }
  return c;
}

function conventionOf(record: SplitVcfRecord): EvidenceConvention {
  const f = new Set(record.format);
  const alt = record.alts[0] ?? '';
  if (f.has('AU') && f.has('CU') && f.has('GU') && f.has('TU') && record.ref.length === 1 && alt.length === 1) return 'strelka2-snv';
  if (f.has('TAR') && f.has('TIR')) return 'strelka2-indel';
  if (f.has('FREQ')) return 'varscan';
  if (f.has('AD')) return 'allele-depth';
  if (f.has('PR') || f.has('SR')) return 'manta';
  return 'none';
}

function fraction(alt: number | undefined, total: number | undefined): number | undefined {
  if (alt === undefined || total === undefined || !Number.isFinite(alt) || !Number.isFinite(total) || total <= 0) return undefined;
  return alt / total;
}

function finite(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** One FORMAT field of a sample column by key, as `sampleFields(...).get(key)` reads it (the last key of that name). */
function fieldOf(record: SplitVcfRecord, parts: string[], key: string): string | undefined {
  const format = record.format;
  for (let i = format.length - 1; i >= 0; i--) if (format[i] === key && parts[i] !== undefined) return parts[i];
  return undefined;
}

/** `sampleNumbers` of one field, without building the sample's field map (one read per variant and sample). */
function numbers(record: SplitVcfRecord, parts: string[], sample: ChosenSample, key: string, kind: 'Integer' | 'Float' = 'Integer'): number[] | undefined {
  const raw = fieldOf(record, parts, key);
  if (raw === undefined || raw === '.' || raw === '') return undefined;
  return numberList(record, raw, sample.name, kind, key);
}

/**
 * Depth, allele depths and VAF of one sample, by the caller's convention. Messages name the column as
 * "<sample>.<FORMAT key>" and quote only the offending value.
 */
export function readSampleEvidence(record: SplitVcfRecord, sample: ChosenSample): SampleEvidence {
  const column = record.samples[sample.index];
  const parts = column === undefined ? [] : column.split(':');
  const convention = detectConvention(record);
  const gt = fieldOf(record, parts, 'GT');
  // Built by assignment in a fixed key order: conditional spreads ({ ...a, ...(x ? { x } : {}) }) cost microseconds
  // per object here and fed the garbage collector.
  const ev: SampleEvidence = { sample: sample.name, convention };
  if (gt !== undefined && gt !== '.') ev.genotype = gt;
  const dp = finite(numbers(record, parts, sample, 'DP')?.[0]);
  let ref: number | undefined;
  let alt: number | undefined;
  let vaf: number | undefined;
  let depth = dp;
  switch (convention) {
    case 'strelka2-snv': {
      ref = finite(numbers(record, parts, sample, `${record.ref}U`)?.[0]);
      alt = finite(numbers(record, parts, sample, `${record.alts[0]}U`)?.[0]);
      vaf = fraction(alt, (ref ?? 0) + (alt ?? 0));
      break;
    }
    case 'strelka2-indel': {
      ref = finite(numbers(record, parts, sample, 'TAR')?.[0]);
      alt = finite(numbers(record, parts, sample, 'TIR')?.[0]);
      vaf = fraction(alt, (ref ?? 0) + (alt ?? 0));
      break;
    }
    case 'varscan': {
      const freq = fieldOf(record, parts, 'FREQ');
      if (freq !== undefined && freq !== '.' && freq !== '') {
        const m = /^(\d+(?:\.\d+)?)%?$/.exec(freq.replace(',', '.'));
        if (!m) throw new VcfFormatError(record.file, record.place, `${sample.name}.FREQ`, expectedFound('a percentage like "23.5%"', freq));
        vaf = Number(m[1]) / 100;
      }
      ref = finite(numbers(record, parts, sample, 'RD')?.[0]);
      alt = finite(numbers(record, parts, sample, 'AD')?.[0]);
      if (vaf === undefined) vaf = fraction(alt, (ref ?? 0) + (alt ?? 0));
      break;
    }
    case 'allele-depth': {
      const ad = numbers(record, parts, sample, 'AD');
      if (ad) {
        ref = finite(ad[0]);
        alt = finite(ad.length > 2 ? ad[record.altIndex] : ad[1]);
        if (depth === undefined) depth = ad.every(Number.isFinite) ? ad.reduce((s, v) => s + v, 0) : undefined;
      }
      const af = numbers(record, parts, sample, 'AF', 'Float');
      vaf = finite(af ? (af.length > 1 ? af[record.altIndex - 1] : af[0]) : undefined);
      if (vaf === undefined && ad) vaf = fraction(alt, ad.filter(Number.isFinite).reduce((s, v) => s + v, 0));
      break;
    }
    case 'manta': {
      const pr = numbers(record, parts, sample, 'PR');
      const sr = numbers(record, parts, sample, 'SR');
      const r = (finite(pr?.[0]) ?? 0) + (finite(sr?.[0]) ?? 0);
      const a = (finite(pr?.[1]) ?? 0) + (finite(sr?.[1]) ?? 0);
      if (pr || sr) {
        ref = r;
        alt = a;
        depth = r + a;
        vaf = fraction(a, r + a);
      }
      break;
    }
    case 'none':
      break;
  }
  if (vaf !== undefined && (vaf < 0 || vaf > 1)) {
    throw new VcfFormatError(record.file, record.place, `${sample.name}.${convention === 'varscan' ? 'FREQ' : 'AF'}`, `expected an allele fraction between 0 and 1, found ${vaf}`);
  }
  if (depth !== undefined) ev.depth = depth;
  if (ref !== undefined) ev.refDepth = ref;
  if (alt !== undefined) ev.altDepth = alt;
  if (vaf !== undefined) ev.vaf = vaf;
  return ev;
}
