// `oncoboard predict (--patient <key> | --all) [--model <dir>]`: runs the active joint model for patients in the
// store and stores each prediction (libs/modules' prediction store: version, cached encodings, prediction in one
// transaction). --model registers that version folder (or model folder with active.json) and makes it active;
// without it the active version in the store is used, else (or when that is an older shipped demo model) the shipped
// SYNTHETIC demo model is registered.
// Exit status: 0 done (with --all, patients without enough data are listed, not an error), 2 the --patient had not
// enough data to predict, 1 an error.
import { parseArgs } from 'node:util';
import { NotEnoughDataError } from '@oncoboard/fusion-model';
import { DEFAULT_MODEL_FOLDER, findActiveModelVersion, PatientPredictionService, registerModelVersion, resolveModelVersionFolder, type ModelVersionSummary } from '@oncoboard/modules';
import { openStore, resolveDatabaseUrl, type Store } from '@oncoboard/store';

export const PREDICT_USAGE = 'predict (--patient <Patient/id> | --all [--only-missing]) [--model <model-version-folder | model-folder>]';

export class PredictUsageError extends Error {}

async function chooseModelVersion(store: Store, model: string | undefined): Promise<ModelVersionSummary> {
  if (model) return registerModelVersion(store, model, { activate: true });
  const active = await findActiveModelVersion(store);
  // A store whose active version is an older shipped demo model (a store made by an earlier `npm run up`) moves to
  // today's shipped default; a version a user registered from their own folder stays active.
  const outdatedShippedDemo = active?.storedPath.startsWith('shipped:') && active.path !== resolveModelVersionFolder(DEFAULT_MODEL_FOLDER);
  if (active && !outdatedShippedDemo) return active;
  const chosen = await registerModelVersion(store, DEFAULT_MODEL_FOLDER, { activate: true });
  if (active) console.error(`the shipped demo model is now ${chosen.id}; ${active.id} was made inactive (its predictions are kept)`);
  return chosen;
}

export async function runPredictCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: { patient: { type: 'string' }, all: { type: 'boolean', default: false }, 'only-missing': { type: 'boolean', default: false }, model: { type: 'string' } },
  });
  if (!values.patient === !values.all) throw new PredictUsageError('predict: expected exactly one of --patient <Patient/id> or --all');
  if (values['only-missing'] && !values.all) throw new PredictUsageError('predict: --only-missing goes with --all');
  const store = await openStore({ databaseUrl: resolveDatabaseUrl() });
  try {
    const version = await chooseModelVersion(store, values.model);
    console.error(`model ${version.id}${version.synthetic ? ' (SYNTHETIC demo model, not for clinical use)' : ''} from ${version.path}`);
    let patientKeys: string[];
    if (values.patient) {
      if (!(await store.getPatient(values.patient))) {
        console.error(`oncoboard predict: --patient ${values.patient}: no such patient in the store`);
        return 1;
      }
      patientKeys = [values.patient];
    } else {
      patientKeys = (await store.prisma.patient.findMany({ select: { key: true }, orderBy: { key: 'asc' } })).map((p) => p.key);
      if (values['only-missing']) {
        // For repeated starts (npm run up): leave patients that already have a prediction of this version alone.
        const done = new Set((await store.prisma.prediction.findMany({ where: { modelVersionId: version.id }, select: { patientKey: true }, distinct: ['patientKey'] })).map((p) => p.patientKey));
        const skipped = patientKeys.filter((k) => done.has(k)).length;
        patientKeys = patientKeys.filter((k) => !done.has(k));
        if (skipped) console.error(`${skipped} patient${skipped === 1 ? '' : 's'} already have a prediction of ${version.id} (--only-missing)`);
      }
    }
    const service = await PatientPredictionService.open(store, version);
    let predicted = 0;
    let notEnoughData = 0;
    try {
      for (const key of patientKeys) {
        try {
          const stored = await service.predictAndStore(key);
          predicted++;
          const used = stored.prediction.encodings.map((e) => `${e.moduleId}@${e.moduleVersion}`).join(', ');
          console.log(`${key}: risk percentile ${stored.prediction.riskPercentile.toFixed(0)} (prediction ${stored.id}, from ${used})`);
        } catch (error) {
          if (!(error instanceof NotEnoughDataError)) throw error;
          notEnoughData++;
          console.log(`${key}: ${error.message}`);
        }
      }
    } finally {
      await service.close();
    }
    console.log(`${predicted} prediction${predicted === 1 ? '' : 's'} stored with ${version.id}; ${notEnoughData} patient${notEnoughData === 1 ? '' : 's'} with not enough data to predict`);
    return values.patient && notEnoughData > 0 ? 2 : 0;
  } finally {
    await store.close();
  }
}
