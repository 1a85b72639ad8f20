// The joint model's training/evaluation table: per modality an N × vectorSize block (zeros where the patient
// lacks the modality), the N × M presence mask, and the survival outcome.
import type { ModalityEncoding } from '../modality-module';
import type { JointModalitySpec } from './joint-weights';

export interface JointDataset {
  modalities: JointModalitySpec[];
  patientKeys: string[];
  /** Per modality, row-major N × vectorSize; rows of patients without the modality are zeros. */
  inputs: Float32Array[];
  /** N × M: 1 where the patient has the modality, else 0. */
  mask: Float32Array;
  time: Float64Array;
  /** 1 = event observed, 0 = censored. */
  event: Uint8Array;
  /** Treatment names per patient (for similar-patient lists); optional. */
  treatments?: string[][];
}

export interface JointRow {
  patientKey: string;
  /** The patient's encodings by module id; a missing modality is absent. */
  encodings: Partial<Record<string, Pick<ModalityEncoding, 'moduleId' | 'moduleVersion' | 'vector'>>>;
  outcome: { time: number; event: boolean };
  treatments?: string[];
}

/** The message of every refusal to predict for a patient without any modality the model knows. */
export const NOT_ENOUGH_DATA = 'not enough data to predict';

/** Thrown for a patient (or input row) with no modality present: the model never returns a default prediction. */
export class NotEnoughDataError extends Error {
  constructor(readonly detail: string) {
    super(`${NOT_ENOUGH_DATA}: ${detail}`);
    this.name = 'NotEnoughDataError';
  }
}

/** Checks an encoding against the modality the model was trained on. */
export function checkEncoding(spec: JointModalitySpec, e: Pick<ModalityEncoding, 'moduleId' | 'moduleVersion' | 'vector'>, who: string): void {
  if (e.moduleId !== spec.id) throw new Error(`${who}: encoding of module "${e.moduleId}" given for modality "${spec.id}"`);
  if (e.moduleVersion !== spec.moduleVersion) throw new Error(`${who}: ${spec.id}: encoded by ${e.moduleId}@${e.moduleVersion}, the model was trained on ${spec.id}@${spec.moduleVersion}`);
  if (e.vector.length !== spec.vectorSize) throw new Error(`${who}: ${spec.id}: expected a vector of ${spec.vectorSize} values, found ${e.vector.length}`);
  if (e.vector.some((v) => !Number.isFinite(v))) throw new Error(`${who}: ${spec.id}: the vector has a non-finite value`);
}

/** Builds the table; rows without any modality are refused (name them), never silently kept as zeros. */
export function buildJointDataset(modalities: JointModalitySpec[], rows: JointRow[]): JointDataset {
  const n = rows.length;
  const M = modalities.length;
  const inputs = modalities.map((m) => new Float32Array(n * m.vectorSize));
  const mask = new Float32Array(n * M);
  const time = new Float64Array(n);
  const event = new Uint8Array(n);
  rows.forEach((row, i) => {
    let present = 0;
    modalities.forEach((spec, m) => {
      const e = row.encodings[spec.id];
      if (!e) return;
      checkEncoding(spec, e, row.patientKey);
      inputs[m]!.set(e.vector, i * spec.vectorSize);
      mask[i * M + m] = 1;
      present++;
    });
    if (present === 0) throw new NotEnoughDataError(`${row.patientKey} has none of the modalities ${modalities.map((m) => m.id).join(', ')}`);
    if (!Number.isFinite(row.outcome.time) || row.outcome.time < 0) throw new Error(`${row.patientKey}: outcome time: expected a non-negative number, found ${row.outcome.time}`);
    time[i] = row.outcome.time;
    event[i] = row.outcome.event ? 1 : 0;
  });
  return { modalities, patientKeys: rows.map((r) => r.patientKey), inputs, mask, time, event, treatments: rows.map((r) => r.treatments ?? []) };
}

/** The rows `indices` of a dataset (duplicates allowed: bootstrap samples). */
export function subsetJointDataset(data: JointDataset, indices: readonly number[]): JointDataset {
  const M = data.modalities.length;
  return {
    modalities: data.modalities,
    patientKeys: indices.map((i) => data.patientKeys[i]!),
    inputs: data.modalities.map((spec, m) => {
      const out = new Float32Array(indices.length * spec.vectorSize);
      indices.forEach((i, r) => out.set(data.inputs[m]!.subarray(i * spec.vectorSize, (i + 1) * spec.vectorSize), r * spec.vectorSize));
      return out;
    }),
    mask: Float32Array.from(indices.flatMap((i) => Array.from(data.mask.subarray(i * M, (i + 1) * M)))),
    time: Float64Array.from(indices.map((i) => data.time[i]!)),
    event: Uint8Array.from(indices.map((i) => data.event[i]!)),
    ...(data.treatments ? { treatments: indices.map((i) => data.treatments![i]!) } : {}),
  };
}

/** The same rows with modality `m` missing for every patient (input zeroed, mask 0): the model as it sees a patient without it. */
export function withModalityMasked(data: JointDataset, m: number): JointDataset {
  const M = data.modalities.length;
  if (!Number.isInteger(m) || m < 0 || m >= M) throw new RangeError(`withModalityMasked: modality ${m} is not one of the dataset's ${M}`);
  const mask = data.mask.slice();
  for (let i = m; i < mask.length; i += M) mask[i] = 0;
  return { ...data, inputs: data.inputs.map((x, j) => (j === m ? new Float32Array(x.length) : x)), mask };
}
