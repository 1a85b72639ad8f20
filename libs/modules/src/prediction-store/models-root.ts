// Where ModelVersion.path points. Stored relative so a moved data folder (or repository) keeps working:
// - "<name>/<version>"          a folder under the models root: ONCOBOARD_MODELS_DIR, default <repo>/data/models;
// - "shipped:<name>/<version>"  a model shipped in the repository (libs/fusion-model/models, e.g. the demo);
// - an absolute path            any other folder, and every row registered before paths were relative.
// The stored form is resolved at load, against the roots of the running process.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const libsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The repository's shipped models (libs/fusion-model/models). */
export const SHIPPED_MODELS_ROOT = join(libsRoot, 'fusion-model', 'models');
/** The models root when ONCOBOARD_MODELS_DIR is not set: under the data folder (next to data/oncoboard.db). */
export const DEFAULT_MODELS_ROOT = join(libsRoot, '..', 'data', 'models');

const SHIPPED = 'shipped:';

export function modelsRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.ONCOBOARD_MODELS_DIR?.trim();
  return resolve(configured ? configured : DEFAULT_MODELS_ROOT);
}

/** `folder` below `root` (not the root itself) as a "/"-separated relative path, else null. */
function below(root: string, folder: string): string | null {
  const rel = relative(root, folder);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

/** The form of an (absolute) version folder that ModelVersion.path stores. */
export function storedModelPath(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  const absolute = resolve(folder);
  const underModels = below(modelsRoot(env), absolute);
  if (underModels) return underModels;
  const shipped = below(SHIPPED_MODELS_ROOT, absolute);
  if (shipped) return `${SHIPPED}${shipped}`;
  return absolute;
}

/** The folder a stored ModelVersion.path names, in this process. */
export function resolveStoredModelPath(stored: string, env: NodeJS.ProcessEnv = process.env): string {
  if (stored.startsWith(SHIPPED)) return join(SHIPPED_MODELS_ROOT, stored.slice(SHIPPED.length));
  if (isAbsolute(stored)) return stored;
  return join(modelsRoot(env), stored);
}
