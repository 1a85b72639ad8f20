// Imports one DICOM series from disk (and, optionally, a lesion mask drawn on it) into the store: the series as a
// `dicom-series` record (geometry + file paths and hashes; the pixels stay in the files), and the mask's lesions as
// a `lesion-measurements` record with lesion-measurement and radiomics-features facts. Everything of one import is
// written in ONE store transaction: a study is stored whole or not at all.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Fact, TimelineEvent } from '@oncoboard/facts';
import {
  computeRadiomics,
  connectedComponents,
  measureLesions,
  parseNifti,
  readDicomSeg,
  readDicomSeries,
  resampleMaskOnto,
  type DicomSeriesResult,
  type LesionMeasurement,
  type RadiomicsConfig,
  type Volume,
} from '@oncoboard/imaging';
import { DEFAULT_IMAGING_ENCODER_DIR, OnnxEncoder, patchAround, preparePatchVolume } from '@oncoboard/imaging/encoders';
import type { RecordWrite, Store } from '@oncoboard/store';

export interface ImagingImportRequest {
  /** The OncoBoard patient the series belongs to, e.g. "Patient/123". */
  patientKey: string;
  /** Pick this series when the folder holds several. */
  seriesInstanceUid?: string;
  /** A label mask on (or resampleable onto) the series: NIfTI-1/2 (.nii, .nii.gz) or a DICOM SEG file. */
  mask?: string;
  /** Compute IBSI radiomics per lesion (default true when a mask is given). */
  radiomics?: boolean;
  /**
   * An encoder model folder (encoder.json + ONNX) to embed a patch around each lesion's centroid; default the
   * shipped patch-cnn-3d encoder (DEFAULT_IMAGING_ENCODER_DIR); false for none.
   */
  encoder?: string | false;
}

export type ImagingImportStep = 'reading' | 'measuring' | 'radiomics' | 'encoding' | 'writing';

export interface ImagingImportProgress {
  step: ImagingImportStep;
  done: number;
  total: number;
}

export interface ImagingImportOptions {
  store: Store;
  onProgress?: (progress: ImagingImportProgress) => void;
}

export interface ImagingLesionSummary {
  lesion: number;
  label: number;
  voxelCount: number;
  volumeMl: number;
  longestDiameterMm: number;
  shortAxisMm: number;
}

export interface ImagingImportResult {
  runId: string;
  seriesKey: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string;
  slices: number;
  /** ISO date of the series (SeriesDate, else StudyDate), when the files state one. */
  date?: string;
  lesionsKey?: string;
  lesions: ImagingLesionSummary[];
  /** Lesions with radiomics features computed. */
  radiomics: number;
  /** Lesions embedded by the encoder. */
  embeddings: number;
  imported: number;
  updated: number;
  unchanged: number;
  warnings: string[];
}

/** Raised for input problems; the message names the file and what is wrong. Nothing has been written. */
export class ImagingImportError extends Error {
  override name = 'ImagingImportError';
}

export const DICOM_SERIES_KIND = 'dicom-series';
export const LESION_MEASUREMENTS_KIND = 'lesion-measurements';
export const LESION_MEASUREMENT_FACT = 'lesion-measurement';
export const RADIOMICS_FEATURES_FACT = 'radiomics-features';
export const IMAGING_EMBEDDING_FACT = 'imaging-embedding';

type LesionEmbedding = { lesion: number; encoder: { id: string; version: string }; provider: string; insideFraction: number; vector: number[] };

/**
 * A patch around each lesion's centroid through the encoder. CT is windowed to soft tissue first: the encoder's
 * z-scoring was made for MR-like non-negative intensities (see its model card). Values are rounded to 6 decimals
 * so a re-import of the same data gives the same record.
 */
async function embedLesions(
  image: Volume,
  modality: string,
  lesions: { lesion: number; centroidLps: number[] }[],
  encoderDir: string,
  progress: (step: ImagingImportStep, done: number, total: number) => void,
): Promise<LesionEmbedding[]> {
  progress('encoding', 0, lesions.length);
  let encoder: OnnxEncoder;
  try {
    encoder = await OnnxEncoder.load(encoderDir);
  } catch (error) {
    throw new ImagingImportError(`imaging import: encoder ${encoderDir}: ${describe(error)}`, { cause: error });
  }
  try {
    const prepared = preparePatchVolume(image, 2, modality === 'CT' ? { window: 'softTissue' } : {});
    const out: LesionEmbedding[] = [];
    for (const [n, lesion] of lesions.entries()) {
      const patch = patchAround(prepared, lesion.centroidLps);
      const [encoding] = await encoder.encode([{ data: patch.data, dims: patch.dims }]);
      out.push({
        lesion: lesion.lesion,
        encoder: encoding!.encoder,
        provider: encoding!.provider,
        insideFraction: round(patch.insideFraction, 4),
        vector: Array.from(encoding!.vector, (v) => round(v, 6)),
      });
      progress('encoding', n + 1, lesions.length);
    }
    return out;
  } finally {
    await encoder.close();
  }
}

export function dicomSeriesKey(seriesInstanceUid: string): string {
  return `dicom/series/${seriesInstanceUid}`;
}

export function lesionMeasurementsKey(seriesInstanceUid: string, maskSha256: string): string {
  return `imaging/lesions/${seriesInstanceUid}/${maskSha256.slice(0, 12)}`;
}

/** Radiomics settings: fixed bin size 25 HU from -1000 HU for CT (IBSI's CT convention), 32 bins otherwise. */
export function radiomicsConfigFor(modality: string): RadiomicsConfig {
  return modality === 'CT'
    ? { discretisation: { method: 'fbs', binWidth: 25, min: -1000 }, aggregations: ['3D'] }
    : { discretisation: { method: 'fbn', bins: 32 }, aggregations: ['3D'] };
}

const PATIENT_KEY = /^Patient\/[A-Za-z0-9\-.]{1,64}$/;

/** JSON with object keys sorted at every level (stable text → stable hash). Non-finite numbers become null. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface MaskInput {
  path: string;
  sha256: string;
  kind: 'nifti' | 'dicom-seg';
  volume: Volume;
  warnings: string[];
}

function readMask(path: string, seriesUid: string): MaskInput {
  const file = resolve(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ImagingImportError(`imaging import: mask ${file}: cannot read file (${describe(error)})`);
  }
  const hash = sha256(bytes);
  const isDicom = bytes.length >= 132 && Buffer.from(bytes.subarray(128, 132)).toString('latin1') === 'DICM';
  try {
    if (isDicom) {
      const seg = readDicomSeg(bytes, { name: file });
      const warnings = [...seg.warnings];
      if (seg.referencedSeriesUid && seg.referencedSeriesUid !== seriesUid) {
        warnings.push(`mask ${file}: the DICOM SEG references series ${seg.referencedSeriesUid}, not ${seriesUid}; used through world coordinates`);
      }
      return { path: file, sha256: hash, kind: 'dicom-seg', volume: seg.labels, warnings };
    }
    return { path: file, sha256: hash, kind: 'nifti', volume: parseNifti(bytes, file), warnings: [] };
  } catch (error) {
    const message = describe(error);
    throw new ImagingImportError(`imaging import: mask ${message.includes(file) ? message : `${file}: ${message}`}`);
  }
}

function sameGrid(a: Volume, b: Volume): boolean {
  const close = (x: readonly number[], y: readonly number[], tol: number) => x.length === y.length && x.every((v, n) => Math.abs(v - (y[n] ?? NaN)) <= tol);
  return close(a.dims, b.dims, 0) && close(a.spacing, b.spacing, 1e-4) && close(a.origin, b.origin, 1e-3) && close(a.direction, b.direction, 1e-5);
}

function countNonZero(v: Volume): number {
  let n = 0;
  for (let p = 0; p < v.voxels.length; p++) if (v.voxels[p]) n++;
  return n;
}

/**
 * Reads a DICOM series (a folder, a file, or a list of files) and, when given, a lesion mask on it; writes the
 * series record, the lesion-measurements record and their facts and timeline events in one store transaction.
 * Re-importing the same series and mask changes nothing. Throws ImagingImportError naming the file on bad input;
 * nothing is written then (the import run is recorded as failed, with the error as its issue).
 */
export async function importImagingSeries(path: string | readonly string[], request: ImagingImportRequest, options: ImagingImportOptions): Promise<ImagingImportResult> {
  const { store, onProgress } = options;
  const progress = (step: ImagingImportStep, done: number, total: number) => onProgress?.({ step, done, total });
  if (typeof request.patientKey !== 'string' || !PATIENT_KEY.test(request.patientKey)) {
    throw new ImagingImportError(`imaging import: patientKey: expected "Patient/<id>", found "${String(request.patientKey)}"`);
  }
  const paths = typeof path === 'string' ? [path] : [...path];
  if (paths.length === 0) throw new ImagingImportError('imaging import: expected a DICOM folder or file(s), got none');
  const first = resolve(paths[0] as string);
  const origin = typeof path === 'string' ? first : dirname(first);
  const patientKey = request.patientKey;

  const run = await store.beginImportRun(`DICOM series ${origin}${request.mask ? ` + mask ${resolve(request.mask)}` : ''}`);
  try {
    const prepared = await prepareRecords(paths.map((p) => resolve(p)), origin, request, progress);
    progress('writing', 0, 1);
    const written = await store.writeRecords(run.id, prepared.records);
    progress('writing', 1, 1);
    await store.finishImportRun(run.id, { ...written, rejected: 0, status: 'succeeded' });
    return { runId: run.id, ...prepared.summary, ...written };
  } catch (error) {
    const message = describe(error);
    await store
      .recordIssues(run.id, [{ file: request.mask && message.includes(resolve(request.mask)) ? resolve(request.mask) : origin, place: 'series', severity: 'error', message, outcomeJson: '{}' }])
      .catch(() => undefined);
    await store.finishImportRun(run.id, { imported: 0, updated: 0, unchanged: 0, rejected: 1, status: 'failed' }).catch(() => undefined);
    if (error instanceof ImagingImportError) throw error;
    throw new ImagingImportError(message.startsWith('imaging import') ? message : `imaging import: ${message}`, { cause: error });
  }
}

function readSeries(paths: string[], origin: string, request: ImagingImportRequest): DicomSeriesResult {
  for (const p of paths) {
    try {
      statSync(p);
    } catch {
      throw new ImagingImportError(`imaging import: ${p}: no such file or directory`);
    }
  }
  try {
    return readDicomSeries(paths.length === 1 ? (paths[0] as string) : paths, request.seriesInstanceUid ? { seriesInstanceUid: request.seriesInstanceUid } : {});
  } catch (error) {
    const message = describe(error);
    throw new ImagingImportError(`imaging import: ${message.includes(origin) || paths.some((p) => message.includes(p)) ? message : `${origin}: ${message}`}`, { cause: error });
  }
}

async function prepareRecords(
  paths: string[],
  origin: string,
  request: ImagingImportRequest,
  progress: (step: ImagingImportStep, done: number, total: number) => void,
): Promise<{ records: RecordWrite[]; summary: Omit<ImagingImportResult, 'runId' | 'imported' | 'updated' | 'unchanged'> }> {
  const { patientKey } = request;
  progress('reading', 0, 1);
  const series = readSeries(paths, origin, request);
  const uid = series.seriesInstanceUid;
  if (!uid) throw new ImagingImportError(`imaging import: ${origin}: the series has no SeriesInstanceUID (0020,000E)`);
  const files = [...series.files].sort();
  const hashed = files.map((file, n) => {
    const entry = { path: file, sha256: sha256(readFileSync(file)) };
    progress('reading', n + 1, files.length);
    return entry;
  });
  const image = series.volume;
  const date = series.seriesDate ?? series.studyDate;
  const seriesKey = dicomSeriesKey(uid);
  const warnings = [...series.warnings];
  const seriesContent = stableJson({
    studyInstanceUid: series.studyInstanceUid,
    seriesInstanceUid: uid,
    modality: series.modality,
    studyDate: series.studyDate,
    seriesDate: series.seriesDate,
    seriesDescription: series.seriesDescription,
    seriesNumber: series.seriesNumber,
    geometry: { dims: [...image.dims], spacing: [...image.spacing], origin: [...image.origin], direction: [...image.direction] },
    files: hashed,
    warnings: series.warnings,
  });
  const slices = image.dims[2];
  const seriesEvent: TimelineEvent = {
    patientKey,
    category: 'imaging',
    ...(date ? { start: date } : {}),
    title: `${series.modality || 'Imaging'} series · ${slices} slice${slices === 1 ? '' : 's'}${series.seriesDescription ? ` · ${series.seriesDescription}` : ''}`,
    detail: `${image.dims.join('×')} voxels of ${image.spacing.map((s) => round(s, 2)).join('×')} mm; study ${series.studyInstanceUid}`,
    provenance: { sourceRecordKey: seriesKey, elementPath: 'seriesInstanceUid' },
  };
  const records: RecordWrite[] = [
    {
      key: seriesKey,
      kind: DICOM_SERIES_KIND,
      resourceType: 'DicomSeries',
      resourceId: uid,
      patientKey,
      content: seriesContent,
      contentHash: sha256(seriesContent),
      origin,
      originLocation: `series ${uid}`,
      facts: [],
      events: [seriesEvent],
    },
  ];
  const summary = {
    seriesKey,
    seriesInstanceUid: uid,
    studyInstanceUid: series.studyInstanceUid,
    modality: series.modality,
    slices,
    ...(date ? { date } : {}),
    lesions: [] as ImagingLesionSummary[],
    radiomics: 0,
    embeddings: 0,
    warnings,
  };
  if (!request.mask) return { records, summary };

  // ------------------------------------------------------------ the mask
  progress('measuring', 0, 1);
  const mask = readMask(request.mask, uid);
  warnings.push(...mask.warnings);
  const labelled = countNonZero(mask.volume);
  if (labelled === 0) throw new ImagingImportError(`imaging import: mask ${mask.path} is empty: no voxel > 0 (no lesion to measure)`);
  let onGrid: Volume = mask.volume;
  let droppedVoxels = 0;
  if (!sameGrid(mask.volume, image)) {
    try {
      const resampled = resampleMaskOnto(mask.volume, image);
      onGrid = resampled.mask;
      droppedVoxels = resampled.droppedVoxels;
    } catch (error) {
      throw new ImagingImportError(`imaging import: mask ${mask.path} cannot be resampled onto series ${uid}: ${describe(error)}`, { cause: error });
    }
    if (countNonZero(onGrid) === 0) {
      throw new ImagingImportError(`imaging import: mask ${mask.path} cannot be resampled onto series ${uid}: none of its ${labelled} labelled voxels falls inside the image (different patient space or grid?)`);
    }
    if (droppedVoxels > 0) warnings.push(`mask ${mask.path}: ${droppedVoxels} of ${labelled} labelled voxels lie outside series ${uid} and were dropped`);
  }
  onGrid = { ...onGrid, source: mask.path };
  let measured: LesionMeasurement[];
  try {
    measured = measureLesions(onGrid, { source: `series ${uid}`, seriesInstanceUid: uid, maskSource: mask.path, image });
  } catch (error) {
    throw new ImagingImportError(`imaging import: mask ${mask.path}: ${describe(error)}`, { cause: error });
  }
  progress('measuring', 1, 1);

  const lesions = measured.map((m) => ({
    lesion: m.provenance.lesion,
    label: m.provenance.label,
    voxelCount: m.voxelCount,
    volumeMl: round(m.volumeMl, 4),
    longestDiameterMm: round(m.axial.longestDiameterMm),
    shortAxisMm: round(m.axial.shortAxisMm),
    centroidLps: m.centroidLps.map((c) => round(c)),
  }));

  const wantRadiomics = request.radiomics ?? true;
  const config = radiomicsConfigFor(series.modality);
  const radiomics: { lesion: number; config: RadiomicsConfig; features: Record<string, number | null> }[] = [];
  if (wantRadiomics) {
    // Lesion numbers are the connected-component numbers measureLesions uses (same mask, same default connectivity).
    const { labels } = connectedComponents(onGrid);
    progress('radiomics', 0, lesions.length);
    lesions.forEach((lesion, n) => {
      const one = new Uint8Array(labels.length);
      for (let p = 0; p < labels.length; p++) if (labels[p] === lesion.lesion) one[p] = 1;
      try {
        const result = computeRadiomics(image, { ...onGrid, voxels: one, source: `${mask.path} lesion ${lesion.lesion}` }, config);
        const features: Record<string, number | null> = {};
        for (const [tag, value] of Object.entries(result.features)) features[tag] = Number.isFinite(value) ? value : null;
        radiomics.push({ lesion: lesion.lesion, config, features });
      } catch (error) {
        throw new ImagingImportError(`imaging import: mask ${mask.path} lesion ${lesion.lesion}: radiomics failed: ${describe(error)}`, { cause: error });
      }
      progress('radiomics', n + 1, lesions.length);
    });
  }

  const embeddings = request.encoder === false ? [] : await embedLesions(image, series.modality, lesions, request.encoder ?? DEFAULT_IMAGING_ENCODER_DIR, progress);

  const lesionsKey = lesionMeasurementsKey(uid, mask.sha256);
  const lesionsContent = stableJson({
    seriesKey,
    seriesInstanceUid: uid,
    mask: { path: mask.path, sha256: mask.sha256, kind: mask.kind },
    resampled: { droppedVoxels },
    lesions,
    radiomics,
    embeddings,
  });
  const seriesProvenance = { sourceRecordKey: seriesKey, elementPath: 'seriesInstanceUid' };
  const dateElement = series.seriesDate ? 'seriesDate' : series.studyDate ? 'studyDate' : undefined;
  const facts: Fact[] = [];
  lesions.forEach((l, i) => {
    facts.push({
      kind: LESION_MEASUREMENT_FACT,
      patientKey,
      ...(date ? { effectiveStart: date } : {}),
      value: { type: 'quantity', quantity: { value: l.volumeMl, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' } },
      attributes: {
        lesion: l.lesion,
        label: l.label,
        longestDiameterMm: l.longestDiameterMm,
        shortAxisMm: l.shortAxisMm,
        centroidLps: l.centroidLps,
        seriesInstanceUid: uid,
        modality: series.modality,
        // Where each stated value sits: the measurement in the lesion record, the date in the series record.
        elementPaths: { value: `lesions[${i}]`, ...(dateElement ? { effectiveStart: dateElement } : {}) },
      },
      provenance: [{ sourceRecordKey: lesionsKey, elementPath: `lesions[${i}]` }, seriesProvenance, ...(dateElement ? [{ sourceRecordKey: seriesKey, elementPath: dateElement }] : [])],
    });
  });
  radiomics.forEach((r, i) => {
    const l = lesions.find((x) => x.lesion === r.lesion);
    facts.push({
      kind: RADIOMICS_FEATURES_FACT,
      patientKey,
      ...(date ? { effectiveStart: date } : {}),
      attributes: { lesion: r.lesion, label: l?.label, seriesInstanceUid: uid, modality: series.modality, config: r.config, features: r.features },
      provenance: [{ sourceRecordKey: lesionsKey, elementPath: `radiomics[${i}]` }, seriesProvenance],
    });
  });
  embeddings.forEach((e, i) => {
    const l = lesions.find((x) => x.lesion === e.lesion);
    facts.push({
      kind: IMAGING_EMBEDDING_FACT,
      patientKey,
      ...(date ? { effectiveStart: date } : {}),
      attributes: { lesion: e.lesion, label: l?.label, seriesInstanceUid: uid, modality: series.modality, encoder: e.encoder, provider: e.provider, vector: e.vector },
      provenance: [{ sourceRecordKey: lesionsKey, elementPath: `embeddings[${i}]` }, seriesProvenance],
    });
  });
  const largest = Math.max(...lesions.map((l) => l.volumeMl));
  records.push({
    key: lesionsKey,
    kind: LESION_MEASUREMENTS_KIND,
    resourceType: 'LesionMeasurements',
    resourceId: `${uid}/${mask.sha256.slice(0, 12)}`,
    patientKey,
    content: lesionsContent,
    contentHash: sha256(lesionsContent),
    origin: mask.path,
    originLocation: `mask on series ${uid}`,
    facts,
    events: [
      {
        patientKey,
        category: 'imaging',
        ...(date ? { start: date } : {}),
        title: `${lesions.length} lesion${lesions.length === 1 ? '' : 's'} measured · largest ${largest.toFixed(1)} mL`,
        detail: `${series.modality || 'imaging'} series ${uid}; mask ${mask.kind === 'nifti' ? 'NIfTI' : 'DICOM SEG'} ${mask.sha256.slice(0, 12)}`,
        provenance: { sourceRecordKey: lesionsKey, elementPath: 'lesions' },
      },
    ],
  });
  return {
    records,
    summary: {
      ...summary,
      lesionsKey,
      lesions: lesions.map(({ lesion, label, voxelCount, volumeMl, longestDiameterMm, shortAxisMm }) => ({ lesion, label, voxelCount, volumeMl, longestDiameterMm, shortAxisMm })),
      radiomics: radiomics.length,
      embeddings: embeddings.length,
    },
  };
}
