import { defineConfig } from 'vitest/config';

// Pathology reads small committed fixtures (reports as text, FHIR JSON and a tiny PDF); the suite stays well under 30 s.
export default defineConfig({ test: { name: 'pathology', include: ['src/**/*.test.ts'], testTimeout: 20_000 } });
