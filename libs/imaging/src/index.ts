// libs/imaging: DICOM/DICOMweb/NIfTI readers, the Volume type, transforms, radiomics and ONNX encoders.
// Nothing is implemented yet: issue 3 builds this room. It exports nothing so no caller can mistake it for working code.
export {};
