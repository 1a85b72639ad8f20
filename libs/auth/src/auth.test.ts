import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateResource } from '@oncoboard/ehr-fhir';
import { openStore, type Store } from '@oncoboard/store';
import {
  accessiblePatientsWhere, addBoardMember, canSeePatient, createUser, csrfTokenMatches, deleteSession, exportAuditBundle, grantPatientAccess, hasPermission,
  hashPassword, LAST_SEEN_RESOLUTION_MS, passwordProblem, recordAuditEvent, resolveSession, revokePatientAccess, searchAuditEvents, signIn, SignInLimiter, verifyPassword, visiblePatientKeys,
  type AuthUser, type SessionPolicy,
} from './index';

// Against a real SQLite store (migrated), with patients and a board written through Prisma.
let work: string;
let store: Store;
const policy: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-auth-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'auth.db')}` });
  for (const key of ['Patient/a', 'Patient/b', 'Patient/c']) await store.prisma.patient.create({ data: { key } });
  await store.prisma.tumorBoard.create({ data: { id: 'board-1', title: 'Breast', specialty: 'breast', meetingAt: new Date('2026-01-01T10:00:00Z'), createdBy: 'test' } });
  await store.prisma.boardCase.create({ data: { id: 'case-1', boardId: 'board-1', patientKey: 'Patient/c', question: 'q', position: 0 } });
}, 60_000);
afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('passwords', () => {
  it('hashes with argon2id at OWASP parameters and verifies', async () => {
    const phc = await hashPassword(PASSWORD);
    expect(phc.startsWith('$argon2id$')).toBe(true);
    const o = parseOptions(phc);
    expect(o.memoryCost).toBeGreaterThanOrEqual(19_456);
    expect(o.timeCost).toBeGreaterThanOrEqual(2);
    expect(await verifyPassword(phc, PASSWORD)).toBe(true);
    expect(await verifyPassword(phc, `${PASSWORD}!`)).toBe(false);
    expect(await verifyPassword('not a hash', PASSWORD)).toBe(false);
  });
  it('refuses short, simple and name-bearing passwords', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('aaaaaaaaaaaaaaa')).toMatch(/simple/);
    expect(passwordProblem('dr.house-secret-1', 'dr.house')).toMatch(/username/);
    expect(passwordProblem(PASSWORD, 'alice')).toBeUndefined();
  });
});

describe('roles', () => {
  it('gives developers and admins no patient data', () => {
    for (const p of ['patient:read-timeline', 'patient:read-record'] as const) {
      expect(hasPermission(['developer'], p)).toBe(false);
      expect(hasPermission(['admin'], p)).toBe(false);
      expect(hasPermission(['admin', 'oncologist'], p)).toBe(true);
    }
    expect(hasPermission(['care-coordinator'], 'patient:read-record')).toBe(false);
    expect(hasPermission(['admin'], 'audit:read')).toBe(true);
    expect(hasPermission(['oncologist'], 'audit:read')).toBe(false);
    expect(hasPermission(['root'], 'audit:read')).toBe(false);
  });
});

describe('sign-in and sessions', () => {
  let user: AuthUser;
  beforeAll(async () => {
    user = await createUser(store.prisma, { username: 'Alice', displayName: 'Dr Alice', roles: ['oncologist'], password: PASSWORD });
  });

  it('stores only token hashes; a session resolves, matches its CSRF token, and ends on sign-out', async () => {
    const r = await signIn(store.prisma, { username: 'alice', password: PASSWORD, ip: '10.0.0.1' }, { policy, limiter: new SignInLimiter() });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.user.username).toBe('alice');
    const rows = await store.prisma.session.findMany({ where: { userId: user.id } });
    expect(rows.some((s) => s.id === r.session.token || s.csrfTokenHash === r.session.csrfToken)).toBe(false);
    const active = await resolveSession(store.prisma, r.session.token, policy);
    expect(active?.user.id).toBe(user.id);
    expect(csrfTokenMatches(active!, r.session.csrfToken)).toBe(true);
    expect(csrfTokenMatches(active!, 'x'.repeat(43))).toBe(false);
    expect(csrfTokenMatches(active!, undefined)).toBe(false);
    await deleteSession(store.prisma, r.session.token);
    expect(await resolveSession(store.prisma, r.session.token, policy)).toBeNull();
  });

  it('ends sessions after idle time and after the absolute lifetime', async () => {
    const t0 = new Date('2026-03-01T08:00:00Z');
    const r = await signIn(store.prisma, { username: 'alice', password: PASSWORD, ip: '10.0.0.2' }, { policy, limiter: new SignInLimiter(), now: t0 });
    if (!r.ok) throw new Error('sign-in failed');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await resolveSession(store.prisma, r.session.token, policy, at(29 * 60_000))).not.toBeNull();
    // Used at 29 min, so idle counts from there: still alive at 58 min, gone after 29 + 31 min.
    expect(await resolveSession(store.prisma, r.session.token, policy, at(58 * 60_000))).not.toBeNull();
    expect(await resolveSession(store.prisma, r.session.token, policy, at(58 * 60_000 + 31 * 60_000))).toBeNull();

    const r2 = await signIn(store.prisma, { username: 'alice', password: PASSWORD, ip: '10.0.0.2' }, { policy, limiter: new SignInLimiter(), now: t0 });
    if (!r2.ok) throw new Error('sign-in failed');
    let t = 0;
    while (t < policy.absoluteMs - 20 * 60_000) {
      t += 20 * 60_000;
      expect(await resolveSession(store.prisma, r2.session.token, policy, at(t))).not.toBeNull();
    }
    expect(await resolveSession(store.prisma, r2.session.token, policy, at(policy.absoluteMs + 1))).toBeNull();
  });

  it("through the store's one-query reads: the same idle and absolute expiry, and lastSeenAt written at most once a minute", async () => {
    const t0 = new Date('2026-04-01T08:00:00Z');
    const r = await signIn(store.prisma, { username: 'alice', password: PASSWORD, ip: '10.0.0.3' }, { policy, limiter: new SignInLimiter(), now: t0 });
    if (!r.ok) throw new Error('sign-in failed');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const resolve = (ms: number) => resolveSession(store.prisma, r.session.token, policy, at(ms), store.accessReads);
    const lastSeen = async () => (await store.prisma.session.findFirst({ where: { userId: user.id, ip: '10.0.0.3' } }))?.lastSeenAt.getTime();
    expect((await resolve(30_000))?.user).toEqual(user);
    expect(await lastSeen()).toBe(t0.getTime()); // used 30 s after the last write: not written again
    expect((await resolve(LAST_SEEN_RESOLUTION_MS + 1_000))?.expiresAt).toEqual(at(LAST_SEEN_RESOLUTION_MS + 1_000 + policy.idleMs));
    expect(await lastSeen()).toBe(at(LAST_SEEN_RESOLUTION_MS + 1_000).getTime());
    // Idle counts from the last write: alive just before it, gone at it (at most LAST_SEEN_RESOLUTION_MS early, never late).
    const written = LAST_SEEN_RESOLUTION_MS + 1_000;
    expect(await resolve(written + 20 * 60_000)).not.toBeNull();
    expect(await resolve(written + 20 * 60_000 + policy.idleMs)).toBeNull();
    expect(await resolve(written)).toBeNull(); // the expired session was ended, not just refused

    const r2 = await signIn(store.prisma, { username: 'alice', password: PASSWORD, ip: '10.0.0.3' }, { policy, limiter: new SignInLimiter(), now: t0 });
    if (!r2.ok) throw new Error('sign-in failed');
    let t = 0;
    while (t < policy.absoluteMs - 20 * 60_000) {
      t += 20 * 60_000;
      expect(await resolveSession(store.prisma, r2.session.token, policy, at(t), store.accessReads)).not.toBeNull();
    }
    expect(await resolveSession(store.prisma, r2.session.token, policy, at(policy.absoluteMs + 1), store.accessReads)).toBeNull();
    expect(await resolveSession(store.prisma, 'no-such-token', policy, t0, store.accessReads)).toBeNull();
  });

  it('answers a wrong password and an unknown user alike, in comparable time', async () => {
    const limiter = new SignInLimiter();
    const time = async (username: string) => {
      const started = performance.now();
      const r = await signIn(store.prisma, { username, password: 'wrong password!!', ip: '10.0.0.3' }, { policy, limiter });
      return { r, ms: performance.now() - started };
    };
    await time('nobody-warmup');
    const wrong = await time('alice');
    const unknown = await time('nobody');
    expect(wrong.r).toEqual({ ok: false, reason: 'invalid' });
    expect(unknown.r).toEqual({ ok: false, reason: 'invalid' });
    // Both ran one argon2 verification (tens of ms): the unknown name is not answered in a fraction of that.
    expect(unknown.ms).toBeGreaterThan(wrong.ms * 0.3);
  });

  it('rate-limits per username and per address, and locks the account after repeated failures', async () => {
    const limiter = new SignInLimiter({ windowMs: 60_000, perIp: 8, perUsername: 3, lockAfter: 4, lockMs: 60_000 });
    const attempt = (username: string, ip: string, password = 'wrong password!!') => signIn(store.prisma, { username, password, ip }, { policy, limiter });
    for (let i = 0; i < 3; i++) expect((await attempt('alice', `10.1.0.${i}`)).ok).toBe(false);
    const limited = await attempt('alice', '10.1.0.9', PASSWORD);
    expect(limited).toMatchObject({ ok: false, reason: 'rate-limited' });
    // The same for a name that does not exist: a lockout reveals nothing.
    for (let i = 0; i < 3; i++) await attempt('ghost', `10.2.0.${i}`);
    expect(await attempt('ghost', '10.2.0.9')).toMatchObject({ ok: false, reason: 'rate-limited' });
    // Per address: 8 failures over many names, then the address is refused even with a right password.
    const ipLimiter = new SignInLimiter({ windowMs: 60_000, perIp: 8, perUsername: 100, lockAfter: 100, lockMs: 60_000 });
    for (let i = 0; i < 8; i++) await signIn(store.prisma, { username: `guess${i}`, password: 'wrong password!!', ip: '10.3.0.1' }, { policy, limiter: ipLimiter });
    const byIp = await signIn(store.prisma, { username: 'alice', password: PASSWORD, ip: '10.3.0.1' }, { policy, limiter: ipLimiter });
    expect(byIp).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect((byIp as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('locks the account in the database (shared by processes) after lockAfter consecutive failures', async () => {
    await createUser(store.prisma, { username: 'bob', roles: ['care-coordinator'], password: PASSWORD });
    const opts = () => ({ policy, limiter: new SignInLimiter({ windowMs: 60_000, perIp: 100, perUsername: 100, lockAfter: 3, lockMs: 60_000 }) });
    for (let i = 0; i < 3; i++) await signIn(store.prisma, { username: 'bob', password: 'wrong password!!', ip: '10.4.0.1' }, opts());
    const row = await store.prisma.user.findUniqueOrThrow({ where: { username: 'bob' } });
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await signIn(store.prisma, { username: 'bob', password: PASSWORD, ip: '10.4.0.2' }, opts())).toMatchObject({ ok: false, reason: 'rate-limited' });
  });
});

describe('patient-level access', () => {
  it('follows the care team and board seats, and nothing else', async () => {
    const onc = await createUser(store.prisma, { username: 'carol', roles: ['oncologist'], password: PASSWORD });
    const dev = await createUser(store.prisma, { username: 'dave', roles: ['developer'], password: PASSWORD });
    // Each answer twice: through Prisma, and through the store's one-query read (a prepared statement on SQLite).
    const sees = async (u: AuthUser, key: string) => {
      const viaPrisma = await canSeePatient(store.prisma, u, key);
      expect(await canSeePatient(store.prisma, u, key, store.accessReads)).toBe(viaPrisma);
      return viaPrisma;
    };
    expect(await sees(onc, 'Patient/a')).toBe(false);
    await grantPatientAccess(store.prisma, 'carol', ['Patient/a'], 'test');
    expect(await sees(onc, 'Patient/a')).toBe(true);
    expect(await sees(onc, 'Patient/c')).toBe(false);
    await addBoardMember(store.prisma, 'carol', 'board-1');
    expect(await sees(onc, 'Patient/c')).toBe(true);
    expect(await sees(dev, 'Patient/a')).toBe(false);
    expect([...(await visiblePatientKeys(store.prisma, onc, ['Patient/a', 'Patient/b', 'Patient/c']))].sort()).toEqual(['Patient/a', 'Patient/c']);
    const listed = await store.prisma.patient.findMany({ where: accessiblePatientsWhere(onc), orderBy: { key: 'asc' } });
    expect(listed.map((p) => p.key)).toEqual(['Patient/a', 'Patient/c']);
    await revokePatientAccess(store.prisma, 'carol', ['Patient/a']);
    expect(await sees(onc, 'Patient/a')).toBe(false);
    await expect(grantPatientAccess(store.prisma, 'dave', 'all', 'test')).rejects.toThrow(/no clinical role/);
    expect(await store.prisma.patient.count({ where: accessiblePatientsWhere(dev) })).toBe(0);
    await expect(grantPatientAccess(store.prisma, 'carol', ['Patient/zzz'], 'test')).rejects.toThrow(/no such patient.*Patient\/zzz/);
  });
});

describe('audit', () => {
  it('searches and exports events as R4-valid FHIR AuditEvents', async () => {
    await recordAuditEvent(store.prisma, {
      action: 'R', operation: 'patients.overview', outcome: '0', user: { id: 'user-x', username: 'carol', roles: ['oncologist'] }, patientKey: 'Patient/a',
      entities: ['fhir/Condition/c1', 'dicom/series/1.2.3'], sourceIp: '127.0.0.1', userAgent: 'vitest',
    });
    await recordAuditEvent(store.prisma, { action: 'R', operation: 'patients.overview', outcome: '4', outcomeDesc: 'FORBIDDEN', user: { username: 'dave', roles: ['developer'] }, patientKey: 'Patient/b' });
    const found = await searchAuditEvents(store.prisma, { patientKey: 'Patient/a', operation: 'patients.overview' });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ username: 'carol', action: 'R', outcome: '0', entities: ['fhir/Condition/c1', 'dicom/series/1.2.3'] });
    const refused = await searchAuditEvents(store.prisma, { outcome: '4', username: 'dave' });
    expect(refused.items.map((i) => i.patientKey)).toEqual(['Patient/b']);
    const paged = await searchAuditEvents(store.prisma, { limit: 1 });
    expect(paged.nextBefore).toBeDefined();
    const bundle = (await exportAuditBundle(store.prisma)) as { entry: { resource: Record<string, unknown> }[] };
    expect(bundle.entry.length).toBeGreaterThanOrEqual(2);
    for (const { resource } of bundle.entry) {
      const outcome = validateResource(resource as never, { file: 'audit-export' } as never);
      const errors = (outcome.issue ?? []).filter((i: { severity: string }) => i.severity === 'error' || i.severity === 'fatal');
      expect(errors, JSON.stringify(errors)).toEqual([]);
    }
    // The validator does check AuditEvents: one without its required source is refused.
    const { source: _source, ...broken } = bundle.entry[0]!.resource;
    expect(validateResource(broken as never, { file: 'audit-export' } as never).issue.some((i: { severity: string }) => i.severity === 'error')).toBe(true);
  });
});
