// Tumor boards over tRPC: meetings, cases, preparation (verified case summaries) and decisions. The work is in
// libs/tumor-board; this maps its errors to tRPC codes. Until sign-in arrives (issue 8) the caller names who
// creates a board or records a decision.
import {
  addCase, boardInputSchema, BoardError, caseInputSchema, createBoard, decisionInputSchema, getBoard, getCase, listBoards, prepareBoard,
  prepareCase, recordDecision,
} from '@oncoboard/tumor-board';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, router } from './trpc';

const boardId = z.string().regex(/^board-[0-9a-f-]{36}$/, 'expected a board id like "board-<uuid>"');
const caseId = z.string().regex(/^case-[0-9a-f-]{36}$/, 'expected a case id like "case-<uuid>"');
const actor = z.string().trim().min(1, 'expected who does this').max(200);

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
  list: publicProcedure.query(({ ctx }) => listBoards(ctx.store)),
  get: publicProcedure.input(z.object({ boardId })).query(({ ctx, input }) => mapErrors(() => getBoard(ctx.store, input.boardId))),
  create: publicProcedure
    .input(boardInputSchema.extend({ createdBy: actor }))
    .mutation(({ ctx, input }) => mapErrors(() => createBoard(ctx.store, input, input.createdBy))),
  addCase: publicProcedure
    .input(caseInputSchema.extend({ boardId }))
    .mutation(({ ctx, input }) => mapErrors(() => addCase(ctx.store, input.boardId, input))),
  case: publicProcedure.input(z.object({ caseId })).query(({ ctx, input }) => mapErrors(() => getCase(ctx.store, input.caseId))),
  /** Composes and verifies one case's summary (a summary is stored only with verified sentences). */
  prepareCase: publicProcedure.input(z.object({ caseId })).mutation(({ ctx, input }) => mapErrors(() => prepareCase(ctx.store, input.caseId))),
  /** The coordinator's "prepare all" for a meeting. */
  prepareAll: publicProcedure.input(z.object({ boardId })).mutation(({ ctx, input }) => mapErrors(() => prepareBoard(ctx.store, input.boardId))),
  recordDecision: publicProcedure
    .input(decisionInputSchema.extend({ caseId, recordedBy: actor }))
    .mutation(({ ctx, input }) => mapErrors(() => recordDecision(ctx.store, input.caseId, input, input.recordedBy))),
});
