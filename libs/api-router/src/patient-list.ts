/**
 * The patient list, filtered to the caller's patients (care team, board seats) in the store's query itself, so
 * paging, the total count and the fact/event counts only ever see accessible patients.
 */
import { accessiblePatientsWhere, type AuthUser } from '@oncoboard/auth';
import type { PatientListItem, PatientSearch, Store } from '@oncoboard/store';
import { readPage } from './store-cursor';

export function searchAccessiblePatients(store: Store, user: AuthUser, q: PatientSearch): Promise<{ items: PatientListItem[]; nextCursor?: string; total: number }> {
  return readPage(q.cursor, () => store.searchPatients(q, accessiblePatientsWhere(user)));
}
