// The column mapping of a cohort CSV (zod-validated): which column is the patient id, the follow-up time, the
// event (and how it is coded), and which columns are covariates of which clinical feature.
import { z } from 'zod';

/** Clinical features a cohort column can feed (the clinical module reads the facts the importer makes of them). */
export const COHORT_FEATURES = [
  'age',
  'sex',
  'stage',
  'grade',
  'ecog',
  'karnofsky',
  'er',
  'pr',
  'her2',
  'tumor-size',
  'positive-nodes',
  'chemotherapy',
  'endocrine-therapy',
  'her2-targeted-therapy',
  'radiotherapy',
  'surgery',
] as const;
export type CohortFeature = (typeof COHORT_FEATURES)[number];

/** For categorical columns: the canonical values each feature accepts as the target of `levels`. */
export const CATEGORICAL_TARGETS: Partial<Record<CohortFeature, readonly string[]>> = {
  sex: ['female', 'male'],
  stage: ['0', 'I', 'II', 'III', 'IV'],
  grade: ['1', '2', '3', '4'],
  er: ['positive', 'negative'],
  pr: ['positive', 'negative'],
  her2: ['positive', 'negative'],
  chemotherapy: ['yes', 'no'],
  'endocrine-therapy': ['yes', 'no'],
  'her2-targeted-therapy': ['yes', 'no'],
  radiotherapy: ['yes', 'no'],
  surgery: ['yes', 'no'],
};
/** Features that may be numeric columns; treatments as numeric columns are 0/1. */
export const NUMERIC_FEATURES: ReadonlySet<CohortFeature> = new Set([
  'age', 'grade', 'ecog', 'karnofsky', 'er', 'pr', 'tumor-size', 'positive-nodes',
  'chemotherapy', 'endocrine-therapy', 'her2-targeted-therapy', 'radiotherapy', 'surgery',
]);

const covariateSchema = z
  .object({
    column: z.string().min(1),
    feature: z.enum(COHORT_FEATURES),
    type: z.enum(['numeric', 'categorical']),
    /** categorical: CSV value → canonical value (CATEGORICAL_TARGETS). */
    levels: z.record(z.string(), z.string()).optional(),
    /** numeric er/pr/her2: a value at or above this is positive (e.g. 10 fmol/l for ER in GBSG). */
    positiveAtOrAbove: z.number().optional(),
    /** numeric tumor-size: the unit of the column. */
    unit: z.enum(['mm', 'cm']).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.type === 'categorical') {
      const targets = CATEGORICAL_TARGETS[c.feature];
      if (!c.levels || Object.keys(c.levels).length === 0) ctx.addIssue({ code: 'custom', message: 'a categorical covariate needs levels (CSV value → canonical value)', path: ['levels'] });
      else {
        for (const [k, v] of Object.entries(c.levels)) {
          // A numeric feature given in bins (e.g. Rotterdam's size "<=20", "20-50", ">50"): each level names the
          // representative number it stands for (e.g. "15"); the card of a model trained on it should say so.
          if (!targets && !(/^\d+(\.\d+)?$/.test(v))) ctx.addIssue({ code: 'custom', message: `expected a representative non-negative number for the numeric feature "${c.feature}", found "${v}"`, path: ['levels', k] });
          else if (targets && !targets.includes(v)) ctx.addIssue({ code: 'custom', message: `expected one of ${targets.map((t) => `"${t}"`).join(', ')}, found "${v}"`, path: ['levels', k] });
        }
      }
    } else {
      if (!NUMERIC_FEATURES.has(c.feature)) ctx.addIssue({ code: 'custom', message: `feature "${c.feature}" cannot be numeric (use categorical with levels)`, path: ['type'] });
      if ((c.feature === 'er' || c.feature === 'pr' || c.feature === 'her2') && c.positiveAtOrAbove === undefined) {
        ctx.addIssue({ code: 'custom', message: `a numeric ${c.feature} column needs positiveAtOrAbove (the positivity cut-off)`, path: ['positiveAtOrAbove'] });
      }
    }
  });

export const cohortMappingSchema = z
  .object({
    /** Names the cohort in patient keys and provenance: lowercase letters, digits, dashes. */
    cohort: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes'),
    idColumn: z.string().min(1),
    time: z.object({ column: z.string().min(1), unit: z.enum(['days', 'months', 'years']) }).strict(),
    event: z
      .object({
        column: z.string().min(1),
        /** CSV values meaning the event happened (e.g. ["2"] for R's status 1=censored, 2=dead). */
        eventCodes: z.array(z.string()).min(1),
        censoredCodes: z.array(z.string()).min(1),
      })
      .strict()
      .refine((e) => !e.eventCodes.some((c) => e.censoredCodes.includes(c)), { message: 'a code cannot be both an event and a censoring code' }),
    covariates: z.array(covariateSchema).default([]),
    /** Cells meaning "not recorded" in covariates (never accepted for id, time or event). */
    missingValues: z.array(z.string()).default(['', 'NA']),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Map<string, string>();
    const claim = (column: string, role: string, path: (string | number)[]) => {
      const before = seen.get(column);
      if (before) ctx.addIssue({ code: 'custom', message: `column "${column}" is mapped twice (${before} and ${role})`, path });
      else seen.set(column, role);
    };
    claim(m.idColumn, 'id', ['idColumn']);
    claim(m.time.column, 'time', ['time', 'column']);
    claim(m.event.column, 'event', ['event', 'column']);
    m.covariates.forEach((c, i) => claim(c.column, `covariate ${c.feature}`, ['covariates', i, 'column']));
  });

export type CohortMapping = z.infer<typeof cohortMappingSchema>;
export type CohortCovariate = CohortMapping['covariates'][number];

/** Parses a mapping (e.g. a JSON file's content); errors name the file and the path in it. */
export function parseCohortMapping(json: unknown, source = 'mapping'): CohortMapping {
  const result = cohortMappingSchema.safeParse(json);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new Error(lines.join('\n'));
}
