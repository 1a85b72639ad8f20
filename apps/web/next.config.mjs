// @ts-check
/**
 * Next.js configuration of the OncoBoard web app.
 * - The workspace libs (@oncoboard/*) are consumed as TypeScript source, so Next compiles them.
 * - The browser talks to the API same-origin through /api/trpc; src/app/api/trpc/[trpc]/route.ts forwards each
 *   call to FUSION_API_URL (read at request time, so one build serves any API address).
 * - Nothing is fetched from the network at build or run time (no web fonts, telemetry off by env).
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
    ];
  },
};

export default nextConfig;
