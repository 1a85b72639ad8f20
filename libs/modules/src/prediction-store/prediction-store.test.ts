import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JointModelPredictor, NotEnoughDataError, clinicalModule, verifyJointModelFolder } from '@oncoboard/fusion-model';
import { importFhirPath, importFhirTexts } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';
import { cleanupTestDatabases, describeEachProvider, freshDatabaseUrl } from '@oncoboard/store/testing';
import { SHIPPED_MODELS_ROOT } from './models-root';
import { findActiveModelVersion, getModelVersion, listModelVersions, registerModelVersion, resolveModelVersionFolder } from './model-versions';
import { findLatestPrediction, PatientPredictionService, vectorFromBytes } from './patient-predictions';

// @oncoboard/store/testing reads this from libs/store's global setup (vitest.config.ts).
declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server that libs/store's global setup starts; '' when it is not installed. */
    postgresAdminUrl: string;
  }
}

// Real parts: the mCODE STU4 examples (CC0, demo/mcode-stu4) imported into a real store — SQLite, and PostgreSQL
// when installed (libs/store's test server, see vitest.config.ts) — and the shipped SYNTHETIC demo model
// (libs/fusion-model/models/clinical-joint-demo, clinical only) served with onnxruntime.
const demoDir = resolve(__dirname, '../../../../demo/mcode-stu4');
// The clinical-only SYNTHETIC model (no longer the default, see default-model.test.ts): one modality keeps these
// checks of the store's bookkeeping simple.
const CLINICAL_DEMO_FOLDER = join(SHIPPED_MODELS_ROOT, 'clinical-joint-demo');
const BARE = { name: 'bare.json', text: JSON.stringify({ resourceType: 'Patient', id: 'bare-no-data' }) };

describeEachProvider('prediction store', (provider) => {
  let work: string;
  let store: Store;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'oncoboard-modules-'));
    store = await openStore({ databaseUrl: await freshDatabaseUrl(provider) });
    await importFhirPath(demoDir, { store });
    await importFhirTexts([BARE], { store });
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await cleanupTestDatabases();
    rmSync(work, { recursive: true, force: true });
  });

  const counts = async () => ({
    predictions: await store.prisma.prediction.count(),
    encodings: await store.prisma.modalityEncoding.count(),
    inputs: await store.prisma.predictionInput.count(),
  });

  describe('model versions in the store', () => {
    it('registers the demo model with its card, metrics, reference evaluation and synthetic flag, active', async () => {
      const v = await registerModelVersion(store, CLINICAL_DEMO_FOLDER);
      expect(v.id).toBe('clinical-joint-demo@1.0.0');
      expect(v.active).toBe(true);
      expect(v.synthetic).toBe(true);
      const detail = (await getModelVersion(store, v.id))!;
      expect(detail.card).toContain('SYNTHETIC');
      const onDisk = JSON.parse(readFileSync(join(v.path, 'metrics.json'), 'utf8'));
      expect(detail.metrics.cIndexTest).toBe(onDisk.cIndexTest);
      const ev = detail.referenceEvaluation!;
      const reference = verifyJointModelFolder(v.path).reference;
      expect(ev.riskGroups.map((g) => g.label)).toEqual(['low risk', 'intermediate risk', 'high risk']);
      expect(ev.riskGroups.reduce((a, g) => a + g.n, 0)).toBe(reference.patients.length);
      expect(ev.data).toMatch(/SYNTHETIC/);
      expect(ev.data).toMatch(/training rows \(in-sample\)/);
      // A model that orders risk at all: the high-risk group's survival at the horizon is below the low-risk group's.
      const points = ev.calibration.points;
      expect(points.length).toBe(5);
      expect(points[4]!.predicted).toBeLessThan(points[0]!.predicted);
      expect(points[4]!.observed).toBeLessThan(points[0]!.observed);
    });

    it('registering again changes nothing; a new version of the same model becomes the only active one', async () => {
      await registerModelVersion(store, CLINICAL_DEMO_FOLDER);
      expect((await listModelVersions(store)).length).toBe(1);
      const copy = join(work, 'models', 'clinical-joint-demo', '1.0.1');
      cpSync(resolveModelVersionFolder(CLINICAL_DEMO_FOLDER), copy, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
      writeFileSync(join(copy, 'manifest.json'), JSON.stringify({ ...manifest, version: '1.0.1' }));
      await registerModelVersion(store, copy);
      const versions = await listModelVersions(store);
      expect(versions.map((x) => [x.id, x.active])).toEqual([
        ['clinical-joint-demo@1.0.0', false],
        ['clinical-joint-demo@1.0.1', true],
      ]);
      // Back to 1.0.0 for the prediction tests.
      await registerModelVersion(store, CLINICAL_DEMO_FOLDER);
      expect((await findActiveModelVersion(store, 'clinical-joint-demo'))!.id).toBe('clinical-joint-demo@1.0.0');
    });

    it('refuses a folder that is not a model version, naming it', async () => {
      await expect(registerModelVersion(store, work)).rejects.toThrow(`${work}: expected a model version folder`);
      const broken = join(work, 'broken');
      cpSync(resolveModelVersionFolder(CLINICAL_DEMO_FOLDER), broken, { recursive: true });
      writeFileSync(join(broken, 'model.onnx'), 'not a model');
      await expect(registerModelVersion(store, broken)).rejects.toThrow(join(broken, 'model.onnx'));
      expect((await listModelVersions(store)).length).toBe(2);
    });
  });

  describe('stored predictions', () => {
    it('predicts for a demo patient, stores the prediction linked to its version and encoding, and matches the model run directly', async () => {
      const active = (await findActiveModelVersion(store))!;
      const service = await PatientPredictionService.open(store, active);
      try {
        const stored = await service.predictAndStore('Patient/cancer-patient-john-anyperson');
        expect(stored.modelVersionId).toBe('clinical-joint-demo@1.0.0');
        expect(stored.encodingIds.length).toBe(1);
        const row = await store.prisma.prediction.findUniqueOrThrow({ where: { id: stored.id }, include: { inputs: { include: { encoding: true } } } });
        expect(row.modelVersionId).toBe(active.id);
        expect(row.risk).toBeCloseTo(stored.prediction.risk, 12);
        expect(row.inputs.map((i) => i.encoding.moduleId)).toEqual(['clinical']);
        const encoding = row.inputs[0]!.encoding;
        expect(encoding.inputHash).toBe(stored.prediction.encodings[0]!.inputHash);

        // The same patient through the clinical module and the predictor directly, no store in between.
        const facts = await store.getFacts('Patient/cancer-patient-john-anyperson');
        const inputs = (await clinicalModule.collectInputs('Patient/cancer-patient-john-anyperson', facts))!;
        const direct = clinicalModule.encode(inputs) as { vector: Float32Array; inputHash: string };
        expect(Array.from(vectorFromBytes(encoding.vector))).toEqual(Array.from(direct.vector));
        const predictor = await JointModelPredictor.open(verifyJointModelFolder(active.path));
        const expected = await predictor.predict('Patient/cancer-patient-john-anyperson', [{ moduleId: 'clinical', moduleVersion: clinicalModule.version, ...direct, usedEvidence: [] }]);
        await predictor.close();
        expect(stored.prediction.risk).toBe(expected.risk);
        expect(stored.prediction.riskPercentile).toBe(expected.riskPercentile);
      } finally {
        await service.close();
      }
    });

    it('reuses a cached encoding for unchanged inputs; the latest prediction is the newest one', async () => {
      const service = await PatientPredictionService.open(store, (await findActiveModelVersion(store))!);
      try {
        const before = await counts();
        const again = await service.predictAndStore('Patient/cancer-patient-john-anyperson', { now: new Date(Date.now() + 60_000) });
        expect(again.reusedEncodings).toBe(1);
        const after = await counts();
        expect(after).toEqual({ predictions: before.predictions + 1, encodings: before.encodings, inputs: before.inputs + 1 });
        const latest = (await findLatestPrediction(store, 'Patient/cancer-patient-john-anyperson'))!;
        expect(latest.id).toBe(again.id);
        expect(latest.modelVersion).toMatchObject({ id: 'clinical-joint-demo@1.0.0', synthetic: true, active: true });
        expect(latest.result.survival.times.length).toBeGreaterThan(10);
        expect(latest.encodings[0]!.usedEvidence.length).toBeGreaterThan(0);
        expect(latest.referenceCohort!.n).toBe(verifyJointModelFolder((await findActiveModelVersion(store))!.path).reference.patients.length);
        // The demo model's similar patients are synthetic training rows, not patients of this store.
        expect(latest.similarInStore).toEqual([]);
        expect(await findLatestPrediction(store, 'Patient/bare-no-data')).toBeNull();
      } finally {
        await service.close();
      }
    });

    it('says "not enough data to predict" for a patient without any modality and writes nothing', async () => {
      const service = await PatientPredictionService.open(store, (await findActiveModelVersion(store))!);
      try {
        const before = await counts();
        const error = await service.predictAndStore('Patient/bare-no-data').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotEnoughDataError);
        expect((error as Error).message).toMatch(/^not enough data to predict: Patient\/bare-no-data has none of the modalities clinical/);
        expect(await counts()).toEqual(before);
        await expect(service.predictAndStore('Patient/nobody')).rejects.toThrow('patient Patient/nobody: not found in the store');
      } finally {
        await service.close();
      }
    });
  });

  describe('model version paths', () => {
    it('stores a shipped model as "shipped:<name>/<version>" and a folder elsewhere as its absolute path', async () => {
      const demo = (await store.prisma.modelVersion.findUniqueOrThrow({ where: { id: 'clinical-joint-demo@1.0.0' } })).path;
      expect(demo).toBe('shipped:clinical-joint-demo/1.0.0');
      expect((await getModelVersion(store, 'clinical-joint-demo@1.0.0'))!.path).toBe(resolveModelVersionFolder(CLINICAL_DEMO_FOLDER));
      const outside = (await store.prisma.modelVersion.findUniqueOrThrow({ where: { id: 'clinical-joint-demo@1.0.1' } })).path;
      expect(outside).toBe(join(work, 'models', 'clinical-joint-demo', '1.0.1'));
    });

    it('stores a version under the models root relative to it: the moved models folder keeps loading', async () => {
      const saved = process.env.ONCOBOARD_MODELS_DIR;
      const before = join(work, 'data-before', 'models');
      const after = join(work, 'data-after', 'models');
      try {
        process.env.ONCOBOARD_MODELS_DIR = before;
        const folder = join(before, 'clinical-joint-demo', '1.0.2');
        cpSync(resolveModelVersionFolder(CLINICAL_DEMO_FOLDER), folder, { recursive: true });
        const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
        writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ ...manifest, version: '1.0.2' }));
        const registered = await registerModelVersion(store, folder, { activate: false });
        expect(registered.storedPath).toBe('clinical-joint-demo/1.0.2');
        expect((await store.prisma.modelVersion.findUniqueOrThrow({ where: { id: registered.id } })).path).toBe('clinical-joint-demo/1.0.2');

        // The data folder moves; the old root no longer holds the model.
        renameSync(join(work, 'data-before'), join(work, 'data-after'));
        const stale = (await listModelVersions(store)).find((v) => v.id === registered.id)!;
        await expect(PatientPredictionService.open(store, stale)).rejects.toThrow(
          `model version clinical-joint-demo@1.0.2: folder ${folder} not found (stored as "clinical-joint-demo/1.0.2"; a relative path is resolved against ONCOBOARD_MODELS_DIR`,
        );
        process.env.ONCOBOARD_MODELS_DIR = after;
        const moved = (await listModelVersions(store)).find((v) => v.id === registered.id)!;
        expect(moved.path).toBe(join(after, 'clinical-joint-demo', '1.0.2'));
        const service = await PatientPredictionService.open(store, moved);
        try {
          const { encodings } = await service.encodePatient('Patient/cancer-patient-john-anyperson');
          const p = await service.predictor.predict('Patient/cancer-patient-john-anyperson', encodings);
          expect(p.version).toBe('1.0.2');
        } finally {
          await service.close();
        }
      } finally {
        if (saved === undefined) delete process.env.ONCOBOARD_MODELS_DIR;
        else process.env.ONCOBOARD_MODELS_DIR = saved;
      }
    });

    it('keeps loading a row registered with an absolute path (before paths were relative)', async () => {
      const absolute = resolveModelVersionFolder(CLINICAL_DEMO_FOLDER);
      await store.prisma.modelVersion.update({ where: { id: 'clinical-joint-demo@1.0.0' }, data: { path: absolute } });
      const active = (await findActiveModelVersion(store))!;
      expect(active).toMatchObject({ id: 'clinical-joint-demo@1.0.0', path: absolute, storedPath: absolute });
      const service = await PatientPredictionService.open(store, active);
      await service.close();
      // Registering the folder again rewrites the row in the relative form.
      expect((await registerModelVersion(store, CLINICAL_DEMO_FOLDER)).storedPath).toBe('shipped:clinical-joint-demo/1.0.0');
    });
  });
});
