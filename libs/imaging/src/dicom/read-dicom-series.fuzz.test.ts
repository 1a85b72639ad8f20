import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageReadError } from '../read-errors';
import { dicomItem, dicomPart10, dicomText, dicomUs } from '../testing/dicom-writer';
import { readDicomSeries } from './read-dicom-series';

// Regression tests of bugs the fuzz command found (tools/fuzz; `npm run fuzz`, and its fixed-seed sample in
// tools/fuzz/fuzz-sample.test.ts), each with the minimized input and the exact error it gives now.

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
