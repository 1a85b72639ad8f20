// Imports pathology reports (plain text, HTML, PDF with a text layer, or FHIR DiagnosticReport JSON) into the store:
// each report's texts kept verbatim as `report-text` records with the extracted findings as facts (spans into that
// text) and one timeline event — one store transaction per report, so a report is stored whole or not at all.
// Like the imaging import's lesion embeddings, each extracted report text also gets a `pathology-report-embedding`
// fact (the default local text model's vector), which the pathology modality module reads.
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import {
  defaultReportEmbedder,
  pathologyReportRecords,
  readReportFile,
  reportEmbeddingFact,
  type PathologyReportDocument,
  type PathologyReportImportOptions,
  type ReportTextRecord,
} from '@oncoboard/pathology';
import type { Store } from '@oncoboard/store';

export const PATHOLOGY_FILE_EXTENSIONS = ['.txt', '.html', '.htm', '.pdf', '.json'];

export interface PathologyImportRequest {
  /** "Patient/<id>": required for files that do not name their patient (text, HTML, PDF). */
  patientKey?: string;
  /** A BERT-family model folder to embed each report with (default: the shipped civic-bert-mini); false for none. */
  embed?: string | false;
}

/**
 * A report's store records (pathologyReportRecords) with, on each record that findings were extracted from, the
 * `pathology-report-embedding` fact of its text. Same document → same records (the embedding is deterministic).
 */
export async function pathologyRecordsWithEmbedding(
  document: PathologyReportDocument,
  options: PathologyReportImportOptions & { embed?: string | false } = {},
): Promise<{ records: ReportTextRecord[]; findings: number; embeddings: number }> {
  const { embed, ...recordOptions } = options;
  const { records, extracted } = pathologyReportRecords(document, recordOptions);
  const findings = records.reduce((n, r) => n + r.facts.length, 0);
  let embeddings = 0;
  if (embed !== false) {
    const embedder = await defaultReportEmbedder(embed);
    for (const record of records) {
      if (!extracted.some((e) => e.recordKey === record.key)) continue;
      record.facts.push(await reportEmbeddingFact({ ...record, ...(document.date ? { effectiveStart: document.date } : {}) }, embedder));
      embeddings++;
    }
  }
  return { records, findings, embeddings };
}

export interface PathologyImportProgress {
  done: number;
  total: number;
}

export interface PathologyImportResult {
  runId: string;
  reports: number;
  records: number;
  findings: number;
  /** Report texts embedded (pathology-report-embedding facts). */
  embeddings: number;
  imported: number;
  updated: number;
  unchanged: number;
  /** Files that could not be read or mapped: the file and the reason (no report text). */
  failed: { file: string; message: string }[];
}

/** The report files under `paths` (folders walked, sorted so runs are reproducible). */
export function listPathologyFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
    else if (PATHOLOGY_FILE_EXTENSIONS.includes(extname(p).toLowerCase())) out.push(p);
  };
  for (const p of paths) walk(resolve(p));
  return out;
}

export async function importPathologyReports(
  paths: string | readonly string[],
  request: PathologyImportRequest,
  options: { store: Store; onProgress?: (p: PathologyImportProgress) => void },
): Promise<PathologyImportResult> {
  const files = listPathologyFiles(typeof paths === 'string' ? [paths] : paths);
  const { store } = options;
  const run = await store.beginImportRun(`pathology reports: ${typeof paths === 'string' ? paths : paths.join(', ')}`);
  const result: PathologyImportResult = { runId: run.id, reports: 0, records: 0, findings: 0, embeddings: 0, imported: 0, updated: 0, unchanged: 0, failed: [] };
  try {
    for (const [i, file] of files.entries()) {
      try {
        const document = await readReportFile(file);
        const { records, findings, embeddings } = await pathologyRecordsWithEmbedding(document, {
          ...(request.patientKey ? { patientKey: request.patientKey } : {}),
          ...(request.embed !== undefined ? { embed: request.embed } : {}),
        });
        const written = await store.writeRecords(run.id, records);
        result.reports++;
        result.records += records.length;
        result.findings += findings;
        result.embeddings += embeddings;
        result.imported += written.imported;
        result.updated += written.updated;
        result.unchanged += written.unchanged;
      } catch (error) {
        // Our readers' messages name the file and the place, never the report text.
        const message = error instanceof Error ? error.message : String(error);
        result.failed.push({ file, message });
        await store.recordIssues(run.id, [
          {
            file,
            place: 'report',
            severity: 'error',
            message,
            outcomeJson: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: { text: message } }] }),
          },
        ]);
      }
      options.onProgress?.({ done: i + 1, total: files.length });
    }
    await store.finishImportRun(run.id, { status: 'succeeded', imported: result.imported, updated: result.updated, unchanged: result.unchanged, rejected: result.failed.length });
    return result;
  } catch (error) {
    await store.finishImportRun(run.id, { status: 'failed', imported: result.imported, updated: result.updated, unchanged: result.unchanged, rejected: result.failed.length });
    throw error;
  }
}
