// libs/imaging: the Volume type, readers (NIfTI, DICOM), transforms, measurements and radiomics (issue 3, in progress).
export * from './volume';
