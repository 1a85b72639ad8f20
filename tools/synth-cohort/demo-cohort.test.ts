// The SYNTHETIC part of the `npm run up` demo (demo-cohort.ts, import-demo.ts): generated once, imported through the
// real importers with all four modalities, idempotent on a second start, labelled SYNTHETIC where the API shows a
// patient, and every platform module (the ones predictions use) encodes each synthetic patient.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter, createCallerFactory, testContext } from '@oncoboard/api-router';
import { createPlatformModuleRegistry } from '@oncoboard/modules';
import { openStore, type Store } from '@oncoboard/store';
import { DEMO_SYNTHETIC_SEED, ensureSyntheticDemoCohort, modalitiesInStore, readCohortMarker, type DemoCohortResult } from './demo-cohort';
import { SYNTHETIC_IDENTIFIER_SYSTEM } from './fhir-bundle';
import { SYNTH_COHORT_VERSION } from './generative-model';

const PATIENTS = 4;
let work: string;
let store: Store;
let first: DemoCohortResult;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-synth-demo-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'demo.db')}` });
  first = await ensureSyntheticDemoCohort(store, { dataFolder: join(work, 'data'), patients: PATIENTS });
}, 300_000);

afterAll(async () => {
  await store?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the SYNTHETIC demo cohort (npm run up)', () => {
  it('generates the fixed-seed cohort once and imports every patient with all four modalities, without problems', async () => {
    expect(first.generated).toBe(true);
    expect(readCohortMarker(first.folder)).toContain(`seed ${DEMO_SYNTHETIC_SEED}, ${PATIENTS} patients`);
    expect(first.import?.problems).toEqual([]);
    expect(first.importedKeys).toEqual(first.patientKeys);
    expect(first.patientKeys).toHaveLength(PATIENTS);
    for (const key of first.patientKeys) expect([...(await modalitiesInStore(store, key))].sort(), key).toEqual(['clinical', 'genomics', 'imaging', 'pathology']);
  });

  it('imports nothing twice: a second start finds the files and the patients and changes no count', async () => {
    const before = await store.countRecords();
    const again = await ensureSyntheticDemoCohort(store, { dataFolder: join(work, 'data'), patients: PATIENTS });
    expect(again.generated).toBe(false);
    expect(again.importedKeys).toEqual([]);
    expect(again.patientKeys).toEqual(first.patientKeys);
    expect(await store.countRecords()).toEqual(before);
  });

  it('re-imports a patient that lacks a modality, and only that patient', async () => {
    const key = first.patientKeys[1]!;
    const before = await store.countRecords();
    // Remove the patient's VCF (its facts and source records), as a start interrupted before the VCF import would leave it.
    const genomic = { patientKey: key, OR: [{ sourceRecordKey: { startsWith: 'vcf/' } }, { sourceRecordKey: { startsWith: 'kb/' } }] };
    expect(await store.prisma.fact.count({ where: genomic })).toBeGreaterThan(0);
    await store.prisma.fact.deleteMany({ where: genomic });
    await store.prisma.sourceRecord.deleteMany({ where: { patientKey: key, key: { startsWith: 'vcf/' } } });
    expect(await modalitiesInStore(store, key)).not.toContain('genomics');
    const again = await ensureSyntheticDemoCohort(store, { dataFolder: join(work, 'data'), patients: PATIENTS });
    expect(again.importedKeys).toEqual([key]);
    expect(again.import?.problems).toEqual([]);
    expect(await modalitiesInStore(store, key)).toContain('genomics');
    // The patient's FHIR, report and CT imports ran again and changed nothing: the store is as it was.
    expect(await store.countRecords()).toEqual(before);
  });

  it('refuses a cohort folder left half-written, naming it', async () => {
    const data = join(work, 'half');
    const folder = join(data, `synth-cohort-${SYNTH_COHORT_VERSION}-seed${DEMO_SYNTHETIC_SEED}-n2`);
    mkdirSync(folder, { recursive: true });
    await expect(ensureSyntheticDemoCohort(store, { dataFolder: data, patients: 2 })).rejects.toThrow(`${folder}: exists without its COMPLETE marker`);
  });

  it('shows every synthetic patient as SYNTHETIC in the API patient list and overview', async () => {
    const caller = createCallerFactory(appRouter)(await testContext(store, { roles: ['oncologist'], patients: first.patientKeys }));
    const page = await caller.patients.search({ limit: 50 });
    expect(page.items.map((p) => p.key).sort()).toEqual([...first.patientKeys].sort());
    for (const item of page.items) {
      expect(item.displayName, item.key).toMatch(/SYNTHETIC/);
      expect(item.identifiers.map((i) => i.system)).toContain(SYNTHETIC_IDENTIFIER_SYSTEM);
    }
    const overview = await caller.patients.overview({ patientKey: first.patientKeys[0]! });
    expect(overview.patient.displayName).toMatch(/SYNTHETIC/);
    expect(overview.patient.identifiers.map((i) => i.system)).toContain(SYNTHETIC_IDENTIFIER_SYSTEM);
  });

  it('gives every module of the platform registry (what predictions encode with) an encoding for each synthetic patient', async () => {
    const registry = createPlatformModuleRegistry();
    const modules = registry.list();
    expect(modules.length).toBeGreaterThanOrEqual(4);
    for (const key of first.patientKeys) {
      const facts = await store.getFacts(key);
      for (const m of modules) expect(await registry.encodePatient(m.id, key, facts), `${key} ${m.id}`).toBeDefined();
    }
  });
});
