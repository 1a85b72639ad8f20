import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcUser, createUser, linkOidcSubject, setDisabled } from '@oncoboard/auth';
import { openStore, type Store } from '@oncoboard/store';
import { signInAtProvider, startTestProvider, type TestProvider } from '@oncoboard/auth/testing';
import { oidcRelyingPartyFromEnv } from './http-oidc';
import { startApiServer, type ApiServer } from './server';

// The whole OpenID Connect sign-in over real HTTP: a real provider (oidc-provider) and the API server on loopback
// ports, a real SQLite store. The test plays the browser and the web app's gateway: the provider redirects to the
// web app's callback URL, whose query the gateway hands to the API's /auth/oidc/callback unchanged.
const REDIRECT_URI = 'http://127.0.0.1:3999/api/auth/oidc/callback';
const OIDC_VARS = ['ONCOBOARD_OIDC_ISSUER', 'ONCOBOARD_OIDC_CLIENT_ID', 'ONCOBOARD_OIDC_CLIENT_SECRET', 'ONCOBOARD_OIDC_REDIRECT_URI', 'ONCOBOARD_OIDC_DISPLAY_NAME', 'ONCOBOARD_OIDC_TIMEOUT_SECONDS'];
let work: string;
let store: Store;
let provider: TestProvider;
let server: ApiServer;

/** Starts an API server that reads ONCOBOARD_OIDC_* = `env` (on its first OIDC request, made here). */
async function serverWithOidcEnv(env: Record<string, string>): Promise<ApiServer> {
  const saved = Object.fromEntries(OIDC_VARS.map((k) => [k, process.env[k]]));
  for (const k of OIDC_VARS) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const started = await startApiServer({ store, port: 0 });
    await (await fetch(`${started.url}/auth/providers`)).arrayBuffer();
    return started;
  } finally {
    for (const k of OIDC_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-http-oidc-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'oidc.db')}` });
  provider = await startTestProvider({ clientId: 'oncoboard-web', redirectUri: REDIRECT_URI, subjects: ['alice-sub', 'stranger-sub', 'dora-sub'] });
  await createOidcUser(store.prisma, { username: 'alice', displayName: 'Dr Alice', roles: ['oncologist'], issuer: provider.issuer, subject: 'alice-sub' });
  await createUser(store.prisma, { username: 'dora', roles: ['care-coordinator'], password: 'a long enough passphrase' });
  await linkOidcSubject(store.prisma, 'dora', provider.issuer, 'dora-sub');
  await setDisabled(store.prisma, 'dora', true);
  // A public client: PKCE and no secret.
  server = await serverWithOidcEnv({ ONCOBOARD_OIDC_ISSUER: provider.issuer, ONCOBOARD_OIDC_CLIENT_ID: 'oncoboard-web', ONCOBOARD_OIDC_REDIRECT_URI: REDIRECT_URI, ONCOBOARD_OIDC_DISPLAY_NAME: 'Test IdP' });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await provider?.close();
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

const firstPart = (setCookie: string) => setCookie.split(';')[0]!;

/** GET /auth/oidc/start as a browser would: the provider URL and the handle cookie. */
async function start(query = '') {
  const res = await fetch(`${server.url}/auth/oidc/start${query}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const handleCookie = res.headers.getSetCookie().find((c) => c.startsWith('oncoboard_oidc='));
  return { location: new URL(res.headers.get('location')!, server.url), handleCookie, cookie: handleCookie ? firstPart(handleCookie) : '' };
}

const callback = (search: string, cookie: string) => fetch(`${server.url}/auth/oidc/callback${search}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

async function lastAudit() {
  return store.prisma.auditEvent.findFirst({ where: { operation: 'auth.sign-in' }, orderBy: { id: 'desc' } });
}

describe('OpenID Connect sign-in through the API', () => {
  it('GET /auth/providers tells the sign-in page that OIDC is on and its name; a server without the variables says off', async () => {
    const res = await fetch(`${server.url}/auth/providers`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ password: true, oidc: { displayName: 'Test IdP' } });
    const plain = await serverWithOidcEnv({});
    try {
      expect(await (await fetch(`${plain.url}/auth/providers`)).json()).toEqual({ password: true, oidc: null });
      expect((await fetch(`${plain.url}/auth/oidc/start`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('a linked account signs in: start → provider login → callback gives the same session and CSRF cookies as password sign-in', async () => {
    const { location, handleCookie, cookie } = await start('?next=%2Fpatients%2Fp1');
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(handleCookie).toMatch(/^oncoboard_oidc=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=600$/);

    const back = await signInAtProvider(location, 'alice-sub', REDIRECT_URI);
    const res = await callback(back.search, cookie);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/sign-in?signed-in=oidc&next=%2Fpatients%2Fp1');
    const set = res.headers.getSetCookie();
    expect(set.find((c) => c.startsWith('oncoboard_session='))).toMatch(/^oncoboard_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect(set.find((c) => c.startsWith('oncoboard_csrf='))).toMatch(/^oncoboard_csrf=[A-Za-z0-9_-]{43}; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect(set.find((c) => c.startsWith('oncoboard_oidc='))).toMatch(/^oncoboard_oidc=; HttpOnly; SameSite=Lax; Path=\/; Max-Age=0$/);

    const sessionCookie = set.filter((c) => !c.startsWith('oncoboard_oidc=')).map(firstPart).join('; ');
    const current = await fetch(`${server.url}/auth/session`, { headers: { cookie: sessionCookie } });
    expect(current.status).toBe(200);
    expect(await current.json()).toMatchObject({ user: { username: 'alice', displayName: 'Dr Alice', roles: ['oncologist'] } });
    expect(await lastAudit()).toMatchObject({ action: 'E', outcome: '0', outcomeDesc: 'oidc', username: 'alice' });

    // Replaying the same callback (same code, same handle cookie) is refused, and opens no session.
    const replay = await callback(back.search, cookie);
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toBe('/sign-in?error=oidc-failed');
    expect(replay.headers.getSetCookie().some((c) => c.startsWith('oncoboard_session='))).toBe(false);
    expect(await lastAudit()).toMatchObject({ outcome: '4', outcomeDesc: 'oidc:no-pending-sign-in' });
  });

  it('refuses a subject no admin linked, with a generic error, audited with outcome 4 and nothing from the token', async () => {
    const before = await store.prisma.session.count();
    const { location, cookie } = await start();
    const back = await signInAtProvider(location, 'stranger-sub', REDIRECT_URI);
    const res = await callback(back.search, cookie);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/sign-in?error=oidc-failed');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('oncoboard_session='))).toBe(false);
    expect(await store.prisma.session.count()).toBe(before);
    expect(await store.prisma.user.count({ where: { oidcSubject: 'stranger-sub' } })).toBe(0);
    const row = await lastAudit();
    expect(row).toMatchObject({ action: 'E', outcome: '4', outcomeDesc: 'oidc:unknown-subject', userId: null });
    const everything = JSON.stringify(await store.prisma.auditEvent.findMany());
    expect(everything).not.toContain('stranger-sub');
    expect(everything).not.toContain(back.searchParams.get('code')!);
  });

  it('refuses a disabled account', async () => {
    const { location, cookie } = await start();
    const back = await signInAtProvider(location, 'dora-sub', REDIRECT_URI);
    const res = await callback(back.search, cookie);
    expect(res.headers.get('location')).toBe('/sign-in?error=oidc-failed');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('oncoboard_session='))).toBe(false);
    expect(await lastAudit()).toMatchObject({ outcome: '4', outcomeDesc: 'oidc:disabled', username: 'dora' });
  });

  it('refuses a callback with the wrong state, and one without the browser\'s handle cookie', async () => {
    const first = await start();
    const back = await signInAtProvider(first.location, 'alice-sub', REDIRECT_URI);
    const forged = new URLSearchParams(back.search);
    forged.set('state', 'attacker-state');
    const wrongState = await callback(`?${forged}`, first.cookie);
    expect(wrongState.headers.get('location')).toBe('/sign-in?error=oidc-failed');
    expect(wrongState.headers.getSetCookie().some((c) => c.startsWith('oncoboard_session='))).toBe(false);
    expect(await lastAudit()).toMatchObject({ outcome: '4', outcomeDesc: 'oidc:state-mismatch' });

    // A callback link sent to someone else's browser (no handle cookie there) is refused.
    const second = await start();
    const back2 = await signInAtProvider(second.location, 'alice-sub', REDIRECT_URI);
    const noCookie = await callback(back2.search, '');
    expect(noCookie.headers.get('location')).toBe('/sign-in?error=oidc-failed');
    expect(noCookie.headers.getSetCookie().some((c) => c.startsWith('oncoboard_session='))).toBe(false);
  });

  it('keeps ?next= on this site only', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil', '/sign-in']) {
      const { location, cookie } = await start(`?next=${encodeURIComponent(next)}`);
      const back = await signInAtProvider(location, 'alice-sub', REDIRECT_URI);
      expect((await callback(back.search, cookie)).headers.get('location')).toBe('/sign-in?signed-in=oidc');
    }
  });

  it('answers only GET', async () => {
    const res = await fetch(`${server.url}/auth/oidc/start`, { method: 'POST' });
    expect(res.status).toBe(405);
  });

  it('a provider that is down sends the browser back to sign-in with a clear error, and the API keeps serving', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await serverWithOidcEnv({ ONCOBOARD_OIDC_ISSUER: `http://127.0.0.1:${port}`, ONCOBOARD_OIDC_CLIENT_ID: 'oncoboard-web', ONCOBOARD_OIDC_REDIRECT_URI: REDIRECT_URI, ONCOBOARD_OIDC_TIMEOUT_SECONDS: '2' });
    try {
      const res = await fetch(`${down.url}/auth/oidc/start`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/sign-in?error=oidc-unavailable');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect((await fetch(`${down.url}/healthz`)).status).toBe(200);
    } finally {
      await down.close();
    }
  });

  it('a misconfigured variable is named, and the server refuses to start with it', async () => {
    const env = { ONCOBOARD_OIDC_ISSUER: 'http://idp.example.org', ONCOBOARD_OIDC_CLIENT_ID: 'x', ONCOBOARD_OIDC_REDIRECT_URI: REDIRECT_URI };
    expect(() => oidcRelyingPartyFromEnv(env)).toThrow(/^ONCOBOARD_OIDC_ISSUER: expected an https:\/\/ URL/);
    await expect(serverWithOidcEnv(env)).rejects.toThrow(/^ONCOBOARD_OIDC_ISSUER: expected an https:\/\/ URL/);
  });

  it('the provider going down between login and callback: a clear error, audited as a failure, and the API keeps serving (runs last)', async () => {
    const { location, cookie } = await start();
    const back = await signInAtProvider(location, 'alice-sub', REDIRECT_URI);
    await provider.close();
    const res = await callback(back.search, cookie);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/sign-in?error=oidc-unavailable');
    expect(await lastAudit()).toMatchObject({ outcome: '8', outcomeDesc: 'oidc:provider-unavailable' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
