import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@oncoboard/store';
import { exportDeidentifiedCohort, runDeidExportCommand } from './deid-export';
import { cliBin, repoRoot } from './test-support/cli-workspace';

// `oncoboard deid-export` end to end through the CLI: the demo cohort and a synthetic pathology report imported,
// a tumor board with two cases put in the store, then exports by --patient (repeated), --all-patients and
// --board. Every byte of every exported file is read as text and searched for the demo patients' names,
// identifiers, birth dates, addresses, phones, emails and resource ids; none may be there.
const demoDir = join(repoRoot, 'demo/mcode-stu4');
const JENNY = 'Patient/cancer-patient-jenny-m';
const JOHN = 'Patient/cancer-patient-john-anyperson';
const BRIAN = 'Patient/cancer-patient-brian-l';
const BOARD = 'board-00000000-0000-4000-8000-00000000de1d';
const KEY = 'a-test-key-of-at-least-thirty-two-characters-0123456789';
let work: string;
let env: NodeJS.ProcessEnv;
const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [cliBin, ...args], { encoding: 'utf8', env: { ...env, ...extra }, timeout: 180_000 });

type Json = Record<string, unknown>;
const demoPatients = readdirSync(demoDir).filter((f) => f.startsWith('Patient-')).map((f) => JSON.parse(readFileSync(join(demoDir, f), 'utf8')) as Json);

/** A demo patient's identifying strings (3+ characters; "M" as a family name would match any text). */
function secretsOf(patient: Json): string[] {
  const out = new Set<string>([String(patient.id), String(patient.birthDate)]);
  for (const n of (patient.name as { given?: string[]; family?: string }[] | undefined) ?? []) for (const s of [...(n.given ?? []), n.family ?? '']) out.add(s);
  for (const i of (patient.identifier as { value?: string }[] | undefined) ?? []) out.add(i.value ?? '');
  for (const t of (patient.telecom as { value?: string }[] | undefined) ?? []) out.add(t.value ?? '');
  for (const a of (patient.address as { line?: string[]; city?: string; postalCode?: string }[] | undefined) ?? []) for (const s of [...(a.line ?? []), a.city ?? '', a.postalCode ?? '']) out.add(s);
  return [...out].filter((s) => s.length >= 3);
}

/** Every file under a folder, bytes read as latin1 text. */
function everyFile(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => join(dir, rel))
    .filter((p) => statSync(p).isFile())
    .map((p) => ({ path: p, text: readFileSync(p).toString('latin1') }));
}

/** Whole-word, case-insensitive ("Eve" inside "every" is no leak). */
function leaks(dir: string, patients: Json[]): string[] {
  const files = everyFile(dir);
  const found: string[] = [];
  for (const s of patients.flatMap(secretsOf)) {
    const re = new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'i');
    const hit = files.find((f) => re.test(f.text) || re.test(f.path));
    if (hit) found.push(`${s} in ${hit.path.slice(dir.length)}`);
  }
  return found;
}

const patientOf = (key: string) => demoPatients.find((p) => `Patient/${String(p.id)}` === key)!;
const partialsBeside = (dir: string) => readdirSync(dir).filter((f) => f.includes('.partial-'));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-deid-export-'));
  env = { ...process.env, DATABASE_URL: `file:${join(work, 'd.db')}` };
  delete env.ONCOBOARD_DEID_KEY;
  expect(cli(['demo']).status).toBe(0);
  expect(cli(['pathology-import', join(repoRoot, 'libs/pathology/fixtures/breast-core-biopsy.txt'), '--patient', JENNY]).status).toBe(0);
  const store = await openStore({ databaseUrl: env.DATABASE_URL });
  try {
    await store.prisma.tumorBoard.create({ data: { id: BOARD, title: 'Deid board', specialty: 'breast', meetingAt: new Date('2024-05-01T08:00:00Z'), createdBy: 'test' } });
    await store.prisma.boardCase.createMany({
      data: [
        { id: 'case-00000000-0000-4000-8000-000000000001', boardId: BOARD, patientKey: BRIAN, question: 'Next line?', position: 0 },
        { id: 'case-00000000-0000-4000-8000-000000000002', boardId: BOARD, patientKey: JENNY, question: 'Adjuvant?', position: 1 },
      ],
    });
  } finally {
    await store.close();
  }
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('oncoboard deid-export', () => {
  it('refuses to run without a key from configuration, writing nothing', () => {
    const out = join(work, 'no-key');
    const r = cli(['deid-export', '--patient', JENNY, '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ONCOBOARD_DEID_KEY is not set: de-identification needs a secret key from configuration');
    expect(existsSync(out)).toBe(false);
    expect(partialsBeside(work)).toEqual([]);
  }, 240_000);

  it('exports several patients, one folder each, the shared Practitioners once, with progress per patient and no identifier left', async () => {
    const out = join(work, 'two');
    const r = cli(['deid-export', '--patient', JENNY, '--patient', JOHN, '--out', out], { ONCOBOARD_DEID_KEY: KEY });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^de-identified 2 patients: \d+ resources \(\d+ shared\), 0 DICOM files, 1 report texts into /);
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('deid-export patient'));
    expect(progress).toHaveLength(2);
    expect(progress[0]).toMatch(/^deid-export patient 1\/2 → [0-9a-f-]{36}: \d+ resources, 0 DICOM files, 1 report texts$/);
    expect(r.stderr).not.toMatch(/jenny|anyperson/i);

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { keyId: string; patients: { pseudonym: string; resources: number }[]; totals: { sharedResources: number } };
    expect(readdirSync(join(out, 'patients')).sort()).toEqual(manifest.patients.map((p) => p.pseudonym).sort());
    const shared = JSON.parse(readFileSync(join(out, 'shared', 'bundle.json'), 'utf8')) as { entry: { resource: Json }[] };
    expect(shared.entry.length).toBe(manifest.totals.sharedResources);
    expect(shared.entry.filter((e) => e.resource.resourceType === 'Practitioner').length).toBeGreaterThanOrEqual(2);
    // Every Practitioner reference in the patients' bundles resolves to one in the shared bundle.
    const sharedIds = new Set(shared.entry.map((e) => `${String(e.resource.resourceType)}/${String(e.resource.id)}`));
    const bundles = manifest.patients.map((p) => readFileSync(join(out, 'patients', p.pseudonym, 'bundle.json'), 'utf8'));
    const refs = bundles.flatMap((b) => [...b.matchAll(/"reference": "(Practitioner\/[^"]+)"/g)].map((m) => m[1]!));
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((ref) => !sharedIds.has(ref))).toEqual([]);
    expect(bundles.join('')).toContain('"code": "85337-4"'); // Jenny's ER result's LOINC survives
    // Jenny's report text, masked
    const jennyDir = manifest.patients.find((p) => existsSync(join(out, 'patients', p.pseudonym, 'texts')))!.pseudonym;
    expect(readFileSync(join(out, 'patients', jennyDir, 'texts', 'report-1.txt'), 'utf8').length).toBeGreaterThan(100);

    expect(leaks(out, [patientOf(JENNY), patientOf(JOHN)])).toEqual([]);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toContain(KEY);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toContain('Patient/');
    expect(partialsBeside(work)).toEqual([]);

    const store = await openStore({ databaseUrl: env.DATABASE_URL });
    try {
      const audits = await store.prisma.auditEvent.findMany({ where: { operation: 'cli:deid-export', action: 'E' } });
      expect(audits.map((a) => a.patientKey).sort()).toEqual([JENNY, JOHN]);
    } finally {
      await store.close();
    }
  }, 240_000);

  it('exports every patient (--all-patients) with nothing of any demo patient left in any file', () => {
    const out = join(work, 'all');
    const r = cli(['deid-export', '--all-patients', '--out', out], { ONCOBOARD_DEID_KEY: KEY });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(out, 'patients'))).toHaveLength(demoPatients.length);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('deid-export patient'))).toHaveLength(demoPatients.length);
    expect(leaks(out, demoPatients)).toEqual([]);
  }, 240_000);

  it("exports a board's cases (--board), in process, and names an unknown board", async () => {
    const out = join(work, 'board');
    const store = await openStore({ databaseUrl: env.DATABASE_URL });
    try {
      const seen: number[] = [];
      const done = await exportDeidentifiedCohort(store, { boardId: BOARD }, out, { env: { ONCOBOARD_DEID_KEY: KEY }, onProgress: (p) => seen.push(p.done) });
      expect(done.patients).toBe(2);
      expect(seen).toEqual([1, 2]);
      expect(leaks(out, [patientOf(BRIAN), patientOf(JENNY)])).toEqual([]);
      await expect(exportDeidentifiedCohort(store, { boardId: 'board-nope' }, join(work, 'board-nope'), { env: { ONCOBOARD_DEID_KEY: KEY } })).rejects.toThrow(
        '--board board-nope: no such tumor board in the store',
      );
      // An existing folder with files in it is never written into.
      await expect(exportDeidentifiedCohort(store, { patients: [JENNY] }, out, { env: { ONCOBOARD_DEID_KEY: KEY } })).rejects.toThrow('expected a new or empty folder');
    } finally {
      await store.close();
    }
    expect(existsSync(join(work, 'board-nope'))).toBe(false);
    expect(partialsBeside(work)).toEqual([]);
  }, 120_000);

  it('stops at a patient that fails, naming its key, and leaves no folder, partial or whole', () => {
    const out = join(work, 'fails');
    const r = cli(['deid-export', '--patient', JENNY, '--patient', 'Patient/not-in-the-store', '--out', out], { ONCOBOARD_DEID_KEY: KEY });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("oncoboard deid-export: Patient/not-in-the-store: no Patient resource in the store; import the patient's FHIR record first");
    expect(r.stderr).toContain('deid-export patient 1/2'); // the first patient was done before the failure...
    expect(existsSync(out)).toBe(false); // ...and still nothing is there
    expect(partialsBeside(work)).toEqual([]);
  }, 240_000);

  it('refuses an unclear selection with the usage', async () => {
    expect(await runDeidExportCommand(['--all-patients', '--board', BOARD, '--out', join(work, 'x')])).toBe(1);
    expect(await runDeidExportCommand(['--patient', JENNY])).toBe(1);
    expect(existsSync(join(work, 'x'))).toBe(false);
  });
});
