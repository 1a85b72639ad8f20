// What the joint model returns per patient, in a shape the lead's Prisma schema can store: every prediction
// names the model version that made it and the encodings (module id, version, input hash) it was made from.
import type { ExecutionProviderName } from './onnx-runner';

export interface PredictionEncodingStamp {
  moduleId: string;
  moduleVersion: string;
  inputHash: string;
}

export interface ModalityContribution {
  moduleId: string;
  /** Always 'leave-one-modality-out': the contribution is riskWithoutModality − risk (so negative = the modality raised the risk). */
  method: 'leave-one-modality-out';
  /** The model's risk with this modality masked out; null when it is the patient's only modality. */
  riskWithoutModality: number | null;
  /** riskWithoutModality − risk (log-hazard units); null when it is the patient's only modality. */
  contribution: number | null;
  /** The gated-attention weight the fusion gave this modality for this patient (sums to 1 over present ones). */
  attention: number;
  note?: string;
}

export interface SimilarPatient {
  patientKey: string;
  /** Cosine distance (1 − cosine similarity) between fused embeddings. */
  distance: number;
  outcome: { time: number; event: boolean; timeUnit: string };
  treatments: string[];
}

export interface SurvivalCurvePrediction {
  timeUnit: string;
  /** The reference cohort's distinct event times (the curve is a step function between them). */
  times: number[];
  /** S(t | patient) from the main model: exp(−H0(t) · exp(risk)), H0 by Breslow on the training rows. */
  survival: number[];
  /** Pointwise minimum and maximum of the ensemble members' curves (each its own risk and Breslow baseline). */
  lower: number[];
  upper: number[];
  band: string;
}

export interface Prediction {
  /** The registry's model name, e.g. "clinical-joint-demo". */
  modelId: string;
  version: string;
  /** sha256 of the model.onnx that made it. */
  modelSha256: string;
  createdAt: string;
  patientKey: string;
  /** The encodings the prediction used (modalities the patient lacked are absent). */
  encodings: PredictionEncodingStamp[];
  /** Module ids the patient had but the model does not know (not used). */
  ignoredEncodings: string[];
  /** The execution provider that ran the model, and the one asked for when it fell back. */
  provider: ExecutionProviderName;
  fallbackFrom?: ExecutionProviderName;
  /** Log relative hazard (higher = worse); only comparable within one model version. */
  risk: number;
  /** Percentage of the reference cohort (the model's training rows) with a risk ≤ this one. */
  riskPercentile: number;
  referenceCohortSize: number;
  survival: SurvivalCurvePrediction;
  contributions: ModalityContribution[];
  similarPatients: SimilarPatient[];
  similarity: string;
}
