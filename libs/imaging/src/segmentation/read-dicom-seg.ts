// DICOM SEG (Segmentation Storage) reader on top of dicom-parser: one multi-frame SEG -> one label Volume on
// the SEG's own frame grid, plus its segment list and the series it was drawn on. Use resampleMaskOnto to put
// the labels onto the image's grid: SEG frames need not match the image's slices (they are often only the
// slices where a segment is present, sometimes on another spacing).
// Only uncompressed transfer syntaxes (and deflate) are decoded; BINARY and FRACTIONAL segmentation types.

import { readFileSync } from 'node:fs';
import type { DataSet, Element } from 'dicom-parser';
import { ImageReadError } from '../read-errors';
import type { Direction, Vec3, Volume } from '../volume';
import { MAX_VOLUME_BYTES, parseDataSet, valueReadError } from '../dicom/parse-dataset';

export const SEGMENTATION_STORAGE_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

export type SegmentationType = 'BINARY' | 'FRACTIONAL';

export interface SegSegment {
  /** Segment Number (0062,0004): the voxel value of this segment in the label volume. */
  number: number;
  /** Segment Label (0062,0005). */
  label: string;
  /** Segment Algorithm Type (0062,0008): AUTOMATIC, SEMIAUTOMATIC or MANUAL. */
  algorithmType: string;
  algorithmName?: string;
  /** Code meanings of the Segmented Property Category / Type, e.g. 'Tissue' / 'Liver'. */
  category?: string;
  propertyType?: string;
  /** Frames that belong to this segment. */
  frameCount: number;
  /** Voxels set in this segment's own frames (before overlap with other segments is resolved). */
  voxelCount: number;
  /** Voxels carrying this segment's number in the label volume (after later segments overwrote overlaps). */
  labelVoxelCount: number;
}

export interface DicomSegResult {
  /** Segment numbers per voxel (0 = background) on the SEG frame grid, k sorted along the slice normal. */
  labels: Volume<Uint8Array | Uint16Array>;
  segments: SegSegment[];
  segmentationType: SegmentationType;
  /** Series the segmentation was drawn on (first item of ReferencedSeriesSequence), to link it to the image. */
  referencedSeriesUid?: string;
  /** All referenced series, in file order (usually one). */
  referencedSeriesUids: string[];
  frameOfReferenceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  /** Non-fatal findings (no patient data): overlaps, empty segments, tolerated header gaps. */
  warnings: string[];
}

export interface ReadDicomSegOptions {
  /** Name used in errors and as volume.source when reading from bytes. */
  name?: string;
}

const NATIVE_SYNTAXES = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);
const BIG_ENDIAN = '1.2.840.10008.1.2.2';

/** Reads a DICOM SEG from a file path or from its bytes. Throws ImageReadError naming the file and the problem. */
export function readDicomSeg(input: string | Uint8Array, options: ReadDicomSegOptions = {}): DicomSegResult {
  const file = typeof input === 'string' ? input : (options.name ?? '<bytes>');
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    try {
      bytes = readFileSync(input);
    } catch (e) {
      throw new ImageReadError('io', `${file}: cannot read file (${e instanceof Error ? e.message : String(e)})`, { file, cause: e });
    }
  } else {
    bytes = input;
  }
  const ds = parseDataSet(bytes, file);
  try {
    return decodeSeg(ds, file);
  } catch (thrown) {
    throw valueReadError(thrown, file);
  }
}

function err(code: ConstructorParameters<typeof ImageReadError>[0], file: string, message: string): never {
  throw new ImageReadError(code, `${file}: ${message}`, { file });
}

function str(ds: DataSet, tag: string): string | undefined {
  const s = ds.string(tag);
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

/** Decimal string (DS) values as numbers; undefined if absent or not all finite. */
function numbers(ds: DataSet | undefined, tag: string): number[] | undefined {
  const s = ds ? str(ds, tag) : undefined;
  if (s === undefined) return undefined;
  const v = s.split('\\').map((x) => Number(x.trim()));
  return v.every((x) => Number.isFinite(x)) ? v : undefined;
}

function items(ds: DataSet | undefined, tag: string): DataSet[] {
  const el: Element | undefined = ds?.elements[tag];
  return (el?.items ?? []).map((it) => it.dataSet).filter((d): d is DataSet => d !== undefined);
}

/** First item of a sequence nested under a functional group item (e.g. PlanePositionSequence of one frame). */
function group(fg: DataSet | undefined, tag: string): DataSet | undefined {
  return items(fg, tag)[0];
}

function codeMeaning(ds: DataSet, tag: string): string | undefined {
  const first = items(ds, tag)[0];
  return first ? str(first, 'x00080104') : undefined;
}

function decodeSeg(ds: DataSet, file: string): DicomSegResult {
  const warnings: string[] = [];
  const sopClass = str(ds, 'x00080016') ?? str(ds, 'x00020002');
  if (sopClass !== SEGMENTATION_STORAGE_SOP_CLASS) {
    err('unsupported', file, `not a DICOM SEG: SOP Class UID is ${sopClass ?? 'missing'}, expected Segmentation Storage ${SEGMENTATION_STORAGE_SOP_CLASS}`);
  }
  const syntax = str(ds, 'x00020010') ?? '1.2.840.10008.1.2';
  const pixelEl = ds.elements.x7fe00010;
  if (!pixelEl) err('no-pixel-data', file, 'no Pixel Data (7FE0,0010)');
  if (!NATIVE_SYNTAXES.has(syntax) || pixelEl.encapsulatedPixelData) {
    err('unsupported', file, `compressed transfer syntax ${syntax} is not supported for SEG; convert to Explicit VR Little Endian`);
  }

  const segType = str(ds, 'x00620001');
  if (segType !== 'BINARY' && segType !== 'FRACTIONAL') {
    err('unsupported', file, `unsupported Segmentation Type (0062,0001) ${JSON.stringify(segType ?? null)}; BINARY and FRACTIONAL are supported`);
  }
  const rows = ds.uint16('x00280010');
  const cols = ds.uint16('x00280011');
  if (!rows || !cols) err('bad-header', file, `Rows/Columns (0028,0010/0011) missing or zero (${rows}, ${cols})`);
  const bitsAllocated = ds.uint16('x00280100');
  const expectedBits = segType === 'BINARY' ? 1 : 8;
  if (bitsAllocated !== expectedBits) {
    err('unsupported', file, `${segType} segmentation with Bits Allocated ${bitsAllocated}; expected ${expectedBits}`);
  }
  const maxFractional = segType === 'FRACTIONAL' ? (ds.uint16('x0062000e') ?? 255) : 1;
  if (segType === 'FRACTIONAL' && ds.uint16('x0062000e') === undefined) warnings.push('FRACTIONAL SEG without Maximum Fractional Value (0062,000E): 255 assumed');

  const nfString = str(ds, 'x00280008');
  let nFrames = nfString === undefined ? 1 : Number(nfString);
  if (!Number.isInteger(nFrames) || nFrames < 1) err('bad-header', file, `Number of Frames (0028,0008) ${JSON.stringify(nfString)} is not a positive integer`);

  // Segments.
  const segItems = items(ds, 'x00620002');
  if (segItems.length === 0) err('bad-header', file, 'Segment Sequence (0062,0002) is missing or empty');
  const segments: SegSegment[] = segItems.map((s, idx) => {
    const number = s.uint16('x00620004');
    if (number === undefined || number < 1) err('bad-header', file, `Segment Sequence item ${idx + 1} has no valid Segment Number (0062,0004)`);
    const seg: SegSegment = {
      number,
      label: str(s, 'x00620005') ?? '',
      algorithmType: str(s, 'x00620008') ?? '',
      frameCount: 0,
      voxelCount: 0,
      labelVoxelCount: 0,
    };
    const algorithmName = str(s, 'x00620009');
    if (algorithmName !== undefined) seg.algorithmName = algorithmName;
    const category = codeMeaning(s, 'x00620003');
    if (category !== undefined) seg.category = category;
    const propertyType = codeMeaning(s, 'x0062000f');
    if (propertyType !== undefined) seg.propertyType = propertyType;
    return seg;
  });
  const segIndex = new Map<number, number>();
  segments.forEach((s, i) => {
    if (segIndex.has(s.number)) err('bad-header', file, `Segment Number ${s.number} appears twice in the Segment Sequence`);
    segIndex.set(s.number, i);
  });

  // Functional groups: shared values, per-frame overrides.
  const shared = items(ds, 'x52009229')[0];
  const perFrame = items(ds, 'x52009230');
  if (nfString === undefined) warnings.push(`Number of Frames (0028,0008) absent: 1 frame assumed`);
  if (perFrame.length < nFrames) {
    err('bad-header', file, `Per-frame Functional Groups Sequence (5200,9230) has ${perFrame.length} items for ${nFrames} frames`);
  }
  if (perFrame.length > nFrames) warnings.push(`Per-frame Functional Groups Sequence has ${perFrame.length} items for ${nFrames} frames; the first ${nFrames} are used`);

  const orientationOf = (f: number) => numbers(group(perFrame[f], 'x00209116'), 'x00200037') ?? numbers(group(shared, 'x00209116'), 'x00200037');
  const measuresOf = (f: number) => group(perFrame[f], 'x00289110') ?? group(shared, 'x00289110');

  const iop = orientationOf(0);
  if (!iop || iop.length !== 6) err('geometry', file, 'no Image Orientation (Patient) in Plane Orientation Sequence (0020,9116), shared or per-frame');
  const measures = measuresOf(0);
  const pixelSpacing = numbers(measures, 'x00280030');
  if (!pixelSpacing || pixelSpacing.length !== 2 || !pixelSpacing.every((s) => s > 0)) {
    err('geometry', file, 'no valid Pixel Spacing (0028,0030) in Pixel Measures Sequence (0028,9110), shared or per-frame');
  }
  const row: Vec3 = [iop[0]!, iop[1]!, iop[2]!];
  const col: Vec3 = [iop[3]!, iop[4]!, iop[5]!];
  const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  if (Math.abs(Math.hypot(...row) - 1) > 1e-3 || Math.abs(Math.hypot(...col) - 1) > 1e-3 || Math.abs(dot(row, col)) > 1e-3) {
    err('geometry', file, `Image Orientation (Patient) ${JSON.stringify(iop)} is not two orthonormal vectors`);
  }
  const normal: Vec3 = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];

  // Frames: segment and position.
  const frames: { segment: number; position: Vec3; along: number }[] = [];
  for (let f = 0; f < nFrames; f++) {
    const o = orientationOf(f);
    if (o && o.some((x, i) => Math.abs(x - iop[i]!) > 1e-4)) {
      err('inconsistent-orientation', file, `frame ${f + 1} has Image Orientation ${JSON.stringify(o)}, frame 1 has ${JSON.stringify(iop)}`);
    }
    const ps = numbers(measuresOf(f), 'x00280030');
    if (ps && ps.some((x, i) => Math.abs(x - pixelSpacing[i]!) > 1e-4 * Math.max(1, x))) {
      err('geometry', file, `frame ${f + 1} has Pixel Spacing ${JSON.stringify(ps)}, frame 1 has ${JSON.stringify(pixelSpacing)}`);
    }
    const segNo = group(perFrame[f], 'x0062000a')?.uint16('x0062000b') ?? group(shared, 'x0062000a')?.uint16('x0062000b');
    if (segNo === undefined) err('bad-header', file, `frame ${f + 1} has no Segment Identification Sequence (0062,000A) / Referenced Segment Number`);
    if (!segIndex.has(segNo)) err('bad-header', file, `frame ${f + 1} references segment ${segNo}, which is not in the Segment Sequence`);
    const ipp = numbers(group(perFrame[f], 'x00209113'), 'x00200032') ?? numbers(group(shared, 'x00209113'), 'x00200032');
    if (!ipp || ipp.length !== 3) err('geometry', file, `frame ${f + 1} has no Image Position (Patient) in Plane Position Sequence (0020,9113)`);
    const position: Vec3 = [ipp[0]!, ipp[1]!, ipp[2]!];
    frames.push({ segment: segNo, position, along: dot(position, normal) });
  }

  // Slice grid along the normal. Frames exist only where a segment is present, so gaps of several slices are
  // normal; positions must still fall on one regular grid.
  const sorted = [...new Set(frames.map((f) => f.along))].sort((a, b) => a - b);
  const unique: number[] = [];
  for (const a of sorted) if (unique.length === 0 || a - unique[unique.length - 1]! > 0.01) unique.push(a); // DS rounding noise
  let minGap = Infinity;
  for (let i = 1; i < unique.length; i++) minGap = Math.min(minGap, unique[i]! - unique[i - 1]!);
  const declared = numbers(measures, 'x00180088')?.[0];
  const thickness = numbers(measures, 'x00180050')?.[0];
  const fits = (s: number) => unique.every((a) => {
    const k = (a - unique[0]!) / s;
    return Math.abs(k - Math.round(k)) <= 0.05;
  });
  let sliceSpacing: number;
  if (declared !== undefined && declared > 0 && fits(declared)) sliceSpacing = declared;
  else if (unique.length > 1 && fits(minGap)) {
    sliceSpacing = minGap;
    if (declared !== undefined) warnings.push(`Spacing Between Slices ${declared} mm does not fit the frame positions; ${minGap.toFixed(4)} mm (smallest gap) used`);
  } else if (unique.length > 1) {
    err('uneven-spacing', file, `frame positions along the slice normal (${unique.map((a) => a.toFixed(3)).join(', ')}) do not lie on a regular grid`);
  } else if (thickness !== undefined && thickness > 0) sliceSpacing = thickness;
  else {
    sliceSpacing = 1;
    warnings.push('single slice without Spacing Between Slices or Slice Thickness: 1 mm assumed');
  }
  const nSlices = unique.length === 0 ? 1 : Math.round((unique[unique.length - 1]! - unique[0]!) / sliceSpacing) + 1;

  // In-plane offsets must agree, or frames would not stack onto one grid.
  const first = frames.reduce((m, f) => (f.along < m.along ? f : m), frames[0]!);
  for (let f = 0; f < frames.length; f++) {
    const d: Vec3 = [frames[f]!.position[0] - first.position[0], frames[f]!.position[1] - first.position[1], frames[f]!.position[2] - first.position[2]];
    const dr = dot(d, row);
    const dc = dot(d, col);
    // A tenth of a pixel: DS rounding of oblique positions stays far below, a real shift does not.
    if (Math.abs(dr) > 0.1 * pixelSpacing[1]! || Math.abs(dc) > 0.1 * pixelSpacing[0]!) {
      err('geometry', file, `frame ${f + 1} is shifted in-plane by (${dr.toFixed(3)}, ${dc.toFixed(3)}) mm relative to the lowest frame; frames do not share one grid`);
    }
  }

  // Pixel data.
  const frameSize = rows * cols;
  const needed = segType === 'BINARY' ? Math.ceil((nFrames * frameSize) / 8) : nFrames * frameSize;
  const present = Math.min(pixelEl.length, ds.byteArray.length - pixelEl.dataOffset);
  if (present < needed) {
    err('truncated', file, `Pixel Data has ${present} bytes, ${nFrames} frame(s) of ${rows}×${cols} ${segType} need ${needed}`);
  }
  let pixels = new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset + pixelEl.dataOffset, needed);
  if (syntax === BIG_ENDIAN && pixelEl.vr === 'OW' && segType === 'BINARY') {
    // OW in big endian is stored as 16-bit words with the high byte first; put the bytes back in LE order.
    const swapped = new Uint8Array(needed + (needed % 2));
    swapped.set(new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset + pixelEl.dataOffset, Math.min(swapped.length, present)));
    for (let i = 0; i + 1 < swapped.length; i += 2) {
      const t = swapped[i]!;
      swapped[i] = swapped[i + 1]!;
      swapped[i + 1] = t;
    }
    pixels = swapped;
  }

  // Label volume. Frames are written in Segment Sequence order, so later segments win where segments overlap.
  const maxNumber = segments.reduce((m, s) => Math.max(m, s.number), 0);
  const nVox = frameSize * nSlices;
  const labelBytes = nVox * (maxNumber <= 255 ? 1 : 2);
  if (labelBytes > MAX_VOLUME_BYTES) {
    err('unsupported', file, `frame positions span ${nSlices} slices of ${sliceSpacing} mm; the ${cols}×${rows}×${nSlices} label volume would take ${labelBytes} bytes, more than ${MAX_VOLUME_BYTES} (is Spacing Between Slices (0018,0088) too small?)`);
  }
  const voxels = maxNumber <= 255 ? new Uint8Array(nVox) : new Uint16Array(nVox);
  const order = frames.map((_, f) => f).sort((a, b) => segIndex.get(frames[a]!.segment)! - segIndex.get(frames[b]!.segment)! || a - b);
  const overlaps = new Map<string, number>();
  const seenSlice = new Set<string>();
  const threshold = maxFractional / 2;
  for (const f of order) {
    const fr = frames[f]!;
    const seg = segments[segIndex.get(fr.segment)!]!;
    seg.frameCount++;
    const k = Math.round((fr.along - unique[0]!) / sliceSpacing);
    const key = `${fr.segment}:${k}`;
    if (seenSlice.has(key)) warnings.push(`segment ${fr.segment} has more than one frame at slice ${k}; they are combined`);
    seenSlice.add(key);
    const base = k * frameSize;
    const bitBase = f * frameSize;
    for (let p = 0; p < frameSize; p++) {
      let set: boolean;
      if (segType === 'BINARY') {
        const b = bitBase + p;
        set = ((pixels[b >> 3]! >> (b & 7)) & 1) === 1; // LSB first
      } else {
        set = pixels[bitBase + p]! >= threshold;
      }
      if (!set) continue;
      const q = base + p;
      const prev = voxels[q]!;
      if (prev === fr.segment) continue; // duplicate frame of the same segment
      seg.voxelCount++;
      if (prev !== 0) {
        const pk = `${prev}>${fr.segment}`;
        overlaps.set(pk, (overlaps.get(pk) ?? 0) + 1);
      }
      voxels[q] = fr.segment;
    }
  }
  for (const [pair, count] of overlaps) {
    const [a, b] = pair.split('>').map(Number) as [number, number];
    const la = segments[segIndex.get(a)!]!.label;
    const lb = segments[segIndex.get(b)!]!.label;
    warnings.push(`segment ${b} (${JSON.stringify(lb)}) overlaps segment ${a} (${JSON.stringify(la)}) in ${count} voxels; they are labelled ${b} (later segment wins)`);
  }
  const counts = new Map<number, number>();
  for (let q = 0; q < nVox; q++) if (voxels[q] !== 0) counts.set(voxels[q]!, (counts.get(voxels[q]!) ?? 0) + 1);
  for (const s of segments) {
    s.labelVoxelCount = counts.get(s.number) ?? 0;
    if (s.frameCount === 0) warnings.push(`segment ${s.number} (${JSON.stringify(s.label)}) has no frames (empty)`);
  }

  // Geometry: origin is the lowest frame's position, k runs along row × column.
  const origin = first.position;
  const direction: Direction = [row[0], row[1], row[2], col[0], col[1], col[2], normal[0], normal[1], normal[2]];
  const labels: Volume<Uint8Array | Uint16Array> = {
    voxels,
    dims: [cols, rows, nSlices],
    spacing: [pixelSpacing[1]!, pixelSpacing[0]!, sliceSpacing],
    origin,
    direction,
    source: file,
  };

  const referencedSeriesUids = items(ds, 'x00081115').map((it) => str(it, 'x0020000e')).filter((u): u is string => u !== undefined);
  if (referencedSeriesUids.length === 0) warnings.push('no Referenced Series Sequence (0008,1115): the SEG cannot be linked to its image series by UID');
  const result: DicomSegResult = { labels, segments, segmentationType: segType, referencedSeriesUids, warnings };
  if (referencedSeriesUids[0] !== undefined) result.referencedSeriesUid = referencedSeriesUids[0];
  const frameOfReferenceUid = str(ds, 'x00200052');
  if (frameOfReferenceUid !== undefined) result.frameOfReferenceUid = frameOfReferenceUid;
  const seriesInstanceUid = str(ds, 'x0020000e');
  if (seriesInstanceUid !== undefined) result.seriesInstanceUid = seriesInstanceUid;
  const sopInstanceUid = str(ds, 'x00080018');
  if (sopInstanceUid !== undefined) result.sopInstanceUid = sopInstanceUid;
  return result;
}

