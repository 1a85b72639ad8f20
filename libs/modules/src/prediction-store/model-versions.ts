// Joint-model versions in the store: a version folder (libs/fusion-model's JointModelRegistry layout) becomes a
// ModelVersion row with its model card, metrics (plus the reference-cohort evaluation the model page draws) and
// synthetic flag. One version in the store is active (the one `oncoboard predict` and the API run): activating one
// deactivates every other, of any model id, in the same transaction — so a new default model (DEFAULT_MODEL_FOLDER)
// replaces an earlier one instead of leaving two active. A version id is registered once: the same id with another
// model.onnx is refused.
// ModelVersion.path is stored relative to the models root (or the shipped models) and resolved at load:
// models-root.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluateOnReferenceCohort, verifyJointModelFolder, type ReferenceEvaluation } from '@oncoboard/fusion-model';
import type { Store } from '@oncoboard/store';
import { resolveStoredModelPath, storedModelPath } from './models-root';

export interface ModelVersionSummary {
  /** "<modelId>@<version>" */
  id: string;
  modelId: string;
  version: string;
  sha256: string;
  /** The version folder, resolved for this process (absolute). */
  path: string;
  /** ModelVersion.path as stored: relative to the models root, "shipped:<name>/<version>", or absolute (older rows). */
  storedPath: string;
  synthetic: boolean;
  active: boolean;
  createdAt: Date;
}

export interface ModelVersionDetail extends ModelVersionSummary {
  card: string;
  metrics: Record<string, unknown>;
  referenceEvaluation: ReferenceEvaluation | null;
}

/** A version folder, or a model folder whose active.json names the version. */
export function resolveModelVersionFolder(folder: string): string {
  const dir = resolve(folder);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  const activePath = join(dir, 'active.json');
  if (existsSync(activePath)) {
    let version: unknown;
    try {
      version = (JSON.parse(readFileSync(activePath, 'utf8')) as { version?: unknown }).version;
    } catch (error) {
      throw new Error(`${activePath}: expected JSON like {"version": "1.0.0"} (${(error as Error).message})`);
    }
    if (typeof version !== 'string') throw new Error(`${activePath}: version: expected a string, found ${JSON.stringify(version)}`);
    return join(dir, version);
  }
  throw new Error(`${dir}: expected a model version folder (with manifest.json) or a model folder (with active.json)`);
}

function readJsonFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new Error(`${path}: missing (a model version folder holds metrics.json)`);
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

/**
 * Registers a version folder (checked: manifest, ONNX files, hashes) as a ModelVersion; `activate` (default true)
 * makes it the store's only active version. Registering the same folder again changes nothing but `active`.
 */
export async function registerModelVersion(store: Store, folder: string, options: { activate?: boolean } = {}): Promise<ModelVersionSummary> {
  const versionFolder = resolveModelVersionFolder(folder);
  const model = verifyJointModelFolder(versionFolder);
  const { name, version } = model.manifest;
  const id = `${name}@${version}`;
  const sha256 = model.manifest.files.model.sha256;
  const existing = await store.prisma.modelVersion.findUnique({ where: { id } });
  if (existing && existing.sha256 !== sha256) {
    throw new Error(`${versionFolder}: model ${id} is already registered with model.onnx sha256 ${existing.sha256}, this folder has ${sha256}; versions are never overwritten (bump the version)`);
  }
  const activate = options.activate ?? true;
  const storedPath = storedModelPath(versionFolder);
  let data: { card: string; metricsJson: string } | undefined;
  if (!existing) {
    const cardPath = join(versionFolder, 'MODEL_CARD.md');
    if (!existsSync(cardPath)) throw new Error(`${cardPath}: missing (every model version ships its model card)`);
    const metrics = readJsonFile(join(versionFolder, 'metrics.json'));
    data = { card: readFileSync(cardPath, 'utf8'), metricsJson: JSON.stringify({ ...metrics, referenceEvaluation: evaluateOnReferenceCohort(model) }) };
  }
  const row = await store.prisma.$transaction(async (tx) => {
    if (data) {
      await tx.modelVersion.create({
        data: { id, modelId: name, version, sha256, path: storedPath, card: data.card, metricsJson: data.metricsJson, synthetic: model.manifest.training.synthetic, active: false },
      });
    } else if (existing!.path !== storedPath) {
      await tx.modelVersion.update({ where: { id }, data: { path: storedPath } });
    }
    if (activate) {
      await tx.modelVersion.updateMany({ where: { active: true, NOT: { id } }, data: { active: false } });
      await tx.modelVersion.update({ where: { id }, data: { active: true } });
    }
    return tx.modelVersion.findUniqueOrThrow({ where: { id } });
  });
  return summaryOf(row);
}

type ModelVersionRow = { id: string; modelId: string; version: string; sha256: string; path: string; synthetic: boolean; active: boolean; createdAt: Date; card: string; metricsJson: string };

function summaryOf(row: ModelVersionRow): ModelVersionSummary {
  return { id: row.id, modelId: row.modelId, version: row.version, sha256: row.sha256, path: resolveStoredModelPath(row.path), storedPath: row.path, synthetic: row.synthetic, active: row.active, createdAt: row.createdAt };
}

function detailOf(row: ModelVersionRow): ModelVersionDetail {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(row.metricsJson) as Record<string, unknown>;
  } catch {
    throw new Error(`ModelVersion ${row.id}: metricsJson is not valid JSON`);
  }
  const { referenceEvaluation, ...metrics } = parsed;
  return { ...summaryOf(row), card: row.card, metrics, referenceEvaluation: (referenceEvaluation as ReferenceEvaluation | undefined) ?? null };
}

export async function listModelVersions(store: Store): Promise<ModelVersionDetail[]> {
  const rows = await store.prisma.modelVersion.findMany({ orderBy: [{ modelId: 'asc' }, { createdAt: 'asc' }] });
  return rows.map(detailOf);
}

export async function getModelVersion(store: Store, id: string): Promise<ModelVersionDetail | null> {
  const row = await store.prisma.modelVersion.findUnique({ where: { id } });
  return row ? detailOf(row) : null;
}

/** The active version of `modelId`; without a model id, the only active version (an error when several models have one). */
export async function findActiveModelVersion(store: Store, modelId?: string): Promise<ModelVersionSummary | null> {
  const rows = await store.prisma.modelVersion.findMany({ where: { active: true, ...(modelId ? { modelId } : {}) }, orderBy: { modelId: 'asc' } });
  if (rows.length > 1) throw new Error(`several models have an active version (${rows.map((r) => r.id).join(', ')}): name one with --model`);
  return rows[0] ? summaryOf(rows[0]) : null;
}
