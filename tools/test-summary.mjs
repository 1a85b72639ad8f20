#!/usr/bin/env node
// Adds up the Vitest JSON reports of every project into one plain line: "N passed, N failed".
// A project whose suite crashed before writing its report counts as one failure, and so does a test file
// that failed to load, so a broken suite can never look green.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Projects (apps/*, libs/*, tools) whose package.json has a test script, by short name. */
export function listTestedProjects(repoRoot) {
  const dirs = [];
  for (const group of ['apps', 'libs']) for (const name of readdirSync(join(repoRoot, group))) dirs.push(join(repoRoot, group, name));
  dirs.push(join(repoRoot, 'tools'));
  return dirs
    .filter((d) => existsSync(join(d, 'package.json')))
    .map((d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')))
    .filter((pkg) => pkg.scripts?.test)
    .map((pkg) => pkg.name.replace('@oncoboard/', ''));
}

export function summarize(resultsDir, projects) {
  const lines = [];
  let passed = 0, failed = 0, skipped = 0;
  for (const project of projects) {
    const report = join(resultsDir, `${project}.json`);
    if (!existsSync(report)) {
      lines.push(`${project}: no test report (suite did not run or crashed), counted as 1 failure`);
      failed += 1;
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const loadFailures = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
    const p = r.numPassedTests, f = r.numFailedTests + loadFailures, s = r.numPendingTests + r.numTodoTests;
    lines.push(`${project}: ${p} passed, ${f} failed, ${s} skipped`);
    passed += p; failed += f; skipped += s;
  }
  lines.push(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return { passed, failed, skipped, lines };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { failed, lines } = summarize(join(repoRoot, '.test-results'), listTestedProjects(repoRoot));
  for (const line of lines) console.log(line);
  process.exit(failed > 0 ? 1 : 0);
}
