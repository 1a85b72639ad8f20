import type { Store, WriteAudit } from './types';

/** A store whose record writes carry audit rows in their own transactions, and which counts the batches audited. */
export interface AuditedWritesStore extends Store {
  /** Batches written so far that changed patient data (each with its audit rows). */
  readonly auditedBatches: number;
}

/**
 * The store as seen by a change that must be audited (an import, a board decision): every `writeRecords` batch
 * inserts the audit rows `audit` builds for the patients it changed, in the batch's transaction — so a crash can
 * never leave a change without its audit record. Everything else is the store itself.
 */
export function withWriteAudit(store: Store, audit: WriteAudit): AuditedWritesStore {
  let auditedBatches = 0;
  const counting: WriteAudit = (change) => {
    const rows = audit(change);
    if (rows.length > 0) auditedBatches += 1;
    return rows;
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'auditedBatches') return auditedBatches;
      if (prop === 'writeRecords') {
        return (runId: string, batch: Parameters<Store['writeRecords']>[1], opts: Parameters<Store['writeRecords']>[2] = {}) =>
          target.writeRecords(runId, batch, { ...opts, audit: counting });
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as AuditedWritesStore;
}
