// libs/fusion-model: the modality-module contract and registry, the clinical module, tabular cohorts, the survival
// statistics (tested against R's survival package), and serving the joint model (ONNX). Training (tfjs) is the
// subpath "@oncoboard/fusion-model/training" so the API and web never load tfjs.
export * from './modality-module';
export * from './survival';
export { clinicalModule, CLINICAL_MODULE_ID, CLINICAL_MODULE_VERSION, CLINICAL_FACT_KINDS, readClinicalFeatures, clinicalVectorOf } from './clinical/clinical-module';
export type { ClinicalInputs, ClinicalFeatureValues } from './clinical/clinical-module';
export { CLINICAL_FEATURES, CLINICAL_VECTOR_SIZE, CLINICAL_FEATURE_INDEX, CLINICAL_EXTRA_FACT_KINDS, treatmentClassOf, treatmentNameOf } from './clinical/clinical-features';
export type { ClinicalFeatureName, TreatmentClass } from './clinical/clinical-features';
export { readCohortCsv, readCohortCsvFile, CohortCsvError } from './cohort/cohort-csv';
export type { CohortImport, CohortPatient, SurvivalOutcome } from './cohort/cohort-csv';
export { parseCohortMapping, cohortMappingSchema, COHORT_FEATURES } from './cohort/cohort-mapping';
export type { CohortMapping, CohortCovariate, CohortFeature } from './cohort/cohort-mapping';
export { syntheticClinicalCohortCsv, SYNTHETIC_CLINICAL_MAPPING, SYNTHETIC_CLINICAL_GENERATIVE_MODEL } from './cohort/synthetic-clinical-cohort';
export { JointModelRegistry, verifyJointModelFolder } from './joint/model-registry';
export type { VerifiedJointModel } from './joint/model-registry';
export { JointModelPredictor } from './joint/joint-predictor';
export { OnnxJointRunner } from './joint/onnx-runner';
export type { ExecutionProviderName, JointRunnerOptions } from './joint/onnx-runner';
export { NotEnoughDataError, NOT_ENOUGH_DATA, buildJointDataset, withModalityMasked } from './joint/joint-dataset';
export type { JointDataset, JointRow } from './joint/joint-dataset';
export type { Prediction, ModalityContribution, SimilarPatient, SurvivalCurvePrediction, PredictionEncodingStamp } from './joint/prediction';
export { BruteForceCosineIndex } from './joint/similar-patients';
export { baselineHazardAt } from './joint/breslow-baseline';
export { evaluateOnReferenceCohort } from './joint/reference-evaluation';
export type { ReferenceEvaluation, KaplanMeierCurve, CalibrationPoint } from './joint/reference-evaluation';
export type { BaselineHazard } from './joint/breslow-baseline';
export type { JointModelManifest } from './joint/model-manifest';
export type { ReferenceCohort } from './joint/reference-cohort';
export { readHeldOutPredictions, HELD_OUT_FILE } from './joint/held-out-predictions';
export type { HeldOutPredictions } from './joint/held-out-predictions';
export type { SimilarPatientIndex, SimilarPatientHit } from './joint/similar-patients';
