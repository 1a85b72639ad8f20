import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fact } from '@oncoboard/facts';
import { describe, expect, it } from 'vitest';
import { clinicalModule } from '../clinical/clinical-module';
import { ModalityModuleRegistry } from '../modality-module';
import { JointModelPredictor } from './joint-predictor';
import { JointModelRegistry } from './model-registry';

// The committed demo version (trained on SYNTHETIC data by scripts/train-joint-model.ts --synthetic).
const models = fileURLToPath(new URL('../../models', import.meta.url));

describe('the committed demo model clinical-joint-demo', () => {
  it('is the active version, loads with its checks, is labelled SYNTHETIC, and predicts from mCODE-shaped facts', async () => {
    const registry = new JointModelRegistry(models);
    expect(registry.activeVersion('clinical-joint-demo')).toBe('1.0.0');
    const model = registry.load('clinical-joint-demo');
    expect(model.manifest.training.synthetic).toBe(true);
    expect(model.manifest.modalities).toEqual([{ id: 'clinical', moduleVersion: clinicalModule.version, vectorSize: clinicalModule.vectorSize, inputName: 'x_clinical' }]);
    const card = readFileSync(join(model.folder, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('**SYNTHETIC — DEMO MODEL, NOT FOR CLINICAL USE.**');

    const P = 'Patient/demo';
    const src = (k: string) => [{ sourceRecordKey: `fhir/${k}`, elementPath: 'Observation.valueCodeableConcept' }];
    const facts: Fact[] = [
      { kind: 'patient', patientKey: P, effectiveStart: '1960-01-01', attributes: { gender: 'female' }, provenance: src('Patient/demo') },
      { kind: 'primary-cancer-condition', patientKey: P, effectiveStart: '2020-01-01', attributes: {}, provenance: src('Condition/c') },
      { kind: 'tnm-stage-group', patientKey: P, value: { type: 'coding', coding: { display: 'American Joint Committee on Cancer stage IIIA (qualifier value)' } }, attributes: {}, provenance: src('Observation/s') },
      { kind: 'ecog-performance-status', patientKey: P, value: { type: 'integer', value: 1 }, attributes: {}, provenance: src('Observation/e') },
    ];
    const modules = new ModalityModuleRegistry();
    modules.register(clinicalModule);
    const encoding = await modules.encodePatient('clinical', P, facts);
    const predictor = await JointModelPredictor.open(model);
    try {
      const p = await predictor.predict(P, [encoding]);
      expect(p).toMatchObject({ modelId: 'clinical-joint-demo', version: '1.0.0', provider: 'cpu', referenceCohortSize: 640 });
      expect(Number.isFinite(p.risk)).toBe(true);
      expect(p.similarPatients).toHaveLength(5);
      expect(p.survival.timeUnit).toBe('months');
    } finally {
      await predictor.close();
    }
  }, 30_000);
});
