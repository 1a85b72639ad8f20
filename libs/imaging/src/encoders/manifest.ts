// The manifest an encoder folder carries (encoder.json): what the graph takes, what it gives, how its input
// must be prepared, and where its licence and model card are. A user drops in their own ONNX encoder (e.g. one
// exported from MONAI) with a folder and this file alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** A dimension: a fixed size, or a name for a dynamic one (e.g. "batch"). */
const dimension = z.union([z.number().int().positive(), z.string().min(1)]);

export const encoderManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case id like "ocr-det-ppocrv4"'),
  version: z.string().min(1),
  /** The ONNX file, relative to the folder. */
  file: z.string().min(1),
  input: z.object({
    name: z.string().min(1),
    /** Including the batch dimension first, e.g. ["batch", 1, 96, 96, 96]. */
    shape: z.array(dimension).min(2),
    dtype: z.literal('float32'),
  }),
  output: z.object({
    name: z.string().min(1),
    /** Values per input after pooling: the embedding size. */
    embeddingSize: z.number().int().positive(),
    /** How the output becomes one vector per input: as is (flattened), or the mean over spatial positions per channel. */
    pooling: z.enum(['flatten', 'mean-spatial']),
  }),
  /** How the input must be made; recorded with each encoding. Free-form but required, so it is never silent. */
  preprocessing: z.object({
    spacingMm: z.array(z.number().positive()).optional(),
    intensity: z.string().min(1),
    notes: z.string().optional(),
  }),
  licence: z.string().min(1),
  /** The model card, relative to the folder (data, seed, training command, metrics, limits). */
  modelCard: z.string().min(1),
});

export type EncoderManifest = z.infer<typeof encoderManifestSchema>;

export class EncoderManifestError extends Error {
  override name = 'EncoderManifestError';
}

/** Reads and checks `<folder>/encoder.json`; errors name the file and the field. */
export function readEncoderManifest(folder: string): EncoderManifest {
  const path = join(folder, 'encoder.json');
  if (!existsSync(path)) throw new EncoderManifestError(`${path}: no encoder manifest (expected encoder.json in the model folder)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EncoderManifestError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = encoderManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EncoderManifestError(`${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  for (const field of ['file', 'modelCard'] as const) {
    if (!existsSync(join(folder, parsed.data[field]))) throw new EncoderManifestError(`${path}: ${field}: "${parsed.data[field]}" does not exist in ${folder}`);
  }
  return parsed.data;
}
