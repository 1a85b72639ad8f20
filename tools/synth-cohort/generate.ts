/**
 * node --import tsx tools/synth-cohort/generate.ts --patients N --seed S --out DIR [--no-volumes]
 *
 * Writes a SYNTHETIC multimodal cohort (FHIR bundle, pathology report, somatic VCF, CT volume + lesion mask and
 * the outcome per patient) into DIR, streaming. The generative model is in README.md. Prints progress on stderr
 * and, last, one JSON line (patients, seconds, bytes on disk).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSyntheticCohort } from './write-cohort';

/** Bytes on disk under a folder (file sizes, summed). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return total;
}

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({ options: { patients: { type: 'string' }, seed: { type: 'string', default: '20261202' }, out: { type: 'string' }, 'no-volumes': { type: 'boolean', default: false } } }));
  } catch (e) {
    console.error(`synth-cohort generate: ${(e as Error).message}`);
    return 2;
  }
  if (!values.patients || !values.out) {
    console.error('usage: node --import tsx tools/synth-cohort/generate.ts --patients N --seed S --out DIR [--no-volumes]');
    return 2;
  }
  const started = performance.now();
  let lastReport = 0;
  try {
    const cohort = writeSyntheticCohort({
      patients: Number(values.patients),
      seed: Number(values.seed),
      out: values.out,
      volumes: !values['no-volumes'],
      onPatient: (done, total) => {
        const now = performance.now();
        if (done === total || now - lastReport > 2000) {
          lastReport = now;
          process.stderr.write(`synth-cohort: ${done}/${total} patients written (${((now - started) / 1000).toFixed(1)} s)\n`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const bytes = folderBytes(values.out);
    console.log(`SYNTHETIC cohort: ${cohort.patients.length} patients in ${values.out}, ${seconds.toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB on disk`);
    console.log(JSON.stringify({ synthetic: true, patients: cohort.patients.length, seed: Number(values.seed), volumes: !values['no-volumes'], seconds: Number(seconds.toFixed(2)), bytes }));
    return 0;
  } catch (e) {
    console.error(`synth-cohort generate: ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = main();
