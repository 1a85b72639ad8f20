/**
 * The patient list, filtered to the caller's patients (care team, board seats) in the store's query itself, so
 * paging, the total count and the fact/event counts only ever see accessible patients.
 */
import { accessiblePatientsWhere, type AuthUser } from '@oncoboard/auth';
import type { PatientListItem, PatientSearch, Store } from '@oncoboard/store';
import { TRPCError } from '@trpc/server';

export async function searchAccessiblePatients(store: Store, user: AuthUser, q: PatientSearch): Promise<{ items: PatientListItem[]; nextCursor?: string; total: number }> {
  try {
    return await store.searchPatients(q, accessiblePatientsWhere(user));
  } catch (error) {
    // The store names the cursor it refused; the caller gets a message without it (a cursor holds a patient's sort name).
    if (error instanceof RangeError) throw new TRPCError({ code: 'BAD_REQUEST', message: q.cursor !== undefined ? 'cursor: expected the nextCursor of a previous page' : error.message });
    throw error;
  }
}
