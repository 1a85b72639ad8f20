import { join } from 'node:path';
import type { Bundle, CapabilityStatement, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EHR_FHIR_FIXTURES_DIR, MCODE_EXAMPLES_DIR, loadMcodeExampleResources } from './mcode-examples';
import { startTestFhirServer, type TestFhirServer } from './test-fhir-server';

// The server under test is real (Medplum's FhirRouter over a MemoryRepository); these tests talk HTTP to it.
let server: TestFhirServer;
beforeAll(async () => {
  server = await startTestFhirServer({ seed: await loadMcodeExampleResources() });
}, 60_000);
afterAll(() => server?.close());

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: { accept: 'application/fhir+json' } });
  return { status: response.status, body: (await response.json()) as T };
}

describe('startTestFhirServer', () => {
  it('listens on 127.0.0.1 with a /fhir base', () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
  });

  it('reads a resource, with meta.versionId and meta.lastUpdated added by the server', async () => {
    const { status, body } = await get<Patient>(`${server.baseUrl}/Patient/cancer-patient-jenny-m`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ resourceType: 'Patient', id: 'cancer-patient-jenny-m', meta: { versionId: expect.any(String), lastUpdated: expect.any(String) } });
  });

  it('answers 404 with an OperationOutcome for a missing resource', async () => {
    const { status, body } = await get<OperationOutcome>(`${server.baseUrl}/Patient/nobody`);
    expect(status).toBe(404);
    expect(body.issue?.[0]?.code).toBe('not-found');
  });

  it('searches by reference for real, and pages with _count and absolute next links', async () => {
    const pages: Bundle[] = [];
    let url: string | undefined = `${server.baseUrl}/Observation?subject=Patient/cancer-patient-jenny-m&_count=4`;
    while (url) {
      const { body }: { body: Bundle } = await get<Bundle>(url);
      pages.push(body);
      url = body.link?.find((l) => l.relation === 'next')?.url;
    }
    const total = pages[0]!.total!;
    expect(total).toBeGreaterThan(8);
    expect(pages).toHaveLength(Math.ceil(total / 4));
    expect(pages[0]!.link?.find((l) => l.relation === 'next')?.url).toBe(
      `${server.baseUrl}/Observation?subject=Patient%2Fcancer-patient-jenny-m&_count=4&_offset=4`,
    );
    const observations = pages.flatMap((p) => p.entry ?? []);
    expect(observations).toHaveLength(total);
    expect(new Set(observations.map((e) => e.resource?.id)).size).toBe(total);
    for (const entry of observations) {
      expect(entry.resource).toMatchObject({ resourceType: 'Observation', subject: { reference: 'Patient/cancer-patient-jenny-m' } });
      expect(entry.fullUrl).toBe(`${server.baseUrl}/Observation/${entry.resource?.id}`);
    }
  });

  it('takes a POST transaction Bundle with urn:uuid references', async () => {
    const own = await startTestFhirServer({});
    try {
      const transaction: Bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:3f1e2d3c-0000-4000-8000-000000000001', resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
          {
            resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:3f1e2d3c-0000-4000-8000-000000000001' } },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      };
      const response = await fetch(`${own.baseUrl}/`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(transaction) });
      expect(response.status).toBe(200);
      const result = (await response.json()) as Bundle;
      expect(result.entry?.map((e) => e.response?.status)).toEqual(['201', '201']);
      const { body } = await get<Bundle>(`${own.baseUrl}/Observation`);
      const patientId = result.entry?.[0]?.response?.location?.split('/')[1];
      expect(body.entry?.[0]?.resource).toMatchObject({ subject: { reference: `Patient/${patientId}` } });
      expect(own.requests).toEqual(['POST /fhir/', 'GET /fhir/Observation']);
    } finally {
      await own.close();
    }
  });

  it('describes itself in GET metadata', async () => {
    const { body } = await get<CapabilityStatement>(`${server.baseUrl}/metadata`);
    expect(body.resourceType).toBe('CapabilityStatement');
    const observation = body.rest?.[0]?.resource?.find((r) => r.type === 'Observation');
    expect(observation?.searchParam?.map((p) => p.name)).toEqual(expect.arrayContaining(['subject', 'performer', 'patient', 'code']));
  });

  it('refuses to start with a seed it cannot store, saying which resource', async () => {
    await expect(startTestFhirServer({ seed: [{ resourceType: 'Patient', id: 'ok' }, { resourceType: 'Patient', id: 'a/b' }] })).rejects.toThrow(
      'startTestFhirServer: seeding failed: Patient/a/b: 404',
    );
  });

  it('leaves the seed it was given unchanged', async () => {
    const seed = [{ resourceType: 'Patient' as const, gender: 'female' as const }];
    const own = await startTestFhirServer({ seed });
    await own.close();
    expect(seed).toEqual([{ resourceType: 'Patient', gender: 'female' }]);
  });
});

describe('loadMcodeExampleResources', () => {
  it('loads the 177 mCODE examples', async () => {
    const resources = await loadMcodeExampleResources(MCODE_EXAMPLES_DIR);
    expect(resources).toHaveLength(177);
    expect(new Set(resources.map((r) => r.resourceType))).toContain('Patient');
  });

  it('throws when a file cannot be read', async () => {
    await expect(loadMcodeExampleResources(join(EHR_FHIR_FIXTURES_DIR, 'read/empty.json'))).rejects.toThrow(
      `loadMcodeExampleResources: ${join(EHR_FHIR_FIXTURES_DIR, 'read/empty.json')}: empty file, expected a FHIR resource or Bundle`,
    );
  });
});
