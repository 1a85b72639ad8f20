// Writes a SYNTHETIC multimodal cohort to a folder, one patient at a time (nothing of a patient is kept in memory
// after it is written, so 10,000 patients stream):
//   <out>/README.txt                  what this is (SYNTHETIC), the command, the generator version
//   <out>/outcomes.csv                id, time_months, event and the true log-hazard terms (header comment: SYNTHETIC)
//   <out>/patients/<id>/bundle.json   mCODE FHIR R4 bundle
//   <out>/patients/<id>/pathology-report.txt
//   <out>/patients/<id>/somatic.vcf
//   <out>/patients/<id>/ct/slice-*.dcm + lesion-mask.nii.gz   (unless volumes: false)
//   <out>/patients/<id>/truth.json    the drawn patient (features, log-hazard terms, outcome)
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeSyntheticCt } from './ct-volume';
import { syntheticPatientBundle } from './fhir-bundle';
import { drawSyntheticPatient, SYNTH_COHORT_VERSION, type SyntheticPatient } from './generative-model';
import { syntheticPathologyReport } from './pathology-report';
import { syntheticSomaticVcf } from './somatic-vcf';

export interface WriteCohortOptions {
  patients: number;
  seed: number;
  out: string;
  /** Write the CT volume and mask of each patient (default true). */
  volumes?: boolean;
  onPatient?: (done: number, total: number) => void;
}

export interface WrittenPatient {
  id: string;
  folder: string;
  bundle: string;
  report: string;
  vcf: string;
  ct?: { seriesFolder: string; maskFile: string; maskVolumeMl: number };
}

export interface WrittenCohort {
  out: string;
  patients: WrittenPatient[];
}

export const OUTCOMES_HEADER = 'id,time_months,event,eta_clinical,eta_imaging,eta_pathology,eta_genomics,eta_frailty,eta_total';

/** The truth file of a patient: the drawn values plus what the writer measured (mask volume). */
export interface PatientTruth extends SyntheticPatient {
  synthetic: true;
  generator: string;
  seed: number;
  maskVolumeMl?: number;
}

function checkOptions(o: WriteCohortOptions): void {
  if (!Number.isInteger(o.patients) || o.patients < 1) throw new Error(`--patients: expected a positive integer, got ${o.patients}`);
  if (o.patients > 99_999) throw new Error(`--patients: at most 99999 (patient ids have 5 digits), got ${o.patients}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffff_ffff) throw new Error(`--seed: expected an integer in [0, 2^32), got ${o.seed}`);
  if (existsSync(o.out) && readdirSync(o.out).length > 0) throw new Error(`--out ${o.out}: the folder exists and is not empty (a cohort is written into a new or empty folder)`);
}

/** Writes the cohort; returns where each patient's files are (paths only, so it stays small). */
export function writeSyntheticCohort(options: WriteCohortOptions): WrittenCohort {
  checkOptions(options);
  const { patients, seed, out } = options;
  const volumes = options.volumes ?? true;
  mkdirSync(join(out, 'patients'), { recursive: true });
  writeFileSync(
    join(out, 'README.txt'),
    [
      'SYNTHETIC multimodal oncology cohort: generated data, no real patient. Not for clinical use.',
      `generator: tools/synth-cohort ${SYNTH_COHORT_VERSION}; seed ${seed}; ${patients} patients; volumes ${volumes ? 'yes' : 'no'}`,
      'The generative model (features, log-hazard, Weibull times, censoring) is written down in tools/synth-cohort/README.md.',
      '',
    ].join('\n'),
  );
  const outcomes = openSync(join(out, 'outcomes.csv'), 'w');
  const written: WrittenPatient[] = [];
  try {
    writeSync(outcomes, `# SYNTHETIC outcomes (tools/synth-cohort ${SYNTH_COHORT_VERSION}, seed ${seed})\n${OUTCOMES_HEADER}\n`);
    for (let i = 0; i < patients; i++) {
      const p = drawSyntheticPatient(seed, i);
      const folder = join(out, 'patients', p.id);
      mkdirSync(folder);
      const files: WrittenPatient = { id: p.id, folder, bundle: join(folder, 'bundle.json'), report: join(folder, 'pathology-report.txt'), vcf: join(folder, 'somatic.vcf') };
      const bundle = JSON.stringify(syntheticPatientBundle(p));
      const report = syntheticPathologyReport(p);
      const vcf = syntheticSomaticVcf(p, seed);
      writeFileSync(files.bundle, bundle);
      writeFileSync(files.report, report);
      writeFileSync(files.vcf, vcf);
      if (volumes) files.ct = writeSyntheticCt(p, folder);
      const truth: PatientTruth = { synthetic: true, generator: `tools/synth-cohort ${SYNTH_COHORT_VERSION}`, seed, ...p, ...(files.ct ? { maskVolumeMl: files.ct.maskVolumeMl } : {}) };
      const truthText = JSON.stringify(truth, null, 1);
      writeFileSync(join(folder, 'truth.json'), truthText);
      const h = p.logHazard;
      writeSync(outcomes, `${[p.id, p.outcome.timeMonths, Number(p.outcome.event), h.clinical, h.imaging, h.pathology, h.genomics, h.frailty, h.total].map((v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(6) : String(v))).join(',')}\n`);
      written.push(files);
      options.onPatient?.(i + 1, patients);
    }
  } finally {
    closeSync(outcomes);
  }
  return { out, patients: written };
}
