import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `oncoboard deid-export` end to end through the CLI: the demo cohort and a synthetic pathology report imported,
// then Jenny M.'s record exported de-identified; her names, identifiers, birth date and resource ids must not
// appear anywhere in the export, while her clinical codes do.
const repoRoot = resolve(__dirname, '../../..');
const cliBin = join(repoRoot, 'apps', 'fusion-api', 'bin', 'oncoboard.mjs');
const JENNY = 'Patient/cancer-patient-jenny-m';
const KEY = 'a-test-key-of-at-least-thirty-two-characters-0123456789';
let work: string;
let env: NodeJS.ProcessEnv;
const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [cliBin, ...args], { encoding: 'utf8', env: { ...env, ...extra }, timeout: 180_000 });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-deid-export-'));
  env = { ...process.env, DATABASE_URL: `file:${join(work, 'd.db')}` };
  delete env.ONCOBOARD_DEID_KEY;
  expect(cli(['demo']).status).toBe(0);
  expect(cli(['pathology-import', join(repoRoot, 'libs/pathology/fixtures/breast-core-biopsy.txt'), '--patient', JENNY]).status).toBe(0);
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('oncoboard deid-export', () => {
  it('refuses to run without a key from configuration, writing nothing', () => {
    const out = join(work, 'no-key');
    const r = cli(['deid-export', '--patient', JENNY, '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ONCOBOARD_DEID_KEY is not set: de-identification needs a secret key from configuration');
    expect(existsSync(out)).toBe(false);
  });

  it('writes the de-identified bundle, report text and manifest with no identifier of the patient left', () => {
    const out = join(work, 'export');
    const r = cli(['deid-export', '--patient', JENNY, '--out', out], { ONCOBOARD_DEID_KEY: KEY });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^de-identified \d+ resources, 0 DICOM files, 1 report texts into /);
    const bundle = readFileSync(join(out, 'bundle.json'), 'utf8');
    const text = readFileSync(join(out, 'texts', 'report-1.txt'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { keyId: string };
    const patient = JSON.parse(readFileSync(join(repoRoot, 'demo/mcode-stu4/Patient-cancer-patient-jenny-m.json'), 'utf8')) as {
      name: { given?: string[]; family?: string }[];
      identifier?: { value?: string }[];
      birthDate?: string;
    };
    const secrets = [
      ...patient.name.flatMap((n) => [...(n.given ?? []), n.family ?? '']).filter((s) => s.length >= 3),
      ...(patient.identifier ?? []).map((i) => i.value ?? '').filter(Boolean),
      patient.birthDate!,
      'cancer-patient-jenny-m',
    ];
    for (const s of secrets) {
      expect(bundle.includes(s), `bundle holds "${s}"`).toBe(false);
      expect(text.includes(s), `report holds "${s}"`).toBe(false);
    }
    expect(bundle).toContain('"code": "85337-4"'); // her ER result's LOINC survives
    expect(manifest.keyId).not.toContain(KEY);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toContain(KEY);
  });
});
