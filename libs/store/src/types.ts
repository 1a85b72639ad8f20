import type { Fact, TimelineEvent } from '@oncoboard/facts';
import type { AccessReads } from './access-reads';
import type { Prisma, StoreClient } from './client';
import type { DatabaseProvider } from './database-url';

export interface PatientIdentifier {
  system?: string;
  value: string;
}

/** What a Patient resource says about the patient (demographics); fills in the stub row. */
export interface PatientDemographics {
  key: string;
  displayName?: string;
  family?: string;
  given?: string;
  birthDate?: string;
  gender?: string;
  identifiers?: PatientIdentifier[];
  deceasedAt?: string;
}

/** One verbatim record and everything derived from it, written together. */
export interface RecordWrite {
  /** e.g. "fhir/Observation/abc" */
  key: string;
  /** "fhir-resource" now; "dicom-series", "vcf", "report-text" later. */
  kind: string;
  resourceType: string;
  resourceId: string;
  patientKey?: string;
  /** Verbatim text. */
  content: string;
  /** Verbatim bytes of a binary source (optional). */
  contentBytes?: Uint8Array;
  /** sha256 hex of the content: same key + same hash = unchanged. */
  contentHash: string;
  /** File path or URL. */
  origin: string;
  /** "entry[3]", "line 42". */
  originLocation: string;
  /** Present when the record is the patient's own resource. */
  patient?: PatientDemographics;
  facts: Fact[];
  events: TimelineEvent[];
}

/**
 * One AuditEvent row (prisma/schema.prisma), as libs/auth builds it; the store only inserts it. Columns hold no
 * patient data beyond the patient's key and record keys.
 */
export interface AuditRowInsert {
  action: string;
  operation: string;
  outcome: string;
  outcomeDesc: string | null;
  userId: string | null;
  username: string | null;
  rolesJson: string;
  patientKey: string | null;
  entitiesJson: string;
  sourceIp: string | null;
  userAgent: string | null;
}

/** A batch's change of one patient's data: the records created or changed for them (unchanged ones are not a change). */
export interface PatientChange {
  patientKey: string;
  recordKeys: string[];
}

/** Audit rows for a batch's changes, inserted in the batch's own transaction (a change never commits without them). */
export type WriteAudit = (change: { runId: string; patients: PatientChange[] }) => AuditRowInsert[];

export interface WriteOptions {
  audit?: WriteAudit;
}

export interface WriteResult {
  imported: number;
  updated: number;
  unchanged: number;
}

export interface ImportIssueInput {
  file: string;
  place: string;
  resourceType?: string;
  resourceId?: string;
  severity: 'error' | 'warning';
  elementPath?: string;
  /** Where and what, never patient data. */
  message: string;
  outcomeJson: string;
}

export interface ImportRunResult {
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  status: 'succeeded' | 'failed';
}

export interface PatientRow {
  key: string;
  /** True while only other records have named the patient (no Patient resource imported yet). */
  isStub: boolean;
  displayName: string | null;
  family: string | null;
  given: string | null;
  birthDate: string | null;
  gender: string | null;
  identifiers: PatientIdentifier[];
  deceasedAt: string | null;
  /** codeDisplay of the latest primary-cancer-condition fact. */
  primaryCancer: string | null;
  /** valueText of the latest tnm-stage-group fact. */
  stage: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PatientListItem {
  key: string;
  displayName?: string;
  birthDate?: string;
  gender?: string;
  identifiers: PatientIdentifier[];
  primaryCancer?: string;
  stage?: string;
  factCount: number;
  eventCount: number;
}

export interface PatientSearch {
  /** Words that must all appear in the name, an identifier or the patient id (case-insensitive). */
  text?: string;
  /** Part of the primary cancer's display or code (case-insensitive). */
  cancerType?: string;
  /**
   * The stage group: a designation ("IIB", "stage II", "2b") matches that group and, for a bare number, its
   * sub-groups ("II" matches IIA and IIB, not III); other text matches part of the stage's text, or its code.
   */
  stage?: string;
  cursor?: string;
  /** 1..200, default 50. */
  limit?: number;
}

export interface StoredFact extends Fact {
  id: string;
  sourceRecordKey: string;
}

export interface StoredTimelineEvent extends TimelineEvent {
  id: string;
  sourceRecordKey: string;
}

export interface TimelineQuery {
  categories?: string[];
  /** ISO date: events starting at or after the start of this date (undated events are then left out). */
  from?: string;
  /** ISO date: events starting before the end of this date ("2019" includes all of 2019). */
  to?: string;
  cursor?: string;
  /** 1..10000, default 1000. */
  limit?: number;
}

export interface TimelinePage {
  /** Sorted by start (undated last), then by the order they were written. */
  items: StoredTimelineEvent[];
  nextCursor?: string;
  /** All events matching the query (every page together), undated ones included. */
  total: number;
  /** How many of `total` have no (parseable) start date. */
  undatedCount: number;
}

export interface SourceRecordRow {
  key: string;
  kind: string;
  resourceType: string;
  resourceId: string;
  patientKey: string | null;
  content: string;
  contentBytes: Uint8Array | null;
  contentHash: string;
  origin: string;
  originLocation: string;
  version: number;
  importedAt: Date;
  importRunId: string;
}

export interface SourceRecordVersionRow extends Omit<SourceRecordRow, 'key'> {
  id: number;
  recordKey: string;
  supersededAt: Date;
}

export interface ImportRunRow {
  id: string;
  source: string;
  startedAt: Date;
  finishedAt: Date | null;
  /**
   * "running", "succeeded", "failed", or "interrupted": its process died before finishing it (noticed by the next
   * beginImportRun; its counts are what it committed, and running the same import again completes it).
   */
  status: string;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportIssueRow {
  id: number;
  runId: string;
  file: string;
  place: string;
  resourceType: string | null;
  resourceId: string | null;
  severity: string;
  elementPath: string | null;
  message: string;
  outcomeJson: string;
  createdAt: Date;
}

export interface StoreCounts {
  patients: number;
  sourceRecords: number;
  facts: number;
  events: number;
  versions: number;
}

export interface Store {
  provider: DatabaseProvider;
  /**
   * The typed Prisma client (reads; modules with their own tables). On SQLite it is one connection: an
   * interactive transaction opened on it would also hold the store's reads made meanwhile.
   */
  prisma: StoreClient;
  /** Session + user and patient access, one query each (prepared statements on SQLite): every request's first reads. */
  accessReads: AccessReads;
  /** Audit rows of a read, in their own transaction, committed when this resolves (changes put theirs in their own transaction). */
  appendAuditEvents(rows: readonly AuditRowInsert[]): Promise<void>;
  beginImportRun(source: string): Promise<{ id: string }>;
  /**
   * One transaction per call. Same key + same contentHash => unchanged (nothing written). Same key, new hash =>
   * the old version moves to SourceRecordVersion, version+1, its facts and events are replaced. New key =>
   * imported. If anything in the batch fails, nothing of the batch is written.
   */
  writeRecords(runId: string, batch: RecordWrite[], opts?: WriteOptions): Promise<WriteResult>;
  recordIssues(runId: string, issues: ImportIssueInput[]): Promise<void>;
  finishImportRun(runId: string, result: ImportRunResult): Promise<void>;
  /**
   * `within`: a condition every listed patient must also meet (the API's access filter), applied in the query so
   * paging and the total see only those patients. A cursor this store did not return is a RangeError.
   */
  searchPatients(q: PatientSearch, within?: Prisma.PatientWhereInput): Promise<{ items: PatientListItem[]; nextCursor?: string; total: number }>;
  getPatient(key: string): Promise<PatientRow | null>;
  getFacts(patientKey: string, q?: { kinds?: string[] }): Promise<StoredFact[]>;
  getTimeline(patientKey: string, q: TimelineQuery): Promise<TimelinePage>;
  getSourceRecord(key: string): Promise<{ record: SourceRecordRow; history: SourceRecordVersionRow[] } | null>;
  /** A patient's current records of one kind (e.g. "dicom-series"), by key, content verbatim. */
  listPatientRecords(patientKey: string, kind: string): Promise<{ key: string; content: string }[]>;
  listImportRuns(limit?: number): Promise<ImportRunRow[]>;
  getImportIssues(runId: string): Promise<ImportIssueRow[]>;
  countRecords(): Promise<StoreCounts>;
  close(): Promise<void>;
}
