/**
 * node --import tsx tools/synth-cohort/import-demo.ts [--patients 32] [--seed 20261202] [--data-folder data/synthetic-demo]
 *
 * The SYNTHETIC part of `npm run up` (tools/up.mjs): writes the demo's synthetic multimodal cohort once under
 * data/ and imports it into the store that `oncoboard` uses (DATABASE_URL, else data/oncoboard.db) through the real
 * importers. Safe to run again: patients already imported with all four modalities are skipped.
 * Progress on stderr; on stdout a summary line, then one JSON line ({ synthetic, patients, patientKeys,
 * importedKeys, problems, seconds }) that up.mjs reads to grant the demo account access to the new patients.
 * Exit status: 0 done (import problems are listed and counted, the demo goes on), 1 an error, 2 bad options.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore, resolveDatabaseUrl } from '@oncoboard/store';
import { DEMO_SYNTHETIC_PATIENTS, DEMO_SYNTHETIC_SEED, ensureSyntheticDemoCohort } from './demo-cohort';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        patients: { type: 'string', default: String(DEMO_SYNTHETIC_PATIENTS) },
        seed: { type: 'string', default: String(DEMO_SYNTHETIC_SEED) },
        'data-folder': { type: 'string', default: join(repoRoot, 'data', 'synthetic-demo') },
      },
    }));
  } catch (e) {
    console.error(`synth-cohort import-demo: ${(e as Error).message}`);
    return 2;
  }
  const patients = Number(values.patients);
  const seed = Number(values.seed);
  if (!Number.isInteger(patients) || patients < 1 || patients > 1000) {
    console.error(`synth-cohort import-demo: --patients: expected an integer in 1..1000, got "${values.patients}"`);
    return 2;
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    console.error(`synth-cohort import-demo: --seed: expected an integer in [0, 2^32), got "${values.seed}"`);
    return 2;
  }
  const started = performance.now();
  const store = await openStore({ databaseUrl: resolveDatabaseUrl() });
  try {
    const result = await ensureSyntheticDemoCohort(store, { dataFolder: resolve(values['data-folder']), patients, seed, log: (line) => console.error(`  ${line}`) });
    const problems = result.import?.problems ?? [];
    for (const p of problems.slice(0, 10)) console.error(`  import problem: ${p}`);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `SYNTHETIC demo cohort: ${result.patientKeys.length} patients (seed ${seed}), ${result.importedKeys.length} imported now, ${problems.length} import problem${problems.length === 1 ? '' : 's'}, ${seconds.toFixed(1)} s`,
    );
    console.log(JSON.stringify({ synthetic: true, seed, patients: result.patientKeys.length, folder: result.folder, generated: result.generated, patientKeys: result.patientKeys, importedKeys: result.importedKeys, problems: problems.length, seconds: Number(seconds.toFixed(2)) }));
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(`synth-cohort import-demo: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
