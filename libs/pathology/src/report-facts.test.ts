import { resolve } from 'node:path';
import { formatFactValue, type Fact } from '@oncoboard/facts';
import { describe, expect, it } from 'vitest';
import { PathologyFactsError, pathologyReportRecords } from './report-facts';
import { readDiagnosticReport, readReportFile } from './report-text';

const fixture = (name: string) => resolve(import.meta.dirname, '../fixtures', name);
const spanned = (content: string, fact: Fact) => content.slice(fact.provenance[0]!.span!.start, fact.provenance[0]!.span!.end);

describe('pathologyReportRecords: a FHIR DiagnosticReport', async () => {
  const doc = await readReportFile(fixture('gastric-biopsy.diagnostic-report.json'));
  const { records, extracted } = pathologyReportRecords(doc);

  it('keeps every text as a report-text record; facts and the event come from the primary text/plain form', () => {
    expect(records.map((r) => [r.key, r.kind, r.originLocation, r.facts.length > 0, r.events.length])).toEqual([
      ['pathology/DiagnosticReport/synth-gastric-biopsy-1/conclusion', 'report-text', 'DiagnosticReport.conclusion', false, 0],
      ['pathology/DiagnosticReport/synth-gastric-biopsy-1/presentedForm[0]', 'report-text', 'DiagnosticReport.presentedForm[0]', true, 1],
      ['pathology/DiagnosticReport/synth-gastric-biopsy-1/presentedForm[1]', 'report-text', 'DiagnosticReport.presentedForm[1]', false, 0],
    ]);
    expect(records[1]!.content).toBe(doc.texts[1]!.text);
    expect(records[2]!.contentBytes).toBeInstanceOf(Uint8Array);
    expect(records.every((r) => r.patientKey === 'Patient/synth-gastric-1' && /^[0-9a-f]{64}$/.test(r.contentHash))).toBe(true);
    expect(extracted.map((e) => e.elementPath)).toEqual(['DiagnosticReport.presentedForm[0]']);
  });

  it('gives each fact provenance: the text record, the element path, the span; and the FHIR resource', () => {
    const record = records[1]!;
    const her2 = record.facts.find((f) => f.kind === 'tumor-marker' && f.attributes.marker === 'HER2')!;
    expect(her2).toMatchObject({
      kind: 'tumor-marker',
      patientKey: 'Patient/synth-gastric-1',
      code: { system: 'http://loinc.org', code: '85319-2' },
      value: { type: 'string', value: '3+' },
      effectiveStart: '2026-05-12',
      status: 'final',
      attributes: { marker: 'HER2', method: 'IHC', score: '3+', result: 'positive', interpretation: { code: 'POS' }, assertion: 'affirmed' },
    });
    expect(her2.provenance).toEqual([
      { sourceRecordKey: record.key, elementPath: 'DiagnosticReport.presentedForm[0]', span: her2.provenance[0]!.span },
      { sourceRecordKey: 'fhir/DiagnosticReport/synth-gastric-biopsy-1', elementPath: 'DiagnosticReport.presentedForm[0]' },
    ]);
    expect(spanned(record.content, her2)).toBe('HER2 (IHC, 4B5): Positive (3+)');
    const pdl1 = record.facts.find((f) => f.attributes.marker === 'PD-L1')!;
    expect(pdl1.value).toEqual({ type: 'quantity', quantity: { value: 12, unit: 'CPS' } });
    expect(spanned(record.content, pdl1)).toBe('PD-L1 (22C3): Combined Positive Score (CPS) 12');
    const histology = record.facts.find((f) => f.kind === 'histology-morphology-behavior')!;
    expect(formatFactValue(histology.value)).toBe('adenocarcinoma');
  });

  it('keeps an uncertain finding uncertain', () => {
    const lvi = records[1]!.facts.find((f) => f.kind === 'lymphovascular-invasion')!;
    expect(lvi.attributes).toMatchObject({ assertion: 'uncertain', context: { uncertain: true, negated: false } });
    expect(spanned(records[1]!.content, lvi)).toBe('lymphovascular invasion');
  });

  it('puts the report on the timeline with its diagnosis and markers', () => {
    expect(records[1]!.events).toEqual([
      {
        patientKey: 'Patient/synth-gastric-1',
        category: 'report',
        start: '2026-05-12',
        title: 'Pathology report · adenocarcinoma',
        detail: 'HER2 IHC 3+; PD-L1 CPS 12',
        provenance: { sourceRecordKey: records[1]!.key, elementPath: 'DiagnosticReport.presentedForm[0]' },
      },
    ]);
  });

  it('gives the same records for the same input (re-import changes nothing)', () => {
    expect(pathologyReportRecords(doc)).toEqual({ records, extracted });
  });

  it('extracts from every text when asked', () => {
    const all = pathologyReportRecords(doc, { extractFrom: 'all' });
    expect(all.records.map((r) => r.facts.length > 0)).toEqual([true, true, true]);
  });
});

describe('pathologyReportRecords: negated, hypothetical, superseded findings', async () => {
  it('never lets a negated or hypothetical finding read as positive', async () => {
    const doc = await readReportFile(fixture('lung-adenocarcinoma.txt'));
    const { records } = pathologyReportRecords(doc, { patientKey: 'Patient/synth-lung-1' });
    const [record] = records;
    expect(record!.key).toBe(`pathology/text/${doc.texts[0]!.sha256.slice(0, 24)}`);
    const variants = record!.facts.filter((f) => f.kind === 'genomic-variant');
    expect(variants.map((f) => [spanned(record!.content, f), formatFactValue(f.value), f.attributes.assertion])).toEqual([
      ['ALK rearrangement (IHC, D5F3): Negative', 'not detected', 'negated'],
      ['ROS1 rearrangement by FISH: Not detected', 'not detected', 'negated'],
      ['EGFR exon 19 deletion (p.E746_A750del)', 'detected', 'affirmed'],
      ['EGFR T790M mutation', 'not detected', 'negated'],
      ['ALK rearrangement', 'not detected', 'negated'],
      ['KRAS G12C: not detected', 'not detected', 'negated'],
      ['MET exon 14 skipping: not detected', 'not detected', 'negated'],
      ['EGFR T790M', '', 'hypothetical'],
      ['MET amplification', '', 'hypothetical'],
    ]);
    expect(variants[2]!.attributes).toMatchObject({ geneStudied: 'EGFR', aminoAcidChange: 'p.E746_A750del', exon: 19, allelicFrequency: { value: 32, unit: '%' }, detected: true });
    const historicalT = record!.facts.find((f) => f.kind === 'tnm-primary-tumor-category')!;
    expect(historicalT).toMatchObject({ value: { type: 'coding', text: 'pT1b' }, attributes: { assertion: 'historical', stageType: 'pathological', stagingSystem: 'AJCC 8th' } });
    expect(record!.events[0]).toMatchObject({ title: 'Pathology report · adenocarcinoma, acinar predominant', detail: 'PD-L1 TPS 60%; EGFR exon 19 deletion' });
  });

  it('turns a negated finding without an "absent" value into value "no", the stated value kept aside', async () => {
    // "Margins negative for carcinoma" is a margin statement (not a histologic type); a part negative for carcinoma is
    const biopsy = await readDiagnosticReport({ resourceType: 'DiagnosticReport', id: 'neg-1', presentedForm: [{ contentType: 'text/plain', data: Buffer.from('FINAL DIAGNOSIS:\nB. Liver, wedge biopsy:\n- Negative for carcinoma.\n').toString('base64') }] });
    const negatedCarcinoma = pathologyReportRecords(biopsy, { patientKey: 'Patient/synth-colon-1' }).records[0]!.facts.find((f) => f.kind === 'histology-morphology-behavior' && f.attributes.assertion === 'negated')!;
    expect(negatedCarcinoma.value).toEqual({ type: 'boolean', value: false });
    expect(formatFactValue(negatedCarcinoma.value)).toBe('no');
    expect(negatedCarcinoma.attributes.statedValue).toEqual({ type: 'coding', coding: { display: 'carcinoma' }, text: 'carcinoma' });
    const doc = await readReportFile(fixture('colon-resection.txt'));
    const { records } = pathologyReportRecords(doc, { patientKey: 'Patient/synth-colon-1' });
    expect(records[0]!.facts.filter((f) => f.kind === 'histology-morphology-behavior' && f.attributes.assertion === 'negated')).toEqual([]);
    const pni = records[0]!.facts.filter((f) => f.kind === 'perineural-invasion');
    expect(pni.map((f) => formatFactValue(f.value))).toEqual(['absent', 'absent']);
    const nodes = records[0]!.facts.find((f) => f.kind === 'regional-lymph-nodes')!;
    expect(formatFactValue(nodes.value)).toBe('2 positive / 17 examined');
    expect(records[0]!.events[0]!.detail).toBe('pT3 pN1b; MSI-H; KRAS G12D');
  });

  it('keeps both HER2 facts of an amended report, the earlier marked superseded', async () => {
    const doc = await readReportFile(fixture('breast-her2-addendum.txt'));
    const { records } = pathologyReportRecords(doc, { patientKey: 'Patient/synth-breast-2' });
    const her2 = records[0]!.facts.filter((f) => f.attributes.marker === 'HER2');
    expect(her2.map((f) => [spanned(records[0]!.content, f), f.status ?? null, formatFactValue(f.value)])).toEqual([
      ['HER2 IHC: Equivocal (2+)', 'superseded', '2+'],
      ['HER2 FISH: Pending; results will be reported in an addendum', 'superseded', 'pending'],
      ['HER2 FISH: Amplified (Group 1)', null, 'amplified'],
      ['HER2/CEP17 ratio: 2.6', null, '2.6 HER2/CEP17 ratio'],
      ['Average HER2 copy number: 6.1 signals per cell', null, '6.1 signals/cell'],
      ['HER2 IHC: Positive (3+), repeated on block A4', null, '3+'],
    ]);
    expect(her2[0]!.attributes.supersededByFinding).toBe(her2[5]!.attributes.finding && (her2[5]!.attributes.finding as { id: number }).id);
    expect(records[0]!.events[0]).toMatchObject({ title: 'Pathology report · invasive lobular carcinoma classic type (with addendum)', detail: 'pT2 pN1a(sn); ER positive >90%; PR positive 20%; HER2 IHC 3+; HER2 ISH amplified; Ki-67 15%' });
  });

  it('needs a patient', async () => {
    const doc = await readReportFile(fixture('breast-core-biopsy.txt'));
    expect(() => pathologyReportRecords(doc)).toThrow(PathologyFactsError);
    expect(() => pathologyReportRecords(doc)).toThrow(`${fixture('breast-core-biopsy.txt')}: patientKey: expected "Patient/<id>" (from DiagnosticReport.subject or the options), found nothing`);
  });
});
