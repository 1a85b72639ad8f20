import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@oncoboard/store';
import { cliWorkspace, repoRoot } from './test-support/cli-workspace';

// Through the real CLI on a real SQLite store holding the demo cohort (mCODE STU4 examples), with the shipped
// SYNTHETIC demo model.
const { work, databaseUrl, cli: runCli } = cliWorkspace('cli-predict');
const cli = (args: string[], timeout = 120_000) => runCli(args, { timeout });

beforeAll(() => {
  // The import of the demo cohort took over 120 s on the shared machine under load 20 (37 s wall when run alone).
  const demo = cli(['demo'], 280_000);
  if (demo.status !== 0 && demo.status !== 2) throw new Error(`oncoboard demo failed (status ${demo.status}, signal ${demo.signal}): ${demo.stderr}`);
}, 300_000);

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
    expect(r.stderr).toContain('model multimodal-joint-demo@1.0.0 (SYNTHETIC demo model, not for clinical use)');
    expect(r.stdout).toMatch(/^Patient\/cancer-patient-john-anyperson: risk percentile \d+ \(prediction \d+, from clinical@1\.0\.0\)$/m);
    const summary = r.stdout.trim().split('\n').at(-1)!;
    const [, predicted, without] = summary.match(/^(\d+) predictions? stored with multimodal-joint-demo@1\.0\.0; (\d+) patients? with not enough data to predict$/)!;
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
    expect(r.stderr).toMatch(/\d+ patients already have a prediction of multimodal-joint-demo@1\.0\.0 \(--only-missing\)/);
    expect(r.stdout).toMatch(/^0 predictions stored with multimodal-joint-demo@1\.0\.0; \d+ patients? with not enough data to predict$/m);
  }, 240_000);

  it('--patient predicts one patient again, reusing its stored encoding', async () => {
    const store = await openStore({ databaseUrl });
    const encodings = await store.prisma.modalityEncoding.count();
    await store.close();
    const r = cli(['predict', '--patient', 'Patient/cancer-patient-john-anyperson']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 prediction stored with multimodal-joint-demo@1.0.0; 0 patients with not enough data to predict');
    const after = await openStore({ databaseUrl });
    expect(await after.prisma.modalityEncoding.count()).toBe(encodings);
    await after.close();
    const missing = cli(['predict', '--patient', 'Patient/nobody']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--patient Patient/nobody: no such patient in the store');
  }, 240_000);

  it('moves a store whose active version is an older shipped demo model to the shipped default', () => {
    const john = 'Patient/cancer-patient-john-anyperson';
    const chosen = cli(['predict', '--patient', john, '--model', join(repoRoot, 'libs/fusion-model/models/clinical-joint-demo')]);
    expect(chosen.stdout, chosen.stderr).toContain('1 prediction stored with clinical-joint-demo@1.0.0;');
    const again = cli(['predict', '--patient', john]);
    expect(again.stderr).toContain('the shipped demo model is now multimodal-joint-demo@1.0.0; clinical-joint-demo@1.0.0 was made inactive (its predictions are kept)');
    expect(again.stdout).toContain('1 prediction stored with multimodal-joint-demo@1.0.0;');
  }, 240_000);

  it('--model with a folder that is not a model names it', () => {
    const r = cli(['predict', '--all', '--model', work]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${work}: expected a model version folder (with manifest.json) or a model folder (with active.json)`);
  }, 240_000);
});
