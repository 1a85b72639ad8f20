import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFhirPath, importImagingSeries } from '@oncoboard/ingest';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from '@oncoboard/imaging/testing';
import { openStore, type Store } from '@oncoboard/store';
import {
  addCase, composeCaseSummary, createBoard, groupTherapyLines, prepareCase, latestPrediction, otherPatientRecord, storeRecordLookup, verifyCaseSummary, verifySentence, wrongDate,
  wrongResponse, wrongValue, type CaseSummary, type RecordLookup, type SummarySentence,
} from './index';

// Treatment lines, the imaging trend with RECIST, and the joint model's prediction, over a real SQLite store: the
// mCODE demo cohort, two CT timepoints (real DICOM + NIfTI, a lesion shrinking from 8 mL to 2 mL) imported for
// John, and a ModelVersion + Prediction row inserted here as the fusion-model's prediction job would write them.
const demoDir = resolve(__dirname, '../../../demo/mcode-stu4');
const cardPath = resolve(__dirname, '../../fusion-model/models/clinical-joint-demo/1.0.0/MODEL_CARD.md');
const JENNY = 'Patient/cancer-patient-jenny-m';
const JOHN = 'Patient/cancer-patient-john-anyperson';

let work: string;
let store: Store;
let lookup: RecordLookup;
let jenny: CaseSummary;
let john: CaseSummary;
let predictionId: number;

async function importPhantom(name: string, patientKey: string, lesionMl: number, date: string) {
  const phantom = syntheticCtPhantom({ size: 64, slices: 32, pixelMm: 2, sliceMm: 2, lesionMl });
  const dir = join(work, name);
  writeDicomSeries(phantom.image, dir, `tb-${name}`, { date, seriesDescription: `CT ${name}` });
  await importImagingSeries(dir, { patientKey, mask: writeNifti(phantom.mask, join(work, `${name}.nii`)), encoder: false }, { store });
}

const result = {
  referenceCohortSize: 240,
  survival: { timeUnit: 'months', times: [6, 12, 24, 36, 48], survival: [0.97123, 0.91456, 0.80234, 0.70111, 0.61999], lower: [0.95, 0.88, 0.75321, 0.64, 0.55], upper: [0.99, 0.94, 0.85678, 0.76, 0.68], band: 'min–max of 5 bootstrap members' },
  similarPatients: [{ patientKey: 'synthetic-0042', distance: 0.01234, outcome: { time: 31.5, event: true, timeUnit: 'months' }, treatments: [] }],
  similarity: 'cosine distance of fused embeddings',
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-tumor-board-lines-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'board.db')}` });
  await importFhirPath(demoDir, { store });
  // John: cisplatin from 2019-04-01 (first line), gefitinib from 2019-04-30 (second line).
  await importPhantom('baseline', JOHN, 8, '20190320');
  await importPhantom('follow-up', JOHN, 2, '20190425');
  lookup = storeRecordLookup(store);
  await store.prisma.modelVersion.create({
    data: { id: 'clinical-joint-demo@1.0.0', modelId: 'clinical-joint-demo', version: '1.0.0', sha256: 'a'.repeat(64), path: '/models/clinical-joint-demo/1.0.0', card: readFileSync(cardPath, 'utf8'), synthetic: true, active: true },
  });
  const row = await store.prisma.prediction.create({
    data: { patientKey: JENNY, modelVersionId: 'clinical-joint-demo@1.0.0', risk: -0.41876, riskPercentile: 27.5123, provider: 'cpu', resultJson: JSON.stringify(result), createdAt: new Date('2019-01-10T09:00:00Z') },
  });
  predictionId = row.id;
  jenny = composeCaseSummary(JENNY, await store.getFacts(JENNY), { today: new Date('2019-01-15'), prediction: await latestPrediction(store, JENNY) });
  john = composeCaseSummary(JOHN, await store.getFacts(JOHN), { today: new Date('2019-06-01'), prediction: await latestPrediction(store, JOHN) });
}, 180_000);

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

const section = (s: CaseSummary, id: string) => s.sections.find((x) => x.id === id)!;
const texts = (s: CaseSummary, id: string) => section(s, id).sentences.map((x) => x.text);
const find = (s: CaseSummary, text: string) => {
  const found = s.sections.flatMap((x) => x.sentences).find((x) => x.text.includes(text));
  expect(found, `a sentence containing "${text}"`).toBeDefined();
  return found!;
};

describe('treatment history by line', () => {
  it('groups drugs started within 28 days into one line, a new drug later into the next, with dates and the response recorded during each line', () => {
    expect(texts(jenny, 'treatment')).toEqual([
      'First line of systemic therapy: cyclophosphamide, DOXOrubicin, PACLitaxel, from 2018-04-01 to 2018-04-22, intent Curative.',
      'Excision of part of breast (surgery), 2018-04-01, intent Curative.',
      expect.stringMatching(/^.+ \(radiotherapy course\), from 2018-08-15 to 2018-10-25/),
      expect.stringMatching(/^.+ \(radiotherapy course\), from 2018-08-15 to 2018-10-25/),
      'Second line of systemic therapy: anastrozole, started 2018-09-30, intent Curative.',
      expect.stringMatching(/^During the second line, .+: .+, 2018-11-01\.$/),
    ]);
    expect(section(jenny, 'treatment').note).toMatch(/^Lines of systemic therapy are counted .+ No response is recorded for the first line\.$/);
    // The disease status dated in the second line is stated there, not again under performance status.
    expect(texts(jenny, 'performance').some((t) => t.includes('2018-11-01'))).toBe(false);
    const line = find(jenny, 'First line of systemic therapy');
    expect(line.citations.map((id) => jenny.evidence[id]!.sourceRecordKey)).toEqual(
      expect.arrayContaining(['fhir/MedicationRequest/cancer-related-medication-request-cyclophosphamide-jenny-m', 'fhir/MedicationRequest/cancer-related-medication-request-doxorubicin-jenny-m', 'fhir/MedicationRequest/cancer-related-medication-request-paclitaxel-jenny-m']),
    );
  });

  it('opens a new line after a gap of more than 90 days even for the same drug', () => {
    const med = (id: string, date: string, drug: string) => ({ id, kind: 'cancer-related-medication-administration', patientKey: 'Patient/p', sourceRecordKey: `fhir/x/${id}`, code: { display: drug }, effectiveStart: date, attributes: {}, provenance: [] });
    const lines = groupTherapyLines([med('a', '2020-01-01', 'letrozole 2.5 MG'), med('b', '2020-03-01', 'letrozole 2.5 MG'), med('c', '2020-09-01', 'letrozole 2.5 MG'), med('d', '2020-09-10', 'palbociclib 125 MG')]);
    expect(lines.map((l) => [l.start.date, l.end?.date, l.drugs.map((d) => d.name)])).toEqual([
      ['2020-01-01', '2020-03-01', ['letrozole']],
      ['2020-09-01', '2020-09-10', ['letrozole', 'palbociclib']],
    ]);
  });

  it('states the RECIST response measured during a line, citing the series and the lesion measurements', () => {
    expect(texts(john, 'treatment')).toContain(
      'During the first line, RECIST v1.1 target-lesion response on 2019-04-25: partial response (PR), sum of longest diameters 15.2 mm against 24.4 mm at baseline 2019-03-20, a 37.6% decrease.',
    );
    const s = find(john, 'During the first line, RECIST');
    const keys = s.citations.map((id) => john.evidence[id]!.sourceRecordKey);
    expect(keys.filter((k) => k.startsWith('imaging/lesions/'))).toHaveLength(2);
    expect(keys.filter((k) => k.startsWith('dicom/series/'))).toHaveLength(2);
  });
});

describe('imaging measurements and trend', () => {
  it('lists each measurement and the RECIST category at the follow-up, and the verifier supports every sentence', async () => {
    const imaging = texts(john, 'imaging');
    expect(imaging).toEqual([
      'Lesion 1 on CT of 2019-03-20: volume 7.904 mL, longest axial diameter 24.413 mm, short axis 23.324 mm.',
      'Lesion 1 on CT of 2019-04-25: volume 1.952 mL, longest axial diameter 15.232 mm, short axis 13.416 mm.',
      'RECIST v1.1 target-lesion response on 2019-04-25: partial response (PR), sum of longest diameters 15.2 mm against 24.4 mm at baseline 2019-03-20, a 37.6% decrease.',
    ]);
    expect(section(john, 'imaging').note).toMatch(/^RECIST v1\.1 target-lesion response: /);
    for (const summary of [john, jenny]) {
      const verified = await verifyCaseSummary(summary, lookup);
      expect(verified.rejected).toEqual([]);
      expect(verified.citations.accepted).toBe(verified.citations.checked);
    }
  });

  it('recomputes the category from the cited lesions: a wrong category, sum, date or direction is caught', async () => {
    const recist = find(john, 'RECIST v1.1 target-lesion response on 2019-04-25');
    const check = (s: SummarySentence) => verifySentence(john, s, lookup);
    const swapped = wrongResponse(recist)!;
    expect(swapped.sentence.text).toContain('stable disease (SD)');
    expect(await check(swapped.sentence)).toEqual(['the cited lesion measurements give partial response (PR) on 2019-04-25, not stable disease (SD)']);
    expect(await check(wrongValue(recist)!.sentence)).toEqual(['value 23.8 mm is not in the cited records']);
    expect(await check(wrongDate(recist)!.sentence)).toEqual([expect.stringMatching(/^citation ev-[0-9a-f]{12}: the sentence states nothing that dicom\/series\/.+ seriesDate says$/)]);
    expect(await check({ ...recist, text: recist.text.replace('decrease', 'increase') })).toEqual(['the cited lesion measurements change by -37.6% from baseline; the sentence states the opposite direction']);
    // A category claimed on lesion entries of one timepoint only cannot be recomputed.
    const oneTimepoint = recist.citations.filter((id) => john.evidence[id]!.sourceRecordKey !== recist.citations.map((c) => john.evidence[c]!.sourceRecordKey).find((k) => k.startsWith('imaging/lesions/')));
    expect(await check({ ...recist, citations: oneTimepoint })).toContain('the cited lesion measurements do not give a RECIST response (a baseline and a follow-up with measured diameters are needed)');
  });
});

describe('the joint model section', () => {
  it('states risk, survival estimate, similar patients and the model card limits, says the model is synthetic, and cites the prediction', async () => {
    const model = texts(jenny, 'model');
    expect(model[0]).toBe(
      'Joint model (SYNTHETIC: trained on synthetic data, for demonstration only) clinical-joint-demo@1.0.0, prediction of 2019-01-10: risk score −0.42 (log relative hazard, comparable only within this model version), percentile 27.5 of the reference cohort of 240 patients.',
    );
    expect(model[1]).toBe('Estimated survival by the synthetic model: 0.8 at 24 months (ensemble min–max band 0.75 to 0.86, uncalibrated).');
    expect(model[2]).toBe("Similar patient in the synthetic model's reference cohort: synthetic-0042, cosine distance 0.012, event at 31.5 months.");
    expect(model.slice(3)).toContain('Limit of the synthetic model clinical-joint-demo@1.0.0 (model card): “Trained on SYNTHETIC data: the C index says the model recovers the signal the generator put in, nothing about patients.”.');
    expect(section(jenny, 'model').note).toMatch(/trained on SYNTHETIC data/);
    const risk = find(jenny, 'risk score');
    expect(new Set(risk.citations.map((id) => jenny.evidence[id]!.sourceRecordKey))).toEqual(new Set([`prediction/${predictionId}`]));
    expect(risk.citations.map((id) => jenny.evidence[id]!.factKind)).toEqual(risk.citations.map(() => 'model-prediction'));
    // No prediction: the section says so.
    expect(section(john, 'model')).toMatchObject({ sentences: [], note: 'No joint-model prediction is on record for this patient.' });
  });

  it('catches a changed number, a dropped "synthetic", another patient\'s prediction and a prediction that no longer exists', async () => {
    const risk = find(jenny, 'risk score');
    const check = (s: SummarySentence, evidence = jenny.evidence) => verifySentence({ patientKey: JENNY, evidence }, s, lookup);
    expect(await check({ ...risk, text: risk.text.replace('27.5', '72.5') })).toEqual([expect.stringMatching(/^citation ev-[0-9a-f]{12}: the sentence states nothing that prediction\/\d+ riskPercentile says$/)]);
    // The sign is a claim too: "−0.42" (U+2212) → "0.42".
    expect(await check({ ...risk, text: risk.text.replace('−0.42', '0.42') })).toEqual([expect.stringMatching(/^citation ev-[0-9a-f]{12}: the sentence states nothing that prediction\/\d+ risk says$/)]);
    const survival = find(jenny, 'Estimated survival');
    expect(await check({ ...survival, text: survival.text.replace('synthetic ', '') })).toEqual(['the cited prediction is of a model trained on synthetic data (clinical-joint-demo@1.0.0); the sentence does not say so']);
    const johnRow = await store.prisma.prediction.create({ data: { patientKey: JOHN, modelVersionId: 'clinical-joint-demo@1.0.0', risk: 1.2, riskPercentile: 90, provider: 'cpu', resultJson: '{}' } });
    const foreign = { id: 'ev-john-risk', patientKey: JOHN, sourceRecordKey: `prediction/${johnRow.id}`, elementPath: 'risk', factKind: 'model-prediction' };
    const swapped = otherPatientRecord(risk, foreign, JENNY);
    expect(await check(swapped.sentence, { ...jenny.evidence, [swapped.extraEvidence!.id]: swapped.extraEvidence! })).toEqual([`citation ${swapped.extraEvidence!.id}: record prediction/${johnRow.id} belongs to another patient`]);
    const ghost = { ...jenny.evidence[risk.citations[0]!]!, id: 'ev-ghost', sourceRecordKey: 'prediction/999999' };
    expect(await check({ ...risk, citations: ['ev-ghost'] }, { 'ev-ghost': ghost })).toEqual(['citation ev-ghost: record prediction/999999 does not exist']);
  });

  it('prepareCase reads the latest prediction from the store and keeps the cited model records for the case page', async () => {
    const board = await createBoard(store, { title: 'Model board', specialty: 'breast', meetingAt: '2019-01-20T08:00:00Z' }, 'coordinator');
    const c = await addCase(store, board.id, { patientKey: JENNY, question: 'Endocrine therapy?' });
    const prepared = await prepareCase(store, c.id, { today: new Date('2019-01-15') });
    expect(prepared.rejected).toEqual([]);
    expect(prepared.summary.sections.find((s) => s.id === 'model')!.sentences.length).toBeGreaterThan(3);
    expect(Object.keys(prepared.modelSources ?? {}).sort()).toEqual(['model-card/clinical-joint-demo@1.0.0', `prediction/${predictionId}`]);
    expect(JSON.parse(prepared.modelSources![`prediction/${predictionId}`]!)).toMatchObject({ patientKey: JENNY, modelVersion: { id: 'clinical-joint-demo@1.0.0', synthetic: true } });
  });
});
