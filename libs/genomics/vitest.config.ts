import { defineConfig } from 'vitest/config';

// Genomics reads small committed fixtures (VCF, tabix, the gene table); the whole suite stays well under 30 s.
export default defineConfig({ test: { name: 'genomics', include: ['src/**/*.test.ts'], testTimeout: 20_000 } });
