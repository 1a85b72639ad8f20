/**
 * Sign-in with a local account. Three brakes on guessing:
 * - per client address: at most `perIp` failed attempts in `windowMs` (in memory: one process serves the API);
 * - per username (known or not, so a lockout does not reveal which names exist): at most `perUsername`
 *   failures in `windowMs` (in memory);
 * - per account, in the database (survives restarts, shared by processes): after `lockAfter` consecutive
 *   failures the account is locked for `lockMs` (User.failedSignIns / lockedUntil).
 * Unknown names and accounts without a password are verified against a dummy hash, so they cost the same
 * time as a wrong password, and all refusals read the same.
 */
import { recordAuditEvent } from './audit';
import { toAuthUser, type AuthDb, type AuthUser } from './db';
import { dummyPasswordHash, MAX_PASSWORD_LENGTH, verifyPassword } from './password';
import { createSession, type IssuedSession, type SessionPolicy } from './sessions';

export interface SignInLimits {
  windowMs: number;
  perIp: number;
  perUsername: number;
  lockAfter: number;
  lockMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { windowMs: 15 * 60_000, perIp: 20, perUsername: 5, lockAfter: 10, lockMs: 15 * 60_000 };

/** Failed attempts per key in a sliding window. */
export class FailureWindow {
  readonly #hits = new Map<string, number[]>();
  constructor(
    readonly windowMs: number,
    readonly limit: number,
    readonly maxKeys = 100_000,
  ) {}

  #recent(key: string, now: number): number[] {
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (hits.length) this.#hits.set(key, hits);
    else this.#hits.delete(key);
    return hits;
  }

  /** Seconds until the next attempt is allowed, or 0 when allowed now. */
  retryAfter(key: string, now = Date.now()): number {
    const hits = this.#recent(key, now);
    if (hits.length < this.limit) return 0;
    return Math.max(1, Math.ceil((hits[hits.length - this.limit]! + this.windowMs - now) / 1000));
  }

  fail(key: string, now = Date.now()): void {
    // Bounded memory under a flood of distinct keys: the oldest key goes first.
    if (!this.#hits.has(key) && this.#hits.size >= this.maxKeys) this.#hits.delete(this.#hits.keys().next().value!);
    this.#hits.set(key, [...this.#recent(key, now), now]);
  }

  clear(key: string): void {
    this.#hits.delete(key);
  }
}

export class SignInLimiter {
  readonly byIp: FailureWindow;
  readonly byUsername: FailureWindow;
  constructor(readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {
    this.byIp = new FailureWindow(limits.windowMs, limits.perIp);
    this.byUsername = new FailureWindow(limits.windowMs, limits.perUsername);
  }
}

export type SignInResult =
  | { ok: true; user: AuthUser; session: IssuedSession }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'rate-limited'; retryAfterSeconds: number };

export interface SignInRequest {
  username: string;
  password: string;
  ip: string;
  userAgent?: string;
}

export async function signIn(db: AuthDb, request: SignInRequest, opts: { policy: SessionPolicy; limiter: SignInLimiter; now?: Date }): Promise<SignInResult> {
  const now = opts.now ?? new Date();
  const username = String(request.username ?? '').trim().toLowerCase().slice(0, 64);
  const password = String(request.password ?? '');
  const { limiter } = opts;
  const audit = (outcome: '0' | '4', user: AuthUser | null, desc?: string) =>
    recordAuditEvent(db, { action: 'E', operation: 'auth.sign-in', outcome, outcomeDesc: desc, user: user ?? { username, roles: [] }, sourceIp: request.ip, userAgent: request.userAgent });

  const ipKey = `ip:${request.ip}`;
  const userKey = `user:${username}`;
  const waitSeconds = Math.max(limiter.byIp.retryAfter(ipKey, now.getTime()), limiter.byUsername.retryAfter(userKey, now.getTime()));
  if (waitSeconds > 0) {
    await audit('4', null, 'rate-limited');
    return { ok: false, reason: 'rate-limited', retryAfterSeconds: waitSeconds };
  }

  const row = username ? await db.user.findUnique({ where: { username } }) : null;
  if (row?.lockedUntil && row.lockedUntil.getTime() > now.getTime()) {
    await audit('4', toAuthUser(row), 'locked');
    return { ok: false, reason: 'rate-limited', retryAfterSeconds: Math.max(1, Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000)) };
  }
  const usable = row && row.passwordHash && !row.disabled && password.length <= MAX_PASSWORD_LENGTH;
  // Always one argon2 verification, against the dummy hash when there is nothing real to verify.
  const matches = await verifyPassword(usable ? row.passwordHash! : await dummyPasswordHash(), password);
  if (!usable || !matches) {
    limiter.byIp.fail(ipKey, now.getTime());
    limiter.byUsername.fail(userKey, now.getTime());
    if (row) {
      const failed = row.failedSignIns + 1;
      const lock = failed >= limiter.limits.lockAfter;
      await db.user.update({ where: { id: row.id }, data: { failedSignIns: lock ? 0 : failed, lockedUntil: lock ? new Date(now.getTime() + limiter.limits.lockMs) : row.lockedUntil } });
    }
    await audit('4', row ? toAuthUser(row) : null, 'invalid-credentials');
    return { ok: false, reason: 'invalid' };
  }
  limiter.byUsername.clear(userKey);
  if (row.failedSignIns !== 0 || row.lockedUntil) await db.user.update({ where: { id: row.id }, data: { failedSignIns: 0, lockedUntil: null } });
  const session = await createSession(db, row.id, { ip: request.ip, userAgent: request.userAgent }, opts.policy, now);
  const user = toAuthUser(row);
  await audit('0', user);
  return { ok: true, user, session };
}
