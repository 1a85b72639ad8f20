import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@oncoboard/store';
import {
  AuthError, createOidcUser, createUser, findOidcUser, linkOidcSubject, OidcCallbackError, oidcConfigFromEnv, OidcConfigError, OidcRelyingParty, OidcUnavailableError,
  signIn, SignInLimiter, unlinkOidcSubject, type OidcConfig,
} from './index';
import { signInAtProvider, startTestProvider, type TestProvider } from './testing/oidc-test-provider';

// The relying party against a real OpenID Provider (oidc-provider) on a loopback port, and the account links
// against a real SQLite store.
const REDIRECT_URI = 'http://127.0.0.1:3999/api/auth/oidc/callback';
let work: string;
let store: Store;
let provider: TestProvider;
let config: OidcConfig;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-oidc-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'oidc.db')}` });
  provider = await startTestProvider({ clientId: 'oncoboard', clientSecret: 'test-client-secret', redirectUri: REDIRECT_URI, subjects: ['alice-sub', 'bob-sub'] });
  config = oidcConfigFromEnv({ ONCOBOARD_OIDC_ISSUER: provider.issuer, ONCOBOARD_OIDC_CLIENT_ID: 'oncoboard', ONCOBOARD_OIDC_CLIENT_SECRET: 'test-client-secret', ONCOBOARD_OIDC_REDIRECT_URI: REDIRECT_URI })!;
}, 60_000);
afterAll(async () => {
  await provider?.close();
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('configuration from the environment', () => {
  const base = { ONCOBOARD_OIDC_ISSUER: 'https://login.example.org/realms/h', ONCOBOARD_OIDC_CLIENT_ID: 'oncoboard', ONCOBOARD_OIDC_REDIRECT_URI: 'https://onco.example.org/api/auth/oidc/callback' };

  it('is off when no ONCOBOARD_OIDC_* variable is set, and reads a public client with defaults', () => {
    expect(oidcConfigFromEnv({})).toBeNull();
    const c = oidcConfigFromEnv(base)!;
    expect(c.issuer.href).toBe('https://login.example.org/realms/h');
    expect(c.clientSecret).toBeUndefined();
    expect(c.displayName).toBe('login.example.org');
    expect(c.timeoutSeconds).toBe(10);
    expect(oidcConfigFromEnv({ ...base, ONCOBOARD_OIDC_DISPLAY_NAME: 'Hospital SSO', ONCOBOARD_OIDC_CLIENT_SECRET: 's' })).toMatchObject({ displayName: 'Hospital SSO', clientSecret: 's' });
  });

  it('names the variable that is missing or wrong', () => {
    const problem = (env: Record<string, string>) => {
      try {
        oidcConfigFromEnv(env);
        return 'no error';
      } catch (error) {
        expect(error).toBeInstanceOf(OidcConfigError);
        return (error as Error).message;
      }
    };
    expect(problem({ ONCOBOARD_OIDC_CLIENT_ID: 'x' })).toMatch(/^ONCOBOARD_OIDC_ISSUER: expected/);
    expect(problem({ ...base, ONCOBOARD_OIDC_CLIENT_ID: '' })).toMatch(/^ONCOBOARD_OIDC_CLIENT_ID: expected/);
    expect(problem({ ...base, ONCOBOARD_OIDC_REDIRECT_URI: '' })).toMatch(/^ONCOBOARD_OIDC_REDIRECT_URI: expected/);
    expect(problem({ ...base, ONCOBOARD_OIDC_ISSUER: 'not a url' })).toMatch(/^ONCOBOARD_OIDC_ISSUER: expected an absolute https/);
    // Plain http only on loopback: an ID token fetched over the network in clear is no proof.
    expect(problem({ ...base, ONCOBOARD_OIDC_ISSUER: 'http://login.example.org' })).toMatch(/^ONCOBOARD_OIDC_ISSUER: expected an https/);
    expect(problem({ ...base, ONCOBOARD_OIDC_ISSUER: 'http://127.0.0.1:8080' })).toBe('no error');
    expect(problem({ ...base, ONCOBOARD_OIDC_REDIRECT_URI: 'ftp://x/cb' })).toMatch(/^ONCOBOARD_OIDC_REDIRECT_URI: expected an https/);
    expect(problem({ ...base, ONCOBOARD_OIDC_TIMEOUT_SECONDS: 'soon' })).toMatch(/^ONCOBOARD_OIDC_TIMEOUT_SECONDS: expected seconds/);
    expect(problem({ ...base, ONCOBOARD_OIDC_DISPLAY_NAME: 'x'.repeat(61) })).toMatch(/^ONCOBOARD_OIDC_DISPLAY_NAME: expected at most 60/);
  });
});

describe('accounts linked to a subject', () => {
  it('creates an OIDC-only account (no password: password sign-in refuses it) and finds it by issuer and subject', async () => {
    const user = await createOidcUser(store.prisma, { username: 'alice', roles: ['oncologist'], issuer: `${provider.issuer}/`, subject: 'alice-sub' });
    expect(user.roles).toEqual(['oncologist']);
    // The trailing slash is normalized away on both sides.
    expect((await findOidcUser(store.prisma, provider.issuer, 'alice-sub'))?.user.username).toBe('alice');
    expect(await findOidcUser(store.prisma, provider.issuer, 'ALICE-SUB')).toBeNull();
    expect(await findOidcUser(store.prisma, 'https://other.example.org', 'alice-sub')).toBeNull();
    expect((await store.prisma.user.findUnique({ where: { username: 'alice' } }))!.passwordHash).toBeNull();
    const attempt = await signIn(store.prisma, { username: 'alice', password: 'any password at all', ip: '127.0.0.1' }, { policy: { idleMs: 60_000, absoluteMs: 60_000 }, limiter: new SignInLimiter() });
    expect(attempt).toEqual({ ok: false, reason: 'invalid' });
  });

  it('links an existing account, refuses a subject linked to someone else, and unlinks', async () => {
    await createUser(store.prisma, { username: 'carol', roles: ['care-coordinator'], password: 'a long enough passphrase' });
    await expect(linkOidcSubject(store.prisma, 'carol', provider.issuer, 'alice-sub')).rejects.toThrow(/already linked to alice/);
    await expect(createOidcUser(store.prisma, { username: 'alice2', roles: ['oncologist'], issuer: provider.issuer, subject: 'alice-sub' })).rejects.toBeInstanceOf(AuthError);
    await expect(linkOidcSubject(store.prisma, 'carol', 'not-a-url', 'x')).rejects.toThrow(/--oidc-issuer/);
    await expect(linkOidcSubject(store.prisma, 'carol', provider.issuer, 'bad subject with spaces')).rejects.toThrow(/--oidc-subject/);
    await linkOidcSubject(store.prisma, 'carol', provider.issuer, 'carol-sub');
    expect((await findOidcUser(store.prisma, provider.issuer, 'carol-sub'))?.user.username).toBe('carol');
    expect(await unlinkOidcSubject(store.prisma, 'carol')).toBe(true);
    expect(await findOidcUser(store.prisma, provider.issuer, 'carol-sub')).toBeNull();
    expect(await unlinkOidcSubject(store.prisma, 'carol')).toBe(false);
  });
});

describe('the relying party against a real provider', () => {
  it('sends the browser with PKCE (S256), state and nonce, and completes once with the provider\'s issuer and subject', async () => {
    const rp = new OidcRelyingParty(config);
    const { authorizationUrl, handle } = await rp.begin('/patients');
    expect(authorizationUrl.origin).toBe(provider.issuer);
    const q = authorizationUrl.searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toBeTruthy();
    expect(q.get('nonce')).toBeTruthy();
    expect(q.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(rp.pendingCount).toBe(1);
    const callback = await signInAtProvider(authorizationUrl, 'alice-sub', REDIRECT_URI);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(await rp.complete(handle, callback.search)).toEqual({ issuer: provider.issuer, subject: 'alice-sub', next: '/patients' });
    // One use: the same callback again finds no pending sign-in.
    await expect(rp.complete(handle, callback.search)).rejects.toMatchObject({ reason: 'no-pending-sign-in' });
    expect(rp.pendingCount).toBe(0);
  });

  it('refuses a callback whose state is not the one sent, one from another browser\'s handle, and an expired one', async () => {
    let now = Date.now();
    const rp = new OidcRelyingParty(config, { now: () => now });
    const first = await rp.begin();
    const callback = await signInAtProvider(first.authorizationUrl, 'bob-sub', REDIRECT_URI);
    const forged = new URLSearchParams(callback.search);
    forged.set('state', 'attacker-chosen-state');
    await expect(rp.complete(first.handle, `?${forged}`)).rejects.toMatchObject({ reason: 'state-mismatch' });

    const second = await rp.begin();
    const secondCallback = await signInAtProvider(second.authorizationUrl, 'bob-sub', REDIRECT_URI);
    await expect(rp.complete('some-other-handle', secondCallback.search)).rejects.toBeInstanceOf(OidcCallbackError);
    await expect(rp.complete(undefined, secondCallback.search)).rejects.toMatchObject({ reason: 'no-pending-sign-in' });

    const third = await rp.begin();
    const thirdCallback = await signInAtProvider(third.authorizationUrl, 'bob-sub', REDIRECT_URI);
    now += 10 * 60_000 + 1;
    await expect(rp.complete(third.handle, thirdCallback.search)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('refuses an authorization code exchanged with the wrong PKCE verifier (the provider says no)', async () => {
    const rp = new OidcRelyingParty(config);
    const a = await rp.begin();
    const b = await rp.begin();
    const callbackA = await signInAtProvider(a.authorizationUrl, 'bob-sub', REDIRECT_URI);
    // b's handle with a's code and b's state: state passes, but b's verifier does not fit a's challenge.
    const swapped = new URLSearchParams(callbackA.search);
    swapped.set('state', new URL(b.authorizationUrl).searchParams.get('state')!);
    await expect(rp.complete(b.handle, `?${swapped}`)).rejects.toMatchObject({ reason: 'token-rejected' });
  });

  it('holds at most maxPending started sign-ins', async () => {
    const rp = new OidcRelyingParty(config, { maxPending: 3 });
    const handles = [];
    for (let i = 0; i < 5; i++) handles.push((await rp.begin()).handle);
    expect(rp.pendingCount).toBe(3);
    await expect(rp.complete(handles[0], '?state=x')).rejects.toMatchObject({ reason: 'no-pending-sign-in' });
  });

  it('reports a provider that is down, or that never answers, as unavailable within the timeout, and tries again later', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = new OidcRelyingParty({ ...config, issuer: new URL(`http://127.0.0.1:${port}`) });
    await expect(down.begin()).rejects.toBeInstanceOf(OidcUnavailableError);
    await expect(down.begin()).rejects.toThrow(new RegExp(`OpenID provider http://127.0.0.1:${port} did not answer discovery`));

    // Accepts the connection and never answers.
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    const hanging = new OidcRelyingParty({ ...config, issuer: new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`), timeoutSeconds: 0.5 });
    await expect(hanging.begin()).rejects.toBeInstanceOf(OidcUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
    silent.closeAllConnections();
    silent.close();
  });
});
