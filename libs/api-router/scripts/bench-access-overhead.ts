/**
 * What access control adds to a patient read: patients.overview through the router (session user, patient
 * access check, one audit insert) against the same procedure's work alone (the store reads and the overview
 * assembly, no checks, no audit), measured in the same run on a fresh SQLite store with the demo cohort.
 *   nice -n 10 npx tsx libs/api-router/scripts/bench-access-overhead.ts [calls=300]
 * Last line: one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importFhirPath } from '@oncoboard/ingest';
import { openStore } from '@oncoboard/store';
import { buildPatientOverview } from '../src/overview';
import { appRouter } from '../src/router';
import { testContext } from '../src/test-context';
import { createCallerFactory } from '../src/trpc';

const calls = Number(process.argv[2] ?? 300);
const JENNY = 'Patient/cancer-patient-jenny-m';
const work = mkdtempSync(join(tmpdir(), 'oncoboard-bench-access-'));
const store = await openStore({ databaseUrl: `file:${join(work, 'bench.db')}` });
try {
  await importFhirPath(resolve(import.meta.dirname, '../../../demo/mcode-stu4'), { store });
  const caller = createCallerFactory(appRouter)(await testContext(store, { roles: ['oncologist'], patients: 'all' }));

  const bare = async () => {
    const patient = (await store.getPatient(JENNY))!;
    const facts = await store.getFacts(JENNY);
    const timeline = await store.getTimeline(JENNY, { limit: 1 });
    const record = await store.getSourceRecord(`fhir/${JENNY}`);
    return buildPatientOverview(
      { key: patient.key, displayName: patient.displayName ?? undefined, birthDate: patient.birthDate ?? undefined, gender: patient.gender ?? undefined, deceasedAt: patient.deceasedAt ?? undefined, identifiers: patient.identifiers, sourceRecordKey: record?.record.key },
      facts,
      { facts: facts.length, events: timeline.total },
    );
  };
  const guarded = () => caller.patients.overview({ patientKey: JENNY });

  async function measure(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number; mean: number }> {
    for (let i = 0; i < 20; i++) await fn();
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    return { p50: q(0.5), p99: q(0.99), mean: times.reduce((a, b) => a + b, 0) / times.length };
  }
  const auditBefore = await store.prisma.auditEvent.count();
  const baseline = await measure(bare);
  const withAccess = await measure(guarded);
  const audited = (await store.prisma.auditEvent.count()) - auditBefore;
  const fmt = (n: number) => n.toFixed(2).padStart(8);
  console.log('patients.overview, ms per call   p50       p99      mean');
  console.log(`store reads + assembly (baseline) ${fmt(baseline.p50)}  ${fmt(baseline.p99)}  ${fmt(baseline.mean)}`);
  console.log(`router: access check + audit      ${fmt(withAccess.p50)}  ${fmt(withAccess.p99)}  ${fmt(withAccess.mean)}`);
  console.log(`audit records written: ${audited} for ${calls + 20} guarded calls`);
  console.log(JSON.stringify({ calls, baseline, withAccess, overheadMeanMs: withAccess.mean - baseline.mean, auditRecords: audited }));
} finally {
  await store.close();
  rmSync(work, { recursive: true, force: true });
}
