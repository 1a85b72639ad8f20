/**
 * npm run bench:pathology — both halves of the pathology benchmark in one command: rule-based extraction
 * (reports/s on ~3,000-character reports, target ≥ 500/s on one core) and the embedding pipeline against a bare
 * onnxruntime-node session on the same token ids (target overhead ≤ 1.2x). Each runs in its own process (so
 * neither warms the other); their tables are shown as they print, and the last line joins their JSON lines.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const results: Record<string, unknown> = { bench: 'pathology' };
for (const [name, script] of [['extraction', 'bench-extraction.ts'], ['embedding', 'bench-embedding.ts']] as const) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = (run.stdout ?? '').trimEnd().split('\n');
  const last = lines.pop() ?? '';
  process.stdout.write(`${lines.join('\n')}\n`);
  if (run.status !== 0) {
    console.error(`${script} exited with ${run.status}`);
    process.exit(1);
  }
  results[name] = JSON.parse(last);
}
console.log(JSON.stringify(results));
