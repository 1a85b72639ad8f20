/**
 * OpenID Connect sign-in (optional): OncoBoard is the relying party of one provider, using the authorization-code
 * flow with PKCE, `state` and `nonce` (openid-client validates the ID token: signature, issuer, audience, nonce,
 * expiry). Accounts are never created from a token: an admin links an account to the provider's subject
 * (oidc-accounts.ts), and a subject nobody linked is refused.
 *
 * The values that tie a callback to the browser that started the flow (state, nonce, PKCE verifier) stay in this
 * process's memory for ten minutes under a random handle; the browser holds only the handle, in a cookie. A
 * callback consumes its handle, so a replayed callback finds nothing.
 */
import * as oidcClient from 'openid-client';
import { newToken } from './sessions';

/** Configuration from the environment; null when ONCOBOARD_OIDC_* are unset (OIDC off). */
export interface OidcConfig {
  issuer: URL;
  clientId: string;
  /** Absent: a public client (PKCE only, no client authentication). */
  clientSecret?: string;
  /** The web app's /api/auth/oidc/callback, registered at the provider. */
  redirectUri: URL;
  /** Shown on the sign-in button: "Sign in with <displayName>". */
  displayName: string;
  /** Seconds to wait for the provider (discovery and the token request). */
  timeoutSeconds: number;
}

export const OIDC_ENV = {
  issuer: 'ONCOBOARD_OIDC_ISSUER',
  clientId: 'ONCOBOARD_OIDC_CLIENT_ID',
  clientSecret: 'ONCOBOARD_OIDC_CLIENT_SECRET',
  redirectUri: 'ONCOBOARD_OIDC_REDIRECT_URI',
  displayName: 'ONCOBOARD_OIDC_DISPLAY_NAME',
  timeoutSeconds: 'ONCOBOARD_OIDC_TIMEOUT_SECONDS',
} as const;

/** A misconfiguration, naming the variable and what was expected. */
export class OidcConfigError extends Error {
  override name = 'OidcConfigError';
}

const isLoopbackHost = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** Plain http is accepted only on loopback (development and tests); anything else must be https. */
function parseHttpUrl(value: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OidcConfigError(`${variable}: expected an absolute https:// URL, got "${value.slice(0, 200)}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new OidcConfigError(`${variable}: expected an https:// URL (http:// only on localhost/127.0.0.1), got "${url.protocol}//${url.host}"`);
  }
  if (url.hash || url.username || url.password) throw new OidcConfigError(`${variable}: expected a URL without credentials or #fragment`);
  return url;
}

/** Issuers are compared without one trailing slash, the same way when linking an account and when signing in. */
export function normalizeIssuer(issuer: string): string {
  return issuer.trim().replace(/\/$/, '');
}

export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const issuer = get(OIDC_ENV.issuer);
  const clientId = get(OIDC_ENV.clientId);
  const redirectUri = get(OIDC_ENV.redirectUri);
  const clientSecret = get(OIDC_ENV.clientSecret);
  if (!issuer && !clientId && !redirectUri && !clientSecret) return null;
  if (!issuer) throw new OidcConfigError(`${OIDC_ENV.issuer}: expected the provider's issuer URL (other ONCOBOARD_OIDC_* variables are set; unset them all to turn OIDC off)`);
  if (!clientId) throw new OidcConfigError(`${OIDC_ENV.clientId}: expected the client id registered at ${issuer.slice(0, 200)}`);
  if (clientId.length > 200) throw new OidcConfigError(`${OIDC_ENV.clientId}: expected at most 200 characters`);
  if (!redirectUri) throw new OidcConfigError(`${OIDC_ENV.redirectUri}: expected the web app's callback URL, e.g. https://oncoboard.example.org/api/auth/oidc/callback`);
  const issuerUrl = parseHttpUrl(issuer, OIDC_ENV.issuer);
  if (issuerUrl.search) throw new OidcConfigError(`${OIDC_ENV.issuer}: expected a URL without a ?query`);
  const redirectUrl = parseHttpUrl(redirectUri, OIDC_ENV.redirectUri);
  const displayName = get(OIDC_ENV.displayName) ?? issuerUrl.hostname;
  if (displayName.length > 60) throw new OidcConfigError(`${OIDC_ENV.displayName}: expected at most 60 characters`);
  const timeoutText = get(OIDC_ENV.timeoutSeconds);
  const timeoutSeconds = timeoutText === undefined ? 10 : Number(timeoutText);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 120) {
    throw new OidcConfigError(`${OIDC_ENV.timeoutSeconds}: expected seconds between 0 and 120, got "${timeoutText}"`);
  }
  return { issuer: issuerUrl, clientId, ...(clientSecret ? { clientSecret } : {}), redirectUri: redirectUrl, displayName, timeoutSeconds };
}

/** The provider did not answer (down, unreachable, timed out, or answered discovery with garbage). */
export class OidcUnavailableError extends Error {
  override name = 'OidcUnavailableError';
}

/** Why a callback was refused; the codes are safe to log and audit (they hold nothing from the token). */
export type OidcRefusal = 'no-pending-sign-in' | 'expired' | 'state-mismatch' | 'provider-error' | 'token-rejected';

export class OidcCallbackError extends Error {
  override name = 'OidcCallbackError';
  constructor(readonly reason: OidcRefusal) {
    super(`OpenID Connect callback refused: ${reason}`);
  }
}

interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A same-origin path to go to after sign-in. */
  next: string;
  expiresAt: number;
}

export interface OidcRelyingPartyOptions {
  /** How long a started sign-in may take (default 10 minutes). */
  pendingTtlMs?: number;
  /** Started sign-ins held at most (the oldest is dropped first): a flood of /start cannot exhaust memory. */
  maxPending?: number;
  now?: () => number;
}

/** Fetch failures, timeouts and aborts: the provider is unavailable, not lying. */
function isNetworkFailure(error: unknown): boolean {
  for (let e = error as { name?: string; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
    if (e.name === 'TypeError' && /fetch failed/i.test(e.message ?? '')) return true;
    if (typeof (e as { code?: unknown }).code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|UND_ERR_)/.test((e as { code: string }).code)) return true;
  }
  return false;
}

/** A short, token-free description of why the provider is unavailable (for the operator's log). */
function failureSummary(error: unknown): string {
  const names: string[] = [];
  for (let e = error as { name?: string; code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    names.push(typeof e.code === 'string' ? `${e.name ?? 'Error'}(${e.code})` : (e.name ?? 'Error'));
  }
  return names.join(' <- ');
}

export class OidcRelyingParty {
  readonly #pending = new Map<string, PendingSignIn>();
  #discovered: Promise<oidcClient.Configuration> | null = null;
  readonly #ttlMs: number;
  readonly #maxPending: number;
  readonly #now: () => number;

  constructor(
    readonly config: OidcConfig,
    opts: OidcRelyingPartyOptions = {},
  ) {
    this.#ttlMs = opts.pendingTtlMs ?? 10 * 60_000;
    this.#maxPending = opts.maxPending ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  get pendingTtlSeconds(): number {
    return Math.ceil(this.#ttlMs / 1000);
  }

  /** Started sign-ins not yet completed or expired (for tests and metrics). */
  get pendingCount(): number {
    this.#prune();
    return this.#pending.size;
  }

  /**
   * The provider's metadata, fetched from the issuer's /.well-known/openid-configuration (and nothing else) once;
   * a failure is not cached, so the next sign-in tries again.
   */
  discover(): Promise<oidcClient.Configuration> {
    if (!this.#discovered) {
      const { issuer, clientId, clientSecret, timeoutSeconds } = this.config;
      const attempt = oidcClient
        .discovery(issuer, clientId, { redirect_uris: [this.config.redirectUri.href], response_types: ['code'] }, clientSecret ? oidcClient.ClientSecretBasic(clientSecret) : oidcClient.None(), {
          timeout: timeoutSeconds,
          ...(issuer.protocol === 'http:' ? { execute: [oidcClient.allowInsecureRequests] } : {}),
        })
        .catch((error: unknown) => {
          this.#discovered = null;
          throw new OidcUnavailableError(`OpenID provider ${issuer.origin} did not answer discovery within ${timeoutSeconds} s or answered it wrongly: ${failureSummary(error)}`);
        });
      this.#discovered = attempt;
    }
    return this.#discovered;
  }

  #prune(): void {
    const now = this.#now();
    for (const [handle, p] of this.#pending) if (p.expiresAt <= now) this.#pending.delete(handle);
  }

  /** Starts a sign-in: the provider URL to send the browser to, and the handle for the browser's cookie. */
  async begin(next = '/'): Promise<{ authorizationUrl: URL; handle: string }> {
    const configuration = await this.discover();
    const codeVerifier = oidcClient.randomPKCECodeVerifier();
    const state = oidcClient.randomState();
    const nonce = oidcClient.randomNonce();
    const authorizationUrl = oidcClient.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri.href,
      response_type: 'code',
      scope: 'openid',
      state,
      nonce,
      code_challenge: await oidcClient.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    this.#prune();
    while (this.#pending.size >= this.#maxPending) this.#pending.delete(this.#pending.keys().next().value!);
    const handle = newToken();
    this.#pending.set(handle, { state, nonce, codeVerifier, next, expiresAt: this.#now() + this.#ttlMs });
    return { authorizationUrl, handle };
  }

  /**
   * Completes a sign-in from the callback's query string and the browser's handle: consumes the handle (one use),
   * checks state, exchanges the code with the PKCE verifier, and validates the ID token. Returns who the provider
   * says signed in; finding (or refusing) the account is the caller's business.
   */
  async complete(handle: string | undefined, callbackQuery: string): Promise<{ issuer: string; subject: string; next: string }> {
    const pending = handle && handle.length <= 200 ? this.#pending.get(handle) : undefined;
    if (!pending) throw new OidcCallbackError('no-pending-sign-in');
    this.#pending.delete(handle!);
    if (pending.expiresAt <= this.#now()) throw new OidcCallbackError('expired');
    const params = new URLSearchParams(callbackQuery.slice(0, 8192));
    if (params.get('state') !== pending.state) throw new OidcCallbackError('state-mismatch');
    if (params.has('error')) throw new OidcCallbackError('provider-error');
    const configuration = await this.discover();
    // The configured redirect URI, not the Host header the request came with (the gateway forwards it).
    const currentUrl = new URL(this.config.redirectUri.href);
    currentUrl.search = params.toString();
    let claims: oidcClient.IDToken | undefined;
    try {
      const tokens = await oidcClient.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      if (isNetworkFailure(error)) throw new OidcUnavailableError(`OpenID provider ${this.config.issuer.origin} did not answer the token request: ${failureSummary(error)}`);
      throw new OidcCallbackError('token-rejected');
    }
    if (!claims?.sub || !claims.iss) throw new OidcCallbackError('token-rejected');
    return { issuer: normalizeIssuer(claims.iss), subject: claims.sub, next: pending.next };
  }
}
