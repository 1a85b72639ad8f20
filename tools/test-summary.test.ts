import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { summarize } from './test-summary.mjs';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('test summary', () => {
  it('sums reports and counts a missing report and a file that failed to load as failures', () => {
    dir = mkdtempSync(join(tmpdir(), 'summary-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ numPassedTests: 5, numFailedTests: 1, numPendingTests: 2, numTodoTests: 0, testResults: [] }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, testResults: [{ status: 'failed', assertionResults: [] }] }));
    const result = summarize(dir, ['a', 'b', 'c']);
    expect(result).toMatchObject({ passed: 8, failed: 3, skipped: 2 });
    expect(result.lines.at(-1)).toBe('8 passed, 3 failed, 2 skipped');
    expect(result.lines).toContain('c: no test report (suite did not run or crashed), counted as 1 failure');
  });
});
