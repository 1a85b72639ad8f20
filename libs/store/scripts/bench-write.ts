/**
 * Store write throughput: writeRecords into a fresh database with synthetic FHIR-like records
 * (each: one source record of ~1 KB JSON, 1-3 facts, 1-2 timeline events), in batches like the importer's.
 *
 *   node --import tsx libs/store/scripts/bench-write.ts [--records 20000] [--batch 500] [--patients 400] [--database-url <url>]
 *
 * Prints a table: first import, re-import of the same batches (all unchanged), and an update pass (10% changed);
 * the baseline in the same run is building the rows alone (JSON.stringify of the content), so the table shows
 * what the store adds. The target is 3,000 resources/s for the whole ingest (validate + map + store).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Fact, TimelineEvent } from '@oncoboard/facts';
import { openStore, type RecordWrite } from '../src/index';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '500' },
    patients: { type: 'string', default: '400' },
    'database-url': { type: 'string' },
  },
});
const total = Number(values.records);
const batchSize = Number(values.batch);
const patientCount = Number(values.patients);

function syntheticRecord(i: number, revision = 0): RecordWrite {
  const patientKey = `Patient/bench-${i % patientCount}`;
  const id = `bench-obs-${i}`;
  const key = `fhir/Observation/${id}`;
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((i % 12) + 1).padStart(2, '0');
  const date = `20${10 + (i % 12)}-${month}-${day}`;
  const resource = {
    resourceType: 'Observation',
    id,
    meta: { profile: ['http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-tumor-marker-test'] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '2857-1', display: 'Prostate specific Ag [Mass/volume] in Serum or Plasma' }] },
    subject: { reference: patientKey },
    effectiveDateTime: date,
    valueQuantity: { value: (i % 100) / 10 + revision, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
    interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H', display: 'High' }] }],
    note: [{ text: 'synthetic benchmark record '.repeat(12) }],
  };
  const content = JSON.stringify(resource);
  const facts: Fact[] = [];
  const factCount = 1 + (i % 3);
  for (let f = 0; f < factCount; f += 1) {
    facts.push({
      kind: f === 0 ? 'tumor-marker' : f === 1 ? 'observation-interpretation' : 'observation-note',
      patientKey,
      code: { system: 'http://loinc.org', code: '2857-1', display: 'PSA' },
      value: { type: 'quantity', quantity: { value: resource.valueQuantity.value, unit: 'ng/mL' } },
      effectiveStart: date,
      status: 'final',
      attributes: { interpretation: 'H', elementPaths: { value: 'Observation.valueQuantity' } },
      provenance: [{ sourceRecordKey: key, elementPath: f === 0 ? 'Observation.valueQuantity' : `Observation.interpretation[${f - 1}]` }],
    });
  }
  const events: TimelineEvent[] = [{ patientKey, category: 'lab', start: date, title: 'PSA', detail: `${resource.valueQuantity.value} ng/mL`, provenance: { sourceRecordKey: key, elementPath: 'Observation.effectiveDateTime' } }];
  if (i % 2 === 0) events.push({ patientKey, category: 'report', start: date, title: 'Lab report', provenance: { sourceRecordKey: key, elementPath: 'Observation' } });
  return {
    key,
    kind: 'fhir-resource',
    resourceType: 'Observation',
    resourceId: id,
    patientKey,
    content,
    contentHash: createHash('sha256').update(content).digest('hex'),
    origin: 'bench.ndjson',
    originLocation: `line ${i + 1}`,
    facts,
    events,
  };
}

function buildBatches(revisionOf: (i: number) => number): RecordWrite[][] {
  const batches: RecordWrite[][] = [];
  for (let start = 0; start < total; start += batchSize) {
    const batch: RecordWrite[] = [];
    for (let i = start; i < Math.min(total, start + batchSize); i += 1) batch.push(syntheticRecord(i, revisionOf(i)));
    batches.push(batch);
  }
  return batches;
}

const work = mkdtempSync(join(tmpdir(), 'oncoboard-bench-write-'));
try {
  const databaseUrl = values['database-url'] ?? `file:${join(work, 'bench.db')}`;
  let t = performance.now();
  const first = buildBatches(() => 0);
  const buildSeconds = (performance.now() - t) / 1000;
  const updates = buildBatches((i) => (i % 10 === 0 ? 1 : 0));

  const store = await openStore({ databaseUrl });
  const run = await store.beginImportRun('bench-write');
  const pass = async (batches: RecordWrite[][]) => {
    const counts = { imported: 0, updated: 0, unchanged: 0 };
    const started = performance.now();
    for (const batch of batches) {
      const r = await store.writeRecords(run.id, batch);
      counts.imported += r.imported;
      counts.updated += r.updated;
      counts.unchanged += r.unchanged;
    }
    return { seconds: (performance.now() - started) / 1000, counts };
  };
  const imported = await pass(first);
  const again = await pass(first);
  const updated = await pass(updates);
  t = performance.now();
  const rows = await store.countRecords();
  await store.finishImportRun(run.id, { ...imported.counts, rejected: 0, status: 'succeeded' });
  await store.close();

  const rate = (s: number) => `${Math.round(total / s).toLocaleString('en-US')} records/s`;
  const table: [string, string][] = [
    ['database', `${store.provider}`],
    ['records (batch size)', `${total} (${batchSize}), ${patientCount} patients`],
    ['baseline: build the rows only', `${buildSeconds.toFixed(2)} s (${rate(buildSeconds)})`],
    ['first import (all new)', `${imported.seconds.toFixed(2)} s (${rate(imported.seconds)}), ${(imported.seconds / buildSeconds).toFixed(1)}x baseline`],
    ['re-import (all unchanged)', `${again.seconds.toFixed(2)} s (${rate(again.seconds)})`],
    ['update pass (10% changed)', `${updated.seconds.toFixed(2)} s (${rate(updated.seconds)})`],
    ['target (whole ingest)', `3,000 records/s: first import is ${(total / imported.seconds / 3000).toFixed(1)}x the target`],
    ['rows: records / facts / events / versions', `${rows.sourceRecords} / ${rows.facts} / ${rows.events} / ${rows.versions}`],
  ];
  const width = Math.max(...table.map(([k]) => k.length));
  console.log('\nbench:store-write');
  for (const [k, v] of table) console.log(`  ${k.padEnd(width)}  ${v}`);
  if (imported.counts.imported !== total || again.counts.unchanged !== total || updated.counts.updated !== Math.ceil(total / 10)) {
    console.error(`unexpected counts: ${JSON.stringify({ imported: imported.counts, again: again.counts, updated: updated.counts })}`);
    process.exitCode = 1;
  }
  console.log(JSON.stringify({ bench: 'store-write', provider: store.provider, records: total, batchSize, recordsPerSecond: Math.round(total / imported.seconds), unchangedPerSecond: Math.round(total / again.seconds), updatePassPerSecond: Math.round(total / updated.seconds) }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
