// A SYNTHETIC clinical cohort (CSV + column mapping) from a documented generative model, for the demo model and
// tests. These are not patients; everything made from them must say so.
import type { CohortMapping } from './cohort-mapping';
import { mulberry32 } from '@oncoboard/facts';

/** The generative model, as text for model cards. */
export const SYNTHETIC_CLINICAL_GENERATIVE_MODEL = `Per patient, independently (mulberry32 stream from the seed):
- age ~ Normal(58, 11) clipped to [25, 90]; sex female with probability 0.85;
- stage I, II, III, IV with probabilities 0.30, 0.35, 0.25, 0.10; grade 1, 2, 3 with 0.20, 0.45, 0.35;
- ECOG 0, 1, 2, 3 with 0.50, 0.30, 0.15, 0.05;
- ER positive with 0.70; PR positive with 0.60 if ER positive else 0.10; HER2 positive with 0.20;
- tumour size (mm) = round(exp(Normal(ln 22, 0.5))); positive nodes = 0 at stage I, else floor(Exponential(mean 2·(stage − 1)));
- chemotherapy with probability 0.2 + 0.2·(stage − 1); endocrine therapy with 0.85 if ER positive (else none);
  HER2-targeted therapy with 0.75 if HER2 positive (else none);
- linear predictor η = 0.025·(age − 58) + 0.55·(stage − 2) + 0.35·(grade − 2) + 0.4·ECOG − 0.35·ER+ + 0.3·HER2+
  − 0.4·HER2+·HER2-targeted − 0.3·endocrine + 0.15·ln(1 + nodes) (sex, PR, tumour size and chemotherapy have no effect in η; chemotherapy is correlated with stage);
- death time T ~ Exponential(rate 0.01·exp(η)) months; censoring C ~ Uniform(6, 120) months;
  months = min(T, C) rounded to 0.1; status 2 = dead (T ≤ C), 1 = censored (R's survival coding);
- each covariate except the treatments is independently missing ("NA") with probability 0.08.`;

export const SYNTHETIC_CLINICAL_MAPPING: CohortMapping = {
  cohort: 'synthetic-clinical',
  idColumn: 'id',
  time: { column: 'months', unit: 'months' },
  event: { column: 'status', eventCodes: ['2'], censoredCodes: ['1'] },
  covariates: [
    { column: 'age', feature: 'age', type: 'numeric' },
    { column: 'sex', feature: 'sex', type: 'categorical', levels: { F: 'female', M: 'male' } },
    { column: 'stage', feature: 'stage', type: 'categorical', levels: { I: 'I', II: 'II', III: 'III', IV: 'IV' } },
    { column: 'grade', feature: 'grade', type: 'numeric' },
    { column: 'ecog', feature: 'ecog', type: 'numeric' },
    { column: 'er', feature: 'er', type: 'categorical', levels: { pos: 'positive', neg: 'negative' } },
    { column: 'pr', feature: 'pr', type: 'categorical', levels: { pos: 'positive', neg: 'negative' } },
    { column: 'her2', feature: 'her2', type: 'categorical', levels: { pos: 'positive', neg: 'negative' } },
    { column: 'size_mm', feature: 'tumor-size', type: 'numeric', unit: 'mm' },
    { column: 'nodes', feature: 'positive-nodes', type: 'numeric' },
    { column: 'chemo', feature: 'chemotherapy', type: 'numeric' },
    { column: 'endocrine', feature: 'endocrine-therapy', type: 'numeric' },
    { column: 'her2_targeted', feature: 'her2-targeted-therapy', type: 'numeric' },
  ],
  missingValues: ['NA'],
};

function pick<T>(random: () => number, values: readonly T[], probabilities: readonly number[]): T {
  let u = random();
  for (let i = 0; i < values.length; i++) {
    u -= probabilities[i]!;
    if (u < 0) return values[i]!;
  }
  return values.at(-1)!;
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

/** The SYNTHETIC cohort as CSV text (header + n rows) with its linear predictors (for checking a model). */
export function syntheticClinicalCohortCsv(n: number, seed: number): { csv: string; linearPredictor: number[] } {
  const random = mulberry32(seed);
  const header = ['id', 'age', 'sex', 'stage', 'grade', 'ecog', 'er', 'pr', 'her2', 'size_mm', 'nodes', 'chemo', 'endocrine', 'her2_targeted', 'months', 'status'];
  const lines = [header.join(',')];
  const linearPredictor: number[] = [];
  for (let i = 1; i <= n; i++) {
    const age = Math.min(90, Math.max(25, 58 + 11 * normal(random)));
    const sex = random() < 0.85 ? 'F' : 'M';
    const stage = pick(random, [1, 2, 3, 4], [0.3, 0.35, 0.25, 0.1]);
    const grade = pick(random, [1, 2, 3], [0.2, 0.45, 0.35]);
    const ecog = pick(random, [0, 1, 2, 3], [0.5, 0.3, 0.15, 0.05]);
    const er = random() < 0.7;
    const pr = random() < (er ? 0.6 : 0.1);
    const her2 = random() < 0.2;
    const size = Math.round(Math.exp(Math.log(22) + 0.5 * normal(random)));
    const nodes = stage === 1 ? 0 : Math.floor(-Math.log(Math.max(random(), 1e-12)) * 2 * (stage - 1));
    const chemo = random() < 0.2 + 0.2 * (stage - 1);
    const endocrine = er && random() < 0.85;
    const her2Targeted = her2 && random() < 0.75;
    const eta = 0.025 * (age - 58) + 0.55 * (stage - 2) + 0.35 * (grade - 2) + 0.4 * ecog - 0.35 * Number(er) + 0.3 * Number(her2)
      - 0.4 * Number(her2 && her2Targeted) - 0.3 * Number(endocrine) + 0.15 * Math.log1p(nodes);
    const t = -Math.log(Math.max(random(), 1e-12)) / (0.01 * Math.exp(eta));
    const c = 6 + 114 * random();
    const months = Math.max(0.1, Math.round(Math.min(t, c) * 10) / 10);
    const status = t <= c ? 2 : 1;
    const roman = ['I', 'II', 'III', 'IV'][stage - 1]!;
    const cells: (string | number)[] = [age.toFixed(1), sex, roman, grade, ecog, er ? 'pos' : 'neg', pr ? 'pos' : 'neg', her2 ? 'pos' : 'neg', size, nodes];
    const withMissing = cells.map((v) => (random() < 0.08 ? 'NA' : String(v)));
    lines.push([`S${String(i).padStart(5, '0')}`, ...withMissing, Number(chemo), Number(endocrine), Number(her2Targeted), months.toFixed(1), status].join(','));
    linearPredictor.push(eta);
  }
  return { csv: `${lines.join('\n')}\n`, linearPredictor };
}
