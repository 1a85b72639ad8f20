#!/usr/bin/env node
// Runs one project's Vitest suite from its own folder and writes a JSON report to
// <repo>/.test-results/<project>.json, which tools/test-summary.mjs adds up into the
// single "N passed, N failed" line that CI reads.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = process.argv[2];
if (!project) {
  console.error('usage: run-vitest.mjs <project-name> [vitest args...]');
  process.exit(2);
}
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(repoRoot, '.test-results');
mkdirSync(resultsDir, { recursive: true });
const report = join(resultsDir, `${project}.json`);
rmSync(report, { force: true });

const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const args = [
  // dist/ holds `npm run build` output, compiled tests included: never run those copies.
  vitest, 'run', '--passWithNoTests', '--exclude', '**/dist/**',
  '--reporter=default', '--reporter=json', `--outputFile.json=${report}`,
  ...process.argv.slice(3),
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: process.env });
process.exit(result.status ?? 1);
