/**
 * Cancer types for on-label matching: a small, committed slice of the Human Disease Ontology (DO, CC0,
 * disease-ontology.org) — the DOIDs CIViC 01-Aug-2021 uses most, each with its is_a parent — and the condition codes
 * a patient's record carries (ICD-10 C-codes, SNOMED CT disorders; DOIDs as such) mapped onto it.
 *
 * What this table is and is not:
 * - Parents follow DO's is_a links for the site/histology chains that matter for on-label decisions (lung → lung
 *   carcinoma → NSCLC → lung adenocarcinoma; breast cancer → its receptor subtypes; colorectal → colon/rectum;
 *   melanoma → skin/uveal melanoma; leukemias...). DO's grouping terms between a site and "cancer"
 *   (e.g. "organ system cancer") are left out: a site links straight to DOID:162 "cancer".
 * - "Solid Tumor" has no DOID in CIViC; it is kept here as the pseudo-term `solid-tumor` (parent: cancer) above every
 *   non-hematologic site, so "Solid Tumor" evidence counts as on-label for a solid cancer and not for a leukemia.
 * - A DOID not in this table is compared by identity only (same DOID = same disease); its ancestry is unknown.
 * - Codes: ICD-10 C-codes by prefix (longest wins; ICD-10 has no histology, so C34 → lung cancer, not NSCLC);
 *   SNOMED CT by exact code, including the codes Synthea writes. "Suspected lung cancer" (162573006, a situation) and
 *   carcinoma in situ codes are deliberately not mapped: they are not an invasive cancer diagnosis.
 */

export const CANCER_DOID = 'DOID:162';
export const SOLID_TUMOR = 'solid-tumor';

/** [id, name, parent, synonyms] */
type Row = readonly [id: string, name: string, parent: string | null, synonyms?: readonly string[]];

const SOLID = SOLID_TUMOR;
const HEME = 'DOID:2531';

const ROWS: readonly Row[] = [
  ['DOID:162', 'Cancer', null, ['malignant neoplasm', 'malignancy']],
  [SOLID, 'Solid Tumor', 'DOID:162', ['solid tumour', 'solid cancer']],
  // lung
  ['DOID:1324', 'Lung Cancer', SOLID, ['lung neoplasm', 'malignant neoplasm of lung']],
  ['DOID:3905', 'Lung Carcinoma', 'DOID:1324'],
  ['DOID:3908', 'Lung Non-small Cell Carcinoma', 'DOID:3905', ['non-small cell lung cancer', 'non-small cell lung carcinoma', 'nsclc']],
  ['DOID:3910', 'Lung Adenocarcinoma', 'DOID:3908', ['adenocarcinoma of lung']],
  ['DOID:3907', 'Lung Squamous Cell Carcinoma', 'DOID:3908', ['squamous cell carcinoma of lung']],
  ['DOID:5409', 'Lung Small Cell Carcinoma', 'DOID:3905', ['small cell lung cancer', 'sclc', 'small cell carcinoma of lung']],
  // breast
  ['DOID:1612', 'Breast Cancer', SOLID, ['malignant neoplasm of breast', 'malignant tumor of breast']],
  ['DOID:3459', 'Breast Carcinoma', 'DOID:1612'],
  ['DOID:3458', 'Breast Adenocarcinoma', 'DOID:3459'],
  ['DOID:0060079', 'Her2-receptor Positive Breast Cancer', 'DOID:1612', ['her2-positive breast cancer', 'her2 positive breast cancer']],
  ['DOID:0060075', 'Estrogen-receptor Positive Breast Cancer', 'DOID:1612', ['er-positive breast cancer']],
  ['DOID:0060081', 'Triple-receptor Negative Breast Cancer', 'DOID:1612', ['triple-negative breast cancer', 'tnbc']],
  // colorectal
  ['DOID:9256', 'Colorectal Cancer', SOLID, ['crc', 'colorectal carcinoma']],
  ['DOID:0050861', 'Colorectal Adenocarcinoma', 'DOID:9256'],
  ['DOID:219', 'Colon Cancer', 'DOID:9256', ['malignant tumor of colon', 'malignant neoplasm of colon']],
  ['DOID:1520', 'Colon Carcinoma', 'DOID:219'],
  ['DOID:234', 'Colon Adenocarcinoma', 'DOID:1520'],
  ['DOID:1993', 'Rectum Cancer', 'DOID:9256', ['rectal cancer']],
  // skin / melanoma
  ['DOID:1909', 'Melanoma', SOLID, ['malignant melanoma']],
  ['DOID:8923', 'Skin Melanoma', 'DOID:1909', ['cutaneous melanoma', 'malignant melanoma of skin']],
  ['DOID:6039', 'Uveal Melanoma', 'DOID:1909'],
  ['DOID:2513', 'Basal Cell Carcinoma', SOLID],
  // prostate
  ['DOID:10283', 'Prostate Cancer', SOLID, ['malignant tumor of prostate', 'malignant neoplasm of prostate']],
  ['DOID:10286', 'Prostate Carcinoma', 'DOID:10283'],
  ['DOID:2526', 'Prostate Adenocarcinoma', 'DOID:10286'],
  // other solid sites CIViC uses
  ['DOID:9253', 'Gastrointestinal Stromal Tumor', SOLID, ['gist']],
  ['DOID:2394', 'Ovarian Cancer', SOLID],
  ['DOID:4001', 'Ovarian Carcinoma', 'DOID:2394'],
  ['DOID:2152', 'Epithelial Ovarian Cancer', 'DOID:2394'],
  ['DOID:0050933', 'Ovarian Serous Carcinoma', 'DOID:4001'],
  ['DOID:0050934', 'Ovarian Clear Cell Carcinoma', 'DOID:4001'],
  ['DOID:11934', 'Head And Neck Cancer', SOLID],
  ['DOID:5520', 'Head And Neck Squamous Cell Carcinoma', 'DOID:11934', ['hnscc']],
  ['DOID:1319', 'Brain Cancer', SOLID],
  ['DOID:3070', 'Malignant Glioma', 'DOID:1319'],
  ['DOID:0060108', 'Brain Glioma', 'DOID:1319'],
  ['DOID:3069', 'Astrocytoma', 'DOID:3070'],
  ['DOID:3068', 'Glioblastoma Multiforme', 'DOID:3069', ['glioblastoma', 'gbm']],
  ['DOID:4851', 'Pilocytic Astrocytoma', 'DOID:3069'],
  ['DOID:6812', 'Childhood Pilocytic Astrocytoma', 'DOID:4851'],
  ['DOID:1793', 'Pancreatic Cancer', SOLID],
  ['DOID:4905', 'Pancreatic Carcinoma', 'DOID:1793'],
  ['DOID:4074', 'Pancreatic Adenocarcinoma', 'DOID:4905'],
  ['DOID:3498', 'Pancreatic Ductal Adenocarcinoma', 'DOID:4074', ['pdac']],
  ['DOID:263', 'Kidney Cancer', SOLID],
  ['DOID:4450', 'Renal Cell Carcinoma', 'DOID:263', ['rcc']],
  ['DOID:4467', 'Clear Cell Renal Cell Carcinoma', 'DOID:4450', ['ccrcc']],
  ['DOID:4947', 'Cholangiocarcinoma', SOLID],
  ['DOID:10534', 'Stomach Cancer', SOLID, ['gastric cancer']],
  ['DOID:5517', 'Stomach Carcinoma', 'DOID:10534'],
  ['DOID:3717', 'Gastric Adenocarcinoma', 'DOID:5517'],
  ['DOID:5041', 'Esophageal Cancer', SOLID],
  ['DOID:3748', 'Esophagus Squamous Cell Carcinoma', 'DOID:5041'],
  ['DOID:1380', 'Endometrial Cancer', SOLID],
  ['DOID:1781', 'Thyroid Cancer', SOLID],
  ['DOID:3963', 'Thyroid Carcinoma', 'DOID:1781'],
  ['DOID:3969', 'Thyroid Gland Papillary Carcinoma', 'DOID:3963', ['papillary thyroid carcinoma']],
  ['DOID:3973', 'Thyroid Gland Medullary Carcinoma', 'DOID:3963', ['medullary thyroid carcinoma']],
  ['DOID:3962', 'Follicular Thyroid Carcinoma', 'DOID:3963'],
  ['DOID:11054', 'Urinary Bladder Cancer', SOLID, ['bladder cancer']],
  ['DOID:4007', 'Bladder Carcinoma', 'DOID:11054'],
  ['DOID:3571', 'Liver Cancer', SOLID],
  ['DOID:684', 'Hepatocellular Carcinoma', 'DOID:3571', ['hcc']],
  ['DOID:1115', 'Sarcoma', SOLID],
  ['DOID:5485', 'Synovial Sarcoma', 'DOID:1115'],
  ['DOID:3369', 'Ewing Sarcoma', 'DOID:1115'],
  ['DOID:3368', 'Ewing Sarcoma Of Bone', 'DOID:3369'],
  ['DOID:769', 'Neuroblastoma', SOLID],
  ['DOID:1790', 'Malignant Mesothelioma', SOLID],
  // hematologic
  [HEME, 'Hematologic Cancer', 'DOID:162', ['hematologic malignancy']],
  ['DOID:1240', 'Leukemia', HEME],
  ['DOID:8692', 'Myeloid Leukemia', 'DOID:1240'],
  ['DOID:9119', 'Acute Myeloid Leukemia', 'DOID:8692', ['aml']],
  ['DOID:0060318', 'Acute Promyelocytic Leukemia', 'DOID:9119', ['apl']],
  ['DOID:8552', 'Chronic Myeloid Leukemia', 'DOID:8692', ['cml']],
  ['DOID:1037', 'Lymphoid Leukemia', 'DOID:1240'],
  ['DOID:1040', 'Chronic Lymphocytic Leukemia', 'DOID:1037', ['cll']],
  ['DOID:9952', 'Acute Lymphoblastic Leukemia', 'DOID:1037', ['all']],
  ['DOID:5603', 'T-cell Acute Lymphoblastic Leukemia', 'DOID:9952'],
  ['DOID:0080144', 'Childhood Acute Lymphocytic Leukemia', 'DOID:9952'],
  ['DOID:0080146', 'Childhood B-cell Acute Lymphoblastic Leukemia', 'DOID:0080144'],
  ['DOID:0080630', 'B-lymphoblastic Leukemia/lymphoma', 'DOID:9952'],
  ['DOID:0080650', 'B-lymphoblastic Leukemia/lymphoma, BCR-ABL1–like', 'DOID:0080630'],
  ['DOID:9538', 'Multiple Myeloma', HEME],
  ['DOID:0060058', 'Lymphoma', HEME],
  ['DOID:0060060', 'Non-Hodgkin Lymphoma', 'DOID:0060058'],
  ['DOID:0050745', 'Diffuse Large B-cell Lymphoma', 'DOID:0060060', ['dlbcl']],
  ['DOID:0050746', 'Mantle Cell Lymphoma', 'DOID:0060060'],
  ['DOID:0050873', 'Follicular Lymphoma', 'DOID:0060060'],
];

export interface DiseaseTerm {
  id: string;
  name: string;
  parent: string | null;
  synonyms: readonly string[];
}

export const DISEASE_TERMS: ReadonlyMap<string, DiseaseTerm> = new Map(ROWS.map(([id, name, parent, synonyms]) => [id, { id, name, parent, synonyms: synonyms ?? [] }]));

/** ICD-10 (WHO and -CM) code prefixes → DOID; the longest matching prefix wins. */
export const ICD10_TO_DOID: Readonly<Record<string, string>> = {
  C15: 'DOID:5041',
  C16: 'DOID:10534',
  C18: 'DOID:219',
  C19: 'DOID:9256',
  C20: 'DOID:1993',
  'C22.0': 'DOID:684',
  'C22.1': 'DOID:4947',
  C24: 'DOID:4947',
  C25: 'DOID:1793',
  C34: 'DOID:1324',
  C43: 'DOID:8923',
  'C44.91': 'DOID:2513',
  'C45.0': 'DOID:1790',
  'C49.A': 'DOID:9253',
  C50: 'DOID:1612',
  'C54.1': 'DOID:1380',
  C56: 'DOID:2394',
  C61: 'DOID:10283',
  C64: 'DOID:263',
  C67: 'DOID:11054',
  C71: 'DOID:1319',
  C73: 'DOID:1781',
  'C83.3': 'DOID:0050745',
  'C83.1': 'DOID:0050746',
  C82: 'DOID:0050873',
  'C90.0': 'DOID:9538',
  'C91.0': 'DOID:9952',
  'C91.1': 'DOID:1040',
  'C92.0': 'DOID:9119',
  'C92.1': 'DOID:8552',
  'C92.4': 'DOID:0060318',
  C95: 'DOID:1240',
  C80: 'DOID:162',
};

/** SNOMED CT disorder codes → DOID (exact codes; the ones Synthea writes included). */
export const SNOMED_TO_DOID: Readonly<Record<string, string>> = {
  '363358000': 'DOID:1324', // Malignant tumor of lung
  '93880001': 'DOID:1324', // Primary malignant neoplasm of lung
  '254637007': 'DOID:3908', // Non-small cell lung cancer
  '424132000': 'DOID:3908', // Non-small cell carcinoma of lung, TNM stage 1 (Synthea)
  '254626006': 'DOID:3910', // Adenocarcinoma of lung
  '254634000': 'DOID:3907', // Squamous cell carcinoma of lung
  '254632001': 'DOID:5409', // Small cell carcinoma of lung
  '67811000119102': 'DOID:5409', // Primary small cell malignant neoplasm of lung, TNM stage 1 (Synthea)
  '254837009': 'DOID:1612', // Malignant tumor of breast
  '372064008': 'DOID:1612', // Malignant neoplasm of female breast
  '363406005': 'DOID:219', // Malignant tumor of colon
  '93761005': 'DOID:219', // Primary malignant neoplasm of colon
  '109838007': 'DOID:219', // Overlapping malignant neoplasm of colon (Synthea)
  '363351006': 'DOID:1993', // Malignant tumor of rectum
  '363346000': 'DOID:162', // Malignant neoplastic disease
  '372244006': 'DOID:1909', // Malignant melanoma
  '399068003': 'DOID:10283', // Malignant tumor of prostate
  '126906006': 'DOID:10283', // Neoplasm of prostate — behaviour unspecified; Synthea's prostate cancer module uses it
  '93143009': 'DOID:1240', // Leukemia, disease
  '91861009': 'DOID:9119', // Acute myeloid leukemia
  '92818009': 'DOID:8552', // Chronic myeloid leukemia
  '363443007': 'DOID:2394', // Malignant tumor of ovary
  '363418001': 'DOID:1793', // Malignant tumor of pancreas
  '363349007': 'DOID:10534', // Malignant tumor of stomach
};

/** Mappings that rest on an assumption, said beside the result. */
export const SNOMED_MAPPING_NOTES: Readonly<Record<string, string>> = {
  '126906006': "'Neoplasm of prostate' does not state malignancy; read as prostate cancer, as Synthea's prostate cancer module uses it",
};

/** SNOMED CT codes seen in records that look like cancer but must not be read as a diagnosis. */
export const SNOMED_NOT_A_DIAGNOSIS: ReadonlySet<string> = new Set(['162573006' /* Suspected lung cancer (situation) */, '92691004' /* Carcinoma in situ of prostate */]);

/** The ancestors of a term (itself first), as far as this table knows them. */
export function diseaseLineage(id: string): string[] {
  const out: string[] = [];
  let cur: string | null = id;
  while (cur && !out.includes(cur)) {
    out.push(cur);
    cur = DISEASE_TERMS.get(cur)?.parent ?? null;
  }
  return out;
}

/**
 * Normalizes "doid:3910", "3910", "DOID_3910" to "DOID:3910" and "60079" to "DOID:0060079": DO writes ids from
 * 0050000 on with seven digits, older ones without leading zeros.
 */
export function normalizeDoid(s: string): string | undefined {
  const m = /^(?:DOID[:_])?(\d+)$/i.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return `DOID:${n >= 50000 ? String(n).padStart(7, '0') : String(n)}`;
}
