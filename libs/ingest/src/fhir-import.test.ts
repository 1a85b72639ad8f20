import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFhirPath, type ReadItem } from '@oncoboard/ehr-fhir';
import { startTestFhirServer } from '@oncoboard/ehr-fhir/testing';
import { openStore, type Store } from '@oncoboard/store';
import { importFhirPath, importFhirServer, importFhirTexts } from './fhir-import';

// Real data: the mCODE STU4 examples (CC0) committed in demo/mcode-stu4, a real SQLite store, a real FHIR server.
const demoDir = resolve(__dirname, '../../../demo/mcode-stu4');
const jennyBundle = resolve(__dirname, '../../../demo/mcode-stu4-bundles/Bundle-mcode-patient-bundle-jenny-m.json');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-ingest-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function freshStore(name: string): Promise<Store> {
  return openStore({ databaseUrl: `file:${join(work, `${name}.db`)}` });
}

/** What a store holds, independent of import order and run ids: records by hash, facts and events. */
async function snapshot(store: Store) {
  const prisma = store.prisma as any;
  const records = await prisma.sourceRecord.findMany({ select: { key: true, contentHash: true }, orderBy: { key: 'asc' } });
  const facts = await prisma.fact.findMany({ select: { sourceRecordKey: true, kind: true, elementPath: true, valueText: true }, orderBy: [{ sourceRecordKey: 'asc' }, { kind: 'asc' }, { elementPath: 'asc' }] });
  const events = await prisma.timelineEvent.findMany({ select: { sourceRecordKey: true, category: true, title: true, elementPath: true }, orderBy: [{ sourceRecordKey: 'asc' }, { elementPath: 'asc' }, { title: 'asc' }] });
  return { records, facts, events };
}

describe('importFhirPath on the demo cohort', () => {
  it('imports every example, and a second import changes nothing', async () => {
    const store = await freshStore('twice');
    const first = await importFhirPath(demoDir, { store });
    expect(first.read).toBeGreaterThan(170);
    expect(first.imported + first.rejected).toBe(first.read);
    expect(first.imported).toBeGreaterThan(170);
    const before = await store.countRecords();
    const second = await importFhirPath(demoDir, { store });
    expect(second.imported).toBe(0);
    expect(second.updated).toBe(0);
    expect(second.unchanged).toBe(first.imported);
    expect(await store.countRecords()).toEqual(before);
    await store.close();
  });

  it('replaces a changed resource and keeps the earlier version in history', async () => {
    const store = await freshStore('changed');
    await importFhirPath(jennyBundle, { store });
    const bundle = JSON.parse(readFileSync(jennyBundle, 'utf8'));
    const patient = bundle.entry.find((e: any) => e.resource.resourceType === 'Patient').resource;
    const changed = { ...patient, gender: patient.gender === 'female' ? 'other' : 'female' };
    const result = await importFhirTexts([{ name: 'changed-patient.json', text: JSON.stringify(changed) }], { store });
    expect(result).toMatchObject({ imported: 0, updated: 1, unchanged: 0, rejected: 0 });
    const found = await store.getSourceRecord(`fhir/Patient/${patient.id}`);
    expect(found?.record.version).toBe(2);
    expect(JSON.parse(found!.record.content).gender).toBe(changed.gender);
    expect(found?.history).toHaveLength(1);
    expect(found?.history[0]?.version).toBe(1);
    expect((await store.getPatient(`Patient/${patient.id}`))?.gender).toBe(changed.gender);
    await store.close();
  });
});

describe('validation during import', () => {
  const validObservation = { resourceType: 'Observation', id: 'ok-1', status: 'final', code: { text: 'ok' }, subject: { reference: 'Patient/p1' } };
  const invalidObservation = { resourceType: 'Observation', id: 'bad-1', code: { text: 'no status' }, subject: { reference: 'Patient/p1' } };

  it('rejects a whole transaction bundle when one entry is invalid', async () => {
    const store = await freshStore('transaction');
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [validObservation, invalidObservation].map((resource) => ({ resource, request: { method: 'PUT', url: `Observation/${resource.id}` } })) };
    const result = await importFhirTexts([{ name: 'tx.json', text: JSON.stringify(bundle) }], { store });
    expect(result.imported).toBe(0);
    expect(result.rejected).toBe(2);
    expect(result.issues.map((i) => i.message)).toContain('tx.json entry: transaction bundle rejected as a whole: 1 of 2 entries are invalid');
    expect(result.issues.some((i) => i.elementPath === 'Observation.status')).toBe(true);
    expect((await store.countRecords()).sourceRecords).toBe(0);
    await store.close();
  });

  it('writes a transaction whose only other entry is a DELETE, reporting the DELETE as a warning, not a rejection', async () => {
    const store = await freshStore('transaction-delete');
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: validObservation, request: { method: 'PUT', url: `Observation/${validObservation.id}` } },
        { request: { method: 'DELETE', url: 'Observation/gone' } },
      ],
    };
    const result = await importFhirTexts([{ name: 'tx-delete.json', text: JSON.stringify(bundle) }], { store });
    expect({ imported: result.imported, rejected: result.rejected, read: result.read }).toEqual({ imported: 1, rejected: 0, read: 1 });
    expect(result.issues.map((i) => i.severity)).toEqual(['warning']);
    expect((await store.countRecords()).sourceRecords).toBe(1);
    await store.close();
  });

  it('imports the valid entries of a collection bundle and reports the invalid ones with file, place and path', async () => {
    const store = await freshStore('collection');
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: validObservation }, { resource: invalidObservation }] };
    const result = await importFhirTexts([{ name: 'collection.json', text: JSON.stringify(bundle) }], { store });
    expect(result).toMatchObject({ imported: 1, rejected: 1 });
    const issue = result.issues.find((i) => i.severity === 'error')!;
    expect(issue).toMatchObject({ file: 'collection.json', place: 'entry[1]', resourceType: 'Observation', resourceId: 'bad-1', elementPath: 'Observation.status' });
    expect((await store.getSourceRecord('fhir/Observation/ok-1'))?.record.resourceId).toBe('ok-1');
    expect(await store.getSourceRecord('fhir/Observation/bad-1')).toBeNull();
    const runs = await store.listImportRuns(1);
    expect(await store.getImportIssues(runs[0]!.id)).toHaveLength(result.issues.length);
    await store.close();
  });

  it('reports malformed, empty and non-FHIR files without writing anything', async () => {
    const store = await freshStore('malformed');
    const result = await importFhirTexts(
      [
        { name: 'broken.json', text: '{"resourceType": "Patient", "id": ' },
        { name: 'empty.json', text: '' },
        { name: 'not-fhir.json', text: '{"hello": "world"}' },
      ],
      { store },
    );
    expect(result.imported).toBe(0);
    expect(result.rejected).toBe(3);
    expect(result.issues.map((i) => i.file).sort()).toEqual(['broken.json', 'empty.json', 'not-fhir.json']);
    expect((await store.countRecords()).sourceRecords).toBe(0);
    await store.close();
  });
});

describe('importFhirServer', () => {
  it('imports from a live FHIR server exactly what the file import gives', async () => {
    // The server is seeded with the same resources the file import reads.
    const seed: any[] = [];
    for await (const item of readFhirPath(demoDir) as AsyncGenerator<ReadItem>) {
      if (item.kind === 'resource') seed.push(item.resource);
      if (item.kind === 'atomic-group') for (const i of item.items) if (i.kind === 'resource') seed.push(i.resource);
    }
    const server = await startTestFhirServer({ seed });
    try {
      const fromFiles = await freshStore('files');
      await importFhirPath(demoDir, { store: fromFiles });
      const fromServer = await freshStore('server');
      const result = await importFhirServer(server.baseUrl, { pageSize: 7 }, { store: fromServer });
      expect(result.rejected).toBe(0);
      const a = await snapshot(fromFiles);
      const b = await snapshot(fromServer);
      // Resources outside any patient compartment that no patient resource references are not fetched by a patient import.
      const serverKeys = new Set(b.records.map((r: any) => r.key));
      expect(serverKeys.size).toBeGreaterThan(100);
      expect(b.records).toEqual(a.records.filter((r: any) => serverKeys.has(r.key)));
      expect(b.facts).toEqual(a.facts.filter((f: any) => serverKeys.has(f.sourceRecordKey)));
      expect(b.events).toEqual(a.events.filter((e: any) => serverKeys.has(e.sourceRecordKey)));
      // Every patient-compartment resource of the file import came through the server.
      const compartmentKeys = (await (fromFiles.prisma as any).sourceRecord.findMany({ where: { patientKey: { not: null } }, select: { key: true } })).map((r: any) => r.key);
      for (const key of compartmentKeys) expect(serverKeys.has(key), key).toBe(true);
      await fromFiles.close();
      await fromServer.close();
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('importFhirPath with a bulk NDJSON file', () => {
  it('imports line by line and reports a bad line without losing the others', async () => {
    const store = await freshStore('ndjson');
    const path = join(work, 'bulk.ndjson');
    const lines = [
      JSON.stringify({ resourceType: 'Patient', id: 'n1', gender: 'female' }),
      '{"resourceType": "Patient", "id": "n2", ',
      JSON.stringify({ resourceType: 'Patient', id: 'n3', gender: 'male' }),
    ];
    writeFileSync(path, lines.join('\n'));
    const result = await importFhirPath(path, { store });
    expect(result).toMatchObject({ imported: 2, rejected: 1 });
    expect(result.issues[0]).toMatchObject({ file: path, place: 'line 2' });
    await store.close();
  });
});
