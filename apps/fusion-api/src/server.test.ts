import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@oncoboard/api-router';
import { createUser, grantPatientAccess } from '@oncoboard/auth';
import { openStore, type Store } from '@oncoboard/store';
import { startApiServer, type ApiServer } from './server';
import { cliWorkspace, repoRoot } from './test-support/cli-workspace';

const { work, databaseUrl, cli } = cliWorkspace('api');
const demoDir = join(repoRoot, 'demo', 'mcode-stu4');

describe('oncoboard CLI', () => {
  it('imports the demo cohort with a final count, and a second run finds everything unchanged', () => {
    const first = cli(['import', demoDir]);
    expect(first.stderr).toContain('import ');
    const counts = /imported (\d+), updated (\d+), unchanged (\d+), rejected (\d+)/.exec(first.stdout);
    expect(counts, first.stdout + first.stderr).not.toBeNull();
    const imported = Number(counts![1]);
    expect(imported).toBeGreaterThan(170);
    expect([0, 2]).toContain(first.status);
    const second = cli(['demo']);
    expect(second.stdout).toMatch(new RegExp(`imported 0, updated 0, unchanged ${imported}, rejected`));
  }, 180_000);

  it('names the missing input and fails with status 1', () => {
    const r = cli(['import', join(work, 'missing.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`oncoboard import: ${join(work, 'missing.json')}: no such file or directory`);
  });

  it('reports rejected resources with status 2 and their place', () => {
    const file = join(work, 'bad.ndjson');
    writeFileSync(file, '{"resourceType":"Observation","id":"x1","code":{"text":"t"}}\n');
    const r = cli(['import', file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('rejected 1');
    expect(r.stdout).toContain('line 1');
    expect(r.stdout).toContain('Observation.status');
  });
});

describe('API over HTTP', () => {
  let store: Store;
  let server: ApiServer;
  let cookie = '';
  beforeAll(async () => {
    store = await openStore({ databaseUrl });
    server = await startApiServer({ store, port: 0 });
    // A clinician on the care team of every imported patient, and an admin (system.info), signed in over HTTP.
    await createUser(store.prisma, { username: 'api-test', roles: ['oncologist', 'admin'], password: 'api test passphrase' });
    await grantPatientAccess(store.prisma, 'api-test', 'all', 'test');
    const signIn = await fetch(`${server.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'api-test', password: 'api test passphrase' }),
    });
    expect(signIn.status).toBe(200);
    cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('serves tRPC with typed results and typed errors', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc`, headers: { cookie } })] });
    const info = await client.system.info.query();
    expect(info.provider).toBe('sqlite');
    expect(info.counts.patients).toBeGreaterThanOrEqual(7);
    const found = await client.patients.search.query({ text: 'jenny' });
    expect(found.items[0]?.key).toBe('Patient/cancer-patient-jenny-m');
    const error = await client.patients.timeline.query({ patientKey: 'Patient/cancer-patient-jenny-m', limit: 20_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data as { code: string; zodIssues?: { path: (string | number)[] }[] };
    expect(data.code).toBe('BAD_REQUEST');
    expect(data.zodIssues?.[0]?.path).toEqual(['limit']);
  });

  it('the CLI import wrote an audit record for each batch that changed a patient, as cli:<os user>', async () => {
    const rows = await store.prisma.auditEvent.findMany({ where: { operation: 'cli:import', patientKey: 'Patient/cancer-patient-jenny-m' } });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) expect(row).toMatchObject({ action: 'C', outcome: '0', username: expect.stringMatching(/^cli:/) });
    expect(rows.flatMap((r) => JSON.parse(r.entitiesJson) as string[])).toContain('fhir/Patient/cancer-patient-jenny-m');
  });

  it('answers the health probe and 404 elsewhere', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
  });
});
