/**
 * The hot reads on SQLite: a read-only better-sqlite3 connection of its own, each statement prepared once (the
 * Prisma adapter prepares every statement again on every call, and the Prisma runtime costs more than the query).
 * One signed-in page view runs these: session + user, patient access, and the patient's rows for the overview.
 *
 * Consistency: the database is in WAL mode, so each statement here reads the latest committed state (never a write
 * half done, on this or another connection). Unlike reads through `store.prisma`, they do not see writes of an
 * interactive transaction still open on the Prisma connection; none of the reads served here follows a write in
 * the same transaction (board changes write board rows; facts, events and records are written by the store's
 * writer in its own transactions).
 *
 * Rows come back shaped like the Prisma client's (Dates, booleans, numbers), so the store maps them as before.
 */
import Database from 'better-sqlite3';
import type { Prisma } from './client';

/** The Fact columns the store maps to a StoredFact. */
export type FactRow = Pick<
  Prisma.FactGetPayload<object>,
  'id' | 'patientKey' | 'sourceRecordKey' | 'kind' | 'codeSystem' | 'code' | 'codeDisplay' | 'valueJson' | 'effectiveStart' | 'effectiveEnd' | 'status' | 'attributesJson' | 'provenanceJson'
>;
export type EventRecord = Prisma.TimelineEventGetPayload<object>;
export type PatientRecord = Prisma.PatientGetPayload<object>;
export type SourceRecordRecord = Prisma.SourceRecordGetPayload<object>;
export type SourceRecordVersionRecord = Prisma.SourceRecordVersionGetPayload<object>;

/** A session with its user: what every signed-in request needs, in one query. */
export interface SessionWithUser {
  id: string;
  userId: string;
  csrfTokenHash: string;
  lastSeenAt: Date;
  expiresAt: Date;
  user: { id: string; username: string; displayName: string; rolesJson: string; disabled: boolean };
}

type Raw = Record<string, unknown>;

/** SQLite's CURRENT_TIMESTAMP text: UTC, no offset. */
const SQLITE_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d(\.\d+)?)?$/;

/**
 * A DateTime column as stored: ISO 8601 with offset (the adapter's and the writer's iso8601 format), SQLite's
 * CURRENT_TIMESTAMP ("2019-04-01 12:00:00", UTC) or epoch milliseconds (Prisma's older SQLite default).
 */
export function sqliteDate(value: unknown, where: string): Date {
  let d: Date;
  if (value instanceof Date) d = value;
  else if (typeof value === 'number' || typeof value === 'bigint') d = new Date(Number(value));
  else if (typeof value === 'string') d = new Date(SQLITE_TIMESTAMP.test(value) ? `${value.replace(' ', 'T')}Z` : value);
  else throw new Error(`${where}: expected a stored date, found ${value === null ? 'NULL' : typeof value}`);
  if (Number.isNaN(d.getTime())) throw new Error(`${where}: expected a stored date, found "${String(value)}"`);
  return d;
}

const dateOrNull = (value: unknown, where: string): Date | null => (value === null || value === undefined ? null : sqliteDate(value, where));
const bool = (value: unknown): boolean => value === 1 || value === 1n || value === true || value === '1';
/** Prisma returns Bytes as a plain Uint8Array, better-sqlite3 as a Buffer: copied, so both compare equal. */
const bytes = (value: unknown): Uint8Array<ArrayBuffer> | null => (value instanceof Uint8Array ? Uint8Array.from(value) : null);

const SESSION_WITH_USER = `
  SELECT s."id", s."userId", s."csrfTokenHash", s."lastSeenAt", s."expiresAt",
         u."id" AS "u_id", u."username" AS "u_username", u."displayName" AS "u_displayName", u."rolesJson" AS "u_rolesJson", u."disabled" AS "u_disabled"
  FROM "Session" s JOIN "User" u ON u."id" = s."userId"
  WHERE s."id" = ?`;

/** On the care team, or holding a seat on a board that has the patient as a case: one statement. */
const PATIENT_ACCESS = `
  SELECT EXISTS (SELECT 1 FROM "CareTeamMember" WHERE "userId" = ? AND "patientKey" = ?)
      OR EXISTS (SELECT 1 FROM "BoardCase" c JOIN "BoardMember" m ON m."boardId" = c."boardId" WHERE c."patientKey" = ? AND m."userId" = ?) AS "ok"`;

const FACT_COLUMNS = '"id", "patientKey", "sourceRecordKey", "kind", "codeSystem", "code", "codeDisplay", "valueJson", "effectiveStart", "effectiveEnd", "status", "attributesJson", "provenanceJson"';

export class SqliteReads {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    // query_only: this connection never writes, so it never takes the write lock (never waits on, nor blocks, the
    // writers). Not opened { readonly: true }: a read-only WAL connection re-checks the WAL on every statement
    // (measured 2.5x slower here). No mmap: every commit of another connection (one audit row per request) makes a
    // connection with mmap re-map the file on its next read (measured ~1 ms per read against 0.07 ms without).
    this.#db = new Database(path, { fileMustExist: true, timeout: 15_000 });
    this.#db.pragma('query_only = ON');
    this.#db.pragma('cache_size = -16384'); // 16 MiB: the hot rows only
  }

  /** Prepared on first use, then reused for the life of the connection (a fixed set: the SQL texts below). */
  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  sessionWithUser(id: string): SessionWithUser | null {
    const row = this.#statement(SESSION_WITH_USER).get(id) as Raw | undefined;
    if (!row) return null;
    return {
      id: row.id as string,
      userId: row.userId as string,
      csrfTokenHash: row.csrfTokenHash as string,
      lastSeenAt: sqliteDate(row.lastSeenAt, 'Session.lastSeenAt'),
      expiresAt: sqliteDate(row.expiresAt, 'Session.expiresAt'),
      user: {
        id: row.u_id as string,
        username: row.u_username as string,
        displayName: row.u_displayName as string,
        rolesJson: row.u_rolesJson as string,
        disabled: bool(row.u_disabled),
      },
    };
  }

  canSeePatient(userId: string, patientKey: string): boolean {
    const row = this.#statement(PATIENT_ACCESS).get(userId, patientKey, patientKey, userId) as { ok: number };
    return row.ok === 1;
  }

  patient(key: string): PatientRecord | null {
    const row = this.#statement('SELECT * FROM "Patient" WHERE "key" = ?').get(key) as Raw | undefined;
    if (!row) return null;
    return {
      ...(row as unknown as PatientRecord),
      isStub: bool(row.isStub),
      createdAt: sqliteDate(row.createdAt, 'Patient.createdAt'),
      updatedAt: sqliteDate(row.updatedAt, 'Patient.updatedAt'),
    };
  }

  /** The facts of a patient, in the order they were written; only the columns the store maps. */
  facts(patientKey: string): FactRow[] {
    return this.#statement(`SELECT ${FACT_COLUMNS} FROM "Fact" WHERE "patientKey" = ? ORDER BY "id" ASC`).all(patientKey) as FactRow[];
  }

  /** All events of a patient and the undated ones among them. */
  timelineCounts(patientKey: string): { total: number; undated: number } {
    const row = this.#statement('SELECT COUNT(*) AS "total", COUNT(*) - COUNT("startAt") AS "undated" FROM "TimelineEvent" WHERE "patientKey" = ?').get(patientKey) as {
      total: number;
      undated: number;
    };
    return { total: row.total, undated: row.undated };
  }

  /** The first `take` events of a patient: by start (undated last), then by id, as Prisma orders them. */
  timelineFirstPage(patientKey: string, take: number): EventRecord[] {
    // Dated, then undated: two walks of the (patientKey, startAt, id) index instead of sorting all the patient's events.
    const rows = this.#statement('SELECT * FROM "TimelineEvent" WHERE "patientKey" = ? AND "startAt" IS NOT NULL ORDER BY "startAt" ASC, "id" ASC LIMIT ?').all(patientKey, take) as Raw[];
    if (rows.length < take) {
      rows.push(...(this.#statement('SELECT * FROM "TimelineEvent" WHERE "patientKey" = ? AND "startAt" IS NULL ORDER BY "id" ASC LIMIT ?').all(patientKey, take - rows.length) as Raw[]));
    }
    return rows.map((row) => ({
      ...(row as unknown as EventRecord),
      startAt: dateOrNull(row.startAt, 'TimelineEvent.startAt'),
      endAt: dateOrNull(row.endAt, 'TimelineEvent.endAt'),
    }));
  }

  sourceRecord(key: string): { record: SourceRecordRecord; history: SourceRecordVersionRecord[] } | null {
    const row = this.#statement('SELECT * FROM "SourceRecord" WHERE "key" = ?').get(key) as Raw | undefined;
    if (!row) return null;
    const record = { ...(row as unknown as SourceRecordRecord), contentBytes: bytes(row.contentBytes), importedAt: sqliteDate(row.importedAt, 'SourceRecord.importedAt') };
    const history = (this.#statement('SELECT * FROM "SourceRecordVersion" WHERE "recordKey" = ? ORDER BY "version" DESC').all(key) as Raw[]).map((v) => ({
      ...(v as unknown as SourceRecordVersionRecord),
      contentBytes: bytes(v.contentBytes),
      importedAt: sqliteDate(v.importedAt, 'SourceRecordVersion.importedAt'),
      supersededAt: sqliteDate(v.supersededAt, 'SourceRecordVersion.supersededAt'),
    }));
    return { record, history };
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}
