// One test per extraction rule added for issue 4, each on sentences written for the test (not taken from the
// evaluation set in fixtures/eval).
import { describe, expect, it } from 'vitest';
import { extractFindings, type ExtractedReport } from './extract-findings';
import type { FindingKind } from './finding';

/** [span text, value, context flags set] of the findings of one kind. */
function found(text: string, kind: FindingKind): [string, unknown, string][] {
  const r: ExtractedReport = extractFindings(text);
  return r.findings
    .filter((f) => f.kind === kind)
    .map((f) => {
      const c = f.context;
      const flags = [c.negated && 'negated', c.uncertain && 'uncertain', c.historical && 'historical', c.hypothetical && 'hypothetical', c.experiencer === 'other' && 'other'].filter(Boolean).join(',');
      return [text.slice(f.span.start, f.span.end), f.value, flags];
    });
}

describe('staging edition', () => {
  it('reads every statement of the AJCC / TNM edition, in a heading too', () => {
    const text = 'CANCER SUMMARY (AJCC 7th edition)\nStage: pT2 pN0 (TNM 8).\nStaged per the 8th edition AJCC manual.\n';
    expect(found(text, 'ajcc-edition').map(([s, v]) => [s, v])).toEqual([
      ['AJCC 7th edition', { edition: 7 }],
      ['TNM 8', { edition: 8 }],
      ['8th edition AJCC', { edition: 8 }],
    ]);
  });
});

describe('upper-case pTNM', () => {
  it('reads "PT4A PN2B (SN)" as pT4a and pN2b(sn)', () => {
    const text = 'FINAL DIAGNOSIS:\nPATHOLOGIC STAGE: PT4A PN2B(SN) PM1.\n';
    expect(found(text, 'tnm').map(([s, v]) => [s, (v as { prefix: string; code: string }).prefix + (v as { code: string }).code])).toEqual([
      ['PT4A', 'pT4a'],
      ['PN2B(SN)', 'pN2b(sn)'],
      ['PM1', 'pM1'],
    ]);
  });
});

describe('label with its value on the next line', () => {
  it('reads "Perineural invasion:" / "Present" as one synoptic statement', () => {
    const text = 'SYNOPTIC REPORT\nPerineural invasion:\n   Present (focal)\nTumor size:\n   3.4 cm\n';
    expect(found(text, 'perineural-invasion')).toEqual([['Perineural invasion:\n   Present (focal)', { status: 'present' }, '']]);
    expect(found(text, 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm])).toEqual([['Tumor size:\n   3.4 cm', 34]]);
  });
});

describe('invasion statements', () => {
  it('reads a hedge after the term as present and uncertain', () => {
    expect(found('MICROSCOPIC:\nLVI is equivocal on H&E; D2-40 was not performed.\n', 'lymphovascular-invasion')).toEqual([['LVI is equivocal', { status: 'present' }, 'uncertain']]);
    expect(found('SYNOPTIC\nLymphovascular Invasion: Suspicious, not definitive\n', 'lymphovascular-invasion')).toEqual([['Lymphovascular Invasion: Suspicious, not definitive', { status: 'present' }, 'uncertain']]);
  });

  it('reads a shared statement, shorthand signs and neurotropism', () => {
    expect(found('DIAGNOSIS:\nLymphovascular and perineural invasion are absent.\n', 'lymphovascular-invasion')).toEqual([['lymphovascular and perineural invasion are absent', { status: 'absent' }, 'negated']].map(([s, v, c]) => [(s as string).replace(/^l/, 'L'), v, c]));
    expect(found('DIAGNOSIS:\nLVI- , PNI+\n', 'perineural-invasion')).toEqual([['PNI+', { status: 'present' }, '']]);
    expect(found('DIAGNOSIS:\nNeurotropism is identified at the deep edge.\n', 'perineural-invasion')).toEqual([['Neurotropism is identified', { status: 'present' }, '']]);
  });
});

describe('grade', () => {
  it('reads Gleason patterns and the Grade Group, stated or derived', () => {
    const text = 'DIAGNOSIS:\nProstatic adenocarcinoma, Gleason score 4+3=7 (Grade Group 3).\nRight apex: Gleason 3 + 3 = 6.\nISUP grade group 5 in the left base core.\n';
    expect(found(text, 'grade').map(([s, v]) => [s, (v as { gradeGroup?: number }).gradeGroup])).toEqual([
      ['Gleason score 4+3=7 (Grade Group 3', 3],
      ['Gleason 3 + 3 = 6', 1],
      ['ISUP grade group 5', 5],
    ]);
  });

  it('reads a two-tier grade and grades a range by its worse end', () => {
    expect(found('DIAGNOSIS:\nSerous-type carcinoma, high-grade.\n', 'grade').map(([, v]) => v)).toEqual([{ twoTier: 'high' }]);
    expect(found('DIAGNOSIS:\nAdenocarcinoma, moderately to poorly differentiated.\n', 'grade').map(([, v]) => v)).toEqual([{ grade: 3, differentiation: 'poorly' }]);
  });
});

describe('lymph node counts', () => {
  it('reads ratios, counts in words, "N of M" with other words, and "no lymph nodes submitted"', () => {
    const text = 'DIAGNOSIS:\nPerigastric lymph nodes: 3/21.\nEleven lymph nodes are identified in the fat.\n2 of 6 level II nodes with metastasis.\nNo lymph nodes are submitted.\n';
    expect(found(text, 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['3/21', { positive: 3, examined: 21 }],
      ['Eleven lymph nodes', { examined: 11 }],
      ['2 of 6 level II nodes', { positive: 2, examined: 6 }],
      ['No lymph nodes are submitted', { examined: 0 }],
    ]);
  });
});

describe('tumour size in prose', () => {
  it('takes a measurement of the tumour, not of the specimen, a margin or a location', () => {
    const text = 'GROSS:\nThe specimen measures 18 x 12 x 4 cm. A firm nodule, 2.7 x 2.0 cm, is 0.6 cm from the deep margin. A 1.1 cm satellite lesion is noted. Colonoscopy: mass at 18 cm.\n';
    // (a satellite lesion is another focus, not the tumour: session 8, round 3)
    expect(found(text, 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm])).toEqual([['nodule, 2.7 x 2.0 cm', 27]]);
  });
});

describe('margins', () => {
  it('reads named margin labels, status before or after the margin, "close", and each distance', () => {
    const text = 'DIAGNOSIS:\nDeep margin: involved by melanoma in situ.\nThe peripheral margins are clear at 2 mm (close).\nPositive radial margin.\nCarcinoma is 1.4 cm from the proximal margin and within 0.3 cm of the CRM.\n';
    const margins = found(text, 'margin').map(([s, v]) => [s, v]);
    expect(margins).toEqual([
      ['Deep margin: involved by melanoma in situ', { status: 'positive' }],
      ['peripheral margins are clear', { status: 'close' }],
      ['2 mm', { distanceMm: 2 }],
      ['Positive radial margin', { status: 'positive' }],
      ['1.4 cm from the proximal margin', { distanceMm: 14, namedMargin: 'proximal' }],
      ['0.3 cm', { distanceMm: 3 }],
    ]);
  });
});

describe('mismatch-repair proteins', () => {
  it('reads lists sharing a status after them, signs, and statuses before', () => {
    const text = 'IMMUNOHISTOCHEMISTRY:\nMSH2 and MSH6: retained.\nMLH1+ PMS2-\nAbsent staining for PMS2 only.\n';
    expect(found(text, 'mmr').map(([s, v]) => [s, v])).toEqual([
      ['MSH2', { protein: 'MSH2', status: 'intact' }],
      ['MSH6: retained', { protein: 'MSH6', status: 'intact' }],
      ['MLH1+', { protein: 'MLH1', status: 'intact' }],
      ['PMS2-', { protein: 'PMS2', status: 'lost' }],
      ['Absent staining for PMS2', { protein: 'PMS2', status: 'lost' }],
    ]);
  });
});

describe('gene alterations', () => {
  it('gives each gene of a negative list its own finding, fusion genes as rearrangement', () => {
    const text = 'MOLECULAR RESULTS:\nNGS: KRAS, NRAS, RET and NTRK1: not detected.\n';
    expect(found(text, 'gene-alteration').map(([s, v, c]) => [s, (v as { alteration: string }).alteration, c])).toEqual([
      ['KRAS', 'mutation', 'negated'],
      ['NRAS', 'mutation', 'negated'],
      ['RET', 'rearrangement', 'negated'],
      ['NTRK1', 'rearrangement', 'negated'],
    ]);
  });

  it('reads IHC for fusion genes, exon 14 of MET, protein over exon, germline variants and the type before a list', () => {
    const rows = (t: string) => found(`MOLECULAR:\n${t}\n`, 'gene-alteration').map(([, v]) => [(v as { gene: string }).gene, (v as { alteration: string }).alteration]);
    expect(rows('ROS1 (D4D6) IHC: positive.')).toEqual([['ROS1', 'rearrangement']]);
    expect(rows('MET ex14 skipping detected.')).toEqual([['MET', 'exon 14 skipping']]);
    expect(rows('KRAS exon 3 codon 61 mutation detected: p.Q61H.')).toEqual([['KRAS', 'Q61H']]);
    expect(rows('Her sister carries a germline MSH6 variant.')).toEqual([['MSH6', 'germline variant']]);
    expect(rows('Panel: no pathogenic variants in ATM, PALB2.')).toEqual([['ATM', 'pathogenic variant'], ['PALB2', 'pathogenic variant']]);
    expect(rows('MLH1 promoter methylation testing has been requested.')).toEqual([]);
  });
});

describe('organs, laterality, specimen and procedure', () => {
  it('reads the organ of a tumour in prose and leaves other mentions alone', () => {
    const text = 'CLINICAL HISTORY:\nRight lung mass; her father had gastric cancer. Breast imaging was normal.\n';
    expect(found(text, 'primary-site').map(([s, v, c]) => [s, (v as { organ: string }).organ, c])).toEqual([
      ['lung', 'lung', ''],
      ['gastric', 'stomach', 'other'],
    ]);
  });

  it('reads laterality of paired organs and skin sites, not of axillary nodes or the colon', () => {
    const text = 'SPECIMENS:\n1. Skin, left forearm, punch biopsy\n2. Right axillary sentinel lymph node\nCLINICAL HISTORY:\nLesion of the right flank; prior right hemicolectomy.\n';
    expect(found(text, 'laterality').map(([s, v]) => [s, v])).toEqual([
      ['left', { laterality: 'left' }],
      ['right', { laterality: 'right' }],
    ]);
  });

  it('reads mixed-case part lines, "Specimen:" lines with a procedure, and skips node-only parts', () => {
    const text = 'Specimen: Kidney, left, radical nephrectomy\nFINAL DIAGNOSIS:\n1) Stomach, antrum, endoscopic biopsies:\n   Adenocarcinoma.\n2) Lymph nodes, perigastric, excision:\n   Negative.\n';
    expect(found(text, 'specimen').map(([s]) => s)).toEqual(['Kidney, left', 'Stomach, antrum']);
    expect(found(text, 'procedure').map(([s]) => s)).toEqual(['radical nephrectomy', 'endoscopic biopsies']);
  });
});

describe('histologic type', () => {
  it('does not read node, margin or anaphoric mentions as a type statement', () => {
    const text = 'DIAGNOSIS:\nInvasive lobular carcinoma.\nThree lymph nodes negative for metastatic carcinoma (0/3).\nMargins free of carcinoma.\nThe carcinoma extends into fat.\n';
    expect(found(text, 'histologic-type').map(([s]) => s)).toEqual(['Invasive lobular carcinoma']);
  });
});

describe('receptors, HER2 score 0, pN with a spaced suffix', () => {
  it('reads "ER+/PR-" signs and a bare HER2 IHC score of 0', () => {
    const text = 'COMMENT:\nPrior tumour was ER+, PR- and HER2 (IHC): 0.\n';
    expect(found(text, 'er').map(([s, v]) => [s, v])).toEqual([['ER+', { result: 'positive' }]]);
    expect(found(text, 'pr').map(([s, v]) => [s, v])).toEqual([['PR-', { result: 'negative' }]]);
    expect(found(text, 'her2').map(([, v]) => (v as { score?: string }).score)).toEqual(['0']);
  });

  it('keeps "(sn)" written after a space', () => {
    expect(found('DIAGNOSIS:\nStage pT1b pN1mi (sn).\n', 'tnm').map(([, v]) => (v as { code: string }).code)).toEqual(['T1b', 'N1mi(sn)']);
  });
});

describe('node statements: isolated tumour cells, all nodes negative, labelled counts', () => {
  it('counts isolated tumour cells as no positive node, and "all N nodes are negative" as N examined, 0 positive', () => {
    const text = 'DIAGNOSIS:\nIsolated tumor cells in two of four axillary lymph nodes.\nAll 9 lymph nodes are negative for tumor.\n';
    expect(found(text, 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['two of four axillary lymph nodes', { positive: 0, examined: 4 }],
      ['All 9 lymph nodes are negative', { examined: 9, positive: 0 }],
    ]);
  });

  it('reads dotted-leader summaries and short "Number involved" labels', () => {
    const text = 'SUMMARY\nPerineural invasion ........ Present\nNumber involved: 3\n';
    expect(found(text, 'perineural-invasion').map(([s, v]) => [s, v])).toEqual([['Perineural invasion ........ Present', { status: 'present' }]]);
    expect(found(text, 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['Number involved: 3', { positive: 3 }]]);
  });

  it('reads "substantial" and "extensive" as present, and tumour emboli as LVI', () => {
    expect(found('SYNOPTIC\nLymphovascular space invasion: Extensive\n', 'lymphovascular-invasion').map(([, v]) => v)).toEqual([{ status: 'present' }]);
    expect(found('MICROSCOPIC:\nLymphovascular tumor emboli are seen in the dermis.\n', 'lymphovascular-invasion').map(([s, v]) => [s, v])).toEqual([['Lymphovascular tumor emboli are seen', { status: 'present' }]]);
  });
});

describe('family history', () => {
  it('takes "brother", "aunt" (plain family nouns) as another experiencer', () => {
    const text = 'CLINICAL HISTORY:\nHis brother had colon cancer at 52; a paternal aunt had ovarian cancer.\n';
    expect(found(text, 'primary-site').map(([s, , c]) => [s, c])).toEqual([['colon', 'other'], ['ovarian', 'other']]);
  });
});

describe('tumour size: depth of invasion is not a size', () => {
  it('skips "invades to 9 mm of a 14 mm myometrium" and reads a bare "Size:" line', () => {
    const text = 'DIAGNOSIS:\nThe tumor invades to 9 mm of a 14 mm myometrial wall.\nSize: 32 mm\n';
    expect(found(text, 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm])).toEqual([['Size: 32 mm', 32]]);
  });
});

describe('part lines (session 2)', () => {
  it('reads a part line with a clock position, a part below a "Label:" heading, and lettered specimen lists', () => {
    expect(found('DIAGNOSIS:\nRight breast 10:00, core bx: invasive ductal carcinoma.\n', 'procedure').map(([s]) => s)).toEqual(['core bx']);
    const below = 'Microscopic/Diagnosis:\nRIGHT BREAST, 7:00, US-GUIDED CORE BIOPSY:\n- INVASIVE DUCTAL CARCINOMA.\n';
    expect(found(below, 'specimen').map(([s]) => s)).toEqual(['RIGHT BREAST, 7:00']);
    expect(found(below, 'laterality').map(([s, v]) => [s, v])).toEqual([['RIGHT', { laterality: 'right' }]]);
    const list = 'SPECIMENS:\n A: Breast, right, wide local excision\n B: Breast, right, additional lateral margin\n';
    expect(found(list, 'specimen').map(([s]) => s)).toEqual(['Breast, right']); // a separately sent margin is not the specimen
    expect(found(list, 'procedure').map(([s]) => s)).toEqual(['wide local excision']);
  });

  it('states the side of "BREAST AND AXILLARY CONTENTS" and of a synoptic "Part 1:" line, never of a colon', () => {
    expect(found('DIAGNOSIS:\nRIGHT BREAST AND AXILLARY CONTENTS, MASTECTOMY:\n- carcinoma\n', 'laterality').map(([s]) => s)).toEqual(['RIGHT']);
    expect(found('REPORT\nPART 1: RIGHT BREAST, TOTAL MASTECTOMY\n', 'laterality').map(([s]) => s)).toEqual(['RIGHT']);
    expect(found('DIAGNOSIS:\nRIGHT COLON, HEMICOLECTOMY:\n- adenocarcinoma\n', 'laterality')).toEqual([]);
  });
});

describe('tumour size (session 2)', () => {
  const sizes = (text: string) => found(text, 'tumor-size').map(([, v]) => (v as { greatestDimensionMm: number }).greatestDimensionMm);
  it('reads a size after organ words ("a 2.6 cm right breast mass") and at the end of a diagnosis clause', () => {
    expect(sizes('CLINICAL HISTORY:\n61-year-old woman with a 2.6 cm right breast mass.\n')).toEqual([26]);
    expect(sizes('DIAGNOSIS:\n- ADENOCARCINOMA, MODERATELY DIFFERENTIATED, OF THE SIGMOID COLON, 4.2 CM.\n')).toEqual([42]);
    expect(sizes('DIAGNOSIS:\nInvasive ductal carcinoma, Nottingham grade 1 (tubules 2, nuclei 1, mitoses 1), measuring 9 mm in greatest extent.\n')).toEqual([9]);
  });
  it('does not read nodal deposits, margin distances, stalks or distances above a landmark as sizes', () => {
    expect(sizes('DIAGNOSIS:\n- Two lymph nodes, one with metastatic carcinoma (3.2 mm deposit) (1/2).\n')).toEqual([]);
    expect(sizes('DIAGNOSIS:\n- Margins free of carcinoma (closest: posterior, 4 mm).\n')).toEqual([]);
    expect(sizes('GROSS:\nA pedunculated polyp with a 1.1 cm stalk.\n')).toEqual([]);
    expect(sizes('GROSS:\nAn ulcerated mass in the rectum measuring 3.0 x 2.0 cm, beginning 1.8 cm above the dentate line.\n')).toEqual([30]);
  });
});

describe('receptors (session 2)', () => {
  it('reads "Estrogen receptor - POSITIVE", several "Label: value" pieces on one line, and an "ER/PR/HER2:" list', () => {
    expect(found('RESULTS:\nEstrogen receptor - POSITIVE, 80%, strong\n', 'er').map(([, v]) => v)).toEqual([{ result: 'positive', percent: 80, intensity: 'strong' }]);
    expect(found('COMMENT:\nER: positive (60%); PR: negative (0%).\n', 'pr').map(([s, v]) => [s, v])).toEqual([['PR: negative (0%)', { result: 'negative', percent: 0 }]]);
    expect(found('RESULTS:\nER/PR/HER2: ER 70%, PR 5%, HER2 2+.\n', 'pr').map(([s]) => s)).toEqual(['PR 5%']);
  });
});

describe('lists on one line (session 2)', () => {
  it('reads pipe-separated synoptic pieces and "N positive / M examined"', () => {
    const text = 'SYNOPTIC:\nTumor site: cecum | Grade: high grade | Size: 38 mm | pT4a | pN2b\nLymph nodes: 5 positive / 21 examined\n';
    expect(found(text, 'tumor-size').map(([s]) => s)).toEqual(['Size: 38 mm']);
    expect(found(text, 'tnm').map(([s]) => s)).toEqual(['pT4a', 'pN2b']);
    expect(found(text, 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['5 positive / 21 examined', { positive: 5, examined: 21 }]]);
  });
});

describe('HER2 ISH in prose (session 2)', () => {
  it('takes the result stated before a ratio, reads amplification as ISH, and the IHC score restated beside it', () => {
    const a = found('ADDENDUM:\nHER2 FISH, block B2. Result: AMPLIFIED (HER2/CEP17 ratio 3.2; copy number 7.0).\n', 'her2');
    expect(a.map(([s, v, c]) => [s, (v as { result?: string }).result, (v as { ratio?: number }).ratio, c])).toContainEqual(['AMPLIFIED (HER2/CEP17 ratio 3.2; copy number 7.0)', 'amplified', 3.2, '']);
    const b = found('Interpretation: HER2 NOT AMPLIFIED (Group 4 with IHC 2+).\n', 'her2');
    expect(b.map(([s, v]) => [s, (v as { method: string }).method, (v as { result?: string; score?: string }).result ?? (v as { score?: string }).score])).toEqual([
      ['HER2 NOT AMPLIFIED (Group 4 with IHC 2+)', 'ISH', 'not-amplified'],
      ['IHC 2+', 'IHC', '2+'],
    ]);
  });
});

describe('laterality: what is not the tumour side (2026-12-02 label guideline)', () => {
  it('reads the side of a synoptic "Specimen:" value that names a paired organ without a procedure', () => {
    expect(found('SYNOPTIC SUMMARY\nSpecimen: Right breast with axillary lymph nodes\n', 'laterality').map(([s, v]) => [s, v])).toEqual([['Right', { laterality: 'right' }]]);
  });
  it('does not read a container label quoted in the gross description', () => {
    const text = 'GROSS DESCRIPTION:\nReceived in formalin labeled "right breast 10:00" are three cores of tissue.\n';
    expect(found(text, 'laterality')).toEqual([]);
  });
  it('does not read the side of a separately sent margin', () => {
    expect(found('SPECIMENS:\nA. Breast, right, lumpectomy\nB. Breast, right, additional lateral margin\n', 'laterality').map(([s]) => s)).toEqual(['right']);
  });
  it('does not read the side of adnexa removed with a hysterectomy', () => {
    expect(found('DIAGNOSIS:\nUTERUS, CERVIX AND BILATERAL ADNEXA; HYSTERECTOMY AND BILATERAL SALPINGO-OOPHORECTOMY:\n- carcinoma\n', 'laterality')).toEqual([]);
  });
});

describe('laterality: sides the 2026-12-02 guideline counts, and sides it does not (fourth session)', () => {
  const sides = (text: string) => found(text, 'laterality').map(([s, v, c]) => [s, (v as { laterality: string }).laterality, c]);
  it('reads a synoptic "Laterality of disease:" line', () => {
    expect(sides('SUMMARY\nLaterality of disease: left.\n').map(([, v]) => v)).toEqual(['left']);
  });
  it('reads the side before a breast clock position', () => {
    expect(sides('CLINICAL HISTORY:\nScreening MRI showed a mass at left 2 o\'clock, 1.1 cm.\n').map(([s, v]) => [s, v])).toEqual([['left', 'left']]);
  });
  it('does not read the side of a procedure named without its organ', () => {
    expect(sides('CLINICAL HISTORY:\nShe chose bilateral mastectomies; he had a right pneumonectomy in 2019.\n')).toEqual([]);
  });
  it('reads pelvic sentinel node sides, "right and left" as bilateral, and not a non-sentinel node packet', () => {
    expect(sides('FINAL DIAGNOSIS:\nSentinel lymph nodes (right and left external iliac): negative (0/2).\n').map(([s, v]) => [s, v])).toEqual([['right and left', 'bilateral']]);
    expect(sides('GROSS:\nSentinel nodes: left obturator, 1.0 cm.\n').map(([s, v]) => [s, v])).toEqual([['left', 'left']]);
    expect(sides('GROSS:\nTen lymph nodes are found in the right pelvic packet.\n')).toEqual([]);
  });
  it('reads the side in parentheses after a past tumour of a paired organ', () => {
    expect(sides('CLINICAL HISTORY:\nHistory of lung cancer (right, 2015), treated with surgery.\n').map(([s, v]) => [s, v])).toEqual([['right', 'right']]);
  });
  it('does not read the side of a bronchus or of hilar nodes, but reads a hilar mass', () => {
    expect(sides('CLINICAL HISTORY:\nThe tumour narrows the right lower lobe bronchus; enlarged left hilar nodes.\n')).toEqual([]);
    expect(sides('CLINICAL HISTORY:\nA left hilar mass on CT.\n').map(([s, v]) => [s, v])).toEqual([['left', 'left']]);
  });
});

describe('margin distances (fourth session)', () => {
  const distances = (text: string) => found(text, 'margin').filter(([, v]) => (v as { distanceMm?: number; closestDistanceMm?: number }).distanceMm !== undefined || (v as { closestDistanceMm?: number }).closestDistanceMm !== undefined).map(([s]) => s);
  it('reads a distance after "closest: <margin>,"', () => {
    expect(distances('DIAGNOSIS:\n- Margins negative (closest: superior, 4 mm).\n- MARGINS FREE; CLOSEST: DEEP AT 2 MM.\n')).toEqual(['4 mm', '2 MM']);
  });
  it('does not read a distance from a landmark, a linear extent or a depth as a margin distance', () => {
    expect(distances('GROSS DESCRIPTION:\nThe mass lies 0.8 cm from the inferior margin and 2.2 cm from the overlying skin.\n')).toEqual(['0.8 cm from the inferior margin']);
    expect(distances('DIAGNOSIS:\nPeripheral margin: involved (positive, 3 mm linear extent).\nThe tumour invades to a depth of 4 mm beyond the muscularis propria, 12 mm from the circumferential margin.\n')).toEqual(['12 mm from the circumferential margin']);
  });
  it('reads a status after "is inked and"', () => {
    expect(found('GROSS DESCRIPTION:\nThe deep margin is inked and grossly uninvolved.\n', 'margin').map(([s, v]) => [s, v])).toEqual([['deep margin is inked and grossly uninvolved', { status: 'negative' }]]);
  });
});

describe('histologic type (fourth session)', () => {
  const types = (text: string) => found(text, 'histologic-type').map(([s, v, c]) => [s, (v as { name: string }).name, c]);
  it('reads "Residual adenocarcinoma" and plural types as type statements', () => {
    expect(types('DIAGNOSIS:\n- Residual adenocarcinoma, 6 mm, in the submucosa.\n').map(([s]) => s)).toEqual(['adenocarcinoma']);
    expect(types('CLINICAL HISTORY:\nTwo biopsy-proven invasive carcinomas.\n').map(([s, n]) => [s, n])).toEqual([['invasive carcinomas', 'invasive carcinoma']]);
  });
  it('reads a denied malignancy as a negated type, but not in a node statement', () => {
    expect(types('DIAGNOSIS:\nBenign cyst wall. Negative for atypia and malignancy.\n').map(([, n, c]) => [n, c])).toEqual([['malignancy', 'negated']]);
    expect(types('DIAGNOSIS:\nEight lymph nodes, all negative for malignancy (0/8).\n')).toEqual([]);
  });
  it('does not read the microscopic description\'s "nests of carcinoma" as a type statement', () => {
    expect(types('MICROSCOPIC DESCRIPTION:\nThe stroma is infiltrated by a carcinoma forming cords and nests of carcinoma.\n')).toEqual([]);
  });
});

describe('grade (fourth session)', () => {
  const grades = (text: string) => found(text, 'grade').map(([s, v]) => [s, v]);
  it('keeps the two-tier term beside a differentiation range when an adenoma is named in another clause', () => {
    expect(grades('DIAGNOSIS:\nAdenocarcinoma, moderately to poorly differentiated (high grade), arising in a villous adenoma.\n')).toEqual([['moderately to poorly differentiated (high grade', { differentiation: 'poorly', grade: 3, twoTier: 'high' }]]);
  });
  it('does not read a regression, plane, nuclear or budding grade as the tumour grade', () => {
    expect(grades('DIAGNOSIS:\nTumour regression: Becker grade 1.\nMesorectal plane: intact (grade 3).\nNuclei are large (grade 3).\nHigh-grade tumor budding is present.\n')).toEqual([]);
  });
  it('reads "High-grade serous carcinoma" as a two-tier grade', () => {
    expect(grades('DIAGNOSIS:\nHigh-grade serous carcinoma of the ovary.\n')).toEqual([['High-grade', { twoTier: 'high' }]]);
  });
});

describe('size, procedure, nodes and invasion (fourth session)', () => {
  it('reads a size four words before its tumour noun', () => {
    expect(found('CLINICAL HISTORY:\nA 3.1 cm left lower lobe irregular mass.\n', 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm])).toEqual([['3.1 cm', 31]]);
  });
  it('does not read a procedure from a container label quoted in the gross', () => {
    expect(found('GROSS DESCRIPTION:\nReceived in formalin labeled "left breast wide local excision" is a portion of fat.\n', 'procedure')).toEqual([]);
  });
  it('reads "Number examined: n; Number involved: m" inside another label\'s value, and "Nodes: n identified"', () => {
    const counts = (text: string) => found(text, 'lymph-nodes').map(([s, v]) => [s, v]);
    expect(counts('SYNOPTIC\nRegional Lymph Nodes: Number examined: 14; Number involved: 1\n')).toEqual([['Number examined: 14', { examined: 14 }], ['Number involved: 1', { positive: 1 }]]);
    expect(counts('GROSS:\nThe fat is dissected. Nodes: 9 identified.\n')).toEqual([['Nodes: 9 identified', { examined: 9 }]]);
  });
  it('reads every invasion statement of a sentence, and invasion in a "Comment:" line', () => {
    expect(found('MICROSCOPIC DESCRIPTION:\nVenous invasion is present, and lymphovascular invasion is extensive.\n', 'lymphovascular-invasion').map(([s]) => s)).toEqual(['Venous invasion is present', 'lymphovascular invasion is extensive']);
    expect(found('DIAGNOSIS:\nAdenocarcinoma.\nComment: Suspicious for lymphovascular invasion in one core.\n', 'lymphovascular-invasion').map(([s, v, c]) => [s, v, c])).toEqual([['lymphovascular invasion', { status: 'present' }, 'uncertain']]);
  });
});

describe('perineural invasion sharing its noun (fourth session)', () => {
  it('reads "Perineural and venous invasion are seen" as perineural invasion present', () => {
    expect(found('MICROSCOPIC DESCRIPTION:\nPerineural and vascular invasion are present.\n', 'perineural-invasion').map(([s, v]) => [s, v])).toEqual([['Perineural and vascular invasion are present', { status: 'present' }]]);
  });
});

describe('DCIS and numbered part lines with the diagnosis inline (fourth session)', () => {
  it('reads "DCIS" as ductal carcinoma in situ, historical in a past history', () => {
    expect(found('CLINICAL HISTORY:\nPast history of left breast DCIS (2012), treated with excision.\n', 'histologic-type').map(([s, v, c]) => [s, (v as { name: string }).name, c])).toEqual([['DCIS', 'ductal carcinoma in situ', 'historical']]);
  });
  it('reads the specimen and procedure of "(1) Left breast, 3 o\'clock, core biopsy: <diagnosis>"', () => {
    const text = "DIAGNOSIS:\n(1) Left breast, 3 o'clock, core biopsy: Invasive lobular carcinoma.\n2. Skin, right shin, punch biopsy: Melanoma in situ.\n";
    expect(found(text, 'specimen').map(([s]) => s)).toEqual(['Left breast, 3 o\'clock', 'Skin, right shin']);
    expect(found(text, 'procedure').map(([s]) => s)).toEqual(['core biopsy', 'punch biopsy']);
  });
});

// Fifth session: rules found on the melanoma, prostate and lung reports that joined the tuning split; every sentence
// below was written for the test.
describe('histologic type: melanoma subtypes, lung and prostate wording, a denial after the type (session 7, round 1)', () => {
  const types = (text: string) => found(text, 'histologic-type').map(([s, v, c]) => [s, v, c]);
  it('names a melanoma subtype stated after the type, and "melanoma in situ" / "lentigo maligna" as in situ', () => {
    expect(types('DIAGNOSIS:\nInvasive melanoma, nodular type.\n')).toEqual([['Invasive melanoma, nodular type', { name: 'invasive nodular melanoma', behavior: 'invasive' }, '']]);
    expect(types('DIAGNOSIS:\nMelanoma in situ on sun-damaged skin.\n')).toEqual([['Melanoma in situ', { name: 'melanoma in situ', behavior: 'in situ' }, '']]);
    expect(types('CLINICAL HISTORY:\nBrown patch of the cheek, ?lentigo maligna.\n')).toEqual([['lentigo maligna', { name: 'lentigo maligna', behavior: 'in situ' }, 'uncertain']]);
  });
  it('reads "non-mucinous" and acinar adenocarcinoma as written', () => {
    expect(types('DIAGNOSIS:\nInvasive non-mucinous adenocarcinoma, lepidic predominant.\n').map(([, v]) => (v as { name: string }).name)).toEqual(['invasive non-mucinous adenocarcinoma, lepidic predominant']);
    expect(types('DIAGNOSIS:\nAdenocarcinoma, acinar type, Gleason score 3+3=6.\n').map(([s, v]) => [s, (v as { name: string }).name])).toEqual([['Adenocarcinoma, acinar type', 'acinar adenocarcinoma']]);
  });
  it('reads "<type> is not identified" as a denied type, but not intraductal carcinoma or a clinic\'s name', () => {
    expect(types('COMMENT:\nResidual carcinoma is not identified.\n')).toEqual([['carcinoma is not identified', { name: 'carcinoma' }, 'negated']]);
    expect(types('COMMENT:\nIntraductal carcinoma is not identified.\n')).toEqual([]);
    expect(types('Referred by: Melanoma Oncology Clinic\n')).toEqual([]);
  });
  it('types a node aspirate in the diagnosis, not a counted node or a node in the history', () => {
    expect(types('DIAGNOSIS:\n3. Lymph node, station 4R, EBUS-TBNA: Atypical cells, suspicious for metastatic carcinoma.\n').map(([s, , c]) => [s, c])).toEqual([['metastatic carcinoma', 'uncertain']]);
    expect(types('DIAGNOSIS:\nTwo lymph nodes, positive for metastatic carcinoma (2/2).\n')).toEqual([]);
    expect(types('CLINICAL HISTORY:\nAxillary node FNA positive for metastatic carcinoma.\n')).toEqual([]);
  });
});

describe('tumour size: skin lesions, lung total and invasive size, other measures (session 7, round 1)', () => {
  const sizes = (text: string) => found(text, 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm]);
  it('reads the size of a macule, papule, plaque or patch', () => {
    expect(sizes('GROSS:\nA shave of skin with a dark brown macule 0.6 x 0.5 cm.\n')).toEqual([['macule 0.6 x 0.5 cm', 6]]);
    expect(sizes('CLINICAL HISTORY:\nA 12 mm irregular brown patch of the cheek.\n')).toEqual([['12 mm', 12]]);
  });
  it('reads the invasive size stated inside a total size line, "Total Tumor Size:" and a size after a classification', () => {
    expect(sizes('SYNOPTIC\nTumor Size: 3.1 cm (invasive size 2.2 cm)\n')).toEqual([['Tumor Size: 3.1 cm (invasive size 2.2 cm)', 31], ['invasive size 2.2 cm', 22]]);
    expect(sizes('SYNOPTIC\nTotal Tumor Size: 2.9 cm\n')).toEqual([['Total Tumor Size: 2.9 cm', 29]]);
    expect(sizes('CLINICAL HISTORY:\nMRI: 1.3 cm PI-RADS 4 lesion.\n')).toEqual([['1.3 cm', 13]]);
    expect(sizes('MICROSCOPIC:\nThe index tumour is in the left apex, maximum dimension 16 mm.\n')).toEqual([['16 mm', 16]]);
  });
  it('reads a size after a lung segment, not of a metastatic deposit, an ulcer\'s width or a benign focus', () => {
    expect(sizes('GROSS:\nA firm mass is present in the posterior basal segment, 2.9 x 2.1 x 2.0 cm.\n')).toEqual([['2.9 x 2.1 x 2.0 cm', 29]]);
    expect(sizes('SYNOPTIC\nSize of Largest Metastatic Deposit: 2.5 mm\n')).toEqual([]);
    expect(sizes('MICROSCOPIC:\nThe melanoma is ulcerated (ulcer width 2 mm).\n')).toEqual([]);
    expect(sizes('MICROSCOPIC:\nThere is a 0.4 mm focus of atypical junctional melanocytic hyperplasia.\n')).toEqual([]);
  });
});

describe('margins (session 7, round 1)', () => {
  const margins = (text: string) => found(text, 'margin').map(([s, v, c]) => [s, v, c]);
  it('reads "transected", "appears to abut" (uncertain) and no goal ("to obtain a clear margin")', () => {
    expect(margins('DIAGNOSIS:\nBreslow thickness at least 0.7 mm (the deep margin is transected).\n')).toEqual([['deep margin is transected', { status: 'positive' }, '']]);
    expect(margins('GROSS:\nThe nodule appears to abut the deep margin.\n')).toEqual([['appears to abut the deep margin', { status: 'positive' }, 'uncertain']]);
    expect(margins('COMMENT:\nRe-excision to obtain a clear deep margin is advised.\n')).toEqual([]);
  });
  it('reads every distance of a synoptic margin line and of a parenthesis after a margin, and one after the status', () => {
    expect(margins('SYNOPTIC\nPeripheral margins: Negative; closest (lateral) 7 mm; melanoma in situ 5 mm from the lateral margin\n').slice(1).map(([s, v]) => [s, (v as { distanceMm: number }).distanceMm])).toEqual([['7 mm', 7], ['5 mm', 5]]);
    expect(margins('DIAGNOSIS:\nMargins clear (peripheral 14 mm, deep 3 mm).\n').slice(1).map(([s]) => s)).toEqual(['14 mm', '3 mm']);
    expect(margins('DIAGNOSIS:\nParenchymal margin negative, 16 mm.\n').map(([s]) => s)).toEqual(['Parenchymal margin negative', '16 mm']);
  });
  it('reads no distance from a scar, a Breslow thickness, a planned margin or a positive margin\'s extent', () => {
    const distances = (text: string) => margins(text).filter(([, v]) => (v as { distanceMm?: number }).distanceMm !== undefined || (v as { closestDistanceMm?: number }).closestDistanceMm !== undefined);
    expect(distances('GROSS:\nThe scar is 0.9 cm from the closest peripheral margin.\n')).toEqual([]);
    expect(distances('DIAGNOSIS:\nBreslow thickness: 0.5 mm (deep margin transected).\n')).toEqual([]);
    expect(distances('CLINICAL HISTORY:\nFor wide local excision (1 cm margins).\n')).toEqual([]);
    expect(distances('DIAGNOSIS:\nPositive surgical margin (3 mm, left apex).\nLinear Length of Positive Margin: 3 mm\n')).toEqual([]);
  });
  it('reads UICC residual tumour R0 / R1 beside a stage', () => {
    expect(margins('SUMMARY:\npT3a pN0 L0 V0 Pn1 R1\n')).toEqual([['R1', { status: 'positive' }, '']]);
  });
});

describe('UICC invasion codes, node counts (session 7, round 1)', () => {
  it('reads L, V and Pn beside a stage or an invasion statement, 0 as absent', () => {
    expect(found('SUMMARY:\npT2 pN0 L1 V0 Pn0 R0\n', 'lymphovascular-invasion').map(([s, v, c]) => [s, v, c])).toEqual([['L1', { status: 'present' }, ''], ['V0', { status: 'absent' }, 'negated']]);
    expect(found('SUMMARY:\npT2 pN0 L1 V0 Pn0 R0\n', 'perineural-invasion').map(([s, v, c]) => [s, v, c])).toEqual([['Pn0', { status: 'absent' }, 'negated']]);
    expect(found('MICROSCOPIC:\nThe L1 vertebra is unremarkable.\n', 'lymphovascular-invasion')).toEqual([]);
  });
  const counts = (text: string) => found(text, 'lymph-nodes').map(([s, v]) => [s, v]);
  it('reads counts below a "Regional Lymph Nodes:" line, after pN and "Nodes: three"', () => {
    expect(counts('SYNOPTIC\nRegional Lymph Nodes:\n  Station 7: 1/4\n  Station 10R: 0/2\n')).toEqual([['1/4', { positive: 1, examined: 4 }], ['0/2', { positive: 0, examined: 2 }]]);
    expect(counts('SUMMARY:\npT3b pN1 (2/19)\n')).toEqual([['2/19', { positive: 2, examined: 19 }]]);
    expect(counts('GROSS:\nHilar lymph nodes: three (station 10R).\n')).toEqual([['nodes: three', { examined: 3 }]]);
    expect(counts('SYNOPTIC\nRegional Lymph Nodes: Number of lymph nodes examined: 9; Number of lymph nodes involved: 0\n')).toEqual([['Number of lymph nodes examined: 9', { examined: 9 }], ['Number of lymph nodes involved: 0', { positive: 0 }]]);
  });
  // (session 8, round 3: the guideline's rule C1 reads words and digits as one statement; session 7 read two)
  it('reads a count in words and its ratio in digits as one statement, a count after a bullet, not "the two largest nodes"', () => {
    expect(counts('DIAGNOSIS:\nMetastatic melanoma in one of two lymph nodes (1/2).\n')).toEqual([['one of two lymph nodes (1/2)', { positive: 1, examined: 2 }]]);
    expect(counts('DIAGNOSIS:\n- Nine lymph nodes, negative.\n')).toEqual([['Nine lymph nodes', { examined: 9 }]]);
    expect(counts('DIAGNOSIS:\nC. One lymph node with metastatic carcinoma.\n')).toEqual([['One lymph node', { positive: 1 }]]);
    expect(counts('GROSS:\nTissue 4.0 x 3.0 x 1.5 cm with six lymph nodes.\n')).toEqual([['six lymph nodes', { examined: 6 }]]);
    expect(counts('MICROSCOPIC:\nSOX10 stains on the two largest nodes are negative.\n')).toEqual([]);
  });
});

describe('gene alterations (session 7, round 1)', () => {
  const genes = (text: string) => found(text, 'gene-alteration').map(([s, v, c]) => [s, (v as { alteration?: string }).alteration, c]);
  it('reads a codon before "mutation", a promoter cDNA change, a pathogenic classification and "-mutant"', () => {
    expect(genes('MOLECULAR:\nBRAF: no V600 mutation detected.\n')).toEqual([['BRAF: no V600 mutation detected', 'V600', 'negated']]);
    expect(genes('RESULTS:\nTERT promoter: c.-146C>T - DETECTED\n')).toEqual([['TERT promoter: c.-146C>T - DETECTED', 'promoter mutation', '']]);
    expect(genes('RESULTS:\nBRCA1 c.68_69delAG, pathogenic.\n')).toEqual([['BRCA1 c.68_69delAG, pathogenic', 'pathogenic variant', '']]);
    expect(genes('COMMENT:\nThis NRAS-mutant melanoma.\n')).toEqual([['NRAS-mutant', 'mutation', '']]);
  });
  it('reads prostate genes (AR amplification, PTEN homozygous deletion)', () => {
    expect(genes('RESULTS:\nAR amplification detected. PTEN: homozygous deletion.\n').map(([s, a]) => [s, a])).toEqual([['AR amplification', 'amplification'], ['PTEN: homozygous deletion', 'homozygous deletion']]);
  });
});

describe('specimen, procedure, site and side of melanoma, prostate and lung reports (session 7, round 1)', () => {
  it('reads the side of a synoptic tumour-site line', () => {
    expect(found('SYNOPTIC\nTumor Site: Skin of left lower leg\n', 'laterality').map(([s, v]) => [s, v])).toEqual([['left', { laterality: 'left' }]]);
  });
  it('reads a prostate biopsy site with a tumour as specimen and side, not a benign site; a suspicious site is uncertain', () => {
    const text = 'DIAGNOSIS:\nA. Right base, lateral: Benign prostatic tissue.\nB. Left mid, medial: Prostatic adenocarcinoma, Gleason score 3+3=6.\nC. Right apex: Atypical small acinar proliferation, suspicious for carcinoma.\n';
    expect(found(text, 'specimen').map(([s, v]) => [s, v])).toEqual([['Left mid, medial', { description: 'prostate, left mid, medial' }]]);
    expect(found(text, 'laterality').map(([s, v, c]) => [s, v, c])).toEqual([['Left', { laterality: 'left' }, ''], ['Right', { laterality: 'right' }, 'uncertain']]);
  });
  it('reads the side of a prostate zone, lobe abbreviations, and not the side of a margin', () => {
    expect(found('CLINICAL HISTORY:\nMRI: lesion in the right transition zone.\n', 'laterality').map(([s]) => s)).toEqual(['right']);
    expect(found('CLINICAL HISTORY:\n2.1 cm nodule RUL.\n', 'laterality').map(([s, v]) => [s, v])).toEqual([['RUL', { laterality: 'right' }]]);
    expect(found('CLINICAL HISTORY:\n2.1 cm nodule RUL.\n', 'primary-site').map(([s, v]) => [s, v])).toEqual([['RUL', { site: 'rul', organ: 'lung' }]]);
    expect(found('DIAGNOSIS:\nMargins clear (closest 0.4 mm, right apex).\n', 'laterality')).toEqual([]);
  });
  it('reads a node aspirate\'s procedure, not a node dissection', () => {
    expect(found('DIAGNOSIS:\n1. Lymph node, station 7, EBUS-TBNA: Metastatic adenocarcinoma.\n', 'procedure').map(([s]) => s)).toEqual(['EBUS-TBNA']);
    expect(found('SPECIMENS:\n2. Left axillary contents, completion lymph node dissection\n', 'procedure')).toEqual([]);
  });
  it('reads the gross designation of a specimen, a part inside "DX:" and TURP', () => {
    expect(found('GROSS DESCRIPTION:\nA. Left upper lobe, 15.0 x 9.0 x 3.5 cm, with a stapled bronchial margin.\n', 'specimen').map(([s]) => s)).toEqual(['Left upper lobe']);
    expect(found('Macroscopic: Prostate with seminal vesicles, 41 g.\n', 'specimen').map(([s]) => s)).toEqual(['Prostate']);
    const dx = 'TURP chips, 24 g. DX: PROSTATE, TRANSURETHRAL RESECTION: Benign prostatic hyperplasia.\n';
    expect(found(dx, 'procedure').map(([s]) => s)).toEqual(['TURP', 'TRANSURETHRAL RESECTION']);
    expect(found(dx, 'specimen').map(([s]) => s)).toEqual(['PROSTATE']);
  });
  it('reads the specimen of a "Specimen tested:" line with the stage after it', () => {
    const text = 'Specimen tested: Block A2 (skin, left calf, wide local excision; nodular melanoma, pT3a).\n';
    expect(found(text, 'procedure').map(([s]) => s)).toEqual(['wide local excision']);
    expect(found(text, 'tnm').map(([s]) => s)).toEqual(['pT3a']);
  });
  it('reads a "Diagnosis:" line\'s grade and margin distance beside its type', () => {
    const text = 'Diagnosis: Adenocarcinoma, IASLC grade 2 (moderately differentiated). Staple line margin negative, 12 mm.\n';
    expect(found(text, 'grade').map(([s]) => s)).toEqual(['grade 2 (moderately differentiated']);
    expect(found(text, 'margin').map(([s]) => s)).toEqual(['Staple line margin negative', '12 mm']);
  });
});

describe('pTNM hedge (session 7, round 1)', () => {
  it('reads "at least pT1a" as uncertain', () => {
    expect(found('DIAGNOSIS:\nPreliminary stage: at least pT1a.\n', 'tnm').map(([s, , c]) => [s, c])).toEqual([['pT1a', 'uncertain']]);
  });
});

describe('HER2 ISH result stated after the ratio (session 7, round 1)', () => {
  it('takes "Result: AMPLIFIED" after the ratio\'s sentence as the ISH result, and "positive by ISH" as amplified', () => {
    const text = 'ANCILLARY STUDIES:\nHER2 dual-probe ISH: HER2/CEP17 ratio 2.6; average HER2 copy number 5.5 signals/cell. Result: AMPLIFIED.\n';
    const her2 = found(text, 'her2').map(([s, v]) => [s, (v as { result?: string; ratio?: number }).result, (v as { ratio?: number }).ratio]);
    expect(her2).toEqual([['HER2 dual-probe ISH: HER2/CEP17 ratio 2.6; average HER2 copy number 5.5 signals/cell. Result: AMPLIFIED', 'amplified', 2.6]]);
    expect(found('COMMENT:\nThe tumor is HER2-positive by ISH.\n', 'her2').map(([, v]) => v)).toEqual([{ method: 'ISH', result: 'amplified' }]);
  });
});

describe('family history is not the patient\'s history (session 7, round 1)', () => {
  it('reads a relative\'s cancer as another experiencer, not historical; the patient\'s past cancer stays historical', () => {
    expect(found('CLINICAL HISTORY:\nFamily history: father with prostate cancer.\n', 'primary-site').map(([s, , c]) => [s, c])).toEqual([['prostate', 'other']]);
    expect(found('CLINICAL HISTORY:\nHistory of prostate cancer treated in 2015.\n', 'primary-site').map(([s, , c]) => [s, c])).toEqual([['prostate', 'historical']]);
  });
});

describe('part lines: skin sites, test blocks (session 7, round 1)', () => {
  it('reads a skin site as the part\'s specimen, and not a block sent for biomarkers', () => {
    expect(found('SPECIMENS:\nA. Right heel, wide local excision\n', 'specimen').map(([s]) => s)).toEqual(['Right heel']);
    expect(found('SPECIMENS:\nB. Breast biomarkers (block 2C), core biopsy\n', 'specimen')).toEqual([]);
  });
});

describe('lymph node tables: the header names the count columns (session 7, round 2)', () => {
  it('reads each row in the order the header gives, examined first where it says so', () => {
    const byLevel = 'DIAGNOSIS:\nRegional nodes, by level (examined / positive):\n  Level I (low axilla): 12 / 3\n  Level II: 6 / 0\n';
    expect(found(byLevel, 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['12 / 3', { examined: 12, positive: 3 }],
      ['6 / 0', { examined: 6, positive: 0 }],
    ]);
    const columns = 'NODAL STATIONS:\n Station            Examined     Positive\n Subcarinal          5            1 (macrometastasis)\n Hilar               3            0\n';
    expect(found(columns, 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['5            1', { examined: 5, positive: 1 }],
      ['3            0', { examined: 3, positive: 0 }],
    ]);
    const byStation = 'MEDIASTINAL NODES BY STATION (positive/examined):\n   4L  0/3\n   7   2/5\n';
    expect(found(byStation, 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['0/3', { positive: 0, examined: 3 }],
      ['2/5', { positive: 2, examined: 5 }],
    ]);
  });

  it('does not read a table of other counts', () => {
    expect(found('SIZE TABLE:\n Piece      Length     Width\n A          12         4\n', 'lymph-nodes')).toEqual([]);
  });
});

describe('mismatch repair wording (session 7, round 2)', () => {
  it('reads a sign after a space, an upper-case list sharing "loss of", and a deficient result\'s loss pattern', () => {
    expect(found('IMMUNOHISTOCHEMISTRY:\nMMR IHC: MLH1 +, PMS2 +, MSH2 -. \n', 'mmr').map(([s, v]) => [s, v])).toEqual([
      ['MLH1 +', { protein: 'MLH1', status: 'intact' }],
      ['PMS2 +', { protein: 'PMS2', status: 'intact' }],
      ['MSH2 -', { protein: 'MSH2', status: 'lost' }],
    ]);
    expect(found('COMMENT:\nTHERE IS LOSS OF PMS2 AND MLH1 IN THE TUMOR.\n', 'mmr').map(([s, v]) => [s, v])).toEqual([
      ['LOSS OF PMS2', { protein: 'PMS2', status: 'lost' }],
      ['MLH1', { protein: 'MLH1', status: 'lost' }],
    ]);
    expect(found('MOLECULAR:\nInterpretation: MMR deficient (dMMR), MSH2/MSH6 pattern.\n', 'mmr').map(([s, v]) => [s, v])).toEqual([
      ['MMR deficient', { protein: 'overall', status: 'deficient' }],
      ['MSH2', { protein: 'MSH2', status: 'lost' }],
      ['MSH6 pattern', { protein: 'MSH6', status: 'lost' }],
    ]);
  });

  it('does not read "MLH1 promoter methylation: Absent" as the protein\'s expression', () => {
    expect(found('MOLECULAR:\nMLH1 promoter methylation: Absent.\n', 'mmr')).toEqual([]);
  });
});

describe('PD-L1 scores without the marker named (session 7, round 2)', () => {
  it('reads a TPS as PD-L1 with the clone named before it, not a CPS threshold', () => {
    const text = 'IMMUNOHISTOCHEMISTRY:\nThe 22C3 assay shows TPS 40%.\nComment: CPS >= 5 would favour chemo-immunotherapy.\n';
    expect(found(text, 'pd-l1').map(([s, v]) => [s, v])).toEqual([['TPS 40%', { tps: 40, clone: '22C3' }]]);
  });
});

describe('HER2 wording (session 7, round 2)', () => {
  it('reads an IHC score whose ISH is still pending as IHC', () => {
    expect(found('CLINICAL HISTORY:\nCore biopsy: HER2 equivocal (2+), pending ISH.\n', 'her2').map(([s, v]) => [s, v])).toEqual([
      ['HER2 equivocal (2+), pending', { method: 'IHC', score: '2+', result: 'equivocal' }],
    ]);
  });

  it('reads "IHC 1+/ISH-" as an IHC score and an ISH result', () => {
    expect(found('COMMENT:\nThe carcinoma is HER2-low (IHC 1+/ISH-).\n', 'her2').map(([s, v]) => [s, v])).toEqual([
      ['HER2-low (IHC 1+/ISH-)', { method: 'ISH', result: 'not-amplified' }],
      ['IHC 1+', { method: 'IHC', score: '1+' }],
    ]);
  });

  it('takes "the final result is NEGATIVE (NOT AMPLIFIED)" as the ratio\'s result, and the IHC score a final status restates', () => {
    const text = 'BIOMARKERS:\nHER2 ISH (block B2): HER2/CEP17 ratio 1.6, average HER2 copy number 3.1 signals per cell. Given IHC 2+, the final result is NEGATIVE (NOT AMPLIFIED).\nFinal HER2 status: negative (IHC 2+, ISH not amplified).\n';
    expect(found(text, 'her2').map(([s, v]) => [s, v])).toEqual([
      ['HER2 ISH (block B2): HER2/CEP17 ratio 1.6, average HER2 copy number 3.1 signals per cell. Given IHC 2+, the final result is NEGATIVE (NOT AMPLIFIED', { method: 'ISH', ratio: 1.6, copyNumber: 3.1, result: 'not-amplified' }],
      ['Final HER2 status: negative (IHC 2+, ISH not amplified)', { method: 'ISH', result: 'not-amplified' }],
      ['IHC 2+', { method: 'IHC', score: '2+' }],
    ]);
  });
});

describe('ER / PR wording (session 7, round 2)', () => {
  it('reads "ER/PR negative" for both receptors, and "weakly positive" above 10% as positive', () => {
    expect(found('COMMENT:\nThe tumor is ER/PR negative.\n', 'er').map(([s, v]) => [s, v])).toEqual([['ER/PR negative', { result: 'negative' }]]);
    expect(found('COMMENT:\nThe tumor is ER/PR negative.\n', 'pr').map(([s, v]) => [s, v])).toEqual([['PR negative', { result: 'negative' }]]);
    expect(found('BIOMARKERS:\nESTROGEN RECEPTOR: weakly positive, 40%, weak intensity.\n', 'er').map(([, v]) => v)).toEqual([{ result: 'positive', percent: 40, intensity: 'weak' }]);
    expect(found('BIOMARKERS:\nESTROGEN RECEPTOR: weakly positive, 5%.\n', 'er').map(([, v]) => v)).toEqual([{ result: 'low-positive', percent: 5, intensity: 'weak' }]);
  });

  it('does not take the internal control\'s result for the tumour\'s', () => {
    expect(found('BIOMARKERS:\nProgesterone receptor: negative (0%); internal control positive.\n', 'pr').map(([s, v]) => [s, v])).toEqual([
      ['Progesterone receptor: negative (0%); internal control positive', { result: 'negative', percent: 0 }],
    ]);
  });
});

describe('gene alterations (session 7, round 2)', () => {
  it('reads a stop codon, the NTRK1-3 family, a hypermethylated MLH1 and a negative germline test', () => {
    const text = 'MOLECULAR:\nTP53 p.R213* detected.\nALK, RET, NTRK1-3 fusions: not detected.\nThe tumour is MLH1-hypermethylated.\nGermline BRCA2 negative.\n';
    expect(found(text, 'gene-alteration').map(([s, v, c]) => [s, v, c])).toEqual([
      ['TP53 p.R213*', { gene: 'TP53', proteinChange: 'p.R213*', alteration: 'R213*', detected: true }, ''],
      ['ALK, RET, NTRK1-3 fusions: not detected', { gene: 'ALK', alteration: 'fusion', detected: false }, 'negated'],
      ['ALK, RET, NTRK1-3 fusions: not detected', { gene: 'RET', alteration: 'fusion', detected: false }, 'negated'],
      ['ALK, RET, NTRK1-3 fusions: not detected', { gene: 'NTRK', alteration: 'fusion', detected: false }, 'negated'],
      ['MLH1-hypermethylated', { gene: 'MLH1', alteration: 'promoter hypermethylation', detected: true }, ''],
      ['BRCA2', { gene: 'BRCA2', alteration: 'pathogenic variant', detected: false }, 'negated'],
    ]);
  });
});

describe('tumour size: lower bounds, a mass after a margin distance (session 7, round 2)', () => {
  it('reads "at least" sizes and a mass measured right after a margin distance', () => {
    const text = 'DIAGNOSIS:\nInvasive carcinoma, grade 1, measuring at least 9 mm.\nTumor Size: 2.8 cm (gross); invasive component at least 2.1 cm.\nGROSS:\n2.0 cm from the proximal margin is a 3.2 x 2.5 cm fungating mass.\n';
    expect(found(text, 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm])).toEqual([
      ['carcinoma, grade 1, measuring at least 9 mm', 9],
      ['Tumor Size: 2.8 cm (gross); invasive component at least 2.1 cm', 28],
      ['invasive component at least 2.1 cm', 21],
      ['3.2 x 2.5 cm', 32],
    ]);
  });
});

describe('microsatellite instability wording (session 7, round 2)', () => {
  it('reads histology "suggestive of microsatellite instability" as uncertain MSI-H, and every MSI status of a sentence', () => {
    const text = 'MICROSCOPIC:\nThere are numerous tumor-infiltrating lymphocytes, suggestive of microsatellite instability.\nCOMMENT:\nMSI by PCR may show MSI-L or MSS in such tumors.\n';
    expect(found(text, 'msi')).toEqual([
      ['suggestive of microsatellite instability', { status: 'MSI-H' }, 'uncertain'],
      ['MSI-L', { status: 'MSI-L' }, ''],
      ['MSS', { status: 'MSS' }, ''],
    ]);
  });
});

describe('node counts and HER2 by sequencing (session 7, round 2)', () => {
  it('counts "Number with micrometastasis" as positive nodes', () => {
    expect(found('SYNOPTIC REPORT:\nRegional Lymph Nodes: Number examined: 4; Number with micrometastasis: 1\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['Number examined: 4', { examined: 4 }],
      ['Number with micrometastasis: 1', { positive: 1 }],
    ]);
  });

  it('reads "HER2 (ERBB2) not amplified by NGS" as a gene alteration only, not an ISH result', () => {
    const text = 'MOLECULAR:\nPanel results: HER2 (ERBB2) not amplified by NGS.\n';
    expect(found(text, 'her2')).toEqual([]);
    expect(found(text, 'gene-alteration').map(([s, v, c]) => [s, v, c])).toEqual([['ERBB2) not amplified', { gene: 'ERBB2', alteration: 'amplification', detected: false }, 'negated']]);
  });
});

describe('tests ordered, pelvic sentinel node sides (session 7, round 2)', () => {
  it('reads no alteration from a sentence that only orders tests', () => {
    expect(found('COMMENT:\nReflex KRAS G12C and NRAS testing ordered.\n', 'gene-alteration')).toEqual([]);
    expect(found('COMMENT:\nKRAS G12C detected; NRAS testing ordered.\n', 'gene-alteration').map(([s, v]) => [s, v])).toEqual([['KRAS G12C', { gene: 'KRAS', proteinChange: 'p.G12C', alteration: 'G12C', detected: true }]]);
  });

  it('reads the sides of pelvic sentinel nodes written "SLN", and of a negative sentinel node\'s part line', () => {
    expect(found('GROSS:\nRight pelvic SLN: one node, 0.9 cm.\n', 'laterality').map(([s, v]) => [s, v])).toEqual([['Right', { laterality: 'right' }]]);
    expect(found('DIAGNOSIS:\nB. Right obturator sentinel lymph node: negative for carcinoma (0/2).\n', 'laterality').map(([s, v]) => [s, v])).toEqual([['Right', { laterality: 'right' }]]);
  });
});

describe('primary site at a colonic flexure (session 7, round 2)', () => {
  it('reads "hepatic flexure" near a tumour word as the colon', () => {
    expect(found('GROSS:\nAt the splenic flexure there is a 3 cm ulcerated mass.\n', 'primary-site').map(([s, v]) => [s, v])).toEqual([['splenic flexure', { site: 'splenic flexure', organ: 'colon' }]]);
  });
});

describe('node counts in words with a ratio, counts of containers (session 8, round 3)', () => {
  it('reads a count in words and a ratio after it in the sentence as one statement (rule C1)', () => {
    expect(found('DIAGNOSIS:\nB. Axillary dissection: Eleven lymph nodes, all negative for carcinoma (0/11).\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['Eleven lymph nodes, all negative for carcinoma (0/11)', { positive: 0, examined: 11 }],
    ]);
    expect(found('DIAGNOSIS:\nC. One lymph node with metastatic carcinoma, 4 mm (1/1).\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['One lymph node with metastatic carcinoma, 4 mm (1/1)', { positive: 1, examined: 1 }],
    ]);
    expect(found('DIAGNOSIS:\nB. Micrometastasis in one of three lymph nodes (0.9 mm; 1/3).\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['one of three lymph nodes (0.9 mm; 1/3)', { positive: 1, examined: 3 }],
    ]);
  });

  it('reads nodes the tumour "is present in" as positive, and ", negative for metastatic melanoma" as none positive', () => {
    expect(found('MICROSCOPIC:\nMetastatic adenocarcinoma is present in one peribronchial lymph node.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['one peribronchial lymph node', { positive: 1 }]]);
    expect(found('DIAGNOSIS:\nC. One lymph node, negative for metastatic melanoma.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['One lymph node', { examined: 1 }],
      ['negative for metastatic melanoma', { positive: 0 }],
    ]);
    expect(found('DIAGNOSIS:\nB. One lymph node with a subcapsular metastatic deposit.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['One lymph node', { positive: 1 }]]);
    expect(found('COMMENT:\nAll 12 lymph nodes are therefore negative.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['All 12 lymph nodes are therefore negative', { examined: 12, positive: 0 }]]);
  });

  it('reads no count from "lymph nodes (4)" in a specimen list, but does in the gross and the diagnosis', () => {
    expect(found('SPECIMENS:\n1. Right breast, lumpectomy\n2. Right axillary sentinel lymph nodes (4)\n', 'lymph-nodes')).toEqual([]);
    expect(found('GROSS:\nLeft pelvic lymph nodes (5) are entirely submitted.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['lymph nodes (5)', { examined: 5 }]]);
    expect(found('DIAGNOSIS:\nLeft axillary sentinel lymph nodes (2): negative for metastatic carcinoma.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['lymph nodes (2)', { examined: 2, sentinel: true }]]);
  });
});

describe('specimen parts: metastasis sites, prose after a label (session 8, round 3)', () => {
  it('drops the specimen and procedure of a distant-metastasis part when another part is the primary\'s', () => {
    const text = 'SPECIMENS:\n(1) Left lung, lower lobe, CT-guided core biopsy; (2) Liver, segment 4, core biopsy\n';
    expect(found(text, 'specimen').map(([s]) => s)).toEqual(['Left lung, lower lobe']);
    expect(found(text, 'procedure').map(([s]) => s)).toEqual(['CT-guided core biopsy']);
    expect(found('DIAGNOSIS:\n1. Right breast, core biopsy: invasive carcinoma.\n2. Adrenal gland, left, core biopsy: metastatic carcinoma.\n', 'procedure').map(([s]) => s)).toEqual(['core biopsy']);
  });

  it('keeps a metastasis-site part that is the only specimen', () => {
    expect(found('Specimen: Liver, segment 2, core biopsy\n', 'specimen').map(([s]) => s)).toEqual(['Liver, segment 2']);
  });

  it('reads no part from a sentence that starts inside a line of the specimen list', () => {
    const text = 'Specimens:\n1. Breast, right, core biopsy\n\nClinical history: 60-year-old woman. Sister with breast cancer at 50.\n';
    expect(found(text, 'specimen').map(([s]) => s)).toEqual(['Breast, right']);
  });
});

describe('tumour size: depths, distances, heights and other foci (session 8, round 3)', () => {
  const sizes = (text: string) => found(text, 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm]);
  it('reads no size from a Breslow depth, "invasive to", "extends to within" or "elevated"', () => {
    expect(sizes('MICROSCOPIC:\nA dermal invasive component (0.6 mm Breslow) is present.\n')).toEqual([]);
    expect(sizes('DIAGNOSIS: Nodular melanoma, invasive to 1.2 mm, pT2a.\n')).toEqual([]);
    expect(sizes('MICROSCOPIC:\nMelanoma in situ extends to within 0.4 mm of the peripheral margin.\n')).toEqual([]);
    expect(sizes('GROSS:\nA pigmented papule measuring 1.2 x 1.0 cm and elevated 0.2 cm.\n')).toEqual([['papule measuring 1.2 x 1.0 cm', 12]]);
  });

  it('reads no size of a separate, second or satellite nodule, nor of a tumour bed', () => {
    expect(sizes('GROSS:\nA 3.0 cm mass is present. A separate, firm 0.7 cm nodule is in the lower lobe.\n')).toEqual([['3.0 cm', 30]]);
    expect(sizes('GROSS:\nA second, 0.5 cm nodule is noted in the transition zone.\n')).toEqual([]);
    expect(sizes('CLINICAL HISTORY:\nA 4.0 cm lung mass and a 0.8 cm satellite nodule on CT.\n')).toEqual([['4.0 cm', 40]]);
    expect(sizes('DIAGNOSIS:\nResidual carcinoma, 0.5 cm, within a 2.5 cm tumor bed.\n')).toEqual([['carcinoma, 0.5 cm', 5]]);
    // "measuring up to" is still a size
    expect(sizes('GROSS:\nThe tumor measures up to 2.2 cm.\n')).toEqual([['tumor measures up to 2.2 cm', 22]]);
  });
});

describe('the side of a prostate tumour in prose (session 8, round 3)', () => {
  const sides = (text: string) => found(text, 'laterality').map(([s, v]) => [s, (v as { laterality: string }).laterality]);
  it('reads "right-sided tumor" and a nodule\'s side before or after it', () => {
    expect(sides('MICROSCOPIC:\nThe left-sided tumor is an acinar adenocarcinoma.\n')).toEqual([['left', 'left']]);
    expect(sides('MICROSCOPIC:\nThe right anterior nodule is Gleason 3+3=6.\n')).toEqual([['right', 'right']]);
    expect(sides('DIAGNOSIS:\n- Prostatic adenocarcinoma, dominant nodule left posterior, 1.6 cm.\n')).toEqual([['left', 'left']]);
    // a side-sided margin is not the tumour's side
    expect(sides('DIAGNOSIS:\nThe right-sided margins are free.\n')).toEqual([]);
  });

  it('reads "all on the left", "(all right side)" and "cores, bilateral" after cores or the tumour', () => {
    expect(sides('SUMMARY: Adenocarcinoma in 4 of 12 cores, all on the right; Gleason 3+4=7.\n')).toEqual([['right', 'right']]);
    expect(sides('SUMMARY:\nCores involved: 2 of 12 (all left side).\n')).toEqual([['left', 'left']]);
    expect(sides('CLINICAL HISTORY: Biopsy: adenocarcinoma in 7/12 cores, bilateral.\n')).toEqual([['bilateral', 'bilateral']]);
    expect(sides('DIAGNOSIS:\n- Tumor involves bilateral lobes.\n')).toEqual([['bilateral', 'bilateral']]);
    expect(sides('CLINICAL HISTORY: Radical prostatectomy, nerve sparing on the right.\n')).toEqual([]);
  });

  it('reads no laterality of an adrenal mass (a metastasis site)', () => {
    expect(sides('CLINICAL HISTORY: Lung mass and a 2.0 cm left adrenal mass on PET-CT.\n')).toEqual([]);
  });
});

describe('codon-level and exon results (session 8, round 3)', () => {
  const genes = (text: string) => found(text, 'gene-alteration').map(([, v, c]) => [(v as { gene: string }).gene, (v as { alteration?: string }).alteration, c]);
  it('reads a codon without the amino acid it changes to: "BRAF V600 not detected", "if BRAF V600 mutant"', () => {
    expect(genes('MOLECULAR:\nBRAF V600 not detected.\n')).toEqual([['BRAF', 'V600', 'negated']]);
    expect(genes('COMMENT:\nKRAS G12 mutation detected.\n')).toEqual([['KRAS', 'G12', '']]);
  });

  it('reads "KIT exon 11: no mutation" as a negated KIT mutation (the exon is what was tested)', () => {
    expect(genes('MOLECULAR:\nKIT exon 11: no mutation.\n')).toEqual([['KIT', 'mutation', 'negated']]);
    expect(genes('MOLECULAR:\nEGFR exon 19 deletion: not detected.\n')).toEqual([['EGFR', 'exon 19 deletion', 'negated']]);
  });
});

describe('a margins line naming several margins (session 8, round 3)', () => {
  const statuses = (text: string) => found(text, 'margin').filter(([, v]) => (v as { status?: string }).status).map(([s, v]) => [s, (v as { status: string }).status]);
  it('reads each named margin\'s status; the line\'s status (the whole line) is its first statement\'s', () => {
    expect(statuses('DIAGNOSIS:\nMargins: deep margin CLOSE (0.8 mm); peripheral margins negative (>4 mm).\n')).toEqual([
      ['Margins: deep margin CLOSE (0.8 mm); peripheral margins negative (>4 mm)', 'close'],
      ['peripheral margins negative (>4 mm)', 'negative'],
    ]);
    expect(statuses('SYNOPTIC:\nMargins: Proximal clear, distal clear, radial margin CLEAR at 2 mm (close)\n')).toEqual([
      ['Margins: Proximal clear, distal clear, radial margin CLEAR at 2 mm (close)', 'negative'],
      ['radial margin CLEAR at 2 mm (close)', 'close'],
    ]);
  });

  it('reads a bracketed "(close)" after a distance, and no status from a length of margin', () => {
    expect(statuses('DIAGNOSIS:\n- Surgical margins: negative; tumor is 0.4 mm from the left apical inked margin (close).\n')).toEqual([
      ['Surgical margins: negative; tumor is 0.4 mm from the left apical inked margin (close)', 'negative'],
      ['close', 'close'],
    ]);
    expect(statuses('SYNOPTIC:\nMargins: Positive at right apex; length of positive margin 3 mm\n')).toEqual([['Margins: Positive at right apex; length of positive margin 3 mm', 'positive']]);
  });
});

describe('tumour words that count nodes or title the report (session 8, round 3)', () => {
  const types = (text: string) => found(text, 'histologic-type').map(([s]) => s);
  it('reads no type from the words of a node count', () => {
    expect(types('DIAGNOSIS:\n- Sentinel lymph nodes, left pelvic: 0 of 2 nodes with carcinoma.\n')).toEqual([]);
    expect(types('DIAGNOSIS:\nB. Sentinel lymph nodes: Micrometastatic carcinoma in one of three lymph nodes (1/3).\n')).toEqual([]);
    expect(types('DIAGNOSIS:\n2. PELVIC LYMPH NODES: METASTATIC PROSTATIC ADENOCARCINOMA IN 2/9 NODES.\n')).toEqual([]);
    expect(types('DIAGNOSIS:\nA. Prostate, left base, needle biopsy: Prostatic adenocarcinoma, Gleason 3+4=7.\n')).toEqual(['adenocarcinoma']);
  });

  it('reads no type, site or procedure from the report\'s title', () => {
    const text = 'SURGICAL PATHOLOGY REPORT — MELANOMA, WIDE LOCAL EXCISION\n\nDIAGNOSIS:\nSkin, left calf: residual melanoma in situ.\n';
    expect(types(text)).toEqual(['melanoma in situ']);
    expect(found(text, 'procedure')).toEqual([]);
    expect(found('RADICAL PROSTATECTOMY\n\nDIAGNOSIS:\nProstatic adenocarcinoma.\n', 'procedure')).toEqual([]);
    expect(found('MOLECULAR PATHOLOGY — PROSTATE CANCER (METASTATIC)\nResults: AR amplification detected.\n', 'primary-site')).toEqual([]);
  });
});

describe('benign parts, cores and nodes not received (session 8, round 3)', () => {
  it('drops the specimen and procedure of a benign part when another part holds the tumour', () => {
    const text = 'FINAL DIAGNOSIS:\nA. Prostate, right base, needle biopsy: Benign prostatic tissue.\nB. Prostate, left mid, needle biopsy: Prostatic adenocarcinoma, Gleason 3+3=6.\n';
    expect(found(text, 'specimen').map(([s]) => s)).toEqual(['Prostate, left mid']);
    expect(found(text, 'procedure').map(([s]) => s)).toEqual(['needle biopsy']);
    // a benign part that is the only part stays the specimen
    expect(found('FINAL DIAGNOSIS:\nA. Breast, left, core biopsy: Benign breast tissue with fibrocystic change.\n', 'specimen').map(([s]) => s)).toEqual(['Breast, left']);
  });

  it('reads no node count from a count of biopsy cores', () => {
    expect(found('SUMMARY:\nTotal positive cores: 5 of 12.\n', 'lymph-nodes')).toEqual([]);
  });

  it('reads "no nodes received" and "no lymph nodes submitted" on a specimen line as 0 examined', () => {
    expect(found('DIAGNOSIS:\nOrgan-confined (pT2). pNX (no nodes received).\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['no nodes received', { examined: 0 }]]);
    expect(found('SPECIMEN: Prostate, radical prostatectomy (no lymph nodes submitted)\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['no lymph nodes submitted', { examined: 0 }]]);
  });
});

describe('node stations and a total line with both counts (session 8, round 3)', () => {
  it('reads the ratios of a "STATIONS ..." line and both counts of "Total lymph nodes: 2 positive of 12 examined"', () => {
    expect(found('FINAL DIAGNOSIS:\nB-C. STATIONS 7 AND 10R: NEGATIVE (0/3, 0/2).\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['0/3', { positive: 0, examined: 3 }],
      ['0/2', { positive: 0, examined: 2 }],
    ]);
    expect(found('FINAL DIAGNOSIS:\nTOTAL LYMPH NODES: 2 POSITIVE OF 12 EXAMINED.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['2 POSITIVE OF 12', { positive: 2, examined: 12 }]]);
  });
});

describe('procedures named in a labelled sentence (session 8, round 3)', () => {
  it('reads a past resection in a "Prior history:" or "Clinical history:" sentence, as historical', () => {
    expect(found('Specimens: (1) Left breast, core biopsy\nPrior history: DCIS of the left breast treated with lumpectomy and radiation (2015).\n', 'procedure').map(([s, , c]) => [s, c])).toEqual([
      ['core biopsy', ''],
      ['lumpectomy', 'historical'],
    ]);
  });
});

describe('designations in the gross, counts given per packet (session 8, round 3)', () => {
  it('drops the gross description\'s specimen and procedure when a part designation names the specimen (rule C2)', () => {
    const text = 'SPECIMEN: Left upper lobe, lobectomy\n\nGROSS:\nLeft upper lobe, 18 x 12 x 4 cm, received fresh; a left upper lobectomy specimen.\n';
    expect(found(text, 'specimen').map(([s]) => s)).toEqual(['Left upper lobe']);
    expect(found(text, 'procedure').map(([s]) => s)).toEqual(['lobectomy']);
    // the gross description's designation stays where it is the only one
    expect(found('GROSS:\nProstate with seminal vesicles, 42 g, 4.5 x 4.0 x 3.5 cm.\n', 'specimen').map(([s]) => s)).toEqual(['Prostate']);
  });

  it('reads "8 and 7 nodes" as two counts (rule C3)', () => {
    expect(found('GROSS:\nRight and left pelvic lymph node packets contain 8 and 7 nodes, respectively.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['8', { examined: 8 }],
      ['7 nodes', { examined: 7 }],
    ]);
  });
});

describe('denied history of cancer without an organ (session 8, round 3: rule C7)', () => {
  it('reads "No prior history of malignancy" and "no family history of cancer" as denied types', () => {
    const text = 'CLINICAL HISTORY: 70-year-old man with a rectal mass. No prior history of malignancy. No family history of cancer.\n';
    expect(found(text, 'histologic-type').map(([s, , c]) => [s, c])).toEqual([
      ['No prior history of malignancy', 'negated,historical'],
      ['No family history of cancer', 'negated,other'],
    ]);
    // an organ's cancer is a site statement, not a type
    expect(found('CLINICAL HISTORY: No family history of colon cancer.\n', 'histologic-type')).toEqual([]);
  });
});

describe('procedures in the history and in comments (session 8, round 3: rule C4)', () => {
  const procs = (text: string) => found(text, 'procedure').map(([s, , c]) => [s, c]);
  it('reads "Now wide excision", "Elected bilateral mastectomies", "TURBT 2020" and a tumour "excised in 2017"', () => {
    expect(procs('CLINICAL HISTORY: History of melanoma of the right arm excised in 2016 (pT1a). Now wide excision and sentinel node biopsy.\n')).toEqual([
      ['excised', 'historical'],
      ['wide excision', ''],
    ]);
    expect(procs('CLINICAL HISTORY: Elected bilateral mastectomies with sentinel node biopsies.\n')).toEqual([['bilateral mastectomies', '']]);
    expect(procs('CLINICAL HISTORY: History of bladder urothelial carcinoma (TURBT 2020, pTa), surveilled.\n')).toEqual([['TURBT', 'historical']]);
    expect(procs('DIAGNOSIS:\nMelanoma in situ, completely excised.\n')).toEqual([]);
  });

  it('reads no procedure a comment plans or recommends; marks recommended and infeasible ones', () => {
    expect(procs('COMMENT: A re-excision of the superior margin may be considered clinically.\n')).toEqual([]);
    expect(procs('COMMENT: Re-excision to obtain a clear deep margin is advised.\n')).toEqual([]);
    expect(procs('CLINICAL HISTORY: Poor pulmonary reserve; lobectomy not feasible.\n')).toEqual([['lobectomy', 'negated']]);
  });
});

describe('tumour size before a long run of adjectives (session 8, round 3)', () => {
  it('reads a size four adjectives (one with a slash) before the tumour noun', () => {
    const sizes = (text: string) => found(text, 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm]);
    expect(sizes('CLINICAL HISTORY:\n60-year-old man with a 1.2 cm asymmetric, variegated, raised pigmented lesion on the back.\n')).toEqual([['1.2 cm', 12]]);
    expect(sizes('GROSS:\nA well-circumscribed, tan-yellow, 1.1 x 1.0 x 0.9 cm endobronchial/parenchymal nodule.\n')).toEqual([['1.1 x 1.0 x 0.9 cm', 11]]);
  });
});

describe('carcinoid tumours (session 8, round 3)', () => {
  it('reads "Typical carcinoid tumor (ICD-O-3 8240/3)" and "carcinoid tumor, favor typical" as types', () => {
    expect(found('DIAGNOSIS:\nTypical carcinoid tumor (ICD-O-3 8240/3), 1.3 cm.\n', 'histologic-type').map(([s, v]) => [s, v])).toEqual([['Typical carcinoid tumor (ICD-O-3 8240/3)', { name: 'typical carcinoid tumor', icdO3: '8240/3' }]]);
    expect(found('CLINICAL HISTORY: Biopsy: carcinoid tumor, favor typical.\n', 'histologic-type').map(([s]) => s)).toEqual(['carcinoid tumor']);
  });
});

describe('margins and invasion wording (session 8, round 3)', () => {
  it('reads a margins statement with a long bracketed list, and distances listed after "margins are free:"', () => {
    expect(found('DIAGNOSIS:\n5. MARGINS (BRONCHIAL, VASCULAR, PARENCHYMAL) NEGATIVE.\n', 'margin').map(([s, v]) => [s, v])).toEqual([['MARGINS (BRONCHIAL, VASCULAR, PARENCHYMAL) NEGATIVE', { status: 'negative' }]]);
    expect(found('DIAGNOSIS:\nAll margins are free: peripheral 12 mm, deep 7 mm.\n', 'margin').map(([s, v]) => [s, v])).toEqual([
      ['All margins are free', { status: 'negative' }],
      ['12 mm', { distanceMm: 12 }],
      ['7 mm', { distanceMm: 7 }],
    ]);
  });

  it('reads "tumor surrounds a nerve" as perineural invasion and "no lymphovascular or visceral pleural invasion" as denied LVI', () => {
    expect(found('MICROSCOPIC:\nTumor surrounds a nerve in core B2.\n', 'perineural-invasion').map(([s, v]) => [s, v])).toEqual([['Tumor surrounds a nerve', { status: 'present' }]]);
    expect(found('MICROSCOPIC:\nTumor cells surround and infiltrate multiple nerves in the deep dermis.\n', 'perineural-invasion').map(([s]) => s)).toEqual(['Tumor cells surround and infiltrate multiple nerves']);
    expect(found('DIAGNOSIS:\nNo lymphovascular or visceral pleural invasion; no STAS.\n', 'lymphovascular-invasion').map(([s, v, c]) => [s, v, c])).toEqual([['lymphovascular', { status: 'absent' }, 'negated']]);
  });
});

describe('MMR proteins in a bracketed list (session 8, round 4)', () => {
  it('gives each protein of "(MLH1, PMS2, MSH2, MSH6)" the status stated before the bracket or after its label', () => {
    const mmr = (text: string) => found(text, 'mmr').map(([s, v]) => [s, v]);
    expect(mmr('IMMUNOHISTOCHEMISTRY:\nMismatch repair: all four proteins preserved (MLH1, PMS2, MSH2, MSH6).\n')).toEqual([
      ['MLH1', { protein: 'MLH1', status: 'intact' }],
      ['PMS2', { protein: 'PMS2', status: 'intact' }],
      ['MSH2', { protein: 'MSH2', status: 'intact' }],
      ['MSH6', { protein: 'MSH6', status: 'intact' }],
    ]);
    expect(mmr('Prior biopsy: MMR proteins all expressed (MLH1, PMS2, MSH2, MSH6); microsatellite stable.\n').map(([, v]) => (v as { status: string }).status)).toEqual(['intact', 'intact', 'intact', 'intact']);
    expect(mmr('IHC:\nMMR proteins (MLH1, PMS2): nuclear expression lost.\n')).toEqual([
      ['MLH1', { protein: 'MLH1', status: 'lost' }],
      ['PMS2', { protein: 'PMS2', status: 'lost' }],
    ]);
  });
});

describe('UK dataset lines with dotted leaders (session 8, round 4)', () => {
  const text = [
    'DATASET',
    'Side ............................ Right',
    'Site of tumour .................. Sigmoid colon',
    'Invasive tumour type ............ No special type',
    'Maximum tumour diameter ......... 31 mm',
    'Residual tumour size ............ 12 x 8 mm',
    'Invasive grade .................. 3 (T3 P3 M2)',
    'Differentiation ................. Poor',
    '',
  ].join('\n');
  it('reads side, site, type, sizes and grades from their labels', () => {
    expect(found(text, 'laterality').map(([s, v]) => [s, v])).toEqual([['Side ............................ Right', { laterality: 'right' }]]);
    expect(found(text, 'primary-site').map(([, v]) => (v as { organ?: string }).organ)).toEqual(['colon']);
    expect(found(text, 'histologic-type').map(([s, v]) => [s, (v as { name: string }).name])).toEqual([['Invasive tumour type ............ No special type', 'invasive carcinoma of no special type']]);
    expect(found(text, 'tumor-size').map(([, v]) => (v as { greatestDimensionMm: number }).greatestDimensionMm)).toEqual([31, 12]);
    expect(found(text, 'grade').map(([, v]) => (v as { grade: number }).grade)).toEqual([3, 3]);
  });
  it('leaves a stated grade line as it was read before and ignores a Gleason line', () => {
    expect(found('SUMMARY\nHistologic grade: G2\n', 'grade').map(([, v]) => v)).toEqual([{ grade: 2, system: 'G' }]);
    expect(found('SUMMARY\nDifferentiation ....... Not applicable\n', 'grade')).toEqual([]);
  });
});

describe('Quick (Allred) score written out of 8 (session 8, round 4)', () => {
  it('reads "ER 8/8 (Quick/Allred score), PR 2/8" as Allred scores with the status they imply', () => {
    const text = 'Receptors: ER 8/8 (Quick/Allred score), PR 2/8, HER2 1+.\n';
    expect(found(text, 'er').map(([s, v]) => [s, v])).toEqual([['ER 8/8 (Quick/Allred score)', { allred: 8, result: 'positive' }]]);
    expect(found(text, 'pr').map(([s, v]) => [s, v])).toEqual([['PR 2/8', { allred: 2, result: 'negative' }]]);
  });
});

describe('node counts in British wording (session 8, round 4)', () => {
  const nodes = (text: string) => found(text, 'lymph-nodes').map(([s, v]) => [s, v]);
  it('reads "N nodes contain metastatic ..." as positive and "LNs" as nodes', () => {
    expect(nodes('MICRO:\nThree nodes contain metastatic carcinoma.\n')).toEqual([['Three nodes', { positive: 3 }]]);
    expect(nodes('MACRO:\nSpecimen 20 cm. 14 LNs found.\n')).toEqual([['14 LNs', { examined: 14 }]]);
  });
  it('reads "Both sentinel nodes are free of tumour" and "All nodes negative"', () => {
    expect(nodes('MICRO:\nBoth sentinel nodes are free of tumour on levels.\n')).toEqual([
      ['Both sentinel nodes', { examined: 2, sentinel: true }],
      ['free of tumour', { positive: 0, sentinel: true }],
    ]);
    expect(nodes('MICRO:\nNo venous invasion. All nodes negative.\n')).toEqual([['All nodes negative', { positive: 0 }]]);
  });
});

describe('"margins of resection" (session 8, round 4)', () => {
  it('reads "Margins of resection uninvolved" and "margins of excision are clear"', () => {
    expect(found('DIAGNOSIS:\nMargins of resection uninvolved.\n', 'margin').map(([s, v]) => [s, v])).toEqual([['Margins of resection uninvolved', { status: 'negative' }]]);
    expect(found('DIAGNOSIS:\nThe margins of excision are clear.\n', 'margin').map(([, v]) => v)).toEqual([{ status: 'negative' }]);
  });
});

describe('POLE subtype restatements (session 8, round 4: rule C6)', () => {
  it('reads "-> POLE-mutant" after a result line and "Diagnosis of POLEmut ...", not "(POLEmut)" or a FIGO stage string', () => {
    const genes = (text: string) => found(text, 'gene-alteration').map(([s, v]) => [s, (v as { alteration?: string }).alteration]);
    expect(genes('MOLECULAR:\nPOLE (NGS): pathogenic variant p.P286R detected -> POLE-mutant (POLEmut) subtype.\n')).toEqual([
      ['POLE (NGS): pathogenic variant p.P286R detected -> POLE-mutant (POLEmut) subtype', 'P286R'],
      ['POLE-mutant', 'mutation'],
    ]);
    expect(genes('COMMENT:\nIn summary, POLEmut endometrioid carcinoma. FIGO 2023 stage IAm-POLEmut.\n')).toEqual([['POLEmut', 'mutation']]);
  });
});

describe('resection abbreviations in the history (session 8, round 4: rule C4)', () => {
  it('reads TME, TLH and TAH-BSO as procedures (capitals only)', () => {
    const procedures = (text: string) => found(text, 'procedure').map(([s, v, c]) => [s, (v as { procedure: string }).procedure, c]);
    expect(procedures('CLINICAL HISTORY:\nPlan: laparoscopic TME with ileostomy. Remote TAH-BSO for fibroids.\n')).toEqual([
      ['TME', 'total mesorectal excision', ''],
      ['TAH-BSO', 'hysterectomy', ''],
    ]);
    expect(procedures('CLINICAL HISTORY:\nEndometrial biopsy: carcinoma. TLH + BSO.\n').map(([s]) => s)).toEqual(['TLH']);
    expect(procedures('CLINICAL HISTORY:\nThe tme and lar were discussed.\n')).toEqual([]);
  });
});

describe('vessel invasion wording (session 8, round 4)', () => {
  it('reads "Venous invasion: extramural, present" and "No lymphatic, vascular or pleural invasion"', () => {
    expect(found('MICRO:\nPNI present. Venous invasion: extramural, present.\n', 'lymphovascular-invasion').map(([s, v]) => [s, v])).toEqual([['Venous invasion: extramural, present', { status: 'present' }]]);
    expect(found('MICRO:\nNo lymphatic, vascular or pleural invasion; no STAS.\n', 'lymphovascular-invasion').map(([s, v, c]) => [s, v, c])).toEqual([['lymphatic, vascular or pleural invasion', { status: 'absent' }, 'negated']]);
  });
});

describe('"Lymph nodes: None submitted" (session 8, round 4)', () => {
  it('reads no nodes submitted as 0 examined, also where the next line joins the sentence', () => {
    expect(found('SUMMARY:\nMargin: Clear, 8 mm\nLymph nodes: None submitted\npT1a pNX\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([['Lymph nodes: None submitted', { examined: 0 }]]);
  });
});

describe('polyp sizes (session 8, round 4)', () => {
  it('does not read the size of a polyp (even a malignant one) as the tumour size, but reads a polypoid tumour and the invasive focus', () => {
    const sizes = (text: string) => found(text, 'tumor-size').map(([s, v]) => [s, (v as { greatestDimensionMm: number }).greatestDimensionMm]);
    expect(sizes('CLINICAL HISTORY:\nColonoscopy: 25 mm pedunculated polyp in the sigmoid colon at 30 cm.\n')).toEqual([]);
    expect(sizes('DIAGNOSIS:\nAdenocarcinoma arising in a tubulovillous adenoma.\n- Polyp 2.5 x 1.8 x 1.2 cm; invasive focus 4 mm.\n')).toEqual([['focus 4 mm', 4]]);
    expect(sizes('GROSS:\nThe cavity contains a polypoid tan tumor measuring 3.1 x 2.0 x 1.0 cm.\n')).toEqual([['tumor measuring 3.1 x 2.0 x 1.0 cm', 31]]);
  });
});

describe('"bowel cancer" and "FH of" (session 8, round 4)', () => {
  it('reads "bowel cancer" as the colon (not the small bowel, not the bowel wall) and "FH of" as a relative\'s history', () => {
    const sites = (text: string) => found(text, 'primary-site').map(([s, v, c]) => [s, (v as { organ?: string }).organ, c]);
    expect(sites('CLINICAL HISTORY:\nNo FH of bowel cancer.\n')).toEqual([['bowel', 'colon', 'negated,other']]);
    expect(sites('CLINICAL HISTORY:\nUncle with "bowel cancer" at 60.\n')).toEqual([['bowel', 'colon', 'other']]);
    expect(sites('CLINICAL HISTORY:\nSmall bowel tumour excluded on CT. Bowel wall thickened by tumour.\n')).toEqual([]);
  });
});

describe('counts by nodal station (session 8, round 4)', () => {
  const nodes = (text: string) => found(text, 'lymph-nodes').map(([s, v]) => [s, v]);
  it('reads "(station 10L: two; station 11L: three)" and "1 of 2 station 10L and 1 of 3 station 11L lymph nodes"', () => {
    expect(nodes('GROSS:\nHilar nodes are dissected (station 10R: four; station 11R: one).\n')).toEqual([
      ['four', { examined: 4 }],
      ['one', { examined: 1 }],
    ]);
    expect(nodes('DIAGNOSIS:\nMetastatic carcinoma in 2 of 4 station 7 and 0 of 2 station 4R lymph nodes.\n')).toEqual([
      ['2 of 4', { positive: 2, examined: 4 }],
      ['0 of 2', { positive: 0, examined: 2 }],
    ]);
  });
});

describe('margins after therapy and along the mucosa (session 8, round 4)', () => {
  it('reads distances from a "scar-like lesion" (the tumour after therapy) but not from a biopsy scar', () => {
    const distances = (text: string) => found(text, 'margin').map(([s, v]) => [s, (v as { distanceMm?: number }).distanceMm]);
    expect(distances('GROSS:\nUlcerated scar-like lesion 25 x 18 mm, 40 mm from the distal resection margin.\n')).toEqual([['40 mm from the distal resection margin', 40]]);
    expect(distances('GROSS:\nThe biopsy scar is 11 mm from the deep margin.\n')).toEqual([]);
  });
  it('reads "extends along the bronchial mucosa to the bronchial resection margin" as involved, not "to within 1 mm of"', () => {
    expect(found('MICRO:\nCarcinoma in situ extends along the bronchial mucosa to the bronchial resection margin.\n', 'margin').map(([s, v]) => [s, v])).toEqual([['extends along the bronchial mucosa to the bronchial resection margin', { status: 'positive' }]]);
    expect(found('MICRO:\nTumour extends into fat to within 1 mm of the CRM.\n', 'margin').map(([, v]) => v)).toEqual([{ distanceMm: 1 }]);
  });
});

describe('prostate core extent in a table (session 8, round 4)', () => {
  it('does not read "4 mm / 30%" (linear extent of carcinoma in a core and its percentage) as a tumour size', () => {
    expect(found('DIAGNOSIS:\nE  Left mid   2   Adenocarcinoma, acinar   3+4=7   2   4 mm / 30%\n', 'tumor-size')).toEqual([]);
    expect(found('GROSS:\nA tumour measuring 14 mm is present.\n', 'tumor-size').map(([s]) => s)).toEqual(['tumour measuring 14 mm']);
  });
});

describe('PD-L1 score stated with "is" (session 8, round 4)', () => {
  it('reads "The correct TPS is 50%" and "The CPS was 12"', () => {
    expect(found('ADDENDUM:\nThe correct TPS is 50%. The CPS was 12.\n', 'pd-l1').map(([s, v]) => [s, v])).toEqual([
      ['TPS is 50%', { tps: 50 }],
      ['CPS was 12', { cps: 12 }],
    ]);
  });
});

describe('a part label before a count in words and digits (session 8, round 4: rule C1)', () => {
  it('reads "B. Right pelvic lymph nodes: six benign lymph nodes (0/6)" as one statement, "Lymph nodes: 3 identified" as before', () => {
    const nodes = (text: string) => found(text, 'lymph-nodes').map(([s, v]) => [s, v]);
    expect(nodes('DIAGNOSIS:\nB. Right pelvic lymph nodes: seven benign lymph nodes (0/7).\n')).toEqual([['seven benign lymph nodes (0/7)', { positive: 0, examined: 7 }]]);
    expect(nodes('GROSS:\nLymph nodes: 3 identified.\n')).toEqual([['nodes: 3 identified', { examined: 3 }]]);
  });
});

describe('denied tumour in a part (session 9)', () => {
  it('reads a list ending in malignancy and "no tumour identified" as a denied type, not a denial of spread', () => {
    const types = (text: string) => found(text, 'histologic-type').map(([s, , flags]) => [s, flags]);
    expect(types('DIAGNOSIS:\nC. ESOPHAGUS, BIOPSIES: NEGATIVE FOR INTESTINAL METAPLASIA, DYSPLASIA AND MALIGNANCY.\n')).toEqual([['NEGATIVE FOR INTESTINAL METAPLASIA, DYSPLASIA AND MALIGNANCY', 'negated']]);
    expect(types('DIAGNOSIS:\nA. Bronchial mucosa with squamous metaplasia. No invasive malignancy.\n')).toEqual([['No invasive malignancy', 'negated']]);
    expect(types('DIAGNOSIS:\nD. OMENTUM: NO TUMOR IDENTIFIED.\n')).toEqual([['NO TUMOR IDENTIFIED', 'negated']]);
    expect(types('DIAGNOSIS:\nNo residual viable tumour identified in the tumour bed.\n')).toEqual([['No residual viable tumour identified', 'negated']]);
    expect(types('MICROSCOPIC:\nNo residual tumour is seen in the mesorectal fat.\n')).toEqual([]);
  });
});

describe('a plan that depends on MLH1 methylation (session 9)', () => {
  it('reads "if methylation is absent" after an MLH1 methylation test as a denied, hypothetical MLH1 promoter hypermethylation', () => {
    const genes = (text: string) => found(text, 'gene-alteration').map(([s, v, flags]) => [s, v, flags]);
    const value = { gene: 'MLH1', alteration: 'promoter hypermethylation', detected: false };
    expect(genes('COMMENT:\nMLH1 promoter methylation testing has been requested; if methylation is absent, referral to genetics is advised.\n')).toContainEqual(['if methylation is absent', value, 'negated,hypothetical']);
    expect(genes('COMMENT:\nMLH1 promoter methylation analysis: pending; if unmethylated, germline testing would be indicated.\n')).toEqual([['if unmethylated', value, 'negated,hypothetical']]);
    // no MLH1 methylation test named before: nothing to read the condition against
    expect(genes('COMMENT:\nIf methylation is absent, genetics referral is advised.\n')).toEqual([]);
  });
});

describe('needle aspiration procedures (session 9)', () => {
  it('reads TBNA, FNA and "transbronchial needle aspiration (radial EBUS)" on part lines as the procedure', () => {
    const procs = (text: string) => found(text, 'procedure').map(([s]) => s);
    expect(procs('SPECIMENS:\n4. Left upper lobe mass, transbronchial needle aspiration (radial EBUS)\n')).toEqual(['transbronchial needle aspiration (radial EBUS)']);
    expect(procs('DIAGNOSIS:\n4. Left upper lobe mass, TBNA: NON-SMALL CELL CARCINOMA.\n')).toEqual(['TBNA']);
    expect(procs('Specimen: EBUS-guided FNA, station 11L (4 passes)\n')).toEqual(['EBUS-guided FNA']);
  });
});

describe('WLE, and a part line that names the procedure first (session 9)', () => {
  it('reads WLE as a wide local excision in prose and on part lines, and the site words after a leading procedure as the specimen', () => {
    expect(found('CLINICAL HISTORY:\nPast history of left breast DCIS 2019 (WLE + RT).\n', 'procedure').map(([s, v, flags]) => [s, v, flags])).toEqual([['WLE', { procedure: 'wide local excision' }, 'historical']]);
    expect(found('SPECIMENS:\nA. WLE left parietal scalp (stitch 12 o\'clock)\n', 'procedure').map(([s]) => s)).toEqual(['WLE']);
    expect(found('SPECIMENS:\nA. WLE left parietal scalp (stitch 12 o\'clock)\n', 'specimen').map(([s]) => s)).toEqual(['left parietal scalp']);
  });
});

describe('sides written as R / L and "left > right" (session 9)', () => {
  it('reads a capital R / L before a site word as the side (not before the axilla, not in a quoted container label), and "left > right" as bilateral', () => {
    const sides = (text: string) => found(text, 'laterality').map(([s, v]) => [s, (v as { laterality: string }).laterality]);
    expect(sides('CLINICAL NOTES:\n44F, palpable R breast lump 10 o\'clock. Enlarged R axillary node.\n')).toEqual([['R', 'right']]);
    expect(sides('CLINICAL HISTORY:\nPrevious SCC excised from R ear 2021, lentigo maligna L cheek 2018.\n')).toEqual([['R', 'right'], ['L', 'left']]);
    expect(sides('GROSS:\nA. Labelled "R breast 10 o\'clock core": four cores.\n')).toEqual([]);
    expect(sides('DIAGNOSIS:\nGleason 4+3=7 (Grade Group 3) in 5 of 14 cores, left > right.\n')).toEqual([['left > right', 'bilateral']]);
  });
});

describe('node counts by station or level without the word "node" (session 9)', () => {
  it('reads "Levels 2R/4R 0/4; level 7 0/2; level 11R 1/2" as counts', () => {
    expect(found('MICROSCOPIC:\nLevels 2R/4R 0/4; level 7 0/2; level 11R 1/2.\n', 'lymph-nodes').map(([s, v]) => [s, v])).toEqual([
      ['0/4', { positive: 0, examined: 4 }],
      ['0/2', { positive: 0, examined: 2 }],
      ['1/2', { positive: 1, examined: 2 }],
    ]);
    expect(found('MICROSCOPIC:\nKi-67 index 10/100 cells.\n', 'lymph-nodes')).toEqual([]);
  });
});

describe('a yes/no answer to "margin involved" (session 9)', () => {
  it('reads "CRM involved ...... No" as a negative margin and "Margins involved: Yes" as a positive one', () => {
    expect(found('SUMMARY:\nCRM involved ............................. No\n', 'margin').map(([, v]) => v)).toEqual([{ status: 'negative' }]);
    expect(found('SUMMARY:\nMargins involved: Yes (deep)\n', 'margin').map(([, v]) => v)).toEqual([{ status: 'positive' }]);
  });
});

describe('a sentence that opens on a past episode (session 9)', () => {
  it('makes what it says historical up to a turn to the present, not an earlier sample of the current tumour', () => {
    const flagsOf = (text: string, kind: FindingKind) => found(text, kind).map(([s, , flags]) => [s, flags]);
    const history = 'CLINICAL INFORMATION:\nPrior right upper lobe adenocarcinoma, lobectomy 2020 (pT1b pN0), no recurrence.\n';
    expect(flagsOf(history, 'histologic-type')).toEqual([['adenocarcinoma', 'historical']]);
    expect(flagsOf(history, 'tnm')).toEqual([['pT1b', 'historical'], ['pN0', 'historical']]);
    const turn = 'CLINICAL INFORMATION:\nPrevious left breast carcinoma treated by lumpectomy (2015), now with a new mass in the left breast.\n';
    expect(flagsOf(turn, 'laterality')).toEqual([['left', 'historical'], ['left', '']]);
    expect(flagsOf('CLINICAL INFORMATION:\nPrior biopsy showed invasive ductal carcinoma.\n', 'histologic-type')).toEqual([['invasive ductal carcinoma', '']]);
  });
});

describe('protein changes with three-letter amino acids (session 9)', () => {
  it('reads "p.(Arg681*)" as R681* and "p.Gly12Cys" as G12C', () => {
    const genes = (text: string) => found(text, 'gene-alteration').map(([, v]) => [(v as { alteration: string }).alteration, (v as { proteinChange?: string }).proteinChange]);
    expect(genes('MOLECULAR:\nNF1 c.2041C>T p.(Arg681*) nonsense variant - detected.\n')).toEqual([['R681*', 'p.R681*']]);
    expect(genes('MOLECULAR:\nKRAS c.34G>T p.Gly12Cys detected.\n')).toEqual([['G12C', 'p.G12C']]);
  });
});

describe('lymphangiosis and haemangiosis (session 9)', () => {
  it('reads "Lymphangiosis carcinomatosa and haemangiosis present" as lymphovascular invasion, and its denial', () => {
    expect(found('MICROSCOPY:\nLymphangiosis carcinomatosa and haemangiosis present (L1, V1).\n', 'lymphovascular-invasion').map(([s, v, flags]) => [s, v, flags])[0]).toEqual(['Lymphangiosis carcinomatosa and haemangiosis present', { status: 'present' }, '']);
    expect(found('MICROSCOPY:\nNo lymphangiosis carcinomatosa.\n', 'lymphovascular-invasion').map(([, , flags]) => flags)).toEqual(['negated']);
  });
});
