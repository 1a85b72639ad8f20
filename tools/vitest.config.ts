import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['*.test.ts', 'bench/**/*.test.ts', 'fuzz/**/*.test.ts'] } });
