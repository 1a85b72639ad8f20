/**
 * npm run bench:summary — the default composer + verifier per patient (p50/p95 over repeated runs on the demo
 * cohort, plus a patient with a pathology report and a VCF), and preparing a board of 20 cases end to end (compose,
 * verify, store), in a temporary SQLite store. Baseline in the same run: reading the patient's facts alone.
 * Target (issue 7): p95 under 300 ms per patient. Last line: one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importFhirPath, importPathologyReports, importVcf } from '@oncoboard/ingest';
import { openStore } from '@oncoboard/store';
import { addCase, composeCaseSummary, createBoard, latestPrediction, prepareBoard, reportTexts, storeRecordLookup, verifyCaseSummary } from '../src/index';

const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'oncoboard-bench-summary-'));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
try {
  const store = await openStore({ databaseUrl: `file:${join(work, 'bench.db')}` });
  await importFhirPath(join(root, 'demo/mcode-stu4'), { store });
  const jenny = 'Patient/cancer-patient-jenny-m';
  await importPathologyReports(join(root, 'libs/pathology/fixtures/breast-core-biopsy.txt'), { patientKey: jenny }, { store });
  await importVcf(join(root, 'libs/genomics/fixtures/vcf/pcgr-brca.vep.excerpt.vcf'), { patientKey: jenny, assembly: 'GRCh37' }, { store });
  const patients = (await store.searchPatients({ limit: 200 })).items.map((p) => p.key);
  const lookup = storeRecordLookup(store);
  const summaryMs: number[] = [];
  const factsMs: number[] = [];
  let sentences = 0;
  for (let round = 0; round < 10; round++) {
    for (const key of patients) {
      let t = performance.now();
      const facts = await store.getFacts(key);
      factsMs.push(performance.now() - t);
      t = performance.now();
      const summary = composeCaseSummary(key, await store.getFacts(key), { recordText: await reportTexts(store, key), prediction: await latestPrediction(store, key) });
      const verified = await verifyCaseSummary(summary, lookup);
      summaryMs.push(performance.now() - t);
      if (round === 0) sentences += verified.summary.sections.reduce((n, s) => n + s.sentences.length, 0);
      void facts;
    }
  }
  const board = await createBoard(store, { title: 'Bench board', specialty: 'breast', meetingAt: '2026-12-02T08:00:00Z' }, 'bench');
  for (let i = 0; i < 20; i++) await addCase(store, board.id, { patientKey: patients[i % patients.length]!, question: `Case ${i + 1}` });
  const t = performance.now();
  await prepareBoard(store, board.id);
  const boardMs = performance.now() - t;
  await store.close();
  const result = {
    bench: 'summary',
    patients: patients.length,
    runs: summaryMs.length,
    sentencesPerRound: sentences,
    summaryP50Ms: +quantile(summaryMs, 0.5).toFixed(1),
    summaryP95Ms: +quantile(summaryMs, 0.95).toFixed(1),
    baselineFactsReadP50Ms: +quantile(factsMs, 0.5).toFixed(1),
    board20CasesMs: Math.round(boardMs),
    targetP95Ms: 300,
    meetsTarget: quantile(summaryMs, 0.95) < 300,
  };
  console.log('\nbench:summary (compose + verify, demo cohort + one patient with a report and a VCF)');
  console.log(`  per patient, p50 / p95          ${result.summaryP50Ms} / ${result.summaryP95Ms} ms (target p95 < 300 ms)`);
  console.log(`  baseline: reading the facts     ${result.baselineFactsReadP50Ms} ms (p50)`);
  console.log(`  board of 20 cases, end to end   ${result.board20CasesMs} ms`);
  console.log(JSON.stringify(result));
} finally {
  rmSync(work, { recursive: true, force: true });
}
