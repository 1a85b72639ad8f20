// The joint model over tRPC: registered model versions (card, metrics, the reference-cohort evaluation the model
// page draws, active flag), the modality modules of the platform registry, and a patient's latest stored
// prediction. The work is in libs/modules (registry, prediction store). Predictions are made by
// `oncoboard predict` or by predictions.compute (the active version, for one patient), never on a read.
import { hasPermission } from '@oncoboard/auth';
import { NotEnoughDataError } from '@oncoboard/fusion-model';
import {
  describeModules,
  findActiveModelVersion,
  findLatestPrediction,
  getModelVersion,
  listModelVersions,
  PatientPredictionService,
  type LatestPrediction,
  type ModelVersionDetail,
  type ModuleDescription,
} from '@oncoboard/modules';
import type { Store } from '@oncoboard/store';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { changePatientData, readPatientData } from './patient-data';
import { authorized, router } from './trpc';

const patientKey = z.string().regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/, 'expected a patient key like "Patient/<id>"');
const modelVersionId = z.string().regex(/^[a-z][a-z0-9-]*@\d+\.\d+\.\d+$/, 'expected a model version id like "clinical-joint-demo@1.0.0"');

/** What the web shows of a version; the folder path stays on the server. */
export type ModelVersionView = Omit<ModelVersionDetail, 'path' | 'storedPath'>;

function viewOf({ path: _path, storedPath: _storedPath, ...rest }: ModelVersionDetail): ModelVersionView {
  return rest;
}

/** What predictions.compute answers: the stored prediction's id, when and by which version (the panel then reloads it). */
export interface ComputedPredictionView {
  id: number;
  createdAt: Date;
  modelVersionId: string;
}

/** Runs the active version for one patient and stores the prediction through `store` (a transaction's store). */
async function computeAndStore(store: Store, patientKey: string): Promise<ComputedPredictionView> {
  let version;
  try {
    version = await findActiveModelVersion(store);
  } catch (error) {
    throw new TRPCError({ code: 'PRECONDITION_FAILED', message: (error as Error).message.replace(/: name one with --model$/, ': make only one active (oncoboard predict --model)') });
  }
  if (!version) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'no active model version: register one with `oncoboard predict --model <folder>`' });
  const service = await PatientPredictionService.open(store, version);
  try {
    let computed;
    try {
      computed = await service.predictFor(patientKey);
    } catch (error) {
      // Not an error of the system: the patient has none of the model's modalities. Nothing is stored.
      if (error instanceof NotEnoughDataError) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: error.message });
      throw error;
    }
    const stored = await service.storeComputed(store.prisma, computed);
    return { id: stored.id, createdAt: new Date(stored.prediction.createdAt), modelVersionId: stored.modelVersionId };
  } finally {
    await service.close();
  }
}

export const modelsRouter = router({
  /** Every registered version with its card, metrics and whether it is the active one of its model. */
  list: authorized('system:read').query(async ({ ctx }): Promise<ModelVersionView[]> => (await listModelVersions(ctx.store)).map(viewOf)),
  get: authorized('system:read')
    .input(z.object({ id: modelVersionId }))
    .query(async ({ ctx, input }): Promise<ModelVersionView> => {
      const v = await getModelVersion(ctx.store, input.id);
      if (!v) throw new TRPCError({ code: 'NOT_FOUND', message: `model version ${input.id} not found` });
      return viewOf(v);
    }),
});

export const modulesRouter = router({
  /** The platform registry's modules (libs/modules/src/registered-modules.ts). */
  list: authorized('system:read').query((): ModuleDescription[] => describeModules()),
});

export const predictionsRouter = router({
  /** What the caller may do with predictions (the risk panel shows "Compute risk" only to those who may). No patient data. */
  access: authorized('patient:read-timeline').query(({ ctx }): { canCompute: boolean } => ({ canCompute: hasPermission(ctx.user.roles, 'prediction:run') })),
  /** The patient's most recent stored prediction with its model version and encodings; null when none was made. */
  latest: authorized('patient:read-record', { audit: 'R' })
    .input(z.object({ patientKey }))
    .query(({ ctx, input }): Promise<LatestPrediction | null> =>
      readPatientData(ctx, { patientKeys: [input.patientKey], entitiesOf: (p) => (p ? [input.patientKey, `Prediction/${p.id}`] : [input.patientKey]) }, () =>
        findLatestPrediction(ctx.store, input.patientKey),
      ),
    ),
  /**
   * Runs the active model version for the patient and stores the prediction; its audit record ('C', naming the
   * prediction) commits in the same transaction. "Not enough data to predict" is PRECONDITION_FAILED with that
   * message, and nothing is stored.
   */
  compute: authorized('prediction:run', { audit: 'C' })
    .input(z.object({ patientKey }))
    .mutation(({ ctx, input }): Promise<ComputedPredictionView> =>
      changePatientData(
        ctx,
        { patientKeys: [input.patientKey], action: 'C', transactional: true, entitiesOf: (r) => [input.patientKey, `Prediction/${r.id}`] },
        (store) => computeAndStore(store, input.patientKey),
      ),
    ),
});
