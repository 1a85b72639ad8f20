import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importImagingSeries } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from '@oncoboard/imaging/testing';
import type { Citation } from './contract';
import { appRouter } from './router';
import { testContext } from './test-context';
import { createCallerFactory } from './trpc';

// Two CT timepoints of one patient (an 8 mL lesion shrinking to 2 mL) and one timepoint of another, imported from
// real DICOM + NIfTI files into a real SQLite store, read back through the router.
const TWO = 'Patient/imaging-two';
const ONE = 'Patient/imaging-one';
let work: string;
let store: Store;
const createCaller = createCallerFactory(appRouter);
let caller: ReturnType<typeof createCaller>;
const uids: Record<string, string> = {};
const lesionSliceOf: Record<string, number> = {};

async function importPhantom(name: string, patientKey: string, lesionMl: number, date: string) {
  const phantom = syntheticCtPhantom({ size: 64, slices: 32, pixelMm: 2, sliceMm: 2, lesionMl });
  const dir = join(work, name);
  writeDicomSeries(phantom.image, dir, `api-${name}`, { date, seriesDescription: `CT ${name}` });
  const mask = writeNifti(phantom.mask, join(work, `${name}.nii`));
  // The axial slice through the lesion's centroid, from the phantom's own mask voxels (mean k of the lesion).
  const [nx, ny] = phantom.mask.dims;
  let sumK = 0;
  let n = 0;
  phantom.mask.voxels.forEach((v, i) => {
    if (v) (sumK += Math.floor(i / (nx * ny)), n++);
  });
  lesionSliceOf[name] = Math.round(sumK / n);
  const result = await importImagingSeries(dir, { patientKey, mask }, { store });
  uids[name] = result.seriesInstanceUid;
  return result;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-router-imaging-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'x.db')}` });
  // Imported out of order on purpose: the API sorts by series date.
  await importPhantom('follow-up', TWO, 2, '20240420');
  await importPhantom('baseline', TWO, 8, '20240110');
  await importPhantom('single', ONE, 5, '20240301');
  // A signed-in user on the care team of every imported patient (the access rules have their own tests).
  caller = createCaller(await testContext(store, { roles: ['oncologist'], patients: 'all' }));
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Follows "a.b[0].c" into parsed JSON. */
function at(json: unknown, path: string): unknown {
  let node = json;
  for (const part of path.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    node = (node as Record<string, unknown> | undefined)?.[m[1]!];
    for (const index of m[2]!.match(/\d+/g) ?? []) node = (node as unknown[] | undefined)?.[Number(index)];
  }
  return node;
}

async function expectResolvable(citation: Citation, patientKey: string) {
  const record = await caller.sourceRecords.get({ key: citation.sourceRecordKey });
  expect(record.patientKey).toBe(patientKey);
  const element = at(JSON.parse(record.content), citation.elementPath);
  expect(element, `${citation.sourceRecordKey} ${citation.elementPath}`).toBeDefined();
  return element as Record<string, unknown>;
}

describe('imaging.series', () => {
  it('gives the axial slice through each lesion, so a cited lesion opens on it', async () => {
    const [baseline] = await caller.imaging.series({ patientKey: TWO });
    expect(baseline!.lesionSlices).toEqual([{ recordKey: baseline!.lesionRecordKeys[0], lesionIndex: 0, axialIndex: lesionSliceOf.baseline }]);
  });

  it('lists the patient\'s series, oldest first, with their lesion records', async () => {
    const series = await caller.imaging.series({ patientKey: TWO });
    expect(series.map((s) => s.seriesInstanceUid)).toEqual([uids.baseline, uids['follow-up']]);
    expect(series[0]).toMatchObject({
      key: `dicom/series/${uids.baseline}`,
      modality: 'CT',
      date: '2024-01-10',
      description: 'CT baseline',
      dims: [64, 64, 32],
      spacing: [2, 2, 2],
      slices: 32,
    });
    expect(series[0]!.studyInstanceUid).toMatch(/^2\.25\./);
    expect(series[0]!.lesionRecordKeys).toHaveLength(1);
    expect(series[0]!.lesionRecordKeys[0]).toMatch(new RegExp(`^imaging/lesions/${uids.baseline!.replace(/\./g, '\\.')}/[0-9a-f]{12}$`));
    // An unknown patient is refused like any patient outside the caller's care team (existence is not revealed).
    await expect(caller.imaging.series({ patientKey: 'Patient/nobody' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.imaging.series({ patientKey: 'nobody' })).rejects.toThrow(/Patient\/<id>/);
  });
});

describe('imaging.lesions', () => {
  it('groups cited lesion values by series date and gives a RECIST response over two timepoints', async () => {
    const view = await caller.imaging.lesions({ patientKey: TWO });
    expect(view.timepoints.map((t) => t.date)).toEqual(['2024-01-10', '2024-04-20']);
    const [baseline, followUp] = view.timepoints.map((t) => t.lesions[0]!);
    expect(baseline).toMatchObject({ seriesInstanceUid: uids.baseline, modality: 'CT', lesion: 1, label: 1, targetId: 'L1' });
    expect(Math.abs(baseline!.volumeMl - 8) / 8).toBeLessThan(0.1);
    expect(Math.abs(followUp!.volumeMl - 2) / 2).toBeLessThan(0.15);
    expect(baseline!.text).toBe(`${baseline!.volumeMl.toFixed(1)} mL`);
    for (const value of [baseline!, followUp!]) {
      expect(value.citation.elementPath).toBe('lesions[0]');
      const element = await expectResolvable(value.citation, TWO);
      expect(element.volumeMl).toBe(value.volumeMl);
      expect(element.longestDiameterMm).toBe(value.longestDiameterMm);
    }
    // 8 mL → 2 mL: the diameter drops by about 37 %.
    expect(view.response).toHaveLength(2);
    expect(view.response![0]).toMatchObject({ date: '2024-01-10', response: 'BASELINE', sumMm: baseline!.longestDiameterMm });
    expect(view.response![1]).toMatchObject({ date: '2024-04-20', response: 'PR', sumMm: followUp!.longestDiameterMm });
    expect(view.response![1]!.changeFromBaselinePct!).toBeLessThan(-30);
    expect(view.responseNote).toContain('RECIST 1.1');
  });

  it('gives no response for a single timepoint, and says so', async () => {
    const view = await caller.imaging.lesions({ patientKey: ONE });
    expect(view.timepoints).toHaveLength(1);
    expect(view.response).toBeNull();
    expect(view.responseNote).toMatch(/needs a baseline and at least one follow-up/);
    await expectResolvable(view.timepoints[0]!.lesions[0]!.citation, ONE);
    await expect(caller.imaging.lesions({ patientKey: 'Patient/nobody' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('shows the series and the measurements in the imaging lane of the timeline', async () => {
    const page = await caller.patients.timeline({ patientKey: TWO, categories: ['imaging'] });
    expect(page.items.map((e) => e.title)).toEqual([
      'CT series · 32 slices · CT baseline',
      expect.stringMatching(/^1 lesion measured · largest \d+\.\d mL$/),
      'CT series · 32 slices · CT follow-up',
      expect.stringMatching(/^1 lesion measured · largest \d+\.\d mL$/),
    ]);
    const series = await caller.sourceRecords.get({ key: page.items[0]!.citation.sourceRecordKey });
    expect(series.kind).toBe('dicom-series');
  });
});
