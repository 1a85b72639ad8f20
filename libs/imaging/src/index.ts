// libs/imaging: the Volume type, DICOMweb (QIDO/WADO/STOW, ImagingStudy links), preprocessing transforms,
// lesion measurements with RECIST 1.1, and the ONNX encoder runner (issue 3, in progress).
export * from './volume';
export * from './transforms/index';
export * from './measure/index';
export * from './dicomweb/index';
export * from './encoders/index';
