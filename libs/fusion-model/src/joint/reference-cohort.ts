// The reference cohort a version ships with: the training rows' risks, fused embeddings, outcomes and treatments
// (for percentiles and similar patients) and the Breslow baselines of the main model and each ensemble member.
// For a real cohort this file holds patient-level outcomes: store it like patient data, do not commit it.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { BaselineHazard } from './breslow-baseline';

const baselineSchema = z.object({ times: z.array(z.number()), cumulativeHazard: z.array(z.number()) }).strict();

export const referenceCohortSchema = z
  .object({
    format: z.literal('oncoboard-joint-reference/1'),
    timeUnit: z.string(),
    patients: z.array(z.object({ patientKey: z.string(), time: z.number(), event: z.boolean(), treatments: z.array(z.string()) }).strict()),
    /** Main-model risk per patient. */
    risk: z.array(z.number()),
    /** Row-major patients × embeddingSize. */
    embedding: z.array(z.number()),
    baseline: baselineSchema,
    memberBaselines: z.array(baselineSchema),
  })
  .strict()
  .refine((r) => r.risk.length === r.patients.length, { message: 'risk: one value per patient expected' });

export type ReferenceCohort = z.infer<typeof referenceCohortSchema> & { baseline: BaselineHazard };

export function readReferenceCohort(path: string, embeddingSize: number): ReferenceCohort {
  if (!existsSync(path)) throw new Error(`${path}: the reference cohort file is missing`);
  const parsed = referenceCohortSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n'));
  if (parsed.data.embedding.length !== parsed.data.patients.length * embeddingSize) {
    throw new Error(`${path}: embedding: expected ${parsed.data.patients.length} × ${embeddingSize} values, found ${parsed.data.embedding.length}`);
  }
  return parsed.data;
}
