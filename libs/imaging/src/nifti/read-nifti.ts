// NIfTI-1 / NIfTI-2 reader (.nii, .nii.gz), written here rather than pulled from a library so that every
// header field is validated against the bytes actually present before anything large is allocated.
// Geometry: sform when sform_code > 0, else qform (quaternion) when qform_code > 0, else pixdim only;
// NIfTI world is RAS, Volume is LPS, so x and y of origin and direction are negated.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ImageReadError } from '../read-errors';
import type { Direction, Vec3, Volume, VoxelArray } from '../volume';

export interface ReadNiftiOptions {
  /**
   * Which 3D volume to return from a 4D file (dim[4] > 1); default 0. Only one volume is ever returned:
   * the Volume type is 3D.
   */
  volumeIndex?: number;
}

interface DataTypeInfo {
  name: string;
  bytes: number;
  make: (n: number) => VoxelArray;
}

/** NIfTI datatype codes this reader supports (nifti1.h DT_*). */
const DATA_TYPES: ReadonlyMap<number, DataTypeInfo> = new Map<number, DataTypeInfo>([
  [2, { name: 'uint8', bytes: 1, make: (n) => new Uint8Array(n) }],
  [4, { name: 'int16', bytes: 2, make: (n) => new Int16Array(n) }],
  [8, { name: 'int32', bytes: 4, make: (n) => new Int32Array(n) }],
  [16, { name: 'float32', bytes: 4, make: (n) => new Float32Array(n) }],
  [64, { name: 'float64', bytes: 8, make: (n) => new Float64Array(n) }],
  [256, { name: 'int8', bytes: 1, make: (n) => new Int8Array(n) }],
  [512, { name: 'uint16', bytes: 2, make: (n) => new Uint16Array(n) }],
  [768, { name: 'uint32', bytes: 4, make: (n) => new Uint32Array(n) }],
]);

/** Header fields the reader uses, in one shape for both NIfTI versions. */
interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  dim: number[];
  datatype: number;
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  srow: [number[], number[], number[]];
}

const GZIP_MAGIC = [0x1f, 0x8b];
const NIFTI1_SIZE = 348;
const NIFTI2_SIZE = 540;

/** Reads a .nii or .nii.gz file (gzip detected from the bytes, not the name). */
export function readNifti(path: string, options?: ReadNiftiOptions): Volume {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ImageReadError('io', `cannot read NIfTI file ${path}: ${(cause as Error).message}`, { file: path, cause });
  }
  return parseNifti(bytes, path, options);
}

/**
 * Parses NIfTI bytes (optionally gzipped). `name` is only used in error messages and as `source`.
 * The claimed data size is checked against the bytes present before the voxel array is allocated.
 */
export function parseNifti(bytes: Uint8Array, name: string, options?: ReadNiftiOptions): Volume {
  const raw = isGzip(bytes) ? gunzip(bytes, name) : bytes;
  const header = parseHeader(raw, name);
  const { dims, volumes } = checkDims(header, name);
  const volumeIndex = options?.volumeIndex ?? 0;
  if (!Number.isInteger(volumeIndex) || volumeIndex < 0 || volumeIndex >= volumes) {
    throw new ImageReadError('bad-header', `${name}: volumeIndex ${volumeIndex} out of range, file has ${volumes} volume(s) (dim[4])`, { file: name });
  }
  const type = DATA_TYPES.get(header.datatype);
  if (!type) {
    throw new ImageReadError('unsupported', `${name}: unsupported datatype ${header.datatype} (header field datatype); expected one of uint8, int8, int16, uint16, int32, uint32, float32, float64`, { file: name });
  }
  const perVolume = dims[0] * dims[1] * dims[2];
  checkDataFits(header, raw.length, perVolume * volumes * type.bytes, name);
  const geometry = readGeometry(header, name);
  const start = header.voxOffset + volumeIndex * perVolume * type.bytes;
  const stored = readVoxels(raw, start, perVolume, type, header.littleEndian);
  return { voxels: applyScaling(stored, header), dims, ...geometry, source: name };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Decompresses the whole member: output is bounded by what the file really holds, not by header claims. */
function gunzip(bytes: Uint8Array, name: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (cause) {
    const msg = (cause as Error).message;
    const truncated = /unexpected end/i.test(msg);
    throw new ImageReadError(truncated ? 'truncated' : 'bad-header', `${name}: gzip data ${truncated ? 'is truncated' : 'is corrupt'} (${msg})`, { file: name, cause });
  }
}

function parseHeader(raw: Uint8Array, name: string): NiftiHeader {
  if (raw.length < 4) {
    throw new ImageReadError('truncated', `${name}: ${raw.length} bytes, too short for a NIfTI header (sizeof_hdr at offset 0 needs 4 bytes)`, { file: name });
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  const littleEndian = le === NIFTI1_SIZE || le === NIFTI2_SIZE;
  const size = littleEndian ? le : be;
  if (size !== NIFTI1_SIZE && size !== NIFTI2_SIZE) {
    throw new ImageReadError('not-nifti', `${name}: sizeof_hdr (offset 0) is ${le} (little-endian) / ${be} (big-endian); expected 348 (NIfTI-1) or 540 (NIfTI-2)`, { file: name });
  }
  if (raw.length < size) {
    throw new ImageReadError('truncated', `${name}: file has ${raw.length} bytes, the NIfTI-${size === NIFTI1_SIZE ? 1 : 2} header needs ${size}`, { file: name });
  }
  return size === NIFTI1_SIZE ? parseHeader1(view, littleEndian, name) : parseHeader2(view, littleEndian, name);
}

function parseHeader1(v: DataView, le: boolean, name: string): NiftiHeader {
  const magic = ascii(v, 344, 4);
  if (magic !== 'n+1\0') {
    const hint = magic === 'ni1\0' ? ' (separate .hdr/.img pairs are not supported)' : '';
    throw new ImageReadError('not-nifti', `${name}: bad magic at offset 344: ${JSON.stringify(magic)}; expected "n+1\\0"${hint}`, { file: name });
  }
  const i16 = (o: number) => v.getInt16(o, le);
  const f32 = (o: number) => v.getFloat32(o, le);
  return {
    version: 1,
    littleEndian: le,
    dim: range(8).map((n) => i16(40 + 2 * n)),
    datatype: i16(70),
    pixdim: range(8).map((n) => f32(76 + 4 * n)),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: [0, 1, 2].map((r) => range(4).map((c) => f32(280 + 16 * r + 4 * c))) as NiftiHeader['srow'],
  };
}

function parseHeader2(v: DataView, le: boolean, name: string): NiftiHeader {
  const magic = ascii(v, 4, 8);
  if (magic !== 'n+2\0\r\n\x1a\n') {
    const hint = magic.startsWith('ni2') ? ' (separate .hdr/.img pairs are not supported)' : '';
    throw new ImageReadError('not-nifti', `${name}: bad magic at offset 4: ${JSON.stringify(magic)}; expected "n+2\\0\\r\\n\\x1a\\n"${hint}`, { file: name });
  }
  const i64 = (o: number) => bigToNumber(v.getBigInt64(o, le), name, o);
  const f64 = (o: number) => v.getFloat64(o, le);
  return {
    version: 2,
    littleEndian: le,
    dim: range(8).map((n) => i64(16 + 8 * n)),
    datatype: v.getInt16(12, le),
    pixdim: range(8).map((n) => f64(104 + 8 * n)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    qformCode: v.getInt32(344, le),
    sformCode: v.getInt32(348, le),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: [0, 1, 2].map((r) => range(4).map((c) => f64(400 + 32 * r + 8 * c))) as NiftiHeader['srow'],
  };
}

function bigToNumber(x: bigint, name: string, offset: number): number {
  if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ImageReadError('bad-header', `${name}: int64 field at offset ${offset} is ${x}, beyond any real file size`, { file: name });
  }
  return Number(x);
}

/** 3D, or 4D taking one volume; higher dimensions must all be 1. */
function checkDims(h: NiftiHeader, name: string): { dims: Vec3; volumes: number } {
  const dimOffset = h.version === 1 ? 40 : 16;
  const n = h.dim[0] ?? 0;
  if (n < 1 || n > 7) {
    throw new ImageReadError('bad-header', `${name}: dim[0] (offset ${dimOffset}) is ${n}; expected 1..7`, { file: name });
  }
  const size = (d: number) => (d <= n ? h.dim[d] ?? 0 : 1);
  for (let d = 1; d <= n; d++) {
    if (size(d) < 1) {
      throw new ImageReadError('bad-header', `${name}: dim[${d}] is ${size(d)}; expected >= 1`, { file: name });
    }
  }
  for (let d = 5; d <= n; d++) {
    if (size(d) !== 1) {
      throw new ImageReadError('unsupported', `${name}: dim[${d}] is ${size(d)}; only 3D and 4D images are supported`, { file: name });
    }
  }
  return { dims: [size(1), size(2), size(3)], volumes: size(4) };
}

/** The size check that must happen before allocation: a header may claim gigabytes in a 1 KB file. */
function checkDataFits(h: NiftiHeader, available: number, dataBytes: number, name: string): void {
  const minOffset = h.version === 1 ? 352 : 544;
  if (!Number.isInteger(h.voxOffset) || h.voxOffset < minOffset) {
    throw new ImageReadError('bad-header', `${name}: vox_offset is ${h.voxOffset}; expected an integer >= ${minOffset} for a single-file NIfTI-${h.version}`, { file: name });
  }
  const needed = h.voxOffset + dataBytes;
  if (needed > available) {
    throw new ImageReadError('truncated', `${name}: header claims ${dataBytes} bytes of voxel data from offset ${h.voxOffset} (${needed} bytes in all) but the ${h.littleEndian ? '' : 'big-endian '}file holds ${available} bytes (truncated file or wrong dim/datatype)`, { file: name });
  }
}

type Geometry = Pick<Volume, 'spacing' | 'origin' | 'direction'>;

function readGeometry(h: NiftiHeader, name: string): Geometry {
  if (h.sformCode > 0) return sformGeometry(h, name);
  if (h.qformCode > 0) return qformGeometry(h, name);
  const spacing = [1, 2, 3].map((d) => positiveSpacing(h.pixdim[d], `pixdim[${d}]`, name)) as unknown as Vec3;
  return { spacing, origin: [0, 0, 0], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] };
}

function sformGeometry(h: NiftiHeader, name: string): Geometry {
  const [x, y, z] = h.srow;
  const columns = [0, 1, 2].map((c) => [x[c] ?? 0, y[c] ?? 0, z[c] ?? 0]);
  const spacing = columns.map((col, c) => positiveSpacing(Math.hypot(...col), `sform column ${c} length`, name));
  const unit = columns.map((col, c) => col.map((e) => e / (spacing[c] ?? 1)));
  return toLps(unit, spacing, [x[3] ?? 0, y[3] ?? 0, z[3] ?? 0], 'sform (srow_x/y/z)', name);
}

/** Quaternion rotation per nifti1.h; qfac = pixdim[0] (-1 flips k, anything else counts as +1). */
function qformGeometry(h: NiftiHeader, name: string): Geometry {
  const [b, c, d] = h.quatern;
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  const qfac = h.pixdim[0] === -1 ? -1 : 1;
  const col0 = [a * a + b * b - c * c - d * d, 2 * (b * c + a * d), 2 * (b * d - a * c)];
  const col1 = [2 * (b * c - a * d), a * a + c * c - b * b - d * d, 2 * (c * d + a * b)];
  const col2 = [2 * (b * d + a * c), 2 * (c * d - a * b), a * a + d * d - b * b - c * c].map((e) => e * qfac);
  const spacing = [1, 2, 3].map((n) => positiveSpacing(Math.abs(h.pixdim[n] ?? 0), `pixdim[${n}]`, name));
  return toLps([col0, col1, col2], spacing, h.qoffset, 'qform (quatern_b/c/d)', name);
}

function positiveSpacing(value: number | undefined, field: string, name: string): number {
  if (value === undefined || !Number.isFinite(value) || value <= 0) {
    throw new ImageReadError('geometry', `${name}: ${field} is ${value}; expected a positive voxel size`, { file: name });
  }
  return value;
}

/** Rejects sheared axes (Volume assumes orthonormal directions), then flips RAS to LPS. */
function toLps(unit: number[][], spacing: number[], originRas: readonly number[], field: string, name: string): Geometry {
  const tol = 1e-3;
  for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
    const dot = (unit[p] ?? []).reduce((s, e, n) => s + e * (unit[q]?.[n] ?? 0), 0);
    if (Math.abs(dot) > tol) {
      throw new ImageReadError('geometry', `${name}: ${field} axes ${p} and ${q} are not orthogonal (cosine ${dot.toFixed(4)}, tolerance ${tol}); sheared images are not supported`, { file: name });
    }
  }
  const lps = (v: readonly number[]): [number, number, number] => [-(v[0] ?? 0), -(v[1] ?? 0), v[2] ?? 0];
  const direction = unit.flatMap(lps) as unknown as Direction;
  return { spacing: spacing as unknown as Vec3, origin: lps(originRas), direction };
}

/** Copies (and byte-swaps when the file's endianness differs from the platform's) one volume of voxels. */
function readVoxels(raw: Uint8Array, start: number, count: number, type: DataTypeInfo, littleEndian: boolean): VoxelArray {
  const out = type.make(count);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  outBytes.set(raw.subarray(start, start + count * type.bytes));
  if (littleEndian !== PLATFORM_LITTLE_ENDIAN && type.bytes > 1) swapBytes(outBytes, type.bytes);
  return out;
}

const PLATFORM_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function swapBytes(bytes: Uint8Array, width: number): void {
  for (let o = 0; o + width <= bytes.length; o += width) {
    for (let a = o, b = o + width - 1; a < b; a++, b--) {
      const t = bytes[a] ?? 0;
      bytes[a] = bytes[b] ?? 0;
      bytes[b] = t;
    }
  }
}

/** scl_slope 0 (or not finite) means "no scaling" per the NIfTI spec. */
function applyScaling(stored: VoxelArray, h: NiftiHeader): VoxelArray {
  const slope = Number.isFinite(h.sclSlope) && h.sclSlope !== 0 ? h.sclSlope : 1;
  const inter = Number.isFinite(h.sclInter) ? h.sclInter : 0;
  if (slope === 1 && inter === 0) return stored;
  const out = new Float32Array(stored.length);
  for (let n = 0; n < stored.length; n++) out[n] = (stored[n] ?? 0) * slope + inter;
  return out;
}

function ascii(v: DataView, offset: number, length: number): string {
  let s = '';
  for (let n = 0; n < length; n++) s += String.fromCharCode(v.getUint8(offset + n));
  return s;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
