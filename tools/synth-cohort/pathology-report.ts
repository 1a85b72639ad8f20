// One SYNTHETIC patient's surgical pathology report (plain text): a short narrative diagnosis and a CAP-style
// synoptic section, stating the findings libs/pathology extracts — Nottingham grade, lymphovascular invasion,
// margins, ER/PR (percent), HER2 (IHC score), Ki-67. Tumour size is left out on purpose: lesion size is the imaging
// modality's signal (README.md, "What each modality carries").
import type { SyntheticPatient } from './generative-model';

/** The first line of every generated report. */
export const SYNTHETIC_REPORT_HEADER = 'SYNTHETIC PATHOLOGY REPORT (tools/synth-cohort): generated text, no real patient.';

/** Nottingham component scores (tubules, nuclei, mitoses) that add up to a score of the given grade. */
const NOTTINGHAM: Record<1 | 2 | 3, [number, number, number]> = { 1: [2, 2, 1], 2: [3, 2, 2], 3: [3, 3, 3] };

export function syntheticPathologyReport(p: SyntheticPatient): string {
  const c = p.clinical;
  const path = p.pathology;
  const [tubules, nuclei, mitoses] = NOTTINGHAM[path.grade];
  const score = tubules + nuclei + mitoses;
  const er = c.erPositive ? `Positive, ${path.erPercent}% of tumor cells, strong intensity` : 'Negative (0% of tumor cells)';
  const pr = c.prPositive ? `Positive, ${path.prPercent}%, moderate intensity` : 'Negative (0% of tumor cells)';
  const her2 = path.her2Score === '3+' ? 'Positive (Score 3+)' : `Negative (Score ${path.her2Score})`;
  const lviNarrative = path.lvi ? 'Lymphovascular invasion is present.' : 'No lymphovascular invasion is identified.';
  return [
    SYNTHETIC_REPORT_HEADER,
    'SURGICAL PATHOLOGY REPORT',
    `Accession: SYN-${p.id}          Collected: ${c.diagnosisDate}`,
    '',
    'CLINICAL HISTORY:',
    `${c.age}-year-old ${c.sex === 'female' ? 'woman' : 'man'} with a breast mass.`,
    '',
    'SPECIMEN:',
    'A. Left breast, lumpectomy',
    '',
    'FINAL DIAGNOSIS:',
    'A. LEFT BREAST, LUMPECTOMY:',
    `- INVASIVE DUCTAL CARCINOMA, NOTTINGHAM GRADE ${path.grade} (TUBULES ${tubules}, NUCLEI ${nuclei}, MITOSES ${mitoses}; TOTAL SCORE ${score}/9).`,
    `- ${lviNarrative}`,
    `- Margins negative for invasive carcinoma; closest margin ${path.marginMm} mm (anterior).`,
    '',
    'SYNOPTIC REPORT (CAP Breast Template):',
    'Specimen: Left breast',
    'Procedure: Lumpectomy',
    'Laterality: Left',
    'Histologic Type: Invasive carcinoma of no special type (ductal)',
    `Histologic Grade (Nottingham): Grade ${path.grade}`,
    `Lymphovascular Invasion: ${path.lvi ? 'Present' : 'Not identified'}`,
    `Margins: Negative for invasive carcinoma; distance from closest margin ${path.marginMm} mm`,
    `Estrogen Receptor (ER): ${er}`,
    `Progesterone Receptor (PR): ${pr}`,
    `HER2 (by immunohistochemistry): ${her2}`,
    `Ki-67: ${path.ki67Percent}%`,
    '',
  ].join('\n');
}
