import type { Store } from '@oncoboard/store';
import { MODEL_CARD_RECORD_PREFIX, PREDICTION_RECORD_PREFIX, predictionById, predictionRecordContent } from './model-prediction';
import type { RecordLookup } from './verify-summary';

/**
 * The verifier's record lookup over the OncoBoard store: source records by key, and the joint model's stored
 * predictions ("prediction/<id>", the patient's) and model cards ("model-card/<modelVersionId>", of no patient).
 */
export function storeRecordLookup(store: Pick<Store, 'getSourceRecord' | 'prisma'>): RecordLookup {
  return async (key) => {
    if (key.startsWith(PREDICTION_RECORD_PREFIX)) {
      const id = Number(key.slice(PREDICTION_RECORD_PREFIX.length));
      if (!Number.isSafeInteger(id) || id <= 0) return null;
      const prediction = await predictionById(store, id);
      return prediction ? { patientKey: prediction.patientKey, content: predictionRecordContent(prediction) } : null;
    }
    if (key.startsWith(MODEL_CARD_RECORD_PREFIX)) {
      const model = await store.prisma.modelVersion.findUnique({ where: { id: key.slice(MODEL_CARD_RECORD_PREFIX.length) }, select: { card: true } });
      return model ? { patientKey: null, content: model.card } : null;
    }
    const found = await store.getSourceRecord(key);
    return found ? { patientKey: found.record.patientKey, content: found.record.content } : null;
  };
}
