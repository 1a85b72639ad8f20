/**
 * The two reads every signed-in request makes before it does anything: its session with the user, and (for
 * patient data) whether the user may see the patient. One query each on both databases: prepared statements on
 * SQLite (./sqlite-reads), one raw statement through Prisma on PostgreSQL. libs/auth decides what they mean
 * (expiry, disabled users, roles); these only fetch.
 */
import type { StoreClient } from './client';
import { sqliteDate, type SessionWithUser, type SqliteReads } from './sqlite-reads';

export type { SessionWithUser } from './sqlite-reads';

export interface AccessReads {
  /** The session with this id (sha256 of the token) joined to its user; null when there is none. */
  sessionWithUser(sessionId: string): Promise<SessionWithUser | null>;
  /** True when the user is on the patient's care team or holds a seat on a board that has the patient as a case. */
  patientAccess(userId: string, patientKey: string): Promise<boolean>;
}

export function sqliteAccessReads(reads: SqliteReads): AccessReads {
  return {
    sessionWithUser: async (sessionId) => reads.sessionWithUser(sessionId),
    patientAccess: async (userId, patientKey) => reads.canSeePatient(userId, patientKey),
  };
}

interface SessionJoinRow {
  id: string;
  userId: string;
  csrfTokenHash: string;
  lastSeenAt: Date | string;
  expiresAt: Date | string;
  u_id: string;
  u_username: string;
  u_displayName: string;
  u_rolesJson: string;
  u_disabled: boolean | number | bigint;
}

/** Through Prisma: the same single statements, for PostgreSQL (and any database Prisma speaks). */
export function prismaAccessReads(prisma: StoreClient): AccessReads {
  return {
    async sessionWithUser(sessionId) {
      const rows = await prisma.$queryRaw<SessionJoinRow[]>`
        SELECT s."id", s."userId", s."csrfTokenHash", s."lastSeenAt", s."expiresAt",
               u."id" AS "u_id", u."username" AS "u_username", u."displayName" AS "u_displayName", u."rolesJson" AS "u_rolesJson", u."disabled" AS "u_disabled"
        FROM "Session" s JOIN "User" u ON u."id" = s."userId"
        WHERE s."id" = ${sessionId}`;
      const row = rows[0];
      if (!row) return null;
      return {
        id: row.id,
        userId: row.userId,
        csrfTokenHash: row.csrfTokenHash,
        lastSeenAt: sqliteDate(row.lastSeenAt, 'Session.lastSeenAt'),
        expiresAt: sqliteDate(row.expiresAt, 'Session.expiresAt'),
        user: { id: row.u_id, username: row.u_username, displayName: row.u_displayName, rolesJson: row.u_rolesJson, disabled: row.u_disabled === true || Number(row.u_disabled) === 1 },
      };
    },
    async patientAccess(userId, patientKey) {
      const rows = await prisma.$queryRaw<{ ok: boolean | number | bigint }[]>`
        SELECT (EXISTS (SELECT 1 FROM "CareTeamMember" WHERE "userId" = ${userId} AND "patientKey" = ${patientKey})
             OR EXISTS (SELECT 1 FROM "BoardCase" c JOIN "BoardMember" m ON m."boardId" = c."boardId" WHERE c."patientKey" = ${patientKey} AND m."userId" = ${userId})) AS "ok"`;
      const ok = rows[0]?.ok;
      return ok === true || Number(ok) === 1;
    },
  };
}
