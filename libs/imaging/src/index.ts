// libs/imaging: the Volume type and its readers (NIfTI, DICOM series), DICOMweb (QIDO/WADO/STOW, ImagingStudy
// links), preprocessing transforms, lesion measurements with RECIST 1.1, and the ONNX encoder runner
// (issue 3, in progress).
export * from './volume';
export * from './read-errors';
export { readNifti, parseNifti, type ReadNiftiOptions } from './nifti/read-nifti';
export { readDicomSeries, listDicomSeries, type ReadDicomSeriesOptions, type DicomSeriesResult, type DicomSeriesSummary } from './dicom/read-dicom-series';
export * from './transforms/index';
export * from './measure/index';
export {
  resampleMaskOnto, readDicomSeg, SEGMENTATION_STORAGE_SOP_CLASS,
  type ResampleMaskOntoResult, type DicomSegResult, type ReadDicomSegOptions, type SegSegment, type SegmentationType,
} from './segmentation/index';
export { computeRadiomics, IBSI_DIGITAL_PHANTOM_CONFIG, RadiomicsInputError } from './radiomics/index';
export type { RadiomicsConfig, RadiomicsResult, FeatureMap, FeatureFamily, TextureAggregation, Discretisation } from './radiomics/index';
export * from './dicomweb/index';
export * from './module/index';
// Test fixtures other libs' tests use (a synthetic CT written as real DICOM, masks as real NIfTI files).
