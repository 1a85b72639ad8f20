// The platform's default model (libs/fusion-model/models/multimodal-joint-demo, trained by train-demo-model.ts; its
// manifest is checked in libs/modules' default-model.test.ts): a SYNTHETIC demo patient imported through the real
// importers and predicted through the serving path gets four modality contributions from a SYNTHETIC model version;
// and the training command gives the same model bytes twice.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_FOLDER, PatientPredictionService, REGISTERED_MODULES, registerModelVersion } from '@oncoboard/modules';
import { openStore, type Store } from '@oncoboard/store';
import { ensureSyntheticDemoCohort } from './demo-cohort';
import { SYNTHETIC_IDENTIFIER_SYSTEM } from './fhir-bundle';
import { DEMO_MODEL_SEED, trainDemoModel } from './train-demo-model';

let work: string;
let store: Store;
let patientKey: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-demo-model-test-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'store.db')}` });
  // One patient of the demo cohort (seed 20261202, not the model's training seed), as `npm run up` imports it.
  const cohort = await ensureSyntheticDemoCohort(store, { dataFolder: join(work, 'data'), patients: 1 });
  expect(cohort.import?.problems).toEqual([]);
  patientKey = cohort.patientKeys[0]!;
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the shipped default model (multimodal-joint-demo)', () => {
  it('predicts for an imported SYNTHETIC patient with four modality contributions', async () => {
    const version = await registerModelVersion(store, DEFAULT_MODEL_FOLDER);
    expect(version).toMatchObject({ modelId: 'multimodal-joint-demo', synthetic: true, active: true });
    const patient = (await store.getPatient(patientKey))!;
    expect(patient.displayName).toMatch(/^SYNTHETIC /);
    expect(patient.identifiers.map((i) => i.system)).toContain(SYNTHETIC_IDENTIFIER_SYSTEM);
    const service = await PatientPredictionService.open(store, version);
    try {
      const stored = await service.predictAndStore(patientKey);
      const { prediction } = stored;
      expect(prediction.modelId).toBe('multimodal-joint-demo');
      expect(prediction.encodings.map((e) => e.moduleId).sort()).toEqual(REGISTERED_MODULES.map((m) => m.id).sort());
      expect(prediction.contributions).toHaveLength(4);
      for (const c of prediction.contributions) {
        // With four modalities present, each has a leave-one-out risk (null only for a patient's only modality).
        expect(c.contribution, c.moduleId).not.toBeNull();
        expect(Number.isFinite(c.contribution!)).toBe(true);
      }
      expect(prediction.contributions.reduce((a, c) => a + c.attention, 0)).toBeCloseTo(1, 5);
      const row = await store.prisma.prediction.findUniqueOrThrow({ where: { id: stored.id }, include: { modelVersion: true } });
      expect(row.modelVersion.synthetic).toBe(true);
    } finally {
      await service.close();
    }
  });
});

describe('train-demo-model.ts', () => {
  it('gives the same model, ensemble, reference cohort and held-out rows twice (tiny run)', async () => {
    const files = (folder: string) => {
      const names = ['model.onnx', 'reference.json', 'held-out.json', ...readdirSync(join(folder, 'ensemble')).map((f) => `ensemble/${f}`)];
      return Object.fromEntries(names.map((f) => [f, readFileSync(join(folder, f)).toString('base64')]));
    };
    const run = (modelsDir: string) =>
      trainDemoModel({ patients: 20, seed: DEMO_MODEL_SEED, name: 'tiny-demo', version: '0.0.1', members: 1, maxEpochs: 4, bootstrap: 10, modelsDir, activate: false, command: 'test', progress: () => undefined });
    const a = await run(join(work, 'models-a'));
    const b = await run(join(work, 'models-b'));
    expect(a.coverage).toEqual(Object.fromEntries(REGISTERED_MODULES.map((m) => [m.id, 20])));
    expect(files(a.folder)).toEqual(files(b.folder));
    expect(readFileSync(join(a.folder, 'MODEL_CARD.md'), 'utf8')).toMatch(/SYNTHETIC[\s\S]*generator version 1\.\d+\.\d+, seed 20261203/);
  }, 120_000);
});
