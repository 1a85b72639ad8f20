import { defineConfig } from 'vitest/config';

// These suites import the demo cohort into a real SQLite store (validator definitions load first): seconds, not ms.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } });
