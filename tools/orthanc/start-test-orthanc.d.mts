// Types of start-test-orthanc.mjs.
export interface TestOrthanc {
  /** http://127.0.0.1:<port> (Orthanc's REST API) */
  baseUrl: string;
  /** http://127.0.0.1:<port>/dicom-web (QIDO-RS, WADO-RS, STOW-RS) */
  dicomWebRoot: string;
  port: number;
  dir: string;
  /** Stops the server and deletes its storage. */
  stop(): Promise<void>;
}
export declare const ORTHANC_BIN: string;
export declare const DICOMWEB_PLUGIN: string;
export declare function findOrthanc(): boolean;
export declare function startTestOrthanc(options?: { log?: (line: string) => void; timeoutMs?: number }): Promise<TestOrthanc>;
