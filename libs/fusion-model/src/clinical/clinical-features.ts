// The clinical vector's layout (what each of the CLINICAL_VECTOR_SIZE numbers means) and the readers that turn
// facts into feature values. The layout is part of the clinical module's version: changing it means a new version.
import type { Coding, Fact } from '@oncoboard/facts';

/**
 * Fact kinds the clinical module reads that the mCODE mapper (libs/ehr-fhir) does not produce (mCODE STU4 has no
 * profile for them); the cohort CSV importer writes them, and a future mapper may too.
 */
export const CLINICAL_EXTRA_FACT_KINDS = {
  /** value: quantity in years (unit "a"); preferred over birth date + diagnosis date when present. */
  ageAtDiagnosis: 'age-at-diagnosis',
  /** value: integer 1–4 (G1–G4), or a coding whose code/display names the grade ("G2", "Grade 2"). */
  histologicGrade: 'histologic-grade',
  /** value: integer count of positive regional lymph nodes. */
  positiveLymphNodes: 'positive-lymph-nodes',
} as const;

/** Treatment classes the module flags; a medication fact is classed by attributes.treatmentClass, else by drug name. */
export type TreatmentClass = 'chemotherapy' | 'endocrine-therapy' | 'her2-targeted-therapy';

/** The numbers of the clinical vector, in order. Scalings are fixed (no data-dependent statistics here). */
export const CLINICAL_FEATURES = [
  { name: 'age', meaning: '(age at diagnosis in years − 60) / 10' },
  { name: 'age-missing', meaning: '1 when age is unknown (then age = 0)' },
  { name: 'sex-female', meaning: 'one-hot sex: female' },
  { name: 'sex-male', meaning: 'one-hot sex: male' },
  { name: 'sex-missing', meaning: 'one-hot sex: unknown or other (the missing indicator of sex)' },
  { name: 'stage', meaning: 'stage group ordinal 0, I, II, III, IV → 0, 0.25, 0.5, 0.75, 1 (sub-groups A/B/C ignored)' },
  { name: 'stage-missing', meaning: '1 when no stage group' },
  { name: 'grade', meaning: 'histologic grade G1, G2, G3, G4 → 0, 0.5, 1, 1.5' },
  { name: 'grade-missing', meaning: '1 when no grade' },
  { name: 'ecog', meaning: 'ECOG 0–4 / 4 (Karnofsky mapped: 100–90→0, 80–70→1, 60–50→2, 40–30→3, 20–0→4)' },
  { name: 'ecog-missing', meaning: '1 when no performance status' },
  { name: 'er-positive', meaning: 'ER status: 1 positive, 0 negative' },
  { name: 'er-missing', meaning: '1 when ER status unknown' },
  { name: 'pr-positive', meaning: 'PR status: 1 positive, 0 negative' },
  { name: 'pr-missing', meaning: '1 when PR status unknown' },
  { name: 'her2-positive', meaning: 'HER2 status: 1 positive, 0 negative' },
  { name: 'her2-missing', meaning: '1 when HER2 status unknown' },
  { name: 'tumor-size', meaning: 'longest tumour dimension in mm / 50' },
  { name: 'tumor-size-missing', meaning: '1 when no tumour size' },
  { name: 'positive-nodes', meaning: 'ln(1 + positive lymph nodes) / ln(11)' },
  { name: 'positive-nodes-missing', meaning: '1 when the positive node count is unknown' },
  { name: 'chemotherapy', meaning: '1 when a chemotherapy medication fact exists (presence flag, see README)' },
  { name: 'endocrine-therapy', meaning: '1 when an endocrine therapy medication fact exists (presence flag)' },
  { name: 'her2-targeted-therapy', meaning: '1 when a HER2-targeted medication fact exists (presence flag)' },
  { name: 'radiotherapy', meaning: '1 when a radiotherapy course fact exists (presence flag)' },
  { name: 'surgery', meaning: '1 when a cancer-related surgical procedure fact exists (presence flag)' },
] as const;

export type ClinicalFeatureName = (typeof CLINICAL_FEATURES)[number]['name'];
export const CLINICAL_VECTOR_SIZE = CLINICAL_FEATURES.length;
export const CLINICAL_FEATURE_INDEX: Readonly<Record<ClinicalFeatureName, number>> = Object.fromEntries(
  CLINICAL_FEATURES.map((f, i) => [f.name, i]),
) as Record<ClinicalFeatureName, number>;

const DRUG_CLASSES: Record<TreatmentClass, readonly string[]> = {
  chemotherapy: [
    'paclitaxel', 'docetaxel', 'nab-paclitaxel', 'cisplatin', 'carboplatin', 'oxaliplatin', 'doxorubicin', 'epirubicin',
    'cyclophosphamide', 'fluorouracil', '5-fu', 'capecitabine', 'gemcitabine', 'methotrexate', 'vinorelbine',
    'eribulin', 'pemetrexed', 'etoposide', 'irinotecan', 'chemotherapy',
  ],
  'endocrine-therapy': [
    'tamoxifen', 'anastrozole', 'letrozole', 'exemestane', 'fulvestrant', 'goserelin', 'leuprolide', 'toremifene',
    'endocrine therapy', 'hormone therapy', 'hormonal therapy',
  ],
  'her2-targeted-therapy': ['trastuzumab', 'pertuzumab', 'lapatinib', 'neratinib', 'tucatinib', 'ado-trastuzumab', 'her2-targeted'],
};

const MEDICATION_KINDS = new Set(['cancer-related-medication-request', 'cancer-related-medication-administration']);

/** The class of a medication fact, or undefined when it is none of the flagged classes. */
export function treatmentClassOf(fact: Fact): TreatmentClass | undefined {
  if (!MEDICATION_KINDS.has(fact.kind)) return undefined;
  const declared = fact.attributes.treatmentClass;
  if (declared === 'chemotherapy' || declared === 'endocrine-therapy' || declared === 'her2-targeted-therapy') return declared;
  const name = `${fact.code?.display ?? ''} ${fact.code?.code ?? ''}`.toLowerCase();
  for (const [cls, drugs] of Object.entries(DRUG_CLASSES) as [TreatmentClass, readonly string[]][]) {
    if (drugs.some((d) => name.includes(d))) return cls;
  }
  return undefined;
}

/** A short human name of a treatment fact, for similar-patient lists. */
export function treatmentNameOf(fact: Fact): string | undefined {
  if (MEDICATION_KINDS.has(fact.kind)) return fact.code?.display ?? fact.code?.code ?? treatmentClassOf(fact);
  if (fact.kind === 'cancer-related-surgical-procedure') return fact.code?.display ?? 'surgery';
  if (fact.kind === 'radiotherapy-course-summary') return fact.code?.display ?? 'radiotherapy';
  return undefined;
}

const STAGE_ROMAN: Record<string, number> = { '0': 0, I: 1, II: 2, III: 3, IV: 4 };

/** Stage group 0–4 from a coding ("American Joint Committee on Cancer stage IIB (qualifier value)", "IIIA", "Stage 2"). */
export function stageGroupOf(coding: Coding | undefined, text?: string): number | undefined {
  for (const s of [coding?.display, coding?.code, text]) {
    if (!s) continue;
    const t = s.trim();
    const roman = /\bstage\s*(IV|III|II|I|0)(?:[ABC]\d?)?\b/i.exec(t) ?? /^[cpy]?(IV|III|II|I|0)(?:[ABC]\d?)?$/i.exec(t);
    if (roman) return STAGE_ROMAN[roman[1]!.toUpperCase()];
    const arabic = /\bstage\s*([0-4])(?:[ABC]\d?)?\b/i.exec(t) ?? /^([0-4])(?:[ABC]\d?)?$/i.exec(t);
    if (arabic) return Number(arabic[1]);
  }
  return undefined;
}

/** Grade 1–4 from an integer value or a coding naming it ("G3", "Grade 2", "Poorly differentiated" → 3). */
export function gradeOf(fact: Fact): number | undefined {
  const v = fact.value;
  if (v?.type === 'integer' && v.value >= 1 && v.value <= 4) return v.value;
  if (v?.type === 'quantity' && Number.isInteger(v.quantity.value) && v.quantity.value >= 1 && v.quantity.value <= 4) return v.quantity.value;
  const texts = v?.type === 'coding' ? [v.coding.code, v.coding.display, v.text] : v?.type === 'string' ? [v.value] : [];
  for (const s of texts) {
    if (!s) continue;
    const m = /\b(?:G|grade\s*)([1-4])\b/i.exec(s);
    if (m) return Number(m[1]);
    if (/well differentiated/i.test(s)) return 1;
    if (/moderately differentiated/i.test(s)) return 2;
    if (/poorly differentiated/i.test(s)) return 3;
    if (/undifferentiated/i.test(s)) return 4;
  }
  return undefined;
}

const POSITIVE_CODES = new Set(['LA6576-8', 'POS', '10828004']);
const NEGATIVE_CODES = new Set(['LA6577-6', 'NEG', '260385009']);

/** A receptor status from a tumor-marker fact: its coded value, else its interpretation. */
export function receptorStatusOf(fact: Fact): boolean | undefined {
  const candidates: (Coding | undefined)[] = [];
  if (fact.value?.type === 'coding') candidates.push(fact.value.coding);
  candidates.push(fact.attributes.interpretation as Coding | undefined);
  for (const c of candidates) {
    if (!c) continue;
    if (c.code && POSITIVE_CODES.has(c.code)) return true;
    if (c.code && NEGATIVE_CODES.has(c.code)) return false;
    const d = (c.display ?? '').toLowerCase();
    if (/\bnegative\b|\bnot detected\b/.test(d)) return false;
    if (/\bpositive\b|\bdetected\b/.test(d)) return true;
  }
  return undefined;
}

/** ECOG grade 0–4 from an ECOG or Karnofsky fact (integer value, as the mCODE mapper gives). */
export function ecogOf(fact: Fact): number | undefined {
  const v = fact.value?.type === 'integer' ? fact.value.value : fact.value?.type === 'quantity' ? fact.value.quantity.value : undefined;
  if (v === undefined || !Number.isFinite(v)) return undefined;
  if (fact.kind === 'ecog-performance-status') return v >= 0 && v <= 5 ? Math.min(4, Math.round(v)) : undefined;
  if (fact.kind === 'karnofsky-performance-status') {
    if (v < 0 || v > 100) return undefined;
    return v >= 90 ? 0 : v >= 70 ? 1 : v >= 50 ? 2 : v >= 30 ? 3 : 4;
  }
  return undefined;
}

/** Longest tumour dimension in mm from a tumor-size fact (value quantity in mm or cm). */
export function tumorSizeMmOf(fact: Fact): number | undefined {
  const q = fact.value?.type === 'quantity' ? fact.value.quantity : undefined;
  if (!q || !Number.isFinite(q.value) || q.value < 0) return undefined;
  const unit = (q.code ?? q.unit ?? 'mm').toLowerCase();
  if (unit === 'mm') return q.value;
  if (unit === 'cm') return q.value * 10;
  return undefined;
}

/** Whole years between two ISO dates (YYYY, YYYY-MM or YYYY-MM-DD), or undefined. */
export function yearsBetween(from: string, to: string): number | undefined {
  const a = Date.parse(from.length === 4 ? `${from}-07-01` : from.length === 7 ? `${from}-15` : from);
  const b = Date.parse(to.length === 4 ? `${to}-07-01` : to.length === 7 ? `${to}-15` : to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) return undefined;
  return (b - a) / (365.25 * 24 * 3600 * 1000);
}
