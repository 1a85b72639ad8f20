export * from './onnx-graph';
