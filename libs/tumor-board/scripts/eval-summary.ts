/**
 * npm run eval:summary — the default composer over the demo cohort (imported into a temporary SQLite store):
 * citation coverage (share of sentences with ≥ 1 resolvable citation; must be 100%), citation support (share of
 * citations the verifier accepts), and the share of deliberately corrupted sentences the verifier catches, per
 * corruption kind (target 100%). Last line: one JSON object.
 * Besides the FHIR cohort, so that the corruptions reach every kind of claim: two CT timepoints (real DICOM +
 * NIfTI written by libs/imaging's synthetic phantom, a lesion shrinking from 8 to 2 mL) are imported for John
 * (his treatment lines and imaging trend state RECIST), and one joint-model Prediction row is inserted for Jenny
 * with the real model card of clinical-joint-demo@1.0.0 (SYNTHETIC; its numbers are fixed here, not computed by
 * the model: the evaluation measures the verifier, not the model).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { importFhirPath, importImagingSeries } from '@oncoboard/ingest';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from '@oncoboard/imaging/testing';
import { openStore } from '@oncoboard/store';
import {
  composeCaseSummary, droppedNegation, latestPrediction, otherPatientRecord, storeRecordLookup, verifyCaseSummary, verifySentence, wrongDate, wrongResponse, wrongValue,
  type CaseSummary, type Corruption, type CorruptionKind,
} from '../src/index';

const demoDir = resolve(import.meta.dirname, '../../../demo/mcode-stu4');
const work = mkdtempSync(join(tmpdir(), 'oncoboard-eval-summary-'));
try {
  const store = await openStore({ databaseUrl: `file:${join(work, 'eval.db')}` });
  await importFhirPath(demoDir, { store });
  for (const [name, ml, date] of [['baseline', 8, '20190320'], ['follow-up', 2, '20190425']] as const) {
    const phantom = syntheticCtPhantom({ size: 64, slices: 32, pixelMm: 2, sliceMm: 2, lesionMl: ml });
    writeDicomSeries(phantom.image, join(work, name), `eval-${name}`, { date, seriesDescription: `CT ${name}` });
    await importImagingSeries(join(work, name), { patientKey: 'Patient/cancer-patient-john-anyperson', mask: writeNifti(phantom.mask, join(work, `${name}.nii`)), encoder: false }, { store });
  }
  const card = readFileSync(resolve(import.meta.dirname, '../../fusion-model/models/clinical-joint-demo/1.0.0/MODEL_CARD.md'), 'utf8');
  await store.prisma.modelVersion.create({ data: { id: 'clinical-joint-demo@1.0.0', modelId: 'clinical-joint-demo', version: '1.0.0', sha256: '0'.repeat(64), path: 'libs/fusion-model/models/clinical-joint-demo/1.0.0', card, synthetic: true } });
  const result = {
    referenceCohortSize: 240,
    survival: { timeUnit: 'months', times: [6, 12, 24, 36], survival: [0.97, 0.91, 0.8, 0.7], lower: [0.95, 0.88, 0.75, 0.64], upper: [0.99, 0.94, 0.86, 0.76], band: 'min–max of 5 bootstrap members' },
    similarPatients: [{ patientKey: 'synthetic-0042', distance: 0.0123, outcome: { time: 31.5, event: true, timeUnit: 'months' }, treatments: [] }],
  };
  await store.prisma.prediction.create({ data: { patientKey: 'Patient/cancer-patient-jenny-m', modelVersionId: 'clinical-joint-demo@1.0.0', risk: -0.4188, riskPercentile: 27.51, provider: 'cpu', resultJson: JSON.stringify(result) } });
  const lookup = storeRecordLookup(store);
  const patients = (await store.searchPatients({ limit: 200 })).items.map((p) => p.key);
  const summaries: CaseSummary[] = [];
  let sentences = 0, resolvable = 0, checked = 0, accepted = 0;
  for (const key of patients) {
    const summary = composeCaseSummary(key, await store.getFacts(key), { prediction: await latestPrediction(store, key) });
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
    'wrong-response': { made: 0, caught: 0 },
  };
  const bySection: Record<string, { made: number; caught: number }> = {};
  for (const [i, summary] of summaries.entries()) {
    const other = summaries[(i + 1) % summaries.length]!;
    const foreign = Object.values(other.evidence)[0];
    for (const sentence of summary.sections.flatMap((s) => s.sentences)) {
      const corruptions = [wrongValue(sentence), wrongDate(sentence), droppedNegation(sentence), wrongResponse(sentence), foreign && other.patientKey !== summary.patientKey ? otherPatientRecord(sentence, foreign, summary.patientKey) : undefined]
        .filter((c): c is Corruption => !!c);
      for (const c of corruptions) {
        const evidence = c.extraEvidence ? { ...summary.evidence, [c.extraEvidence.id]: c.extraEvidence } : summary.evidence;
        const reasons = await verifySentence({ patientKey: summary.patientKey, evidence }, c.sentence, lookup);
        caught[c.kind].made++;
        const sec = (bySection[sentence.section] ??= { made: 0, caught: 0 });
        sec.made++;
        if (reasons.length > 0) {
          caught[c.kind].caught++;
          sec.caught++;
        }
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
    ...Object.entries(bySection).map(([k, v]) => [`  in section ${k}`, `${pct(v.caught, v.made)} (${v.caught}/${v.made})`] as [string, string]),
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
    corruptionsBySection: Object.fromEntries(Object.entries(bySection).map(([k, v]) => [k, { made: v.made, caught: v.caught }])),
  }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
