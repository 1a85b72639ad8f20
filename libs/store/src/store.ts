import { randomUUID } from 'node:crypto';
import { formatFactValue, TIMELINE_CATEGORIES, type Fact, type FactValue, type Provenance, type TimelineEvent } from '@oncoboard/facts';
import { createStoreClient, type Prisma, type StoreClient } from './client';
import { parseIsoDate, sortableInstant } from './dates';
import { providerOf, resolveDatabaseUrl, sqlitePathOf, type DatabaseProvider } from './database-url';
import { migrateStore, pendingMigrationNames } from './migrate';
import { PostgresRunLiveness, SqliteRunLiveness, type RunLiveness } from './run-liveness';
import { prismaAccessReads, sqliteAccessReads, type AccessReads } from './access-reads';
import { SqliteReads, type FactRow } from './sqlite-reads';
import { createSqlWriter, placeholders, type SqlTransaction, type SqlValue, type SqlWriter } from './sql-writer';
import { cancerSearchText, patientSearchText, patientSortName, queryWords, stageQueryPattern, stageSearchText } from './search-terms';
import type {
  ImportIssueInput,
  ImportIssueRow,
  ImportRunResult,
  ImportRunRow,
  PatientDemographics,
  PatientIdentifier,
  PatientListItem,
  PatientRow,
  PatientSearch,
  RecordWrite,
  SourceRecordRow,
  SourceRecordVersionRow,
  Store,
  StoreCounts,
  StoredFact,
  StoredTimelineEvent,
  TimelinePage,
  TimelineQuery,
  AuditRowInsert,
  PatientChange,
  WriteAudit,
  WriteOptions,
  WriteResult,
} from './types';

/** The status of an import run whose process died before finishing it (seen by the next beginImportRun). */
export const INTERRUPTED = 'interrupted';

/** The fact kinds the patient list summarizes (the latest of each). */
export const PRIMARY_CANCER_KIND = 'primary-cancer-condition';
export const STAGE_GROUP_KIND = 'tnm-stage-group';
const SUMMARY_KINDS = [PRIMARY_CANCER_KIND, STAGE_GROUP_KIND];

/** Keys per IN (...) list: well under SQLite's and PostgreSQL's bind-parameter limits. */
const IN_CHUNK = 500;
const TIMELINE_CATEGORY_SET = new Set<string>(TIMELINE_CATEGORIES);

function chunks<T>(items: T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Import run ids sort by creation: a UUID (version 7 layout) of the time in ms, a per-process counter, and
 * random bits, so runs started within one millisecond still list in the order they began.
 */
let lastRunMs = 0;
let runSequence = 0;
export function newImportRunId(now = Date.now()): string {
  if (now === lastRunMs) runSequence += 1;
  else [lastRunMs, runSequence] = [now, 0];
  const hex = now.toString(16).padStart(12, '0') + '7' + (runSequence & 0xfff).toString(16).padStart(3, '0') + randomUUID().replace(/-/g, '').slice(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Cursors: opaque to callers (base64url JSON), checked when read back.

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeCursor<T>(cursor: string, where: string, check: (v: unknown) => v is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!check(value)) throw new RangeError(`${where}: cursor "${cursor.slice(0, 40)}" is not a cursor this store returned`);
  return value;
}

const isPatientCursor = (v: unknown): v is { s: string; k: string } =>
  !!v && typeof v === 'object' && typeof (v as { s: unknown }).s === 'string' && typeof (v as { k: unknown }).k === 'string';
const isTimelineCursor = (v: unknown): v is { a: string | null; i: number } =>
  !!v && typeof v === 'object' && ((v as { a: unknown }).a === null || typeof (v as { a: unknown }).a === 'string') && Number.isInteger((v as { i: unknown }).i);

function checkLimit(where: string, limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new RangeError(`${where}: limit must be an integer from 1 to ${max}, got ${limit}`);
  return limit;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows to write.

function checkBatch(batch: RecordWrite[]): void {
  const seen = new Map<string, number>();
  batch.forEach((record, index) => {
    const at = `writeRecords: batch[${index}]${record?.key ? ` "${record.key}"` : ''}`;
    for (const field of ['key', 'kind', 'resourceType', 'contentHash', 'origin'] as const) {
      if (typeof record[field] !== 'string' || record[field] === '') throw new Error(`${at}: ${field}: expected a non-empty string`);
    }
    for (const field of ['resourceId', 'content', 'originLocation'] as const) {
      if (typeof record[field] !== 'string') throw new Error(`${at}: ${field}: expected a string`);
    }
    const previous = seen.get(record.key);
    if (previous !== undefined) throw new Error(`${at}: the key is also batch[${previous}]; write one version of a record per batch`);
    seen.set(record.key, index);
    if (record.patient && !record.patient.key) throw new Error(`${at}: patient.key: expected the patient's key`);
    if (!Array.isArray(record.facts) || !Array.isArray(record.events)) throw new Error(`${at}: facts and events: expected arrays`);
    record.facts.forEach((fact, i) => {
      if (!fact.kind) throw new Error(`${at}: facts[${i}].kind: expected a non-empty string`);
      if (!fact.patientKey) throw new Error(`${at}: facts[${i}] (${fact.kind}).patientKey: expected the patient's key`);
      if (!fact.provenance?.length || !fact.provenance[0]?.elementPath) {
        throw new Error(`${at}: facts[${i}] (${fact.kind}).provenance: expected at least one entry with an elementPath`);
      }
    });
    record.events.forEach((event, i) => {
      if (!event.patientKey) throw new Error(`${at}: events[${i}].patientKey: expected the patient's key`);
      if (!TIMELINE_CATEGORY_SET.has(event.category)) {
        throw new Error(`${at}: events[${i}].category: expected one of ${TIMELINE_CATEGORIES.join(', ')}, found "${event.category}"`);
      }
      if (typeof event.title !== 'string') throw new Error(`${at}: events[${i}].title: expected a string`);
      if (!event.provenance?.elementPath) throw new Error(`${at}: events[${i}].provenance.elementPath: expected the element the event came from`);
    });
  });
}

const FACT_COLUMNS = [
  'patientKey', 'sourceRecordKey', 'kind', 'codeSystem', 'code', 'codeDisplay', 'valueJson', 'valueText', 'effectiveStart',
  'effectiveStartAt', 'effectiveEnd', 'effectiveEndAt', 'status', 'attributesJson', 'provenanceJson', 'elementPath',
] as const;

function factValues(fact: Fact, sourceRecordKey: string): SqlValue[] {
  return [
    fact.patientKey,
    sourceRecordKey,
    fact.kind,
    fact.code?.system ?? null,
    fact.code?.code ?? null,
    fact.code?.display ?? null,
    fact.value === undefined ? null : JSON.stringify(fact.value),
    fact.value === undefined ? null : formatFactValue(fact.value),
    fact.effectiveStart ?? null,
    sortableInstant(fact.effectiveStart),
    fact.effectiveEnd ?? null,
    sortableInstant(fact.effectiveEnd),
    fact.status ?? null,
    JSON.stringify(fact.attributes ?? {}),
    JSON.stringify(fact.provenance),
    fact.provenance[0]!.elementPath,
  ];
}

const EVENT_COLUMNS = ['patientKey', 'sourceRecordKey', 'elementPath', 'category', 'start', 'startAt', 'end', 'endAt', 'title', 'detail'] as const;

function eventValues(event: TimelineEvent, sourceRecordKey: string): SqlValue[] {
  return [
    event.patientKey,
    sourceRecordKey,
    event.provenance.elementPath,
    event.category,
    event.start ?? null,
    sortableInstant(event.start),
    event.end ?? null,
    sortableInstant(event.end),
    event.title,
    event.detail ?? null,
  ];
}

const AUDIT_COLUMNS = [
  'action', 'operation', 'outcome', 'outcomeDesc', 'userId', 'username', 'rolesJson', 'patientKey', 'entitiesJson', 'sourceIp', 'userAgent',
] as const satisfies readonly (keyof AuditRowInsert)[];

/** The patients whose data a batch's written records change, each with those records' keys. */
function patientChanges(written: readonly RecordWrite[]): PatientChange[] {
  const byPatient = new Map<string, Set<string>>();
  const touch = (patientKey: string | undefined, recordKey: string) => {
    if (!patientKey) return;
    let keys = byPatient.get(patientKey);
    if (!keys) byPatient.set(patientKey, (keys = new Set()));
    keys.add(recordKey);
  };
  for (const record of written) {
    touch(record.patientKey, record.key);
    touch(record.patient?.key, record.key);
    for (const fact of record.facts) touch(fact.patientKey, record.key);
    for (const event of record.events) touch(event.patientKey, record.key);
  }
  return [...byPatient].map(([patientKey, keys]) => ({ patientKey, recordKeys: [...keys] }));
}

/** Columns a Patient record sets (and a stub resets to empty). */
const PATIENT_COLUMNS = [
  'isStub', 'displayName', 'family', 'given', 'birthDate', 'gender', 'identifiers', 'deceasedAt', 'searchText', 'sortName', 'updatedAt',
] as const;

function patientValues(key: string, p: PatientDemographics | undefined): SqlValue[] {
  return [
    !p,
    p?.displayName ?? null,
    p?.family ?? null,
    p?.given ?? null,
    p?.birthDate ?? null,
    p?.gender ?? null,
    JSON.stringify(p?.identifiers ?? []),
    p?.deceasedAt ?? null,
    patientSearchText(key, p),
    patientSortName(key, p),
    new Date(),
  ];
}

/** Columns a (new version of a) source record sets; the same names are copied into SourceRecordVersion. */
const RECORD_COLUMNS = [
  'kind', 'resourceType', 'resourceId', 'patientKey', 'content', 'contentBytes', 'contentHash', 'origin', 'originLocation', 'importedAt', 'importRunId',
] as const;
const VERSION_COLUMNS = [...RECORD_COLUMNS, 'version'] as const;

function recordValues(record: RecordWrite, runId: string, now: Date): SqlValue[] {
  return [
    record.kind,
    record.resourceType,
    record.resourceId,
    record.patientKey ?? null,
    record.content,
    record.contentBytes ?? null,
    record.contentHash,
    record.origin,
    record.originLocation,
    now,
    runId,
  ];
}

/** Recomputes the patient-list columns (latest primary cancer, latest stage group) of the given patients. */
async function refreshSummaries(tx: SqlTransaction, patientKeys: string[], now: Date): Promise<void> {
  type SummaryRow = { patientKey: string; kind: string; code: string | null; codeDisplay: string | null; valueText: string | null; valueJson: string | null };
  for (const keys of chunks(patientKeys)) {
    const rows = await tx.query<SummaryRow>(
      `SELECT "patientKey", "kind", "code", "codeDisplay", "valueText", "valueJson" FROM "Fact" ` +
        `WHERE "patientKey" IN (${placeholders(keys.length)}) AND "kind" IN (?, ?) ORDER BY "effectiveStartAt" DESC NULLS LAST, "id" DESC`,
      [...keys, ...SUMMARY_KINDS],
    );
    const latest = new Map<string, SummaryRow>();
    for (const row of rows) {
      const key = `${row.patientKey}\0${row.kind}`;
      if (!latest.has(key)) latest.set(key, row);
    }
    const updates = keys.map((patientKey): SqlValue[] => {
      const primary = latest.get(`${patientKey}\0${PRIMARY_CANCER_KIND}`);
      const stage = latest.get(`${patientKey}\0${STAGE_GROUP_KIND}`);
      const primaryText = primary ? (primary.codeDisplay ?? primary.valueText ?? primary.code) : null;
      const stageText = stage ? stage.valueText || stage.codeDisplay || null : null;
      return [
        primaryText,
        primary ? cancerSearchText(primaryText, primary.code) : '',
        stageText,
        stage ? stageSearchText(stageText, stageCodeOf(stage.valueJson)) : '',
        now,
        patientKey,
      ];
    });
    await tx.runMany('UPDATE "Patient" SET "primaryCancer" = ?, "primaryCancerSearch" = ?, "stage" = ?, "stageSearch" = ?, "updatedAt" = ? WHERE "key" = ?', updates);
  }
}

/**
 * Adds a batch's counts to its import run, in the batch's own transaction: a run that never finishes (its process
 * killed) still says how much of it was committed, and exactly that. finishImportRun sets the final counts.
 */
async function tallyRun(tx: SqlTransaction, runId: string, written: WriteResult): Promise<WriteResult> {
  await tx.run('UPDATE "ImportRun" SET "imported" = "imported" + ?, "updated" = "updated" + ?, "unchanged" = "unchanged" + ? WHERE "id" = ?', [
    written.imported,
    written.updated,
    written.unchanged,
    runId,
  ]);
  return written;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows read back.

type EventRecord = Prisma.TimelineEventGetPayload<object>;
type PatientRecord = Prisma.PatientGetPayload<object>;

function parseJson<T>(text: string | null, where: string): T | undefined {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${where}: stored JSON does not parse: ${(error as Error).message}`);
  }
}

function toStoredFact(row: FactRow): StoredFact {
  const where = `Fact ${row.id} (${row.sourceRecordKey})`;
  const fact: StoredFact = {
    id: String(row.id),
    sourceRecordKey: row.sourceRecordKey,
    kind: row.kind,
    patientKey: row.patientKey,
    attributes: parseJson<Record<string, unknown>>(row.attributesJson, `${where}.attributesJson`) ?? {},
    provenance: parseJson<Provenance[]>(row.provenanceJson, `${where}.provenanceJson`) ?? [],
  };
  if (row.codeSystem !== null || row.code !== null || row.codeDisplay !== null) {
    fact.code = {};
    if (row.codeSystem !== null) fact.code.system = row.codeSystem;
    if (row.code !== null) fact.code.code = row.code;
    if (row.codeDisplay !== null) fact.code.display = row.codeDisplay;
  }
  const value = parseJson<FactValue>(row.valueJson, `${where}.valueJson`);
  if (value !== undefined) fact.value = value;
  if (row.effectiveStart !== null) fact.effectiveStart = row.effectiveStart;
  if (row.effectiveEnd !== null) fact.effectiveEnd = row.effectiveEnd;
  if (row.status !== null) fact.status = row.status;
  return fact;
}

function toStoredEvent(row: EventRecord): StoredTimelineEvent {
  const event: StoredTimelineEvent = {
    id: String(row.id),
    sourceRecordKey: row.sourceRecordKey,
    patientKey: row.patientKey,
    category: row.category as StoredTimelineEvent['category'],
    title: row.title,
    provenance: { sourceRecordKey: row.sourceRecordKey, elementPath: row.elementPath },
  };
  if (row.start !== null) event.start = row.start;
  if (row.end !== null) event.end = row.end;
  if (row.detail !== null) event.detail = row.detail;
  return event;
}

function identifiersOf(row: PatientRecord): PatientIdentifier[] {
  return parseJson<PatientIdentifier[]>(row.identifiers, `Patient ${row.key}.identifiers`) ?? [];
}

function toPatientRow(row: PatientRecord): PatientRow {
  return {
    key: row.key,
    isStub: row.isStub,
    displayName: row.displayName,
    family: row.family,
    given: row.given,
    birthDate: row.birthDate,
    gender: row.gender,
    identifiers: identifiersOf(row),
    deceasedAt: row.deceasedAt,
    primaryCancer: row.primaryCancer,
    stage: row.stage,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function stageCodeOf(valueJson: string | null): string | null {
  const value = parseJson<FactValue>(valueJson, 'stage fact value');
  return value?.type === 'coding' ? (value.coding.code ?? null) : null;
}

// ---------------------------------------------------------------------------------------------------------------

export interface OpenStoreOptions {
  /** Default: resolveDatabaseUrl() (DATABASE_URL, else the embedded SQLite file). */
  databaseUrl?: string;
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const databaseUrl = opts.databaseUrl ?? resolveDatabaseUrl();
  const provider = providerOf(databaseUrl); // refuse an unusable URL before doing anything
  if (opts.migrate ?? true) {
    await migrateStore(databaseUrl);
  } else {
    const pending = await pendingMigrationNames(databaseUrl);
    if (pending.length > 0) {
      throw new Error(
        `openStore: the database is not migrated: ${pending.length} migration(s) not applied (${pending[0]}${pending.length > 1 ? ', …' : ''}); ` +
          'run `npm run db:migrate`, or open it with { migrate: true }',
      );
    }
  }
  const { prisma } = await createStoreClient(databaseUrl);
  const sqlitePath = provider === 'sqlite' ? sqlitePathOf(databaseUrl) : undefined;
  const writer = createSqlWriter(provider, { databaseUrl, sqlitePath });
  const liveness = sqlitePath ? new SqliteRunLiveness(sqlitePath) : new PostgresRunLiveness(databaseUrl);
  // After the Prisma connection: it has opened the database in WAL mode, which the read-only connection needs.
  const hotReads = sqlitePath ? new SqliteReads(sqlitePath) : undefined;
  return new PrismaStore(prisma, provider, writer, liveness, hotReads);
}

/**
 * Reads go through the typed Prisma client; writes through the driver (./sql-writer), each call one transaction.
 * On SQLite they are two connections to the same WAL database: reads never see a write transaction half-done.
 */
class PrismaStore implements Store {
  #closed = false;
  readonly #sql: SqlWriter;
  readonly #liveness: RunLiveness;
  /** SQLite: the hot reads as prepared statements on a read-only connection (./sqlite-reads); PostgreSQL: none. */
  readonly #hot: SqliteReads | undefined;
  readonly accessReads: AccessReads;

  constructor(
    readonly prisma: StoreClient,
    readonly provider: DatabaseProvider,
    writer: SqlWriter,
    liveness: RunLiveness,
    hotReads?: SqliteReads,
  ) {
    this.#sql = writer;
    this.#liveness = liveness;
    this.#hot = hotReads;
    this.accessReads = hotReads ? sqliteAccessReads(hotReads) : prismaAccessReads(prisma);
  }

  /** The SQLite read model, or undefined (PostgreSQL); throws after close() like every read. */
  #hotReads(): SqliteReads | undefined {
    if (this.#closed) throw new Error('store: used after close()');
    return this.#hot;
  }

  #writer(): SqlWriter {
    if (this.#closed) throw new Error('store: used after close()');
    return this.#sql;
  }

  #read<T>(fn: (db: StoreClient) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store: used after close()'));
    return fn(this.prisma);
  }

  async beginImportRun(source: string): Promise<{ id: string }> {
    if (typeof source !== 'string') throw new Error('beginImportRun: source: expected a string (a path, a URL or a description)');
    const id = newImportRunId();
    const writer = this.#writer();
    // The run's lock first (held until finishImportRun or close): no one sees it running without its lock.
    await this.#liveness.hold(id);
    try {
      // Runs left "running" by a process that died (killed halfway): their lock is free. Marked "interrupted";
      // what they committed stays (whole batches; their counts say how much), and running the import again
      // completes it.
      const running = await this.prisma.importRun.findMany({ where: { status: 'running' }, select: { id: true } });
      const dead = await this.#liveness.dead(running.map((r) => r.id));
      await writer.transaction(async (tx) => {
        for (const ids of chunks(dead)) {
          await tx.run(`UPDATE "ImportRun" SET "status" = ? WHERE "status" = ? AND "id" IN (${placeholders(ids.length)})`, [INTERRUPTED, 'running', ...ids]);
        }
        await tx.run('INSERT INTO "ImportRun" ("id", "source", "startedAt", "status", "imported", "updated", "unchanged", "rejected") VALUES (?, ?, ?, ?, 0, 0, 0, 0)', [
          id,
          source,
          new Date(),
          'running',
        ]);
      });
    } catch (error) {
      await this.#liveness.release(id).catch(() => undefined);
      throw error;
    }
    return { id };
  }

  async writeRecords(runId: string, batch: RecordWrite[], opts: WriteOptions = {}): Promise<WriteResult> {
    checkBatch(batch);
    if (batch.length === 0) return { imported: 0, updated: 0, unchanged: 0 };
    try {
      return await this.#writer().transaction((tx) => this.#writeBatch(tx, runId, batch, opts.audit));
    } catch (error) {
      const keys = batch.length === 1 ? `"${batch[0]!.key}"` : `"${batch[0]!.key}" … "${batch.at(-1)!.key}"`;
      throw new Error(`writeRecords: the batch of ${batch.length} record(s) ${keys} was not written (nothing of it was kept): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async #writeBatch(tx: SqlTransaction, runId: string, batch: RecordWrite[], audit?: WriteAudit): Promise<WriteResult> {
    const run = await tx.query('SELECT "id" FROM "ImportRun" WHERE "id" = ?', [runId]);
    if (run.length === 0) throw new Error(`no import run "${runId}" (call beginImportRun first)`);

    // One lookup of the existing keys and hashes.
    const existing = new Map<string, string>();
    for (const keys of chunks(batch.map((r) => r.key))) {
      const rows = await tx.query<{ key: string; contentHash: string }>(`SELECT "key", "contentHash" FROM "SourceRecord" WHERE "key" IN (${placeholders(keys.length)})`, keys);
      for (const row of rows) existing.set(row.key, row.contentHash);
    }
    const created: RecordWrite[] = [];
    const changed: RecordWrite[] = [];
    let unchanged = 0;
    for (const record of batch) {
      const hash = existing.get(record.key);
      if (hash === undefined) created.push(record);
      else if (hash === record.contentHash) unchanged += 1;
      else changed.push(record);
    }
    const toWrite = [...created, ...changed];
    if (toWrite.length === 0) return tallyRun(tx, runId, { imported: 0, updated: 0, unchanged });
    const now = new Date();

    // Patients: stubs for keys first seen here, demographics from Patient records.
    const demographics = new Map<string, PatientDemographics>();
    const patientKeys = new Set<string>();
    for (const record of toWrite) {
      if (record.patientKey) patientKeys.add(record.patientKey);
      if (record.patient) {
        patientKeys.add(record.patient.key);
        demographics.set(record.patient.key, record.patient);
      }
      for (const fact of record.facts) patientKeys.add(fact.patientKey);
      for (const event of record.events) patientKeys.add(event.patientKey);
    }
    const knownPatients = new Set<string>();
    for (const keys of chunks([...patientKeys])) {
      const rows = await tx.query<{ key: string }>(`SELECT "key" FROM "Patient" WHERE "key" IN (${placeholders(keys.length)})`, keys);
      for (const row of rows) knownPatients.add(row.key);
    }
    const newPatients = [...patientKeys].filter((key) => !knownPatients.has(key));
    await tx.insertMany(
      'Patient',
      [...PATIENT_COLUMNS, 'primaryCancerSearch', 'stageSearch', 'createdAt', 'key'],
      newPatients.map((key) => [...patientValues(key, demographics.get(key)), '', '', now, key]),
    );
    await tx.runMany(
      `UPDATE "Patient" SET ${PATIENT_COLUMNS.map((c) => `"${c}" = ?`).join(', ')} WHERE "key" = ?`,
      [...demographics].filter(([key]) => knownPatients.has(key)).map(([key, p]) => [...patientValues(key, p), key]),
    );

    const summaryPatients = new Set<string>();
    for (const keys of chunks(changed.map((r) => r.key))) {
      const inList = placeholders(keys.length);
      await tx.run(
        `INSERT INTO "SourceRecordVersion" (${VERSION_COLUMNS.map((c) => `"${c}"`).join(', ')}, "recordKey", "supersededAt") ` +
          `SELECT ${VERSION_COLUMNS.map((c) => `"${c}"`).join(', ')}, "key", ? FROM "SourceRecord" WHERE "key" IN (${inList})`,
        [now, ...keys],
      );
      const oldSummaryFacts = await tx.query<{ patientKey: string }>(
        `SELECT DISTINCT "patientKey" FROM "Fact" WHERE "sourceRecordKey" IN (${inList}) AND "kind" IN (?, ?)`,
        [...keys, ...SUMMARY_KINDS],
      );
      for (const row of oldSummaryFacts) summaryPatients.add(row.patientKey);
      await tx.run(`DELETE FROM "Fact" WHERE "sourceRecordKey" IN (${inList})`, keys);
      await tx.run(`DELETE FROM "TimelineEvent" WHERE "sourceRecordKey" IN (${inList})`, keys);
    }
    await tx.runMany(
      `UPDATE "SourceRecord" SET ${RECORD_COLUMNS.map((c) => `"${c}" = ?`).join(', ')}, "version" = "version" + 1 WHERE "key" = ?`,
      changed.map((record) => [...recordValues(record, runId, now), record.key]),
    );
    await tx.insertMany(
      'SourceRecord',
      [...RECORD_COLUMNS, 'key', 'version'],
      created.map((record) => [...recordValues(record, runId, now), record.key, 1]),
    );

    const facts: SqlValue[][] = [];
    const events: SqlValue[][] = [];
    for (const record of toWrite) {
      for (const fact of record.facts) {
        facts.push(factValues(fact, record.key));
        if (SUMMARY_KINDS.includes(fact.kind)) summaryPatients.add(fact.patientKey);
      }
      for (const event of record.events) events.push(eventValues(event, record.key));
    }
    await tx.insertMany('Fact', FACT_COLUMNS, facts);
    await tx.insertMany('TimelineEvent', EVENT_COLUMNS, events);
    if (summaryPatients.size > 0) await refreshSummaries(tx, [...summaryPatients], now);
    if (audit) {
      const rows = audit({ runId, patients: patientChanges(toWrite) });
      await tx.insertMany('AuditEvent', [...AUDIT_COLUMNS, 'recordedAt'], rows.map((row) => [...AUDIT_COLUMNS.map((c) => row[c]), now]));
    }
    return tallyRun(tx, runId, { imported: created.length, updated: changed.length, unchanged });
  }

  async recordIssues(runId: string, issues: ImportIssueInput[]): Promise<void> {
    if (issues.length === 0) return;
    issues.forEach((issue, i) => {
      if (issue.severity !== 'error' && issue.severity !== 'warning') {
        throw new Error(`recordIssues: issues[${i}].severity: expected "error" or "warning", found "${String(issue.severity)}"`);
      }
      for (const field of ['file', 'place', 'message', 'outcomeJson'] as const) {
        if (typeof issue[field] !== 'string') throw new Error(`recordIssues: issues[${i}].${field}: expected a string`);
      }
    });
    const createdAt = new Date();
    await this.#writer().transaction(async (tx) => {
      const run = await tx.query('SELECT "id" FROM "ImportRun" WHERE "id" = ?', [runId]);
      if (run.length === 0) throw new Error(`recordIssues: no import run "${runId}"`);
      await tx.insertMany(
        'ImportIssue',
        ['runId', 'file', 'place', 'resourceType', 'resourceId', 'severity', 'elementPath', 'message', 'outcomeJson', 'createdAt'],
        issues.map((i) => [runId, i.file, i.place, i.resourceType ?? null, i.resourceId ?? null, i.severity, i.elementPath ?? null, i.message, i.outcomeJson, createdAt]),
      );
    });
  }

  async finishImportRun(runId: string, result: ImportRunResult): Promise<void> {
    if (result.status !== 'succeeded' && result.status !== 'failed') {
      throw new Error(`finishImportRun: status: expected "succeeded" or "failed", found "${String(result.status)}"`);
    }
    const count = await this.#writer().transaction((tx) =>
      tx.run('UPDATE "ImportRun" SET "finishedAt" = ?, "status" = ?, "imported" = ?, "updated" = ?, "unchanged" = ?, "rejected" = ? WHERE "id" = ?', [
        new Date(),
        result.status,
        result.imported,
        result.updated,
        result.unchanged,
        result.rejected,
        runId,
      ]),
    );
    await this.#liveness.release(runId);
    if (count === 0) throw new Error(`finishImportRun: no import run "${runId}"`);
  }

  async searchPatients(q: PatientSearch, within?: Prisma.PatientWhereInput): Promise<{ items: PatientListItem[]; nextCursor?: string; total: number }> {
    const limit = checkLimit('searchPatients', q.limit, 50, 200);
    const filters: Prisma.PatientWhereInput[] = within ? [within] : [];
    for (const word of queryWords(q.text)) filters.push({ searchText: { contains: word } });
    for (const word of queryWords(q.cancerType)) filters.push({ primaryCancerSearch: { contains: word } });
    if (q.stage?.trim()) filters.push({ stageSearch: { contains: stageQueryPattern(q.stage) } });
    const where: Prisma.PatientWhereInput = { AND: filters };
    const after = q.cursor ? decodeCursor(q.cursor, 'searchPatients', isPatientCursor) : undefined;
    const pageWhere: Prisma.PatientWhereInput = after
      ? { AND: [...filters, { OR: [{ sortName: { gt: after.s } }, { sortName: after.s, key: { gt: after.k } }] }] }
      : where;

    return this.#read(async (db) => {
      const [total, rows] = await Promise.all([
        db.patient.count({ where }),
        db.patient.findMany({ where: pageWhere, orderBy: [{ sortName: 'asc' }, { key: 'asc' }], take: limit + 1 }),
      ]);
      const page = rows.slice(0, limit);
      const keys = page.map((p) => p.key);
      const [factCounts, eventCounts] = keys.length
        ? await Promise.all([
            db.fact.groupBy({ by: ['patientKey'], where: { patientKey: { in: keys } }, _count: { _all: true } }),
            db.timelineEvent.groupBy({ by: ['patientKey'], where: { patientKey: { in: keys } }, _count: { _all: true } }),
          ])
        : [[], []];
      const facts = new Map(factCounts.map((c) => [c.patientKey, c._count._all]));
      const events = new Map(eventCounts.map((c) => [c.patientKey, c._count._all]));
      const items = page.map((row): PatientListItem => {
        const item: PatientListItem = { key: row.key, identifiers: identifiersOf(row), factCount: facts.get(row.key) ?? 0, eventCount: events.get(row.key) ?? 0 };
        if (row.displayName !== null) item.displayName = row.displayName;
        if (row.birthDate !== null) item.birthDate = row.birthDate;
        if (row.gender !== null) item.gender = row.gender;
        if (row.primaryCancer !== null) item.primaryCancer = row.primaryCancer;
        if (row.stage !== null) item.stage = row.stage;
        return item;
      });
      const last = page.at(-1);
      return { items, total, ...(rows.length > limit && last ? { nextCursor: encodeCursor({ s: last.sortName, k: last.key }) } : {}) };
    });
  }

  async getPatient(key: string): Promise<PatientRow | null> {
    const hot = this.#hotReads();
    const row = hot ? hot.patient(key) : await this.#read((db) => db.patient.findUnique({ where: { key } }));
    return row ? toPatientRow(row) : null;
  }

  async getFacts(patientKey: string, q: { kinds?: string[] } = {}): Promise<StoredFact[]> {
    const hot = q.kinds ? undefined : this.#hotReads();
    if (hot) return hot.facts(patientKey).map(toStoredFact);
    const rows = await this.#read((db) =>
      db.fact.findMany({ where: { patientKey, ...(q.kinds ? { kind: { in: q.kinds } } : {}) }, orderBy: { id: 'asc' } }),
    );
    return rows.map(toStoredFact);
  }

  async getTimeline(patientKey: string, q: TimelineQuery = {}): Promise<TimelinePage> {
    const limit = checkLimit('getTimeline', q.limit, 1000, 10_000);
    const where: Prisma.TimelineEventWhereInput = { patientKey };
    if (q.categories) where.category = { in: q.categories };
    if (q.from !== undefined || q.to !== undefined) {
      const range: Prisma.DateTimeNullableFilter = {};
      if (q.from !== undefined) {
        const from = parseIsoDate(q.from);
        if (!from) throw new Error(`getTimeline: from: expected an ISO 8601 date like 2019-04-01, found "${q.from}"`);
        range.gte = from.start;
      }
      if (q.to !== undefined) {
        const to = parseIsoDate(q.to);
        if (!to) throw new Error(`getTimeline: to: expected an ISO 8601 date like 2019-04-01, found "${q.to}"`);
        range.lt = to.endExclusive;
      }
      where.startAt = range;
    }
    const after = q.cursor ? decodeCursor(q.cursor, 'getTimeline', isTimelineCursor) : undefined;
    // The first page of the whole timeline (what the overview and the timeline page open with): prepared statements.
    const hot = q.categories || where.startAt || after ? undefined : this.#hotReads();
    if (hot) {
      const { total, undated } = hot.timelineCounts(patientKey);
      const rows = hot.timelineFirstPage(patientKey, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toStoredEvent),
        total,
        undatedCount: undated,
        ...(rows.length > limit && last ? { nextCursor: encodeCursor({ a: last.startAt ? last.startAt.toISOString() : null, i: last.id }) } : {}),
      };
    }
    let pageWhere = where;
    if (after) {
      const afterClause: Prisma.TimelineEventWhereInput =
        after.a === null
          ? { startAt: null, id: { gt: after.i } }
          : { OR: [{ startAt: { gt: new Date(after.a) } }, { startAt: new Date(after.a), id: { gt: after.i } }, { startAt: null }] };
      pageWhere = { AND: [where, afterClause] };
    }
    return this.#read(async (db) => {
      const [total, undatedCount, rows] = await Promise.all([
        db.timelineEvent.count({ where }),
        where.startAt ? Promise.resolve(0) : db.timelineEvent.count({ where: { ...where, startAt: null } }),
        db.timelineEvent.findMany({ where: pageWhere, orderBy: [{ startAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }], take: limit + 1 }),
      ]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toStoredEvent),
        total,
        undatedCount,
        ...(rows.length > limit && last ? { nextCursor: encodeCursor({ a: last.startAt ? last.startAt.toISOString() : null, i: last.id }) } : {}),
      };
    });
  }

  async getSourceRecord(key: string): Promise<{ record: SourceRecordRow; history: SourceRecordVersionRow[] } | null> {
    const hot = this.#hotReads();
    if (hot) return hot.sourceRecord(key);
    return this.#read(async (db) => {
      const record = await db.sourceRecord.findUnique({ where: { key } });
      if (!record) return null;
      const history = await db.sourceRecordVersion.findMany({ where: { recordKey: key }, orderBy: { version: 'desc' } });
      return { record, history };
    });
  }

  /**
   * Audit rows of a read, committed before this resolves, in a transaction of their own. SQLite: through the
   * writer's connection (its worker thread): no Prisma runtime on the request's path, and never inside an
   * interactive transaction another request has open on the Prisma connection. PostgreSQL: the Prisma client (the
   * writer's transactions take the import lock, which a read must not wait for).
   */
  async appendAuditEvents(rows: readonly AuditRowInsert[]): Promise<void> {
    if (rows.length === 0) return;
    const now = new Date();
    const writer = this.#writer();
    if (writer.insertCommitted) {
      await writer.insertCommitted('AuditEvent', [...AUDIT_COLUMNS, 'recordedAt'], rows.map((row) => [...AUDIT_COLUMNS.map((c) => row[c]), now]));
      return;
    }
    await this.#read((db) => db.auditEvent.createMany({ data: rows.map((row) => ({ ...row, recordedAt: now })) }));
  }

  listPatientRecords(patientKey: string, kind: string): Promise<{ key: string; content: string }[]> {
    return this.#read((db) => db.sourceRecord.findMany({ where: { patientKey, kind }, select: { key: true, content: true }, orderBy: { key: 'asc' } }));
  }

  listImportRuns(limit = 20): Promise<ImportRunRow[]> {
    const take = checkLimit('listImportRuns', limit, 20, 1000);
    return this.#read((db) => db.importRun.findMany({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take }));
  }

  getImportIssues(runId: string): Promise<ImportIssueRow[]> {
    return this.#read((db) => db.importIssue.findMany({ where: { runId }, orderBy: { id: 'asc' } }));
  }

  countRecords(): Promise<StoreCounts> {
    return this.#read(async (db) => {
      const [patients, sourceRecords, facts, events, versions] = await Promise.all([
        db.patient.count(),
        db.sourceRecord.count(),
        db.fact.count(),
        db.timelineEvent.count(),
        db.sourceRecordVersion.count(),
      ]);
      return { patients, sourceRecords, facts, events, versions };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hot?.close();
    await Promise.all([this.#sql.close(), this.prisma.$disconnect(), this.#liveness.close()]);
  }
}
