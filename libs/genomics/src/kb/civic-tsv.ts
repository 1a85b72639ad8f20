/**
 * Reads CIViC's tab-separated release files. The files have no quoting; free text holds no tabs. One known defect:
 * in VariantSummaries the last column (assertion_civic_urls, a list) is sometimes joined with tabs instead of
 * commas (6 rows in 01-Aug-2021), which gives the row more fields than the header. Such a row is repaired only
 * when every surplus field is an assertion URL and their number matches assertion_ids; any other row whose field
 * count differs from the header's is rejected and reported with its line number. Nothing is guessed.
 */
export interface TsvRow {
  /** 1-based line number in the file (the header is line 1) */
  line: number;
  fields: Record<string, string>;
}

export interface TsvLineIssue {
  file: string;
  line: number;
  reason: string;
}

export interface TsvReadResult {
  header: string[];
  rows: TsvRow[];
  rejected: TsvLineIssue[];
  repaired: TsvLineIssue[];
}

const ASSERTION_URL = /^https?:\/\/\S+\/links\/assertions\/\d+$/;

export function readCivicTsv(file: string, text: string, requiredColumns: readonly string[]): TsvReadResult {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const headerLine = (lines[0] ?? '').replace(/\r$/, '');
  const header = headerLine.split('\t');
  const missing = requiredColumns.filter((c) => !header.includes(c));
  if (missing.length) throw new Error(`${file}: line 1: expected the columns ${missing.join(', ')} in the header, found ${header.join(', ')}`);
  const rows: TsvRow[] = [];
  const rejected: TsvLineIssue[] = [];
  const repaired: TsvLineIssue[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const line = i + 1;
    if (raw.trim() === '') continue;
    let values = raw.split('\t');
    if (values.length > header.length) {
      const fixed = repairTrailingAssertionUrls(header, values);
      if (fixed) {
        repaired.push({ file, line, reason: `${values.length} fields for ${header.length} columns: the ${values.length - header.length + 1} assertion URLs of the last column were tab-separated; joined with commas` });
        values = fixed;
      } else {
        rejected.push({ file, line, reason: `${values.length} fields, expected ${header.length}` });
        continue;
      }
    } else if (values.length < header.length) {
      rejected.push({ file, line, reason: `${values.length} fields, expected ${header.length}` });
      continue;
    }
    const fields: Record<string, string> = {};
    header.forEach((h, k) => (fields[h] = values[k]!.trim()));
    rows.push({ line, fields });
  }
  return { header, rows, rejected, repaired };
}

function repairTrailingAssertionUrls(header: string[], values: string[]): string[] | undefined {
  if (header[header.length - 1] !== 'assertion_civic_urls') return undefined;
  const idsAt = header.indexOf('assertion_ids');
  if (idsAt < 0) return undefined;
  const tail = values.slice(header.length - 1);
  if (!tail.every((v) => ASSERTION_URL.test(v.trim()))) return undefined;
  const ids = (values[idsAt] ?? '').split(',').filter(Boolean);
  if (ids.length !== tail.length) return undefined;
  return [...values.slice(0, header.length - 1), tail.map((v) => v.trim()).join(',')];
}
