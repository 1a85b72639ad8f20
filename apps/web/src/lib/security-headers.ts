/**
 * The page responses' security headers (set by src/proxy.ts, which runs before every page render):
 * - a Content-Security-Policy with a fresh nonce per request: scripts run only from this origin or with the nonce
 *   (Next puts it on its own inline scripts); no 'unsafe-eval' outside `next dev`; frames refused (frame-ancestors);
 * - Strict-Transport-Security only when the request came over TLS (an HSTS header over plain http is meaningless, and
 *   upgrade-insecure-requests would break the loopback quick start).
 * Styles keep 'unsafe-inline': React writes style="" attributes into server-rendered HTML (canvas sizes, chart
 * widths); style cannot run script, and script-src is what stops injected code.
 */
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(nonce: string, opts: { development: boolean; tls: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (opts.tls) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}
