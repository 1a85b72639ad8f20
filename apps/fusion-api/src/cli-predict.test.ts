import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@oncoboard/store';

// Through the real CLI on a real SQLite store holding the demo cohort (mCODE STU4 examples), with the shipped
// SYNTHETIC demo model.
const repoRoot = resolve(__dirname, '../../..');
const cliBin = join(repoRoot, 'apps', 'fusion-api', 'bin', 'oncoboard.mjs');

let work: string;
let databaseUrl: string;
function cli(args: string[], timeout = 120_000) {
  const r = spawnSync(process.execPath, [cliBin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: databaseUrl }, timeout });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// Each test spawns the CLI (tsx loads the workspace): seconds on an idle machine, a minute on a loaded one.
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-cli-predict-'));
  databaseUrl = `file:${join(work, 'cli.db')}`;
  // The import of the demo cohort took over 120 s on the shared machine under load 20 (37 s wall when run alone).
  const demo = cli(['demo'], 280_000);
  if (demo.status !== 0 && demo.status !== 2) throw new Error(`oncoboard demo failed (status ${demo.status}, signal ${demo.signal}): ${demo.stderr}`);
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('oncoboard predict', () => {
  it('refuses to run without exactly one of --patient and --all', () => {
    const r = cli(['predict']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('predict: expected exactly one of --patient <Patient/id> or --all');
    expect(cli(['predict', '--all', '--patient', 'Patient/x']).status).toBe(1);
  }, 240_000);

  it('--all stores a prediction for every demo patient with clinical data and names the others', async () => {
    const r = cli(['predict', '--all']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('model clinical-joint-demo@1.0.0 (SYNTHETIC demo model, not for clinical use)');
    expect(r.stdout).toMatch(/^Patient\/cancer-patient-john-anyperson: risk percentile \d+ \(prediction \d+, from clinical@1\.0\.0\)$/m);
    const summary = r.stdout.trim().split('\n').at(-1)!;
    const [, predicted, without] = summary.match(/^(\d+) predictions? stored with clinical-joint-demo@1\.0\.0; (\d+) patients? with not enough data to predict$/)!;
    const store = await openStore({ databaseUrl });
    try {
      const patients = await store.prisma.patient.count();
      expect(Number(predicted) + Number(without)).toBe(patients);
      expect(await store.prisma.prediction.count()).toBe(Number(predicted));
      expect(await store.prisma.modelVersion.count({ where: { active: true } })).toBe(1);
    } finally {
      await store.close();
    }
  }, 240_000);

  it('--all --only-missing leaves patients that have a prediction of the version alone', async () => {
    const r = cli(['predict', '--all', '--only-missing']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\d+ patients already have a prediction of clinical-joint-demo@1\.0\.0 \(--only-missing\)/);
    expect(r.stdout).toMatch(/^0 predictions stored with clinical-joint-demo@1\.0\.0; \d+ patients? with not enough data to predict$/m);
  }, 240_000);

  it('--patient predicts one patient again, reusing its stored encoding', async () => {
    const store = await openStore({ databaseUrl });
    const encodings = await store.prisma.modalityEncoding.count();
    await store.close();
    const r = cli(['predict', '--patient', 'Patient/cancer-patient-john-anyperson']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 prediction stored with clinical-joint-demo@1.0.0; 0 patients with not enough data to predict');
    const after = await openStore({ databaseUrl });
    expect(await after.prisma.modalityEncoding.count()).toBe(encodings);
    await after.close();
    const missing = cli(['predict', '--patient', 'Patient/nobody']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--patient Patient/nobody: no such patient in the store');
  }, 240_000);

  it('--model with a folder that is not a model names it', () => {
    const r = cli(['predict', '--all', '--model', work]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${work}: expected a model version folder (with manifest.json) or a model folder (with active.json)`);
  }, 240_000);
});
