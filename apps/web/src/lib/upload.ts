/** The API's upload limit (libs/api-router MAX_UPLOAD_BYTES); larger imports go through the CLI. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
export const MAX_UPLOAD_FILES = 100;

export type UploadKind = 'json' | 'ndjson' | 'gzip';

/** What a file is by its name: FHIR JSON (a resource or Bundle), NDJSON (bulk data), or either of those gzipped. */
export function uploadKind(name: string): UploadKind | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.gz')) return uploadKind(lower.slice(0, -3)) ? 'gzip' : undefined;
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

/** The name the API sees: a gzipped file is uploaded decompressed, under its name without ".gz". */
export function uploadName(name: string): string {
  return name.toLowerCase().endsWith('.gz') ? name.slice(0, -3) : name;
}

/** Problems that stop an upload before it starts, each naming the file. */
export function checkUpload(files: { name: string; size: number }[]): string[] {
  const problems: string[] = [];
  if (files.length === 0) problems.push('Choose at least one file.');
  if (files.length > MAX_UPLOAD_FILES) problems.push(`At most ${MAX_UPLOAD_FILES} files per upload (chosen: ${files.length}).`);
  for (const f of files) {
    if (!uploadKind(f.name)) problems.push(`${f.name}: expected a .json, .ndjson or .ndjson.gz file`);
  }
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_UPLOAD_BYTES) {
    problems.push(`The files hold ${(total / 1024 / 1024).toFixed(1)} MB; uploads are limited to ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Use the CLI: npm run oncoboard -- import <folder>`);
  }
  return problems;
}
