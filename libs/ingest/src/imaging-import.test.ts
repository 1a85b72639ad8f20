import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '@oncoboard/store';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from '@oncoboard/imaging/testing';
import { importImagingSeries, lesionMeasurementsKey, type ImagingImportProgress } from './imaging-import';

// A real DICOM series (the synthetic CT phantom with a 5 mL lesion) and its mask as a NIfTI-1 file, imported into a
// real SQLite store.
const P = 'Patient/imaging-p1';
let work: string;
let store: Store;
let seriesDir: string;
let maskFile: string;
let phantom: ReturnType<typeof syntheticCtPhantom>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-imaging-import-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'x.db')}` });
  phantom = syntheticCtPhantom({ size: 64, slices: 32, pixelMm: 2, sliceMm: 2, lesionMl: 5 });
  seriesDir = join(work, 'series');
  writeDicomSeries(phantom.image, seriesDir, 'imaging-import-t1', { date: '20240115', seriesDescription: 'Chest CT', seriesNumber: 3 });
  maskFile = writeNifti(phantom.mask, join(work, 'lesion.nii'));
});

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('importImagingSeries', () => {
  it('writes the series, its lesions and radiomics in one transaction, with progress', async () => {
    const write = vi.spyOn(store, 'writeRecords');
    const steps: ImagingImportProgress[] = [];
    const result = await importImagingSeries(seriesDir, { patientKey: P, mask: maskFile }, { store, onProgress: (p) => steps.push(p) });
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0]![1]).toHaveLength(2);
    write.mockRestore();
    expect(result).toMatchObject({ imported: 2, updated: 0, unchanged: 0, modality: 'CT', slices: 32, date: '2024-01-15', radiomics: 1, embeddings: 1 });
    expect(new Set(steps.map((s) => s.step))).toEqual(new Set(['reading', 'measuring', 'radiomics', 'encoding', 'writing']));
    expect(steps.at(-1)).toEqual({ step: 'writing', done: 1, total: 1 });

    // The series record: geometry and file references, no pixels.
    const series = await store.getSourceRecord(result.seriesKey);
    expect(series!.record).toMatchObject({ kind: 'dicom-series', resourceType: 'DicomSeries', resourceId: result.seriesInstanceUid, patientKey: P, originLocation: `series ${result.seriesInstanceUid}` });
    expect(result.seriesKey).toBe(`dicom/series/${result.seriesInstanceUid}`);
    const content = JSON.parse(series!.record.content);
    expect(Object.keys(content)).toEqual([...Object.keys(content)].sort());
    expect(content).toMatchObject({ modality: 'CT', studyDate: '2024-01-15', seriesDate: '2024-01-15', seriesDescription: 'Chest CT', seriesNumber: 3 });
    expect(content.geometry.dims).toEqual([64, 64, 32]);
    expect(content.geometry.spacing).toEqual([2, 2, 2]);
    expect(content.files).toHaveLength(32);
    expect(content.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(series!.record.content.length).toBeLessThan(20_000);

    // The lesions record and its facts.
    const lesionsRecord = await store.getSourceRecord(result.lesionsKey!);
    expect(lesionsRecord!.record).toMatchObject({ kind: 'lesion-measurements', resourceType: 'LesionMeasurements', patientKey: P });
    const lesions = JSON.parse(lesionsRecord!.record.content);
    expect(lesions.mask).toMatchObject({ path: maskFile, kind: 'nifti' });
    expect(result.lesionsKey).toBe(lesionMeasurementsKey(result.seriesInstanceUid, lesions.mask.sha256));
    expect(lesions.resampled).toEqual({ droppedVoxels: 0 });
    expect(lesions.lesions).toHaveLength(1);
    expect(lesions.radiomics[0].config).toEqual({ discretisation: { method: 'fbs', binWidth: 25, min: -1000 }, aggregations: ['3D'] });
    // The default encoder's embedding of a patch around the lesion, with the encoder and provider it came from.
    expect(lesions.embeddings).toHaveLength(1);
    expect(lesions.embeddings[0]).toMatchObject({ lesion: 1, encoder: { id: 'patch-cnn-3d', version: '1.0.0' }, provider: 'cpu' });
    expect(lesions.embeddings[0].vector).toHaveLength(64);
    expect(lesions.embeddings[0].vector.some((v: number) => v !== 0)).toBe(true);
    const [embeddingFact] = await store.getFacts(P, { kinds: ['imaging-embedding'] });
    expect(embeddingFact!.provenance[0]).toEqual({ sourceRecordKey: result.lesionsKey, elementPath: 'embeddings[0]' });

    const facts = await store.getFacts(P, { kinds: ['lesion-measurement'] });
    expect(facts).toHaveLength(1);
    const fact = facts[0]!;
    expect(fact.value).toMatchObject({ type: 'quantity', quantity: { unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' } });
    const volume = (fact.value as { quantity: { value: number } }).quantity.value;
    expect(Math.abs(volume - 5) / 5).toBeLessThan(0.1);
    expect(fact.effectiveStart?.slice(0, 10)).toBe('2024-01-15');
    expect(fact.attributes).toMatchObject({ lesion: 1, label: 1, seriesInstanceUid: result.seriesInstanceUid, modality: 'CT' });
    // A 5 mL sphere is about 21 mm across.
    expect(fact.attributes.longestDiameterMm as number).toBeGreaterThan(16);
    expect(fact.attributes.longestDiameterMm as number).toBeLessThan(26);
    expect(fact.provenance).toEqual([
      { sourceRecordKey: result.lesionsKey, elementPath: 'lesions[0]' },
      { sourceRecordKey: result.seriesKey, elementPath: 'seriesInstanceUid' },
      { sourceRecordKey: result.seriesKey, elementPath: 'seriesDate' },
    ]);
    expect(lesions.lesions[0].volumeMl).toBe(volume);

    const [radiomics] = await store.getFacts(P, { kinds: ['radiomics-features'] });
    expect(radiomics!.value).toBeUndefined();
    const features = radiomics!.attributes.features as Record<string, number>;
    expect(Object.keys(features).length).toBeGreaterThan(100);
    expect(features.stat_mean).toBeGreaterThan(30); // lesion HU 45..75
    expect(features.stat_mean).toBeLessThan(90);
    expect(features.morph_volume! / 1000).toBeGreaterThan(4);
    expect(radiomics!.provenance[0]).toEqual({ sourceRecordKey: result.lesionsKey, elementPath: 'radiomics[0]' });

    // Timeline: the series and the measurement, both in the imaging lane.
    const timeline = await store.getTimeline(P, { categories: ['imaging'] });
    expect(timeline.items.map((e) => e.title)).toEqual(['CT series · 32 slices · Chest CT', '1 lesion measured · largest 5.0 mL'.replace('5.0', volume.toFixed(1))]);
    expect(timeline.items[0]!.start?.slice(0, 10)).toBe('2024-01-15');
    expect(timeline.items[0]!.provenance).toEqual({ sourceRecordKey: result.seriesKey, elementPath: 'seriesInstanceUid' });
  });

  it('changes nothing when the same series and mask are imported again', async () => {
    const before = await store.countRecords();
    const again = await importImagingSeries(seriesDir, { patientKey: P, mask: maskFile }, { store });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 2 });
    expect(await store.countRecords()).toEqual(before);
    const series = await importImagingSeries(seriesDir, { patientKey: P }, { store });
    expect(series).toMatchObject({ imported: 0, updated: 0, unchanged: 1, lesions: [] });
  });

  it('resamples a mask drawn on another grid onto the image', async () => {
    // The same lesion on a grid with 4 more slices below, and half as many in-plane voxels at twice the spacing.
    const m = phantom.mask;
    const [nx, ny, nz] = [32, 32, 36];
    const voxels = new Uint8Array(nx * ny * nz);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const sk = k - 4;
          if (sk < 0 || sk >= 32) continue;
          // Any of the 2×2 source voxels set → set (a coarser mask; volume within tolerance below).
          let on = 0;
          for (const [di, dj] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) on |= m.voxels[2 * i + di + 64 * (2 * j + dj + 64 * sk)]!;
          voxels[i + nx * (j + ny * k)] = on ? 2 : 0;
        }
    const coarse = { dims: [nx, ny, nz] as const, spacing: [4, 4, 2] as const, origin: [m.origin[0] + 1, m.origin[1] + 1, m.origin[2] - 8] as const, direction: m.direction, voxels, source: 'coarse' };
    const file = writeNifti(coarse, join(work, 'coarse.nii'));
    const result = await importImagingSeries(seriesDir, { patientKey: P, mask: file, radiomics: false }, { store });
    expect(result).toMatchObject({ imported: 1, unchanged: 1, radiomics: 0 });
    expect(result.lesions).toHaveLength(1);
    expect(result.lesions[0]!.label).toBe(2);
    expect(result.lesions[0]!.volumeMl).toBeGreaterThan(5);
    expect(result.lesions[0]!.volumeMl).toBeLessThan(9);
    const record = JSON.parse((await store.getSourceRecord(result.lesionsKey!))!.record.content);
    expect(record.radiomics).toEqual([]);
  });

  it('picks one series out of a folder holding two, and refuses to guess', async () => {
    const both = join(work, 'both');
    const small = syntheticCtPhantom({ size: 16, slices: 4, pixelMm: 2, sliceMm: 2, lesionMl: 0.1 });
    writeDicomSeries(small.image, join(both, 'a'), 'two-a', { date: '20240301' });
    writeDicomSeries(small.image, join(both, 'b'), 'two-b', { date: '20240302' });
    const before = await store.countRecords();
    await expect(importImagingSeries(both, { patientKey: 'Patient/imaging-p3' }, { store })).rejects.toThrow(/holds 2 series; pass seriesInstanceUid/);
    expect(await store.countRecords()).toEqual(before);
    const a = await importImagingSeries(join(both, 'a'), { patientKey: 'Patient/imaging-p3' }, { store });
    const picked = await importImagingSeries(both, { patientKey: 'Patient/imaging-p3', seriesInstanceUid: a.seriesInstanceUid }, { store });
    // Same series, same files, but found from another folder: the record's origin is not in its content, so unchanged.
    expect(picked).toMatchObject({ seriesInstanceUid: a.seriesInstanceUid, unchanged: 1, date: '2024-03-01' });
  });

  it('writes nothing on bad input, and says which file is wrong', async () => {
    const before = await store.countRecords();
    const empty = join(work, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'not DICOM');
    await expect(importImagingSeries(empty, { patientKey: P }, { store })).rejects.toThrow(/imaging import: .*no DICOM image files found in .*empty/);
    await expect(importImagingSeries(seriesDir, { patientKey: 'p1' }, { store })).rejects.toThrow('imaging import: patientKey: expected "Patient/<id>", found "p1"');
    await expect(importImagingSeries(join(work, 'nowhere'), { patientKey: P }, { store })).rejects.toThrow(/nowhere: no such file or directory/);

    const zero = { ...phantom.mask, voxels: new Uint8Array(phantom.mask.voxels.length) };
    const zeroFile = writeNifti(zero, join(work, 'zero.nii'));
    await expect(importImagingSeries(seriesDir, { patientKey: 'Patient/imaging-p2', mask: zeroFile }, { store })).rejects.toThrow(`imaging import: mask ${zeroFile} is empty: no voxel > 0`);

    const far = { ...phantom.mask, origin: [5000, 5000, 5000] as const };
    const farFile = writeNifti(far, join(work, 'far.nii'));
    await expect(importImagingSeries(seriesDir, { patientKey: 'Patient/imaging-p2', mask: farFile }, { store })).rejects.toThrow(
      new RegExp(`mask ${farFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be resampled onto series .*: none of its \\d+ labelled voxels`),
    );

    const junk = join(work, 'junk.nii');
    writeFileSync(junk, 'neither NIfTI nor DICOM');
    await expect(importImagingSeries(seriesDir, { patientKey: 'Patient/imaging-p2', mask: junk }, { store })).rejects.toThrow(`imaging import: mask ${junk}`);

    expect(await store.countRecords()).toEqual(before);
    expect(await store.getPatient('Patient/imaging-p2')).toBeNull();
    const runs = await store.listImportRuns(3);
    expect(runs[0]!.status).toBe('failed');
    const issues = await store.getImportIssues(runs[0]!.id);
    expect(issues[0]!.message).toContain(junk);
  });
});
