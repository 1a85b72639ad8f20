import { defineConfig } from 'vitest/config';

// The suites import the demo cohort into a real SQLite store first: seconds, not ms.
export default defineConfig({ test: { name: 'tumor-board', include: ['src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } });
