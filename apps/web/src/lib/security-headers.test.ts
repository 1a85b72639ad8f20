import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, newNonce } from './security-headers';

describe('contentSecurityPolicy', () => {
  it('allows scripts only from this origin or with the nonce, refuses framing, and has no unsafe-eval in production', () => {
    const csp = contentSecurityPolicy('abc', { development: false, tls: false });
    const script = csp.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
  it('adds unsafe-eval only for next dev, and upgrade-insecure-requests only over TLS', () => {
    expect(contentSecurityPolicy('n', { development: true, tls: false })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy('n', { development: false, tls: true })).toContain('upgrade-insecure-requests');
  });
});

describe('newNonce', () => {
  it('is 16 random bytes in base64, different each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(atob(n)).toHaveLength(16);
  });
});
