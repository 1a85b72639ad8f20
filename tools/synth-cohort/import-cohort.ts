// Imports a written SYNTHETIC cohort through the REAL importers of libs/ingest (the ones `oncoboard import`,
// `pathology-import`, `vcf-import` and `imaging-import` call) into a store: FHIR bundles in batches, then per
// patient the pathology report, the VCF and the CT series with its lesion mask.
import { readFileSync } from 'node:fs';
import { importFhirTexts, importImagingSeries, importPathologyReports, importVcf } from '@oncoboard/ingest';
import type { Store } from '@oncoboard/store';
import { PANEL_SIZE_MB } from './generative-model';
import type { WrittenPatient } from './write-cohort';

export interface CohortImportTimes {
  fhir: number;
  pathology: number;
  vcf: number;
  imaging: number;
}

export interface CohortImportSummary {
  patients: number;
  seconds: CohortImportTimes;
  /** Problems the importers reported, "<patient id>: <importer>: <message>" (no patient data: synthetic ids only). */
  problems: string[];
}

const FHIR_BATCH = 100;

export async function importSyntheticCohort(
  store: Store,
  patients: readonly WrittenPatient[],
  options: { imaging?: boolean; radiomics?: boolean; onProgress?: (step: string, done: number, total: number) => void } = {},
): Promise<CohortImportSummary> {
  const seconds: CohortImportTimes = { fhir: 0, pathology: 0, vcf: 0, imaging: 0 };
  const problems: string[] = [];
  const timed = async <T>(step: keyof CohortImportTimes, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      seconds[step] += (performance.now() - started) / 1000;
    }
  };

  for (let i = 0; i < patients.length; i += FHIR_BATCH) {
    const batch = patients.slice(i, i + FHIR_BATCH);
    const result = await timed('fhir', () => importFhirTexts(batch.map((p) => ({ name: p.bundle, text: readFileSync(p.bundle, 'utf8') })), { store }));
    if (result.rejected > 0) problems.push(...result.issues.filter((x) => x.severity === 'error').map((x) => `fhir: ${x.message}`));
    options.onProgress?.('fhir', Math.min(patients.length, i + FHIR_BATCH), patients.length);
  }

  for (const [k, p] of patients.entries()) {
    const patientKey = `Patient/${p.id}`;
    const report = await timed('pathology', () => importPathologyReports(p.report, { patientKey }, { store }));
    for (const f of report.failed) problems.push(`${p.id}: pathology-import: ${f.message}`);
    try {
      // TMB over the panel the generator declares (README.md): the importer counts, the generator does not tell it.
      await timed('vcf', () => importVcf(p.vcf, { patientKey, tmb: { targetSizeMb: PANEL_SIZE_MB } }, { store }));
    } catch (e) {
      problems.push(`${p.id}: vcf-import: ${(e as Error).message}`);
    }
    if (p.ct && (options.imaging ?? true)) {
      try {
        await timed('imaging', () => importImagingSeries(p.ct!.seriesFolder, { patientKey, mask: p.ct!.maskFile, ...(options.radiomics === false ? { radiomics: false } : {}) }, { store }));
      } catch (e) {
        problems.push(`${p.id}: imaging-import: ${(e as Error).message}`);
      }
    }
    options.onProgress?.('per-patient', k + 1, patients.length);
  }
  return { patients: patients.length, seconds, problems };
}
