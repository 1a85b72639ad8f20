// Which of the four modalities a stored fact belongs to, by the key of the record it came from. Kept apart from
// encode-cohort.ts (which loads every modality module) so that a cheap check — is this patient already imported? —
// does not load them.
export type ModalityName = 'clinical' | 'imaging' | 'pathology' | 'genomics';
export const MODALITY_NAMES: readonly ModalityName[] = ['clinical', 'imaging', 'pathology', 'genomics'];

export function modalityOfSourceRecord(sourceRecordKey: string): ModalityName | undefined {
  const prefix = sourceRecordKey.split('/')[0];
  if (prefix === 'fhir') return 'clinical';
  if (prefix === 'pathology') return 'pathology';
  if (prefix === 'vcf' || prefix === 'kb') return 'genomics';
  if (prefix === 'imaging' || prefix === 'dicom') return 'imaging';
  return undefined;
}
