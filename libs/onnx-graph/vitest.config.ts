import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: 'onnx-graph', include: ['src/**/*.test.ts'] } });
