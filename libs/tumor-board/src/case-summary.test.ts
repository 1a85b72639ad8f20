import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFhirPath, importPathologyReports, importVcf } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';
import {
  composeCaseSummary,
  droppedNegation,
  otherPatientRecord,
  rephraseCaseSummary,
  storeRecordLookup,
  verifyCaseSummary,
  verifySentence,
  wrongDate,
  wrongValue,
  type CaseSummary,
  type RecordLookup,
  type SummaryFact,
  type SummarySentence,
} from './index';

// The composer and verifier over a real SQLite store holding the mCODE STU4 demo cohort.
const demoDir = resolve(__dirname, '../../../demo/mcode-stu4');
const JENNY = 'Patient/cancer-patient-jenny-m';
const JOHN = 'Patient/cancer-patient-john-anyperson';
const EVE = 'Patient/cancer-patient-eve-anyperson';

let work: string;
let store: Store;
let lookup: RecordLookup;
let jenny: CaseSummary;
let john: CaseSummary;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-tumor-board-'));
  store = await openStore({ databaseUrl: `file:${join(work, 'board.db')}` });
  await importFhirPath(demoDir, { store });
  lookup = storeRecordLookup(store);
  await importPathologyReports(resolve(__dirname, '../../pathology/fixtures/breast-core-biopsy.txt'), { patientKey: EVE }, { store });
  await importVcf(resolve(__dirname, '../../genomics/fixtures/vcf/pcgr-brca.vep.excerpt.vcf'), { patientKey: JENNY, assembly: 'GRCh37' }, { store });
  jenny = composeCaseSummary(JENNY, await store.getFacts(JENNY), { today: new Date('2019-01-15') });
  john = composeCaseSummary(JOHN, await store.getFacts(JOHN), { today: new Date('2019-06-01') });
});

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

const sentences = (s: CaseSummary) => s.sections.flatMap((x) => x.sentences);
const find = (s: CaseSummary, text: string) => {
  const found = sentences(s).find((x) => x.text.includes(text));
  expect(found, `a sentence containing "${text}"`).toBeDefined();
  return found!;
};

describe('composeCaseSummary (demo cohort)', () => {
  it('states diagnosis, stage, biomarkers, genomics and treatments, each sentence citing record elements', () => {
    expect(find(jenny, 'Primary cancer: Primary malignant neoplasm of female left breast').text).toBe(
      'Primary cancer: Primary malignant neoplasm of female left breast, histology Infiltrating duct carcinoma, laterality Left, diagnosed 2018-03-16.',
    );
    expect(find(jenny, 'Pathological stage group').text).toContain('stage IIB (American Joint Commission on Cancer, 8th edition), 2018-04-05');
    expect(find(jenny, 'HER2').text).toBe('HER2 [Interpretation] in Tissue: Negative, 2018-03-10.');
    expect(find(jenny, 'PALB2').text).toBe('PALB2 p.Tyr1183Ter: Present, somatic, 2018-03-15.');
    // Her VCF: the variant as the file states it, and the best-ranked on-label CIViC evidence with its citation.
    expect(find(jenny, 'Somatic variant PIK3CA').text).toBe(
      'Somatic variant PIK3CA ENSP00000263967.3:p.His1047Arg (ENST00000263967.3:c.3140A>G) at 3:178952085 A>G (GRCh37), missense variant.',
    );
    expect(find(jenny, 'matches CIViC').text).toMatch(/^PIK3CA ENSP00000263967\.3:p\.His1047Arg matches CIViC .+: level A predictive evidence, .+ in Breast Cancer \(the patient's cancer type\); PubMed \d+, CIViC evidence \d+, KB civic-2021-08-01\+sha256\.[0-9a-f]{12}\.$/);
    expect(jenny.sections.find((s) => s.id === 'genomics')!.note).toMatch(/^Not listed here: \d+ more knowledge-base evidence item\(s\) and \d+ variant\(s\) without a protein change \(see the genomics view\)\.$/);
    for (const sentence of sentences(jenny)) {
      expect(sentence.citations.length, sentence.text).toBeGreaterThan(0);
      for (const id of sentence.citations) expect(jenny.evidence[id]?.patientKey).toBe(JENNY);
    }
    const her2 = find(jenny, 'HER2');
    expect(her2.citations.map((id) => jenny.evidence[id]!.elementPath)).toEqual(['Observation.code', 'Observation.valueCodeableConcept', 'Observation.effectiveDateTime']);
  });

  it('says what is missing instead of filling a section, and lists open questions', () => {
    const imaging = jenny.sections.find((s) => s.id === 'imaging')!;
    expect(imaging.sentences).toEqual([]);
    expect(imaging.note).toBe('No imaging measurements are on record.');
    expect(jenny.openQuestions.map((q) => q.text)).toEqual(['No staging or response imaging measured in the last 90 days.']);
    const none = composeCaseSummary('Patient/nobody', []);
    expect(none.openQuestions.map((q) => q.text)).toEqual(['No primary cancer diagnosis is recorded: confirm the diagnosis before board review.']);
    expect(none.sections.every((s) => s.sentences.length === 0 && s.note)).toBe(true);
  });

  it('states conflicting stages with both sources instead of choosing one', () => {
    const stage = (id: string, value: string, date: string): SummaryFact => ({
      id,
      kind: 'tnm-stage-group',
      patientKey: 'Patient/p',
      sourceRecordKey: `fhir/Observation/${id}`,
      value: { type: 'coding', coding: { display: value } },
      effectiveStart: date,
      attributes: { stageType: 'clinical', focusConditionRef: 'Condition/c', elementPaths: { value: 'Observation.valueCodeableConcept' } },
      provenance: [{ sourceRecordKey: `fhir/Observation/${id}`, elementPath: 'Observation.valueCodeableConcept' }],
    });
    const summary = composeCaseSummary('Patient/p', [stage('a', 'Stage IIA', '2020-01-01'), stage('b', 'Stage IIIB', '2020-01-02')]);
    const conflict = summary.sections.find((s) => s.id === 'stage')!.sentences.at(-1)!;
    expect(conflict.text).toBe('Conflicting clinical stage group on record: Stage IIA and Stage IIIB; the board should decide which applies.');
    expect(conflict.citations.map((id) => summary.evidence[id]!.sourceRecordKey)).toEqual(['fhir/Observation/a', 'fhir/Observation/b']);
  });
});

describe('verifyCaseSummary', () => {
  it('supports every sentence the composer wrote for every demo patient', async () => {
    for (const summary of [jenny, john]) {
      const result = await verifyCaseSummary(summary, lookup);
      expect(result.rejected).toEqual([]);
      expect(result.citations.accepted).toBe(result.citations.checked);
    }
  });

  it('catches a wrong value, a wrong date, a dropped negation and another patient\'s record, with the reason', async () => {
    const check = (s: SummarySentence, evidence = jenny.evidence) => verifySentence({ patientKey: JENNY, evidence }, s, lookup);
    const oncotype = find(jenny, 'Oncotype');
    expect(await check(wrongValue(oncotype)!.sentence)).toEqual(['value 71.5 is not in the cited records']);
    const stage = find(jenny, 'Pathological stage group');
    // "stage IIB" → "stage IIIB": the value element no longer appears in the sentence.
    expect(await check(wrongValue(stage)!.sentence)).toEqual([expect.stringMatching(/^citation ev-[0-9a-f]{12}: the sentence states nothing that fhir\/Observation\/tnm-pathologic-stage-group-jenny-m Observation.valueCodeableConcept says$/)]);
    expect(await check(wrongDate(find(jenny, 'HER2'))!.sentence)).toEqual([
      expect.stringMatching(/^citation ev-[0-9a-f]{12}: the sentence states nothing that fhir\/Observation\/tumor-marker-test-her2-jenny-m Observation.effectiveDateTime says$/),
    ]);
    const negation = droppedNegation(find(jenny, 'HER2'))!;
    expect(negation.sentence.text).toBe('HER2 [Interpretation] in Tissue: Positive, 2018-03-10.');
    expect(await check(negation.sentence)).toEqual(expect.arrayContaining([expect.stringMatching(/^citation ev-[0-9a-f]{12}: the sentence states nothing that fhir\/Observation\/tumor-marker-test-her2-jenny-m Observation.valueCodeableConcept says$/)]));
    const foreign = Object.values(john.evidence)[0]!;
    const swapped = otherPatientRecord(find(jenny, 'PALB2'), foreign, JENNY);
    expect(await check(swapped.sentence, { ...jenny.evidence, [swapped.extraEvidence!.id]: swapped.extraEvidence! })).toEqual([
      `citation ${swapped.extraEvidence!.id}: record ${foreign.sourceRecordKey} belongs to another patient`,
    ]);
  });

  it('rejects a sentence that cites nothing or a record that does not exist', async () => {
    expect(await verifySentence(jenny, { section: 'diagnosis', text: 'Stage IV disease.', citations: [] }, lookup)).toEqual(['cites no evidence']);
    const ghost = { id: 'ev-ghost', patientKey: JENNY, sourceRecordKey: 'fhir/Observation/nope', elementPath: 'Observation.valueQuantity', factKind: 'tumor-marker' };
    expect(await verifySentence({ patientKey: JENNY, evidence: { 'ev-ghost': ghost } }, { section: 'biomarkers', text: 'Ki-67: 30%.', citations: ['ev-ghost'] }, lookup)).toEqual([
      'citation ev-ghost: record fhir/Observation/nope does not exist',
    ]);
  });

  it('withholds a sentence that fails and keeps the rest', async () => {
    const her2 = find(jenny, 'HER2');
    const tampered: CaseSummary = {
      ...jenny,
      sections: jenny.sections.map((s) => ({ ...s, sentences: s.sentences.map((x) => (x === her2 ? { ...x, text: x.text.replace('Negative', 'Positive') } : x)) })),
    };
    const result = await verifyCaseSummary(tampered, lookup);
    expect(result.rejected.map((r) => r.text)).toEqual(['HER2 [Interpretation] in Tissue: Positive, 2018-03-10.']);
    expect(sentences(result.summary)).toHaveLength(sentences(jenny).length - 1);
  });
});

describe('rephraseCaseSummary (LangChain; a fake chat model stands in for a user-configured one)', () => {
  it('keeps faithful rephrasings and drops an invented claim', async () => {
    const small: CaseSummary = { ...jenny, sections: jenny.sections.map((s) => ({ ...s, sentences: s.sentences.filter((x) => /HER2|Oncotype/.test(x.text)) })) };
    // Input order: [1] HER2 (biomarkers), [2] Oncotype DX. The model restates [1] faithfully and invents for [2].
    const model = new FakeListChatModel({
      responses: ['HER2 [Interpretation] in Tissue was Negative on 2018-03-10. [1]\nOncotype DX Breast Recurrence Score Assay: 12 Recurrence score, 2018-04-12, low risk. [2]\nThe patient is a candidate for trastuzumab.'],
    });
    const result = await rephraseCaseSummary(small, model, lookup);
    expect(sentences(result.summary).map((s) => s.text)).toEqual(['HER2 [Interpretation] in Tissue was Negative on 2018-03-10.']);
    expect(result.rejected.map((r) => [r.text, r.reasons])).toEqual([
      ['Oncotype DX Breast Recurrence Score Assay: 12 Recurrence score, 2018-04-12, low risk.', ['value 12 is not in the cited records']],
      ['The patient is a candidate for trastuzumab.', ['cites no evidence']],
    ]);
  });
});

describe('pathology report findings in the summary', () => {
  it('quotes each finding as written, says negated and family-history findings as such, and the verifier holds them to it', async () => {
    const texts = new Map((await store.listPatientRecords(EVE, 'report-text')).map((r) => [r.key, r.content]));
    const eve = composeCaseSummary(EVE, await store.getFacts(EVE), { recordText: (k) => texts.get(k) });
    const pathology = eve.sections.find((s) => s.id === 'pathology')!.sentences.map((s) => s.text);
    expect(pathology).toContain('Lymphovascular invasion: absent — “lymphovascular invasion is identified”.');
    expect(pathology).toContain('Perineural invasion: “Perineural invasion is not identified”.');
    expect(pathology).toContain('Family history: Histologic type: “ductal carcinoma”.');
    expect(eve.sections.find((s) => s.id === 'biomarkers')!.sentences.map((s) => s.text)).toContain('ER: “Estrogen Receptor (ER): Positive, 95% of tumor cells, strong intensity, Allred score 8/8”.');
    const verified = await verifyCaseSummary(eve, lookup);
    expect(verified.rejected).toEqual([]);

    const check = (sentence: SummarySentence) => verifySentence(eve, sentence, lookup);
    const lvi = find(eve, 'Lymphovascular invasion: absent');
    expect(await check({ ...lvi, text: lvi.text.replace('absent — ', '') })).toEqual(['the cited records state a negative finding the sentence does not']);
    const family = find(eve, 'Family history: Histologic type');
    expect(await check({ ...family, text: family.text.replace('Family history: ', '') })).toEqual([
      'the cited report speaks of someone other than the patient; the sentence does not say so',
      'the cited report speaks of the past; the sentence does not say so',
    ]);
    const er = find(eve, 'Estrogen Receptor (ER)');
    expect(await check({ ...er, text: er.text.replace('95%', '59%') })).toEqual(['value 59 % is not in the cited records']);
  });
});
