import { defineConfig } from 'vitest/config';

// The prediction-store tests run on SQLite and on the throw-away PostgreSQL that libs/store's global setup starts
// (skipped, with a warning, where PostgreSQL is not installed).
export default defineConfig({
  test: { name: 'modules', include: ['src/**/*.test.ts'], globalSetup: ['../store/vitest.global-setup.ts'], testTimeout: 60_000, hookTimeout: 180_000 },
});
