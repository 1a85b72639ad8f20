// The generative model of the SYNTHETIC multimodal cohort: one latent tumour aggressiveness per patient shows in
// every modality's observed features, and the log-hazard is a sum of one term per modality computed from that
// modality's OBSERVED features (plus frailty noise). README.md writes the same model down; the unit test checks
// that the coefficients below are the ones the README states and the ones the outcome uses.
import { mulberry32 } from '@oncoboard/facts';

/** Version of the generator: files written by another version are another cohort. */
export const SYNTH_COHORT_VERSION = '1.1.0';

/** The coefficients of the log-hazard, per modality term (documented in README.md, "Outcome"). */
export const OUTCOME_COEFFICIENTS = {
  clinical: { stageMinus2: 0.45, ecog: 0.2, agePerYearMinus58: 0.01, erPositive: -0.2 },
  imaging: { lnLesionVolumeOver6Ml: 0.5 },
  pathology: { gradeMinus2: 0.35, ki67FractionMinus025: 0.8, lvi: 0.35 },
  genomics: { tp53: 0.45, pik3ca: -0.2, lnTmbOver4: 0.3 },
  frailtySd: 0.25,
} as const;

/** Weibull baseline and censoring (months). */
export const OUTCOME_TIME_MODEL = { weibullShape: 1.3, weibullScaleMonths: 60, censorMinMonths: 12, censorMaxMonths: 96 } as const;

/** How the latent aggressiveness A ~ N(0, 1) enters each observed feature (README.md, "Features"). */
export const FEATURE_MODEL = {
  stage: { latent: 0.8, noise: 0.6, cuts: [-0.6, 0.4, 1.2] },
  ecog: { latent: 0.3, agePerYear: 0.04, noise: 1, cuts: [0.3, 1.2, 2] },
  erPositive: { intercept: 1.2, latent: -0.6 },
  lesionVolume: { lnMedianMl: Math.log(6), latent: 0.6, noise: 0.5, minMl: 0.5, maxMl: 45 },
  grade: { latent: 0.8, noise: 0.6, cuts: [-0.7, 0.5] },
  ki67: { intercept: -1.2, latent: 0.9, noise: 0.5, minPercent: 1, maxPercent: 95 },
  lvi: { intercept: -0.8, latent: 0.9 },
  tp53: { intercept: -1, latent: 1 },
  pik3caProbability: 0.35,
  tmb: { lnMedian: Math.log(4), latent: 0.5, noise: 0.5, min: 0.5, max: 60 },
} as const;

/** The panel the somatic VCF comes from: its size sets the passenger count (TMB × size). */
export const PANEL_SIZE_MB = 1.5;

export interface SyntheticPatient {
  index: number;
  /** FHIR id and file-folder name, e.g. "synth-20261202-00007". */
  id: string;
  latentAggressiveness: number;
  clinical: {
    age: number;
    sex: 'female' | 'male';
    birthDate: string;
    diagnosisDate: string;
    stage: 1 | 2 | 3 | 4;
    ecog: 0 | 1 | 2 | 3;
    erPositive: boolean;
    prPositive: boolean;
    her2Positive: boolean;
  };
  imaging: { lesionMl: number };
  pathology: { grade: 1 | 2 | 3; ki67Percent: number; lvi: boolean; marginMm: number; erPercent: number; prPercent: number; her2Score: '0' | '1+' | '3+' };
  /**
   * tmb: drawn mutations/Mb; nonSynonymousPassengers: coding non-synonymous variants besides the drivers, so that
   * (drivers + nonSynonymousPassengers) / PANEL_SIZE_MB is the TMB a caller computes (rounded to whole variants);
   * synonymousPassengers are extra and not counted in TMB.
   */
  genomics: { tp53: boolean; pik3ca: boolean; tmb: number; nonSynonymousPassengers: number; synonymousPassengers: number };
  /** The four modality terms of the log-hazard, and η = their sum + frailty. */
  logHazard: { clinical: number; imaging: number; pathology: number; genomics: number; frailty: number; total: number };
  outcome: { timeMonths: number; event: boolean; eventTimeMonths: number; censorTimeMonths: number };
}

/** An integer hash of (seed, index): each patient has its own stream, so patient k is the same whatever N is. */
export function patientStreamSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function normalDraw(random: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const cutIndex = (x: number, cuts: readonly number[]) => cuts.filter((c) => x > c).length;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The modality terms of the log-hazard from the observed features (the documented formula). */
export function logHazardTerms(p: Pick<SyntheticPatient, 'clinical' | 'imaging' | 'pathology' | 'genomics'>): Omit<SyntheticPatient['logHazard'], 'frailty' | 'total'> {
  const k = OUTCOME_COEFFICIENTS;
  return {
    clinical: k.clinical.stageMinus2 * (p.clinical.stage - 2) + k.clinical.ecog * p.clinical.ecog + k.clinical.agePerYearMinus58 * (p.clinical.age - 58) + k.clinical.erPositive * Number(p.clinical.erPositive),
    imaging: k.imaging.lnLesionVolumeOver6Ml * Math.log(p.imaging.lesionMl / 6),
    pathology: k.pathology.gradeMinus2 * (p.pathology.grade - 2) + k.pathology.ki67FractionMinus025 * (p.pathology.ki67Percent / 100 - 0.25) + k.pathology.lvi * Number(p.pathology.lvi),
    genomics: k.genomics.tp53 * Number(p.genomics.tp53) + k.genomics.pik3ca * Number(p.genomics.pik3ca) + k.genomics.lnTmbOver4 * Math.log(p.genomics.tmb / 4),
  };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Draws patient `index` of the cohort `seed` (deterministic; independent of the other patients). */
export function drawSyntheticPatient(seed: number, index: number): SyntheticPatient {
  const random = mulberry32(patientStreamSeed(seed, index));
  const z = () => normalDraw(random);
  const f = FEATURE_MODEL;
  const A = z();

  const age = Math.round(clamp(58 + 11 * z(), 28, 90));
  const sex = random() < 0.99 ? 'female' : 'male';
  const diagnosisMs = Date.UTC(2020, 0, 1) + Math.floor(random() * 3 * 365) * 86_400_000;
  const birthMs = diagnosisMs - (age * 365.25 + Math.floor(random() * 300)) * 86_400_000;
  const stage = (1 + cutIndex(f.stage.latent * A + f.stage.noise * z(), f.stage.cuts)) as 1 | 2 | 3 | 4;
  const ecog = cutIndex(f.ecog.latent * A + f.ecog.agePerYear * (age - 58) + f.ecog.noise * z(), f.ecog.cuts) as 0 | 1 | 2 | 3;
  const erPositive = random() < sigmoid(f.erPositive.intercept + f.erPositive.latent * A);
  const prPositive = random() < (erPositive ? 0.75 : 0.1);
  const her2Positive = random() < 0.18;

  const lesionMl = round1(clamp(Math.exp(f.lesionVolume.lnMedianMl + f.lesionVolume.latent * A + f.lesionVolume.noise * z()), f.lesionVolume.minMl, f.lesionVolume.maxMl));

  const grade = (1 + cutIndex(f.grade.latent * A + f.grade.noise * z(), f.grade.cuts)) as 1 | 2 | 3;
  const ki67Percent = Math.round(clamp(100 * sigmoid(f.ki67.intercept + f.ki67.latent * A + f.ki67.noise * z()), f.ki67.minPercent, f.ki67.maxPercent));
  const lvi = random() < sigmoid(f.lvi.intercept + f.lvi.latent * A);
  const marginMm = round1(1 + 9 * random());
  const erPercent = erPositive ? 10 * Math.round(5 + 4 * random()) : 0;
  const prPercent = prPositive ? 10 * Math.round(2 + 6 * random()) : 0;
  const her2Score = her2Positive ? '3+' : random() < 0.5 ? '0' : '1+';

  const tp53 = random() < sigmoid(f.tp53.intercept + f.tp53.latent * A);
  const pik3ca = random() < f.pik3caProbability;
  const tmb = round1(clamp(Math.exp(f.tmb.lnMedian + f.tmb.latent * A + f.tmb.noise * z()), f.tmb.min, f.tmb.max));
  const nonSynonymousPassengers = Math.max(0, Math.round(tmb * PANEL_SIZE_MB) - Number(tp53) - Number(pik3ca));
  const synonymousPassengers = Math.floor(random() * (1 + Math.round(0.4 * tmb * PANEL_SIZE_MB)));

  const observed = {
    clinical: { age, sex, birthDate: isoDate(birthMs), diagnosisDate: isoDate(diagnosisMs), stage, ecog, erPositive, prPositive, her2Positive },
    imaging: { lesionMl },
    pathology: { grade, ki67Percent, lvi, marginMm, erPercent, prPercent, her2Score },
    genomics: { tp53, pik3ca, tmb, nonSynonymousPassengers, synonymousPassengers },
  } satisfies Pick<SyntheticPatient, 'clinical' | 'imaging' | 'pathology' | 'genomics'>;
  const terms = logHazardTerms(observed);
  const frailty = OUTCOME_COEFFICIENTS.frailtySd * z();
  const total = terms.clinical + terms.imaging + terms.pathology + terms.genomics + frailty;

  // Weibull proportional hazards: S(t) = exp(−(t/scale)^k · e^η) ⇒ T = scale · (−ln U · e^−η)^(1/k).
  const t = OUTCOME_TIME_MODEL;
  const eventTime = t.weibullScaleMonths * Math.pow(-Math.log(Math.max(random(), 1e-12)) * Math.exp(-total), 1 / t.weibullShape);
  const censorTime = t.censorMinMonths + (t.censorMaxMonths - t.censorMinMonths) * random();
  const event = eventTime <= censorTime;
  return {
    index,
    id: `synth-${seed}-${String(index).padStart(5, '0')}`,
    latentAggressiveness: A,
    ...observed,
    logHazard: { ...terms, frailty, total },
    outcome: { timeMonths: Math.max(0.1, round1(Math.min(eventTime, censorTime))), event, eventTimeMonths: eventTime, censorTimeMonths: censorTime },
  };
}
