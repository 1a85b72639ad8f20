import { defineConfig } from 'vitest/config';

// Generous timeouts: the scaffold and synthetic-cohort tests run real imports, training and typechecks.
export default defineConfig({
  test: {
    include: ['*.test.ts', 'bench/**/*.test.ts', 'fuzz/**/*.test.ts', 'synth-cohort/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
