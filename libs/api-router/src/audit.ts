// The audit trail for admins: search, and export as FHIR R4 AuditEvents (a Bundle).
import { exportAuditBundle, searchAuditEvents } from '@oncoboard/auth';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { authorized, router } from './trpc';

const auditSearch = z.object({
  patientKey: z.string().max(100).optional(),
  username: z.string().max(64).optional(),
  operation: z.string().max(200).optional(),
  action: z.enum(['C', 'R', 'U', 'D', 'E']).optional(),
  outcome: z.enum(['0', '4', '8', '12']).optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
});

export const auditRouter = router({
  /** Newest first; page with `before` = the previous page's nextBefore. */
  search: authorized('audit:read')
    .input(auditSearch.extend({ before: z.number().int().positive().optional(), limit: z.number().int().min(1).max(1000).default(100) }))
    .query(({ ctx, input }) => searchAuditEvents(ctx.store.prisma, input)),
  /** The matching events (at most 10,000, newest first) as a FHIR R4 Bundle of AuditEvent resources. */
  export: authorized('audit:read')
    .input(auditSearch.extend({ limit: z.number().int().min(1).max(10_000).default(10_000) }))
    .query(async ({ ctx, input }) => {
      try {
        return await exportAuditBundle(ctx.store.prisma, input);
      } catch (error) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: (error as Error).message });
      }
    }),
});
