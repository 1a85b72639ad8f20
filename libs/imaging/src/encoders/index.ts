export { OnnxEncoder, type Encoding, type ExecutionProviderName, type OnnxEncoderOptions } from './onnx-encoder';
export { EncoderManifestError, encoderManifestSchema, readEncoderManifest, type EncoderManifest } from './manifest';
