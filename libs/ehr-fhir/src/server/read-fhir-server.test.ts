import { join, resolve } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFhirResource, sourceRecordKeyOf } from '../read/keys';
import { readFhirPath } from '../read/read-file';
import type { ReadItem } from '../read/types';
import { resourcesOf, startTestFhirServer, type TestFhirServer } from '../testing/index';
import { readFhirServer } from './read-fhir-server';
import { MCODE_BUNDLES_DIR, MCODE_EXAMPLES_DIR } from '../testing/mcode-examples';

// A real FHIR server (Medplum's FhirRouter + MemoryRepository over HTTP on 127.0.0.1, see src/testing), seeded
// with the same mCODE STU4 example files (CC0) that the file import reads.
const jennyBundle = join(MCODE_BUNDLES_DIR, 'Bundle-mcode-patient-bundle-jenny-m.json');
const looseFiles = [
  'Patient-cancer-patient-john-anyperson.json',
  'Condition-john-anyperson-chf.json',
  'Condition-john-anyperson-hd.json',
  'BodyStructure-john-anyperson-treatment-volume.json',
  'Observation-cancer-related-comorbidities-john-anyperson.json',
  'DiagnosticReport-genomics-report-john-anyperson.json',
  'Group-group-mcode-patients.json', // members: John and Eve (Eve is not on this server)
  'Organization-us-core-organization-bedrock-medicine.json', // referenced by a Jenny observation, outside the Bundle
].map((name) => join(MCODE_EXAMPLES_DIR, name));

async function all(items: AsyncIterable<ReadItem>): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function readFiles(paths: string[]): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for (const path of paths) items.push(...(await all(readFhirPath(path))));
  return items;
}

/** "sourceRecordKey hash" of each resource, sorted. */
const keyed = (resources: Resource[]) => resources.map((r) => `${sourceRecordKeyOf(r)} ${hashFhirResource(r)}`).sort();
/** "Type/id" references (other than to a Patient) that point at none of the given resources, in order of discovery. */
function danglingReferences(resources: Resource[]): string[] {
  const have = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, member] of Object.entries(value)) {
      if (key === 'reference' && typeof member === 'string' && /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]+$/.test(member) && !member.startsWith('Patient/') && !have.has(member)) found.add(member);
      else walk(member);
    }
  };
  resources.forEach(walk);
  return [...found];
}

const diagnostics = (items: ReadItem[]) => items.flatMap((i) => (i.kind === 'error' ? [`${i.outcome.issue?.[0]?.severity}: ${i.outcome.issue?.[0]?.diagnostics}`] : []));

describe('readFhirServer against a real FHIR server', () => {
  let server: TestFhirServer;
  let fileResources: Resource[];

  beforeAll(async () => {
    const fileItems = await readFiles([jennyBundle, ...looseFiles]);
    expect(fileItems.filter((i) => i.kind !== 'resource')).toEqual([]);
    fileResources = resourcesOf(fileItems);
    server = await startTestFhirServer({ seed: fileResources });
  }, 60_000);
  afterAll(() => server?.close());

  it('imports exactly what the file import gives (same keys and hashes), following next links', async () => {
    const items = await all(readFhirServer(server.baseUrl, { pageSize: 3 }));
    // The examples refer to resources that are in neither the Bundle nor the server: each is a warning, once.
    const dangling = danglingReferences(fileResources);
    expect(dangling.length).toBeGreaterThan(10);
    expect(diagnostics(items).sort()).toEqual(
      dangling.map((key) => `warning: ${server.baseUrl} ${key} (server): GET ${server.baseUrl}/${key} failed: HTTP 404 (not-found)`).sort(),
    );
    const fromServer = resourcesOf(items);
    // Each resource once.
    expect(new Set(fromServer.map(sourceRecordKeyOf)).size).toBe(fromServer.length);
    // A patient import reads patients, their compartments and what those reference: the one resource of the
    // files that nothing refers to is not reached.
    const reached = new Set(fromServer.map(sourceRecordKeyOf));
    expect(fileResources.map(sourceRecordKeyOf).filter((k) => !reached.has(k))).toEqual(['fhir/Organization/us-core-organization-physician-services-inc']);
    expect(keyed(fromServer)).toEqual(keyed(fileResources.filter((r) => reached.has(sourceRecordKeyOf(r)))));
    expect(fromServer).toHaveLength(fileResources.length - 1);
    // Pages of 3 were really followed: Jenny has more than 3 Observations, and the server got their second page.
    expect(server.requests).toContain('GET /fhir/Observation?subject=Patient%2Fcancer-patient-jenny-m&_count=3&_offset=3');
    expect(server.requests).toContain('GET /fhir/Patient?_count=3');
  });

  it('places each item on the server: file = base URL, place = "Type/id (server)"', async () => {
    const items = await all(readFhirServer(server.baseUrl, { pageSize: 3 }));
    expect(items.slice(0, 2).map((i) => i.location)).toEqual([
      { file: server.baseUrl, place: 'Patient/cancer-patient-jenny-m (server)' },
      { file: server.baseUrl, place: 'Patient/cancer-patient-john-anyperson (server)' },
    ]);
    const organization = items.find((i) => i.kind === 'resource' && i.resource.id === 'us-core-organization-bedrock-medicine');
    expect(organization?.location).toEqual({ file: server.baseUrl, place: 'Organization/us-core-organization-bedrock-medicine (server)' });
  });

  it('reads one patient: its compartment and what it references, not the other patient', async () => {
    const items = await all(readFhirServer(server.baseUrl, { patientId: 'cancer-patient-john-anyperson', pageSize: 2 }));
    expect(diagnostics(items).sort()).toEqual(
      danglingReferences(resourcesOf(items)).map((key) => `warning: ${server.baseUrl} ${key} (server): GET ${server.baseUrl}/${key} failed: HTTP 404 (not-found)`).sort(),
    );
    const keys = resourcesOf(items).map(sourceRecordKeyOf).sort();
    expect(keys).toEqual(
      [
        'fhir/BodyStructure/john-anyperson-treatment-volume',
        'fhir/Condition/john-anyperson-chf',
        'fhir/Condition/john-anyperson-hd',
        'fhir/DiagnosticReport/genomics-report-john-anyperson',
        'fhir/Group/group-mcode-patients',
        'fhir/Observation/cancer-related-comorbidities-john-anyperson',
        'fhir/Patient/cancer-patient-john-anyperson',
      ].sort(),
    );
  });

  it('a patient the server does not have is an error item naming the URL', async () => {
    const items = await all(readFhirServer(server.baseUrl, { patientId: 'nobody' }));
    expect(items).toEqual([
      {
        kind: 'error',
        location: { file: server.baseUrl, place: 'Patient/nobody (server)' },
        outcome: {
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code: 'not-found',
              details: { text: `GET ${server.baseUrl}/Patient/nobody failed: HTTP 404 (not-found)` },
              diagnostics: `${server.baseUrl} Patient/nobody (server): GET ${server.baseUrl}/Patient/nobody failed: HTTP 404 (not-found)`,
            },
          ],
        },
      },
    ]);
    expect(diagnostics(await all(readFhirServer(server.baseUrl, { patientId: 'not an id!' })))).toEqual([
      `error: ${server.baseUrl} Patient/not an id! (server): not a valid FHIR id`,
    ]);
  });

  it('does not follow a next link to another host (here: the server calls itself 127.0.0.1, the client asked localhost)', async () => {
    const viaLocalhost = server.baseUrl.replace('127.0.0.1', 'localhost');
    const items = await all(readFhirServer(viaLocalhost, { pageSize: 1 }));
    expect(diagnostics(items)[0]).toBe(
      `error: ${viaLocalhost} Patient (server): the next page link of GET ${viaLocalhost}/Patient?_count=1 leaves the server (${server.baseUrl.replace('/fhir', '')}); not followed`,
    );
  });
});

describe('readFhirServer with all 177 mCODE STU4 examples', () => {
  it('reaches every patient-compartment resource, with the hashes of the files', async () => {
    const fileResources = resourcesOf(await readFiles([MCODE_EXAMPLES_DIR]));
    expect(fileResources).toHaveLength(177);
    const server = await startTestFhirServer({ seed: fileResources });
    try {
      const fromServer = resourcesOf(await all(readFhirServer(server.baseUrl, { pageSize: 7 })));
      const byKey = new Map(fileResources.map((r) => [sourceRecordKeyOf(r), hashFhirResource(r)]));
      expect(fromServer.map((r) => byKey.get(sourceRecordKeyOf(r)))).toEqual(fromServer.map(hashFhirResource));
      const reached = new Set(fromServer.map(sourceRecordKeyOf));
      expect([...byKey.keys()].filter((k) => !reached.has(k))).toEqual(['fhir/Organization/us-core-organization-physician-services-inc']);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('readFhirServer: server trouble', () => {
  it('a dangling reference is a warning; the rest is read', async () => {
    const server = await startTestFhirServer({
      seed: [
        { resourceType: 'Patient', id: 'p1' },
        { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p1' }, performer: [{ reference: 'Practitioner/gone' }] },
      ],
    });
    try {
      const items = await all(readFhirServer(server.baseUrl));
      expect(resourcesOf(items).map(sourceRecordKeyOf)).toEqual(['fhir/Patient/p1', 'fhir/Observation/o1']);
      expect(diagnostics(items)).toEqual([`warning: ${server.baseUrl} Practitioner/gone (server): GET ${server.baseUrl}/Practitioner/gone failed: HTTP 404 (not-found)`]);
    } finally {
      await server.close();
    }
  });

  it('an unreachable server is one error item, not an exception', async () => {
    const server = await startTestFhirServer({});
    const baseUrl = server.baseUrl;
    await server.close();
    const items = await all(readFhirServer(baseUrl, { pageSize: 5 }));
    expect(diagnostics(items)).toEqual([`error: ${baseUrl} Patient (server): GET ${baseUrl}/Patient?_count=5 failed: ECONNREFUSED`]);
    const first = items[0];
    expect(first?.kind === 'error' && first.outcome.issue?.[0]?.code).toBe('exception');
  });

  it('a base URL that is not a URL is an error item', async () => {
    expect(diagnostics(await all(readFhirServer('not a url')))).toEqual(['error: not a url server: not a valid base URL']);
  });
});
