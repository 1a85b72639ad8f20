// DICOM series reader on top of dicom-parser: files or folders -> one Volume per SeriesInstanceUID.
// Slices are ordered by their position along the slice normal (row × column of ImageOrientationPatient),
// never by file name or InstanceNumber, and the spacing is checked, because both lie in real exports.
// Native transfer syntaxes are read directly; RLE, JPEG Lossless, JPEG-LS and JPEG 2000 are decoded frame by
// frame (see ./codecs); the other compressed ones, lossy baseline/extended JPEG included, are rejected by name.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
// The default import: under plain Node ESM a namespace import of this CommonJS package lacks parseDicom.
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { ImageReadError } from '../read-errors';
import { cross, type Direction, type Vec3, type Volume, type VoxelArray } from '../volume';
import { DECODABLE_SYNTAXES, decodeCompressedFrame, storedArray } from './codecs/decode-compressed';
import { ReusableFileBuffer, readFileRange } from './file-bytes';
import { MAX_VOLUME_BYTES, parseDataSet, valueReadError } from './parse-dataset';
import { Int16RescaleKernel, maskBits, rescaleFrames } from './rescale';

export interface ReadDicomSeriesOptions {
  /** Pick this series when the input holds several; without it, several series are an error listing them. */
  seriesInstanceUid?: string;
  /** Accept missing slices / uneven spacing (reported as warnings; spacing[2] is then the mean gap). */
  allowUnevenSpacing?: boolean;
  /** Allowed deviation of each slice gap from the median gap, as a fraction of it; default 0.05 (5 %). */
  spacingTolerance?: number;
}

export interface DicomSeriesResult {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string;
  /** StudyDate (0008,0020) of the first instance, as ISO YYYY-MM-DD (absent when missing or not a valid DA). */
  studyDate?: string;
  /** SeriesDate (0008,0021) of the first instance, as ISO YYYY-MM-DD (absent when missing or not a valid DA). */
  seriesDate?: string;
  /** SeriesDescription (0008,103E) of the first instance. */
  seriesDescription?: string;
  /** SeriesNumber (0020,0011) of the first instance. */
  seriesNumber?: number;
  /** The files (instances) of this series, in the order they were found. */
  files: string[];
  volume: Volume;
  /** Non-fatal findings (no patient data): tolerated spacing issues, missing geometry, skipped files. */
  warnings: string[];
}

export interface DicomSeriesSummary {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string;
  seriesNumber?: number;
  /** Number of files (instances) and of frames (slices) in the series. */
  instances: number;
  frames: number;
  files: string[];
  /** Distinct transfer syntax UIDs; see readDicomSeries for the compressed ones it decodes. */
  transferSyntaxes: string[];
}

/** Transfer syntaxes whose pixel data is stored raw and decoded here. */
const NATIVE_SYNTAXES = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

const COMPRESSED_SYNTAXES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline'],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended'],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless'],
  ['1.2.840.10008.1.2.4.70', 'JPEG Lossless SV1'],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless'],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless'],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless'],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000'],
  ['1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Lossless'],
  ['1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2'],
  ['1.2.840.10008.1.2.4.201', 'HTJ2K Lossless'],
  ['1.2.840.10008.1.2.4.202', 'HTJ2K Lossless RPCL'],
  ['1.2.840.10008.1.2.4.203', 'HTJ2K'],
  ['1.2.840.10008.1.2.5', 'RLE Lossless'],
]);

/** One 2D frame: a slice of the future volume. */
interface Frame {
  file: string;
  frameIndex: number;
  position?: Vec3;
  orientation?: number[];
  pixelSpacing?: number[];
  slope: number;
  intercept: number;
}

/** What one file contributes: shared pixel layout plus its frames. */
interface Instance {
  file: string;
  seriesUid: string;
  studyUid: string;
  modality: string;
  seriesNumber?: number;
  studyDate?: string;
  seriesDate?: string;
  seriesDescription?: string;
  instanceNumber?: number;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  littleEndian: boolean;
  photometric: string;
  sliceGap?: number;
  /**
   * Native pixel data of all frames: held bytes (a deflated file's inflated copy), or where they lie in the file,
   * read frame by frame when the series is read (so a folder's files are not all held in memory at once).
   */
  pixels: Uint8Array | { offset: number; length: number };
  /** Set for decodable compressed syntaxes: the parsed file, whose frames are decoded when the series is read. */
  encapsulated?: DataSet;
  frames: Frame[];
  transferSyntax: string;
  /** Set for compressed transfer syntaxes: thrown only if this series is read. */
  unsupported?: ImageReadError;
}

/** Lists the series found under a file, a folder (recursively) or a list of them; no pixel decoding. */
export function listDicomSeries(pathOrPaths: string | readonly string[]): DicomSeriesSummary[] {
  const { instances } = loadInstances(pathOrPaths);
  return [...groupBySeries(instances).values()].map((group) => summarize(group));
}

/**
 * Reads one series into a Volume: slices sorted along the slice normal, duplicates / missing slices / uneven
 * spacing / mixed orientation rejected, RescaleSlope/Intercept applied when non-trivial:
 * Int16Array when both are integers and every result fits 16 bits (CT in HU), else Float32Array.
 * Folders are scanned recursively; non-DICOM files found while scanning a folder are skipped with a warning,
 * but a non-DICOM file named explicitly is an error. RLE Lossless, JPEG Lossless (process 14, incl. SV1), JPEG-LS
 * (lossless and near-lossless) and JPEG 2000 (lossless and lossy, Part 1) are decoded; other compressed syntaxes —
 * baseline/extended lossy JPEG (.4.50/.4.51), JPEG 2000 Part 2, HTJ2K — throw ImageReadError 'unsupported', and a
 * frame that fails to decode throws ImageReadError 'truncated' naming the file, frame and transfer syntax.
 */
export function readDicomSeries(pathOrPaths: string | readonly string[], options: ReadDicomSeriesOptions = {}): DicomSeriesResult {
  const { instances, warnings } = loadInstances(pathOrPaths);
  const label = typeof pathOrPaths === 'string' ? pathOrPaths : `${pathOrPaths.length} path(s)`;
  const series = pickSeries(groupBySeries(instances), options.seriesInstanceUid, label);
  const first = series[0] as Instance;
  const volume = buildVolume(series, options, warnings);
  return {
    seriesInstanceUid: first.seriesUid,
    studyInstanceUid: first.studyUid,
    modality: first.modality,
    ...optional('studyDate', first.studyDate),
    ...optional('seriesDate', first.seriesDate),
    ...optional('seriesDescription', first.seriesDescription),
    ...optional('seriesNumber', first.seriesNumber),
    files: series.map((i) => i.file),
    volume,
    warnings,
  };
}

// ---------------------------------------------------------------- files

function loadInstances(pathOrPaths: string | readonly string[]): { instances: Instance[]; warnings: string[] } {
  const warnings: string[] = [];
  const instances: Instance[] = [];
  const roots = typeof pathOrPaths === 'string' ? [pathOrPaths] : [...pathOrPaths];
  const buffer = new ReusableFileBuffer();
  for (const root of roots) {
    const isDir = statOrThrow(root).isDirectory();
    const files = isDir ? walk(root) : [root];
    for (const file of files) {
      try {
        instances.push(parseInstance(file, buffer));
      } catch (err) {
        const skippable = err instanceof ImageReadError && (err.code === 'not-dicom' || err.code === 'no-pixel-data');
        if (!isDir || !skippable) throw err;
        warnings.push(`skipped ${file}: ${err.message}`);
      }
    }
    if (isDir && files.length === 0) warnings.push(`folder ${root} holds no files`);
  }
  if (instances.length === 0) {
    throw new ImageReadError('not-dicom', `no DICOM image files found in ${roots.join(', ')}`, { file: roots.join(', ') });
  }
  return { instances, warnings };
}

function statOrThrow(path: string) {
  try {
    return statSync(path);
  } catch (cause) {
    throw new ImageReadError('io', `cannot read ${path}: ${(cause as Error).message}`, { file: path, cause });
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

// ---------------------------------------------------------------- one file

/** Parses one file read into `buffer`; the Instance keeps none of the buffer's bytes (it is reused for the next file). */
function parseInstance(file: string, buffer: ReusableFileBuffer): Instance {
  const bytes = buffer.read(file);
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
    throw new ImageReadError('not-dicom', `${file} is not a DICOM Part 10 file: no "DICM" prefix at byte 128`, { file });
  }
  const ds = parseDataSet(bytes, file);
  if (!ds.elements.x7fe00010) {
    throw new ImageReadError('no-pixel-data', `${file} has no Pixel Data (7FE0,0010) element`, { file });
  }
  let instance: Instance;
  try {
    instance = readInstance(ds, file);
    // A compressed file's dataset is kept for decoding its frames later, so it needs bytes of its own: a copy of the
    // same bytes keeps every element offset valid (no second parse).
    if (instance.encapsulated && ds.byteArray.buffer === bytes.buffer) ds.byteArray = Uint8Array.from(ds.byteArray);
  } catch (thrown) {
    throw valueReadError(thrown, file);
  }
  const { pixels } = instance;
  if (pixels instanceof Uint8Array && pixels.length > 0 && pixels.buffer === bytes.buffer) {
    instance.pixels = { offset: pixels.byteOffset - bytes.byteOffset, length: pixels.length };
  }
  return instance;
}

/**
 * NumberOfFrames (0028,0008), 1 when absent. Every frame takes at least one byte of Pixel Data, so a count above
 * the bytes present is a corrupt header (and must not drive a loop or an allocation of that size).
 */
function numberOfFrames(ds: DataSet, file: string): number {
  const declared = int(ds, 'x00280008');
  if (declared === undefined) return 1;
  const pixel = ds.elements.x7fe00010 as Element;
  const bytes = Math.max(0, Math.min(pixel.length, ds.byteArray.length - pixel.dataOffset));
  if (!Number.isSafeInteger(declared) || declared < 1 || declared > bytes) {
    throw new ImageReadError('bad-header', `${file}: NumberOfFrames (0028,0008) = ${declared}; expected a whole number from 1 to ${bytes} (the bytes of its Pixel Data at byte ${pixel.dataOffset})`, { file });
  }
  return declared;
}

function readInstance(ds: DataSet, file: string): Instance {
  const syntax = str(ds, 'x00020010') ?? '';
  const layout = readLayout(ds, file);
  const nFrames = numberOfFrames(ds, file);
  const unsupported = transferSyntaxProblem(syntax, ds, file);
  const compressed = !unsupported && DECODABLE_SYNTAXES.has(syntax);
  const pixels = unsupported || compressed ? new Uint8Array(0) : pixelBytes(ds, file, layout, nFrames);
  return {
    file,
    seriesUid: str(ds, 'x0020000e') ?? '',
    studyUid: str(ds, 'x0020000d') ?? '',
    modality: str(ds, 'x00080060') ?? '',
    ...optional('seriesNumber', int(ds, 'x00200011')),
    ...optional('studyDate', isoDate(str(ds, 'x00080020'))),
    ...optional('seriesDate', isoDate(str(ds, 'x00080021'))),
    ...optional('seriesDescription', str(ds, 'x0008103e')),
    ...optional('instanceNumber', int(ds, 'x00200013')),
    ...layout,
    littleEndian: syntax !== '1.2.840.10008.1.2.2',
    photometric: str(ds, 'x00280004') ?? '',
    ...optional('sliceGap', num(ds, 'x00180088') ?? num(ds, 'x00180050')),
    pixels,
    ...optional('encapsulated', compressed ? ds : undefined),
    frames: readFrames(ds, file, nFrames),
    transferSyntax: syntax,
    ...optional('unsupported', unsupported),
  };
}


/**
 * Native pixel data is read directly and the syntaxes in DECODABLE_SYNTAXES are decoded when the series is read.
 * For anything else the error is kept, not thrown, so that such files can still be listed and do not block
 * reading other series in the same folder; it is thrown when the series is read.
 */
function transferSyntaxProblem(syntax: string, ds: DataSet, file: string): ImageReadError | undefined {
  const encapsulated = ds.elements.x7fe00010?.encapsulatedPixelData === true;
  if (NATIVE_SYNTAXES.has(syntax) && !encapsulated) return undefined;
  if (DECODABLE_SYNTAXES.has(syntax) && encapsulated) return undefined;
  const name = COMPRESSED_SYNTAXES.get(syntax) ?? (syntax ? 'not supported' : 'missing (0002,0010)');
  return new ImageReadError('unsupported', `unsupported transfer syntax ${syntax} (${name}) in ${file}`, { file });
}

/** The native pixel bytes of all frames, after checking the file really holds them. */
function pixelBytes(ds: DataSet, file: string, layout: ReturnType<typeof readLayout>, nFrames: number): Uint8Array {
  const pixelElement = ds.elements.x7fe00010 as Element;
  const needed = layout.rows * layout.columns * (layout.bitsAllocated / 8) * nFrames;
  const available = ds.byteArray.length - pixelElement.dataOffset;
  const what = `${nFrames} frame(s) of ${layout.rows}x${layout.columns}x${layout.bitsAllocated} bits`;
  if (available < needed) {
    throw new ImageReadError('truncated', `${file} is truncated: Pixel Data at byte ${pixelElement.dataOffset} needs ${needed} bytes (${what}), only ${available} present`, { file });
  }
  if (pixelElement.length < needed) {
    throw new ImageReadError('bad-header', `${file}: Pixel Data length ${pixelElement.length} at byte ${pixelElement.dataOffset} is less than the ${needed} bytes of ${what}`, { file });
  }
  return new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset + pixelElement.dataOffset, needed);
}

function readLayout(ds: DataSet, file: string) {
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const samples = ds.uint16('x00280002') ?? 1;
  if (rows < 1 || columns < 1) {
    throw new ImageReadError('bad-header', `${file}: Rows (0028,0010) = ${rows}, Columns (0028,0011) = ${columns}; expected both >= 1`, { file });
  }
  if (![8, 16, 32].includes(bitsAllocated)) {
    throw new ImageReadError('unsupported', `${file}: BitsAllocated (0028,0100) = ${bitsAllocated}; expected 8, 16 or 32`, { file });
  }
  if (samples !== 1) {
    throw new ImageReadError('unsupported', `${file}: SamplesPerPixel (0028,0002) = ${samples}; only single-channel (grayscale) images are supported`, { file });
  }
  return { rows, columns, bitsAllocated, bitsStored, signed: ds.uint16('x00280103') === 1 };
}

/**
 * Per-frame geometry and rescale. Classic images carry them at top level; enhanced multi-frame images in
 * Per-frame (5200,9230) or Shared (5200,9229) Functional Groups, per-frame winning over shared.
 */
function readFrames(ds: DataSet, file: string, nFrames: number): Frame[] {
  const shared = ds.elements.x52009229?.items?.[0]?.dataSet;
  const perFrame = ds.elements.x52009230?.items ?? [];
  const frames: Frame[] = [];
  for (let f = 0; f < nFrames; f++) {
    const groups = [perFrame[f]?.dataSet, shared].filter((g): g is DataSet => g !== undefined);
    const fromGroups = (seq: string, tag: string) => firstOf(groups.map((g) => nums(seqItem(g, seq), tag)));
    const position = fromGroups('x00209113', 'x00200032') ?? nums(ds, 'x00200032');
    const orientation = fromGroups('x00209116', 'x00200037') ?? nums(ds, 'x00200037');
    const pixelSpacing = fromGroups('x00289110', 'x00280030') ?? nums(ds, 'x00280030');
    const slope = fromGroups('x00289145', 'x00281053')?.[0] ?? num(ds, 'x00281053') ?? 1;
    const intercept = fromGroups('x00289145', 'x00281052')?.[0] ?? num(ds, 'x00281052') ?? 0;
    frames.push({
      file,
      frameIndex: f,
      ...optional('position', position?.length === 3 ? (position as unknown as Vec3) : undefined),
      ...optional('orientation', orientation?.length === 6 ? orientation : undefined),
      ...optional('pixelSpacing', pixelSpacing?.length === 2 ? pixelSpacing : undefined),
      slope,
      intercept,
    });
  }
  return frames;
}

function seqItem(ds: DataSet, tag: string): DataSet | undefined {
  return ds.elements[tag]?.items?.[0]?.dataSet;
}

function firstOf<T>(xs: (T | undefined)[]): T | undefined {
  return xs.find((x) => x !== undefined);
}

function str(ds: DataSet | undefined, tag: string): string | undefined {
  const s = ds?.string(tag)?.trim();
  return s ? s : undefined;
}

function num(ds: DataSet | undefined, tag: string): number | undefined {
  return nums(ds, tag)?.[0];
}

function int(ds: DataSet | undefined, tag: string): number | undefined {
  const n = num(ds, tag);
  return n === undefined ? undefined : Math.round(n);
}

/** Backslash-separated decimal strings (DS/IS); undefined unless every value parses. */
function nums(ds: DataSet | undefined, tag: string): number[] | undefined {
  const s = str(ds, tag);
  if (s === undefined) return undefined;
  const values = s.split('\\').map((p) => Number(p.trim()));
  return values.every(Number.isFinite) ? values : undefined;
}

/** DICOM DA (YYYYMMDD, or the old YYYY.MM.DD) to ISO YYYY-MM-DD; undefined when it is not a real date. */
function isoDate(da: string | undefined): string | undefined {
  const m = da ? /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da) : null;
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const t = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// ---------------------------------------------------------------- series

function groupBySeries(instances: Instance[]): Map<string, Instance[]> {
  const groups = new Map<string, Instance[]>();
  for (const inst of instances) {
    const list = groups.get(inst.seriesUid) ?? [];
    list.push(inst);
    groups.set(inst.seriesUid, list);
  }
  return groups;
}

function summarize(group: Instance[]): DicomSeriesSummary {
  const first = group[0] as Instance;
  return {
    seriesInstanceUid: first.seriesUid,
    studyInstanceUid: first.studyUid,
    modality: first.modality,
    ...optional('seriesNumber', first.seriesNumber),
    instances: group.length,
    frames: group.reduce((n, i) => n + i.frames.length, 0),
    files: group.map((i) => i.file),
    transferSyntaxes: [...new Set(group.map((i) => i.transferSyntax))],
  };
}

function pickSeries(groups: Map<string, Instance[]>, wanted: string | undefined, label: string): Instance[] {
  if (wanted !== undefined) {
    const found = groups.get(wanted);
    if (found) return found;
    throw new ImageReadError('series-not-found', `series ${wanted} not found in ${label}; present: ${describeSeries(groups)}`, { file: label });
  }
  if (groups.size > 1) {
    throw new ImageReadError('mixed-series', `${label} holds ${groups.size} series; pass seriesInstanceUid to choose one of: ${describeSeries(groups)}`, { file: label });
  }
  return [...groups.values()][0] as Instance[];
}

function describeSeries(groups: Map<string, Instance[]>): string {
  return [...groups.entries()].map(([uid, list]) => `${uid || '(no SeriesInstanceUID)'} [${list[0]?.modality ?? ''}, ${list.length} file(s)]`).join('; ');
}

// ---------------------------------------------------------------- volume

interface PlacedFrame {
  frame: Frame;
  instance: Instance;
  /** Position along the slice normal, mm. */
  depth: number;
}

function buildVolume(series: Instance[], options: ReadDicomSeriesOptions, warnings: string[]): Volume {
  const first = series[0] as Instance;
  const uid = first.seriesUid;
  const unsupported = series.find((i) => i.unsupported)?.unsupported;
  if (unsupported) throw unsupported;
  checkSameLayout(series, uid);
  if (first.photometric === 'MONOCHROME1') warnings.push(`series ${uid}: MONOCHROME1 (inverted grey scale); values are returned as stored, not inverted`);
  const frames = series.flatMap((instance) => instance.frames.map((frame) => ({ frame, instance })));
  const { row, col, normal } = seriesOrientation(frames.map((f) => f.frame), uid, warnings);
  const placed = placeFrames(frames, normal, uid, warnings);
  checkDuplicates(placed, uid);
  const sliceSpacing = checkSpacing(placed, uid, options, warnings, first.sliceGap);
  checkDrift(placed, normal, uid, warnings);
  const ps = placed[0]?.frame.pixelSpacing ?? warnDefaultSpacing(warnings, uid);
  const origin = placed[0]?.frame.position ?? ([0, 0, 0] as Vec3);
  const dims: Vec3 = [first.columns, first.rows, placed.length];
  return {
    voxels: assembleVoxels(placed, first),
    dims,
    spacing: [ps[1] ?? 1, ps[0] ?? 1, sliceSpacing],
    origin,
    direction: [...row, ...col, ...normal] as unknown as Direction,
    source: `DICOM series ${uid}`,
  };
}

function warnDefaultSpacing(warnings: string[], uid: string): number[] {
  warnings.push(`series ${uid}: no PixelSpacing (0028,0030); assuming 1 mm`);
  return [1, 1];
}

function checkSameLayout(series: Instance[], uid: string): void {
  const first = series[0] as Instance;
  const key = (i: Instance) => `${i.rows}x${i.columns}, ${i.bitsAllocated} bits ${i.signed ? 'signed' : 'unsigned'}`;
  for (const inst of series) {
    if (key(inst) !== key(first)) {
      throw new ImageReadError('inconsistent-series', `series ${uid}: ${inst.file} is ${key(inst)} but ${first.file} is ${key(first)}`, { file: inst.file });
    }
  }
}

/** Orthonormal row/column/normal, identical (within 1e-3) for every frame of the series. */
function seriesOrientation(frames: Frame[], uid: string, warnings: string[]) {
  const withOrientation = frames.filter((f) => f.orientation);
  if (withOrientation.length === 0) {
    warnings.push(`series ${uid}: no ImageOrientationPatient (0020,0037); assuming axial identity orientation`);
    return { row: [1, 0, 0], col: [0, 1, 0], normal: [0, 0, 1] };
  }
  const ref = withOrientation[0] as Frame & { orientation: number[] };
  for (const f of frames) {
    const o = f.orientation;
    if (!o || o.some((v, n) => Math.abs(v - (ref.orientation[n] ?? 0)) > 1e-3)) {
      throw new ImageReadError('inconsistent-orientation', `series ${uid}: ImageOrientationPatient of ${f.file} frame ${f.frameIndex} is ${o?.join('\\') ?? 'missing'}, but ${ref.file} has ${ref.orientation.join('\\')}`, { file: f.file });
    }
  }
  const row = normalize(ref.orientation.slice(0, 3));
  const rawCol = normalize(ref.orientation.slice(3, 6));
  const cosine = dot(row, rawCol);
  if (Math.abs(cosine) > 1e-3) {
    throw new ImageReadError('geometry', `series ${uid}: ImageOrientationPatient row and column vectors of ${ref.file} are not orthogonal (cosine ${cosine.toFixed(4)})`, { file: ref.file });
  }
  const col = normalize(rawCol.map((v, n) => v - cosine * (row[n] ?? 0)));
  return { row, col, normal: cross(row, col) };
}

/** Sorts frames by depth along the normal; without positions, falls back to InstanceNumber/frame order. */
function placeFrames(frames: { frame: Frame; instance: Instance }[], normal: number[], uid: string, warnings: string[]): PlacedFrame[] {
  const missing = frames.filter((f) => !f.frame.position);
  if (missing.length === frames.length) {
    warnings.push(`series ${uid}: no ImagePositionPatient (0020,0032); slices stacked by InstanceNumber and frame order, origin at 0`);
    const ordered = [...frames].sort((a, b) => (a.instance.instanceNumber ?? 0) - (b.instance.instanceNumber ?? 0) || a.frame.frameIndex - b.frame.frameIndex);
    const gap = frames[0]?.instance.sliceGap ?? 1;
    return ordered.map((f, n) => ({ ...f, depth: n * gap, frame: { ...f.frame, position: normal.map((v) => v * n * gap) as unknown as Vec3 } }));
  }
  if (missing.length > 0) {
    const f = (missing[0] as { frame: Frame }).frame;
    throw new ImageReadError('geometry', `series ${uid}: ${f.file} frame ${f.frameIndex} has no ImagePositionPatient (0020,0032) while others do`, { file: f.file });
  }
  return frames
    .map((f) => ({ ...f, depth: dot(f.frame.position as Vec3, normal) }))
    .sort((a, b) => a.depth - b.depth);
}

function checkDuplicates(placed: PlacedFrame[], uid: string): void {
  for (let n = 1; n < placed.length; n++) {
    const a = placed[n - 1] as PlacedFrame;
    const b = placed[n] as PlacedFrame;
    if (Math.abs(b.depth - a.depth) < 1e-3) {
      throw new ImageReadError('duplicate-slice', `series ${uid}: duplicate slice position ${fmtPos(a.frame.position)} in ${frameLabel(a.frame)} and ${frameLabel(b.frame)} (several acquisitions or echoes in one series are not supported)`, { file: b.frame.file });
    }
  }
}

/**
 * Compares every gap with the median gap. A gap of about n×median is n−1 missing slices; anything else
 * beyond the tolerance is uneven spacing. Both are errors unless allowUnevenSpacing. Returns spacing[2].
 */
function checkSpacing(placed: PlacedFrame[], uid: string, options: ReadDicomSeriesOptions, warnings: string[], fallback: number | undefined): number {
  if (placed.length < 2) {
    if (fallback === undefined) warnings.push(`series ${uid}: single slice without SpacingBetweenSlices/SliceThickness; slice spacing set to 1 mm`);
    return fallback ?? 1;
  }
  const gaps = placed.slice(1).map((p, n) => p.depth - (placed[n] as PlacedFrame).depth);
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] as number;
  const tolerance = (options.spacingTolerance ?? 0.05) * median;
  const problems: { code: 'missing-slice' | 'uneven-spacing'; text: string }[] = [];
  gaps.forEach((gap, n) => {
    if (Math.abs(gap - median) <= tolerance) return;
    const a = (placed[n] as PlacedFrame).frame.position;
    const b = (placed[n + 1] as PlacedFrame).frame.position;
    const multiple = Math.round(gap / median);
    const where = `between positions ${fmtPos(a)} and ${fmtPos(b)} (gap ${gap.toFixed(3)} mm, expected ${median.toFixed(3)} mm ±${tolerance.toFixed(3)})`;
    if (multiple >= 2 && Math.abs(gap - multiple * median) <= tolerance * multiple) {
      problems.push({ code: 'missing-slice', text: `series ${uid}: ${multiple - 1} missing slice(s) ${where}` });
    } else {
      problems.push({ code: 'uneven-spacing', text: `series ${uid}: uneven slice spacing ${where}` });
    }
  });
  const mean = ((placed[placed.length - 1] as PlacedFrame).depth - (placed[0] as PlacedFrame).depth) / gaps.length;
  if (problems.length === 0) return mean;
  if (!options.allowUnevenSpacing) {
    const code = problems.some((p) => p.code === 'missing-slice') ? 'missing-slice' : 'uneven-spacing';
    throw new ImageReadError(code, `${problems.map((p) => p.text).join('; ')}. Pass allowUnevenSpacing to read it anyway`, { file: uid });
  }
  warnings.push(...problems.map((p) => p.text), `series ${uid}: spacing is uneven; the volume uses the mean gap ${mean.toFixed(3)} mm, so slice positions are approximate`);
  return mean;
}

/** Slices sliding sideways (gantry tilt, shear) cannot be represented; warn when it exceeds half a pixel. */
function checkDrift(placed: PlacedFrame[], normal: number[], uid: string, warnings: string[]): void {
  const origin = placed[0]?.frame.position;
  const last = placed[placed.length - 1];
  const ps = placed[0]?.frame.pixelSpacing;
  if (!origin || !last?.frame.position || !ps) return;
  const d = last.frame.position.map((v, n) => v - (origin[n] ?? 0));
  const along = dot(d, normal);
  const sideways = Math.hypot(...d.map((v, n) => v - along * (normal[n] ?? 0)));
  if (sideways > 0.5 * Math.min(ps[0] ?? 1, ps[1] ?? 1)) {
    warnings.push(`series ${uid}: slice positions drift ${sideways.toFixed(2)} mm sideways from the slice normal over the series (tilt or shear); the volume ignores it`);
  }
}

/**
 * Copies every frame into the volume. When any rescale is non-trivial the values are real-world ones: Int16Array
 * when the factors are integers and the results fit (CT in HU, as dcm2niix keeps it), else Float32Array (./rescale).
 */
function assembleVoxels(placed: PlacedFrame[], first: Instance): VoxelArray {
  const perSlice = first.rows * first.columns;
  const rescaled = placed.some((p) => p.frame.slope !== 1 || p.frame.intercept !== 0);
  // Integer factors on 16-bit values (CT in HU) are rescaled in WebAssembly; it also masks to BitsStored.
  const kernel =
    rescaled && first.bitsAllocated === 16 && placed.every((p) => Int16RescaleKernel.accepts(p.frame.slope, p.frame.intercept))
      ? Int16RescaleKernel.create(perSlice, first.signed, first.bitsStored)
      : undefined;
  // One scratch frame for native frames' stored values, reused frame after frame (the kernel's input, with one).
  const scratch = kernel?.frame ?? storedArray(first, perSlice);
  const mask = !kernel;
  // The first frame is decoded before the volume is allocated: a compressed frame must prove it holds
  // Rows x Columns samples before Rows x Columns x frames is allocated on the header's word.
  const firstValues = placed[0] ? decodeFrame(placed[0].instance, placed[0].frame.frameIndex, scratch, mask) : undefined;
  // Rescaled volumes are budgeted at 4 bytes a voxel: a frame that does not fit Int16 promotes to Float32.
  const bytes = perSlice * placed.length * (rescaled ? 4 : first.bitsAllocated / 8);
  if (bytes > MAX_VOLUME_BYTES) {
    throw new ImageReadError('unsupported', `series ${first.seriesUid}: ${placed.length} frame(s) of ${first.rows}x${first.columns} make a ${bytes}-byte volume, more than the ${MAX_VOLUME_BYTES} bytes a volume may take in memory`, { file: first.file });
  }
  const valuesOf = (k: number) => {
    const p = placed[k] as PlacedFrame;
    return k === 0 && firstValues ? firstValues : decodeFrame(p.instance, p.frame.frameIndex, scratch, mask);
  };
  if (rescaled) {
    return rescaleFrames(placed.length, perSlice, (k) => ({ values: valuesOf(k), slope: placed[k]!.frame.slope, intercept: placed[k]!.frame.intercept }), kernel);
  }
  const out = storedArray(first, perSlice * placed.length);
  for (let k = 0; k < placed.length; k++) out.set(valuesOf(k), k * perSlice);
  return out;
}

/**
 * One frame's stored values, decompressed or byte-swapped for big endian, masked/sign-extended to BitsStored.
 * Native frames are read (from the file, or the held bytes) into `scratch`, a frame of the stored type reused
 * frame after frame: the result is valid only until the next call. `mask` false leaves native frames unmasked
 * (for the WebAssembly rescale, which masks them itself).
 */
function decodeFrame(inst: Instance, frameIndex: number, scratch: VoxelArray, mask = true): VoxelArray {
  const masked = inst.bitsStored < inst.bitsAllocated && inst.bitsStored > 0;
  if (inst.encapsulated) {
    const out = decodeEncapsulatedFrame(inst, inst.encapsulated, frameIndex);
    if (masked) maskBits(out, inst.bitsStored, inst.signed);
    return out;
  }
  const perSlice = inst.rows * inst.columns;
  const width = inst.bitsAllocated / 8;
  const frameBytes = perSlice * width;
  const scratchBytes = new Uint8Array(scratch.buffer, scratch.byteOffset, frameBytes);
  if (inst.pixels instanceof Uint8Array) scratchBytes.set(inst.pixels.subarray(frameIndex * frameBytes, (frameIndex + 1) * frameBytes));
  else readFileRange(inst.file, inst.pixels.offset + frameIndex * frameBytes, scratchBytes);
  if (!inst.littleEndian && width > 1) swap(scratchBytes, width);
  if (masked && mask) maskBits(scratch, inst.bitsStored, inst.signed);
  return scratch;
}

/** Decodes one compressed frame; any decoder failure becomes an ImageReadError naming file, frame and syntax. */
function decodeEncapsulatedFrame(inst: Instance, ds: DataSet, frameIndex: number): VoxelArray {
  const syntax = `${inst.transferSyntax} (${DECODABLE_SYNTAXES.get(inst.transferSyntax) ?? 'compressed'})`;
  const where = inst.frames.length > 1 ? `frame ${frameIndex + 1} of ${inst.file}` : inst.file;
  let data: Uint8Array;
  try {
    data = encapsulatedFrameBytes(ds, inst.transferSyntax, frameIndex, inst.frames.length);
  } catch (cause) {
    throw new ImageReadError('bad-header', `cannot locate ${where} in its encapsulated Pixel Data, transfer syntax ${syntax}: ${describe(cause)}`, { file: inst.file, cause });
  }
  try {
    return decodeCompressedFrame(inst.transferSyntax, data, inst);
  } catch (cause) {
    throw new ImageReadError('truncated', `cannot decode ${where}, transfer syntax ${syntax}: ${describe(cause)}`, { file: inst.file, cause });
  }
}

/**
 * A frame's compressed bytes. One frame: all fragments. Several: the Basic Offset Table when present, else one
 * fragment per frame when the counts match, else (JPEG family only) frame starts found by their SOI marker.
 */
function encapsulatedFrameBytes(ds: DataSet, syntax: string, frameIndex: number, nFrames: number): Uint8Array {
  const element = ds.elements.x7fe00010 as Element;
  const fragments = element.fragments ?? [];
  if (fragments.length === 0) throw new Error('no fragments');
  if (nFrames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, fragments.length);
  if ((element.basicOffsetTable ?? []).length > 0) return dicomParser.readEncapsulatedImageFrame(ds, element, frameIndex);
  if (fragments.length === nFrames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, frameIndex, 1);
  if (/^1\.2\.840\.10008\.1\.2\.4\.(57|70|80|81)$/.test(syntax)) {
    const table = dicomParser.createJPEGBasicOffsetTable(ds, element);
    if (table.length !== nFrames) throw new Error(`found ${table.length} JPEG start markers for ${nFrames} frames`);
    return dicomParser.readEncapsulatedImageFrame(ds, element, frameIndex, table);
  }
  throw new Error(`${fragments.length} fragments for ${nFrames} frames and no Basic Offset Table`);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function swap(bytes: Uint8Array, width: number): void {
  for (let o = 0; o + width <= bytes.length; o += width) bytes.subarray(o, o + width).reverse();
}

// ---------------------------------------------------------------- small vector helpers

function dot(a: readonly number[], b: readonly number[]): number {
  return (a[0] ?? 0) * (b[0] ?? 0) + (a[1] ?? 0) * (b[1] ?? 0) + (a[2] ?? 0) * (b[2] ?? 0);
}

function normalize(v: readonly number[]): number[] {
  const len = Math.hypot(...v) || 1;
  return v.map((x) => x / len);
}

function fmtPos(p: Vec3 | undefined): string {
  return p ? `(${p.map((v) => v.toFixed(2)).join(', ')})` : '(unknown)';
}

function frameLabel(f: Frame): string {
  return f.frameIndex === 0 ? f.file : `${f.file} frame ${f.frameIndex}`;
}
