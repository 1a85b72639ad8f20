// Tumor board meetings, their cases, preparation (a verified case summary per case) and the board's decision.
// Boards and cases are rows of their own (TumorBoard, BoardCase); a decision is a FHIR CarePlan source record
// written through the store with its fact and timeline event in ONE transaction, so it is on the patient's
// timeline, exportable as FHIR, and never half-written.
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Fact, TimelineEvent } from '@oncoboard/facts';
import type { Store } from '@oncoboard/store';
import { composeCaseSummary, type CaseSummary } from './compose-summary';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { chatModelFromEnv, type ChatModelSettings } from './chat-model-config';
import { latestPrediction, MODEL_CARD_RECORD_PREFIX, PREDICTION_RECORD_PREFIX } from './model-prediction';
import { rephraseCaseSummary } from './rephrase-summary';
import { storeRecordLookup } from './store-lookup';
import { verifyCaseSummary, type RejectedSentence } from './verify-summary';

export const CASE_STATUSES = ['to-prepare', 'ready', 'discussed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const BOARD_DECISION_FACT = 'tumor-board-decision';

export class BoardError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'invalid' | 'conflict',
  ) {
    super(message);
    this.name = 'BoardError';
  }
}

const nonEmpty = (what: string, max: number) => z.string().trim().min(1, `${what}: expected a non-empty text`).max(max, `${what}: expected at most ${max} characters`);

export const boardInputSchema = z.object({
  title: nonEmpty('title', 200),
  specialty: nonEmpty('specialty', 60),
  /** ISO 8601 date-time of the meeting. */
  meetingAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'meetingAt: expected an ISO 8601 date-time'),
  attendees: z.array(nonEmpty('attendee', 200)).max(100).default([]),
});
export type BoardInput = z.input<typeof boardInputSchema>;

export const caseInputSchema = z.object({
  patientKey: z.string().regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/, 'patientKey: expected "Patient/<id>"'),
  question: nonEmpty('question', 2000),
  presenter: z.string().trim().max(200).optional(),
});
export type CaseInput = z.input<typeof caseInputSchema>;

export const decisionInputSchema = z.object({
  recommendation: nonEmpty('recommendation', 4000),
  rationale: nonEmpty('rationale', 8000),
  alternatives: z.array(nonEmpty('alternative', 2000)).max(20).default([]),
  trialConsideration: z.string().trim().max(2000).optional(),
  attendeesPresent: z.array(nonEmpty('attendee', 200)).min(1, 'attendeesPresent: expected at least one attendee').max(100),
});
export type DecisionInput = z.input<typeof decisionInputSchema>;

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new BoardError(result.error.issues.map((i) => i.message).join('; '), 'invalid');
  return result.data;
}

export interface BoardSummaryRow {
  id: string;
  title: string;
  specialty: string;
  meetingAt: string;
  attendees: string[];
  caseCount: number;
  statusCounts: Record<CaseStatus, number>;
}

export interface PreparedSummary {
  summary: CaseSummary;
  rejected: RejectedSentence[];
  citations: { checked: number; accepted: number };
  /**
   * The cited joint-model records as the verifier read them ("prediction/<id>" JSON, "model-card/<id>" text): they
   * are no source records, so the case page opens them from here (absent in summaries prepared before).
   */
  modelSources?: Record<string, string>;
  /**
   * When a chat model is configured (chat-model-config.ts): its rephrasing of the verified summary, itself verified
   * (what it invented is in `rejected`), or the error that stopped it. The composed summary above stays the record.
   */
  rephrased?: { summary: CaseSummary; rejected: RejectedSentence[] } | { error: string };
}

/** Options of prepareCase / prepareBoard. */
export interface PrepareOptions {
  today?: Date;
  /** The chat model that rephrases; default: the one configured in the environment (none unless set). */
  chatModel?: { model: BaseChatModel; settings: Pick<ChatModelSettings, 'timeoutMs'> } | null;
}

export interface BoardCaseView {
  id: string;
  boardId: string;
  patientKey: string;
  patientName: string | null;
  question: string;
  presenter: string | null;
  position: number;
  status: CaseStatus;
  preparedAt: string | null;
  decisionRecordKey: string | null;
}

export interface BoardView extends BoardSummaryRow {
  createdBy: string;
  cases: BoardCaseView[];
}

type CaseRow = {
  id: string; boardId: string; patientKey: string; question: string; presenter: string | null; position: number; status: string;
  preparedAt: Date | null; decisionRecordKey: string | null; patient?: { displayName: string | null };
};

function caseView(row: CaseRow): BoardCaseView {
  return {
    id: row.id,
    boardId: row.boardId,
    patientKey: row.patientKey,
    patientName: row.patient?.displayName ?? null,
    question: row.question,
    presenter: row.presenter,
    position: row.position,
    status: row.status as CaseStatus,
    preparedAt: row.preparedAt?.toISOString() ?? null,
    decisionRecordKey: row.decisionRecordKey,
  };
}

function statusCounts(cases: { status: string }[]): Record<CaseStatus, number> {
  const counts: Record<CaseStatus, number> = { 'to-prepare': 0, ready: 0, discussed: 0 };
  for (const c of cases) counts[c.status as CaseStatus]++;
  return counts;
}

export async function createBoard(store: Store, input: BoardInput, createdBy: string): Promise<BoardView> {
  const board = parse(boardInputSchema, input);
  const id = `board-${randomUUID()}`;
  await store.prisma.tumorBoard.create({
    data: { id, title: board.title, specialty: board.specialty, meetingAt: new Date(board.meetingAt), attendeesJson: JSON.stringify(board.attendees), createdBy },
  });
  return getBoard(store, id);
}

export async function listBoards(store: Store): Promise<BoardSummaryRow[]> {
  const rows = await store.prisma.tumorBoard.findMany({ orderBy: { meetingAt: 'asc' }, include: { cases: { select: { status: true } } } });
  return rows.map((b) => ({
    id: b.id,
    title: b.title,
    specialty: b.specialty,
    meetingAt: b.meetingAt.toISOString(),
    attendees: JSON.parse(b.attendeesJson) as string[],
    caseCount: b.cases.length,
    statusCounts: statusCounts(b.cases),
  }));
}

export async function getBoard(store: Store, boardId: string): Promise<BoardView> {
  const b = await store.prisma.tumorBoard.findUnique({
    where: { id: boardId },
    include: { cases: { orderBy: { position: 'asc' }, include: { patient: { select: { displayName: true } } } } },
  });
  if (!b) throw new BoardError(`tumor board ${boardId} not found`, 'not-found');
  return {
    id: b.id,
    title: b.title,
    specialty: b.specialty,
    meetingAt: b.meetingAt.toISOString(),
    attendees: JSON.parse(b.attendeesJson) as string[],
    createdBy: b.createdBy,
    caseCount: b.cases.length,
    statusCounts: statusCounts(b.cases),
    cases: b.cases.map(caseView),
  };
}

export async function addCase(store: Store, boardId: string, input: CaseInput): Promise<BoardCaseView> {
  const c = parse(caseInputSchema, input);
  const board = await store.prisma.tumorBoard.findUnique({ where: { id: boardId }, include: { _count: { select: { cases: true } } } });
  if (!board) throw new BoardError(`tumor board ${boardId} not found`, 'not-found');
  const patient = await store.getPatient(c.patientKey);
  if (!patient) throw new BoardError(`${c.patientKey}: no such patient in the store`, 'not-found');
  const row = await store.prisma.boardCase.create({
    data: { id: `case-${randomUUID()}`, boardId, patientKey: c.patientKey, question: c.question, presenter: c.presenter ?? null, position: board._count.cases },
    include: { patient: { select: { displayName: true } } },
  });
  return caseView(row);
}

async function findCase(store: Store, caseId: string) {
  const row = await store.prisma.boardCase.findUnique({ where: { id: caseId }, include: { patient: { select: { displayName: true } } } });
  if (!row) throw new BoardError(`board case ${caseId} not found`, 'not-found');
  return row;
}

export async function getCase(store: Store, caseId: string): Promise<BoardCaseView & { prepared: PreparedSummary | null }> {
  const row = await findCase(store, caseId);
  return { ...caseView(row), prepared: row.summaryJson ? (JSON.parse(row.summaryJson) as PreparedSummary) : null };
}

/** The patient's report texts (pathology), so the composer can quote findings as written. */
export async function reportTexts(store: Store, patientKey: string): Promise<(key: string) => string | undefined> {
  const texts = new Map((await store.listPatientRecords(patientKey, 'report-text')).map((r) => [r.key, r.content]));
  return (key) => texts.get(key);
}

/**
 * Composes and verifies a case's summary and, when a chat model is configured, its verified rephrasing. Reads only:
 * callers run it outside their write transaction, because the chat call can take as long as its timeout.
 */
export async function composePreparedCase(store: Store, caseId: string, options: PrepareOptions = {}): Promise<PreparedSummary> {
  const row = await findCase(store, caseId);
  const composed = composeCaseSummary(row.patientKey, await store.getFacts(row.patientKey), {
    ...(options.today ? { today: options.today } : {}),
    recordText: await reportTexts(store, row.patientKey),
    prediction: await latestPrediction(store, row.patientKey),
  });
  const lookup = storeRecordLookup(store);
  const verified = await verifyCaseSummary(composed, lookup);
  const modelSources: Record<string, string> = {};
  for (const e of Object.values(verified.summary.evidence)) {
    if (modelSources[e.sourceRecordKey] !== undefined || !(e.sourceRecordKey.startsWith(PREDICTION_RECORD_PREFIX) || e.sourceRecordKey.startsWith(MODEL_CARD_RECORD_PREFIX))) continue;
    const found = await lookup(e.sourceRecordKey);
    if (found && (found.patientKey === null || found.patientKey === row.patientKey)) modelSources[e.sourceRecordKey] = found.content;
  }
  const prepared: PreparedSummary = { summary: verified.summary, rejected: verified.rejected, citations: verified.citations, ...(Object.keys(modelSources).length ? { modelSources } : {}) };
  const chat = options.chatModel === undefined ? chatModelFromEnv() : options.chatModel;
  if (chat) {
    try {
      const r = await rephraseCaseSummary(verified.summary, chat.model, lookup, { timeoutMs: chat.settings.timeoutMs });
      prepared.rephrased = { summary: r.summary, rejected: r.rejected };
    } catch (error) {
      // The endpoint's failure is reported with the case; its message names the endpoint, never patient data.
      prepared.rephrased = { error: `the configured chat model failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 300)}` };
    }
  }
  return prepared;
}

/** Stores a composed summary (only verified sentences are in it) on its case and marks the case ready; a discussed case stays discussed. */
export async function savePreparedCase(store: Store, caseId: string, prepared: PreparedSummary): Promise<PreparedSummary> {
  const row = await findCase(store, caseId);
  await store.prisma.boardCase.update({
    where: { id: caseId },
    data: { summaryJson: JSON.stringify(prepared), preparedAt: new Date(), status: row.status === 'discussed' ? 'discussed' : 'ready' },
  });
  return prepared;
}

/** Composes, verifies and stores a case's summary (composePreparedCase, then savePreparedCase). */
export async function prepareCase(store: Store, caseId: string, options: PrepareOptions = {}): Promise<PreparedSummary> {
  return savePreparedCase(store, caseId, await composePreparedCase(store, caseId, options));
}

/** Every case of a board composed (reads only; see composePreparedCase). */
export async function composeBoard(store: Store, boardId: string, options: PrepareOptions = {}): Promise<{ caseId: string; prepared: PreparedSummary }[]> {
  const board = await getBoard(store, boardId);
  const out = [];
  for (const c of board.cases) out.push({ caseId: c.id, prepared: await composePreparedCase(store, c.id, options) });
  return out;
}

/** Stores a board's composed cases; returns per-case counts. */
export async function saveBoard(store: Store, cases: readonly { caseId: string; prepared: PreparedSummary }[]): Promise<{ caseId: string; sentences: number; rejected: number }[]> {
  const out = [];
  for (const { caseId, prepared } of cases) {
    await savePreparedCase(store, caseId, prepared);
    out.push({ caseId, sentences: prepared.summary.sections.reduce((n, s) => n + s.sentences.length, 0), rejected: prepared.rejected.length });
  }
  return out;
}

/** Prepares every case of a board (the coordinator's "prepare all"). */
export async function prepareBoard(store: Store, boardId: string, options: PrepareOptions = {}): Promise<{ caseId: string; sentences: number; rejected: number }[]> {
  return saveBoard(store, await composeBoard(store, boardId, options));
}

/**
 * The decision as a FHIR R4 CarePlan: the recommendation as its description, rationale / alternatives / trial
 * consideration / attendees as notes, and the records the case summary cited as supportingInfo.
 */
export function decisionCarePlan(args: {
  id: string;
  patientKey: string;
  board: { id: string; title: string; meetingAt: string };
  question: string;
  decision: z.output<typeof decisionInputSchema>;
  recordedBy: string;
  recordedAt: string;
  supportingRecordKeys: string[];
}): Record<string, unknown> {
  const { decision } = args;
  const notes = [
    `Question to the board: ${args.question}`,
    `Rationale: ${decision.rationale}`,
    ...decision.alternatives.map((a) => `Alternative considered: ${a}`),
    ...(decision.trialConsideration ? [`Clinical trial consideration: ${decision.trialConsideration}`] : []),
    `Attendees present: ${decision.attendeesPresent.join(', ')}`,
    `Recorded by ${args.recordedBy} at ${args.recordedAt} (tumor board ${args.board.title}, ${args.board.meetingAt.slice(0, 10)})`,
  ];
  const references = args.supportingRecordKeys
    .filter((k) => /^fhir\/[A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(k))
    .map((k) => ({ reference: k.slice('fhir/'.length) }));
  return {
    resourceType: 'CarePlan',
    id: args.id,
    status: 'active',
    intent: 'plan',
    category: [{ text: 'Tumor board recommendation' }],
    title: `Tumor board recommendation (${args.board.title})`,
    description: decision.recommendation,
    subject: { reference: args.patientKey },
    created: args.recordedAt,
    author: { display: args.recordedBy },
    ...(references.length > 0 ? { supportingInfo: references } : {}),
    note: notes.map((text) => ({ text, time: args.recordedAt })),
  };
}

/** Records the board's decision: CarePlan record + fact + timeline event in one transaction, then the case is discussed. */
export async function recordDecision(store: Store, caseId: string, input: DecisionInput, recordedBy: string): Promise<{ recordKey: string; carePlan: Record<string, unknown> }> {
  const decision = parse(decisionInputSchema, input);
  const row = await findCase(store, caseId);
  const board = await store.prisma.tumorBoard.findUniqueOrThrow({ where: { id: row.boardId } });
  const prepared = row.summaryJson ? (JSON.parse(row.summaryJson) as PreparedSummary) : null;
  const supporting = prepared ? [...new Set(Object.values(prepared.summary.evidence).map((e) => e.sourceRecordKey))].sort() : [];
  const recordedAt = new Date().toISOString();
  const id = `board-decision-${createHash('sha256').update(caseId).digest('hex').slice(0, 16)}`;
  const carePlan = decisionCarePlan({
    id,
    patientKey: row.patientKey,
    board: { id: board.id, title: board.title, meetingAt: board.meetingAt.toISOString() },
    question: row.question,
    decision,
    recordedBy,
    recordedAt,
    supportingRecordKeys: supporting,
  });
  const recordKey = `fhir/CarePlan/${id}`;
  const content = JSON.stringify(carePlan);
  const provenance = { sourceRecordKey: recordKey, elementPath: 'CarePlan.description' };
  const fact: Fact = {
    kind: BOARD_DECISION_FACT,
    patientKey: row.patientKey,
    value: { type: 'string', value: decision.recommendation },
    effectiveStart: recordedAt,
    status: 'active',
    attributes: {
      boardId: board.id,
      caseId,
      rationale: decision.rationale,
      alternatives: decision.alternatives,
      trialConsideration: decision.trialConsideration ?? null,
      attendeesPresent: decision.attendeesPresent,
      recordedBy,
      elementPaths: { value: 'CarePlan.description', effectiveStart: 'CarePlan.created' },
    },
    provenance: [provenance, { sourceRecordKey: recordKey, elementPath: 'CarePlan.created' }],
  };
  const event: TimelineEvent = {
    patientKey: row.patientKey,
    category: 'other',
    start: recordedAt,
    title: `Tumor board: ${board.title}`,
    detail: decision.recommendation.slice(0, 200),
    provenance,
  };
  const run = await store.beginImportRun(`tumor board ${board.id} decision for case ${caseId}`);
  try {
    await store.writeRecords(run.id, [
      {
        key: recordKey,
        kind: 'fhir-resource',
        resourceType: 'CarePlan',
        resourceId: id,
        patientKey: row.patientKey,
        content,
        contentHash: createHash('sha256').update(content).digest('hex'),
        origin: `tumor-board:${board.id}`,
        originLocation: `case ${caseId}`,
        facts: [fact],
        events: [event],
      },
    ]);
    await store.finishImportRun(run.id, { status: 'succeeded', imported: 1, updated: 0, unchanged: 0, rejected: 0 });
  } catch (error) {
    await store.finishImportRun(run.id, { status: 'failed', imported: 0, updated: 0, unchanged: 0, rejected: 1 });
    throw error;
  }
  await store.prisma.boardCase.update({ where: { id: caseId }, data: { status: 'discussed', decisionRecordKey: recordKey } });
  return { recordKey, carePlan };
}
