// Training the joint model (tfjs-core on the CPU backend, seeded). Imports tfjs and registers its gradients, so it
// is a separate entry point: "@oncoboard/fusion-model/training".
export { trainJointModel, trainJointEnsemble } from './joint/train-joint-model';
export { buildJointModelVersion } from './joint/build-model-version';
export { buildJointVersionFromCohort } from './joint/train-from-cohort';
export { renderJointModelCard } from './joint/model-card';
export { exportJointModelOnnx } from './joint/export-joint-onnx';
// The tfjs gradient registration under Node, for other libs that train with tfjs (libs/imaging's patch encoder).
export { registerTfGradients } from './joint/tfjs-gradients';
