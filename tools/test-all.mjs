#!/usr/bin/env node
// `npm test`: every project's test target through Nx (one at a time: the machine has 2 cores and the suites
// start real services), then one summary line "N passed, N failed" summed over all suites.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(repoRoot, '.test-results'), { recursive: true, force: true });
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NEXT_TELEMETRY_DISABLED: '1' };
// nx moves its entry point between majors (bin/ in 22, dist/bin/ in 24): ask its package.json.
const nxPackageJson = createRequire(join(repoRoot, 'package.json')).resolve('nx/package.json');
const nxBin = join(dirname(nxPackageJson), JSON.parse(readFileSync(nxPackageJson, 'utf8')).bin.nx);
const nx = spawnSync(
  process.execPath,
  [nxBin, 'run-many', '-t', 'test', '--parallel=1', '--output-style=static', '--nxBail=false', ...process.argv.slice(2)],
  { cwd: repoRoot, stdio: 'inherit', env },
);
const summary = spawnSync(process.execPath, [join(repoRoot, 'tools', 'test-summary.mjs')], { cwd: repoRoot, stdio: 'inherit' });
process.exit(nx.status === 0 && summary.status === 0 ? 0 : 1);
