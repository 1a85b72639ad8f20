// The imaging views of the API: a patient's imported DICOM series, and their measured lesions over time with a
// RECIST 1.1 target-lesion response. Reads what importImagingSeries (libs/ingest) wrote: `dicom-series` and
// `lesion-measurements` records and `lesion-measurement` facts.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import {
  axisCodesOf, orient, orientedGrid, readDicomSeg, readDicomSeries, readNifti, recistResponse, resampleMaskOnto, worldToVoxel,
  type Direction, type RecistTimepoint, type Volume,
} from '@oncoboard/imaging';
import type { StoredFact, Store } from '@oncoboard/store';
import { TRPCError } from '@trpc/server';
import type { ImagingLesionsView, ImagingLesionValue, ImagingSeriesItem, ImagingSlice, ImagingTimepoint, RecistResponseItem } from './contract';

type Vec3 = [number, number, number];

function vec3(x: unknown): Vec3 | null {
  return Array.isArray(x) && x.length === 3 && x.every((v) => typeof v === 'number') ? (x as Vec3) : null;
}

function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/**
 * The viewer shows patient planes: every series is put on L-P-S voxel axes first (i toward the patient's left, j
 * posterior, k superior; the nearest axes for an oblique acquisition), so axial / coronal / sagittal are right
 * whatever plane the series was acquired in. No interpolation, and no copy for a series already on them.
 */
const DISPLAY_AXES = 'LPS';

function onDisplayAxes(volume: Volume): Volume {
  return axisCodesOf(volume.direction) === DISPLAY_AXES ? volume : orient(DISPLAY_AXES).apply({ image: volume, record: [] }).image;
}

function parse(content: string): Record<string, unknown> {
  try {
    const value = JSON.parse(content) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function listImagingSeries(store: Store, patientKey: string): Promise<ImagingSeriesItem[]> {
  const [seriesRows, lesionRows] = await Promise.all([
    store.listPatientRecords(patientKey, 'dicom-series'),
    store.listPatientRecords(patientKey, 'lesion-measurements'),
  ]);
  const lesionKeys = new Map<string, string[]>();
  const lesionCentroids = new Map<string, { recordKey: string; lesionIndex: number; centroid: Vec3 }[]>();
  for (const row of lesionRows) {
    const content = parse(row.content);
    const seriesKey = content.seriesKey;
    if (typeof seriesKey !== 'string') continue;
    lesionKeys.set(seriesKey, [...(lesionKeys.get(seriesKey) ?? []), row.key]);
    const lesions = Array.isArray(content.lesions) ? (content.lesions as Record<string, unknown>[]) : [];
    lesions.forEach((lesion, lesionIndex) => {
      const centroid = vec3(lesion?.centroidLps);
      if (centroid) lesionCentroids.set(seriesKey, [...(lesionCentroids.get(seriesKey) ?? []), { recordKey: row.key, lesionIndex, centroid }]);
    });
  }
  const items = seriesRows.map((row): ImagingSeriesItem => {
    const c = parse(row.content);
    const geometry = (c.geometry ?? {}) as Record<string, unknown>;
    const stored = vec3(geometry.dims) ?? [0, 0, 0];
    const storedSpacing = vec3(geometry.spacing);
    const origin = vec3(geometry.origin);
    const direction = Array.isArray(geometry.direction) && geometry.direction.length === 9 && geometry.direction.every((x) => typeof x === 'number') ? (geometry.direction as unknown as Direction) : null;
    // Dims, spacing and lesion slices on the viewer's axes (as imaging.slice serves them).
    const display = storedSpacing && origin && direction ? orientedGrid({ dims: stored, spacing: storedSpacing, origin, direction }, DISPLAY_AXES) : null;
    const dims: Vec3 = display ? [...display.dims] : stored;
    const spacing: Vec3 | null = display ? [...display.spacing] : storedSpacing;
    const lesionSlices = !display ? [] : (lesionCentroids.get(row.key) ?? []).flatMap(({ recordKey, lesionIndex, centroid }) => {
      const k = Math.round(worldToVoxel(display, ...centroid)[2]);
      return k >= 0 && k < dims[2] ? [{ recordKey, lesionIndex, axialIndex: k }] : [];
    });
    const str = (x: unknown) => (typeof x === 'string' && x ? x : null);
    return {
      key: row.key,
      seriesInstanceUid: str(c.seriesInstanceUid) ?? row.key.replace(/^dicom\/series\//, ''),
      studyInstanceUid: str(c.studyInstanceUid) ?? '',
      modality: str(c.modality) ?? '',
      date: str(c.seriesDate) ?? str(c.studyDate),
      description: str(c.seriesDescription),
      dims,
      spacing: spacing ?? [0, 0, 0],
      slices: dims[2],
      lesionRecordKeys: lesionKeys.get(row.key) ?? [],
      lesionSlices,
    };
  });
  // Oldest first, undated last.
  return items.sort((a, b) => (a.date ?? '9999').localeCompare(b.date ?? '9999') || a.key.localeCompare(b.key));
}

function lesionValue(fact: StoredFact): ImagingLesionValue | null {
  const citation = fact.provenance[0];
  const volume = fact.value?.type === 'quantity' ? fact.value.quantity.value : null;
  if (!citation || volume === null) return null;
  const a = fact.attributes;
  return {
    seriesInstanceUid: typeof a.seriesInstanceUid === 'string' ? a.seriesInstanceUid : '',
    modality: typeof a.modality === 'string' ? a.modality : '',
    lesion: num(a.lesion) ?? 0,
    label: num(a.label) ?? 0,
    targetId: '',
    volumeMl: volume,
    longestDiameterMm: num(a.longestDiameterMm),
    shortAxisMm: num(a.shortAxisMm),
    centroidLps: vec3(a.centroidLps),
    text: `${volume.toFixed(1)} mL`,
    citation: { sourceRecordKey: citation.sourceRecordKey, elementPath: citation.elementPath },
  };
}

export async function buildImagingLesions(store: Store, patientKey: string): Promise<ImagingLesionsView> {
  const facts = await store.getFacts(patientKey, { kinds: ['lesion-measurement'] });
  const byDate = new Map<string | null, ImagingLesionValue[]>();
  for (const fact of facts) {
    const value = lesionValue(fact);
    if (!value) continue;
    const date = fact.effectiveStart ? fact.effectiveStart.slice(0, 10) : null;
    byDate.set(date, [...(byDate.get(date) ?? []), value]);
  }
  const timepoints: ImagingTimepoint[] = [...byDate.entries()]
    .sort(([a], [b]) => (a ?? '9999').localeCompare(b ?? '9999'))
    .map(([date, lesions]) => {
      // Target ids: the label; when a label occurs more than once at a timepoint, label.lesion.
      const counts = new Map<number, number>();
      for (const l of lesions) counts.set(l.label, (counts.get(l.label) ?? 0) + 1);
      for (const l of lesions) l.targetId = (counts.get(l.label) ?? 0) > 1 ? `L${l.label}.${l.lesion}` : `L${l.label}`;
      lesions.sort((x, y) => x.seriesInstanceUid.localeCompare(y.seriesInstanceUid) || x.lesion - y.lesion);
      return { date, seriesInstanceUids: [...new Set(lesions.map((l) => l.seriesInstanceUid))], lesions };
    });

  const dated = timepoints.filter((t): t is ImagingTimepoint & { date: string } => t.date !== null);
  const undatedNote = dated.length < timepoints.length ? ' Undated measurements are left out.' : '';
  if (dated.length < 2) {
    return {
      timepoints,
      response: null,
      responseNote: `No RECIST response: it needs a baseline and at least one follow-up, and ${dated.length === 0 ? 'no dated timepoint is' : 'only one dated timepoint is'} measured.${undatedNote}`,
    };
  }
  const baselineIds = new Set(dated[0]!.lesions.filter((l) => l.longestDiameterMm !== null).map((l) => l.targetId));
  const extra = new Map<number, string[]>();
  const recistInput: RecistTimepoint[] = dated.map((t, n) => {
    const outside = t.lesions.filter((l) => !baselineIds.has(l.targetId)).map((l) => l.targetId);
    if (n > 0 && outside.length > 0) extra.set(n, outside);
    return {
      date: t.date,
      targets: t.lesions.filter((l) => baselineIds.has(l.targetId)).map((l) => ({ id: l.targetId, longestDiameterMm: l.longestDiameterMm })),
    };
  });
  try {
    const results = recistResponse(recistInput);
    const response: RecistResponseItem[] = results.map((r, n) => ({
      date: r.date,
      sumMm: r.sumMm,
      changeFromBaselinePct: r.changeFromBaselinePct,
      nadirMm: r.nadirMm,
      response: r.response,
      reasons: [...r.reasons, ...(extra.has(n) ? [`not counted: ${extra.get(n)!.join(', ')} not among the baseline targets (new lesions are not judged automatically)`] : [])],
      missingTargets: r.missingTargets,
    }));
    return {
      timepoints,
      response,
      responseNote: `RECIST 1.1 target-lesion response: baseline ${dated[0]!.date}, targets ${[...baselineIds].join(', ')} by mask label, longest axial diameters; non-target and new lesions, and confirmation, are not assessed.${undatedNote}`,
    };
  } catch (error) {
    return { timepoints, response: null, responseNote: `No RECIST response: ${(error as Error).message}${undatedNote}` };
  }
}

// ------------------------------------------------------------------------------------------------ slices

export type SlicePlane = ImagingSlice['plane'];

/** Rows, columns and the fixed axis of a plane, in voxel axes (0 = i, 1 = j, 2 = k). */
const PLANE_AXES: Record<SlicePlane, { fixed: 0 | 1 | 2; col: 0 | 1 | 2; row: 0 | 1 | 2; flipRows: boolean }> = {
  axial: { fixed: 2, col: 0, row: 1, flipRows: false },
  coronal: { fixed: 1, col: 0, row: 2, flipRows: true },
  sagittal: { fixed: 0, col: 1, row: 2, flipRows: true },
};

export interface SliceGeometry {
  width: number;
  height: number;
  count: number;
  pixelSpacing: [number, number];
}

export function sliceGeometry(dims: readonly [number, number, number], spacing: readonly [number, number, number], plane: SlicePlane): SliceGeometry {
  const a = PLANE_AXES[plane];
  return { width: dims[a.col], height: dims[a.row], count: dims[a.fixed], pixelSpacing: [spacing[a.col], spacing[a.row]] };
}

/**
 * Copies slice `index` of `plane` out of a volume laid out i-fastest (index = i + nx·(j + ny·k)), row-major with
 * `width` values per row. Coronal and sagittal rows run from the highest k (the head, on the L-P-S display axes)
 * down, so the image stands upright.
 */
export function extractSlice<T extends ArrayLike<number> & { length: number }>(
  voxels: T,
  dims: readonly [number, number, number],
  plane: SlicePlane,
  index: number,
  out: { [n: number]: number; length: number },
): void {
  const a = PLANE_AXES[plane];
  const [nx, ny] = dims;
  const stride = [1, nx, nx * ny] as const;
  const width = dims[a.col];
  const height = dims[a.row];
  const base = index * stride[a.fixed];
  for (let r = 0; r < height; r++) {
    const rowIndex = a.flipRows ? height - 1 - r : r;
    const rowBase = base + rowIndex * stride[a.row];
    const colStride = stride[a.col];
    for (let c = 0; c < width; c++) out[r * width + c] = voxels[rowBase + c * colStride]!;
  }
}

interface LoadedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

interface CachedVolume {
  key: string;
  contentHash: string;
  files: LoadedFile[];
  volume: Volume;
  min: number;
  max: number;
}

/** A tiny least-recently-used map: the last `capacity` entries, oldest dropped first. */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly capacity: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}

/** The last 3 series volumes and the last 6 resampled masks read, so scrolling does not re-read the files. */
const volumeCache = new Lru<CachedVolume>(3);
const maskCache = new Lru<CachedVolume>(6);

/** For tests: empties the caches and says how many volume reads happened. */
export const sliceCacheStats = { volumeReads: 0, maskReads: 0 };
export function clearSliceCaches(): void {
  volumeCache.clear();
  maskCache.clear();
  sliceCacheStats.volumeReads = 0;
  sliceCacheStats.maskReads = 0;
}

const sha256File = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function precondition(message: string): never {
  throw new TRPCError({ code: 'PRECONDITION_FAILED', message });
}

/** Checks a file against the hash its record holds; the message names the file and the record, no patient data. */
function verifiedFile(path: string, expected: string, recordKey: string): LoadedFile {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    precondition(`${recordKey}: file ${path} is gone (moved or deleted since it was imported); import the series again`);
  }
  if (sha256File(path) !== expected) precondition(`${recordKey}: file ${path} changed since it was imported (sha256 differs); import the series again`);
  return { path, size: stat.size, mtimeMs: stat.mtimeMs };
}

/** A cached entry still matches its files when none changed size or modification time and the record is the same. */
function stillValid(entry: CachedVolume, contentHash: string): boolean {
  if (entry.contentHash !== contentHash) return false;
  return entry.files.every((f) => {
    try {
      const s = statSync(f.path);
      return s.size === f.size && s.mtimeMs === f.mtimeMs;
    } catch {
      return false;
    }
  });
}

function range(voxels: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < voxels.length; p++) {
    const v = voxels[p]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? [min, max] : [0, 0];
}

async function loadSeriesVolume(store: Store, seriesKey: string): Promise<CachedVolume> {
  const found = await store.getSourceRecord(seriesKey);
  if (!found || found.record.kind !== 'dicom-series') throw new TRPCError({ code: 'NOT_FOUND', message: `series ${seriesKey} not found` });
  const { record } = found;
  const cached = volumeCache.get(seriesKey);
  if (cached && stillValid(cached, record.contentHash)) return cached;
  volumeCache.delete(seriesKey);
  const content = parse(record.content);
  const listed = Array.isArray(content.files) ? (content.files as { path?: unknown; sha256?: unknown }[]) : [];
  const files = listed.filter((f): f is { path: string; sha256: string } => typeof f?.path === 'string' && typeof f?.sha256 === 'string');
  if (files.length === 0) precondition(`${seriesKey}: the record lists no files`);
  const loaded = files.map((f) => verifiedFile(f.path, f.sha256, seriesKey));
  let volume: Volume;
  try {
    const uid = typeof content.seriesInstanceUid === 'string' ? content.seriesInstanceUid : undefined;
    volume = onDisplayAxes(readDicomSeries(files.map((f) => f.path), uid ? { seriesInstanceUid: uid } : {}).volume);
  } catch (error) {
    precondition(`${seriesKey}: cannot read the series files (${error instanceof Error ? error.message : String(error)})`);
  }
  sliceCacheStats.volumeReads++;
  const [min, max] = range(volume.voxels);
  const entry: CachedVolume = { key: seriesKey, contentHash: record.contentHash, files: loaded, volume, min, max };
  volumeCache.set(seriesKey, entry);
  return entry;
}

async function loadMaskOnGrid(store: Store, lesionRecordKey: string, series: CachedVolume): Promise<CachedVolume> {
  const found = await store.getSourceRecord(lesionRecordKey);
  if (!found || found.record.kind !== 'lesion-measurements') throw new TRPCError({ code: 'NOT_FOUND', message: `lesion record ${lesionRecordKey} not found` });
  const { record } = found;
  const content = parse(record.content);
  if (content.seriesKey !== series.key) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `lesion record ${lesionRecordKey} was drawn on another series, not ${series.key}` });
  }
  const cacheKey = `${lesionRecordKey}@${series.key}`;
  const cached = maskCache.get(cacheKey);
  if (cached && stillValid(cached, `${record.contentHash}/${series.contentHash}`)) return cached;
  maskCache.delete(cacheKey);
  const mask = (content.mask ?? {}) as { path?: unknown; sha256?: unknown; kind?: unknown };
  if (typeof mask.path !== 'string' || typeof mask.sha256 !== 'string') precondition(`${lesionRecordKey}: the record names no mask file`);
  const file = verifiedFile(mask.path, mask.sha256, lesionRecordKey);
  let labels: Volume;
  try {
    labels = mask.kind === 'dicom-seg' ? readDicomSeg(mask.path).labels : readNifti(mask.path);
    labels = resampleMaskOnto(labels, series.volume).mask;
  } catch (error) {
    precondition(`${lesionRecordKey}: cannot read the mask file (${error instanceof Error ? error.message : String(error)})`);
  }
  sliceCacheStats.maskReads++;
  const entry: CachedVolume = { key: cacheKey, contentHash: `${record.contentHash}/${series.contentHash}`, files: [file, ...series.files], volume: labels, min: 0, max: 0 };
  maskCache.set(cacheKey, entry);
  return entry;
}

export async function buildImagingSlice(
  store: Store,
  input: { seriesKey: string; plane: SlicePlane; index: number; lesionRecordKey?: string },
): Promise<ImagingSlice> {
  const series = await loadSeriesVolume(store, input.seriesKey);
  const { volume } = series;
  const geometry = sliceGeometry(volume.dims, volume.spacing, input.plane);
  if (input.index < 0 || input.index >= geometry.count) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `index ${input.index} is out of range: ${input.plane} slices of this series are 0..${geometry.count - 1}` });
  }
  const n = geometry.width * geometry.height;
  const int16 = volume.voxels instanceof Int16Array;
  const values = int16 ? new Int16Array(n) : new Float32Array(n);
  extractSlice(volume.voxels, volume.dims, input.plane, input.index, values);
  let mask: string | undefined;
  if (input.lesionRecordKey) {
    const labels = await loadMaskOnGrid(store, input.lesionRecordKey, series);
    const out = new Uint8Array(n);
    extractSlice(labels.volume.voxels, labels.volume.dims, input.plane, input.index, out);
    mask = Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64');
  }
  // Typed arrays are little-endian on every platform Node runs on (x64, arm64).
  return {
    seriesKey: input.seriesKey,
    plane: input.plane,
    width: geometry.width,
    height: geometry.height,
    index: input.index,
    count: geometry.count,
    pixelSpacing: geometry.pixelSpacing,
    dtype: int16 ? 'int16' : 'float32',
    values: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64'),
    min: series.min,
    max: series.max,
    ...(mask !== undefined ? { mask } : {}),
  };
}
