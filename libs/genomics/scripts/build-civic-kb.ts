// Builds the local actionability KB from a CIViC TSV release.
// Run from the repository root:
//   node --import tsx libs/genomics/scripts/build-civic-kb.ts [--source DIR] [--release 01-Aug-2021] [--out FILE] [--check]
// --source defaults to ../shared/datasets/civic/<release> (the project's shared datasets), --out to
// libs/genomics/kb/civic-<release>.kb.json. --check builds in memory and fails if the committed file differs
// (the build is deterministic: same TSVs, same bytes). The file is written to a temporary name and renamed, so an
// error never leaves half a KB behind.
import { existsSync, renameSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCivicKb } from '../src/kb/build';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const release = flag('--release') ?? '01-Aug-2021';
const source = resolve(flag('--source') ?? join(repoRoot, '..', 'shared', 'datasets', 'civic', release));
const out = resolve(flag('--out') ?? join(repoRoot, 'libs', 'genomics', 'kb', `civic-${release}.kb.json`));
const check = args.includes('--check');

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const { kb, text } = buildCivicKb(source, release);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);

const m = kb.meta;
console.log(`KB ${m.version} (${m.source} ${m.release}, ${m.license})`);
console.log(`  from ${source}`);
for (const i of m.inputs) console.log(`  ${i.file}: ${i.rows} rows, sha256 ${i.sha256.slice(0, 16)}…`);
console.log(`  genes ${m.counts.genes}, variants ${m.counts.variants} (names parsed ${m.counts.variantsParsed}), evidence ${m.counts.evidence}, assertions ${m.counts.assertions}, variant groups ${m.counts.variantGroups}`);
console.log(`  rejected lines: ${m.build.rejectedLines.length}`);
for (const r of m.build.rejectedLines) console.log(`    ${r.file}:${r.line}: ${r.reason}`);
console.log(`  repaired lines: ${m.build.repairedLines.length}`);
for (const r of m.build.repairedLines) console.log(`    ${r.file}:${r.line}: ${r.reason}`);
console.log(`  variant names not parsed (kept, never matched): ${m.build.unparsedVariants.length}`);
for (const u of m.build.unparsedVariants) console.log(`    variant ${u.variantId} ${u.gene} ${JSON.stringify(u.name)}`);
console.log(`  build time ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU; ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB`);

if (check) {
  const committed = existsSync(out) ? readFileSync(out, 'utf8') : '';
  if (committed !== text) {
    console.error(`${out}: differs from a fresh build of ${source} (rebuild without --check to update it)`);
    process.exit(1);
  }
  console.log(`  ${out}: identical to a fresh build`);
} else {
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, out);
  console.log(`  wrote ${out}`);
}
