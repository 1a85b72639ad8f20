// The PACS (Orthanc) for this suite's DICOMweb tests: shared with the other suites that need one.
export { default } from '../../tools/orthanc/vitest-global-setup';
