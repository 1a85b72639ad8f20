/**
 * The audit trail: one row per read or change of patient data (and per refused attempt, and per sign-in),
 * shaped after FHIR R4 AuditEvent so it exports as one. Rows never hold patient data beyond the patient's key
 * and record keys; outcome descriptions are error codes.
 */
import type { Store } from '@oncoboard/store';
import type { AuthDb } from './db';

/** AuditEvent.action: Create, Read, Update, Delete, Execute. */
export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';
/** AuditEvent.outcome: success, minor failure (refused), serious failure, major failure. */
export type AuditOutcome = '0' | '4' | '8' | '12';

export interface AuditEventInput {
  action: AuditAction;
  /** The tRPC procedure or CLI command, e.g. "patients.overview", "cli:import". */
  operation: string;
  outcome: AuditOutcome;
  outcomeDesc?: string;
  user?: { id?: string; username: string; roles: readonly string[] } | null;
  patientKey?: string | null;
  entities?: readonly string[];
  sourceIp?: string;
  userAgent?: string;
}

const MAX_ENTITIES = 1000;

export function auditRow(e: AuditEventInput) {
  return {
    action: e.action,
    operation: e.operation.slice(0, 200),
    outcome: e.outcome,
    outcomeDesc: e.outcomeDesc?.slice(0, 200) ?? null,
    userId: e.user?.id ?? null,
    username: e.user?.username ?? null,
    rolesJson: JSON.stringify(e.user?.roles ?? []),
    patientKey: e.patientKey ?? null,
    entitiesJson: JSON.stringify((e.entities ?? []).slice(0, MAX_ENTITIES)),
    sourceIp: e.sourceIp?.slice(0, 100) ?? null,
    userAgent: e.userAgent?.slice(0, 500) ?? null,
  };
}

/** Writes one audit row; pass a transaction client to make it part of the change it records. */
export async function recordAuditEvent(db: Pick<AuthDb, 'auditEvent'>, event: AuditEventInput): Promise<void> {
  // createMany: no read-back of the row (create would select it again), one statement on the hot path of every read.
  await db.auditEvent.createMany({ data: [auditRow(event)] });
}

/**
 * Writes the audit row of a read through the store, in a transaction of its own, committed when this resolves
 * (SQLite: on the writer's connection, off the request's thread). A change writes its row with recordAuditEvent on
 * the change's own transaction instead.
 */
export async function appendAuditEvent(store: Pick<Store, 'appendAuditEvents'>, event: AuditEventInput): Promise<void> {
  await store.appendAuditEvents([auditRow(event)]);
}

export async function recordAuditEvents(db: Pick<AuthDb, 'auditEvent'>, events: readonly AuditEventInput[]): Promise<void> {
  if (events.length > 0) await db.auditEvent.createMany({ data: events.map(auditRow) });
}

export interface AuditSearch {
  patientKey?: string;
  username?: string;
  operation?: string;
  action?: AuditAction;
  outcome?: AuditOutcome;
  /** Inclusive ISO instants. */
  from?: string;
  to?: string;
  /** The id of the last row of the previous page (rows come newest first). */
  before?: number;
  limit?: number;
}

export interface AuditEventRow {
  id: number;
  recordedAt: string;
  action: AuditAction;
  operation: string;
  outcome: AuditOutcome;
  outcomeDesc?: string;
  userId?: string;
  username?: string;
  roles: string[];
  patientKey?: string;
  entities: string[];
  sourceIp?: string;
  userAgent?: string;
}

function parseList(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function instant(value: string, name: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new Error(`audit search: ${name}: expected an ISO 8601 instant, got "${value}"`);
  return d;
}

/** Newest first; `nextBefore` pages on. */
export async function searchAuditEvents(db: Pick<AuthDb, 'auditEvent'>, q: AuditSearch = {}): Promise<{ items: AuditEventRow[]; nextBefore?: number }> {
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
  const rows = await db.auditEvent.findMany({
    where: {
      ...(q.patientKey ? { patientKey: q.patientKey } : {}),
      ...(q.username ? { username: q.username.toLowerCase() } : {}),
      ...(q.operation ? { operation: q.operation } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.outcome ? { outcome: q.outcome } : {}),
      ...(q.from || q.to ? { recordedAt: { ...(q.from ? { gte: instant(q.from, 'from') } : {}), ...(q.to ? { lte: instant(q.to, 'to') } : {}) } } : {}),
      ...(q.before ? { id: { lt: q.before } } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const items = rows.slice(0, limit).map((r): AuditEventRow => ({
    id: r.id,
    recordedAt: r.recordedAt.toISOString(),
    action: r.action as AuditAction,
    operation: r.operation,
    outcome: r.outcome as AuditOutcome,
    ...(r.outcomeDesc ? { outcomeDesc: r.outcomeDesc } : {}),
    ...(r.userId ? { userId: r.userId } : {}),
    ...(r.username ? { username: r.username } : {}),
    roles: parseList(r.rolesJson),
    ...(r.patientKey ? { patientKey: r.patientKey } : {}),
    entities: parseList(r.entitiesJson),
    ...(r.sourceIp ? { sourceIp: r.sourceIp } : {}),
    ...(r.userAgent ? { userAgent: r.userAgent } : {}),
  }));
  return { items, ...(rows.length > limit ? { nextBefore: items.at(-1)!.id } : {}) };
}

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const OPERATION_SYSTEM = 'urn:oncoboard:audit-operation';
const RECORD_SYSTEM = 'urn:oncoboard:record-key';

/** A record key as a FHIR Reference: "fhir/Condition/x" -> Condition/x; other keys (dicom/…, vcf/…) as identifiers. */
function entityReference(key: string): { reference: string } | { identifier: { system: string; value: string } } {
  const fhir = /^fhir\/([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(key);
  if (fhir) return { reference: fhir[1]! };
  if (/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(key)) return { reference: key };
  return { identifier: { system: RECORD_SYSTEM, value: key } };
}

/** One row as a FHIR R4 AuditEvent resource. */
export function toFhirAuditEvent(row: AuditEventRow): Record<string, unknown> {
  const isSignIn = row.operation.startsWith('auth.');
  const entity: Record<string, unknown>[] = [];
  if (row.patientKey) {
    entity.push({
      what: { reference: row.patientKey },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
    });
  }
  for (const key of row.entities) {
    if (key === row.patientKey) continue;
    entity.push({ what: entityReference(key), type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } });
  }
  return {
    resourceType: 'AuditEvent',
    id: `oncoboard-audit-${row.id}`,
    type: isSignIn ? { system: DCM, code: '110114', display: 'User Authentication' } : { system: DCM, code: '110110', display: 'Patient Record' },
    subtype: [{ system: OPERATION_SYSTEM, code: row.operation }],
    action: row.action,
    recorded: row.recordedAt,
    outcome: row.outcome,
    ...(row.outcomeDesc ? { outcomeDesc: row.outcomeDesc } : {}),
    agent: [
      {
        ...(row.roles.length ? { role: row.roles.map((r) => ({ text: r })) } : {}),
        who: row.username ? { identifier: { system: 'urn:oncoboard:username', value: row.username }, display: row.username } : { display: 'anonymous' },
        requestor: true,
        ...(row.sourceIp ? { network: { address: row.sourceIp, type: '2' } } : {}),
      },
    ],
    source: { observer: { display: 'OncoBoard' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }] },
    ...(entity.length ? { entity } : {}),
  };
}

/** A FHIR R4 Bundle (collection) of the matching events, newest first, at most `limit` (default 10,000). */
export async function exportAuditBundle(db: Pick<AuthDb, 'auditEvent'>, q: AuditSearch = {}): Promise<Record<string, unknown>> {
  const { items } = await searchAuditEvents(db, { ...q, limit: q.limit ?? 10_000 });
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: items.map((row) => ({ fullUrl: `urn:oncoboard:audit:${row.id}`, resource: toFhirAuditEvent(row) })),
  };
}
