import type { Resource } from '@medplum/fhirtypes';
import {
  hashFhirResource,
  mapResourceToFacts,
  patientDemographicsOf,
  patientKeyOf,
  readFhirPath,
  readFhirServer,
  readFhirText,
  resourceToTimelineEvents,
  sourceRecordKeyOf,
  validateResource,
  type ReadItem,
  type SourceLocation,
} from '@oncoboard/ehr-fhir';
import { hasReportText, isPathologyDiagnosticReport, readDiagnosticReport } from '@oncoboard/pathology';
import type { ImportIssueInput, RecordWrite, Store } from '@oncoboard/store';
import { pathologyRecordsWithEmbedding } from './pathology-import';

export interface ImportCounts {
  read: number;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportProgress extends ImportCounts {
  /** The file or URL being read now (no patient data). */
  current?: string;
}

export interface ImportResult extends ImportCounts {
  runId: string;
  issues: ImportIssueInput[];
}

export interface ImportOptions {
  store: Store;
  /** Records per store transaction. */
  batchSize?: number;
  /** Validate each resource against the R4 structure definitions (default true). */
  validate?: boolean;
  /** Also check the FHIRPath invariants of the R4 definitions (Medplum's validator; about 50x slower). */
  invariants?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Pathology DiagnosticReports with text (isPathologyDiagnosticReport in libs/pathology): their texts become
   * report-text records with the extracted findings as facts (span provenance) and the report embedding, written in
   * the same store transaction as the report, as `oncoboard pathology-import` does (default true). `{ embed: false }`
   * skips the embedding; false skips the extraction.
   */
  pathologyReports?: boolean | { embed?: string | false };
}

/**
 * Turns one FHIR resource into what the store keeps: verbatim content (the text as read where the reader kept
 * it, else the resource serialized), hash, facts, events.
 */
export function toRecordWrite(resource: Resource, location: SourceLocation, text?: string): RecordWrite {
  const key = sourceRecordKeyOf(resource);
  const patientKey = patientKeyOf(resource);
  const ctx = { sourceRecordKey: key, patientKey };
  return {
    key,
    kind: 'fhir-resource',
    resourceType: resource.resourceType,
    resourceId: resource.id ?? '',
    patientKey,
    content: text ?? JSON.stringify(resource),
    contentHash: hashFhirResource(resource),
    origin: location.file,
    originLocation: location.place,
    patient: resource.resourceType === 'Patient' ? patientDemographicsOf(resource) : undefined,
    // Resources outside any patient (Organization, Practitioner...) are kept as records, on no patient's timeline.
    facts: mapResourceToFacts(resource, ctx).filter((fact) => fact.patientKey),
    events: resourceToTimelineEvents(resource, ctx).filter((event) => event.patientKey),
  };
}

/** A read item that is only a warning (a DELETE entry skipped, a reference outside the server): nothing rejected. */
function isWarningOnly(outcome: { issue?: { severity?: string }[] }): boolean {
  const issues = outcome.issue ?? [];
  return issues.length > 0 && issues.every((issue) => issue.severity === 'warning' || issue.severity === 'information');
}

function issuesFromOutcome(location: SourceLocation, outcome: { issue?: { severity?: string; diagnostics?: string; expression?: string[] }[] }, resource?: Resource): ImportIssueInput[] {
  return (outcome.issue ?? []).map((issue) => ({
    file: location.file,
    place: location.place,
    resourceType: resource?.resourceType,
    resourceId: resource?.id,
    severity: issue.severity === 'warning' || issue.severity === 'information' ? 'warning' : 'error',
    elementPath: issue.expression?.[0],
    message: issue.diagnostics ?? 'invalid',
    outcomeJson: JSON.stringify({ resourceType: 'OperationOutcome', issue: [issue] }),
  }));
}

/**
 * The one import pipeline: read → validate → map → write, in store transactions of `batchSize`.
 * Invalid resources are reported and skipped; a transaction bundle (atomic group) is written whole or not at all.
 */
export async function importFhirItems(items: AsyncIterable<ReadItem>, source: string, options: ImportOptions): Promise<ImportResult> {
  const { store, batchSize = 2000, validate = true, invariants = false, onProgress, pathologyReports = true } = options;
  const run = await store.beginImportRun(source);
  const counts: ImportCounts = { read: 0, imported: 0, updated: 0, unchanged: 0, rejected: 0 };
  const issues: ImportIssueInput[] = [];
  let pendingIssues: ImportIssueInput[] = [];
  let batch: RecordWrite[] = [];
  const keysInBatch = new Set<string>();
  let current: string | undefined;

  const report = () => onProgress?.({ ...counts, current });
  const addIssues = (list: ImportIssueInput[]) => {
    issues.push(...list);
    pendingIssues.push(...list);
  };
  // One batch is written while the next is read and mapped (the SQLite writer works in its own thread);
  // the next flush waits for it, so at most two batches are in memory and a write error stops the import.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    await inFlight;
    if (batch.length > 0) {
      const records = batch;
      batch = [];
      keysInBatch.clear();
      inFlight = store.writeRecords(run.id, records).then((written) => {
        counts.imported += written.imported;
        counts.updated += written.updated;
        counts.unchanged += written.unchanged;
      });
    }
    if (pendingIssues.length > 0) {
      const list = pendingIssues;
      pendingIssues = [];
      inFlight = inFlight.then(() => store.recordIssues(run.id, list));
    }
    inFlight.catch(() => undefined); // awaited by the next flush or drain; not an unhandled rejection meanwhile
    report();
  };
  const drain = async () => {
    await flush();
    await inFlight;
    report();
  };

  /**
   * The report-text records of a pathology DiagnosticReport (findings as facts, the embedding), or none. A report
   * whose text cannot be read stays imported as FHIR; a warning says why its text was not extracted.
   */
  const pathologyRecordsOf = async (resource: Resource, record: RecordWrite, location: SourceLocation): Promise<RecordWrite[]> => {
    if (pathologyReports === false || !isPathologyDiagnosticReport(resource) || !hasReportText(resource)) return [];
    try {
      const document = await readDiagnosticReport(resource);
      const embed = typeof pathologyReports === 'object' ? pathologyReports.embed : undefined;
      const { records } = await pathologyRecordsWithEmbedding(document, { ...(record.patientKey ? { patientKey: record.patientKey } : {}), ...(embed !== undefined ? { embed } : {}) });
      return records.map((r) => ({ ...r, origin: location.file, originLocation: `${location.place} ${r.originLocation}` }));
    } catch (error) {
      // Our readers' messages name the element and what was expected, never the report text.
      const message = `${location.file} ${location.place} DiagnosticReport/${resource.id}: pathology text not extracted: ${(error as Error).message}`;
      addIssues([{ file: location.file, place: location.place, resourceType: resource.resourceType, resourceId: resource.id, severity: 'warning', message, outcomeJson: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'processing', diagnostics: message }] }) }]);
      return [];
    }
  };

  /** Validates and maps one resource; returns its records (the resource's, then any derived) or undefined when rejected. */
  const prepare = async (resource: Resource, location: SourceLocation, text?: string): Promise<RecordWrite[] | undefined> => {
    if (validate) {
      const outcome = validateResource(resource, location, { invariants });
      const problems = issuesFromOutcome(location, outcome, resource);
      if (problems.some((p) => p.severity === 'error')) {
        addIssues(problems);
        return undefined;
      }
      if (problems.length > 0) addIssues(problems);
    }
    if (!resource.id) {
      addIssues([{ file: location.file, place: location.place, resourceType: resource.resourceType, severity: 'error', elementPath: `${resource.resourceType}.id`, message: `${location.file} ${location.place} ${resource.resourceType}: ${resource.resourceType}.id: expected a logical id, found none`, outcomeJson: '{}' }]);
      return undefined;
    }
    let record: RecordWrite;
    try {
      record = toRecordWrite(resource, location, text);
    } catch (error) {
      const message = `${location.file} ${location.place} ${resource.resourceType}/${resource.id}: could not be mapped: ${(error as Error).message}`;
      addIssues([{ file: location.file, place: location.place, resourceType: resource.resourceType, resourceId: resource.id, severity: 'error', message, outcomeJson: '{}' }]);
      return undefined;
    }
    return [record, ...(await pathologyRecordsOf(resource, record, location))];
  };

  try {
    let sinceYield = 0;
    for await (const item of items) {
      // Buffered items arrive through microtasks alone; a turn of the event loop now and then lets the store's
      // replies (the batch in flight) through, so that write is done before the next flush waits for it.
      if (++sinceYield === 32) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      current = item.location.file;
      if (item.kind === 'error') {
        addIssues(issuesFromOutcome(item.location, item.outcome));
        if (isWarningOnly(item.outcome)) continue;
        counts.read += 1;
        counts.rejected += 1;
      } else if (item.kind === 'resource') {
        counts.read += 1;
        const records = await prepare(item.resource, item.location, item.text);
        if (!records) {
          counts.rejected += 1;
          continue;
        }
        // The same resource twice in one batch: write the first before taking the second. A resource's records
        // (a pathology report and its texts) go into one batch, so into one transaction.
        if (records.some((r) => keysInBatch.has(r.key))) await flush();
        for (const record of records) {
          batch.push(record);
          keysInBatch.add(record.key);
        }
        if (batch.length >= batchSize) await flush();
      } else {
        // A transaction bundle: all entries valid, or none written.
        const records: RecordWrite[] = [];
        let invalid = 0;
        let entries = 0;
        for (const entry of item.items) {
          if (entry.kind === 'error') {
            addIssues(issuesFromOutcome(entry.location, entry.outcome));
            if (isWarningOnly(entry.outcome)) continue;
          }
          counts.read += 1;
          entries += 1;
          const prepared = entry.kind === 'resource' ? await prepare(entry.resource, entry.location) : undefined;
          if (prepared) records.push(...prepared);
          else invalid += 1;
        }
        if (invalid > 0) {
          counts.rejected += entries;
          addIssues([{ file: item.location.file, place: item.location.place, severity: 'error', message: `${item.location.file} ${item.location.place}: transaction bundle rejected as a whole: ${invalid} of ${entries} entries are invalid`, outcomeJson: '{}' }]);
          continue;
        }
        await flush();
        batch = records;
        await flush();
      }
      if (counts.read % 1000 === 0) report();
    }
    await drain();
    await store.finishImportRun(run.id, { ...counts, status: 'succeeded' });
  } catch (error) {
    await inFlight.catch(() => undefined);
    await store.finishImportRun(run.id, { ...counts, status: 'failed' }).catch(() => undefined);
    throw error;
  }
  return { runId: run.id, ...counts, issues };
}

export function importFhirPath(path: string, options: ImportOptions): Promise<ImportResult> {
  return importFhirItems(readFhirPath(path), path, options);
}

export function importFhirServer(baseUrl: string, server: { patientId?: string; pageSize?: number }, options: ImportOptions): Promise<ImportResult> {
  return importFhirItems(readFhirServer(baseUrl, server), baseUrl, options);
}

export function importFhirTexts(files: { name: string; text: string }[], options: ImportOptions): Promise<ImportResult> {
  async function* all(): AsyncGenerator<ReadItem> {
    for (const file of files) yield* readFhirText(file.name, file.text);
  }
  return importFhirItems(all(), `upload: ${files.map((f) => f.name).join(', ')}`, options);
}
