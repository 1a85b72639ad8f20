import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure logic, milliseconds) and `e2e` (real Chromium against the real API and `next start`;
 * its global setup builds the app once, imports the demo cohort into a temporary SQLite database and starts both
 * servers on free ports). `npm test` runs both; `--project unit` runs the quick ones alone.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time: the machine has two cores and the servers need them.
          fileParallelism: false,
        },
      },
    ],
  },
});
