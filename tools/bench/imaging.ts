/**
 * npm run bench:imaging [-- --slices 300 --size 512]
 *
 * 1. Reading a CT series: a synthetic 512x512x300 CT phantom (body, lungs, a 50 mL lesion) written as DICOM
 *    (explicit VR little endian, one file per slice), read by OncoBoard's series reader, against Debian's
 *    dcm2niix converting the same files to NIfTI in the same run (target: at most 2x its wall time).
 * 2. Full radiomics on the same volume and lesion mask, fixed bin size 25 HU, 3D (target: under 3 s on one core).
 * 3. Encoding end to end against inference alone: not measured yet (no default 3D encoder ships; see issue 3).
 * Prints a table, then one JSON object as the last line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { computeRadiomics, readDicomSeries, type RadiomicsConfig } from '@oncoboard/imaging';
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
try {
  process.stderr.write(`generating a ${size}x${size}x${slices} CT phantom and writing it as DICOM...\n`);
  const { image, mask } = syntheticCtPhantom({ size, slices, pixelMm: 0.8, sliceMm: 1, lesionMl: 50 });
  const seriesDir = join(work, 'series');
  writeDicomSeries(image, seriesDir);

  // Best of 3 for both, after one untimed warm-up read (file cache, JIT).
  readDicomSeries(seriesDir);
  let read: ReturnType<typeof readDicomSeries> | undefined;
  const oursSeconds = Math.min(...[0, 1, 2].map(() => seconds(() => (read = readDicomSeries(seriesDir)))));
  const same = read!.volume.voxels.length === image.voxels.length && read!.volume.voxels.every((v, i) => v === image.voxels[i]);
  rows.push(['read series (OncoBoard, best of 3)', `${oursSeconds.toFixed(2)} s${same ? '' : '  (VOXELS DIFFER FROM THE PHANTOM)'}`]);
  result.readSeconds = +oursSeconds.toFixed(3);
  result.readMatchesPhantom = same;

  const dcm2niix = spawnSync('dcm2niix', ['-v'], { encoding: 'utf8' });
  if (dcm2niix.error) {
    rows.push(['baseline: dcm2niix', 'not installed (apt-get install -y dcm2niix)']);
    result.dcm2niixSeconds = null;
  } else {
    const out = join(work, 'nifti');
    const run = () => {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      const r = spawnSync('dcm2niix', ['-z', 'n', '-b', 'n', '-f', 'bench', '-o', out, seriesDir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`dcm2niix failed: ${r.stderr || r.stdout}`);
    };
    run();
    const baseline = Math.min(...[0, 1, 2].map(() => seconds(run)));
    rows.push(['baseline: dcm2niix to NIfTI (best of 3)', `${baseline.toFixed(2)} s`]);
    rows.push(['read / dcm2niix', `${(oursSeconds / baseline).toFixed(2)}x (target ≤ 2x)`]);
    result.dcm2niixSeconds = +baseline.toFixed(3);
    result.readToDcm2niixRatio = +(oursSeconds / baseline).toFixed(2);
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
  rows.push(['encode end to end / inference alone', 'not measured: no default 3D encoder ships yet']);
  result.encodeRatio = null;
} finally {
  rmSync(work, { recursive: true, force: true });
}
const width = Math.max(...rows.map(([k]) => k.length));
console.log('\nbench:imaging');
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
console.log(JSON.stringify(result));
