import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, grantPatientAccess, type AuthUser } from '@oncoboard/auth';
import { importFhirTexts } from '@oncoboard/ingest';
import { DEFAULT_MODEL_FOLDER, PatientPredictionService, REGISTERED_MODULES, registerModelVersion } from '@oncoboard/modules';
import type { Store } from '@oncoboard/store';
import { appRouter } from './router';
import { createCallerFactory } from './trpc';
import { openDemoStore, type DemoStore } from './test-support/demo-store';

// models / modules / predictions over a real SQLite store with the demo cohort, the shipped SYNTHETIC demo model
// registered and one stored prediction (made as `oncoboard predict` makes it).
const JOHN = 'Patient/cancer-patient-john-anyperson';
const JENNY = 'Patient/cancer-patient-jenny-m';
const BARE = 'Patient/bare-no-data';

let demo: DemoStore;
let store: Store;
let developer: AuthUser;
let oncologist: AuthUser;
const createCaller = createCallerFactory(appRouter);

beforeAll(async () => {
  demo = await openDemoStore('models-router');
  store = demo.store;
  await importFhirTexts([{ name: 'bare.json', text: JSON.stringify({ resourceType: 'Patient', id: 'bare-no-data' }) }], { store });
  const version = await registerModelVersion(store, DEFAULT_MODEL_FOLDER);
  const service = await PatientPredictionService.open(store, version);
  await service.predictAndStore(JOHN);
  await service.close();
  developer = await createUser(store.prisma, { username: 'model-viewer', password: 'correct horse battery staple 1', roles: ['developer'] });
  oncologist = await createUser(store.prisma, { username: 'clinician', password: 'correct horse battery staple 2', roles: ['oncologist'] });
  await grantPatientAccess(store.prisma, 'clinician', [JOHN], 'test');
}, 120_000);

afterAll(() => demo?.close());

describe('models and modules', () => {
  it('models.list gives each version with its card, metrics, reference evaluation and active flag, without the folder path', async () => {
    const list = await createCaller({ store, user: developer }).models.list();
    expect(list).toHaveLength(1);
    const v = list[0]!;
    expect(v).toMatchObject({ id: 'multimodal-joint-demo@1.0.0', modelId: 'multimodal-joint-demo', version: '1.0.0', synthetic: true, active: true });
    expect(v.card).toContain('SYNTHETIC');
    expect(typeof v.metrics.cIndexTest).toBe('number');
    expect(v.referenceEvaluation!.riskGroups).toHaveLength(3);
    expect(v).not.toHaveProperty('path');
    const one = await createCaller({ store, user: developer }).models.get({ id: v.id });
    expect(one.id).toBe(v.id);
    await expect(createCaller({ store, user: developer }).models.get({ id: 'nope@1.0.0' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('modules.list lists the platform registry', async () => {
    const modules = await createCaller({ store, user: developer }).modules.list();
    expect(modules.map((m) => m.id)).toEqual(REGISTERED_MODULES.map((m) => m.id).sort());
    expect(modules.find((m) => m.id === 'clinical')).toMatchObject({ modality: 'clinical', version: '1.0.0' });
  });

  it('needs a signed-in caller with the permission', async () => {
    await expect(createCaller({ store, user: null }).models.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(createCaller({ store, user: developer }).predictions.latest({ patientKey: JOHN })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('predictions.latest', () => {
  it("gives the patient's stored prediction with its model version and encodings, and null when there is none", async () => {
    const caller = createCaller({ store, user: oncologist });
    const latest = (await caller.predictions.latest({ patientKey: JOHN }))!;
    expect(latest.modelVersion).toMatchObject({ id: 'multimodal-joint-demo@1.0.0', synthetic: true });
    expect(latest.result.patientKey).toBe(JOHN);
    expect(latest.result.riskPercentile).toBeGreaterThanOrEqual(0);
    expect(latest.encodings.map((e) => e.moduleId)).toEqual(['clinical']);
    // Stored by the command line (as `oncoboard predict` does): no user on the audit trail.
    expect(latest.computedBy).toBeNull();
    await grantPatientAccess(store.prisma, 'clinician', [JENNY], 'test');
    expect(await caller.predictions.latest({ patientKey: JENNY })).toBeNull();
  });

  it('refuses a patient the caller has no access to, and a malformed key', async () => {
    const caller = createCaller({ store, user: oncologist });
    await expect(caller.predictions.latest({ patientKey: 'Patient/cancer-patient-eve-anyperson' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.predictions.latest({ patientKey: 'not a key' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('predictions.compute', () => {
  const counts = async () => ({ predictions: await store.prisma.prediction.count(), encodings: await store.prisma.modalityEncoding.count() });

  it('runs the active version for the patient, stores the prediction and its audit record; latest then names who and when', async () => {
    const caller = createCaller({ store, user: oncologist, client: { ip: '127.0.0.1' } });
    const before = await counts();
    const computed = await caller.predictions.compute({ patientKey: JOHN });
    expect(computed.modelVersionId).toBe('multimodal-joint-demo@1.0.0');
    expect(await counts()).toEqual({ predictions: before.predictions + 1, encodings: before.encodings });
    const audit = await store.prisma.auditEvent.findFirstOrThrow({ where: { operation: 'predictions.compute' }, orderBy: { id: 'desc' } });
    expect(audit).toMatchObject({ action: 'C', outcome: '0', patientKey: JOHN, username: 'clinician' });
    expect(JSON.parse(audit.entitiesJson)).toEqual([JOHN, `Prediction/${computed.id}`]);
    const latest = (await caller.predictions.latest({ patientKey: JOHN }))!;
    expect(latest.id).toBe(computed.id);
    expect(latest.computedBy).toEqual({ username: 'clinician', recordedAt: audit.recordedAt });
    expect(latest.result.modelId).toBe('multimodal-joint-demo');
  });

  it('says "not enough data to predict" for a patient without any modality, and stores nothing', async () => {
    await grantPatientAccess(store.prisma, 'clinician', [BARE], 'test');
    const before = await counts();
    const error = await createCaller({ store, user: oncologist }).predictions.compute({ patientKey: BARE }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect((error as Error).message).toMatch(/^not enough data to predict: Patient\/bare-no-data has none of the modalities clinical/);
    expect(await counts()).toEqual(before);
    const audit = await store.prisma.auditEvent.findFirstOrThrow({ where: { operation: 'predictions.compute' }, orderBy: { id: 'desc' } });
    expect(audit).toMatchObject({ action: 'C', outcome: '4', outcomeDesc: 'PRECONDITION_FAILED', patientKey: BARE });
  });

  it('predictions.access tells the panel whether the caller may compute', async () => {
    expect(await createCaller({ store, user: oncologist }).predictions.access()).toEqual({ canCompute: true });
    const coordinator = await createUser(store.prisma, { username: 'coordinator', password: 'correct horse battery staple 3', roles: ['care-coordinator'] });
    expect(await createCaller({ store, user: coordinator }).predictions.access()).toEqual({ canCompute: false });
    await expect(createCaller({ store, user: coordinator }).predictions.compute({ patientKey: JOHN })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('needs prediction:run and access to the patient; refused calls store nothing', async () => {
    const before = await counts();
    await expect(createCaller({ store, user: developer }).predictions.compute({ patientKey: JOHN })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(createCaller({ store, user: oncologist }).predictions.compute({ patientKey: 'Patient/cancer-patient-eve-anyperson' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(createCaller({ store, user: oncologist }).predictions.compute({ patientKey: 'not a key' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await counts()).toEqual(before);
  });

  it('commits the prediction and its audit record together: a refused audit insert leaves no prediction', async () => {
    const before = await counts();
    await store.prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_compute_audit BEFORE INSERT ON "AuditEvent" WHEN NEW.operation = 'predictions.compute' AND NEW.outcome = '0' BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
    );
    try {
      await expect(createCaller({ store, user: oncologist }).predictions.compute({ patientKey: JOHN })).rejects.toThrow();
    } finally {
      await store.prisma.$executeRawUnsafe('DROP TRIGGER refuse_compute_audit');
    }
    expect((await counts()).predictions).toBe(before.predictions);
  });

  it('says so when no model version is active', async () => {
    await store.prisma.modelVersion.updateMany({ data: { active: false } });
    try {
      await expect(createCaller({ store, user: oncologist }).predictions.compute({ patientKey: JOHN })).rejects.toMatchObject({
        code: 'PRECONDITION_FAILED',
        message: 'no active model version: register one with `oncoboard predict --model <folder>`',
      });
    } finally {
      await store.prisma.modelVersion.update({ where: { id: 'multimodal-joint-demo@1.0.0' }, data: { active: true } });
    }
  });
});
