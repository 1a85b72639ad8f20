/**
 * Vitest global setup shared by the suites that talk to a PACS (libs/imaging, libs/ingest): one throw-away
 * Orthanc (with DICOMweb) for the run, when installed; its DICOMweb root reaches the tests as
 * inject('dicomWebRoot'). Not installed: with CI set the run fails here (the PACS tests must run in CI);
 * otherwise they are skipped, and this says so.
 */
import type { TestProject } from 'vitest/node';
import { findOrthanc, startTestOrthanc } from './start-test-orthanc.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port>/dicom-web of the test Orthanc; '' when the PACS tests are skipped. */
    dicomWebRoot: string;
  }
}

export default async function setup(project: TestProject) {
  const suite = `${project.name || 'these'} tests`;
  if (!findOrthanc()) {
    if (process.env.CI) throw new Error(`${suite}: Orthanc is not installed and CI is set (apt-get install -y orthanc orthanc-dicomweb)`);
    console.warn(`\n⚠ ${suite}: Orthanc is not installed: the DICOMweb tests are SKIPPED (apt-get install -y orthanc orthanc-dicomweb).\n`);
    project.provide('dicomWebRoot', '');
    return;
  }
  const orthanc = await startTestOrthanc();
  project.provide('dicomWebRoot', orthanc.dicomWebRoot);
  return () => orthanc.stop();
}
