import { defineConfig } from 'vitest/config';

// These suites import the demo cohort into a real SQLite store (validator definitions load first): seconds, not ms.
// The imaging-link test talks to a real Orthanc that the global setup starts.
export default defineConfig({ test: { name: 'ingest', include: ['src/**/*.test.ts'], globalSetup: ['./vitest.global-setup.ts'], testTimeout: 60_000, hookTimeout: 120_000 } });
