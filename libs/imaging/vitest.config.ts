import { defineConfig } from 'vitest/config';

// The DICOMweb tests talk to a real Orthanc that the global setup starts (see vitest.global-setup.ts).
export default defineConfig({
  test: { name: 'imaging', include: ['src/**/*.test.ts'], globalSetup: ['./vitest.global-setup.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
