import type { Fact } from '@oncoboard/facts';
import { ModalityModuleRegistry } from '@oncoboard/fusion-model';
import { describe, expect, it } from 'vitest';
import { IMAGING_VECTOR_NAMES, imagingModule } from './imaging-module';

const P = 'Patient/p1';
const measurement = (date: string, label: number, volumeMl: number, longestDiameterMm: number): Fact => ({
  kind: 'lesion-measurement',
  patientKey: P,
  effectiveStart: date,
  value: { type: 'quantity', quantity: { value: volumeMl, unit: 'mL' } },
  attributes: { lesion: label, label, longestDiameterMm, shortAxisMm: longestDiameterMm / 2 },
  provenance: [{ sourceRecordKey: `imaging/lesions/${date}`, elementPath: `lesions[${label - 1}]` }],
});
const radiomics = (date: string, label: number, features: Record<string, number>): Fact => ({
  kind: 'radiomics-features',
  patientKey: P,
  effectiveStart: date,
  attributes: { lesion: label, label, features },
  provenance: [{ sourceRecordKey: `imaging/lesions/${date}`, elementPath: `radiomics[${label - 1}]` }],
});

describe('the imaging modality module', () => {
  const registry = new ModalityModuleRegistry();
  registry.register(imagingModule);

  it('says the patient has no imaging modality when there are no lesion measurements', async () => {
    expect(await registry.encodePatient('imaging-lesions', P, [])).toBeUndefined();
  });

  it('encodes the latest timepoint, its change since the first, and the largest lesion radiomics, citing what it used', async () => {
    const facts = [
      measurement('2024-01-10', 1, 10, 30),
      measurement('2024-04-10', 1, 20, 38),
      measurement('2024-04-10', 2, 5, 20),
      radiomics('2024-04-10', 1, { morph_sphericity: 0.8, stat_mean: 40, ih_entropy: 4 }),
      radiomics('2024-04-10', 2, { morph_sphericity: 0.2 }),
    ];
    const encoding = await registry.encodePatient('imaging-lesions', P, facts);
    expect(encoding).toBeDefined();
    const named = Object.fromEntries(IMAGING_VECTOR_NAMES.map((name, i) => [name, encoding!.vector[i]]));
    expect(named['lesion count (tanh n/5)']).toBeCloseTo(Math.tanh(2 / 5), 6);
    expect(named['total lesion volume (log1p mL / 7)']).toBeCloseTo(Math.log1p(25) / 7, 6);
    expect(named['total volume change since the first timepoint (tanh ratio)']).toBeCloseTo(Math.tanh(25 / 10 - 1), 6);
    expect(named['has an earlier timepoint (0/1)']).toBe(1);
    // The largest lesion's radiomics (label 1), not the other lesion's.
    expect(named['largest lesion morph_sphericity']).toBeCloseTo(0.8, 6);
    expect(named['radiomics present (0/1)']).toBe(1);
    const cited = encoding!.usedEvidence.map((p) => `${p.sourceRecordKey} ${p.elementPath}`);
    expect(cited).toContain('imaging/lesions/2024-04-10 radiomics[0]');
    expect(cited).toContain('imaging/lesions/2024-01-10 lesions[0]');
    expect(cited).not.toContain('imaging/lesions/2024-04-10 radiomics[1]');
    expect(encoding).toMatchObject({ moduleId: 'imaging-lesions', moduleVersion: '0.3.0' });
    expect(named['embedding present (0/1)']).toBe(0);
  });

  it("carries the default encoder's embedding of the largest lesion, and ignores another encoder's", async () => {
    const embedding = (id: string, label: number, first: number): Fact => ({
      kind: 'imaging-embedding',
      patientKey: P,
      effectiveStart: '2024-04-10',
      attributes: { lesion: label, label, encoder: { id, version: '1.0.0' }, vector: Array.from({ length: 64 }, (_, i) => (i === 0 ? first : 0.01 * i)) },
      provenance: [{ sourceRecordKey: 'imaging/lesions/2024-04-10', elementPath: `embeddings[${label - 1}]` }],
    });
    const base = [measurement('2024-04-10', 1, 20, 38), measurement('2024-04-10', 2, 5, 20)];
    const withDefault = await registry.encodePatient('imaging-lesions', P, [...base, embedding('patch-cnn-3d', 2, -9), embedding('patch-cnn-3d', 1, 3.5)]);
    const at = (name: string) => IMAGING_VECTOR_NAMES.indexOf(name);
    expect(withDefault!.vector[at('largest lesion patch-cnn-3d embedding[0]')]).toBeCloseTo(3.5, 6);
    expect(withDefault!.vector[at('embedding present (0/1)')]).toBe(1);
    expect(withDefault!.usedEvidence.map((p) => p.elementPath)).toContain('embeddings[0]');
    const withOther = await registry.encodePatient('imaging-lesions', P, [...base, embedding('patch-pca-3d', 1, 3.5)]);
    expect(withOther!.vector[at('embedding present (0/1)')]).toBe(0);
    expect(withOther!.vector[at('largest lesion patch-cnn-3d embedding[0]')]).toBe(0);
  });

  it('gives the same input hash for the same facts and another for changed ones', async () => {
    const a = await registry.encodePatient('imaging-lesions', P, [measurement('2024-01-10', 1, 10, 30)]);
    const b = await registry.encodePatient('imaging-lesions', P, [measurement('2024-01-10', 1, 10, 30)]);
    const c = await registry.encodePatient('imaging-lesions', P, [measurement('2024-01-10', 1, 11, 30)]);
    expect(a!.inputHash).toBe(b!.inputHash);
    expect(a!.inputHash).not.toBe(c!.inputHash);
    expect(a!.vector[IMAGING_VECTOR_NAMES.indexOf('radiomics present (0/1)')]).toBe(0);
  });
});
