import { describe, expect, it } from 'vitest';
import { clinicalModule } from '../clinical/clinical-module';
import { readCohortCsv } from '../cohort/cohort-csv';
import { SYNTHETIC_CLINICAL_MAPPING, syntheticClinicalCohortCsv } from '../cohort/synthetic-clinical-cohort';
import { ModalityModuleRegistry } from '../modality-module';
import { verifyJointModelFolder } from './model-registry';
import { JointModelPredictor } from './joint-predictor';
import { buildJointVersionFromCohort } from './train-from-cohort';
import { JointModelRegistry } from './model-registry';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A SYNTHETIC clinical cohort through the same path as a real one: CSV + mapping → facts → clinical module →
// joint model → registry → prediction from a patient's facts.
describe('cohort CSV → clinical module → joint model', () => {
  it('the synthetic generator is seeded and its CSV imports cleanly', () => {
    const a = syntheticClinicalCohortCsv(50, 9);
    expect(syntheticClinicalCohortCsv(50, 9)).toEqual(a);
    expect(a.csv.split('\n')[0]).toBe('id,age,sex,stage,grade,ecog,er,pr,her2,size_mm,nodes,chemo,endocrine,her2_targeted,months,status');
    const cohort = readCohortCsv(a.csv, 'synthetic.csv', SYNTHETIC_CLINICAL_MAPPING);
    expect(cohort.patients).toHaveLength(50);
    expect(cohort.patients.some((p) => p.outcome.event) && cohort.patients.some((p) => !p.outcome.event)).toBe(true);
  });

  it('trains a clinical-only version, stores it, and predicts for a patient from its facts', async () => {
    const cohort = readCohortCsv(syntheticClinicalCohortCsv(250, 4).csv, 'synthetic.csv', SYNTHETIC_CLINICAL_MAPPING);
    const built = await buildJointVersionFromCohort(cohort, {
      name: 'clinical-test',
      version: '0.1.0',
      training: { seed: 2, maxEpochs: 10, patience: 100 },
      members: 1,
      dataDescription: 'SYNTHETIC',
      synthetic: true,
      command: 'vitest',
    });
    expect(built.manifest.modalities).toEqual([{ id: 'clinical', moduleVersion: '1.0.0', vectorSize: 26, inputName: 'x_clinical' }]);
    expect(built.manifest.training.dataSha256).toBe(cohort.sha256);
    expect(built.metrics.parityMaxAbsDiff.risk).toBeLessThanOrEqual(1e-5);
    expect(built.reference.patients[0]!.patientKey).toMatch(/^Patient\/synthetic-clinical-S\d{5}$/);
    const root = mkdtempSync(join(tmpdir(), 'clinical-joint-'));
    try {
      const folder = new JointModelRegistry(root).writeVersion(built, 'card');
      const predictor = await JointModelPredictor.open(verifyJointModelFolder(folder));
      try {
        const patient = cohort.patients[0]!;
        const modules = new ModalityModuleRegistry();
        modules.register(clinicalModule);
        const encoding = await modules.encodePatient('clinical', patient.patientKey, patient.facts);
        const p = await predictor.predict(patient.patientKey, [encoding], { k: 2 });
        expect(p.encodings).toEqual([{ moduleId: 'clinical', moduleVersion: '1.0.0', inputHash: encoding!.inputHash }]);
        expect(p.contributions).toEqual([expect.objectContaining({ moduleId: 'clinical', contribution: null, attention: 1 })]);
        expect(p.similarPatients).toHaveLength(2);
        expect(p.survival.survival.length).toBe(p.survival.times.length);
      } finally {
        await predictor.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});
