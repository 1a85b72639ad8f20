import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { withWriteAudit } from './audited-writes';
import type { DatabaseProvider } from './database-url';
import { observation, patientRecord, primaryCancer } from './test-support/records';
import { cleanupTestDatabases, freshStore, describeEachProvider } from './test-support/test-databases';
import type { RecordWrite, Store } from './types';

afterAll(cleanupTestDatabases);

const P1 = 'Patient/p1';
const P2 = 'Patient/p2';

describeEachProvider('writeRecords', (provider: DatabaseProvider) => {
  let store: Store;
  let runId: string;
  beforeEach(async () => {
    store = await freshStore(provider);
    runId = (await store.beginImportRun('test batch')).id;
  });

  it('imports new records with their facts and events, and reads every field back', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const a = { ...observation({ id: 'a', patient: P1, date: '2019-04-01T10:30:00-05:00', extraFacts: 2, events: [{}, { category: 'report', title: 'Report', detail: 'free text' }] }), contentBytes: bytes };
    const b = observation({ id: 'b', patient: P2 });
    expect(await store.writeRecords(runId, [a, b])).toEqual({ imported: 2, updated: 0, unchanged: 0 });
    expect(await store.countRecords()).toEqual({ patients: 2, sourceRecords: 2, facts: 4, events: 3, versions: 0 });

    const found = await store.getSourceRecord(a.key);
    expect(found?.history).toEqual([]);
    expect(found?.record).toMatchObject({
      key: a.key,
      kind: 'fhir-resource',
      resourceType: 'Observation',
      resourceId: 'a',
      patientKey: P1,
      content: a.content,
      contentHash: a.contentHash,
      origin: a.origin,
      originLocation: a.originLocation,
      version: 1,
      importRunId: runId,
    });
    expect(found?.record.importedAt).toBeInstanceOf(Date);
    expect(Math.abs(found!.record.importedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(Array.from(found!.record.contentBytes!)).toEqual(Array.from(bytes));
    expect((await store.getSourceRecord(b.key))?.record.contentBytes).toBeNull();

    const facts = await store.getFacts(P1);
    expect(facts.map(({ id, sourceRecordKey, ...fact }) => fact)).toEqual(a.facts);
    expect(facts.every((f) => f.sourceRecordKey === a.key && /^\d+$/.test(f.id))).toBe(true);
    expect((await store.getFacts(P1, { kinds: ['extra-1'] })).map((f) => f.kind)).toEqual(['extra-1']);

    const timeline = await store.getTimeline(P1, {});
    expect(timeline.items.map(({ id, sourceRecordKey, ...event }) => event)).toEqual(a.events);
  });

  it('writes the audit rows of a batch in its transaction: one per patient changed, none for unchanged records', async () => {
    const audited = withWriteAudit(store, ({ runId: run, patients }) =>
      patients.map((p) => ({
        action: 'C', operation: 'test:import', outcome: '0', outcomeDesc: null, userId: null, username: 'tester', rolesJson: '[]',
        patientKey: p.patientKey, entitiesJson: JSON.stringify([run, ...p.recordKeys]), sourceIp: null, userAgent: null,
      })),
    );
    const batch = [observation({ id: 'a', patient: P1 }), observation({ id: 'b', patient: P2 }), observation({ id: 'c', patient: P1 })];
    await audited.writeRecords(runId, batch);
    const rows = await store.prisma.auditEvent.findMany({ orderBy: { patientKey: 'asc' } });
    expect(rows.map((r) => [r.patientKey, JSON.parse(r.entitiesJson)])).toEqual([
      [P1, [runId, 'fhir/Observation/a', 'fhir/Observation/c']],
      [P2, [runId, 'fhir/Observation/b']],
    ]);
    expect(Math.abs(rows[0]!.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(audited.auditedBatches).toBe(1);
    // The same batch again changes nothing, so it audits nothing (the caller records the attempt).
    await audited.writeRecords(runId, batch);
    expect(await store.prisma.auditEvent.count()).toBe(2);
    expect(audited.auditedBatches).toBe(1);
    // An audit row the database refuses (here: a NULL operation) rolls the batch back.
    const refusing = withWriteAudit(store, ({ patients }) => patients.map((p) => ({ ...rows[0]!, operation: null as unknown as string, patientKey: p.patientKey, outcomeDesc: null })));
    await expect(refusing.writeRecords(runId, [observation({ id: 'd', patient: P2 })])).rejects.toThrow(/was not written/);
    expect(await store.getSourceRecord('fhir/Observation/d')).toBeNull();
  });

  it('is idempotent: the same batch again is unchanged and writes nothing', async () => {
    const batch = [observation({ id: 'a', patient: P1, date: '2020-01-01' }), observation({ id: 'b', patient: P1 }), patientRecord(P1, { displayName: 'Ann Example' })];
    expect(await store.writeRecords(runId, batch)).toEqual({ imported: 3, updated: 0, unchanged: 0 });
    const counts = await store.countRecords();
    const before = await store.getSourceRecord('fhir/Observation/a');
    const second = (await store.beginImportRun('again')).id;
    expect(await store.writeRecords(second, batch)).toEqual({ imported: 0, updated: 0, unchanged: 3 });
    expect(await store.countRecords()).toEqual(counts);
    const after = await store.getSourceRecord('fhir/Observation/a');
    expect(after).toEqual(before); // same version, same import run, same importedAt
  });

  it('keeps the old version in history and replaces facts and events when a record changes', async () => {
    const v1 = observation({ id: 'a', patient: P1, date: '2020-01-01', extraFacts: 1 });
    const other = observation({ id: 'b', patient: P1, date: '2020-02-01' });
    await store.writeRecords(runId, [v1, other]);
    const v1Row = (await store.getSourceRecord(v1.key))!.record;

    const run2 = (await store.beginImportRun('second')).id;
    const v2 = observation({ id: 'a', patient: P1, date: '2021-06-30', revision: 1 });
    expect(await store.writeRecords(run2, [v2, other])).toEqual({ imported: 0, updated: 1, unchanged: 1 });

    const found = (await store.getSourceRecord(v1.key))!;
    expect(found.record).toMatchObject({ version: 2, content: v2.content, contentHash: v2.contentHash, importRunId: run2 });
    expect(found.history).toHaveLength(1);
    expect(found.history[0]).toMatchObject({
      recordKey: v1.key,
      version: 1,
      content: v1.content,
      contentHash: v1.contentHash,
      origin: v1.origin,
      originLocation: v1.originLocation,
      importRunId: runId,
      importedAt: v1Row.importedAt,
    });
    expect(found.history[0]!.supersededAt.getTime()).toBeGreaterThanOrEqual(v1Row.importedAt.getTime());

    const facts = await store.getFacts(P1);
    expect(facts.filter((f) => f.sourceRecordKey === v1.key).map(({ id, sourceRecordKey, ...f }) => f)).toEqual(v2.facts);
    expect(facts.filter((f) => f.sourceRecordKey === other.key)).toHaveLength(1);
    const events = (await store.getTimeline(P1, {})).items;
    expect(events.filter((e) => e.sourceRecordKey === v1.key).map((e) => [e.title, e.start])).toEqual([['PSA 1', '2021-06-30']]);
    expect(await store.countRecords()).toEqual({ patients: 1, sourceRecords: 2, facts: 2, events: 2, versions: 1 });

    const v3 = observation({ id: 'a', patient: P1, revision: 2 });
    expect(await store.writeRecords(run2, [v3])).toEqual({ imported: 0, updated: 1, unchanged: 0 });
    const third = (await store.getSourceRecord(v1.key))!;
    expect(third.record.version).toBe(3);
    expect(third.history.map((h) => [h.version, h.contentHash])).toEqual([
      [2, v2.contentHash],
      [1, v1.contentHash],
    ]);
  });

  it('writes nothing of a batch that fails inside the transaction', async () => {
    const existing = observation({ id: 'x', patient: P1, date: '2020-01-01' });
    await store.writeRecords(runId, [existing]);
    const counts = await store.countRecords();
    // Make the history insert of the next update collide with the unique (recordKey, version) index: the batch
    // fails after its new record, its new patient and the stub were already written inside the transaction.
    await store.prisma.sourceRecordVersion.create({
      data: {
        recordKey: existing.key,
        version: 1,
        kind: existing.kind,
        resourceType: 'Observation',
        resourceId: 'x',
        content: 'planted',
        contentHash: 'planted',
        origin: 'test',
        originLocation: 'here',
        importedAt: new Date(),
        importRunId: runId,
      },
    });
    const batch = [observation({ id: 'new-one', patient: P2, date: '2020-03-01' }), observation({ id: 'x', patient: P1, revision: 1 }), patientRecord(P1, { displayName: 'Changed Name' })];
    await expect(store.writeRecords(runId, batch)).rejects.toThrow(/writeRecords: the batch of 3 record\(s\) "fhir\/Observation\/new-one" … "fhir\/Patient\/p1" was not written \(nothing of it was kept\)/);

    expect(await store.countRecords()).toEqual({ ...counts, versions: 1 });
    expect(await store.getSourceRecord('fhir/Observation/new-one')).toBeNull();
    expect(await store.getPatient(P2)).toBeNull();
    expect((await store.getPatient(P1))?.displayName).toBeNull();
    const x = (await store.getSourceRecord(existing.key))!;
    expect(x.record).toMatchObject({ version: 1, contentHash: existing.contentHash });
    expect((await store.getFacts(P1)).map((f) => f.sourceRecordKey)).toEqual([existing.key]);
  });

  it('refuses a malformed batch before writing, naming the record and the field', async () => {
    const good = observation({ id: 'ok', patient: P1 });
    const noProvenance = observation({ id: 'bad', patient: P1 });
    noProvenance.facts[0]!.provenance = [];
    await expect(store.writeRecords(runId, [good, noProvenance])).rejects.toThrow(
      'writeRecords: batch[1] "fhir/Observation/bad": facts[0] (tumor-marker).provenance: expected at least one entry with an elementPath',
    );
    const badCategory = observation({ id: 'bad2', patient: P1, events: [{ category: 'nonsense' as never }] });
    await expect(store.writeRecords(runId, [badCategory])).rejects.toThrow(/events\[0\]\.category: expected one of diagnosis, .* found "nonsense"/);
    await expect(store.writeRecords(runId, [good, { ...good }])).rejects.toThrow(/batch\[1\] "fhir\/Observation\/ok": the key is also batch\[0\]/);
    await expect(store.writeRecords(runId, [{ ...good, contentHash: '' }])).rejects.toThrow(/contentHash: expected a non-empty string/);
    await expect(store.writeRecords('no-such-run', [good])).rejects.toThrow(/no import run "no-such-run"/);
    expect(await store.countRecords()).toEqual({ patients: 0, sourceRecords: 0, facts: 0, events: 0, versions: 0 });
  });

  it('creates a stub for a patient seen before its Patient resource, and fills it in later', async () => {
    await store.writeRecords(runId, [observation({ id: 'early', patient: P1, date: '2019-01-01' })]);
    const stub = await store.getPatient(P1);
    expect(stub).toMatchObject({ key: P1, isStub: true, displayName: null, birthDate: null, identifiers: [] });
    expect((await store.searchPatients({ text: 'p1' })).items.map((p) => p.key)).toEqual([P1]);

    const identifiers = [{ system: 'http://hospital.example/mrn', value: 'MRN-0042' }];
    const patient = patientRecord(P1, { displayName: 'Ann Q. Example', family: 'Example', given: 'Ann', birthDate: '1961-03-04', gender: 'female', identifiers, deceasedAt: '2023-01-02' });
    expect(await store.writeRecords(runId, [patient])).toEqual({ imported: 1, updated: 0, unchanged: 0 });
    expect(await store.getPatient(P1)).toMatchObject({
      key: P1,
      isStub: false,
      displayName: 'Ann Q. Example',
      family: 'Example',
      given: 'Ann',
      birthDate: '1961-03-04',
      gender: 'female',
      identifiers,
      deceasedAt: '2023-01-02',
    });
    expect((await store.getFacts(P1)).map((f) => f.sourceRecordKey)).toEqual(['fhir/Observation/early']);
    expect((await store.searchPatients({ text: 'mrn-0042' })).items.map((p) => p.key)).toEqual([P1]);

    // A later version of the Patient resource replaces the demographics (a removed field is removed).
    await store.writeRecords(runId, [patientRecord(P1, { displayName: 'Ann Other', identifiers }, 1)]);
    expect(await store.getPatient(P1)).toMatchObject({ displayName: 'Ann Other', birthDate: null, isStub: false });
    expect((await store.searchPatients({ text: 'example' })).items).toEqual([]);
  });

  it('serializes concurrent batches: overlapping writes neither fail nor duplicate', async () => {
    const batch1: RecordWrite[] = [];
    const batch2: RecordWrite[] = [];
    for (let i = 0; i < 40; i += 1) batch1.push(observation({ id: `c${i}`, patient: `Patient/c${i % 5}` }));
    for (let i = 20; i < 60; i += 1) batch2.push(observation({ id: `c${i}`, patient: `Patient/c${i % 5}` }));
    const [r1, r2] = await Promise.all([store.writeRecords(runId, batch1), store.writeRecords(runId, batch2)]);
    expect(r1.imported + r2.imported).toBe(60);
    expect(r1.unchanged + r2.unchanged).toBe(20);
    expect(await store.countRecords()).toMatchObject({ patients: 5, sourceRecords: 60, facts: 60 });
  });

  it('keeps import runs and their issues', async () => {
    await store.writeRecords(runId, [observation({ id: 'a', patient: P1 })]);
    await store.recordIssues(runId, [
      { file: 'bundle.json', place: 'entry[3]', resourceType: 'Observation', resourceId: 'bad', severity: 'error', elementPath: 'Observation.status', message: 'bundle.json entry[3] Observation/bad: Observation.status: expected 1..1, found 0', outcomeJson: '{"resourceType":"OperationOutcome"}' },
      { file: 'bundle.json', place: 'entry[4]', severity: 'warning', message: 'unknown profile', outcomeJson: '{}' },
    ]);
    await store.finishImportRun(runId, { imported: 1, updated: 0, unchanged: 0, rejected: 1, status: 'succeeded' });
    const later = await store.beginImportRun('later run');
    await store.finishImportRun(later.id, { imported: 0, updated: 0, unchanged: 1, rejected: 0, status: 'failed' });

    const runs = await store.listImportRuns();
    expect(runs.map((r) => r.id)).toEqual([later.id, runId]);
    expect(runs[1]).toMatchObject({ source: 'test batch', status: 'succeeded', imported: 1, updated: 0, unchanged: 0, rejected: 1 });
    expect(runs[1]!.finishedAt!.getTime()).toBeGreaterThanOrEqual(runs[1]!.startedAt.getTime());
    expect(runs[0]).toMatchObject({ status: 'failed', unchanged: 1 });
    expect(await store.listImportRuns(1)).toHaveLength(1);

    const issues = await store.getImportIssues(runId);
    expect(issues.map((i) => [i.place, i.severity, i.elementPath, i.resourceId])).toEqual([
      ['entry[3]', 'error', 'Observation.status', 'bad'],
      ['entry[4]', 'warning', null, null],
    ]);
    expect(await store.getImportIssues(later.id)).toEqual([]);
    await expect(store.recordIssues('nope', [{ file: 'f', place: 'p', severity: 'error', message: 'm', outcomeJson: '{}' }])).rejects.toThrow('recordIssues: no import run "nope"');
    await expect(store.finishImportRun('nope', { imported: 0, updated: 0, unchanged: 0, rejected: 0, status: 'succeeded' })).rejects.toThrow('finishImportRun: no import run "nope"');
  });

  it('summarizes the latest primary cancer per patient and updates it when the condition record changes', async () => {
    await store.writeRecords(runId, [
      primaryCancer('old', P1, { code: '254837009', display: 'Malignant neoplasm of breast' }, '2015-01-01'),
      primaryCancer('new', P1, { code: '254637007', display: 'Non-small cell lung cancer' }, '2021-05-01'),
    ]);
    expect((await store.getPatient(P1))?.primaryCancer).toBe('Non-small cell lung cancer');
    // The newer condition is corrected to an older onset: the breast cancer becomes the latest.
    await store.writeRecords(runId, [primaryCancer('new', P1, { code: '254637007', display: 'Non-small cell lung cancer' }, '2010-05-01')]);
    expect((await store.getPatient(P1))?.primaryCancer).toBe('Malignant neoplasm of breast');
  });

  it('refuses use after close', async () => {
    await store.close();
    await expect(store.getPatient(P1)).rejects.toThrow('store: used after close()');
    await expect(store.writeRecords(runId, [observation({ id: 'a', patient: P1 })])).rejects.toThrow(/used after close/);
  });
});
