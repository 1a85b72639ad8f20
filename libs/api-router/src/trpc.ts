import { hasPermission, recordAuditEvent, type AuditAction, type AuthUser, type Permission } from '@oncoboard/auth';
import type { Store } from '@oncoboard/store';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';

/** Where a call came from, for the audit trail (the server fills it from the socket and trusted headers). */
export interface ApiClientInfo {
  ip?: string;
  userAgent?: string;
}

/** What every procedure gets: the store, the signed-in user (null when anonymous) and where the call came from. */
export interface ApiContext {
  store: Store;
  user: AuthUser | null;
  client?: ApiClientInfo;
}

/** The context inside an authorized procedure: a user is certain, and the procedure's path names the operation. */
export interface AuthorizedContext extends ApiContext {
  user: AuthUser;
  operation: string;
}

/**
 * Every procedure declares what it needs: a permission (roles/permission table in libs/auth), or 'anonymous' for
 * the few listed in ANONYMOUS_PROCEDURES. `audit` marks procedures that read or change patient data, with the
 * FHIR AuditEvent action they perform: each call of one writes exactly one audit record.
 */
export interface ProcedureMeta {
  permission?: Permission | 'anonymous';
  audit?: AuditAction;
}

/** The procedures any caller may use. Nothing else is open; the router test holds this list to account. */
export const ANONYMOUS_PROCEDURES: readonly string[] = ['system.health'];

const t = initTRPC
  .context<ApiContext>()
  .meta<ProcedureMeta>()
  .create({
    // Validation failures reach the caller as typed errors with the zod issues (path + message).
    errorFormatter({ shape, error }) {
      const zodIssues = error.cause instanceof z.ZodError ? error.cause.issues : undefined;
      return { ...shape, data: { ...shape.data, zodIssues } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Runs before input parsing: no declared permission fails closed (for everyone), anonymous callers get
 * UNAUTHORIZED, callers without the permission FORBIDDEN. A refused patient-data call is audited (outcome 4).
 */
const enforcePermission = t.middleware(async ({ ctx, meta, path, next }) => {
  const permission = meta?.permission;
  if (!permission || permission === 'anonymous') throw new TRPCError({ code: 'FORBIDDEN', message: `${path}: the procedure declares no permission (closed until it does)` });
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'not signed in' });
  if (!hasPermission(ctx.user.roles, permission)) {
    if (meta.audit) {
      await recordAuditEvent(ctx.store.prisma, {
        action: meta.audit, operation: path, outcome: '4', outcomeDesc: 'FORBIDDEN: role', user: ctx.user, sourceIp: ctx.client?.ip, userAgent: ctx.client?.userAgent,
      });
    }
    throw new TRPCError({ code: 'FORBIDDEN', message: `${path}: needs the permission ${permission}` });
  }
  return next({ ctx: { ...ctx, user: ctx.user, operation: path } });
});

const allowAnonymous = t.middleware(({ meta, path, next }) => {
  if (meta?.permission !== 'anonymous' || !ANONYMOUS_PROCEDURES.includes(path)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `${path}: not on the list of anonymous procedures` });
  }
  return next();
});

/**
 * A procedure that needs `permission`. `audit`: the action (C/R/U/D/E) when it reads or changes patient data; its
 * resolver then goes through readPatientData / changePatientData (./patient-data), which write the audit record.
 */
export function authorized(permission: Permission, opts: { audit?: AuditAction } = {}) {
  return t.procedure.meta({ permission, ...(opts.audit ? { audit: opts.audit } : {}) }).use(enforcePermission);
}

/** A procedure any caller may use; its path must also be on ANONYMOUS_PROCEDURES. */
export function anonymous() {
  return t.procedure.meta({ permission: 'anonymous' }).use(allowAnonymous);
}

/**
 * @deprecated Since issue 8 every procedure declares a permission: use `authorized(permission)`. Kept so code
 * written against the old name compiles, but it is CLOSED: it refuses every caller until given a permission.
 */
export const publicProcedure = t.procedure.use(enforcePermission);
