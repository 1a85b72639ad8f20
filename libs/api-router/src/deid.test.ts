import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importPathologyReports } from '@oncoboard/ingest';
import type { Store } from '@oncoboard/store';
import { appRouter } from './router';
import { testContext } from './test-context';
import { createCallerFactory } from './trpc';
import { demoDir, openDemoStore, type DemoStore } from './test-support/demo-store';
import { DEID_EXPORT_MAX_BYTES_ENV } from './deid';

// deid.exportBundle on a real SQLite store holding the demo cohort and a synthetic pathology report for Jenny.
// The key is the server's environment (process.env here), set per test and removed after.
const repoRoot = resolve(__dirname, '../../..');
const JENNY = 'Patient/cancer-patient-jenny-m';
const JOHN = 'Patient/cancer-patient-john-anyperson';
const BRIAN = 'Patient/cancer-patient-brian-l';
const KEY = 'api-test-only de-identification key: 0123456789abcdef';
const createCaller = createCallerFactory(appRouter);
let demo: DemoStore;
let store: Store;

type Json = Record<string, unknown>;
const patientFile = (key: string) => JSON.parse(readFileSync(join(demoDir, `Patient-${key.slice(8)}.json`), 'utf8')) as Json;
function secretsOf(patient: Json): string[] {
  const out = new Set<string>([String(patient.id), String(patient.birthDate)]);
  for (const n of (patient.name as { given?: string[]; family?: string }[] | undefined) ?? []) for (const s of [...(n.given ?? []), n.family ?? '']) out.add(s);
  for (const i of (patient.identifier as { value?: string }[] | undefined) ?? []) out.add(i.value ?? '');
  for (const a of (patient.address as { line?: string[]; city?: string; postalCode?: string }[] | undefined) ?? []) for (const s of [...(a.line ?? []), a.city ?? '', a.postalCode ?? '']) out.add(s);
  return [...out].filter((s) => s.length >= 3);
}
/** Whole words, case-insensitive, in the JSON and in the base64-decoded texts. */
function leaks(text: string, patients: string[]): string[] {
  return patients.flatMap((k) => secretsOf(patientFile(k))).filter((s) => new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'i').test(text));
}
function decodedTexts(bundle: { entry: { resource: Json }[] }): string[] {
  return bundle.entry
    .filter((e) => e.resource.resourceType === 'DocumentReference')
    .map((e) => Buffer.from(String((e.resource.content as { attachment: { data: string } }[])[0]!.attachment.data), 'base64').toString('utf8'));
}
const auditsOf = (username: string) => store.prisma.auditEvent.findMany({ where: { username, operation: 'deid.exportBundle' }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  demo = await openDemoStore('deid-api');
  store = demo.store;
  await importPathologyReports(join(repoRoot, 'libs/pathology/fixtures/breast-core-biopsy.txt'), { patientKey: JENNY, embed: false }, { store });
}, 180_000);
afterAll(() => demo?.close());
afterEach(() => {
  delete process.env.ONCOBOARD_DEID_KEY;
  delete process.env[DEID_EXPORT_MAX_BYTES_ENV];
});

describe('deid.exportBundle', () => {
  it("returns the caller's patients as one de-identified Bundle, texts masked, and audits one E event per patient", async () => {
    process.env.ONCOBOARD_DEID_KEY = KEY;
    const caller = createCaller(await testContext(store, { roles: ['oncologist'], patients: [JENNY, JOHN], username: 'deid-exporter' }));
    const answer = await caller.deid.exportBundle({ patientKeys: [JENNY, JOHN] });
    expect(answer.manifest.totals.patients).toBe(2);
    expect(answer.bundle.entry.filter((e) => e.resource.resourceType === 'Patient')).toHaveLength(2);
    const texts = decodedTexts(answer.bundle);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('INVASIVE DUCTAL CARCINOMA'); // the clinical content stays
    expect(texts[0]).not.toContain('SYN26-00101'); // the accession number does not
    const json = JSON.stringify(answer);
    expect(leaks(`${json}\n${texts.join('\n')}`, [JENNY, JOHN])).toEqual([]);
    expect(json).not.toContain(KEY);
    expect(answer.bytes).toBe(answer.bundle.entry.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 1, 0));
    // every Practitioner reference resolves inside the Bundle
    const ids = new Set(answer.bundle.entry.map((e) => `${String(e.resource.resourceType)}/${String(e.resource.id)}`));
    const refs = [...json.matchAll(/"reference":"((?:Practitioner|Patient)\/[^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    expect(refs.filter((r) => !ids.has(r))).toEqual([]);
    const audits = await auditsOf('deid-exporter');
    expect(audits.map((a) => [a.action, a.outcome, a.patientKey])).toEqual([['E', '0', JENNY], ['E', '0', JOHN]]);
  });

  it("exports a board's cases for a caller with a seat, and refuses one without", async () => {
    process.env.ONCOBOARD_DEID_KEY = KEY;
    const board = await createCaller(await testContext(store, { roles: ['care-coordinator'], patients: 'all' })).boards.create({ title: 'Deid', specialty: 'breast', meetingAt: '2024-05-01T08:00:00Z' });
    await store.prisma.boardCase.createMany({ data: [{ id: 'case-00000000-0000-4000-8000-00000000d001', boardId: board.id, patientKey: BRIAN, question: 'Q', position: 0 }] });
    const seated = createCaller(await testContext(store, { roles: ['oncologist'], boards: [board.id], username: 'deid-seated' }));
    const answer = await seated.deid.exportBundle({ boardId: board.id });
    expect(answer.manifest.totals.patients).toBe(1);
    expect(leaks(JSON.stringify(answer), [BRIAN])).toEqual([]);
    expect((await auditsOf('deid-seated')).map((a) => a.patientKey)).toEqual([BRIAN]);
    const unseated = createCaller(await testContext(store, { roles: ['oncologist'], patients: [JENNY] }));
    await expect(unseated.deid.exportBundle({ boardId: board.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a patient the caller may not see (one audit record, outcome 4) and exports nothing', async () => {
    process.env.ONCOBOARD_DEID_KEY = KEY;
    const caller = createCaller(await testContext(store, { roles: ['oncologist'], patients: [JENNY], username: 'deid-stranger' }));
    await expect(caller.deid.exportBundle({ patientKeys: [JENNY, JOHN] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const audits = await auditsOf('deid-stranger');
    expect(audits.map((a) => [a.action, a.outcome])).toEqual([['E', '4']]);
  });

  it('refuses a role without deid:export', async () => {
    process.env.ONCOBOARD_DEID_KEY = KEY;
    const coordinator = createCaller(await testContext(store, { roles: ['care-coordinator'], patients: [JENNY] }));
    await expect(coordinator.deid.exportBundle({ patientKeys: [JENNY] })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'deid.exportBundle: needs the permission deid:export' });
  });

  it('says clearly when the server has no key, and audits the failure', async () => {
    const caller = createCaller(await testContext(store, { roles: ['oncologist'], patients: [JENNY], username: 'deid-nokey' }));
    await expect(caller.deid.exportBundle({ patientKeys: [JENNY] })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('de-identified export is not configured on this server: ONCOBOARD_DEID_KEY is not set'),
    });
    expect((await auditsOf('deid-nokey')).map((a) => [a.outcome, a.outcomeDesc])).toEqual([['4', 'PRECONDITION_FAILED: key']]);
  });

  it('refuses an export over the size limit with a clear error, and oversized inputs', async () => {
    process.env.ONCOBOARD_DEID_KEY = KEY;
    process.env[DEID_EXPORT_MAX_BYTES_ENV] = '20000';
    const caller = createCaller(await testContext(store, { roles: ['oncologist'], patients: 'all', username: 'deid-large' }));
    await expect(caller.deid.exportBundle({ patientKeys: [JENNY, JOHN] })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'the de-identified export of 2 patient(s) exceeds the 20 kB limit of a web export; choose fewer patients or use the CLI (oncoboard deid-export)',
    });
    expect((await auditsOf('deid-large')).map((a) => [a.outcome, a.outcomeDesc])).toEqual([['4', 'PAYLOAD_TOO_LARGE']]);
    const many = Array.from({ length: 51 }, (_, n) => `Patient/p${n}`);
    await expect(caller.deid.exportBundle({ patientKeys: many })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.deid.exportBundle({ patientKeys: [JENNY], boardId: 'board-00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
