import { withWriteAudit, type AuditedWritesStore, type Store } from '@oncoboard/store';
import { auditRow, type AuditEventInput } from './audit';

/** Who makes a change and through what (the rest of an audit record: patient, entities and outcome come from the write). */
export type ChangeActor = Omit<AuditEventInput, 'outcome' | 'outcomeDesc' | 'patientKey' | 'entities'>;

/**
 * The store for an audited change written through the store's own record writes (imports, board decisions): each
 * batch that changes a patient's data writes one audit record per patient changed — the import run, the patient
 * and the records written — in that batch's transaction.
 */
export function storeAuditingChanges(store: Store, actor: ChangeActor): AuditedWritesStore {
  return withWriteAudit(store, ({ runId, patients }) =>
    patients.map(({ patientKey, recordKeys }) =>
      auditRow({ ...actor, outcome: '0', patientKey, entities: [`import-run/${runId}`, patientKey, ...recordKeys] }),
    ),
  );
}
