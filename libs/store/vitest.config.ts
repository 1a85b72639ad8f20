import { defineConfig } from 'vitest/config';

// Every store test runs against SQLite and against a real PostgreSQL 15 that the global setup starts
// (tools/postgres/start-test-postgres.mjs); see vitest.global-setup.ts for when it is skipped.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
