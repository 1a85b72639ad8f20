import type { Store } from '@oncoboard/store';
import type { RecordLookup } from './verify-summary';

/** The verifier's record lookup over the OncoBoard store. */
export function storeRecordLookup(store: Pick<Store, 'getSourceRecord'>): RecordLookup {
  return async (key) => {
    const found = await store.getSourceRecord(key);
    return found ? { patientKey: found.record.patientKey, content: found.record.content } : null;
  };
}
