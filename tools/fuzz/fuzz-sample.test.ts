import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUZZ_TARGETS } from './targets/index';

// The unit-suite sample of the fuzz command: every registered parser (FHIR JSON, NDJSON, the structure validator,
// DICOM, NIfTI, DICOM SEG, VCF, cohort CSV, report text) gets RUNS fast-check generated / mutated inputs with a
// fixed seed. Each must parse or throw its reader's error naming the input, within the CPU-time budget,
// allocating no more than the input can hold, never quoting patient data. `npm run fuzz` runs 10,000 per target.
// Each target runs in its own process (as the command does), so one crash cannot take the suite down.
const repoRoot = resolve(import.meta.dirname, '../..');
const RUNS = 200;
const SEED = 20261202;

interface FuzzReport {
  runs: number;
  parsed: number;
  clearErrors: number;
  crashes: number;
  hangs: number;
  failures: unknown[];
}

function runFuzz(target: string): FuzzReport {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'tools/fuzz/run-fuzz.ts'), '--target', target, '--runs', String(RUNS), '--seed', String(SEED), '--jobs', '1', '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 280_000,
  });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`run-fuzz printed no summary (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  return (JSON.parse(last) as { targets: Record<string, FuzzReport> }).targets[target]!;
}

describe('parsers under fuzzing (fixed-seed sample)', () => {
  for (const { name } of FUZZ_TARGETS) {
    it(`${name}: reads or clearly rejects ${RUNS} generated inputs`, { timeout: 300_000 }, () => {
      const report = runFuzz(name);
      expect(report.failures).toEqual([]);
      expect(report).toMatchObject({ runs: RUNS, crashes: 0, hangs: 0 });
      expect(report.parsed).toBeGreaterThan(0);
      expect(report.clearErrors).toBeGreaterThan(0);
    });
  }
});
