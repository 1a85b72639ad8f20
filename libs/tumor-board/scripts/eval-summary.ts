/**
 * npm run eval:summary — the default composer over the demo cohort (imported into a temporary SQLite store):
 * citation coverage (share of sentences with ≥ 1 resolvable citation; must be 100%), citation support (share of
 * citations the verifier accepts), and the share of deliberately corrupted sentences the verifier catches, per
 * corruption kind (target 100%). Last line: one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importFhirPath } from '@oncoboard/ingest';
import { openStore } from '@oncoboard/store';
import {
  composeCaseSummary, droppedNegation, otherPatientRecord, storeRecordLookup, verifyCaseSummary, verifySentence, wrongDate, wrongValue,
  type CaseSummary, type Corruption, type CorruptionKind,
} from '../src/index';

const demoDir = resolve(import.meta.dirname, '../../../demo/mcode-stu4');
const work = mkdtempSync(join(tmpdir(), 'oncoboard-eval-summary-'));
try {
  const store = await openStore({ databaseUrl: `file:${join(work, 'eval.db')}` });
  await importFhirPath(demoDir, { store });
  const lookup = storeRecordLookup(store);
  const patients = (await store.searchPatients({ limit: 200 })).items.map((p) => p.key);
  const summaries: CaseSummary[] = [];
  let sentences = 0, resolvable = 0, checked = 0, accepted = 0;
  for (const key of patients) {
    const summary = composeCaseSummary(key, await store.getFacts(key));
    summaries.push(summary);
    const all = summary.sections.flatMap((s) => s.sentences);
    sentences += all.length;
    for (const s of all) if (s.citations.some((id) => summary.evidence[id])) resolvable++;
    const verified = await verifyCaseSummary(summary, lookup);
    checked += verified.citations.checked;
    accepted += verified.citations.accepted;
  }
  const caught: Record<CorruptionKind, { made: number; caught: number }> = {
    'wrong-value': { made: 0, caught: 0 }, 'wrong-date': { made: 0, caught: 0 }, 'dropped-negation': { made: 0, caught: 0 }, 'other-patient-record': { made: 0, caught: 0 },
  };
  for (const [i, summary] of summaries.entries()) {
    const other = summaries[(i + 1) % summaries.length]!;
    const foreign = Object.values(other.evidence)[0];
    for (const sentence of summary.sections.flatMap((s) => s.sentences)) {
      const corruptions = [wrongValue(sentence), wrongDate(sentence), droppedNegation(sentence), foreign && other.patientKey !== summary.patientKey ? otherPatientRecord(sentence, foreign, summary.patientKey) : undefined]
        .filter((c): c is Corruption => !!c);
      for (const c of corruptions) {
        const evidence = c.extraEvidence ? { ...summary.evidence, [c.extraEvidence.id]: c.extraEvidence } : summary.evidence;
        const reasons = await verifySentence({ patientKey: summary.patientKey, evidence }, c.sentence, lookup);
        caught[c.kind].made++;
        if (reasons.length > 0) caught[c.kind].caught++;
      }
    }
  }
  await store.close();
  const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
  const rows: [string, string][] = [
    ['patients (demo cohort)', String(patients.length)],
    ['sentences', String(sentences)],
    ['citation coverage (target 100%)', pct(resolvable, sentences)],
    ['citation support', `${pct(accepted, checked)} (${accepted}/${checked})`],
    ...Object.entries(caught).map(([k, v]) => [`corrupted: ${k} caught (target 100%)`, `${pct(v.caught, v.made)} (${v.caught}/${v.made})`] as [string, string]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\neval:summary (default composer, demo cohort)');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  const totalMade = Object.values(caught).reduce((n, v) => n + v.made, 0);
  const totalCaught = Object.values(caught).reduce((n, v) => n + v.caught, 0);
  console.log(JSON.stringify({
    eval: 'summary', patients: patients.length, sentences,
    citationCoverage: sentences ? resolvable / sentences : null,
    citationSupport: checked ? accepted / checked : null,
    corruptionsCaught: Object.fromEntries(Object.entries(caught).map(([k, v]) => [k, v.made ? v.caught / v.made : null])),
    corruptionsCaughtOverall: totalMade ? totalCaught / totalMade : null, corruptionsMade: totalMade,
  }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
