import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFhirText } from './read-file';

// Property-based fuzzing of the FHIR JSON and NDJSON readers: a fixed-seed sample of the fuzz command
// (tools/fuzz/run-fuzz.ts; `node --import tsx tools/fuzz/run-fuzz.ts --target fhir-json,ndjson` runs 10,000 each).
// Inputs are fast-check generated mutations of the mCODE STU4 examples and the reader fixtures; each must be read,
// or be reported as error items whose diagnostics start with the file name and say what was expected, within
// the CPU-time budget. The command runs as a child process (the way CI runs it): lib code does not import tools/.
const repoRoot = resolve(import.meta.dirname, '../../../..');
const RUNS = 200;

interface FuzzReport {
  runs: number;
  parsed: number;
  clearErrors: number;
  crashes: number;
  hangs: number;
  failures: unknown[];
}

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

async function read(name: string, text: string): Promise<string[]> {
  const out: string[] = [];
  for await (const item of readFhirText(name, text)) {
    out.push(item.kind === 'error' ? item.outcome.issue.map((i) => `${i.code}: ${i.diagnostics}`).join(' | ') : item.kind);
  }
  return out;
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('FHIR JSON and NDJSON readers under fuzzing', () => {
  it(`reads or clearly rejects ${RUNS} mutated JSON files (seed 20261202)`, { timeout: 300_000 }, () => {
    const report = runFuzz('fhir-json', RUNS, 20261202);
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ runs: RUNS, crashes: 0, hangs: 0 });
    expect(report.parsed).toBeGreaterThan(0);
    expect(report.clearErrors).toBeGreaterThan(0);
  });

  it(`reads or clearly rejects ${RUNS} mutated NDJSON files (seed 20261202)`, { timeout: 300_000 }, () => {
    const report = runFuzz('ndjson', RUNS, 20261202);
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ runs: RUNS, crashes: 0, hangs: 0 });
    expect(report.parsed).toBeGreaterThan(0);
    expect(report.clearErrors).toBeGreaterThan(0);
  });

  // Regressions found by the fuzzer: JSON nested thousands of levels deep overflowed the stack in the
  // recursive reference rewriting, and the RangeError came out as a wrong or engine-worded error.
  it('rejects a Bundle entry nested 20,000 levels deep with a clear error (was "malformed JSON: Maximum call stack size exceeded")', async () => {
    const text = `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","x":${nested(20_000)}}}]}`;
    expect(await read('deep.json', text)).toEqual(['structure: deep.json: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
  });

  it('rejects a transaction nested 20,000 levels deep with a clear error (was "the file changed while it was read")', async () => {
    const text = `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","x":${nested(20_000)}}}]}`;
    expect(await read('deep.json', text)).toEqual(['structure: deep.json: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
  });

  it('rejects an NDJSON line nested 20,000 levels deep at its line (was "line 2: cannot read: Maximum call stack size exceeded")', async () => {
    const bundle = `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","x":${nested(20_000)}}}]}\n`;
    expect(await read('deep.ndjson', bundle)).toEqual(['structure: deep.ndjson line 1: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
    const patient = `{"resourceType":"Patient","id":"a"}\n{"resourceType":"Patient","x":${nested(20_000)}}\n`;
    expect(await read('deep.ndjson', patient)).toEqual(['resource', 'structure: deep.ndjson line 2: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
  });

  it('still reads resources nested up to the limit', async () => {
    // 2 levels for the resource and its "x" array itself, 510 more inside.
    expect(await read('ok.json', `{"resourceType":"Patient","x":${nested(511)}}`)).toEqual(['resource']);
    expect(await read('ok.json', `{"resourceType":"Patient","x":${nested(512)}}`)).toEqual(['structure: ok.json: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
    expect(await read('ok.ndjson', `{"resourceType":"Patient","x":${nested(511)}}\n`)).toEqual(['resource']);
  });
});
