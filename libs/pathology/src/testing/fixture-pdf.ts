import { writeMinimalPdf } from './minimal-pdf';

/** The lines of fixtures/lung-wedge-resection.pdf (synthetic); the committed PDF is writeMinimalPdf([these]). */
export const LUNG_WEDGE_PDF_LINES: readonly string[] = [
  'SURGICAL PATHOLOGY REPORT',
  'Accession: SYN26-00606          Collected: 2026-06-01',
  'Synthetic report written for OncoBoard tests; no real patient.',
  'FINAL DIAGNOSIS:',
  'LUNG, LEFT LOWER LOBE, WEDGE RESECTION:',
  '- SQUAMOUS CELL CARCINOMA, MODERATELY DIFFERENTIATED (8070/3).',
  '- TUMOR SIZE: 1.8 CM.',
  '- MARGINS NEGATIVE FOR CARCINOMA.',
  '- pT1b pN0 (AJCC 8th edition).',
  'BIOMARKER RESULTS:',
  'PD-L1 (SP263): Tumor Proportion Score (TPS) <1%',
  'EGFR: No mutation detected.',
];

export function lungWedgePdf(): Uint8Array {
  return writeMinimalPdf([LUNG_WEDGE_PDF_LINES]);
}
