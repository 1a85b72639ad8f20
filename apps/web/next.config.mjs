// @ts-check
/**
 * Next.js configuration of the OncoBoard web app.
 * - The workspace libs (@oncoboard/*) are consumed as TypeScript source, so Next compiles them.
 * - The browser talks to the API same-origin through /api/trpc; src/app/api/trpc/[trpc]/route.ts forwards each
 *   call to FUSION_API_URL (read at request time, so one build serves any API address).
 * - Nothing is fetched from the network at build or run time (no web fonts, telemetry off by env).
 * - Security headers: pages get their CSP (with a per-request nonce) and HSTS (on TLS) from src/proxy.ts; the API
 *   routes, which return JSON or PDF, get a CSP that allows nothing, and HSTS when a TLS proxy says https.
 */

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  transpilePackages: ['@oncoboard/facts', '@oncoboard/api-router'],
  // The packet PDF route drives Debian's Chromium through playwright-core (a Node library, not bundled).
  serverExternalPackages: ['playwright-core'],
  // The e2e suite builds once and starts the server on a free port; keep the build output in the app folder.
  distDir: '.next',
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
      {
        source: '/api/:path*',
        headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }],
      },
      {
        source: '/api/:path*',
        has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }],
        headers: [{ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }],
      },
    ];
  },
};

export default nextConfig;
