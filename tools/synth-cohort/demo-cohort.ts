// The SYNTHETIC multimodal part of the `npm run up` demo: a small cohort of this generator (fixed seed, so the same
// bytes on every machine) is written once under data/ and imported through the same importers as real data (FHIR
// bundle, pathology report, VCF, CT series with its lesion mask), so the demo shows every modality.
// Idempotent: a patient whose four modalities are already in the store is left alone; the cohort folder is written
// into a temporary sibling and renamed only when complete, so an interrupted start never leaves half a cohort.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Store } from '@oncoboard/store';
import { modalityOfSourceRecord, MODALITY_NAMES, type ModalityName } from './modality-of-record';
import { drawSyntheticPatient, SYNTH_COHORT_VERSION } from './generative-model';
import type { CohortImportSummary } from './import-cohort';
import type { WrittenPatient } from './write-cohort';

/** 32 patients: enough for a risk panel and similar patients to show something, imported in well under a minute. */
export const DEMO_SYNTHETIC_PATIENTS = 32;
export const DEMO_SYNTHETIC_SEED = 20261202;

export interface DemoCohortOptions {
  /** The folder that holds generated cohorts (one subfolder per generator version, seed and size). */
  dataFolder: string;
  patients?: number;
  seed?: number;
  /** Progress lines (no patient data: synthetic ids and counts only). */
  log?: (line: string) => void;
}

export interface DemoCohortResult {
  folder: string;
  generated: boolean;
  /** Every patient key of the demo cohort. */
  patientKeys: string[];
  /** The keys imported in this run (empty on a repeated start). */
  importedKeys: string[];
  import?: CohortImportSummary;
}

/** The files of patient `id` in a written cohort folder (the layout of write-cohort.ts). */
function patientFiles(folder: string, id: string): WrittenPatient {
  const dir = join(folder, 'patients', id);
  const ct = join(dir, 'ct');
  return {
    id,
    folder: dir,
    bundle: join(dir, 'bundle.json'),
    report: join(dir, 'pathology-report.txt'),
    vcf: join(dir, 'somatic.vcf'),
    ...(existsSync(ct) ? { ct: { seriesFolder: ct, maskFile: join(dir, 'lesion-mask.nii.gz'), maskVolumeMl: Number.NaN } } : {}),
  };
}

/** Writes the cohort into `<dataFolder>/<version>-seed<S>-n<N>` unless a complete copy is there; returns the folder. */
export async function ensureDemoCohortFiles(options: DemoCohortOptions): Promise<{ folder: string; generated: boolean }> {
  const patients = options.patients ?? DEMO_SYNTHETIC_PATIENTS;
  const seed = options.seed ?? DEMO_SYNTHETIC_SEED;
  const folder = join(options.dataFolder, `synth-cohort-${SYNTH_COHORT_VERSION}-seed${seed}-n${patients}`);
  const complete = join(folder, 'COMPLETE');
  if (existsSync(complete)) return { folder, generated: false };
  if (existsSync(folder)) {
    throw new Error(`${folder}: exists without its COMPLETE marker (an earlier generation was interrupted?); remove the folder and start again`);
  }
  const partial = join(dirname(folder), `.${basename(folder)}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  try {
    // Loaded only when generating: the CT writer pulls in libs/imaging.
    const { writeSyntheticCohort } = await import('./write-cohort');
    writeSyntheticCohort({ patients, seed, out: partial, volumes: true });
    // The marker is written last, inside the temporary folder, so the rename publishes a complete cohort.
    writeSyntheticCohortMarker(partial, patients, seed);
    renameSync(partial, folder);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return { folder, generated: true };
}

function writeSyntheticCohortMarker(folder: string, patients: number, seed: number): void {
  writeFileSync(join(folder, 'COMPLETE'), `SYNTHETIC cohort complete: tools/synth-cohort ${SYNTH_COHORT_VERSION}, seed ${seed}, ${patients} patients, volumes yes\n`);
}

/** Which of the four modalities a patient already has in the store (by the source records of its facts). */
export async function modalitiesInStore(store: Store, patientKey: string): Promise<Set<ModalityName>> {
  const present = new Set<ModalityName>();
  if (!(await store.getPatient(patientKey))) return present;
  for (const fact of await store.getFacts(patientKey)) {
    const modality = modalityOfSourceRecord(fact.sourceRecordKey);
    if (modality) present.add(modality);
  }
  return present;
}

/**
 * Makes sure the demo's SYNTHETIC patients are in the store with all four modalities: generates the cohort if
 * needed, then imports (through libs/ingest) the patients that lack any modality. Import problems are returned in
 * the summary, not thrown: a demo start goes on with the patients that did import.
 */
export async function ensureSyntheticDemoCohort(store: Store, options: DemoCohortOptions): Promise<DemoCohortResult> {
  const log = options.log ?? (() => undefined);
  const patients = options.patients ?? DEMO_SYNTHETIC_PATIENTS;
  const seed = options.seed ?? DEMO_SYNTHETIC_SEED;
  if (!Number.isInteger(patients) || patients < 1 || patients > 1000) throw new Error(`synthetic demo cohort: patients: expected an integer in 1..1000, got ${patients}`);
  const { folder, generated } = await ensureDemoCohortFiles({ ...options, patients, seed });
  log(generated ? `generated ${patients} SYNTHETIC patients (seed ${seed}) in ${folder}` : `SYNTHETIC cohort files already in ${folder}`);
  const ids = Array.from({ length: patients }, (_, i) => drawSyntheticPatient(seed, i).id);
  const missing: WrittenPatient[] = [];
  for (const id of ids) {
    const present = await modalitiesInStore(store, `Patient/${id}`);
    if (!MODALITY_NAMES.every((m) => present.has(m))) missing.push(patientFiles(folder, id));
  }
  const patientKeys = ids.map((id) => `Patient/${id}`);
  if (missing.length === 0) {
    log(`all ${patients} SYNTHETIC patients already imported with four modalities; nothing to do`);
    return { folder, generated, patientKeys, importedKeys: [] };
  }
  log(`importing ${missing.length} SYNTHETIC patient${missing.length === 1 ? '' : 's'} (FHIR bundle, pathology report, VCF, CT + lesion mask)`);
  // Radiomics off: the IBSI texture features cost ≈ 0.4 s per lesion; the lesion measurements are made either way.
  // Loaded only when there is something to import: libs/ingest and its readers cost seconds to load.
  const { importSyntheticCohort } = await import('./import-cohort');
  const summary = await importSyntheticCohort(store, missing, {
    radiomics: false,
    onProgress: (step, done, total) => {
      if (done === total) log(`  ${step === 'fhir' ? 'FHIR bundles' : 'reports, VCFs and CT series'}: ${done}/${total}`);
    },
  });
  return { folder, generated, patientKeys, importedKeys: missing.map((p) => `Patient/${p.id}`), import: summary };
}

/** The COMPLETE marker's first line, for tests and messages. */
export function readCohortMarker(folder: string): string | undefined {
  const file = join(folder, 'COMPLETE');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n')[0] : undefined;
}
