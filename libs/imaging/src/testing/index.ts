// Test fixtures other projects' tests use: a synthetic CT phantom, and writers for DICOM series and NIfTI masks.
export { syntheticCtPhantom, syntheticUid, writeDicomSeries, writeNifti, niftiBytes, type PhantomOptions, type WriteDicomSeriesOptions } from './synthetic-ct';
