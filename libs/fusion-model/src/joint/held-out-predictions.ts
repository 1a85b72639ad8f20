// The held-out predictions a version ships with: the exported model's risk on each row of the seeded test split
// (rows never used for fitting, early stopping or the Breslow baseline), with the row's observed time and event.
// The model page's calibration and risk groups are computed from these, so they are out-of-sample. No patient keys:
// the file holds only outcomes and scores. Versions written before held-out.json existed have none (in-sample).
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

export const HELD_OUT_FORMAT = 'oncoboard-joint-held-out/1';
export const HELD_OUT_FILE = 'held-out.json';

export const heldOutPredictionsSchema = z
  .object({
    format: z.literal(HELD_OUT_FORMAT),
    /** Which split the rows are ("test"). */
    split: z.string().min(1),
    /** How the split was drawn, for the page that shows it. */
    description: z.string(),
    timeUnit: z.string(),
    risk: z.array(z.number()),
    time: z.array(z.number().nonnegative()),
    event: z.array(z.boolean()),
  })
  .strict()
  .refine((h) => h.time.length === h.risk.length && h.event.length === h.risk.length, { message: 'risk, time and event: one value per row expected (same lengths)' });

export type HeldOutPredictions = z.infer<typeof heldOutPredictionsSchema>;

export function readHeldOutPredictions(path: string): HeldOutPredictions {
  if (!existsSync(path)) throw new Error(`${path}: the held-out predictions file is missing (manifest.json lists it)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: expected JSON (${(error as Error).message})`);
  }
  const parsed = heldOutPredictionsSchema.safeParse(json);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n'));
  return parsed.data;
}
