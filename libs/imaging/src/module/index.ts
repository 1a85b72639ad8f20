export { IMAGING_MODULE_ID, IMAGING_MODULE_VERSION, IMAGING_VECTOR_NAMES, collectImagingInputs, encodeImagingInputs, imagingModule, type ImagingInputs } from './imaging-module';
