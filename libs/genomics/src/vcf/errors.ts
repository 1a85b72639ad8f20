/**
 * Errors a user can meet while reading a VCF. The message names the file (base name only), the line, the
 * column (or header item) and what was expected, like `tumor.vcf:57: POS: expected a positive integer, found "abc"`.
 * It quotes at most the one offending value (cut to 40 characters) and never the rest of the line, so sample
 * genotypes and other columns do not leak into logs.
 */
export class VcfFormatError extends Error {
  override readonly name = 'VcfFormatError';
  constructor(
    /** Base name of the file. */
    readonly file: string,
    /** 1-based line, or a place description for region reads ("region 22:1-100, record 3"); undefined for file-level problems. */
    readonly place: number | string | undefined,
    /** The column or header item: "POS", "INFO.DP", "##fileformat", "genome build"... */
    readonly column: string,
    /** What was expected, and why (the part after "expected"/the whole message tail). */
    readonly detail: string,
  ) {
    super(`${formatPlace(file, place)}: ${column}: ${detail}`);
  }
}

export function formatPlace(file: string, place: number | string | undefined): string {
  if (place === undefined) return file;
  if (typeof place === 'number') return `${file}:${place}`;
  return `${file} (${place})`;
}

/** Quote a found value for an error message: JSON-quoted, cut to 40 characters. */
export function quoteFound(value: string): string {
  const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(cut);
}

/** "expected X, found "y"" */
export function expectedFound(expected: string, found: string): string {
  return `expected ${expected}, found ${quoteFound(found)}`;
}

/**
 * A record left out of a read because it is malformed (what `VariantReadSummary.issues` lists). `message` is the
 * error's text, "file:line: column: expected …": it names the place and the expectation and quotes at most the
 * one offending value, never the rest of the record.
 */
export interface RecordIssue {
  file: string;
  /** 1-based line; absent for records of a region read (see `place`). */
  line?: number;
  /** The line number, or the region-read place ("region 22:1-100, record 3"). */
  place: number | string;
  column: string;
  message: string;
}

export function recordIssue(e: VcfFormatError): RecordIssue {
  return { file: e.file, ...(typeof e.place === 'number' ? { line: e.place } : {}), place: e.place ?? 'file', column: e.column, message: e.message };
}
