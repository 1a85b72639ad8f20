export { DicomWebClient, DicomWebError, TAG as DICOM_TAG, dicomValue, type DicomJson, type DicomWebClientOptions } from './client';
export { fhirIdOfUid, imagingStudyFromDicomWeb, type ImagingStudyLink } from './imaging-study';
