import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Property-based fuzzing of the R4 structure validator: a fixed-seed sample of the fuzz command
// (tools/fuzz/run-fuzz.ts; `node --import tsx tools/fuzz/run-fuzz.ts --target fhir-validator` runs 10,000).
// Inputs are fast-check generated structural mutations of the mCODE STU4 examples (deleted / retyped / null /
// empty values, extreme numbers, 1 MB strings, nesting 100,000 deep, 100,000-element arrays, odd keys and
// resource types). validate() must never throw, and every issue must carry an expression and a message, within
// the CPU-time budget. The command runs as a child process: lib code does not import tools/.
const repoRoot = resolve(import.meta.dirname, '../../../..');
const RUNS = 200;

describe('R4 structure validator under fuzzing', () => {
  it(`validates ${RUNS} mutated resources without throwing (seed 20261202)`, { timeout: 300_000 }, () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'tools/fuzz/run-fuzz.ts'), '--target', 'fhir-validator', '--runs', String(RUNS), '--seed', '20261202', '--jobs', '1', '--quiet'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 280_000,
    });
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    if (!last.startsWith('{')) throw new Error(`run-fuzz printed no summary (exit ${result.status}): ${result.stderr.slice(-2000)}`);
    const report = (JSON.parse(last) as { targets: Record<string, { runs: number; parsed: number; clearErrors: number; crashes: number; hangs: number; failures: unknown[] }> }).targets['fhir-validator']!;
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ runs: RUNS, crashes: 0, hangs: 0 });
    expect(report.parsed).toBeGreaterThan(0);
    expect(report.clearErrors).toBeGreaterThan(0);
  });
});
