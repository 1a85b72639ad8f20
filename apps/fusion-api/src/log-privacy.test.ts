import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@oncoboard/api-router';
import { createUser, grantPatientAccess } from '@oncoboard/auth';
import { openStore } from '@oncoboard/store';
import { freePort } from '../../../tools/net/free-port.mjs';
import { cliBin, repoRoot } from './test-support/cli-workspace';

// Logs never carry patient data: the demo import (CLI) and an API session that reads every demo patient
// (search by name, overview, timeline, the Patient records themselves, a not-found) run at LOG_LEVEL=trace; their
// whole output is scanned for the demo patients' names, identifiers and birth dates as the FHIR resources state them.
const demoDir = join(repoRoot, 'demo', 'mcode-stu4');
let work: string;
let env: NodeJS.ProcessEnv;

/** Names (≥ 3 characters), identifier values and birth dates of the demo Patient resources. */
function demoPatientSecrets(): string[] {
  const secrets = new Set<string>();
  const visit = (r: { resourceType?: string; name?: { given?: string[]; family?: string }[]; identifier?: { value?: string }[]; birthDate?: string }) => {
    if (r.resourceType !== 'Patient') return;
    for (const n of r.name ?? []) for (const part of [...(n.given ?? []), n.family ?? '']) if (part.length >= 3) secrets.add(part);
    for (const id of r.identifier ?? []) if (id.value && id.value.length >= 3) secrets.add(id.value);
    if (r.birthDate) secrets.add(r.birthDate);
  };
  for (const file of readdirSync(demoDir).filter((f) => f.endsWith('.json'))) {
    const json = JSON.parse(readFileSync(join(demoDir, file), 'utf8')) as { resourceType?: string; entry?: { resource?: object }[] };
    if (json.resourceType === 'Bundle') for (const e of json.entry ?? []) visit((e.resource ?? {}) as never);
    else visit(json as never);
  }
  return [...secrets];
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-log-privacy-'));
  env = { ...process.env, DATABASE_URL: `file:${join(work, 'logs.db')}`, LOG_LEVEL: 'trace' };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('logs without patient data', () => {
  it('the demo import and an API session reading every patient log none of their names, identifiers or birth dates', async () => {
    const secrets = demoPatientSecrets();
    expect(secrets.length).toBeGreaterThan(10);
    const importRun = spawnSync(process.execPath, [cliBin, 'demo'], { encoding: 'utf8', env, timeout: 180_000 });
    expect(importRun.status).toBe(0);
    let output = importRun.stdout + importRun.stderr;
    // A clinician on the care team of every demo patient (the session below signs in as them).
    const store = await openStore({ databaseUrl: env.DATABASE_URL });
    await createUser(store.prisma, { username: 'log-reader', roles: ['oncologist'], password: 'log privacy passphrase' });
    await grantPatientAccess(store.prisma, 'log-reader', 'all', 'test');
    await store.close();

    const port = await freePort();
    const server = spawn(process.execPath, [cliBin, 'serve', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 120_000;
      while (!output.includes('listening')) {
        if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the API did not start:\n${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const signIn = await fetch(`http://127.0.0.1:${port}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'log-reader', password: 'log privacy passphrase' }),
      });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `http://127.0.0.1:${port}/trpc`, headers: { cookie } })] });
      const list = await api.patients.search.query({ limit: 50 });
      for (const p of list.items) {
        await api.patients.search.query({ text: p.displayName ?? p.key });
        await api.patients.overview.query({ patientKey: p.key });
        await api.patients.timeline.query({ patientKey: p.key, limit: 50 });
        await api.sourceRecords.get.query({ key: `fhir/${p.key}` }).catch(() => undefined);
      }
      await api.sourceRecords.get.query({ key: 'fhir/Patient/does-not-exist' }).catch(() => undefined);
      expect(list.items.length).toBeGreaterThanOrEqual(7);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    expect(output.length).toBeGreaterThan(100);
    const leaked = secrets.filter((s) => output.includes(s));
    expect(leaked).toEqual([]);
  }, 300_000);
});
