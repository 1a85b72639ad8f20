import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentFindings } from './addenda';
import { extractFindings, type ExtractedReport } from './extract-findings';
import type { Finding, FindingKind } from './finding';

const read = (name: string) => readFileSync(resolve(import.meta.dirname, '../../fixtures', name), 'utf8');
const AFFIRMED = { negated: false, uncertain: false, historical: false, hypothetical: false, experiencer: 'patient' };

/** Findings of one kind as [span text, value, section, context flags that are set]. */
function table(report: ExtractedReport, kind: FindingKind) {
  return report.findings
    .filter((f) => f.kind === kind)
    .map((f) => [report.text.slice(f.span.start, f.span.end), f.value, f.section, flags(f)]);
}
function flags(f: Finding): string {
  const c = f.context;
  return [c.negated && 'negated', c.uncertain && 'uncertain', c.historical && 'historical', c.hypothetical && 'hypothetical', c.experiencer === 'other' && 'other'].filter(Boolean).join(',');
}

describe('breast core biopsy (prose diagnosis + CAP biomarker synoptic)', () => {
  const report = extractFindings(read('breast-core-biopsy.txt'));

  it('reads ER, PR, HER2 and Ki-67 from the synoptic lines', () => {
    expect(table(report, 'er')).toEqual([['Estrogen Receptor (ER): Positive, 95% of tumor cells, strong intensity, Allred score 8/8', { result: 'positive', percent: 95, intensity: 'strong', allred: 8 }, 'synoptic', '']]);
    expect(table(report, 'pr')).toEqual([['Progesterone Receptor (PR): Positive, 40%, moderate intensity, Allred score 6/8', { result: 'positive', percent: 40, intensity: 'moderate', allred: 6 }, 'synoptic', '']]);
    expect(table(report, 'her2')).toEqual([['HER2 (by immunohistochemistry): Negative (Score 1+)', { method: 'IHC', score: '1+', result: 'negative' }, 'synoptic', '']]);
    expect(table(report, 'ki67')).toEqual([['Ki-67: 15%', { percent: 15 }, 'synoptic', '']]);
    const er = report.findings.find((f) => f.kind === 'er')!;
    expect(er).toMatchObject({ source: 'synoptic', key: 'er', context: AFFIRMED, sectionIndex: 4 });
  });

  it('reads histologic type with its ICD-O-3 code, grade with the Nottingham components, and size', () => {
    expect(table(report, 'histologic-type')).toEqual([
      ['ductal carcinoma', { name: 'ductal carcinoma' }, 'clinical-history', 'other'], // a relative's disease is not the patient's past (session 7, round 1)
      ['INVASIVE DUCTAL CARCINOMA (ICD-O-3 8500/3)', { name: 'invasive ductal carcinoma', behavior: 'invasive', icdO3: '8500/3' }, 'diagnosis', ''],
      ['DUCTAL CARCINOMA IN SITU, CRIBRIFORM TYPE', { name: 'ductal carcinoma in situ cribriform type', behavior: 'in situ' }, 'diagnosis', ''],
      ['Invasive carcinoma', { name: 'invasive carcinoma', behavior: 'invasive' }, 'diagnosis', ''],
      ['Histologic Type: Invasive carcinoma of no special type (ductal)', { name: 'invasive carcinoma of no special type (ductal)', behavior: 'invasive' }, 'synoptic', ''],
    ]);
    expect(table(report, 'grade')).toEqual([
      ['NOTTINGHAM GRADE 2', { grade: 2, system: 'Nottingham', nottinghamScore: 6, tubules: 3, nuclei: 2, mitoses: 1 }, 'diagnosis', ''],
      ['Histologic Grade (Nottingham): Grade 2', { grade: 2, system: 'Nottingham' }, 'synoptic', ''],
    ]);
    expect(table(report, 'tumor-size')).toEqual([
      ['2.0 cm', { greatestDimensionMm: 20, dimensionsMm: [20], unit: 'cm' }, 'clinical-history', ''],
      ['carcinoma measures 1.4 cm', { greatestDimensionMm: 14, dimensionsMm: [14], unit: 'cm' }, 'diagnosis', ''],
    ]);
  });

  it('gives every invasion statement its context: negated, uncertain', () => {
    expect(table(report, 'lymphovascular-invasion')).toEqual([
      ['lymphovascular invasion is identified', { status: 'absent' }, 'diagnosis', 'negated'],
      ['Lymphovascular Invasion: Not identified', { status: 'absent' }, 'synoptic', 'negated'],
      ['Lymphovascular invasion', { status: 'present' }, 'microscopic', 'uncertain'],
    ]);
    const prose = report.findings.find((f) => f.kind === 'lymphovascular-invasion')!;
    expect(prose.contextTriggers).toEqual([{ category: 'negated', phrase: 'no', span: { start: report.text.indexOf('- No lymph') + 2, end: report.text.indexOf('- No lymph') + 4 } }]);
    expect(table(report, 'perineural-invasion')).toEqual([['Perineural invasion\nis not identified', { status: 'absent' }, 'microscopic', 'negated']]);
  });

  it('reads specimen, procedure, site and laterality from the part lines and the synoptic', () => {
    expect(table(report, 'procedure').map((r) => r[0])).toEqual(['ultrasound-guided core needle biopsy', 'ULTRASOUND-GUIDED CORE NEEDLE BIOPSY', 'Procedure: Ultrasound-guided core needle biopsy']);
    expect(table(report, 'specimen').map((r) => [r[0], r[1]])).toEqual([
      ['Left breast, 2:00, 6 cm from nipple', { description: 'Left breast, 2:00, 6 cm from nipple' }],
      ['LEFT BREAST, 2:00', { description: 'LEFT BREAST, 2:00' }],
      ['Specimen: Left breast', { description: 'Left breast' }],
    ]);
    // primary site: organs named with a tumour (the patient's, and a family member's), and the synoptic site
    expect(table(report, 'primary-site').map((r) => [r[0], r[1], r[3]])).toEqual([
      ['breast', { site: 'breast', organ: 'breast' }, ''],
      ['breast', { site: 'breast', organ: 'breast' }, 'other'],
      ['Tumor Site: Upper outer quadrant', { site: 'upper outer quadrant', organ: 'breast' }, ''],
    ]);
    expect(table(report, 'laterality').map((r) => [r[0], r[1], r[2]])).toEqual([
      ['left', { laterality: 'left' }, 'clinical-history'],
      ['Left', { laterality: 'left' }, 'specimen'],
      ['LEFT', { laterality: 'left' }, 'diagnosis'],
      // "Specimen: Left breast" states the side; the container label quoted in the gross ('"left breast 2:00"') does not
      ['Left', { laterality: 'left' }, 'synoptic'],
      ['Laterality: Left', { laterality: 'left' }, 'synoptic'],
    ]);
  });

  it('does not take a hypothetical test without a result as a finding', () => {
    expect(report.findings.filter((f) => f.section === 'comment')).toEqual([]);
  });
});

describe('colon resection (MMR, MSI, nodes, margins, pTNM)', () => {
  const report = extractFindings(read('colon-resection.txt'));

  it('reads lymph nodes from prose (words and ratio) and from the synoptic counts', () => {
    expect(table(report, 'lymph-nodes')).toEqual([
      // a count in words and its restatement in digits are one statement (the labelling guideline's rule C1,
      // session 8, round 3; session 7 had read two)
      ['TWO OF SEVENTEEN LYMPH NODES (2/17)', { examined: 17, positive: 2 }, 'diagnosis', ''],
      ['Number of Lymph Nodes Examined: 17', { examined: 17 }, 'synoptic', ''],
      ['Number of Lymph Nodes Involved: 2', { positive: 2 }, 'synoptic', ''],
      ['Seventeen\nlymph nodes', { examined: 17 }, 'gross', ''],
    ]);
  });

  it('reads margin status, closest margin and distance', () => {
    expect(table(report, 'margin')).toEqual([
      ['MARGINS NEGATIVE', { status: 'negative' }, 'diagnosis', ''],
      ['CLOSEST (RADIAL) MARGIN IS 0.8 CM', { closestDistanceMm: 8, closestMargin: 'radial' }, 'diagnosis', ''],
      ['Margins: All margins negative for invasive carcinoma', { status: 'negative' }, 'synoptic', ''],
      ['Distance from Invasive Carcinoma to Closest Margin: 8 mm', { closestDistanceMm: 8 }, 'synoptic', ''],
      ['Closest Margin: Radial (mesenteric)', { closestMargin: 'radial' }, 'synoptic', ''],
      ['6.0 cm from the distal margin', { distanceMm: 60, namedMargin: 'distal' }, 'gross', ''],
    ]);
  });

  it('reads pT / pN with the AJCC edition, and not the "pM cannot be determined" line', () => {
    expect(table(report, 'tnm')).toEqual([
      ['pT3', { category: 'T', prefix: 'p', code: 'T3', stated: 'pT3', edition: 8 }, 'diagnosis', ''],
      ['pN1b', { category: 'N', prefix: 'p', code: 'N1b', stated: 'pN1b', edition: 8 }, 'diagnosis', ''],
      ['Primary Tumor (pT): pT3', { category: 'T', prefix: 'p', code: 'T3', stated: 'pT3', edition: 8 }, 'synoptic', ''],
      ['Regional Lymph Nodes (pN): pN1b', { category: 'N', prefix: 'p', code: 'N1b', stated: 'pN1b', edition: 8 }, 'synoptic', ''],
    ]);
  });

  it('reads grade by G and by differentiation, LVI present, PNI absent', () => {
    expect(table(report, 'grade')).toEqual([
      ['MODERATELY DIFFERENTIATED', { differentiation: 'moderately', grade: 2 }, 'diagnosis', ''],
      ['Histologic Grade: G2, moderately differentiated', { grade: 2, system: 'G', differentiation: 'moderately' }, 'synoptic', ''],
    ]);
    expect(table(report, 'lymphovascular-invasion')).toEqual([
      ['LYMPHOVASCULAR INVASION PRESENT', { status: 'present' }, 'diagnosis', ''],
      ['Lymphovascular Invasion: Present', { status: 'present' }, 'synoptic', ''],
    ]);
    expect(table(report, 'perineural-invasion')).toEqual([
      ['PERINEURAL INVASION NOT IDENTIFIED', { status: 'absent' }, 'diagnosis', 'negated'],
      ['Perineural Invasion: Not identified', { status: 'absent' }, 'synoptic', 'negated'],
    ]);
    expect(table(report, 'tumor-size').map((r) => [r[0], r[2]])).toEqual([['Tumor Size: 4.5 x 3.8 x 1.2 cm', 'synoptic'], ['mass measuring 4.5 x 3.8 x 1.2 cm', 'gross']]);
  });

  it('reads each mismatch-repair protein, MSI and the RAS/RAF results', () => {
    expect(table(report, 'mmr')).toEqual([
      ['MLH1: Loss of nuclear expression', { protein: 'MLH1', status: 'lost' }, 'ancillary', ''],
      ['PMS2: Loss of nuclear expression', { protein: 'PMS2', status: 'lost' }, 'ancillary', ''],
      ['MSH2: Intact nuclear expression', { protein: 'MSH2', status: 'intact' }, 'ancillary', ''],
      ['MSH6: Intact nuclear expression', { protein: 'MSH6', status: 'intact' }, 'ancillary', ''],
      ['Loss of MLH1', { protein: 'MLH1', status: 'lost' }, 'comment', ''],
      ['PMS2', { protein: 'PMS2', status: 'lost' }, 'comment', ''],
    ]);
    expect(table(report, 'msi')).toEqual([['Microsatellite instability (PCR): MSI-High (MSI-H)', { status: 'MSI-H' }, 'ancillary', '']]);
    expect(table(report, 'gene-alteration')).toEqual([
      ['KRAS: G12D (c.35G>A) detected', { gene: 'KRAS', alteration: 'G12D', proteinChange: 'p.G12D', cdnaChange: 'c.35G>A', detected: true }, 'ancillary', ''],
      ['NRAS: Wild-type (no mutation detected)', { gene: 'NRAS', alteration: 'mutation', detected: false }, 'ancillary', 'negated'],
      ['BRAF V600E: Not detected', { gene: 'BRAF', alteration: 'V600E', proteinChange: 'p.V600E', detected: false }, 'ancillary', 'negated'],
      // the comment's hedged cause of the MLH1 loss: an uncertain alteration without a result
      ['MLH1 promoter hypermethylation', { gene: 'MLH1', alteration: 'promoter hypermethylation', detected: null }, 'comment', 'uncertain'],
    ]);
  });

  it('reads "margins negative for carcinoma" as a margin statement, not as a (negated) histologic type', () => {
    expect(report.findings.filter((f) => f.kind === 'histologic-type' && f.context.negated)).toEqual([]);
    const margin = report.findings.find((f) => f.kind === 'margin' && f.value.status === 'negative')!;
    expect(report.text.slice(margin.span.start, margin.span.end)).toBe('MARGINS NEGATIVE');
  });
});

describe('lung adenocarcinoma (EGFR, ALK, ROS1, KRAS, MET, PD-L1)', () => {
  const report = extractFindings(read('lung-adenocarcinoma.txt'));

  it('reads named gene alterations with detected / not detected, history and hypotheticals', () => {
    expect(table(report, 'gene-alteration')).toEqual([
      ['ALK rearrangement (IHC, D5F3): Negative', { gene: 'ALK', alteration: 'rearrangement', detected: false }, 'ancillary', 'negated'],
      ['ROS1 rearrangement by FISH: Not detected', { gene: 'ROS1', alteration: 'rearrangement', detected: false }, 'ancillary', 'negated'],
      ['EGFR exon 19 deletion (p.E746_A750del)', { gene: 'EGFR', exon: 19, alteration: 'exon 19 deletion', proteinChange: 'p.E746_A750del', vafPercent: 32, detected: true }, 'ancillary', ''],
      ['EGFR T790M mutation', { gene: 'EGFR', alteration: 'T790M', proteinChange: 'p.T790M', detected: false }, 'ancillary', 'negated'],
      ['ALK rearrangement', { gene: 'ALK', alteration: 'rearrangement', detected: false }, 'ancillary', 'negated'],
      ['KRAS G12C: not detected', { gene: 'KRAS', alteration: 'G12C', proteinChange: 'p.G12C', detected: false }, 'ancillary', 'negated'],
      ['MET exon 14 skipping: not detected', { gene: 'MET', exon: 14, alteration: 'exon 14 skipping', detected: false }, 'ancillary', 'negated'],
      ['EGFR T790M', { gene: 'EGFR', alteration: 'T790M', proteinChange: 'p.T790M', detected: null }, 'comment', 'hypothetical'],
      ['MET amplification', { gene: 'MET', alteration: 'amplification', detected: null }, 'comment', 'hypothetical'],
    ]);
  });

  it('reads PD-L1 TPS with its clone, and the histologic type with its code', () => {
    expect(table(report, 'pd-l1')).toEqual([['PD-L1 (22C3 pharmDx): Tumor Proportion Score (TPS) 60%', { tps: 60, clone: '22C3' }, 'ancillary', '']]);
    expect(table(report, 'histologic-type')).toEqual([
      ['ADENOCARCINOMA, ACINAR PREDOMINANT (ICD-O-3 8551/3)', { name: 'adenocarcinoma, acinar predominant', icdO3: '8551/3' }, 'diagnosis', ''],
      ['squamous cell carcinoma', { name: 'squamous cell carcinoma' }, 'comment', 'historical'],
    ]);
  });

  it('keeps a historical pTNM historical', () => {
    expect(table(report, 'tnm')).toEqual([
      ['pT1b', { category: 'T', prefix: 'p', code: 'T1b', stated: 'pT1b', edition: 8 }, 'comment', 'historical'],
      ['pN0', { category: 'N', prefix: 'p', code: 'N0', stated: 'pN0', edition: 8 }, 'comment', 'historical'],
    ]);
  });
});

describe('addendum amending HER2', () => {
  const report = extractFindings(read('breast-her2-addendum.txt'));

  it('keeps both HER2 statements; the addendum supersedes the earlier one', () => {
    expect(table(report, 'her2')).toEqual([
      ['HER2 IHC: Equivocal (2+)', { method: 'IHC', score: '2+', result: 'equivocal' }, 'ancillary', ''],
      ['HER2 FISH: Pending; results will be reported in an addendum', { method: 'ISH', result: 'pending' }, 'ancillary', ''],
      ['HER2 FISH: Amplified (Group 1)', { method: 'ISH', result: 'amplified', ishGroup: 1 }, 'addendum', ''],
      ['HER2/CEP17 ratio: 2.6', { method: 'ISH', ratio: 2.6 }, 'addendum', ''],
      ['Average HER2 copy number: 6.1 signals per cell', { method: 'ISH', copyNumber: 6.1 }, 'addendum', ''],
      ['HER2 IHC: Positive (3+), repeated on block A4', { method: 'IHC', score: '3+', result: 'positive' }, 'addendum', ''],
    ]);
    const her2 = report.findings.filter((f) => f.kind === 'her2');
    const [ihc, ish, amplified, , , ihcAgain] = her2;
    expect(ihc!.supersededBy).toBe(ihcAgain!.id);
    expect(ihcAgain!.supersedes).toEqual([ihc!.id]);
    expect(ish!.supersededBy).toBe(amplified!.id);
    expect(ihcAgain!.addendum).toBe(1);
    expect(currentFindings(report.findings).filter((f) => f.kind === 'her2').map((f) => f.value)).toEqual([
      { method: 'ISH', result: 'amplified', ishGroup: 1 },
      { method: 'ISH', ratio: 2.6 },
      { method: 'ISH', copyNumber: 6.1 },
      { method: 'IHC', score: '3+', result: 'positive' },
    ]);
  });

  it('reads ER/PR with comparators and ranges, Ki-67 ranges, sentinel nodes and pN(sn)', () => {
    expect(table(report, 'er')[0]?.[1]).toEqual({ result: 'positive', percent: 90, comparator: '>', intensity: 'strong' });
    expect(table(report, 'pr')[0]?.[1]).toEqual({ result: 'positive', percent: 20, intensity: 'weak-to-moderate' });
    expect(table(report, 'ki67')).toEqual([['Ki-67: 10-15%', { percent: 15, range: [10, 15] }, 'ancillary', '']]);
    expect(table(report, 'lymph-nodes')).toEqual([['ONE OF THREE SENTINEL LYMPH NODES POSITIVE FOR METASTATIC CARCINOMA (1/3)', { examined: 3, positive: 1, sentinel: true }, 'diagnosis', '']]);
    expect(table(report, 'tnm').map((r) => r[0])).toEqual(['pT2', 'pN1a(sn)']);
    expect(table(report, 'tumor-size')).toEqual([['TUMOR SIZE: 2.3 CM', { greatestDimensionMm: 23, dimensionsMm: [23], unit: 'cm' }, 'diagnosis', '']]);
    expect(table(report, 'margin')).toEqual([
      ['MARGINS NEGATIVE', { status: 'negative' }, 'diagnosis', ''],
      ['CLOSEST MARGIN (POSTERIOR) 2 MM', { closestDistanceMm: 2, closestMargin: 'posterior' }, 'diagnosis', ''],
    ]);
  });
});

describe('extractFindings on any text', () => {
  it('never throws, and every span lies inside the text and is non-empty', () => {
    const words = fc.constantFrom('No', 'ER', 'HER2', 'positive', '3+', 'Ki-67:', '15%', 'carcinoma', 'margin', 'of', 'lymph nodes', 'EGFR', 'L858R', 'pT2', 'N1a', ':', '\n', '.', ';', 'DIAGNOSIS:', 'ADDENDUM', '(2/3)', '1.5 cm', 'not identified', 'Lymphovascular invasion');
    fc.assert(
      fc.property(fc.array(words, { maxLength: 40 }), (parts) => {
        const text = parts.join(' ');
        const report = extractFindings(text);
        for (const f of report.findings) {
          expect(f.span.start).toBeGreaterThanOrEqual(0);
          expect(f.span.end).toBeLessThanOrEqual(text.length);
          expect(f.span.end).toBeGreaterThan(f.span.start);
        }
      }),
      { numRuns: 200, seed: 4 },
    );
  });
});

describe('prose statements', () => {
  const text = [
    'FINAL DIAGNOSIS:',
    'The tumor is ER positive (95%), PR negative (0%), and HER2 negative (1+) with a Ki-67 of 30%.',
    'EML4-ALK fusion detected by NGS.',
    'BRCA2 c.5946delT (p.S1982fs) pathogenic variant detected.',
    'Tumor cells show loss of MLH1 and PMS2 expression with retained MSH2 and MSH6.',
    'The tumor is microsatellite stable.',
    'Carcinoma is present 0.5 cm from the deep margin.',
    'Metastatic carcinoma in 3 of 14 lymph nodes.',
    'ypT1c ypN0 (AJCC 8th edition).',
  ].join('\n');
  const report = extractFindings(text);
  const rows = (kind: FindingKind) => table(report, kind).map((r) => [r[0], r[1]]);

  it('reads receptors, HER2 and Ki-67 from one sentence, each with its own span', () => {
    expect([...rows('er'), ...rows('pr'), ...rows('her2'), ...rows('ki67')]).toEqual([
      ['ER positive (95%)', { result: 'positive', percent: 95 }],
      ['PR negative (0%)', { result: 'negative', percent: 0 }],
      ['HER2 negative (1+)', { method: 'IHC', score: '1+', result: 'negative' }],
      ['Ki-67 of 30%', { percent: 30 }],
    ]);
  });

  it('reads fusions, HGVS changes, shared MMR statuses, MSS, a named margin, ypTNM', () => {
    expect(rows('gene-alteration')).toEqual([
      ['EML4-ALK fusion', { gene: 'ALK', alteration: 'EML4::ALK fusion', detected: true }],
      ['BRCA2 c.5946delT (p.S1982fs) pathogenic variant', { gene: 'BRCA2', alteration: 'S1982fs', proteinChange: 'p.S1982fs', cdnaChange: 'c.5946delT', detected: true }],
    ]);
    expect(rows('mmr')).toEqual([
      ['loss of MLH1', { protein: 'MLH1', status: 'lost' }],
      ['PMS2', { protein: 'PMS2', status: 'lost' }],
      ['retained MSH2', { protein: 'MSH2', status: 'intact' }],
      ['MSH6', { protein: 'MSH6', status: 'intact' }],
    ]);
    expect(rows('msi')).toEqual([['microsatellite stable', { status: 'MSS' }]]);
    expect(rows('margin')).toEqual([['0.5 cm from the deep margin', { distanceMm: 5, namedMargin: 'deep' }]]);
    expect(rows('lymph-nodes')).toEqual([['3 of 14 lymph nodes', { examined: 14, positive: 3 }]]);
    expect(rows('tnm')).toEqual([
      ['ypT1c', { category: 'T', prefix: 'yp', code: 'T1c', stated: 'ypT1c', edition: 8 }],
      ['ypN0', { category: 'N', prefix: 'yp', code: 'N0', stated: 'ypN0', edition: 8 }],
    ]);
  });
});

describe('what an addendum supersedes (session 9)', () => {
  const values = (text: string, kind: string) => extractFindings(text).findings.filter((f) => f.kind === kind).map((f) => [text.slice(f.span.start, f.span.end), f.supersededBy === undefined ? 'current' : 'superseded']);
  it('supersedes the old value the addendum names ("was reported as") with the earlier statement, not the corrected one', () => {
    const text = 'BIOMARKERS:\nPR: Positive, 70%, strong\n\nAMENDMENT/ADDENDUM (issued 05/11/2026):\nThis report is amended to correct the PR result. Due to a transcription error, PR was reported as 70%, strong. The correct result is: PR: Positive, 7%, weak.\n';
    expect(values(text, 'pr')).toEqual([
      ['PR: Positive, 70%, strong', 'superseded'],
      ['PR was reported as 70%, strong', 'superseded'],
      ['PR: Positive, 7%, weak', 'current'],
    ]);
  });
  it('keeps the site an addendum of added results names again, and station counts beside a corrected total', () => {
    const site = 'DIAGNOSIS:\nAdenocarcinoma of the sigmoid colon.\n\nADDENDUM 1:\nMMR immunohistochemistry was performed on the adenocarcinoma of the sigmoid colon; MLH1 is retained.\n';
    expect(values(site, 'primary-site').map(([, state]) => state)).toEqual(['current', 'current']);
    const nodes = 'DIAGNOSIS:\nStation 7: 1/3 lymph nodes involved. Station 4R: 0/2 lymph nodes. Total 1/5 lymph nodes.\n\nADDENDUM — AMENDED STAGING:\nOn re-review the station 7 deposit is benign. Amended: 0/5 lymph nodes involved.\n';
    expect(values(nodes, 'lymph-nodes')).toEqual([
      ['1/3', 'current'],
      ['0/2', 'current'],
      ['1/5', 'superseded'],
      ['0/5', 'current'],
    ]);
  });
});
