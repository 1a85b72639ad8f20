/**
 * One VCF data line, checked column by column. INFO and sample fields stay as strings until asked for, so a
 * 2,000-sample file costs only the split of the line; typed getters check them against the header's Type.
 */
import { VcfFormatError, expectedFound } from './errors.js';
import type { VcfHeader } from './header.js';

export interface VcfRecord {
  chrom: string;
  pos: number;
  /** ID column split on ";" ([] when "."). */
  ids: string[];
  ref: string;
  /** ALT alleles as written ([] when "."). */
  alts: string[];
  qual?: number;
  /** FILTER split on ";" ([] when "."). */
  filters: string[];
  /** INFO key → raw value; flags map to true. */
  info: Map<string, string | true>;
  /** FORMAT keys ([] for sites-only files). */
  format: string[];
  /** Raw sample columns, in header order. */
  samples: string[];
  /** 1-based line number, or a place description for region reads. */
  place: number | string;
  file: string;
}

const BASES = /^[ACGTN]+$/i;
const ALT_BASES = /^[ACGTN*]+$/i;
const SYMBOLIC = /^<[^<>]+>$/;
const BREAKEND = /^(?:[ACGTN]*[[\]][^[\]]+:\d+[[\]][ACGTN]*|\.[ACGTN]+|[ACGTN]+\.)$/i;
const INTEGER = /^-?\d+$/;
const FLOAT = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|infinity|nan)$/i;

/** The last CHROM that passed its check. */
let lastValidChrom = '';

/** Parse and check one data line. `place` is the line number (or a region-read description). */
export function parseVcfRecord(header: VcfHeader, line: string, place: number | string): VcfRecord {
  const file = header.file;
  const cols = line.split('\t');
  const expectedCols = header.samples.length > 0 ? 9 + header.samples.length : 8;
  const countOk = header.samples.length > 0 ? cols.length === expectedCols : cols.length === 8 || cols.length === 9;
  if (!countOk) {
    throw new VcfFormatError(file, place, 'columns', `expected ${expectedCols} tab-separated columns, found ${cols.length}`);
  }
  const [chrom, posText, idText, ref, altText, qualText, filterText, infoText] = cols as [string, string, string, string, string, string, string, string];
  // Records come sorted: a contig name is checked once per run of records on it.
  if (chrom !== lastValidChrom) {
    if (chrom === '' || /\s/.test(chrom)) throw new VcfFormatError(file, place, 'CHROM', expectedFound('a contig name without white space', chrom));
    lastValidChrom = chrom;
  }
  let pos = plainInteger(posText, 0, posText.length);
  if (pos < 0 && /^\d+$/.test(posText)) pos = Number(posText);
  if (pos < 1) {
    // POS 0 is allowed by the spec only for telomeric breakends; this reader needs a base position.
    throw new VcfFormatError(file, place, 'POS', expectedFound('a positive integer', posText));
  }
  if (!BASES.test(ref)) throw new VcfFormatError(file, place, 'REF', expectedFound('bases A, C, G, T or N', ref));
  const alts = altText === '.' ? [] : altText.split(',');
  // Checked, and base alleles upper-cased, in one pass (symbolic and breakend alleles stay as written).
  for (let i = 0; i < alts.length; i++) {
    const alt = alts[i] as string;
    if (ALT_BASES.test(alt)) alts[i] = alt.toUpperCase();
    else if (!(SYMBOLIC.test(alt) || BREAKEND.test(alt))) {
      throw new VcfFormatError(file, place, alts.length > 1 ? `ALT[${i + 1}]` : 'ALT', expectedFound('bases, a symbolic allele like <DEL>, or a breakend like G]17:198982]', alt));
    }
  }
  let qual: number | undefined;
  if (qualText !== '.') {
    if (!FLOAT.test(qualText)) throw new VcfFormatError(file, place, 'QUAL', expectedFound('a number or "."', qualText));
    qual = Number(qualText);
  }
  const filters = filterText === '.' ? [] : filterText.split(';');
  const info = new Map<string, string | true>();
  if (infoText !== '.' && infoText !== '') {
    for (const part of infoText.split(';')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq < 0) info.set(part, true);
      else info.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  const format = cols.length > 8 && cols[8] !== undefined && cols[8] !== '.' ? cols[8].split(':') : [];
  // One literal per shape, in a fixed key order: a conditional spread costs ~0.5 µs per record, and properties
  // assigned after a smaller literal go to a separately grown backing store.
  const ids = idText === '.' ? [] : idText.split(';');
  const upperRef = ref.toUpperCase();
  const samples = cols.slice(9);
  return qual === undefined
    ? { chrom, pos, ids, ref: upperRef, alts, filters, info, format, samples, place, file }
    : { chrom, pos, ids, ref: upperRef, alts, qual, filters, info, format, samples, place, file };
}

/** The raw INFO value (true for a flag), or undefined. */
export function infoRaw(record: VcfRecord, key: string): string | true | undefined {
  return record.info.get(key);
}

/** An INFO value split on "," and checked as numbers; undefined when absent. Missing entries (".") become NaN. */
export function infoNumbers(record: VcfRecord, key: string, kind: 'Integer' | 'Float' = 'Float'): number[] | undefined {
  const raw = record.info.get(key);
  if (raw === undefined) return undefined;
  if (raw === true) throw new VcfFormatError(record.file, record.place, `INFO.${key}`, `expected ${kind === 'Integer' ? 'an integer' : 'a number'}, found a flag`);
  return raw.split(',').map((v) => checkNumber(record, `INFO.${key}`, v, kind));
}

export function infoNumber(record: VcfRecord, key: string, kind: 'Integer' | 'Float' = 'Float'): number | undefined {
  const v = infoNumbers(record, key, kind);
  return v === undefined ? undefined : v[0];
}

export function infoString(record: VcfRecord, key: string): string | undefined {
  const raw = record.info.get(key);
  return raw === undefined || raw === true ? undefined : raw;
}

export function infoFlag(record: VcfRecord, key: string): boolean {
  return record.info.get(key) !== undefined;
}

/** One sample's FORMAT values by key (missing trailing fields are absent). */
export function sampleFields(record: VcfRecord, sampleIndex: number): Map<string, string> {
  const raw = record.samples[sampleIndex];
  const out = new Map<string, string>();
  if (raw === undefined) return out;
  const parts = raw.split(':');
  record.format.forEach((k, i) => {
    const v = parts[i];
    if (v !== undefined) out.set(k, v);
  });
  return out;
}

/**
 * A sample value split on "," and checked as numbers. `column` names the place in messages, e.g. "TUMOR.AD".
 * Missing entries (".") become NaN; an absent field gives undefined. The message quotes only this one value.
 */
export function sampleNumbers(record: VcfRecord, fields: Map<string, string>, key: string, column: string, kind: 'Integer' | 'Float' = 'Float'): number[] | undefined {
  const raw = fields.get(key);
  if (raw === undefined || raw === '.' || raw === '') return undefined;
  return numberList(record, raw, column, kind);
}

/**
 * A ","-separated value checked as numbers ("." → NaN); errors name the column ("<sample>.<key>" when `key` is
 * given, else `column` alone; built only for the message) and quote only the bad entry.
 */
export function numberList(record: VcfRecord, raw: string, column: string, kind: 'Integer' | 'Float', key?: string): number[] {
  // Most values are single (DP, AF of one ALT): an array of exactly one, not one grown by push.
  let comma = raw.indexOf(',');
  if (comma < 0) return [listEntry(record, raw, 0, raw.length, column, kind, key)];
  let n = 2;
  while ((comma = raw.indexOf(',', comma + 1)) >= 0) n++;
  const out = new Array<number>(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    let end = raw.indexOf(',', start);
    if (end < 0) end = raw.length;
    out[i] = listEntry(record, raw, start, end, column, kind, key);
    start = end + 1;
  }
  return out;
}

/** One entry raw[start, end) of a number list, checked ("." → NaN). */
function listEntry(record: VcfRecord, raw: string, start: number, end: number, column: string, kind: 'Integer' | 'Float', key?: string): number {
  const n = kind === 'Integer' ? plainInteger(raw, start, end) : -1;
  if (n >= 0) return n;
  const v = raw.slice(start, end);
  const valid = v === '.' || (kind === 'Integer' ? INTEGER.test(v) : plainDecimal(v) || FLOAT.test(v));
  if (!valid) checkNumber(record, key === undefined ? column : `${column}.${key}`, v, kind);
  return v === '.' ? Number.NaN : Number(v);
}

/** Digits with at most one ".", and at least one digit ("0.25", "12", ".5", "3."): a FLOAT, checked without the regular expression. */
function plainDecimal(v: string): boolean {
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dots === 0) dots++;
    else return false;
  }
  return digits > 0;
}

/**
 * raw[start, end) as a non-negative integer when it is 1–15 plain digits (depths, counts, positions), else -1 (the caller
 * then checks and converts the text): no substring and no regular expression for the usual value.
 */
function plainInteger(raw: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = raw.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function checkNumber(record: VcfRecord, column: string, v: string, kind: 'Integer' | 'Float'): number {
  if (v === '.') return Number.NaN;
  if (kind === 'Integer' ? !INTEGER.test(v) : !FLOAT.test(v)) {
    throw new VcfFormatError(record.file, record.place, column, expectedFound(kind === 'Integer' ? 'an integer' : 'a number', v));
  }
  return Number(v);
}
