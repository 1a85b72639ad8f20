/**
 * Vitest global setup: a throw-away Orthanc (with DICOMweb) for the imaging-link test, when installed; its
 * DICOMweb root reaches the tests as inject('dicomWebRoot'). Not installed: fails under CI, else skipped.
 */
import type { TestProject } from 'vitest/node';
import { findOrthanc, startTestOrthanc } from '../../tools/orthanc/start-test-orthanc.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port>/dicom-web of the test Orthanc; '' when the PACS tests are skipped. */
    dicomWebRoot: string;
  }
}

export default async function setup(project: TestProject) {
  if (!findOrthanc()) {
    if (process.env.CI) throw new Error('ingest tests: Orthanc is not installed and CI is set (apt-get install -y orthanc orthanc-dicomweb)');
    console.warn('\n⚠ ingest tests: Orthanc is not installed: the DICOMweb link test is SKIPPED (apt-get install -y orthanc orthanc-dicomweb).\n');
    project.provide('dicomWebRoot', '');
    return;
  }
  const orthanc = await startTestOrthanc();
  project.provide('dicomWebRoot', orthanc.dicomWebRoot);
  return () => orthanc.stop();
}
