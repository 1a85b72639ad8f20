// Tumor boards over tRPC: meetings, cases, preparation (verified case summaries) and decisions. The work is in
// libs/tumor-board; this maps its errors to tRPC codes. Who creates a board or records a decision is the
// signed-in user (the old createdBy / recordedBy inputs are accepted and ignored). A board is seen by those
// holding a seat on it (BoardMember; its creator gets one); a seat also gives access to its cases' patients.
import {
  addCase, boardInputSchema, BoardError, caseInputSchema, composeBoard, composePreparedCase, createBoard, decisionInputSchema, getBoard, getCase, listBoards,
  recordDecision, saveBoard, savePreparedCase,
} from '@oncoboard/tumor-board';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { holdsBoardSeat } from '@oncoboard/auth';
import type { Store } from '@oncoboard/store';
import { changePatientData, readPatientData, storeInTransaction } from './patient-data';
import { authorized, router, type AuthorizedContext } from './trpc';

const boardId = z.string().regex(/^board-[0-9a-f-]{36}$/, 'expected a board id like "board-<uuid>"');
const caseId = z.string().regex(/^case-[0-9a-f-]{36}$/, 'expected a case id like "case-<uuid>"');
/** Ignored since issue 8 (the signed-in user is the actor); still accepted so older clients keep working. */
const actor = z.string().trim().max(200).optional();

async function requireSeat(ctx: AuthorizedContext, boardId: string): Promise<void> {
  if (await holdsBoardSeat(ctx.store.prisma, ctx.user, boardId)) return;
  // A board id names no patient: saying it does not exist reveals nothing.
  if (!(await ctx.store.prisma.tumorBoard.findUnique({ where: { id: boardId }, select: { id: true } }))) {
    throw new TRPCError({ code: 'NOT_FOUND', message: `tumor board ${boardId} not found` });
  }
  throw new TRPCError({ code: 'FORBIDDEN', message: `${ctx.operation}: you hold no seat on this board` });
}

/** The patient of a case ([] when there is no such case: the call then fails NOT_FOUND, audited). */
async function patientOfCase(ctx: AuthorizedContext, caseId: string): Promise<string[]> {
  const row = await ctx.store.prisma.boardCase.findUnique({ where: { id: caseId }, select: { patientKey: true } });
  return row ? [row.patientKey] : [];
}

async function patientsOfBoard(ctx: AuthorizedContext, boardId: string): Promise<string[]> {
  const rows = await ctx.store.prisma.boardCase.findMany({ where: { boardId }, select: { patientKey: true }, distinct: ['patientKey'] });
  return rows.map((r) => r.patientKey);
}

async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BoardError) {
      throw new TRPCError({ code: error.code === 'not-found' ? 'NOT_FOUND' : error.code === 'conflict' ? 'CONFLICT' : 'BAD_REQUEST', message: error.message });
    }
    throw error;
  }
}

export const boardsRouter = router({
  /** The boards the caller holds a seat on (titles and counts: no patient data). */
  list: authorized('board:read').query(async ({ ctx }) => {
    const seats = new Set((await ctx.store.prisma.boardMember.findMany({ where: { userId: ctx.user.id }, select: { boardId: true } })).map((s) => s.boardId));
    return (await listBoards(ctx.store)).filter((b) => seats.has(b.id));
  }),
  get: authorized('board:read', { audit: 'R' })
    .input(z.object({ boardId }))
    .query(async ({ ctx, input }) => {
      await requireSeat(ctx, input.boardId);
      return readPatientData(ctx, { patientKeys: [], entitiesOf: (b) => b.cases.map((c) => c.patientKey) }, () => mapErrors(() => getBoard(ctx.store, input.boardId)));
    }),
  /** The creator gets a seat, in the same transaction. */
  create: authorized('board:manage')
    .input(boardInputSchema.extend({ createdBy: actor }))
    .mutation(({ ctx, input }) =>
      mapErrors(() =>
        ctx.store.prisma.$transaction(async (tx) => {
          const board = await createBoard(storeInTransaction(ctx.store, tx), input, ctx.user.username);
          await tx.boardMember.create({ data: { boardId: board.id, userId: ctx.user.id } });
          return board;
        }),
      ),
    ),
  addCase: authorized('board:manage', { audit: 'C' })
    .input(caseInputSchema.extend({ boardId }))
    .mutation(async ({ ctx, input }) => {
      await requireSeat(ctx, input.boardId);
      return changePatientData(ctx, { action: 'C', transactional: true, patientKeys: [input.patientKey], entitiesOf: (c) => [input.patientKey, `board-case/${c.id}`] }, (store: Store) =>
        mapErrors(() => addCase(store, input.boardId, input)),
      );
    }),
  case: authorized('patient:read-record', { audit: 'R' })
    .input(z.object({ caseId }))
    .query(async ({ ctx, input }) => readPatientData(ctx, { patientKeys: await patientOfCase(ctx, input.caseId) }, () => mapErrors(() => getCase(ctx.store, input.caseId)))),
  /**
   * Composes and verifies one case's summary (a summary is stored only with verified sentences). Composing (and a
   * configured chat model's rephrasing) runs before the write transaction, which only stores the result.
   */
  prepareCase: authorized('summary:prepare', { audit: 'U' })
    .input(z.object({ caseId }))
    .mutation(async ({ ctx, input }) =>
      changePatientData(
        ctx,
        { action: 'U', transactional: true, patientKeys: await patientOfCase(ctx, input.caseId), prepare: () => mapErrors(() => composePreparedCase(ctx.store, input.caseId)) },
        (store: Store, prepared) => mapErrors(() => savePreparedCase(store, input.caseId, prepared)),
      ),
    ),
  /** "Prepare all" for a meeting: every case composed first, then all stored in one transaction with its one audit record. */
  prepareAll: authorized('summary:prepare', { audit: 'U' })
    .input(z.object({ boardId }))
    .mutation(async ({ ctx, input }) => {
      await requireSeat(ctx, input.boardId);
      const patients = await patientsOfBoard(ctx, input.boardId);
      return changePatientData(
        ctx,
        { action: 'U', transactional: true, patientKeys: patients, prepare: () => mapErrors(() => composeBoard(ctx.store, input.boardId)) },
        (store: Store, composed) => mapErrors(() => saveBoard(store, composed)),
      );
    }),
  /** The CarePlan is written through the store's record write, with its audit record in that transaction. */
  recordDecision: authorized('decision:record', { audit: 'C' })
    .input(decisionInputSchema.extend({ caseId, recordedBy: actor }))
    .mutation(async ({ ctx, input }) =>
      changePatientData(
        ctx,
        { action: 'C', transactional: false, patientKeys: await patientOfCase(ctx, input.caseId), entitiesOf: (r) => [r.recordKey] },
        (store: Store) => mapErrors(() => recordDecision(store, input.caseId, input, ctx.user.displayName)),
      ),
    ),
});
