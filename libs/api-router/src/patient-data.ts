/**
 * Patient data behind access checks and the audit trail. Every procedure that reads or changes one patient's
 * data goes through readPatientData / changePatientData: the caller must see the patient (care team or board
 * seat), and each call writes exactly one audit record: success (0), refused or bad request (4), failed (8).
 */
import { appendAuditEvent, canSeePatient, recordAuditEvent, storeAuditingChanges, visiblePatientKeys, type AuditAction, type AuditOutcome } from '@oncoboard/auth';
import type { Prisma, Store, StoreClient } from '@oncoboard/store';
import { TRPCError } from '@trpc/server';
import type { AuthorizedContext } from './trpc';

interface AuditFacts {
  action: AuditAction;
  outcome: AuditOutcome;
  outcomeDesc?: string;
  patientKey?: string | null;
  entities?: readonly string[];
}

function auditInput(ctx: AuthorizedContext, facts: AuditFacts) {
  return { ...facts, operation: ctx.operation, user: ctx.user, sourceIp: ctx.client?.ip, userAgent: ctx.client?.userAgent };
}

/** The audit of a failure must not hide the failure itself. */
async function auditFailure(ctx: AuthorizedContext, facts: Omit<AuditFacts, 'outcome'>, error: unknown): Promise<void> {
  // The error's code, never its message: messages can name patient data.
  const clientError = error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR';
  const desc = error instanceof TRPCError ? error.code : error instanceof Error ? error.name : 'Error';
  await appendAuditEvent(ctx.store, auditInput(ctx, { ...facts, outcome: clientError ? '4' : '8', outcomeDesc: desc })).catch(() => undefined);
}

/** FORBIDDEN (audited, outcome 4) unless the caller sees every one of these patients. */
export async function requirePatientAccess(ctx: AuthorizedContext, action: AuditAction, patientKeys: readonly string[]): Promise<void> {
  const keys = [...new Set(patientKeys)];
  if (keys.length === 0) return;
  // One patient (the common case): one query (care team or board seat) through the store's access reads.
  if (keys.length === 1 && (await canSeePatient(ctx.store.prisma, ctx.user, keys[0]!, ctx.store.accessReads))) return;
  if (keys.length > 1) {
    const visible = await visiblePatientKeys(ctx.store.prisma, ctx.user, keys);
    if (keys.every((k) => visible.has(k))) return;
  }
  await appendAuditEvent(ctx.store, auditInput(ctx, { action, outcome: '4', outcomeDesc: 'FORBIDDEN: patient', patientKey: keys.length === 1 ? keys[0] : null, entities: keys }));
  // The same answer whether the patient exists or not.
  throw new TRPCError({ code: 'FORBIDDEN', message: `${ctx.operation}: no access to this patient (not on the care team or a board with the case)` });
}

interface PatientScope<T> {
  /** The patient(s) the call is about; access to all of them is required. Null/empty: no single patient (a list). */
  patientKeys: readonly string[];
  /** The record keys read or changed, for the audit record (default: none beyond the patient). */
  entitiesOf?: (result: NoInfer<T>) => readonly string[];
}

function auditPatient(keys: readonly string[]): string | null {
  return keys.length === 1 ? keys[0]! : null;
}

export async function readPatientData<T>(ctx: AuthorizedContext, scope: PatientScope<T>, read: () => Promise<T>): Promise<T> {
  if (scope.patientKeys.length) await requirePatientAccess(ctx, 'R', scope.patientKeys);
  const base = { action: 'R' as const, patientKey: auditPatient(scope.patientKeys) };
  let result: T;
  try {
    result = await read();
  } catch (error) {
    await auditFailure(ctx, { ...base, entities: scope.patientKeys }, error);
    throw error;
  }
  // No audit, no answer: if the record cannot be written the read fails. Committed (its own transaction, through
  // the store's writer) before the answer leaves.
  await appendAuditEvent(ctx.store, auditInput(ctx, { ...base, outcome: '0', entities: scope.entitiesOf?.(result) ?? scope.patientKeys }));
  return result;
}

/**
 * The store seen through a transaction: its Prisma client is the transaction's; its own methods (reads, and the
 * driver-level writes of imports) keep theirs. On SQLite both are the same connection, so reads made inside see
 * the transaction's writes.
 */
export function storeInTransaction(store: Store, tx: Prisma.TransactionClient): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'prisma') return tx as unknown as StoreClient;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A change of patient data with its audit record.
 * - `transactional: true`: the change (which must write only through `store.prisma`) and its audit record commit
 *   together or not at all.
 * - `transactional: false`: for changes that write through the store's record writes (imports, board decisions:
 *   libs/ingest, libs/tumor-board), each batch its own transaction. The change gets a store whose batches write
 *   their audit records (one per patient changed) inside their transactions; a call that changed nothing (all
 *   records unchanged) gets one record afterwards, so every call is on the trail.
 */
export async function changePatientData<T, P = undefined>(
  ctx: AuthorizedContext,
  scope: PatientScope<T> & {
    action: Exclude<AuditAction, 'R'>;
    transactional: boolean;
    patientKeysOf?: (result: NoInfer<T>) => readonly string[];
    /** Slow reads the change needs (e.g. composing with a chat model), run after the access check and outside the transaction. */
    prepare?: () => Promise<P>;
  },
  change: (store: Store, prepared: P) => Promise<T>,
): Promise<T> {
  if (scope.patientKeys.length) await requirePatientAccess(ctx, scope.action, scope.patientKeys);
  const success = (result: T) => {
    const keys = scope.patientKeysOf?.(result) ?? scope.patientKeys;
    return auditInput(ctx, { action: scope.action, outcome: '0', patientKey: auditPatient(keys), entities: scope.entitiesOf?.(result) ?? keys });
  };
  try {
    const prepared = (scope.prepare ? await scope.prepare() : undefined) as P;
    if (scope.transactional) {
      return await ctx.store.prisma.$transaction(
        async (tx) => {
          const result = await change(storeInTransaction(ctx.store, tx), prepared);
          await recordAuditEvent(tx, success(result));
          return result;
        },
        { maxWait: 15_000, timeout: 120_000 },
      );
    }
    const auditing = storeAuditingChanges(ctx.store, { action: scope.action, operation: ctx.operation, user: ctx.user, sourceIp: ctx.client?.ip, userAgent: ctx.client?.userAgent });
    const result = await change(auditing, prepared);
    if (auditing.auditedBatches === 0) await recordAuditEvent(ctx.store.prisma, success(result));
    return result;
  } catch (error) {
    await auditFailure(ctx, { action: scope.action, patientKey: auditPatient(scope.patientKeys), entities: scope.patientKeys }, error);
    throw error;
  }
}
