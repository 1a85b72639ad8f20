import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseProvider } from './database-url';
import { observation, patientRecord, primaryCancer, stageGroup } from './test-support/records';
import { cleanupTestDatabases, freshStore, describeEachProvider } from './test-support/test-databases';
import type { PatientListItem, RecordWrite, Store, StoredTimelineEvent } from './types';

afterAll(cleanupTestDatabases);

const JENNY = 'Patient/jenny';
const JORG = 'Patient/jorg';
const LUNG = 'Patient/lung';
const STUB = 'Patient/stub-only';
const TIMELINE = 'Patient/timeline';

/** A small cohort: breast cancer stage IIB, lung cancer stage IIIA, a stage IIA patient, a stub. */
function cohort(): RecordWrite[] {
  return [
    patientRecord(JENNY, { displayName: 'Jenny Mouse', family: 'Mouse', given: 'Jenny', birthDate: '1960-01-01', gender: 'female', identifiers: [{ system: 'urn:mrn', value: 'MRN-111' }] }),
    primaryCancer('jenny-breast', JENNY, { code: '254837009', display: 'Malignant neoplasm of breast (disorder)' }, '2018-03-01'),
    stageGroup('jenny-stage-old', JENNY, { code: '1222806003', display: 'American Joint Committee on Cancer stage IIIC (qualifier value)' }, '2017-01-01'),
    stageGroup('jenny-stage', JENNY, { code: '1222769001', display: 'American Joint Committee on Cancer stage IIB (qualifier value)' }, '2018-04-05'),
    observation({ id: 'jenny-psa', patient: JENNY, date: '2018-05-01' }),
    patientRecord(JORG, { displayName: 'JÖRG Ümlaut', identifiers: [{ value: 'MRN-222' }] }),
    primaryCancer('jorg-breast', JORG, { code: '254837009', display: 'Malignant neoplasm of breast (disorder)' }, '2019-01-01'),
    stageGroup('jorg-stage', JORG, { code: '1222767004', display: 'American Joint Committee on Cancer stage IIA (qualifier value)' }, '2019-02-01'),
    patientRecord(LUNG, { displayName: 'Lou Lung', identifiers: [{ value: 'X_1%' }] }),
    primaryCancer('lung-nsclc', LUNG, { code: '254637007', display: 'Non-small cell lung cancer' }, '2020-01-01'),
    stageGroup('lung-stage', LUNG, { code: '1222808002', display: 'American Joint Committee on Cancer stage IIIA (qualifier value)' }, '2020-02-01'),
    observation({ id: 'stub-obs', patient: STUB, date: '2020-01-01' }),
  ];
}

/** Events of one patient in a known order: dated at day, month, year and time precision, plus undated. */
function timelineRecords(): RecordWrite[] {
  const at = (id: string, start: string | undefined, category: string) =>
    observation({ id, patient: TIMELINE, events: [{ start, category: category as StoredTimelineEvent['category'], title: id }] });
  return [
    at('t-undated-1', undefined, 'other'),
    at('t-2020-06-15', '2020-06-15', 'lab'),
    at('t-2019', '2019', 'diagnosis'),
    at('t-2020-06-15T23', '2020-06-15T23:30:00-05:00', 'lab'),
    at('t-2021-02', '2021-02', 'imaging'),
    at('t-undated-2', undefined, 'lab'),
    at('t-2020-06-16', '2020-06-16', 'medication'),
    at('t-unparseable', 'sometime in spring', 'lab'),
    at('t-2018-12-31', '2018-12-31T08:00:00Z', 'procedure'),
  ];
}

const keys = (items: PatientListItem[]) => items.map((p) => p.key);
const titles = (items: StoredTimelineEvent[]) => items.map((e) => e.title);

describeEachProvider('reads', (provider: DatabaseProvider) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(provider);
    const run = await store.beginImportRun('read tests');
    await store.writeRecords(run.id, cohort());
    await store.writeRecords(run.id, timelineRecords());
  });

  describe('searchPatients', () => {
    it('lists everyone with the latest primary cancer, the latest stage and counts', async () => {
      const all = await store.searchPatients({});
      expect(all.total).toBe(5);
      const jenny = all.items.find((p) => p.key === JENNY)!;
      expect(jenny).toEqual({
        key: JENNY,
        displayName: 'Jenny Mouse',
        birthDate: '1960-01-01',
        gender: 'female',
        identifiers: [{ system: 'urn:mrn', value: 'MRN-111' }],
        primaryCancer: 'Malignant neoplasm of breast (disorder)',
        stage: 'American Joint Committee on Cancer stage IIB (qualifier value)',
        factCount: 4,
        eventCount: 2,
      });
      expect(all.items.find((p) => p.key === STUB)).toEqual({ key: STUB, identifiers: [], factCount: 1, eventCount: 1 });
    });

    it('matches name words and identifiers, case-insensitively (Unicode too)', async () => {
      expect(keys((await store.searchPatients({ text: 'jenny' })).items)).toEqual([JENNY]);
      expect(keys((await store.searchPatients({ text: 'MOUSE jen' })).items)).toEqual([JENNY]);
      expect(keys((await store.searchPatients({ text: 'mrn-222' })).items)).toEqual([JORG]);
      expect(keys((await store.searchPatients({ text: 'jörg' })).items)).toEqual([JORG]);
      expect(keys((await store.searchPatients({ text: 'ümlaut' })).items)).toEqual([JORG]);
      expect(keys((await store.searchPatients({ text: 'stub-only' })).items)).toEqual([STUB]);
      expect((await store.searchPatients({ text: 'jenny lung' })).items).toEqual([]);
      expect((await store.searchPatients({ text: 'nobody-by-that-name' })).total).toBe(0);
    });

    it('treats LIKE wildcards in the query as text', async () => {
      expect(keys((await store.searchPatients({ text: 'x_1%' })).items)).toEqual([LUNG]);
      // Only Lou's identifier "X_1%" holds a "%" or a "_"; as wildcards they would match all five patients.
      expect(keys((await store.searchPatients({ text: '%' })).items)).toEqual([LUNG]);
      expect(keys((await store.searchPatients({ text: '_' })).items)).toEqual([LUNG]);
      expect((await store.searchPatients({ text: 'x%1' })).total).toBe(0);
    });

    it('filters by cancer type (display or code) and combines filters', async () => {
      expect(keys((await store.searchPatients({ cancerType: 'BREAST' })).items).sort()).toEqual([JENNY, JORG].sort());
      expect(keys((await store.searchPatients({ cancerType: '254637007' })).items)).toEqual([LUNG]);
      expect(keys((await store.searchPatients({ cancerType: 'breast', text: 'jenny' })).items)).toEqual([JENNY]);
      expect((await store.searchPatients({ cancerType: 'melanoma' })).items).toEqual([]);
    });

    it('filters by stage: a group matches its sub-groups, not the next group; text and codes match too', async () => {
      expect(keys((await store.searchPatients({ stage: 'IIB' })).items)).toEqual([JENNY]);
      expect(keys((await store.searchPatients({ stage: 'stage ii' })).items).sort()).toEqual([JENNY, JORG].sort());
      expect(keys((await store.searchPatients({ stage: '2' })).items).sort()).toEqual([JENNY, JORG].sort());
      expect(keys((await store.searchPatients({ stage: 'III' })).items)).toEqual([LUNG]); // Jenny's IIIC is not her latest
      expect(keys((await store.searchPatients({ stage: '3a' })).items)).toEqual([LUNG]);
      expect(keys((await store.searchPatients({ stage: '1222769001' })).items)).toEqual([JENNY]);
      expect(keys((await store.searchPatients({ stage: 'American Joint Committee on Cancer stage IIB (qualifier value)' })).items)).toEqual([JENNY]);
      expect((await store.searchPatients({ stage: 'IV' })).items).toEqual([]);
    });

    it('pages with a cursor: every patient once, in name order', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.searchPatients({ limit: 2, cursor });
        expect(page.total).toBe(5);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...keys(page.items));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(keys((await store.searchPatients({})).items));
      expect(seen).toEqual([JENNY, JORG, LUNG, STUB, TIMELINE]); // jenny mouse, jörg ümlaut, lou lung, stub-only, timeline
      await expect(store.searchPatients({ cursor: 'garbage' })).rejects.toThrow(/searchPatients: cursor "garbage" is not a cursor this store returned/);
      await expect(store.searchPatients({ limit: 0 })).rejects.toThrow(/limit must be an integer from 1 to 200, got 0/);
    });
  });

  describe('getTimeline', () => {
    it('sorts by the date as written, undated (and unparseable) last, and counts them', async () => {
      const page = await store.getTimeline(TIMELINE, {});
      expect(titles(page.items)).toEqual([
        't-2018-12-31',
        't-2019',
        't-2020-06-15',
        't-2020-06-15T23', // 23:30 local time on the 15th, as written (not the 16th in UTC)
        't-2020-06-16',
        't-2021-02',
        't-undated-1',
        't-undated-2',
        't-unparseable',
      ]);
      expect(page.total).toBe(9);
      expect(page.undatedCount).toBe(3);
      expect(page.nextCursor).toBeUndefined();
      expect(page.items.find((e) => e.title === 't-unparseable')?.start).toBe('sometime in spring');
    });

    it('filters by category and by date range (inclusive, at the precision given)', async () => {
      expect(titles((await store.getTimeline(TIMELINE, { categories: ['lab'] })).items)).toEqual(['t-2020-06-15', 't-2020-06-15T23', 't-undated-2', 't-unparseable']);
      expect(titles((await store.getTimeline(TIMELINE, { categories: ['diagnosis', 'imaging'] })).items)).toEqual(['t-2019', 't-2021-02']);
      const june15 = await store.getTimeline(TIMELINE, { from: '2020-06-15', to: '2020-06-15' });
      expect(titles(june15.items)).toEqual(['t-2020-06-15', 't-2020-06-15T23']);
      expect(june15).toMatchObject({ total: 2, undatedCount: 0 });
      expect(titles((await store.getTimeline(TIMELINE, { from: '2020-06-16' })).items)).toEqual(['t-2020-06-16', 't-2021-02']);
      expect(titles((await store.getTimeline(TIMELINE, { to: '2019' })).items)).toEqual(['t-2018-12-31', 't-2019']);
      expect(titles((await store.getTimeline(TIMELINE, { from: '2019-01', to: '2020-06', categories: ['lab', 'diagnosis'] })).items)).toEqual(['t-2019', 't-2020-06-15', 't-2020-06-15T23']);
      await expect(store.getTimeline(TIMELINE, { from: 'last week' })).rejects.toThrow('getTimeline: from: expected an ISO 8601 date like 2019-04-01, found "last week"');
    });

    it('pages through everything with a cursor, across dated and undated events', async () => {
      const all = titles((await store.getTimeline(TIMELINE, {})).items);
      for (const limit of [1, 2, 4]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.getTimeline(TIMELINE, { limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          expect(page).toMatchObject({ total: 9, undatedCount: 3 });
          seen.push(...titles(page.items));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen, `limit ${limit}`).toEqual(all);
      }
      const filtered = await store.getTimeline(TIMELINE, { categories: ['lab'], limit: 3 });
      const rest = await store.getTimeline(TIMELINE, { categories: ['lab'], limit: 3, cursor: filtered.nextCursor });
      expect([...titles(filtered.items), ...titles(rest.items)]).toEqual(['t-2020-06-15', 't-2020-06-15T23', 't-undated-2', 't-unparseable']);
      await expect(store.getTimeline(TIMELINE, { limit: 10_001 })).rejects.toThrow(/limit must be an integer from 1 to 10000/);
      await expect(store.getTimeline(TIMELINE, { cursor: 'eyJ4IjoxfQ' })).rejects.toThrow(/not a cursor this store returned/);
    });

    it('cites the source record and element of each event', async () => {
      const [first] = (await store.getTimeline(TIMELINE, { limit: 1 })).items;
      expect(first).toMatchObject({ sourceRecordKey: 'fhir/Observation/t-2018-12-31', provenance: { sourceRecordKey: 'fhir/Observation/t-2018-12-31', elementPath: 'Observation.effectiveDateTime' } });
      expect(await store.getSourceRecord(first!.provenance.sourceRecordKey)).not.toBeNull();
    });

    it("lists a patient's records of one kind, and nothing for another kind or patient", async () => {
      const records = await store.listPatientRecords(TIMELINE, 'fhir-resource');
      expect(records.length).toBeGreaterThan(0);
      expect(records.map((r) => r.key)).toEqual([...records.map((r) => r.key)].sort());
      expect(records.every((r) => typeof r.content === 'string' && r.content.length > 0)).toBe(true);
      expect(await store.listPatientRecords(TIMELINE, 'dicom-series')).toEqual([]);
      expect(await store.listPatientRecords('Patient/nobody', 'fhir-resource')).toEqual([]);
    });

    it('answers an empty page for a patient without events', async () => {
      expect(await store.getTimeline('Patient/nobody', {})).toEqual({ items: [], total: 0, undatedCount: 0 });
    });
  });

  it('getPatient, getSourceRecord and countRecords answer null / zero for what is not there', async () => {
    expect(await store.getPatient('Patient/nobody')).toBeNull();
    expect(await store.getSourceRecord('fhir/Observation/nothing')).toBeNull();
    expect(await store.getFacts('Patient/nobody')).toEqual([]);
    expect(await store.countRecords()).toEqual({ patients: 5, sourceRecords: 21, facts: 18, events: 14, versions: 0 });
  });
});
