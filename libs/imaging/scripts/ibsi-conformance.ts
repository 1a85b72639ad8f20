// Prints the IBSI 1 digital phantom conformance table (Markdown) of libs/imaging's radiomics features.
// Run from the repository root: node --import tsx libs/imaging/scripts/ibsi-conformance.ts
import { conformanceSummary, ibsiConformance } from '../src/radiomics/conformance';

const fmt = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString());
const rows = ibsiConformance();
const s = conformanceSummary(rows);
const out: string[] = [];
out.push('| Family | Feature | IBSI tag | Reference | Tolerance | Ours | OK |');
out.push('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const ok = r.reference === null ? 'n/a (not standardised)' : r.ok ? '✅' : r.ours === null ? '— (not implemented)' : '❌';
  out.push(`| ${r.family} | ${r.feature} | \`${r.tag}\` | ${fmt(r.reference)} | ${r.tolerance === null ? '—' : fmt(Number(r.tolerance.toPrecision(3)))} | ${fmt(r.ours)} | ${ok} |`);
}
out.push('');
out.push(
  `Implemented: ${s.implemented} / ${s.total} reference rows; within tolerance: ${s.withinTolerance} / ${s.withReference} rows that have a reference value ` +
    `(${s.total - s.withReference} rows are 'not standardized' in IBSI and have none).`,
);
out.push('');
out.push(
  'Tolerance = max(the CSV tolerance, half a unit in the 3rd significant digit of the reference), because IBSI publishes the phantom values rounded to 3 significant digits.',
);
console.log(out.join('\n'));
process.exitCode = s.withinTolerance === s.withReference ? 0 : 1;
