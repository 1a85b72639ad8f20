import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SIGN_IN_LIMITS, sessionPolicyFromEnv, SignInLimiter, type OidcRelyingParty, type SessionPolicy, type SignInLimits } from '@oncoboard/auth';
import { appRouter, type ApiContext } from '@oncoboard/api-router';
import type { Store } from '@oncoboard/store';
import { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { csrfOk, CSRF_HEADER, handleAuthRequest, sessionOf, setSecurityHeaders, type AuthHttpOptions } from './http-auth';
import { oidcRelyingPartyFromEnv } from './http-oidc';
import { logger } from './logger';

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  store: Store;
  port?: number;
  host?: string;
  /** Default: from ONCOBOARD_SESSION_IDLE_MINUTES / ONCOBOARD_SESSION_MAX_HOURS (30 min idle, 12 h at most). */
  sessionPolicy?: SessionPolicy;
  signInLimits?: SignInLimits;
  /** Default: ONCOBOARD_COOKIE_SECURE=1. Cookies are Secure anyway for requests that came over TLS. */
  cookieSecure?: boolean;
  /** OpenID Connect sign-in; default from ONCOBOARD_OIDC_* (null: off). A bad setting stops the start, naming the variable. */
  oidc?: OidcRelyingParty | null;
}

/** Requests larger than this are refused before parsing (uploads included). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * The OncoBoard API over HTTP: tRPC at /trpc (signed-in users; mutations need the CSRF header), sign-in,
 * sign-out and session at /auth/*, a liveness probe at /healthz. Listens on loopback unless told otherwise.
 */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const auth: AuthHttpOptions = {
    store: opts.store,
    policy: opts.sessionPolicy ?? sessionPolicyFromEnv(),
    limiter: new SignInLimiter(opts.signInLimits ?? DEFAULT_SIGN_IN_LIMITS),
    cookieSecure: opts.cookieSecure ?? process.env.ONCOBOARD_COOKIE_SECURE === '1',
    oidc: opts.oidc !== undefined ? opts.oidc : oidcRelyingPartyFromEnv(),
  };
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    async createContext({ req }): Promise<ApiContext> {
      const { session, client } = await sessionOf(req, auth);
      // Double submit: a mutation of a signed-in session must carry its CSRF token (a cross-site form cannot).
      if (session && req.method !== 'GET' && req.method !== 'HEAD' && !csrfOk(req, session)) {
        throw new TRPCError({ code: 'FORBIDDEN', message: `CSRF token missing or wrong (${CSRF_HEADER} header)` });
      }
      return { store: opts.store, user: session?.user ?? null, client };
    },
    onError({ error, path, type }) {
      // Only the procedure and the error class are logged: inputs can hold patient data.
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ path, type, code: error.code, err: error.cause?.name ?? error.name }, 'procedure failed');
    },
  });
  const server = http.createServer((req, res) => {
    setSecurityHeaders(req, res);
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path.startsWith('/trpc/')) {
      trpcHandler(req, res);
      return;
    }
    handleAuthRequest(req, res, path, auth).then(
      (handled) => {
        if (!handled) res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}');
      },
      (error: unknown) => {
        logger.error({ path, err: (error as Error)?.name ?? 'Error' }, 'auth request failed');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"internal error"}');
        else res.end();
      },
    );
  });
  // Slow or endless requests must not pin connections.
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4000, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
