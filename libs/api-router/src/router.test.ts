import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveElementPath } from '@oncoboard/ehr-fhir';
import type { Store } from '@oncoboard/store';
import type { CitedValue } from './contract';
import { appRouter } from './router';
import { testContext } from './test-context';
import { createCallerFactory } from './trpc';
import { openDemoStore, type DemoStore } from './test-support/demo-store';

// The router over a real SQLite store holding the mCODE STU4 demo cohort.
const JENNY = 'Patient/cancer-patient-jenny-m';

let demo: DemoStore;
let store: Store;
const createCaller = createCallerFactory(appRouter);
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  demo = await openDemoStore('router');
  store = demo.store;
  // A signed-in user on the care team of every demo patient (the access rules have their own tests).
  caller = createCaller(await testContext(store, { roles: ['oncologist', 'care-coordinator'], patients: 'all' }));
}, 120_000);

afterAll(() => demo?.close());

/** A citation must resolve: its record exists, belongs to the patient, and the cited element is in the JSON. */
async function expectResolvable(value: CitedValue | undefined, patientKey = JENNY) {
  expect(value, 'a cited value').toBeDefined();
  const record = await caller.sourceRecords.get({ key: value!.citation.sourceRecordKey });
  if (record.resourceType !== 'Patient') expect(record.patientKey).toBe(patientKey);
  expect(resolveElementPath(JSON.parse(record.content), value!.citation.elementPath), value!.citation.elementPath).toBeDefined();
}

describe('patients.search', () => {
  it('finds the breast cancer patient by name, identifier, cancer type and stage', async () => {
    const byName = await caller.patients.search({ text: 'jenny' });
    expect(byName.items.map((p) => p.key)).toContain(JENNY);
    const jenny = byName.items.find((p) => p.key === JENNY)!;
    expect(jenny.primaryCancer?.toLowerCase()).toContain('breast');
    expect(jenny.stage).toBeTruthy();
    expect((await caller.patients.search({ cancerType: 'breast' })).items.map((p) => p.key)).toContain(JENNY);
    expect((await caller.patients.search({ stage: jenny.stage! })).items.map((p) => p.key)).toContain(JENNY);
    expect((await caller.patients.search({ text: 'no-such-patient-xyz' })).items).toEqual([]);
    const all = await caller.patients.search({ limit: 2 });
    expect(all.items).toHaveLength(2);
    expect(all.total).toBeGreaterThanOrEqual(7);
    const next = await caller.patients.search({ limit: 2, cursor: all.nextCursor });
    expect(next.items.map((p) => p.key)).not.toContain(all.items[0]!.key);
  });
});

describe('patients.overview', () => {
  it('gives stage and ER/PR/HER2 for the breast cancer patient, each citing its source element', async () => {
    const overview = await caller.patients.overview({ patientKey: JENNY });
    expect(overview.patient.displayName).toMatch(/Jenny/);
    const primary = overview.conditions.find((c) => c.kind === 'primary')!;
    expect(primary.diagnosis.text.toLowerCase()).toContain('breast');
    await expectResolvable(primary.diagnosis);
    const stages = [...primary.stages, ...overview.unlinkedStages];
    const clinical = stages.find((s) => s.stageType === 'clinical' && s.group)!;
    expect(clinical).toBeDefined();
    await expectResolvable(clinical.group);
    await expectResolvable(clinical.t);
    const markers = overview.biomarkers.map((b) => b.marker);
    for (const marker of ['ER', 'PR', 'HER2']) expect(markers).toContain(marker);
    for (const b of overview.biomarkers) await expectResolvable(b.value);
    expect(overview.counts.facts).toBeGreaterThan(5);
  });

  it('shows each staging event once, T, N and M beside their stage group, and names treatments coded without display', async () => {
    const overview = await caller.patients.overview({ patientKey: JENNY });
    const stages = [...overview.conditions.flatMap((c) => c.stages), ...overview.unlinkedStages];
    const pathological = stages.filter((s) => s.stageType === 'pathological');
    expect(pathological).toHaveLength(1);
    expect([pathological[0]!.group, pathological[0]!.t, pathological[0]!.n, pathological[0]!.m].every(Boolean)).toBe(true);
    const radiotherapy = overview.treatments.filter((t) => t.kind === 'radiotherapy');
    expect(radiotherapy.length).toBeGreaterThan(0);
    for (const course of radiotherapy) {
      expect(course.name.text).toBe('Radiotherapy course · Chest Wall Structure');
      await expectResolvable(course.name);
    }
  });

  it('answers FORBIDDEN for an unknown patient (as for one not on the care team) and BAD_REQUEST with the path for a malformed key', async () => {
    // Whether a patient exists is itself patient data: an unknown key gets the answer of an inaccessible one.
    await expect(caller.patients.overview({ patientKey: 'Patient/nobody' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const error = await caller.patients.overview({ patientKey: 'Observation/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toContain('expected a patient key like \\"Patient/<id>\\"');
  });
});

describe('patients.timeline', () => {
  it('pages, filters by category and date, and cites the source of each event', async () => {
    const all = await caller.patients.timeline({ patientKey: JENNY, limit: 10_000 });
    expect(all.items.length).toBeGreaterThan(5);
    const categories = new Set(all.items.map((e) => e.category));
    expect(categories.has('diagnosis')).toBe(true);
    expect(categories.has('lab')).toBe(true);
    const labs = await caller.patients.timeline({ patientKey: JENNY, categories: ['lab'], limit: 10_000 });
    expect(labs.items.every((e) => e.category === 'lab')).toBe(true);
    const dated = all.items.filter((e) => e.start).map((e) => e.start!).sort();
    const from = dated[Math.floor(dated.length / 2)]!.slice(0, 10);
    const later = await caller.patients.timeline({ patientKey: JENNY, from, limit: 10_000 });
    expect(later.items.every((e) => !e.start || e.start.slice(0, 10) >= from)).toBe(true);
    const page1 = await caller.patients.timeline({ patientKey: JENNY, limit: 3 });
    const page2 = await caller.patients.timeline({ patientKey: JENNY, limit: 3, cursor: page1.nextCursor });
    expect(page2.items[0]?.id).not.toBe(page1.items[0]?.id);
    await expect(caller.patients.timeline({ patientKey: JENNY, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'cursor: expected the nextCursor of a previous page' });
    const event = all.items[0]!;
    const record = await caller.sourceRecords.get({ key: event.citation.sourceRecordKey });
    expect(resolveElementPath(JSON.parse(record.content), event.citation.elementPath)).toBeDefined();
  });
});

describe('imports.upload', () => {
  it('imports uploaded text and returns counts with validation issues', async () => {
    const bad = { resourceType: 'Observation', id: 'upload-bad', code: { text: 'x' } };
    const summary = await caller.imports.upload({ files: [{ name: 'upload.json', text: JSON.stringify(bad) }] });
    expect(summary).toMatchObject({ imported: 0, rejected: 1 });
    expect(summary.issues[0]).toMatchObject({ file: 'upload.json', elementPath: 'Observation.status', severity: 'error' });
  });
});
