// The default model (DEFAULT_MODEL_FOLDER: the SYNTHETIC four-modality multimodal-joint-demo) on the mCODE demo
// patients, who have clinical facts only: each gets a prediction from the clinical modality with the other three
// masked; and registering the default after the earlier clinical-only default leaves one active version, not two.
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJointModelFolder } from '@oncoboard/fusion-model';
import { importFhirPath } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';
import { REGISTERED_MODULES } from '../registered-modules';
import { DEFAULT_MODEL_FOLDER } from './default-model';
import { findActiveModelVersion, registerModelVersion, resolveModelVersionFolder } from './model-versions';
import { SHIPPED_MODELS_ROOT } from './models-root';
import { PatientPredictionService } from './patient-predictions';

const demoDir = resolve(__dirname, '../../../../demo/mcode-stu4');
let work: string;
let store: Store;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-default-model-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'store.db')}` });
  await importFhirPath(demoDir, { store });
}, 180_000);

afterAll(async () => {
  await store?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the default model', () => {
  it('is the SYNTHETIC four-modality demo model, over every module of the platform registry', () => {
    const { manifest } = verifyJointModelFolder(resolveModelVersionFolder(DEFAULT_MODEL_FOLDER));
    expect(manifest.name).toBe('multimodal-joint-demo');
    expect(manifest.training.synthetic).toBe(true);
    expect(manifest.modalities.map((m) => `${m.id}@${m.moduleVersion}`).sort()).toEqual(REGISTERED_MODULES.map((m) => `${m.id}@${m.version}`).sort());
    expect(manifest.files.heldOut?.path).toBe('held-out.json');
  });

  it('replaces the earlier clinical-only default as the one active version (a store from an earlier start)', async () => {
    await registerModelVersion(store, join(SHIPPED_MODELS_ROOT, 'clinical-joint-demo'));
    const v = await registerModelVersion(store, DEFAULT_MODEL_FOLDER);
    expect(await store.prisma.modelVersion.count({ where: { active: true } })).toBe(1);
    expect((await findActiveModelVersion(store))!.id).toBe(v.id);
  });

  it('predicts for every mCODE demo patient with clinical facts from the clinical modality, the others masked', async () => {
    const service = await PatientPredictionService.open(store, (await findActiveModelVersion(store))!);
    try {
      const keys = (await store.prisma.patient.findMany({ select: { key: true }, orderBy: { key: 'asc' } })).map((p) => p.key);
      expect(keys.length).toBe(7);
      let predicted = 0;
      for (const key of keys) {
        const { encodings } = await service.encodePatient(key);
        if (encodings.length === 0) continue;
        const { prediction } = await service.predictFor(key);
        predicted++;
        expect(prediction.encodings.map((e) => e.moduleId), key).toEqual(['clinical']);
        // The only modality present: no leave-one-out risk, all of the attention.
        expect(prediction.contributions).toEqual([expect.objectContaining({ moduleId: 'clinical', contribution: null })]);
        expect(prediction.contributions[0]!.attention).toBeCloseTo(1, 6);
        expect(Number.isFinite(prediction.risk)).toBe(true);
      }
      expect(predicted).toBeGreaterThan(0);
    } finally {
      await service.close();
    }
  });
});
