/**
 * Runs before every page request (not /api, not static assets):
 * 1. no session cookie → a redirect to /sign-in?next=<the page>. This is convenience, not the guard: pages hold no
 *    data, every byte comes from the API, which checks the session (and its expiry) on each call; an expired session
 *    is sent to sign-in by the client when the API answers 401 (src/app/providers.tsx).
 * 2. security headers with a per-request CSP nonce (src/lib/security-headers.ts); the nonce reaches Next's renderer
 *    through the request's CSP header, which is why the root layout renders per request.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { cameOverTls } from './lib/api-forward';
import { SESSION_COOKIE, SIGN_IN_PATH, signInUrl } from './lib/auth-client';
import { contentSecurityPolicy, HSTS_VALUE, newNonce } from './lib/security-headers';

export function proxy(request: NextRequest): NextResponse {
  const tls = cameOverTls(request);
  const { pathname, search } = request.nextUrl;
  if (pathname !== SIGN_IN_PATH && !request.cookies.get(SESSION_COOKIE)?.value) {
    const response = NextResponse.redirect(new URL(signInUrl(`${pathname}${search}`), request.url), 307);
    if (tls) response.headers.set('Strict-Transport-Security', HSTS_VALUE);
    return response;
  }
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === 'development', tls });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  if (tls) response.headers.set('Strict-Transport-Security', HSTS_VALUE);
  return response;
}

export const config = {
  // Pages only: the API routes answer 401 themselves, and assets must load on the sign-in page.
  matcher: ['/((?!api/|_next/static|_next/image|icon\\.svg|favicon\\.ico|robots\\.txt).*)'],
};
