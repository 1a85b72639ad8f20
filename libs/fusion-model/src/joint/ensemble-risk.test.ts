import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModalityEncoding } from '../modality-module';
import { computeHarrellC } from '../survival';
import { buildJointModelVersion, type BuiltJointVersion } from './build-model-version';
import { meanRisk } from './ensemble-risk';
import { subsetJointDataset } from './joint-dataset';
import { jointForwardArrays } from './joint-forward-tf';
import { JointModelPredictor } from './joint-predictor';
import { renderJointModelCard } from './model-card';
import { JointModelRegistry } from './model-registry';
import { syntheticJointDataset } from './synthetic-joint-data';

// Opt-in served risk = mean of the main model's and the bootstrap members' risks, end to end on SYNTHETIC data
// (with the linear skip path, so both opt-in options go through export, registry and predictor together).
const root = mkdtempSync(join(tmpdir(), 'joint-ensemble-mean-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const encoding = (id: string, vector: number[]): ModalityEncoding => ({ moduleId: id, moduleVersion: '1.0.0', vector: Float32Array.from(vector), usedEvidence: [], inputHash: `hash-${id}` });
const data = syntheticJointDataset(300, 21);
const input = {
  name: 'synthetic-mean',
  version: '1.0.0',
  data,
  timeUnit: 'years',
  training: { seed: 3, maxEpochs: 15, patience: 100, linearSkip: true },
  members: 2,
  dataDescription: 'SYNTHETIC (synthetic-joint-data.ts)',
  dataSha256: 'none',
  synthetic: true,
  command: 'vitest',
};

describe('meanRisk', () => {
  it('averages element-wise and refuses vectors of different lengths', () => {
    expect(Array.from(meanRisk([[1, 2], [3, -2], [2, 3]]))).toEqual([2, 1]);
    expect(() => meanRisk([[1, 2], [3]])).toThrow('meanRisk: risk vector 1 has 1 values, expected 2');
    expect(() => meanRisk([])).toThrow('meanRisk: no risk vectors to average');
  });
});

describe("served risk 'ensemble-mean' (opt-in)", () => {
  let built: BuiltJointVersion;
  let registry: JointModelRegistry;
  beforeAll(async () => {
    built = await buildJointModelVersion({ ...input, servedRisk: 'ensemble-mean' });
    registry = new JointModelRegistry(root);
    registry.writeVersion(built, renderJointModelCard(built, { data: 'SYNTHETIC', intendedUse: 'tests', limits: ['synthetic'] }));
  }, 180_000);

  it('is recorded in the manifest and the card; reference and held-out risks are the mean over main and members', () => {
    expect(built.manifest.servedRisk?.kind).toBe('ensemble-mean');
    const card = readFileSync(join(registry.versionFolder('synthetic-mean', '1.0.0'), 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain("- Served risk: mean of the main model's and the bootstrap ensemble members' risks");
    expect(card).toContain('plus a linear (Cox) skip path on\nthe standardised inputs');
    expect(built.manifest.training.options).toMatchObject({ linearSkip: true, members: 2 });
    const dev = subsetJointDataset(data, Array.from({ length: data.time.length }, (_, i) => i).filter((i) => !built.testIndices.includes(i)));
    const train = subsetJointDataset(dev, built.trained.main.trainIndices);
    const n = train.time.length;
    const risks = [built.trained.main, ...built.trained.members].map((r) => jointForwardArrays(r.weights, train.inputs, train.mask, n).risk);
    const expected = meanRisk(risks);
    expect(built.reference.risk.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0)).toBeLessThanOrEqual(1e-6);
    expect(Array.from(expected)).not.toEqual(Array.from(risks[0]!));
    expect(computeHarrellC(built.heldOut!.time, built.heldOut!.event.map(Number), built.heldOut!.risk).concordance).toBe(built.metrics.cIndexTest);
    expect(built.metrics.parityMaxAbsDiff.risk).toBeLessThanOrEqual(1e-5);
  });

  it('the predictor serves the mean risk (≤ 1e-5 of tfjs), and leave-one-modality-out uses it too', async () => {
    const predictor = await JointModelPredictor.open(registry.load('synthetic-mean', '1.0.0'));
    try {
      const p = await predictor.predict('Patient/new', [encoding('alpha', [1, -1, 0, 0]), undefined, encoding('gamma', [1, 0, -1, 0, 0])]);
      const x = [Float32Array.from([1, -1, 0, 0]), new Float32Array(3), Float32Array.from([1, 0, -1, 0, 0])];
      const tfjs = (mask: number[]) => meanRisk([built.trained.main, ...built.trained.members].map((r) => jointForwardArrays(r.weights, x, Float32Array.from(mask), 1).risk))[0]!;
      expect(Math.abs(p.risk - tfjs([1, 0, 1]))).toBeLessThanOrEqual(1e-5);
      const alpha = p.contributions.find((c) => c.moduleId === 'alpha')!;
      expect(Math.abs(alpha.riskWithoutModality! - tfjs([0, 0, 1]))).toBeLessThanOrEqual(1e-5);
      expect(p.riskPercentile).toBeCloseTo((100 * built.reference.risk.filter((r) => r <= p.risk).length) / built.reference.risk.length, 10);
    } finally {
      await predictor.close();
    }
  }, 30_000);

  it('needs at least one ensemble member', async () => {
    await expect(buildJointModelVersion({ ...input, members: 0, servedRisk: 'ensemble-mean' })).rejects.toThrow(
      "synthetic-mean@1.0.0: servedRisk 'ensemble-mean' needs at least one ensemble member (members is 0)",
    );
  });
});
