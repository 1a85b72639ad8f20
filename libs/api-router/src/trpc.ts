import { initTRPC } from '@trpc/server';
import type { Store } from '@oncoboard/store';
import { z } from 'zod';

/** What every procedure gets: the store, and (from issue 8 on) the signed-in user. */
export interface ApiContext {
  store: Store;
}

const t = initTRPC.context<ApiContext>().create({
  // Validation failures reach the caller as typed errors with the zod issues (path + message).
  errorFormatter({ shape, error }) {
    const zodIssues = error.cause instanceof z.ZodError ? error.cause.issues : undefined;
    return { ...shape, data: { ...shape.data, zodIssues } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Procedures open to any caller. Access control (roles, patient-level access, audit) arrives with issue 8. */
export const publicProcedure = t.procedure;
