import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateResource } from '@oncoboard/ehr-fhir';
import { importFhirPath } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';
import { addCase, BOARD_DECISION_FACT, createBoard, getBoard, getCase, listBoards, prepareBoard, recordDecision } from './boards';

// Boards, cases and decisions in a real SQLite store holding the mCODE STU4 demo cohort.
const demoDir = resolve(__dirname, '../../../demo/mcode-stu4');
const JENNY = 'Patient/cancer-patient-jenny-m';

let work: string;
let store: Store;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-boards-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'boards.db')}` });
  await importFhirPath(demoDir, { store });
});

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

const decision = {
  recommendation: 'Adjuvant endocrine therapy with anastrozole for 5 years.',
  rationale: 'ER-positive, HER2-negative pT3 pN0 disease after surgery and chemotherapy.',
  alternatives: ['Tamoxifen'],
  trialConsideration: 'No open trial matches.',
  attendeesPresent: ['Dr. Medical Oncology', 'Dr. Pathology'],
};

describe('tumor boards', () => {
  it('creates a board, adds cases, prepares them with verified summaries and records a decision as a FHIR CarePlan', async () => {
    const board = await createBoard(store, { title: 'Breast board', specialty: 'breast', meetingAt: '2018-11-20T08:00:00Z', attendees: ['Dr. Medical Oncology'] }, 'coordinator@example.org');
    expect(board.cases).toEqual([]);
    const c = await addCase(store, board.id, { patientKey: JENNY, question: 'Adjuvant therapy after surgery?', presenter: 'Dr. Medical Oncology' });
    expect(c).toMatchObject({ position: 0, status: 'to-prepare', patientKey: JENNY });

    const prepared = await prepareBoard(store, board.id, { today: new Date('2018-11-20') });
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.sentences).toBeGreaterThan(20);
    expect(prepared[0]!.rejected).toBe(0);
    const ready = await getCase(store, c.id);
    expect(ready.status).toBe('ready');
    expect(ready.prepared!.summary.sections.find((s) => s.id === 'biomarkers')!.sentences.map((s) => s.text)).toContain('HER2 [Interpretation] in Tissue: Negative, 2018-03-10.');

    const { recordKey, carePlan } = await recordDecision(store, c.id, decision, 'dr.oncology@example.org');
    expect(recordKey).toMatch(/^fhir\/CarePlan\/board-decision-[0-9a-f]{16}$/);
    const outcome = validateResource(carePlan as unknown as Resource, { file: 'decision', place: 'CarePlan' });
    expect(outcome.issue?.filter((i) => i.severity === 'error') ?? []).toEqual([]);
    expect(carePlan).toMatchObject({ subject: { reference: JENNY }, description: decision.recommendation, intent: 'plan' });
    expect((carePlan.supportingInfo as { reference: string }[]).map((r) => r.reference)).toContain('Observation/tumor-marker-test-her2-jenny-m');

    const stored = await store.getSourceRecord(recordKey);
    expect(stored?.record.patientKey).toBe(JENNY);
    const facts = await store.getFacts(JENNY, { kinds: [BOARD_DECISION_FACT] });
    expect(facts.map((f) => f.value)).toEqual([{ type: 'string', value: decision.recommendation }]);
    const timeline = await store.getTimeline(JENNY, {});
    expect(timeline.items.some((e) => e.title === 'Tumor board: Breast board' && e.sourceRecordKey === recordKey)).toBe(true);
    expect((await getBoard(store, board.id)).statusCounts).toEqual({ 'to-prepare': 0, ready: 0, discussed: 1 });
    expect((await listBoards(store)).map((b) => b.title)).toContain('Breast board');

    // Recording again keeps the first decision as history (one record, version 2), never a second CarePlan.
    await recordDecision(store, c.id, { ...decision, recommendation: 'Anastrozole for 10 years.' }, 'dr.oncology@example.org');
    const again = await store.getSourceRecord(recordKey);
    expect(again?.record.version).toBe(2);
    expect(again?.history).toHaveLength(1);
  });

  it('refuses bad input with messages that name the field', async () => {
    await expect(createBoard(store, { title: ' ', specialty: 'gi', meetingAt: 'next tuesday' }, 'x')).rejects.toThrow('title: expected a non-empty text; meetingAt: expected an ISO 8601 date-time');
    const board = await createBoard(store, { title: 'GI board', specialty: 'gi', meetingAt: '2024-01-01T08:00:00Z' }, 'x');
    await expect(addCase(store, board.id, { patientKey: 'Patient/nobody', question: 'Q?' })).rejects.toThrow('Patient/nobody: no such patient in the store');
    await expect(addCase(store, 'board-missing', { patientKey: JENNY, question: 'Q?' })).rejects.toThrow('tumor board board-missing not found');
    const c = await addCase(store, board.id, { patientKey: JENNY, question: 'Q?' });
    await expect(recordDecision(store, c.id, { ...decision, attendeesPresent: [] }, 'x')).rejects.toThrow('attendeesPresent: expected at least one attendee');
    expect((await getCase(store, c.id)).status).toBe('to-prepare');
  });
});
