/**
 * Test support (not exported by the lib): a real OpenID Provider (oidc-provider, a devDependency) on a loopback
 * port, with one registered client and a fixed set of accounts, and a scripted browser that signs in through the
 * provider's own login and consent pages (its development interactions) over real HTTP.
 */
/// <reference path="./oidc-provider.d.ts" />
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestProviderOptions {
  clientId: string;
  /** Absent: a public client (token_endpoint_auth_method "none"; PKCE is required for every client anyway). */
  clientSecret?: string;
  redirectUri: string;
  /** Subjects the provider knows (findAccount); any other login is refused by the provider. */
  subjects: readonly string[];
}

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startTestProvider(opts: TestProviderOptions): Promise<TestProvider> {
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const subjects = new Set(opts.subjects);
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        ...(opts.clientSecret ? { client_secret: opts.clientSecret, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    async findAccount(_ctx, id) {
      if (!subjects.has(id)) return undefined;
      return { accountId: id, claims: async () => ({ sub: id }) };
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['oncoboard-test-provider-cookie-key'] },
    // Explicit lifetimes (seconds) keep the provider from warning about its defaults in every test log.
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  });
  handler = provider.callback();
  return {
    issuer,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Plays the browser at the provider: follows its redirects (keeping its cookies), fills in the login form with
 * `login` and accepts the consent page, until the provider redirects to a URL under `redirectUri`, which it
 * returns (with code, state and iss in the query).
 */
export async function signInAtProvider(authorizationUrl: string | URL, login: string, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  };
  let url = new URL(authorizationUrl);
  let method: 'GET' | 'POST' = 'GET';
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 12; step++) {
    const res = await fetch(url, { method, body, redirect: 'manual', headers: { cookie: cookieHeader(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } });
    keep(res);
    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer();
      const next = new URL(res.headers.get('location')!, url);
      if (next.href.startsWith(redirectUri)) return next;
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`provider answered ${res.status} at ${url.pathname}: ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (prompt === 'login') body = new URLSearchParams({ prompt: 'login', login, password: 'any' });
    else if (prompt === 'consent') body = new URLSearchParams({ prompt: 'consent' });
    else throw new Error(`provider page at ${url.pathname} has no login or consent form`);
    method = 'POST';
  }
  throw new Error('provider sign-in did not reach the redirect URI in 12 steps');
}
