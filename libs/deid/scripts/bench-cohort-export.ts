// Cohort export of the demo cohort: one patient at a time (CohortDeidExporter) against the baseline of the same
// resources in one deidentifyPatientExport call, measured in the same run. Prints CPU (user+sys) and wall time,
// the peak heap used, and the load average, over a few repetitions.
//   npx tsx libs/deid/scripts/bench-cohort-export.ts [repetitions]
import { loadavg } from 'node:os';
import { CohortDeidExporter, DeidKey, deidentifyPatientExport, referencedSharedResources } from '../src/index';
import { loadDemoResources, type Json } from '../src/test-support/demo-cohort';

const reps = Number(process.argv[2] ?? 5);
const key = new DeidKey('benchmark-only key, not a secret: 0123456789abcdef');
const all = loadDemoResources();
const byRef = new Map(all.map((r) => [`${String(r.resourceType)}/${String(r.id)}`, r]));
const REF = /"reference":"Patient\/([^"]+)"/g;
const patients = all.filter((r) => r.resourceType === 'Patient').map((r) => String(r.id));
const own = (id: string) => all.filter((r) => (r.resourceType === 'Patient' ? r.id === id : (() => { const s = new Set([...JSON.stringify(r).matchAll(REF)].map((m) => m[1])); return s.size === 1 && s.has(id); })()));
const inputs = patients.map((patientId) => {
  const resources = own(patientId);
  return { patientId, resources, sharedResources: referencedSharedResources(resources).map((r) => byRef.get(r)).filter((r): r is Json => !!r) };
});
const oneBatch = [...new Set(inputs.flatMap((p) => [...p.resources, ...p.sharedResources]))];

function measure(run: () => number): { cpuMs: number; wallMs: number; out: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = run();
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0, out };
}
const cohort = () => {
  const ex = new CohortDeidExporter({ key, referenceDate: '2025-06-01' });
  let n = 0;
  for (const p of inputs) n += ex.addPatient(p).bundle.entry.length;
  return n + ex.finish().sharedBundle.entry.length;
};
const baseline = () => deidentifyPatientExport({ resources: oneBatch, key, referenceDate: '2025-06-01' }).bundle.entry.length;
cohort(); baseline(); // warm-up
const rows: { name: string; cpu: number[]; wall: number[]; out: number }[] = [
  { name: 'baseline: one deidentifyPatientExport call', cpu: [], wall: [], out: 0 },
  { name: 'CohortDeidExporter, patient by patient', cpu: [], wall: [], out: 0 },
];
for (let i = 0; i < reps; i++) {
  for (const [row, fn] of [[rows[0]!, baseline], [rows[1]!, cohort]] as const) {
    const m = measure(fn);
    row.cpu.push(m.cpuMs);
    row.wall.push(m.wallMs);
    row.out = m.out;
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`demo cohort: ${patients.length} patients, ${oneBatch.length} input resources; ${reps} repetitions; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| run | resources out | median CPU ms | median wall ms |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.name} | ${r.out} | ${median(r.cpu).toFixed(0)} | ${median(r.wall).toFixed(0)} |`);
