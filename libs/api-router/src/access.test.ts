import { TRPCError, type AnyTRPCRouter } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPermission, PERMISSIONS, ROLES, type Role } from '@oncoboard/auth';
import { DEFAULT_MODEL_FOLDER, registerModelVersion } from '@oncoboard/modules';
import type { Store } from '@oncoboard/store';
import { appRouter } from './router';
import { anonymousContext, testContext } from './test-context';
import { openDemoStore, type DemoStore } from './test-support/demo-store';
import { ANONYMOUS_PROCEDURES, createCallerFactory, publicProcedure, router, type ApiContext, type ProcedureMeta } from './trpc';

// Access control over the WHOLE router, on a real SQLite store with the demo cohort: every procedure declares
// a permission, refuses anonymous callers and callers without the role; patient-data procedures write exactly
// one audit record per call; a change and its audit record commit together; lists show only one's patients.
const JENNY = 'Patient/cancer-patient-jenny-m';
const JOHN = 'Patient/cancer-patient-john-anyperson';

let demo: DemoStore;
let store: Store;
const createCaller = createCallerFactory(appRouter);

beforeAll(async () => {
  process.env.ONCOBOARD_DEID_KEY ??= 'access-test-only de-identification key, 32+ characters';
  demo = await openDemoStore('access');
  store = demo.store;
  // An active model version, for predictions.compute (the shipped SYNTHETIC demo model).
  await registerModelVersion(store, DEFAULT_MODEL_FOLDER);
}, 120_000);
afterAll(() => demo?.close());

interface ProcedureInfo {
  path: string;
  meta: ProcedureMeta | undefined;
}

/** Every procedure of a router, by its dotted path (tRPC keeps them flat in _def.procedures). */
function proceduresOf(r: AnyTRPCRouter): ProcedureInfo[] {
  return Object.entries(r._def.procedures as Record<string, { _def: { meta?: ProcedureMeta } }>).map(([path, p]) => ({ path, meta: p._def.meta }));
}

/** The reasons a router fails the declaration rule (empty when every procedure declares a known permission). */
function undeclared(r: AnyTRPCRouter): string[] {
  return proceduresOf(r).flatMap(({ path, meta }) => {
    const p = meta?.permission;
    if (!p) return [`${path}: declares no permission`];
    if (p === 'anonymous') return ANONYMOUS_PROCEDURES.includes(path) ? [] : [`${path}: anonymous but not on ANONYMOUS_PROCEDURES`];
    return (PERMISSIONS as readonly string[]).includes(p) ? [] : [`${path}: unknown permission ${p}`];
  });
}

function call(ctx: ApiContext, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], createCaller(ctx));
  return (fn as (input: unknown) => Promise<unknown>)(input);
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

const procedures = proceduresOf(appRouter);

describe('every procedure declares its permission', () => {
  it('the router has procedures, and each declares a known permission (or is one of the listed anonymous ones)', () => {
    expect(procedures.length).toBeGreaterThan(20);
    expect(undeclared(appRouter)).toEqual([]);
    expect(procedures.filter((p) => p.meta?.permission === 'anonymous').map((p) => p.path)).toEqual([...ANONYMOUS_PROCEDURES]);
    expect(ANONYMOUS_PROCEDURES).toEqual(['system.health']);
  });

  it('a procedure left without a permission fails the rule, and refuses every caller at run time', async () => {
    const withHole = router({ open: publicProcedure.query(() => 'data') });
    expect(undeclared(withHole)).toEqual(['open: declares no permission']);
    const admin = await testContext(store, { roles: [...ROLES] });
    await expect(createCallerFactory(withHole)(admin).open()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('each procedure refuses an anonymous caller (UNAUTHORIZED) and a caller without the role (FORBIDDEN)', async () => {
    const anon = anonymousContext(store);
    const contexts = new Map<Role, ApiContext>();
    for (const role of ROLES) contexts.set(role, await testContext(store, { roles: [role], patients: role === 'oncologist' || role === 'care-coordinator' ? 'all' : [] }));
    const failures: string[] = [];
    let refusedByRole = 0;
    for (const { path, meta } of procedures) {
      if (meta?.permission === 'anonymous') {
        expect(await codeOf(call(anon, path, undefined)), path).toBe('OK');
        continue;
      }
      // The permission is checked before the input is parsed: an empty input is enough.
      const anonCode = await codeOf(call(anon, path, {}));
      if (anonCode !== 'UNAUTHORIZED') failures.push(`${path}: anonymous got ${anonCode}`);
      const without = ROLES.filter((r) => !hasPermission([r], meta!.permission as never));
      if (without.length === 0) failures.push(`${path}: every role holds ${meta!.permission}; nobody can be refused`);
      for (const role of without) {
        const code = await codeOf(call(contexts.get(role)!, path, {}));
        if (code !== 'FORBIDDEN') failures.push(`${path}: ${role} got ${code}`);
        else refusedByRole++;
      }
    }
    expect(failures).toEqual([]);
    expect(refusedByRole).toBeGreaterThan(procedures.length);
  }, 120_000);
});

describe('audit of patient data', () => {
  let boardId = '';
  let caseId = '';
  /** A valid input for every procedure that reads or changes patient data (a new one must be added here). */
  const samples: Record<string, () => unknown> = {
    'patients.search': () => ({ text: 'jenny' }),
    'patients.overview': () => ({ patientKey: JENNY }),
    'patients.reports': () => ({ patientKey: JENNY }),
    'patients.genomics': () => ({ patientKey: JOHN }),
    'patients.timeline': () => ({ patientKey: JENNY, limit: 10 }),
    'imaging.series': () => ({ patientKey: JENNY }),
    'imaging.lesions': () => ({ patientKey: JENNY }),
    'imaging.slice': () => ({ seriesKey: 'dicom/series/1.2.3', plane: 'axial', index: 0 }),
    'sourceRecords.get': () => ({ key: `fhir/${JENNY}` }),
    'imports.upload': () => ({ files: [{ name: 'p.json', text: JSON.stringify({ resourceType: 'Patient', id: 'audit-upload', name: [{ family: 'Upload' }] }) }] }),
    'boards.get': () => ({ boardId }),
    'boards.addCase': () => ({ boardId, patientKey: JOHN, question: 'Second line?' }),
    'boards.case': () => ({ caseId }),
    'boards.prepareCase': () => ({ caseId }),
    'boards.prepareAll': () => ({ boardId }),
    'boards.recordDecision': () => ({ caseId, recommendation: 'Re-biopsy.', rationale: 'Progression.', attendeesPresent: ['Dr. A'] }),
    'predictions.latest': () => ({ patientKey: JOHN }),
    'predictions.compute': () => ({ patientKey: JOHN }),
    'deid.exportBundle': () => ({ patientKeys: [JENNY] }),
  };
  // Calls that need an earlier one (the board, then its case) come in this order; the rest as listed.
  const order = ['boards.get', 'boards.addCase', 'boards.case', 'boards.prepareCase', 'boards.prepareAll', 'boards.recordDecision'];

  it('each patient-data procedure (and only those) has a sample, and each call writes exactly one audit record', async () => {
    const audited = procedures.filter((p) => p.meta?.audit).map((p) => p.path);
    expect(audited.filter((p) => !(p in samples)), 'audited procedures without a sample input here').toEqual([]);
    const ctx = await testContext(store, { roles: ['oncologist', 'care-coordinator'], patients: 'all', username: 'auditor-subject' });
    const caller = createCaller(ctx);
    boardId = (await caller.boards.create({ title: 'Audit board', specialty: 'thoracic', meetingAt: '2024-01-01T08:00:00Z' })).id;
    const sequence = [...audited.filter((p) => !order.includes(p)), ...order.filter((p) => audited.includes(p))];
    for (const path of sequence) {
      const before = await store.prisma.auditEvent.count();
      const result = await call(ctx, path, samples[path]!()).catch((e: unknown) => e);
      if (path === 'boards.addCase') caseId = (result as { id: string }).id;
      expect(await store.prisma.auditEvent.count(), `${path}: audit records written`).toBe(before + 1);
      const row = await store.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
      expect(row).toMatchObject({ operation: path, username: 'auditor-subject', action: procedures.find((p) => p.path === path)!.meta!.audit });
      expect(JSON.parse(row.rolesJson)).toEqual(['oncologist', 'care-coordinator']);
      expect(row.sourceIp).toBe('127.0.0.1');
      // Those that succeed record outcome 0; imaging.slice on a series that is not there is a minor failure (4).
      expect(row.outcome, `${path}: ${result instanceof Error ? result.message : 'ok'}`).toBe(path === 'imaging.slice' ? '4' : '0');
    }
    const overview = await store.prisma.auditEvent.findFirstOrThrow({ where: { operation: 'patients.overview', username: 'auditor-subject' } });
    expect(overview.patientKey).toBe(JENNY);
    const upload = await store.prisma.auditEvent.findFirstOrThrow({ where: { operation: 'imports.upload', username: 'auditor-subject' } });
    expect(JSON.parse(upload.entitiesJson)).toContain('Patient/audit-upload');
  }, 120_000);

  it('a refused call writes one record with outcome 4, without reading anything', async () => {
    const stranger = await testContext(store, { roles: ['oncologist'], patients: [JOHN], username: 'stranger' });
    const before = await store.prisma.auditEvent.count();
    await expect(createCaller(stranger).patients.overview({ patientKey: JENNY })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await store.prisma.auditEvent.count()).toBe(before + 1);
    const row = await store.prisma.auditEvent.findFirstOrThrow({ where: { username: 'stranger' }, orderBy: { id: 'desc' } });
    expect(row).toMatchObject({ operation: 'patients.overview', outcome: '4', patientKey: JENNY, action: 'R' });
    // Refused for the role (a developer reading a timeline): audited the same way.
    const dev = await testContext(store, { roles: ['developer'], username: 'dev-refused' });
    await expect(createCaller(dev).patients.timeline({ patientKey: JENNY })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await store.prisma.auditEvent.findFirst({ where: { username: 'dev-refused', outcome: '4', operation: 'patients.timeline' } })).not.toBeNull();
  });

  it('a change and its audit record commit together: when the audit write fails, the change is rolled back', async () => {
    const ctx = await testContext(store, { roles: ['care-coordinator'], patients: 'all' });
    const caller = createCaller(ctx);
    const board = await caller.boards.create({ title: 'Rollback board', specialty: 'gi', meetingAt: '2024-02-01T08:00:00Z' });
    // A real database failure of the audit insert (not a mock): a trigger refuses addCase's success record.
    await store.prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_add_case_audit BEFORE INSERT ON "AuditEvent" WHEN NEW.operation = 'boards.addCase' AND NEW.outcome = '0' BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
    );
    try {
      await expect(caller.boards.addCase({ boardId: board.id, patientKey: JENNY, question: 'Adjuvant?' })).rejects.toThrow();
    } finally {
      await store.prisma.$executeRawUnsafe('DROP TRIGGER refuse_add_case_audit');
    }
    expect(await store.prisma.boardCase.count({ where: { boardId: board.id } })).toBe(0);
    expect(await store.prisma.auditEvent.count({ where: { operation: 'boards.addCase', userId: ctx.user!.id, outcome: '0' } })).toBe(0);
    // The failed attempt itself is on the trail.
    expect(await store.prisma.auditEvent.count({ where: { operation: 'boards.addCase', userId: ctx.user!.id, outcome: '8' } })).toBe(1);
    // And without the fault the same call commits both.
    await caller.boards.addCase({ boardId: board.id, patientKey: JENNY, question: 'Adjuvant?' });
    expect(await store.prisma.boardCase.count({ where: { boardId: board.id } })).toBe(1);
    expect(await store.prisma.auditEvent.count({ where: { operation: 'boards.addCase', userId: ctx.user!.id, outcome: '0' } })).toBe(1);
  });

  it('an upload and its audit records commit in the same import transaction: a refused audit insert keeps nothing', async () => {
    const ctx = await testContext(store, { roles: ['care-coordinator'], patients: 'all', username: 'upload-rollback' });
    const files = [{ name: 'p.json', text: JSON.stringify({ resourceType: 'Patient', id: 'upload-rollback', name: [{ family: 'Rollback' }] }) }];
    await store.prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_upload_audit BEFORE INSERT ON "AuditEvent" WHEN NEW.operation = 'imports.upload' AND NEW.outcome = '0' BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
    );
    try {
      const refused = await createCaller(ctx).imports.upload({ files }).catch((e: unknown) => e);
      // The importer reports the failed batch (or the call fails): either way the patient was not written.
      if (!(refused instanceof Error)) expect((refused as { imported: number }).imported).toBe(0);
    } finally {
      await store.prisma.$executeRawUnsafe('DROP TRIGGER refuse_upload_audit');
    }
    expect(await store.prisma.patient.count({ where: { key: 'Patient/upload-rollback' } })).toBe(0);
    const summary = await createCaller(ctx).imports.upload({ files });
    expect(summary.imported).toBe(1);
    const rows = await store.prisma.auditEvent.findMany({ where: { operation: 'imports.upload', userId: ctx.user!.id, outcome: '0' } });
    expect(rows.map((r) => r.patientKey)).toEqual(['Patient/upload-rollback']);
    expect(JSON.parse(rows[0]!.entitiesJson)).toContain('fhir/Patient/upload-rollback');
  });
});

describe('patient-level access', () => {
  it('lists only the caller\'s patients (care team or board seat), with a matching total, and refuses the others', async () => {
    const onc = await testContext(store, { roles: ['oncologist'], patients: [JENNY] });
    const caller = createCaller(onc);
    const page = await caller.patients.search({});
    expect(page.items.map((p) => p.key)).toEqual([JENNY]);
    expect(page.total).toBe(1);
    // The counts are the store's own (facts and events of the patient), not a column nobody maintains.
    const fromStore = (await store.searchPatients({ text: 'jenny' })).items.find((p) => p.key === JENNY)!;
    expect(page.items[0]).toEqual(fromStore);
    expect(page.items[0]!.factCount).toBeGreaterThan(0);
    expect(page.items[0]!.eventCount).toBeGreaterThan(0);
    await expect(caller.patients.search({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'cursor: expected the nextCursor of a previous page' });
    await expect(caller.patients.timeline({ patientKey: JOHN })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    // A seat on a board with John's case opens John (and only the board's patients).
    const coordinator = createCaller(await testContext(store, { roles: ['care-coordinator'], patients: [JOHN] }));
    const board = await coordinator.boards.create({ title: 'Seat board', specialty: 'thoracic', meetingAt: '2024-03-01T08:00:00Z' });
    await coordinator.boards.addCase({ boardId: board.id, patientKey: JOHN, question: 'Q' });
    expect(await caller.boards.list()).toEqual([]);
    await expect(caller.boards.get({ boardId: board.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await store.prisma.boardMember.create({ data: { boardId: board.id, userId: onc.user!.id } });
    expect((await caller.boards.list()).map((b) => b.id)).toEqual([board.id]);
    expect((await caller.patients.timeline({ patientKey: JOHN, limit: 1 })).total).toBeGreaterThan(0);
    expect((await caller.patients.search({})).items.map((p) => p.key).sort()).toEqual([JENNY, JOHN].sort());

    // Paging over the filtered list: two pages of one.
    const first = await caller.patients.search({ limit: 1 });
    const second = await caller.patients.search({ limit: 1, cursor: first.nextCursor });
    expect([first.items[0]!.key, second.items[0]!.key].sort()).toEqual([JENNY, JOHN].sort());
    expect(second.nextCursor).toBeUndefined();

    // A developer sees no patients at all (no clinical role), and an admin only through a clinical role.
    const dev = createCaller(await testContext(store, { roles: ['developer'] }));
    await expect(dev.patients.search({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const adminClinician = createCaller(await testContext(store, { roles: ['admin', 'oncologist'] }));
    expect((await adminClinician.patients.search({})).total).toBe(0);
  });
});
