import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '@oncoboard/store';
import { appRouter } from './router';
import { testContext } from './test-context';
import { createCallerFactory } from './trpc';
import { openDemoStore, type DemoStore } from './test-support/demo-store';

// boards.* over a real SQLite store holding the mCODE STU4 demo cohort.
let demo: DemoStore;
let store: Store;
const createCaller = createCallerFactory(appRouter);
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  demo = await openDemoStore('boards-api');
  store = demo.store;
  // A signed-in user on the care team of every demo patient (the access rules have their own tests).
  caller = createCaller(await testContext(store, { roles: ['oncologist', 'care-coordinator'], patients: 'all' }));
}, 120_000);

afterAll(() => demo?.close());

describe('boards router', () => {
  it('runs a meeting: create, add a case, prepare all, read the verified summary, record the decision', async () => {
    const board = await caller.boards.create({ title: 'Thoracic board', specialty: 'thoracic', meetingAt: '2019-06-04T07:30:00Z', attendees: ['Dr. A'], createdBy: 'coordinator' });
    const c = await caller.boards.addCase({ boardId: board.id, patientKey: 'Patient/cancer-patient-john-anyperson', question: 'Second line after gefitinib?' });
    const prepared = await caller.boards.prepareAll({ boardId: board.id });
    expect(prepared).toEqual([{ caseId: c.id, sentences: expect.any(Number), rejected: 0 }]);
    const view = await caller.boards.case({ caseId: c.id });
    expect(view.status).toBe('ready');
    expect(view.prepared!.summary.sections.find((s) => s.id === 'genomics')!.sentences.map((s) => s.text)).toContain('STK11 p.Gly242Glu: Present, somatic, 2019-04-01.');
    const decided = await caller.boards.recordDecision({ caseId: c.id, recommendation: 'Re-biopsy for resistance testing.', rationale: 'Progression on gefitinib.', attendeesPresent: ['Dr. A'], recordedBy: 'Dr. A' });
    expect((await caller.sourceRecords.get({ key: decided.recordKey })).resourceType).toBe('CarePlan');
    expect((await caller.boards.get({ boardId: board.id })).cases[0]!.status).toBe('discussed');
  });

  it('answers NOT_FOUND and BAD_REQUEST with the reason', async () => {
    await expect(caller.boards.get({ boardId: 'board-00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'tumor board board-00000000-0000-0000-0000-000000000000 not found' });
    await expect(caller.boards.get({ boardId: 'nope' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const board = await caller.boards.create({ title: 'GI', specialty: 'gi', meetingAt: '2024-01-01T08:00:00Z', createdBy: 'c' });
    // An unknown patient is refused like one the caller may not see: the answer does not tell which patients exist.
    await expect(caller.boards.addCase({ boardId: board.id, patientKey: 'Patient/nobody', question: 'Q' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
