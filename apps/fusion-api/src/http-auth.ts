/**
 * The HTTP side of access control (the contract in the README's Security section): cookies, the CSRF
 * double-submit check, the client address, security headers, and the /auth/* endpoints.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  csrfTokenMatches, deleteSession, recordAuditEvent, resolveSession, signIn, type ActiveSession, type AuthUser, type IssuedSession, type OidcRelyingParty, type SessionPolicy,
  type SignInLimiter,
} from '@oncoboard/auth';
import type { Store } from '@oncoboard/store';
import { z } from 'zod';
import { handleOidcRequest, isOidcPath } from './http-oidc';

export const SESSION_COOKIE = 'oncoboard_session';
export const CSRF_COOKIE = 'oncoboard_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Sign-in bodies are tiny; anything larger is refused before it is read. */
const MAX_AUTH_BODY_BYTES = 8 * 1024;

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header || header.length > 16 * 1024) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

const isLoopback = (address: string | undefined) => !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));

/**
 * The caller's address: the socket's, or, when the peer is loopback (the web app's gateway runs there), the
 * last x-forwarded-for entry (the one the gateway added).
 */
export function clientAddress(req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (isLoopback(peer) && typeof forwarded === 'string' && forwarded.trim()) {
    const last = forwarded.split(',').at(-1)!.trim();
    if (last && last.length <= 100) return last;
  }
  return peer;
}

/** TLS at this server, or at the loopback gateway in front of it. */
export function overTls(req: IncomingMessage): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  return isLoopback(req.socket.remoteAddress) && req.headers['x-forwarded-proto'] === 'https';
}

export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  // The API serves JSON only: it loads nothing and may be framed by no one.
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  if (overTls(req)) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

export interface AuthHttpOptions {
  store: Store;
  policy: SessionPolicy;
  limiter: SignInLimiter;
  /** Always mark cookies Secure (ONCOBOARD_COOKIE_SECURE=1); otherwise only for requests over TLS. */
  cookieSecure: boolean;
  /**
   * OpenID Connect sign-in: null when off; undefined: from ONCOBOARD_OIDC_* (read on first use; http-oidc.ts).
   */
  oidc?: OidcRelyingParty | null;
}

function cookie(name: string, value: string, maxAgeSeconds: number, opts: { httpOnly: boolean; secure: boolean }): string {
  return [`${name}=${value}`, ...(opts.httpOnly ? ['HttpOnly'] : []), 'SameSite=Strict', 'Path=/', `Max-Age=${maxAgeSeconds}`, ...(opts.secure ? ['Secure'] : [])].join('; ');
}

/** The session cookie (HttpOnly) and the CSRF cookie (readable by the page's scripts, which send it back in the
 * x-csrf-token header: double submit), the same for every way of signing in. */
export function sessionCookies(session: IssuedSession, secure: boolean): string[] {
  const ttl = Math.max(1, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
  return [cookie(SESSION_COOKIE, session.token, ttl, { httpOnly: true, secure }), cookie(CSRF_COOKIE, session.csrfToken, ttl, { httpOnly: false, secure })];
}

/** Sends the answer; true: the request is handled. */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): true {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
  return true;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new BodyError(415, 'expected Content-Type: application/json');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_AUTH_BODY_BYTES) throw new BodyError(413, `request body over ${MAX_AUTH_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_AUTH_BODY_BYTES) throw new BodyError(413, `request body over ${MAX_AUTH_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'body: expected JSON');
  }
}

const signInBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

const publicUser = (u: AuthUser) => ({ id: u.id, username: u.username, displayName: u.displayName, roles: u.roles });

export interface RequestSession {
  session: ActiveSession | null;
  client: { ip: string; userAgent?: string };
}

/** The session of the request's cookie (null when none, unknown or expired). */
export async function sessionOf(req: IncomingMessage, opts: AuthHttpOptions): Promise<RequestSession> {
  const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  // The store's one-query session + user read (prepared once on SQLite): this runs on every request.
  const session = token ? await resolveSession(opts.store.prisma, token, opts.policy, new Date(), opts.store.accessReads) : null;
  const userAgent = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 500) : undefined;
  return { session, client: { ip: clientAddress(req), ...(userAgent ? { userAgent } : {}) } };
}

export function csrfOk(req: IncomingMessage, session: ActiveSession): boolean {
  const header = req.headers[CSRF_HEADER];
  return csrfTokenMatches(session, typeof header === 'string' ? header : undefined);
}

/**
 * Answers /auth/sign-in, /auth/sign-out and /auth/session, and /auth/providers and /auth/oidc/* (http-oidc.ts);
 * false when the path is none of them.
 */
export async function handleAuthRequest(req: IncomingMessage, res: ServerResponse, path: string, opts: AuthHttpOptions): Promise<boolean> {
  const secure = opts.cookieSecure || overTls(req);
  if (path === '/auth/sign-in') {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' }, { Allow: 'POST' });
    let body: z.infer<typeof signInBody>;
    try {
      const parsed = signInBody.safeParse(await readJsonBody(req));
      if (!parsed.success) throw new BodyError(400, 'body: expected { "username": string, "password": string }');
      body = parsed.data;
    } catch (error) {
      if (error instanceof BodyError) return sendJson(res, error.status, { error: error.message });
      throw error;
    }
    const userAgent = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined;
    const result = await signIn(opts.store.prisma, { username: body.username, password: body.password, ip: clientAddress(req), userAgent }, { policy: opts.policy, limiter: opts.limiter });
    if (!result.ok && result.reason === 'rate-limited') {
      return sendJson(res, 429, { error: 'too many sign-in attempts; try again later' }, { 'Retry-After': String(result.retryAfterSeconds) });
    }
    if (!result.ok) return sendJson(res, 401, { error: 'invalid username or password' });
    return sendJson(
      res,
      200,
      { user: publicUser(result.user), csrfToken: result.session.csrfToken, expiresAt: result.session.expiresAt.toISOString() },
      { 'Set-Cookie': sessionCookies(result.session, secure) },
    );
  }
  if (path === '/auth/sign-out') {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' }, { Allow: 'POST' });
    const { session, client } = await sessionOf(req, opts);
    if (!session) return sendJson(res, 401, { error: 'not signed in' });
    if (!csrfOk(req, session)) return sendJson(res, 403, { error: `CSRF token missing or wrong (${CSRF_HEADER})` });
    await deleteSession(opts.store.prisma, parseCookies(req.headers.cookie).get(SESSION_COOKIE));
    await recordAuditEvent(opts.store.prisma, { action: 'E', operation: 'auth.sign-out', outcome: '0', user: session.user, sourceIp: client.ip, userAgent: client.userAgent });
    res
      .writeHead(204, { 'Set-Cookie': [cookie(SESSION_COOKIE, '', 0, { httpOnly: true, secure }), cookie(CSRF_COOKIE, '', 0, { httpOnly: false, secure })] })
      .end();
    return true;
  }
  if (path === '/auth/session') {
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'use GET' }, { Allow: 'GET' });
    const { session } = await sessionOf(req, opts);
    if (!session) return sendJson(res, 401, { error: 'not signed in' });
    return sendJson(res, 200, { user: publicUser(session.user), expiresAt: session.expiresAt.toISOString() });
  }
  if (isOidcPath(path)) return handleOidcRequest(req, res, path, opts);
  return false;
}
