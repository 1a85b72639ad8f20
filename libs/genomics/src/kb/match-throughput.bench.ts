// KB matching throughput (issue 5 target: 10,000 variants under 1 s), on the committed KB.
// Run from the repository root: node --import tsx libs/genomics/src/kb/match-throughput.bench.ts
// 10,000 synthetic variants shaped like a panel's calls (seeded): 80% missense with hgvsp/hgvsc, 10% in-frame
// deletions, 7% copy-number changes, 3% fusions; 30% of them in genes CIViC knows. Matched as 100 patients of 100
// variants (5 runs, median) and as one patient of 10,000; baseline in the same run: parsing the same hgvsp/hgvsc
// strings alone. The last line is one JSON object.
import { parseHgvs } from '../hgvs/shorthand';
import { loadKb } from './load';
import { KbMatcher, type MatchableVariant } from './match';

let seed = 5 >>> 0;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;

const t0 = performance.now();
const kb = loadKb();
const loadMs = performance.now() - t0;
const matcher = new KbMatcher(kb);
const AA = [...'ACDEFGHIKLMNPQRSTVWY'];
const kbGenes = kb.genes.map((g) => g.symbol);
const otherGenes = Array.from({ length: 2000 }, (_, i) => `GENE${i}`);
const variants: MatchableVariant[] = [];
for (let i = 0; i < 10_000; i++) {
  const r = rnd();
  const gene = rnd() < 0.3 ? pick(kbGenes) : pick(otherGenes);
  const ref = `v${i}`;
  if (r < 0.8) {
    const pos = 1 + Math.floor(rnd() * 1200);
    variants.push({ ref, geneSymbol: gene, hgvsp: `p.${pick(AA)}${pos}${pick(AA)}`, hgvsc: `c.${pos * 3 - 1}C>T`, consequence: 'missense_variant', kind: 'snv' });
  } else if (r < 0.9) variants.push({ ref, geneSymbol: gene, hgvsp: `p.${pick(AA)}${1 + Math.floor(rnd() * 1200)}del`, consequence: 'inframe_deletion', kind: 'indel' });
  else if (r < 0.97) variants.push({ ref, geneSymbol: gene, kind: rnd() < 0.5 ? 'cnv-amplification' : 'cnv-deletion' });
  else variants.push({ ref, geneSymbol: gene, fusionPartner: pick(kbGenes), kind: 'fusion' });
}
const cancer = { codings: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C34.90' }] };
matcher.matchPatient(variants.slice(0, 1000), { cancer }); // warm-up

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const parseRuns: number[] = [];
const matchRuns: number[] = [];
let evidence = 0;
for (let k = 0; k < 5; k++) {
  let t = performance.now();
  for (const v of variants) {
    if (v.hgvsp) parseHgvs(v.hgvsp);
    if (v.hgvsc) parseHgvs(v.hgvsc);
  }
  parseRuns.push(performance.now() - t);
  t = performance.now();
  evidence = 0;
  for (let p = 0; p < 100; p++) evidence += matcher.matchPatient(variants.slice(p * 100, p * 100 + 100), { cancer }).evidence.length;
  matchRuns.push(performance.now() - t);
}
const t1 = performance.now();
const single = matcher.matchPatient(variants, { cancer });
const singleMs = performance.now() - t1;

const matchMs = median(matchRuns);
const rows = [
  ['KB load (parse + hash check)', `${loadMs.toFixed(0)} ms`],
  ['baseline: parse every hgvsp/hgvsc (median of 5)', `${median(parseRuns).toFixed(0)} ms`],
  ['match 10,000 variants as 100 patients (median of 5)', `${matchMs.toFixed(0)} ms (${Math.round(10_000 / (matchMs / 1000))} variants/s, ${evidence} evidence matches)`],
  ['match 10,000 variants as one patient', `${singleMs.toFixed(0)} ms (${single.evidence.length} evidence matches)`],
];
console.log('| step | time |\n|---|---|');
for (const [a, b] of rows) console.log(`| ${a} | ${b} |`);
console.log(
  JSON.stringify({
    kbVersion: kb.meta.version,
    variants: 10_000,
    kbLoadMs: Math.round(loadMs),
    parseBaselineMs: Math.round(median(parseRuns)),
    matchMs: Math.round(matchMs),
    variantsPerSecond: Math.round(10_000 / (matchMs / 1000)),
    singlePatientMs: Math.round(singleMs),
    targetMs: 1000,
    met: matchMs < 1000,
  }),
);
