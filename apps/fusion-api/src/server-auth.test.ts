import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, grantPatientAccess, sha256Hex } from '@oncoboard/auth';
import { openStore, type Store } from '@oncoboard/store';
import { startApiServer, type ApiServer } from './server';

// The HTTP contract of sign-in, sessions, CSRF and security headers, through real HTTP on a loopback port
// against a real SQLite store.
const PASSWORD = 'a long enough passphrase';
let work: string;
let store: Store;
let server: ApiServer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-http-auth-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'auth.db')}` });
  await store.prisma.patient.create({ data: { key: 'Patient/p1', displayName: 'Test One', sortName: 'test one', searchText: 'test one p1' } });
  await store.prisma.patient.create({ data: { key: 'Patient/p2', displayName: 'Test Two', sortName: 'test two', searchText: 'test two p2' } });
  await createUser(store.prisma, { username: 'onc', displayName: 'Dr Onc', roles: ['oncologist', 'care-coordinator'], password: PASSWORD });
  await grantPatientAccess(store.prisma, 'onc', ['Patient/p1'], 'test');
  server = await startApiServer({ store, port: 0, signInLimits: { windowMs: 60_000, perIp: 50, perUsername: 3, lockAfter: 100, lockMs: 60_000 } });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

async function signIn(username: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });
}

/** Signs in and returns the Cookie header value and the CSRF token. */
async function session(username = 'onc') {
  const res = await signIn(username, PASSWORD);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string };
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  return { cookie: cookies.join('; '), csrf: body.csrfToken, setCookies: res.headers.getSetCookie(), body };
}

const trpcGet = (path: string, input: unknown, cookie?: string) =>
  fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: cookie ? { cookie } : {} });
const trpcPost = (path: string, input: unknown, headers: Record<string, string>) =>
  fetch(`${server.url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) });

describe('sign-in', () => {
  it('answers with the user and a CSRF token, and sets the session and CSRF cookies with the contract\'s attributes', async () => {
    const { setCookies, body } = await session();
    expect(body).toMatchObject({ user: { username: 'onc', displayName: 'Dr Onc', roles: ['oncologist', 'care-coordinator'] }, csrfToken: expect.any(String), expiresAt: expect.any(String) });
    const sessionCookie = setCookies.find((c) => c.startsWith('oncoboard_session='))!;
    const csrfCookie = setCookies.find((c) => c.startsWith('oncoboard_csrf='))!;
    expect(sessionCookie).toMatch(/^oncoboard_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect(csrfCookie).toMatch(/^oncoboard_csrf=[A-Za-z0-9_-]{43}; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect(csrfCookie).toContain((body as { csrfToken: string }).csrfToken);
    // Max-Age is the session's lifetime (12 h by default).
    expect(Number(/Max-Age=(\d+)/.exec(sessionCookie)![1])).toBeGreaterThan(11 * 3600);
    // Only hashes are stored.
    const token = sessionCookie.split(';')[0]!.split('=')[1]!;
    expect(await store.prisma.session.findUnique({ where: { id: sha256Hex(token) } })).not.toBeNull();
    expect(await store.prisma.session.findUnique({ where: { id: token } })).toBeNull();
  });

  it('marks cookies Secure and sends HSTS when the loopback gateway says the request came over TLS', async () => {
    const res = await signIn('onc', PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    for (const c of res.headers.getSetCookie()) expect(c).toMatch(/; Secure$/);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect((await fetch(`${server.url}/healthz`)).headers.get('strict-transport-security')).toBeNull();
  });

  it('answers a wrong password and an unknown user with the same 401 text', async () => {
    const wrong = await signIn('onc', 'not the password at all');
    const unknown = await signIn('nobody-here', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid username or password' });
    expect(await unknown.json()).toEqual({ error: 'invalid username or password' });
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('rate-limits repeated failures with 429 and Retry-After', async () => {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await signIn('ratelimited', 'wrong password again')).status);
    expect(codes).toEqual([401, 401, 401, 429]);
    const limited = await signIn('ratelimited', 'wrong password again');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses bodies that are not JSON or too large, before any password check', async () => {
    const form = await fetch(`${server.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=onc&password=x' });
    expect(form.status).toBe(415);
    const huge = await fetch(`${server.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'onc', password: 'x'.repeat(20_000) }) });
    expect(huge.status).toBe(413);
    const shape = await fetch(`${server.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"onc"}' });
    expect(shape.status).toBe(400);
  });
});

describe('sessions, CSRF and tRPC', () => {
  it('tRPC answers 401 without a session and serves the signed-in user\'s patients with one', async () => {
    expect((await trpcGet('patients.search', {})).status).toBe(401);
    const { cookie } = await session();
    const res = await trpcGet('patients.search', {}, cookie);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { items: { key: string }[]; total: number } } };
    expect(body.result.data.items.map((p) => p.key)).toEqual(['Patient/p1']);
    expect((await trpcGet('patients.overview', { patientKey: 'Patient/p2' }, cookie)).status).toBe(403);
    expect((await trpcGet('audit.search', {}, cookie)).status).toBe(403);
  });

  it('refuses a mutation without the CSRF header (403) and with a wrong one, and runs it with the right one', async () => {
    const { cookie, csrf } = await session();
    const input = { title: 'Board', specialty: 'gi', meetingAt: '2026-01-01T08:00:00Z' };
    expect((await trpcPost('boards.create', input, { cookie })).status).toBe(403);
    expect((await trpcPost('boards.create', input, { cookie, 'x-csrf-token': 'A'.repeat(43) })).status).toBe(403);
    // Another session's token does not fit this one.
    const other = await session();
    expect((await trpcPost('boards.create', input, { cookie, 'x-csrf-token': other.csrf })).status).toBe(403);
    expect(await store.prisma.tumorBoard.count()).toBe(0);
    const ok = await trpcPost('boards.create', input, { cookie, 'x-csrf-token': csrf });
    expect(ok.status).toBe(200);
    expect(await store.prisma.tumorBoard.count()).toBe(1);
  });

  it('GET /auth/session gives the user; sign-out needs the CSRF header, ends the session and expires both cookies', async () => {
    const { cookie, csrf } = await session();
    const current = await fetch(`${server.url}/auth/session`, { headers: { cookie } });
    expect(current.status).toBe(200);
    expect(await current.json()).toMatchObject({ user: { username: 'onc' }, expiresAt: expect.any(String) });
    expect((await fetch(`${server.url}/auth/sign-out`, { method: 'POST', headers: { cookie } })).status).toBe(403);
    const out = await fetch(`${server.url}/auth/sign-out`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    const expired = out.headers.getSetCookie();
    expect(expired.find((c) => c.startsWith('oncoboard_session=;'))).toMatch(/Max-Age=0/);
    expect(expired.find((c) => c.startsWith('oncoboard_csrf=;'))).toMatch(/Max-Age=0/);
    const after = await fetch(`${server.url}/auth/session`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: 'not signed in' });
    expect((await trpcGet('patients.search', {}, cookie)).status).toBe(401);
  });

  it('an expired session answers 401', async () => {
    const { cookie } = await session();
    const token = /oncoboard_session=([^;]+)/.exec(cookie)![1]!;
    await store.prisma.session.update({ where: { id: sha256Hex(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await fetch(`${server.url}/auth/session`, { headers: { cookie } })).status).toBe(401);
    expect((await trpcGet('patients.search', {}, cookie)).status).toBe(401);
    // Idle too long (last seen beyond the idle limit) ends it as well.
    const idle = await session();
    const idleToken = /oncoboard_session=([^;]+)/.exec(idle.cookie)![1]!;
    await store.prisma.session.update({ where: { id: sha256Hex(idleToken) }, data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    expect((await trpcGet('patients.search', {}, idle.cookie)).status).toBe(401);
  });

  it('sends the security headers on every response', async () => {
    const { cookie } = await session();
    const responses = await Promise.all([
      fetch(`${server.url}/healthz`),
      fetch(`${server.url}/nowhere`),
      trpcGet('patients.search', {}),
      trpcGet('patients.search', {}, cookie),
      fetch(`${server.url}/auth/session`),
      signIn('onc', 'wrong wrong wrong'),
    ]);
    for (const res of responses) {
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('audits the sign-ins and the patient reads with the caller\'s address', async () => {
    const signIns = await store.prisma.auditEvent.count({ where: { operation: 'auth.sign-in', outcome: '0', username: 'onc' } });
    expect(signIns).toBeGreaterThan(3);
    const refused = await store.prisma.auditEvent.findFirst({ where: { operation: 'auth.sign-in', outcome: '4' } });
    expect(refused?.sourceIp).toMatch(/127\.0\.0\.1/);
    const read = await store.prisma.auditEvent.findFirst({ where: { operation: 'patients.search', username: 'onc', outcome: '0' } });
    expect(JSON.parse(read!.entitiesJson)).toEqual(['Patient/p1']);
  });
});
