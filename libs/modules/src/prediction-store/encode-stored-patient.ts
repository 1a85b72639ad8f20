// How serving encodes a patient: every module asked for reads ALL of the patient's stored facts (no split by the
// record a fact came from). PatientPredictionService (`oncoboard predict`, the API) and the demo model's training
// (tools/synth-cohort/train-demo-model.ts) both call this, so a model is trained on the encodings it is served.
import type { ModalityEncoding, ModalityModuleRegistry } from '@oncoboard/fusion-model';
import type { Store } from '@oncoboard/store';

export interface StoredPatientEncodings {
  /** One per module that found input, in the order of `moduleIds`; a module without input is a missing modality. */
  encodings: ModalityEncoding[];
  /** Module ids asked for that the registry does not hold. */
  unavailable: string[];
}

export async function encodeStoredPatient(store: Store, registry: ModalityModuleRegistry, patientKey: string, moduleIds: readonly string[]): Promise<StoredPatientEncodings> {
  const facts = await store.getFacts(patientKey);
  const encodings: ModalityEncoding[] = [];
  const unavailable: string[] = [];
  for (const id of moduleIds) {
    if (!registry.get(id)) {
      unavailable.push(id);
      continue;
    }
    const encoding = await registry.encodePatient(id, patientKey, facts);
    if (encoding) encodings.push(encoding);
  }
  return { encodings, unavailable };
}
