export { OnnxEncoder, type Encoding, type ExecutionProviderName, type OnnxEncoderOptions } from './onnx-encoder';
export { EncoderManifestError, encoderManifestSchema, readEncoderManifest, type EncoderManifest } from './manifest';
export {
  fitPatchPca, patchPcaOnnx, readPatchPcaOnnx, projectPatch, reconstructionError, randomOrthonormal,
  type PatchPca, type TopEigenOptions, type TopEigenResult,
} from './patch-pca';
export {
  patchAround, preparePatchVolume, gridPatch, gridPatchCentre, gridPatchForeground, FOREGROUND_FRACTION_OF_P99, DEFAULT_IMAGING_ENCODER_DIR, PATCH_PCA_ENCODER_DIR,
  type PatchOptions, type PatchAroundResult, type PreparedPatchVolume,
} from './patches';
export {
  PATCH_CNN, initialPatchCnnWeights, maskPatchBlocks, patchCnnOnnx, patchCnnDecoderOnnx, readPatchCnnOnnx, decodePatch,
  type PatchCnnWeights,
} from './patch-cnn';
export { linearDecoderError, linearProbe, ridgeSolve, type ProbeResult } from './linear-probe';
