import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessReads } from '@oncoboard/store';
import { toAuthUser, type AuthDb, type AuthUser } from './db';

export interface SessionPolicy {
  /** A session unused this long ends (default 30 min; ONCOBOARD_SESSION_IDLE_MINUTES). */
  idleMs: number;
  /** A session ends this long after sign-in, used or not (default 12 h; ONCOBOARD_SESSION_MAX_HOURS). */
  absoluteMs: number;
}

function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number, got "${value}"`);
  return n;
}

export function sessionPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): SessionPolicy {
  return {
    idleMs: (positiveNumber(env.ONCOBOARD_SESSION_IDLE_MINUTES, 'ONCOBOARD_SESSION_IDLE_MINUTES') ?? 30) * 60_000,
    absoluteMs: (positiveNumber(env.ONCOBOARD_SESSION_MAX_HOURS, 'ONCOBOARD_SESSION_MAX_HOURS') ?? 12) * 3_600_000,
  };
}

/**
 * lastSeenAt is written at most this often, so reads do not each cost a write. The idle expiry it feeds can then
 * come up to this much early (never late): a session is idle-expired when lastSeenAt + idle <= now.
 */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** A random 32-byte token, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this is stored: a database dump holds no usable session or CSRF token. */
export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface IssuedSession {
  /** For the oncoboard_session cookie (never stored). */
  token: string;
  /** For the oncoboard_csrf cookie and the x-csrf-token header (never stored). */
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(db: AuthDb, userId: string, client: { ip?: string; userAgent?: string }, policy: SessionPolicy, now = new Date()): Promise<IssuedSession> {
  const token = newToken();
  const csrfToken = newToken();
  const expiresAt = new Date(now.getTime() + policy.absoluteMs);
  await db.session.create({
    data: {
      id: sha256Hex(token),
      userId,
      csrfTokenHash: sha256Hex(csrfToken),
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      ip: client.ip?.slice(0, 100) ?? null,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
    },
  });
  return { token, csrfToken, expiresAt };
}

export interface ActiveSession {
  id: string;
  user: AuthUser;
  csrfTokenHash: string;
  /** When it ends if used again now: the earlier of idle and absolute expiry. */
  expiresAt: Date;
}

/**
 * The session of a cookie token, or null when unknown, expired (idle or absolute) or its user is disabled.
 * `reads`: the store's one-query lookup of session + user (store.accessReads; prepared on SQLite); without it, the
 * Prisma client. Writes (ending an expired session, moving lastSeenAt) go through `db`.
 */
export async function resolveSession(
  db: AuthDb,
  token: string | undefined,
  policy: SessionPolicy,
  now = new Date(),
  reads?: Pick<AccessReads, 'sessionWithUser'>,
): Promise<ActiveSession | null> {
  if (!token || token.length > 200) return null;
  const id = sha256Hex(token);
  const row = reads ? await reads.sessionWithUser(id) : await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!row) return null;
  const idleEnd = row.lastSeenAt.getTime() + policy.idleMs;
  if (row.expiresAt.getTime() <= now.getTime() || idleEnd <= now.getTime() || row.user.disabled) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db.session.updateMany({ where: { id }, data: { lastSeenAt: now } });
  }
  return {
    id,
    user: toAuthUser(row.user),
    csrfTokenHash: row.csrfTokenHash,
    expiresAt: new Date(Math.min(row.expiresAt.getTime(), now.getTime() + policy.idleMs)),
  };
}

/** Double-submit check: the header's token hashes to the one bound to the session (constant-time compare). */
export function csrfTokenMatches(session: Pick<ActiveSession, 'csrfTokenHash'>, headerToken: string | undefined): boolean {
  if (!headerToken || headerToken.length > 200) return false;
  const a = Buffer.from(sha256Hex(headerToken), 'hex');
  const b = Buffer.from(session.csrfTokenHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function deleteSession(db: AuthDb, token: string | undefined): Promise<void> {
  if (!token || token.length > 200) return;
  await db.session.deleteMany({ where: { id: sha256Hex(token) } });
}

/** Removes expired rows (absolute expiry; idle ones go when next presented). */
export async function pruneExpiredSessions(db: AuthDb, now = new Date()): Promise<number> {
  return (await db.session.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}
