// `oncoboard deid-export`: one patient's record, de-identified (libs/deid) — the FHIR resources by HIPAA Safe
// Harbor with per-patient date shifting, the DICOM files of their imported series by the PS3.15 Basic Profile,
// their report texts masked — written to a new folder with a manifest (rules applied and counts; the key's
// fingerprint, never the key). The key comes only from ONCOBOARD_DEID_KEY.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deidentifyPatientExport } from '@oncoboard/deid';
import type { Store } from '@oncoboard/store';

export interface DeidExportSummary {
  resources: number;
  dicomFiles: number;
  texts: number;
  out: string;
}

export class DeidExportCommandError extends Error {
  override name = 'DeidExportCommandError';
}

export async function exportDeidentifiedPatient(store: Store, patientKey: string, out: string, env: Record<string, string | undefined> = process.env): Promise<DeidExportSummary> {
  if (existsSync(out) && readdirSync(out).length > 0) throw new DeidExportCommandError(`${out}: expected a new or empty folder (an export never mixes with other files)`);
  const resources = (await store.listPatientRecords(patientKey, 'fhir-resource')).map((r) => JSON.parse(r.content) as unknown);
  if (!resources.some((r) => (r as { resourceType?: string }).resourceType === 'Patient')) {
    throw new DeidExportCommandError(`${patientKey}: no Patient resource in the store; import the patient's FHIR record first`);
  }
  const texts = (await store.listPatientRecords(patientKey, 'report-text')).map((r) => ({ text: r.content }));
  const dicomFiles: { bytes: Uint8Array }[] = [];
  for (const series of await store.listPatientRecords(patientKey, 'dicom-series')) {
    const { files } = JSON.parse(series.content) as { files: { path: string }[] };
    for (const f of files) {
      if (!existsSync(f.path)) throw new DeidExportCommandError(`${series.key}: ${f.path}: the DICOM file is gone; re-import the series or export without it`);
      dicomFiles.push({ bytes: new Uint8Array(readFileSync(f.path)) });
    }
  }
  const result = deidentifyPatientExport({ resources, texts, dicomFiles, env });
  // Written only after everything was de-identified: an error above leaves no partial export behind.
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'bundle.json'), `${JSON.stringify(result.bundle, null, 2)}\n`);
  result.texts.forEach((t, i) => {
    mkdirSync(join(out, 'texts'), { recursive: true });
    writeFileSync(join(out, 'texts', `report-${i + 1}.txt`), t.text);
  });
  for (const f of result.dicomFiles) {
    mkdirSync(dirname(join(out, f.path)), { recursive: true });
    writeFileSync(join(out, f.path), f.bytes);
  }
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(result.manifest, null, 2)}\n`);
  return { resources: result.bundle.entry.length, dicomFiles: result.dicomFiles.length, texts: result.texts.length, out };
}
