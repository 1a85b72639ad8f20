/**
 * npm run bench:imaging [-- --slices 300 --size 512]
 *
 * 1. Reading a CT series: a synthetic 512x512x300 CT phantom (body, lungs, a 50 mL lesion) written as DICOM
 *    (explicit VR little endian, one file per slice), read by OncoBoard's series reader, against Debian's
 *    dcm2niix converting the same files to NIfTI in the same run (target: at most 2x its wall time; CPU time of
 *    both is printed too).
 * 2. Full radiomics on the same volume and lesion mask, fixed bin size 25 HU, 3D (target: under 3 s on one core).
 * 3. Encoding with the default encoder (patch-cnn-3d) end to end (read + preprocess + infer, each stage timed)
 *    against inference alone on the same tensors (target: at most 1.3x); the same for the PCA encoder
 *    (patch-pca-3d) for comparison. Also prints the floor an overlapped pipeline could reach: these encoders
 *    z-score with whole-volume statistics, so inference cannot start before read + preprocess + cut are done.
 * Prints a table, then one JSON object as the last line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { computeRadiomics, readDicomSeries, type RadiomicsConfig, type Volume } from '@oncoboard/imaging';
import { DEFAULT_IMAGING_ENCODER_DIR, OnnxEncoder, PATCH_PCA_ENCODER_DIR, gridPatch, preparePatchVolume } from '@oncoboard/imaging/encoders';
import { syntheticCtPhantom, writeDicomSeries } from '@oncoboard/imaging/testing';

const { values } = parseArgs({ options: { slices: { type: 'string', default: '300' }, size: { type: 'string', default: '512' } } });
const slices = Number(values.slices);
const size = Number(values.size);

function seconds(fn: () => void): number {
  const started = performance.now();
  fn();
  return (performance.now() - started) / 1000;
}

const work = mkdtempSync(join(tmpdir(), 'oncoboard-bench-imaging-'));
const rows: [string, string][] = [];
const result: Record<string, unknown> = { bench: 'imaging', size, slices };
// The development machine is shared: the 1-minute load average at the start and the end says how loaded it was.
const load = () => +loadavg()[0]!.toFixed(2);
result.loadAverageStart = load();
try {
  process.stderr.write(`generating a ${size}x${size}x${slices} CT phantom and writing it as DICOM...\n`);
  const { image, mask } = syntheticCtPhantom({ size, slices, pixelMm: 0.8, sliceMm: 1, lesionMl: 50 });
  const seriesDir = join(work, 'series');
  writeDicomSeries(image, seriesDir);

  // Best of 3 for both, after one untimed warm-up read (file cache, JIT). Wall time is the target; CPU time
  // (user + system: ours from process.cpuUsage, dcm2niix's from /usr/bin/time) is the load-independent check.
  readDicomSeries(seriesDir);
  let read: ReturnType<typeof readDicomSeries> | undefined;
  const ours = [0, 1, 2].map(() => {
    const cpu = process.cpuUsage();
    const wall = seconds(() => (read = readDicomSeries(seriesDir)));
    const used = process.cpuUsage(cpu);
    return { wall, cpu: (used.user + used.system) / 1e6 };
  });
  const oursSeconds = Math.min(...ours.map((r) => r.wall));
  const oursCpu = Math.min(...ours.map((r) => r.cpu));
  const same = read!.volume.voxels.length === image.voxels.length && read!.volume.voxels.every((v, i) => v === image.voxels[i]);
  rows.push(['read series (OncoBoard, best of 3)', `${oursSeconds.toFixed(2)} s, CPU ${oursCpu.toFixed(2)} s, ${read!.volume.voxels.constructor.name}${same ? '' : '  (VOXELS DIFFER FROM THE PHANTOM)'}`]);
  result.readSeconds = +oursSeconds.toFixed(3);
  result.readCpuSeconds = +oursCpu.toFixed(3);
  result.readVoxelType = read!.volume.voxels.constructor.name;
  result.readMatchesPhantom = same;

  const dcm2niix = spawnSync('dcm2niix', ['-v'], { encoding: 'utf8' });
  if (dcm2niix.error) {
    rows.push(['baseline: dcm2niix', 'not installed (apt-get install -y dcm2niix)']);
    result.dcm2niixSeconds = null;
  } else {
    const out = join(work, 'nifti');
    const args = ['-z', 'n', '-b', 'n', '-f', 'bench', '-o', out, seriesDir];
    const run = (command: string, commandArgs: string[]) => {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      const r = spawnSync(command, commandArgs, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`dcm2niix failed: ${r.stderr || r.stdout}`);
      return r.stderr;
    };
    run('dcm2niix', args);
    // Wall time of dcm2niix alone; its CPU time in separate runs under /usr/bin/time (when installed).
    const baseline = Math.min(...[0, 1, 2].map(() => seconds(() => run('dcm2niix', args))));
    const timed = !spawnSync('/usr/bin/time', ['-f', '%U', 'true']).error;
    const cpuRuns = timed ? [0, 1, 2].map(() => /cpu ([\d.]+) ([\d.]+)\s*$/.exec(run('/usr/bin/time', ['-f', 'cpu %U %S', 'dcm2niix', ...args]))) : [];
    const baselineCpu = cpuRuns.length && cpuRuns.every(Boolean) ? Math.min(...cpuRuns.map((m) => Number(m![1]) + Number(m![2]))) : undefined;
    rows.push(['baseline: dcm2niix to NIfTI (best of 3)', `${baseline.toFixed(2)} s${baselineCpu === undefined ? '' : `, CPU ${baselineCpu.toFixed(2)} s`}`]);
    rows.push(['read / dcm2niix', `${(oursSeconds / baseline).toFixed(2)}x wall (target ≤ 2x)${baselineCpu ? `, ${(oursCpu / baselineCpu).toFixed(2)}x CPU` : ''}`]);
    result.dcm2niixSeconds = +baseline.toFixed(3);
    result.dcm2niixCpuSeconds = baselineCpu === undefined ? null : +baselineCpu.toFixed(3);
    result.readToDcm2niixRatio = +(oursSeconds / baseline).toFixed(2);
    result.readToDcm2niixCpuRatio = baselineCpu ? +(oursCpu / baselineCpu).toFixed(2) : null;
    result.meetsReadTarget = oursSeconds / baseline <= 2;
  }

  const lesionVoxels = mask.voxels.reduce((n, v) => n + v, 0);
  result.lesionMl = +((lesionVoxels * 0.8 * 0.8 * 1) / 1000).toFixed(2);
  rows.push(['lesion', `${result.lesionMl} mL`]);
  // The usual CT configuration (IBSI 1, config C-like): fixed bin size of 25 HU, 3D texture, all families.
  const config: RadiomicsConfig = { discretisation: { method: 'fbs', binWidth: 25, min: -1000 }, aggregations: ['3D'] };
  let features = 0;
  const radiomicsSeconds = seconds(() => (features = Object.keys(computeRadiomics(read!.volume, mask, config).features).length));
  rows.push(['full radiomics (one core)', `${radiomicsSeconds.toFixed(2)} s for ${features} features (target < 3 s)`]);
  result.radiomicsSeconds = +radiomicsSeconds.toFixed(3);
  result.radiomicsFeatures = features;
  result.meetsRadiomicsTarget = radiomicsSeconds < 3;
  // Encoding with the default encoder (patch-cnn-3d), and the PCA encoder (patch-pca-3d) for comparison: the whole
  // volume tiled into 16³ patches on its 2 mm grid. End to end = read the series + window + resample/normalize +
  // cut the tiles + infer, each stage timed; baseline = inference alone on the same tiles (best of 3), same run.
  const cut = (prepared: ReturnType<typeof preparePatchVolume>) => {
    const [nx, ny, nz] = prepared.image.dims;
    const out: { data: Float32Array; dims: [1, number, number, number] }[] = [];
    for (let k = 0; k + 16 <= nz; k += 16) for (let j = 0; j + 16 <= ny; j += 16) for (let i = 0; i + 16 <= nx; i += 16) out.push({ data: gridPatch(prepared, i, j, k), dims: [1, 16, 16, 16] });
    return out;
  };
  for (const [key, folder] of [['encode', DEFAULT_IMAGING_ENCODER_DIR], ['encodePca', PATCH_PCA_ENCODER_DIR]] as const) {
    const encoder = await OnnxEncoder.load(folder);
    const id = encoder.manifest.id;
    let volume: Volume | undefined;
    let prepared: ReturnType<typeof preparePatchVolume> | undefined;
    let tiles: ReturnType<typeof cut> = [];
    const stages = { read: 0, preprocess: 0, cut: 0, infer: 0 };
    const e2eStarted = performance.now();
    stages.read = seconds(() => (volume = readDicomSeries(seriesDir).volume));
    stages.preprocess = seconds(() => (prepared = preparePatchVolume(volume!, 2, { window: 'softTissue' })));
    stages.cut = seconds(() => (tiles = cut(prepared!)));
    const inferStarted = performance.now();
    await encoder.encode(tiles);
    stages.infer = (performance.now() - inferStarted) / 1000;
    const endToEnd = (performance.now() - e2eStarted) / 1000;
    const inferOnly: number[] = [];
    for (let n = 0; n < 3; n++) {
      const started = performance.now();
      await encoder.encode(tiles);
      inferOnly.push((performance.now() - started) / 1000);
    }
    const inference = Math.min(...inferOnly);
    await encoder.close();
    // The z-score needs the whole resampled volume's statistics, so nothing can be inferred before the last slice
    // is read and preprocessed: even hiding all inference behind that work leaves read + preprocess + cut.
    const beforeInference = stages.read + stages.preprocess + stages.cut;
    const label = key === 'encode' ? `${id}, default` : id;
    rows.push([`encode (${label}): tiles (16³ at 2 mm)`, `${tiles.length}`]);
    rows.push([`encode (${label}) end to end (read + preprocess + infer)`, `${endToEnd.toFixed(2)} s`]);
    rows.push([`  stages: read / preprocess / cut / infer`, `${stages.read.toFixed(2)} / ${stages.preprocess.toFixed(2)} / ${stages.cut.toFixed(2)} / ${stages.infer.toFixed(3)} s`]);
    rows.push([`baseline (${label}): inference alone (best of 3)`, `${inference.toFixed(3)} s`]);
    rows.push([`encode (${label}) end to end / inference`, `${(endToEnd / inference).toFixed(1)}x (target ≤ 1.3x)`]);
    rows.push([`  floor with inference fully overlapped`, `${beforeInference.toFixed(2)} s = ${(beforeInference / inference).toFixed(1)}x (read alone ${(stages.read / inference).toFixed(1)}x)`]);
    result[`${key}Encoder`] = id;
    result[`${key}Tiles`] = tiles.length;
    result[`${key}EndToEndSeconds`] = +endToEnd.toFixed(3);
    result[`${key}StageSeconds`] = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, +v.toFixed(3)]));
    result[`${key}InferenceSeconds`] = +inference.toFixed(4);
    result[`${key}Ratio`] = +(endToEnd / inference).toFixed(2);
    result[`${key}OverlappedFloorRatio`] = +(beforeInference / inference).toFixed(2);
    if (key === 'encode') result.meetsEncodeTarget = endToEnd / inference <= 1.3;
  }
  result.loadAverageEnd = load();
  rows.push(['load average (1 min) at start / end', `${result.loadAverageStart} / ${result.loadAverageEnd} (2-core machine shared with other work)`]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
const width = Math.max(...rows.map(([k]) => k.length));
console.log('\nbench:imaging');
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
console.log(JSON.stringify(result));
