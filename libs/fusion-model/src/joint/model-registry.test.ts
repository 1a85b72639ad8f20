import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModalityEncoding } from '../modality-module';
import { buildJointModelVersion, type BuiltJointVersion } from './build-model-version';
import { NotEnoughDataError } from './joint-dataset';
import { JointModelPredictor } from './joint-predictor';
import { renderJointModelCard } from './model-card';
import { computeHarrellC } from '../survival';
import { evaluateOnReferenceCohort } from './reference-evaluation';
import { JointModelRegistry, verifyJointModelFolder } from './model-registry';
import { SYNTHETIC_JOINT_MODALITIES, syntheticJointDataset } from './synthetic-joint-data';

// End to end on SYNTHETIC data: build a version (tiny training), write it to a registry in a temp folder, load
// it with its checks, predict; then break the folder in the ways a user can and assert the errors.
const root = mkdtempSync(join(tmpdir(), 'joint-registry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const encoding = (id: string, vector: number[]): ModalityEncoding => ({ moduleId: id, moduleVersion: '1.0.0', vector: Float32Array.from(vector), usedEvidence: [], inputHash: `hash-${id}` });

describe('joint model registry and predictor', () => {
  let built: BuiltJointVersion;
  let registry: JointModelRegistry;
  beforeAll(async () => {
    built = await buildJointModelVersion({
      name: 'synthetic-joint',
      version: '1.0.0',
      data: syntheticJointDataset(300, 21),
      timeUnit: 'years',
      training: { seed: 3, maxEpochs: 15, patience: 100 },
      members: 2,
      dataDescription: 'SYNTHETIC (synthetic-joint-data.ts)',
      dataSha256: 'none',
      synthetic: true,
      command: 'vitest',
    });
    registry = new JointModelRegistry(root);
    registry.writeVersion(built, renderJointModelCard(built, { data: 'SYNTHETIC', intendedUse: 'tests', limits: ['synthetic'] }));
    registry.setActive('synthetic-joint', '1.0.0');
    // ~20 s alone; over 60 s when the shared machine is loaded (load 20) and other test files train at once.
  }, 180_000);

  it('writes a version folder with card, metrics and manifest, and names the active version', () => {
    expect(registry.listModels()).toEqual(['synthetic-joint']);
    expect(registry.listVersions('synthetic-joint')).toEqual(['1.0.0']);
    expect(registry.activeVersion('synthetic-joint')).toBe('1.0.0');
    const card = readFileSync(join(root, 'synthetic-joint/1.0.0/MODEL_CARD.md'), 'utf8');
    expect(card).toContain('SYNTHETIC — DEMO MODEL, NOT FOR CLINICAL USE');
    expect(card).toMatch(/Seed \*\*3\*\*/);
    expect(built.metrics.parityMaxAbsDiff.risk).toBeLessThanOrEqual(1e-5);
    expect(() => registry.writeVersion(built, 'card')).toThrow(`${join(root, 'synthetic-joint', '1.0.0')}: version 1.0.0 of synthetic-joint exists; versions are never overwritten (bump the version)`);
  }, 30_000);

  it('keeps the held-out test split\'s predictions (held-out.json, hashed in the manifest) and evaluates on them', () => {
    const model = registry.load('synthetic-joint');
    const held = model.heldOut!;
    expect(held.split).toBe('test');
    expect(held.risk.length).toBe(built.metrics.rows.test);
    expect(held.event.filter(Boolean).length).toBe(built.metrics.events.test);
    // The stored rows are the ones metrics.json's held-out C was computed on.
    expect(computeHarrellC(held.time, held.event.map(Number), held.risk).concordance).toBe(built.metrics.cIndexTest);
    const data = syntheticJointDataset(300, 21);
    expect(held.time).toEqual(built.testIndices.map((i) => data.time[i]!));
    const ev = evaluateOnReferenceCohort(model);
    expect(ev.rows).toEqual({ kind: 'held-out', split: 'test', n: held.risk.length, events: built.metrics.events.test });
    expect(ev.data).toMatch(/^held-out test split \(n = 60, \d+ events\) of synthetic-joint@1\.0\.0: seeded held-out test split: 60 of 300 rows/);
    expect(ev.riskGroups.reduce((a, g) => a + g.n, 0)).toBe(60);
    expect(ev.calibration.points.reduce((a, p) => a + p.n, 0)).toBe(60);

    const path = join(registry.versionFolder('synthetic-joint', '1.0.0'), 'held-out.json');
    const original = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, original.replace('"split":"test"', '"split":"tset"'));
      expect(() => verifyJointModelFolder(registry.versionFolder('synthetic-joint', '1.0.0'))).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: sha256 [0-9a-f]{64} does not match manifest.json`));
      writeFileSync(path, '{"format":"oncoboard-joint-held-out/1","split":"test","description":"","timeUnit":"years","risk":[1],"time":[],"event":[]}');
      expect(() => verifyJointModelFolder(registry.versionFolder('synthetic-joint', '1.0.0'))).toThrow(`${path}: (root): risk, time and event: one value per row expected (same lengths)`);
    } finally {
      writeFileSync(path, original);
    }
  });

  it('predicts: risk, percentile, survival curve inside its band, leave-one-modality-out contributions, similar patients, stamps', async () => {
    const predictor = await JointModelPredictor.open(registry.load('synthetic-joint'));
    try {
      const p = await predictor.predict('Patient/new', [encoding('alpha', [1, -1, 0, 0]), undefined, encoding('gamma', [1, 0, -1, 0, 0]), encoding('unknown-module', [1])], { k: 3, now: new Date('2026-12-02T00:00:00Z') });
      expect(p).toMatchObject({ modelId: 'synthetic-joint', version: '1.0.0', createdAt: '2026-12-02T00:00:00.000Z', patientKey: 'Patient/new', provider: 'cpu', ignoredEncodings: ['unknown-module'] });
      expect(p.modelSha256).toBe(built.manifest.files.model.sha256);
      expect(p.encodings).toEqual([
        { moduleId: 'alpha', moduleVersion: '1.0.0', inputHash: 'hash-alpha' },
        { moduleId: 'gamma', moduleVersion: '1.0.0', inputHash: 'hash-gamma' },
      ]);
      expect(Number.isFinite(p.risk)).toBe(true);
      expect(p.riskPercentile).toBeGreaterThanOrEqual(0);
      expect(p.riskPercentile).toBeLessThanOrEqual(100);
      const s = p.survival;
      expect(s.times.length).toBeGreaterThan(10);
      s.survival.forEach((v, i) => {
        if (i > 0) expect(v).toBeLessThanOrEqual(s.survival[i - 1]!);
        expect(s.lower[i]!).toBeLessThanOrEqual(s.upper[i]!);
      });
      // Contributions: risk with the modality masked minus the full risk, checked against a run with only the other one.
      const onlyGamma = await predictor.predict('Patient/new', [encoding('gamma', [1, 0, -1, 0, 0])]);
      const alpha = p.contributions.find((c) => c.moduleId === 'alpha')!;
      expect(alpha.method).toBe('leave-one-modality-out');
      expect(alpha.riskWithoutModality).toBeCloseTo(onlyGamma.risk, 6);
      expect(alpha.contribution).toBeCloseTo(onlyGamma.risk - p.risk, 6);
      expect(p.contributions.reduce((a, c) => a + c.attention, 0)).toBeCloseTo(1, 5);
      expect(onlyGamma.contributions[0]).toMatchObject({ moduleId: 'gamma', contribution: null, attention: 1 });
      expect(p.similarPatients).toHaveLength(3);
      expect(p.similarPatients[0]!.distance).toBeLessThanOrEqual(p.similarPatients[2]!.distance);
      expect(p.similarPatients[0]!.outcome.timeUnit).toBe('years');
      await expect(predictor.predict('Patient/nothing', [encoding('unknown-module', [1])])).rejects.toThrow(
        new NotEnoughDataError('Patient/nothing has none of the modalities alpha, beta, gamma that model synthetic-joint@1.0.0 uses'),
      );
      await expect(predictor.predict('Patient/nothing', [])).rejects.toThrow(/^not enough data to predict: /);
      await expect(predictor.predict('Patient/old', [{ ...encoding('alpha', [1, 2, 3, 4]), moduleVersion: '0.9.0' }])).rejects.toThrow(
        'Patient/old: alpha: encoded by alpha@0.9.0, the model was trained on alpha@1.0.0',
      );
    } finally {
      await predictor.close();
    }
  }, 30_000);

  it('refuses an ONNX file that is not a model, one that does not match its manifest, and a changed file', () => {
    registry.writeVersion({ ...built, manifest: { ...built.manifest, version: '9.9.9' } }, 'card');
    const v = registry.versionFolder('synthetic-joint', '9.9.9');
    const manifestPath = join(v, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

    writeFileSync(join(v, 'model.onnx'), 'not a model at all');
    expect(() => verifyJointModelFolder(v)).toThrow(/model\.onnx: not an ONNX model \(/);

    writeFileSync(join(v, 'model.onnx'), built.modelBytes);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, modalities: manifest.modalities.map((m: { id: string }) => (m.id === 'beta' ? { ...m, vectorSize: 7 } : m)) }));
    expect(() => verifyJointModelFolder(v)).toThrow(`${join(v, 'model.onnx')}: input "x_beta": manifest.json says 7 values per patient, the graph has 3`);

    writeFileSync(manifestPath, JSON.stringify({ ...manifest, embeddingSize: 8 }));
    expect(() => verifyJointModelFolder(v)).toThrow(`${join(v, 'model.onnx')}: output "embedding": manifest.json says 8 values, the graph has 16`);

    writeFileSync(manifestPath, JSON.stringify(manifest));
    writeFileSync(join(v, 'model.onnx'), built.memberBytes[0]!);
    expect(() => verifyJointModelFolder(v)).toThrow(new RegExp(`^${join(v, 'model.onnx').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: sha256 [0-9a-f]{64} does not match manifest.json`));

    writeFileSync(manifestPath, JSON.stringify({ ...manifest, format: 'something-else' }));
    expect(() => verifyJointModelFolder(v)).toThrow(`${manifestPath}: format: Invalid input: expected "oncoboard-joint-model/1"`);
    expect(SYNTHETIC_JOINT_MODALITIES).toHaveLength(3);
  }, 30_000);
});
