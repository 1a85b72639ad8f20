// Throughput: this validator vs Medplum 4.5.2's validateResource, on the same resources in the same run.
//   npx tsx libs/ehr-fhir/src/structure-validator/bench.ts [--seconds 3]
// Resources: the mCODE STU4 examples (demo/mcode-stu4, plus the entries of the 2 Bundles in
// demo/mcode-stu4-bundles: 242 resources), then 600 seeded mutations of them (mostly invalid: the error path).
// Single thread; each validator runs whole passes over the resources for at least --seconds after a warm-up.
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitionBundles } from './compile';
import { compileR4StructureValidator } from './index';
import { loadMcodeCorpus } from './test-support/corpus';
import { generateMutations } from './test-support/mutate';

const argSeconds = process.argv.indexOf('--seconds');
const SECONDS = argSeconds > 0 ? Number(process.argv[argSeconds + 1]) : 3;

function ms(t0: number): string {
  return `${(performance.now() - t0).toFixed(0)} ms`;
}

/** Runs whole passes until `seconds` have elapsed; returns resources/s and the number rejected in one pass. */
function measure(resources: readonly unknown[], validate: (r: unknown) => boolean, seconds: number): { perSecond: number; rejected: number } {
  let rejected = 0;
  for (const r of resources) if (!validate(r)) rejected++;
  for (let i = 0; i < 3; i++) for (const r of resources) validate(r); // warm-up
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (const r of resources) validate(r);
    n += resources.length;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < seconds);
  return { perSecond: n / elapsed, rejected };
}

let t0 = performance.now();
const bundles = loadDefinitionBundles();
console.log(`read + parse profiles-types.json, profiles-resources.json: ${ms(t0)}`);
t0 = performance.now();
for (const b of bundles) indexStructureDefinitionBundle(b as never);
console.log(`Medplum indexStructureDefinitionBundle: ${ms(t0)}`);
t0 = performance.now();
const ours = compileR4StructureValidator({ bundles });
console.log(`compileR4StructureValidator (incl. reading valuesets.json for required bindings): ${ms(t0)}`);

const corpus = loadMcodeCorpus();
const valid = corpus.map((c) => c.resource);
const mutated = generateMutations(corpus, 600, 20261128).map((m) => m.resource);

const medplum = (r: unknown): boolean => {
  try {
    validateResource(r as Resource);
    return true;
  } catch {
    return false;
  }
};
const fast = (r: unknown): boolean => !ours.validate(r).some((i) => i.severity === 'error');

const before = JSON.stringify(mutated);
const figures: Record<string, { medplumPerSecond: number; compiledPerSecond: number; speedUp: number }> = {};
for (const [key, label, resources] of [
  ['mcodeExamples', `mCODE examples (${valid.length} resources)`, valid],
  ['seededMutations', `seeded mutations (${mutated.length} resources, ${mutated.filter((r) => !medplum(r)).length} invalid for Medplum)`, mutated],
] as const) {
  const m = measure(resources, medplum, SECONDS);
  const o = measure(resources, fast, SECONDS);
  console.log(`\n${label}`);
  console.log(`  Medplum validateResource:      ${m.perSecond.toFixed(0).padStart(8)} resources/s  (${(1e6 / m.perSecond).toFixed(1)} µs each; rejected ${m.rejected})`);
  console.log(`  compileR4StructureValidator:   ${o.perSecond.toFixed(0).padStart(8)} resources/s  (${(1e6 / o.perSecond).toFixed(1)} µs each; rejected ${o.rejected})`);
  console.log(`  speed-up: ${(o.perSecond / m.perSecond).toFixed(1)}x`);
  figures[key] = { medplumPerSecond: Math.round(m.perSecond), compiledPerSecond: Math.round(o.perSecond), speedUp: +(o.perSecond / m.perSecond).toFixed(1) };
}
// Medplum's validator can write primitive extensions into the objects it validates; it did not here, so both
// validators saw the same inputs throughout.
if (JSON.stringify(mutated) !== before) console.log('\nWARNING: the resources changed during the run');
console.log(JSON.stringify({ bench: 'structure-validator', ...figures }));
