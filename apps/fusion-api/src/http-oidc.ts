/**
 * OpenID Connect sign-in over HTTP (optional; libs/auth/src/oidc.ts holds the protocol):
 *   GET /auth/providers       anonymous: { password: true, oidc: { displayName } | null } for the sign-in page
 *   GET /auth/oidc/start      302 to the provider; sets oncoboard_oidc (the handle of the pending sign-in)
 *   GET /auth/oidc/callback   the provider's redirect (through the web app): the session and CSRF cookies of a linked,
 *                             enabled account and 302 to the web app, or 302 to /sign-in?error=<code>
 * Every callback outcome is audited as auth.sign-in (outcome 0, 4 or 8, reason codes only: nothing from the token).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createSession, findOidcUser, OidcCallbackError, oidcConfigFromEnv, OidcRelyingParty, OidcUnavailableError, recordAuditEvent, type AuditOutcome, type AuthUser,
} from '@oncoboard/auth';
import { clientAddress, overTls, parseCookies, sessionCookies, type AuthHttpOptions } from './http-auth';
import { logger } from './logger';

/** Holds the pending sign-in's handle. SameSite=Lax, not Strict: the provider's redirect back is a cross-site navigation. */
export const OIDC_COOKIE = 'oncoboard_oidc';
export const SIGN_IN_PAGE = '/sign-in';
/** The codes the sign-in page turns into messages; deliberately coarse (which check failed is in the audit trail). */
export type OidcErrorCode = 'oidc-failed' | 'oidc-unavailable';

export function isOidcPath(path: string): boolean {
  return path === '/auth/providers' || path.startsWith('/auth/oidc/');
}

/** The relying party of ONCOBOARD_OIDC_*, or null when they are unset; throws OidcConfigError naming the variable. */
export function oidcRelyingPartyFromEnv(env: NodeJS.ProcessEnv = process.env): OidcRelyingParty | null {
  const config = oidcConfigFromEnv(env);
  return config ? new OidcRelyingParty(config) : null;
}

/** A path on the web app to return to: one leading "/", no "//host", no backslash or control characters. */
export function safeReturnPath(next: string | null): string {
  if (!next || next.length > 1000 || !next.startsWith('/') || next.startsWith('//') || next.includes('\\') || /[\u0000-\u001f]/.test(next)) return '/';
  if (next === SIGN_IN_PAGE || next.startsWith(`${SIGN_IN_PAGE}?`) || next.startsWith(`${SIGN_IN_PAGE}/`)) return '/';
  return next;
}

function oidcCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${OIDC_COOKIE}=${value}`, 'HttpOnly', 'SameSite=Lax', 'Path=/', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join('; ');
}

function redirect(res: ServerResponse, location: string, cookies: string[] = []): true {
  res.writeHead(302, { Location: location, ...(cookies.length ? { 'Set-Cookie': cookies } : {}) }).end();
  return true;
}

const signInError = (code: OidcErrorCode) => `${SIGN_IN_PAGE}?error=${code}`;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
  return true;
}

export async function handleOidcRequest(req: IncomingMessage, res: ServerResponse, path: string, opts: AuthHttpOptions): Promise<boolean> {
  if (path !== '/auth/providers' && path !== '/auth/oidc/start' && path !== '/auth/oidc/callback') return false;
  if (req.method !== 'GET') return sendJson(res, 405, { error: 'use GET' }, { Allow: 'GET' });
  // Configured once, at server start (a bad ONCOBOARD_OIDC_* setting stops the start, naming the variable).
  const rp = opts.oidc ?? null;
  if (path === '/auth/providers') {
    return sendJson(res, 200, { password: true, oidc: rp ? { displayName: rp.config.displayName } : null });
  }
  if (!rp) return sendJson(res, 404, { error: 'OpenID Connect sign-in is not configured (ONCOBOARD_OIDC_ISSUER is unset)' });
  const secure = opts.cookieSecure || overTls(req);
  const query = new URL(req.url ?? '/', 'http://api.invalid').searchParams;

  if (path === '/auth/oidc/start') {
    try {
      const { authorizationUrl, handle } = await rp.begin(safeReturnPath(query.get('next')));
      return redirect(res, authorizationUrl.href, [oidcCookie(handle, rp.pendingTtlSeconds, secure)]);
    } catch (error) {
      if (!(error instanceof OidcUnavailableError)) throw error;
      logger.warn({ err: error.name, problem: error.message }, 'OpenID provider unavailable');
      return redirect(res, signInError('oidc-unavailable'));
    }
  }

  // The callback. The handle cookie is cleared whatever happens: it was good for one try.
  const clearHandle = oidcCookie('', 0, secure);
  const userAgent = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined;
  const client = { ip: clientAddress(req), ...(userAgent ? { userAgent } : {}) };
  const audit = (outcome: AuditOutcome, outcomeDesc: string, user: AuthUser | null = null) =>
    recordAuditEvent(opts.store.prisma, { action: 'E', operation: 'auth.sign-in', outcome, outcomeDesc, user, sourceIp: client.ip, userAgent: client.userAgent });
  let who: { issuer: string; subject: string; next: string };
  try {
    who = await rp.complete(parseCookies(req.headers.cookie).get(OIDC_COOKIE), (req.url ?? '').includes('?') ? req.url!.slice(req.url!.indexOf('?')) : '');
  } catch (error) {
    if (error instanceof OidcCallbackError) {
      await audit('4', `oidc:${error.reason}`);
      return redirect(res, signInError('oidc-failed'), [clearHandle]);
    }
    if (error instanceof OidcUnavailableError) {
      logger.warn({ err: error.name, problem: error.message }, 'OpenID provider unavailable');
      await audit('8', 'oidc:provider-unavailable');
      return redirect(res, signInError('oidc-unavailable'), [clearHandle]);
    }
    throw error;
  }
  const found = await findOidcUser(opts.store.prisma, who.issuer, who.subject);
  if (!found) {
    // Accounts are provisioned by an admin (oncoboard user add --oidc-subject); a token never creates one.
    await audit('4', 'oidc:unknown-subject');
    return redirect(res, signInError('oidc-failed'), [clearHandle]);
  }
  if (found.disabled) {
    await audit('4', 'oidc:disabled', found.user);
    return redirect(res, signInError('oidc-failed'), [clearHandle]);
  }
  const session = await createSession(opts.store.prisma, found.user.id, client, opts.policy);
  await audit('0', 'oidc', found.user);
  // Back through the sign-in page, which then navigates to `next` itself: this response ends a navigation the
  // provider's page started (cross-site), and browsers withhold SameSite=Strict cookies on every redirect of it, so a
  // direct 302 to a page would arrive without the new session cookie.
  const landing = `${SIGN_IN_PAGE}?signed-in=oidc${who.next === '/' ? '' : `&next=${encodeURIComponent(who.next)}`}`;
  return redirect(res, landing, [...sessionCookies(session, secure), clearHandle]);
}
