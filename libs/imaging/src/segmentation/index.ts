// Public surface of segmentation: DICOM SEG reading and putting label masks onto an image's grid.
// (./testing.ts, the SEG writer for tests, stays private.)
export { resampleMaskOnto, type ResampleMaskOntoResult } from './resample-onto';
export {
  readDicomSeg, SEGMENTATION_STORAGE_SOP_CLASS,
  type DicomSegResult, type ReadDicomSegOptions, type SegSegment, type SegmentationType,
} from './read-dicom-seg';
