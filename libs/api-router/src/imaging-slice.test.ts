import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importImagingSeries } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';
import { orient, type Volume } from '@oncoboard/imaging';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from '@oncoboard/imaging/testing';
import { clearSliceCaches, extractSlice, Lru, sliceCacheStats, sliceGeometry } from './imaging';
import { appRouter } from './router';
import { testContext } from './test-context';
import { createCallerFactory } from './trpc';

// A 64×64×32 CT phantom (2 mm voxels, 8 mL lesion) written as real DICOM + NIfTI files and imported into SQLite.
const PATIENT = 'Patient/imaging-slice';
let work: string;
let store: Store;
const createCaller = createCallerFactory(appRouter);
let caller: ReturnType<typeof createCaller>;
let seriesKey: string;
let lesionKey: string;
let files: string[];
let phantom: ReturnType<typeof syntheticCtPhantom>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-slice-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'x.db')}` });
  phantom = syntheticCtPhantom({ size: 64, slices: 32, pixelMm: 2, sliceMm: 2, lesionMl: 8 });
  files = writeDicomSeries(phantom.image, join(work, 'ct'), 'api-slice', { date: '20240110', seriesDescription: 'CT slice test' });
  const mask = writeNifti(phantom.mask, join(work, 'mask.nii'));
  const result = await importImagingSeries(join(work, 'ct'), { patientKey: PATIENT, mask, radiomics: false }, { store });
  seriesKey = result.seriesKey;
  lesionKey = result.lesionsKey!;
  // A signed-in user on the care team of every imported patient (the access rules have their own tests).
  caller = createCaller(await testContext(store, { roles: ['oncologist'], patients: 'all' }));
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => clearSliceCaches());

function decode(base64: string, dtype: 'int16' | 'float32' | 'uint8'): ArrayLike<number> {
  const bytes = Buffer.from(base64, 'base64');
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return dtype === 'int16' ? new Int16Array(buf) : dtype === 'float32' ? new Float32Array(buf) : new Uint8Array(buf);
}

describe('slice helpers', () => {
  const dims = [3, 2, 4] as const; // value = i + 10 j + 100 k
  const voxels = new Int16Array(24).map((_, p) => (p % 3) + 10 * (Math.floor(p / 3) % 2) + 100 * Math.floor(p / 6));
  it('extracts axial, coronal (head up) and sagittal slices along the voxel axes', () => {
    const out = new Int16Array(12);
    extractSlice(voxels, dims, 'axial', 2, out);
    expect([...out.slice(0, 6)]).toEqual([200, 201, 202, 210, 211, 212]);
    extractSlice(voxels, dims, 'coronal', 1, out);
    expect([...out]).toEqual([310, 311, 312, 210, 211, 212, 110, 111, 112, 10, 11, 12]);
    extractSlice(voxels, dims, 'sagittal', 2, out.subarray(0, 8));
    expect([...out.slice(0, 8)]).toEqual([302, 312, 202, 212, 102, 112, 2, 12]);
  });
  it('gives each plane its size, count and pixel spacing', () => {
    expect(sliceGeometry([64, 48, 32], [0.5, 0.6, 2], 'axial')).toEqual({ width: 64, height: 48, count: 32, pixelSpacing: [0.5, 0.6] });
    expect(sliceGeometry([64, 48, 32], [0.5, 0.6, 2], 'coronal')).toEqual({ width: 64, height: 32, count: 48, pixelSpacing: [0.5, 2] });
    expect(sliceGeometry([64, 48, 32], [0.5, 0.6, 2], 'sagittal')).toEqual({ width: 48, height: 32, count: 64, pixelSpacing: [0.6, 2] });
  });
  it('keeps the most recently used entries', () => {
    const lru = new Lru<number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
  });
});

describe('imaging.slice', () => {
  it('answers an axial slice in HU with the volume range, from the DICOM files', async () => {
    const slice = await caller.imaging.slice({ seriesKey, plane: 'axial', index: 16 });
    expect(slice).toMatchObject({ width: 64, height: 64, index: 16, count: 32, pixelSpacing: [2, 2] });
    expect(['int16', 'float32']).toContain(slice.dtype);
    const values = decode(slice.values, slice.dtype);
    expect(values.length).toBe(64 * 64);
    for (const [i, j] of [[0, 0], [32, 32], [40, 32], [10, 32]] as const) {
      expect(values[j * 64 + i], `(${i}, ${j})`).toBeCloseTo(phantom.image.voxels[i + 64 * (j + 64 * 16)]!, 3);
    }
    expect(slice.min).toBe(-1000);
    expect(slice.max).toBeGreaterThan(40);
    expect(slice.mask).toBeUndefined();
  });

  it('answers coronal and sagittal slices with their sizes and spacing', async () => {
    const coronal = await caller.imaging.slice({ seriesKey, plane: 'coronal', index: 32 });
    expect(coronal).toMatchObject({ width: 64, height: 32, count: 64, pixelSpacing: [2, 2] });
    const values = decode(coronal.values, coronal.dtype);
    // Row 0 is the highest k (head up).
    expect(values[0 * 64 + 20]).toBeCloseTo(phantom.image.voxels[20 + 64 * (32 + 64 * 31)]!, 3);
    const sagittal = await caller.imaging.slice({ seriesKey, plane: 'sagittal', index: 5 });
    expect(sagittal).toMatchObject({ width: 64, height: 32, count: 64 });
  });

  it('reads the series once while scrolling (LRU cache)', async () => {
    for (let k = 0; k < 32; k += 4) await caller.imaging.slice({ seriesKey, plane: 'axial', index: k });
    await caller.imaging.slice({ seriesKey, plane: 'coronal', index: 3 });
    expect(sliceCacheStats.volumeReads).toBe(1);
  });

  it('adds the lesion mask resampled onto the slice', async () => {
    const slice = await caller.imaging.slice({ seriesKey, plane: 'axial', index: 16, lesionRecordKey: lesionKey });
    const mask = decode(slice.mask!, 'uint8');
    expect(mask.length).toBe(64 * 64);
    let labelled = 0;
    let expected = 0;
    for (let p = 0; p < 64 * 64; p++) {
      if (mask[p]) labelled++;
      if (phantom.mask.voxels[p + 64 * 64 * 16]) expected++;
    }
    expect(labelled).toBeGreaterThan(0);
    expect(labelled).toBe(expected);
    const empty = await caller.imaging.slice({ seriesKey, plane: 'axial', index: 0, lesionRecordKey: lesionKey });
    expect(Array.from(decode(empty.mask!, 'uint8')).every((v) => v === 0)).toBe(true);
    await caller.imaging.slice({ seriesKey, plane: 'axial', index: 1, lesionRecordKey: lesionKey });
    expect(sliceCacheStats.maskReads).toBe(1);
  });

  it('rejects an index out of range with the valid range', async () => {
    await expect(caller.imaging.slice({ seriesKey, plane: 'axial', index: 32 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('0..31') });
    await expect(caller.imaging.slice({ seriesKey, plane: 'sagittal', index: 64 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('0..63') });
  });

  it('rejects bad keys and unknown series', async () => {
    await expect(caller.imaging.slice({ seriesKey: 'fhir/Patient/x', plane: 'axial', index: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.imaging.slice({ seriesKey: 'dicom/series/1.2.3', plane: 'axial', index: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers PRECONDITION_FAILED naming the file when a file changed or is gone, without patient data', async () => {
    const victim = files[3]!;
    const backup = join(work, 'backup.dcm');
    copyFileSync(victim, backup);
    try {
      writeFileSync(victim, Buffer.concat([readFileSync(backup), Buffer.from([0])]));
      const changed = await caller.imaging.slice({ seriesKey, plane: 'axial', index: 0 }).catch((e: unknown) => e);
      expect(changed).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringContaining(victim) });
      expect((changed as Error).message).toMatch(/changed/);
      expect((changed as Error).message).not.toMatch(/Phantom|PHANTOM-1|imaging-slice/);
      rmSync(victim);
      const gone = await caller.imaging.slice({ seriesKey, plane: 'axial', index: 0 }).catch((e: unknown) => e);
      expect(gone).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringContaining(victim) });
      expect((gone as Error).message).toMatch(/gone/);
    } finally {
      copyFileSync(backup, victim);
    }
    // A cached volume notices the change too.
    await caller.imaging.slice({ seriesKey, plane: 'axial', index: 0 });
    writeFileSync(victim, Buffer.alloc(10));
    try {
      await expect(caller.imaging.slice({ seriesKey, plane: 'axial', index: 1 })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    } finally {
      copyFileSync(backup, victim);
    }
    expect((await caller.imaging.slice({ seriesKey, plane: 'axial', index: 1 })).index).toBe(1);
  });
});

describe('imaging.slice on a series acquired in another plane', () => {
  // The same phantom written as a sagittal acquisition: images of anterior → posterior columns and superior →
  // inferior rows, slices stacked from the patient's left to right (voxel axes P, I, R).
  const PATIENT_SAGITTAL = 'Patient/imaging-slice-sagittal';
  let sagittalKey: string;
  let sagittalLesionKey: string;

  beforeAll(async () => {
    const sagittal = orient('PIR').apply({ image: phantom.image, record: [] }).image as Volume<Int16Array>;
    expect(sagittal.dims).toEqual([64, 32, 64]);
    writeDicomSeries(sagittal, join(work, 'ct-sagittal'), 'api-slice-sagittal', { date: '20240110' });
    const result = await importImagingSeries(join(work, 'ct-sagittal'), { patientKey: PATIENT_SAGITTAL, mask: join(work, 'mask.nii'), radiomics: false }, { store });
    sagittalKey = result.seriesKey;
    sagittalLesionKey = result.lesionsKey!;
    caller = createCaller(await testContext(store, { roles: ['oncologist'], patients: 'all' }));
  }, 120_000);

  it('lists it with the dims and lesion slice of the axial acquisition', async () => {
    const [axial] = await caller.imaging.series({ patientKey: PATIENT });
    const [sagittal] = await caller.imaging.series({ patientKey: PATIENT_SAGITTAL });
    expect(sagittal!.dims).toEqual([64, 64, 32]);
    expect(sagittal!.spacing).toEqual(axial!.spacing);
    expect(sagittal!.lesionSlices.map((l) => l.axialIndex)).toEqual(axial!.lesionSlices.map((l) => l.axialIndex));
  });

  it('serves the same axial, coronal and sagittal images and mask as the axial acquisition', async () => {
    for (const [plane, index] of [['axial', 16], ['coronal', 32], ['sagittal', 20]] as const) {
      const fromAxial = await caller.imaging.slice({ seriesKey, plane, index, lesionRecordKey: lesionKey });
      const fromSagittal = await caller.imaging.slice({ seriesKey: sagittalKey, plane, index, lesionRecordKey: sagittalLesionKey });
      expect([fromSagittal.width, fromSagittal.height, fromSagittal.count], plane).toEqual([fromAxial.width, fromAxial.height, fromAxial.count]);
      expect(Array.from(decode(fromSagittal.values, fromSagittal.dtype)), plane).toEqual(Array.from(decode(fromAxial.values, fromAxial.dtype)));
      expect(Array.from(decode(fromSagittal.mask!, 'uint8')), `${plane} mask`).toEqual(Array.from(decode(fromAxial.mask!, 'uint8')));
    }
  });
});
