import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '@oncoboard/facts';
import {
  buildJointDataset,
  clinicalModule,
  JointModelPredictor,
  JointModelRegistry,
  NotEnoughDataError,
  readCohortCsv,
  syntheticClinicalCohortCsv,
  SYNTHETIC_CLINICAL_MAPPING,
  type JointRow,
  type ModalityModule,
  type ModalityModuleRegistry,
} from '@oncoboard/fusion-model';
import { buildJointModelVersion, renderJointModelCard } from '@oncoboard/fusion-model/training';

// The scaffold runs in a temporary copy of what it edits (tsconfig.base.json, libs/modules/src/registered-modules.ts)
// beside links to the real libs and node_modules; the real repository is never touched. Then the generated lib's
// own test and typecheck run there, and the generated module goes through registration (the real list, as edited),
// encoding, training (SYNTHETIC tiny cohort) and inference.
const repoRoot = resolve(__dirname, '..');
const NAME = 'demo-signal';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'oncoboard-scaffold-'));
  mkdirSync(join(root, 'libs', 'modules', 'src'), { recursive: true });
  cpSync(join(repoRoot, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
  cpSync(join(repoRoot, 'libs/modules/src/registered-modules.ts'), join(root, 'libs/modules/src/registered-modules.ts'));
  for (const lib of readdirSync(join(repoRoot, 'libs'))) if (lib !== 'modules') symlinkSync(join(repoRoot, 'libs', lib), join(root, 'libs', lib));
  // node_modules: links to the real packages, but a real @oncoboard folder, so the scaffold's workspace link lands here.
  mkdirSync(join(root, 'node_modules', '@oncoboard'), { recursive: true });
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry !== '@oncoboard') symlinkSync(join(repoRoot, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  for (const entry of readdirSync(join(repoRoot, 'node_modules', '@oncoboard'))) {
    symlinkSync(realpathSync(join(repoRoot, 'node_modules', '@oncoboard', entry)), join(root, 'node_modules', '@oncoboard', entry));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const scaffold = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'tools/scaffold-module.mjs'), ...args, '--root', root], { encoding: 'utf8' });

describe('tools/scaffold-module.mjs', () => {
  it('creates the lib, registers it at the markers, adds its tsconfig path and link, and prints what it changed', () => {
    const registeredBefore = readFileSync(join(root, 'libs/modules/src/registered-modules.ts'), 'utf8');
    const r = scaffold([NAME, '--modality', 'signal', '--vector-size', '4']);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['package.json', 'tsconfig.json', 'vitest.config.ts', 'README.md', 'src/index.ts', 'src/index.test.ts']) {
      expect(r.stdout).toContain(`created libs/${NAME}/${f}`);
      expect(existsSync(join(root, 'libs', NAME, f))).toBe(true);
    }
    expect(r.stdout).toContain('changed libs/modules/src/registered-modules.ts');
    expect(r.stdout).toContain(`changed tsconfig.base.json: paths["@oncoboard/${NAME}"]`);
    const registered = readFileSync(join(root, 'libs/modules/src/registered-modules.ts'), 'utf8');
    const lines = registered.split('\n');
    const importLine = lines.indexOf("import { demoSignalModule } from '@oncoboard/demo-signal';");
    const entryLine = lines.indexOf('  demoSignalModule,');
    expect(importLine).toBe(lines.findIndex((l) => l.startsWith('// scaffold-module: imports')) - 1);
    expect(entryLine).toBe(lines.findIndex((l) => l.trim().startsWith('// scaffold-module: modules')) - 1);
    // Nothing else of the file changed.
    expect(lines.filter((_, i) => i !== importLine && i !== entryLine).join('\n')).toBe(registeredBefore);
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
    expect(tsconfig.compilerOptions.paths[`@oncoboard/${NAME}`]).toEqual([`libs/${NAME}/src/index.ts`]);
    const link = join(root, 'node_modules/@oncoboard', NAME);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(`../../libs/${NAME}`);
  });

  it('refuses an existing lib and bad options, changing nothing', () => {
    const before = readFileSync(join(root, 'libs/modules/src/registered-modules.ts'), 'utf8');
    const again = scaffold([NAME, '--modality', 'signal', '--vector-size', '4']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${join(root, 'libs', NAME)}: exists`);
    expect(scaffold(['Bad_Name', '--modality', 'signal', '--vector-size', '4']).stderr).toContain('name "Bad_Name": expected lowercase letters');
    expect(scaffold(['other', '--modality', 'signal', '--vector-size', '0']).stderr).toContain('--vector-size: expected an integer from 1 to 4096, found "0"');
    expect(scaffold(['other', '--vector-size', '3']).stderr).toContain('--modality: expected a lowercase name');
    expect(readFileSync(join(root, 'libs/modules/src/registered-modules.ts'), 'utf8')).toBe(before);
    expect(existsSync(join(root, 'libs', 'other'))).toBe(false);
  });

  it("the generated lib's own test passes and it typechecks", () => {
    const test = spawnSync(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: join(root, 'libs', NAME), encoding: 'utf8', timeout: 120_000 });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/2 passed/);
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: join(root, 'libs', NAME), encoding: 'utf8', timeout: 240_000 });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  }, 300_000);

  it('runs the generated module through registration, encoding, training and inference with the clinical module', async () => {
    // Registration: the platform list as the scaffold edited it.
    const { REGISTERED_MODULES } = (await import(pathToFileURL(join(root, 'libs/modules/src/registered-modules.ts')).href)) as { REGISTERED_MODULES: ModalityModule[] };
    const generated = REGISTERED_MODULES.find((m) => m.id === NAME)!;
    expect(generated).toMatchObject({ id: NAME, modality: 'signal', vectorSize: 4, version: '0.1.0' });
    const { ModalityModuleRegistry } = await import('@oncoboard/fusion-model');
    const registry: ModalityModuleRegistry = new ModalityModuleRegistry();
    for (const m of REGISTERED_MODULES) registry.register(m);

    // A tiny SYNTHETIC cohort: the clinical cohort generator, plus the new modality for 3 of 4 patients carrying
    // a prognostic signal (feature-0 falls with survival time) and noise features.
    const cohort = readCohortCsv(syntheticClinicalCohortCsv(240, 17).csv, 'synthetic.csv', SYNTHETIC_CLINICAL_MAPPING);
    const signalFact = (patientKey: string, index: number, value: number): Fact => ({
      kind: `${NAME}-feature`, patientKey, code: { code: `feature-${index}` }, value: { type: 'quantity', quantity: { value } }, attributes: {},
      provenance: [{ sourceRecordKey: `synthetic/${patientKey}`, elementPath: `feature-${index}` }],
    });
    const rows: JointRow[] = [];
    for (const [i, p] of cohort.patients.entries()) {
      const facts = [...p.facts];
      if (i % 4 !== 0) facts.push(signalFact(p.patientKey, 0, -Math.log(p.outcome.time + 1)), signalFact(p.patientKey, 1, ((i * 7919) % 13) / 13));
      const encodings: JointRow['encodings'] = {};
      for (const id of [clinicalModule.id, NAME]) {
        const e = await registry.encodePatient(id, p.patientKey, facts);
        if (e) encodings[id] = e;
      }
      rows.push({ patientKey: p.patientKey, encodings, outcome: p.outcome });
    }
    expect(rows.filter((r) => r.encodings[NAME]).length).toBe(180);
    const modalities = [clinicalModule, generated].map((m) => ({ id: m.id, moduleVersion: m.version, vectorSize: m.vectorSize }));
    const built = await buildJointModelVersion({
      name: 'scaffold-e2e', version: '1.0.0', data: buildJointDataset(modalities, rows), timeUnit: 'days',
      training: { seed: 5, maxEpochs: 40, patience: 100 }, members: 2,
      dataDescription: 'SYNTHETIC (scaffold test)', dataSha256: 'none', synthetic: true, command: 'vitest tools/scaffold-module.test.ts',
    });
    expect(built.manifest.modalities.map((m) => m.id)).toEqual(['clinical', NAME]);
    expect(built.metrics.parityMaxAbsDiff.risk).toBeLessThanOrEqual(1e-5);
    // The new modality's signal is learned: the held-out C is well above chance.
    expect(built.metrics.cIndexTest).toBeGreaterThan(0.7);

    const models = new JointModelRegistry(join(root, 'models'));
    models.writeVersion(built, renderJointModelCard(built, { data: 'SYNTHETIC', intendedUse: 'tests', limits: ['synthetic'] }));
    const predictor = await JointModelPredictor.open(models.load('scaffold-e2e', '1.0.0'));
    try {
      const both = cohort.patients[1]!;
      const bothFacts = [...both.facts, signalFact(both.patientKey, 0, -1)];
      const encodings = await Promise.all([clinicalModule.id, NAME].map((id) => registry.encodePatient(id, both.patientKey, bothFacts)));
      const p = await predictor.predict(both.patientKey, encodings);
      expect(p.encodings.map((e) => e.moduleId)).toEqual(['clinical', NAME]);
      const signal = p.contributions.find((c) => c.moduleId === NAME)!;
      expect(Number.isFinite(signal.contribution)).toBe(true);
      expect(signal.attention).toBeGreaterThan(0);

      // Only the new modality: predicted from it alone; nothing at all: refused.
      const onlySignal = await registry.encodePatient(NAME, 'Patient/only-signal', [signalFact('Patient/only-signal', 0, -2)]);
      const alone = await predictor.predict('Patient/only-signal', [undefined, onlySignal]);
      expect(alone.contributions).toEqual([expect.objectContaining({ moduleId: NAME, contribution: null, attention: 1 })]);
      await expect(predictor.predict('Patient/nothing', [undefined, undefined])).rejects.toBeInstanceOf(NotEnoughDataError);
    } finally {
      await predictor.close();
    }
  }, 300_000);
});
