import { defineConfig } from 'vitest/config';

// The survival R-parity tests run Rscript (R's survival package) once per reference.R version; see
// src/survival/README.md.
export default defineConfig({
  test: { name: 'fusion-model', include: ['src/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 },
});
