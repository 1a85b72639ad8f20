// libs/modules: the platform's modality-module registry (every module in one list, registered-modules.ts) and the
// stored predictions of the joint model (model versions, cached encodings, predictions; src/prediction-store).
export { REGISTERED_MODULES } from './registered-modules';
export { createPlatformModuleRegistry, describeModules, type ModuleDescription } from './platform-registry';
export {
  registerModelVersion,
  listModelVersions,
  getModelVersion,
  findActiveModelVersion,
  resolveModelVersionFolder,
  type ModelVersionSummary,
  type ModelVersionDetail,
} from './prediction-store/model-versions';
export { PatientPredictionService, findLatestPrediction, vectorToBytes, vectorFromBytes, type StoredPrediction, type LatestPrediction } from './prediction-store/patient-predictions';
export { encodeStoredPatient, type StoredPatientEncodings } from './prediction-store/encode-stored-patient';
export { DEFAULT_MODEL_FOLDER } from './prediction-store/default-model';
export { modelsRoot, storedModelPath, resolveStoredModelPath, DEFAULT_MODELS_ROOT, SHIPPED_MODELS_ROOT } from './prediction-store/models-root';
