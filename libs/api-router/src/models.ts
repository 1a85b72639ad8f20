// The joint model over tRPC: registered model versions (card, metrics, the reference-cohort evaluation the model
// page draws, active flag), the modality modules of the platform registry, and a patient's latest stored
// prediction. The work is in libs/modules (registry, prediction store); predictions are made by
// `oncoboard predict`, never on a read.
import { describeModules, findLatestPrediction, getModelVersion, listModelVersions, type LatestPrediction, type ModelVersionDetail, type ModuleDescription } from '@oncoboard/modules';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { readPatientData } from './patient-data';
import { authorized, router } from './trpc';

const patientKey = z.string().regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/, 'expected a patient key like "Patient/<id>"');
const modelVersionId = z.string().regex(/^[a-z][a-z0-9-]*@\d+\.\d+\.\d+$/, 'expected a model version id like "clinical-joint-demo@1.0.0"');

/** What the web shows of a version; the folder path stays on the server. */
export type ModelVersionView = Omit<ModelVersionDetail, 'path'>;

function viewOf({ path: _path, ...rest }: ModelVersionDetail): ModelVersionView {
  return rest;
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
  /** The patient's most recent stored prediction with its model version and encodings; null when none was made. */
  latest: authorized('patient:read-record', { audit: 'R' })
    .input(z.object({ patientKey }))
    .query(({ ctx, input }): Promise<LatestPrediction | null> =>
      readPatientData(ctx, { patientKeys: [input.patientKey], entitiesOf: (p) => (p ? [input.patientKey, `Prediction/${p.id}`] : [input.patientKey]) }, () =>
        findLatestPrediction(ctx.store, input.patientKey),
      ),
    ),
});
