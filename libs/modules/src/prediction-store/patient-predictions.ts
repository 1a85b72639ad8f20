// Predicting for a patient in the store: the registry's modules encode the patient's facts (each encoding
// cached as a ModalityEncoding row by module id + version + input hash), the model version runs, and the
// Prediction is stored linked to its ModelVersion and the encodings it used — all rows in one transaction.
// A patient with none of the model's modalities gets a NotEnoughDataError and nothing is written.
import {
  JointModelPredictor,
  NotEnoughDataError,
  verifyJointModelFolder,
  type ModalityEncoding,
  type KaplanMeierCurve,
  type ModalityModuleRegistry,
  type Prediction,
} from '@oncoboard/fusion-model';
import { existsSync } from 'node:fs';
import type { Prisma, Store } from '@oncoboard/store';
import { createPlatformModuleRegistry } from '../platform-registry';
import { encodeStoredPatient, type StoredPatientEncodings } from './encode-stored-patient';
import type { ModelVersionSummary } from './model-versions';

export interface StoredPrediction {
  id: number;
  modelVersionId: string;
  encodingIds: number[];
  /** Encodings that were already stored (same module, version and input hash) and reused. */
  reusedEncodings: number;
  prediction: Prediction;
}

/** A prediction made but not yet stored (PatientPredictionService.predictFor). */
export interface ComputedPrediction {
  patientKey: string;
  encodings: ModalityEncoding[];
  prediction: Prediction;
}

/** Float32 little-endian, whatever the machine's byte order. */
export function vectorToBytes(vector: Float32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  vector.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

export function vectorFromBytes(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new Error(`encoding vector: expected a multiple of 4 bytes (float32), found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

export class PatientPredictionService {
  private constructor(
    readonly store: Store,
    readonly modelVersion: ModelVersionSummary,
    readonly predictor: JointModelPredictor,
    readonly registry: ModalityModuleRegistry,
  ) {}

  /** Opens a registered version's files (verified against its manifest and against the sha256 registered). */
  static async open(store: Store, modelVersion: ModelVersionSummary, registry: ModalityModuleRegistry = createPlatformModuleRegistry()): Promise<PatientPredictionService> {
    if (!existsSync(modelVersion.path)) {
      throw new Error(
        `model version ${modelVersion.id}: folder ${modelVersion.path} not found (stored as "${modelVersion.storedPath}"; a relative path is resolved against ONCOBOARD_MODELS_DIR, default data/models)`,
      );
    }
    const model = verifyJointModelFolder(modelVersion.path);
    if (model.manifest.files.model.sha256 !== modelVersion.sha256) {
      throw new Error(`${modelVersion.path}: model.onnx sha256 ${model.manifest.files.model.sha256} is not the one registered for ${modelVersion.id} (${modelVersion.sha256})`);
    }
    return new PatientPredictionService(store, modelVersion, await JointModelPredictor.open(model), registry);
  }

  /** Encodes the patient with the registry's module for each modality the model uses; absent = missing modality. */
  encodePatient(patientKey: string): Promise<StoredPatientEncodings> {
    return encodeStoredPatient(this.store, this.registry, patientKey, this.predictor.modalities.map((m) => m.id));
  }

  /**
   * Encodes the patient and runs the model, writing nothing; throws NotEnoughDataError when no modality is present
   * and an Error when the patient is not in the store.
   */
  async predictFor(patientKey: string, options: { now?: Date } = {}): Promise<ComputedPrediction> {
    const patient = await this.store.getPatient(patientKey);
    if (!patient) throw new Error(`patient ${patientKey}: not found in the store`);
    const { encodings, unavailable } = await this.encodePatient(patientKey);
    if (encodings.length === 0) {
      throw new NotEnoughDataError(
        `${patientKey} has none of the modalities ${this.predictor.modalities.map((m) => m.id).join(', ')} that model ${this.modelVersion.id} uses` +
          (unavailable.length ? ` (no registered module for ${unavailable.join(', ')})` : ''),
      );
    }
    const prediction = await this.predictor.predict(patientKey, encodings, { now: options.now });
    return { patientKey, encodings, prediction };
  }

  /**
   * Writes a computed prediction with its encodings (reusing cached ones) through `db`: a transaction's client, so
   * the caller can commit other rows (an audit record) with it.
   */
  async storeComputed(db: Prisma.TransactionClient, computed: ComputedPrediction): Promise<StoredPrediction> {
    const { patientKey, encodings, prediction } = computed;
    const modelVersionId = this.modelVersion.id;
    const encodingIds: number[] = [];
    let reusedEncodings = 0;
    for (const e of encodings) {
      const key = { patientKey, moduleId: e.moduleId, moduleVersion: e.moduleVersion, inputHash: e.inputHash };
      const found = await db.modalityEncoding.findUnique({ where: { patientKey_moduleId_moduleVersion_inputHash: key }, select: { id: true } });
      if (found) {
        reusedEncodings++;
        encodingIds.push(found.id);
        continue;
      }
      const created = await db.modalityEncoding.create({
        data: { ...key, vector: vectorToBytes(e.vector), provenanceJson: JSON.stringify(e.usedEvidence) },
        select: { id: true },
      });
      encodingIds.push(created.id);
    }
    const row = await db.prediction.create({
      data: {
        patientKey,
        modelVersionId,
        createdAt: new Date(prediction.createdAt),
        risk: prediction.risk,
        riskPercentile: prediction.riskPercentile,
        provider: prediction.provider,
        resultJson: JSON.stringify(prediction),
        inputs: { create: encodingIds.map((encodingId) => ({ encodingId })) },
      },
      select: { id: true },
    });
    return { id: row.id, modelVersionId, encodingIds, reusedEncodings, prediction };
  }

  /** Predicts for one patient and stores it in one transaction; throws NotEnoughDataError (writing nothing) when no modality is present. */
  async predictAndStore(patientKey: string, options: { now?: Date } = {}): Promise<StoredPrediction> {
    const computed = await this.predictFor(patientKey, options);
    return this.store.prisma.$transaction((tx) => this.storeComputed(tx, computed));
  }

  async close(): Promise<void> {
    await this.predictor.close();
  }
}

export interface LatestPrediction {
  id: number;
  createdAt: Date;
  modelVersion: { id: string; modelId: string; version: string; synthetic: boolean; active: boolean };
  result: Prediction;
  encodings: { id: number; moduleId: string; moduleVersion: string; inputHash: string; usedEvidence: unknown[] }[];
  /** The Kaplan–Meier curve of the version's reference cohort (its training rows), to draw the prediction against. */
  referenceCohort: KaplanMeierCurve | null;
  /** The similar patients that are patients of this store (the others exist only in the model's reference cohort). */
  similarInStore: string[];
  /** Who stored it, from the audit trail (a successful 'C' naming the prediction); null when no user did (the
   *  `oncoboard predict` command writes no audit record). */
  computedBy: { username: string | null; recordedAt: Date } | null;
}

/** The patient's most recent stored prediction, with its model version and encodings; null when there is none. */
export async function findLatestPrediction(store: Store, patientKey: string): Promise<LatestPrediction | null> {
  const row = await store.prisma.prediction.findFirst({
    where: { patientKey },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    include: {
      modelVersion: { select: { id: true, modelId: true, version: true, synthetic: true, active: true, metricsJson: true } },
      inputs: { include: { encoding: { select: { id: true, moduleId: true, moduleVersion: true, inputHash: true, provenanceJson: true } } } },
    },
  });
  if (!row) return null;
  let result: Prediction;
  try {
    result = JSON.parse(row.resultJson) as Prediction;
  } catch {
    throw new Error(`Prediction ${row.id}: resultJson is not valid JSON`);
  }
  const { metricsJson, ...modelVersion } = row.modelVersion;
  let referenceCohort: KaplanMeierCurve | null = null;
  try {
    referenceCohort = (JSON.parse(metricsJson) as { referenceEvaluation?: { cohort?: KaplanMeierCurve } }).referenceEvaluation?.cohort ?? null;
  } catch {
    throw new Error(`ModelVersion ${modelVersion.id}: metricsJson is not valid JSON`);
  }
  const similarKeys = (result.similarPatients ?? []).map((p) => p.patientKey);
  const similarInStore = similarKeys.length
    ? (await store.prisma.patient.findMany({ where: { key: { in: similarKeys } }, select: { key: true } })).map((p) => p.key)
    : [];
  const audit = await store.prisma.auditEvent.findFirst({
    where: { patientKey, action: 'C', outcome: '0', entitiesJson: { contains: JSON.stringify(`Prediction/${row.id}`) } },
    orderBy: { recordedAt: 'asc' },
    select: { username: true, recordedAt: true },
  });
  return {
    id: row.id,
    createdAt: row.createdAt,
    modelVersion,
    referenceCohort,
    similarInStore,
    computedBy: audit ? { username: audit.username, recordedAt: audit.recordedAt } : null,
    result,
    encodings: row.inputs.map(({ encoding: e }) => ({ id: e.id, moduleId: e.moduleId, moduleVersion: e.moduleVersion, inputHash: e.inputHash, usedEvidence: JSON.parse(e.provenanceJson) as unknown[] })),
  };
}
