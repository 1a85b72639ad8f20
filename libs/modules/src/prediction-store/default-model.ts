import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped demo model (SYNTHETIC): libs/fusion-model/models/clinical-joint-demo, version from its active.json. */
export const DEFAULT_MODEL_FOLDER = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'fusion-model', 'models', 'clinical-joint-demo');
