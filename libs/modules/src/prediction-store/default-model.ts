import { join } from 'node:path';
import { SHIPPED_MODELS_ROOT } from './models-root';

/**
 * The shipped default model (SYNTHETIC): libs/fusion-model/models/multimodal-joint-demo, version from its active.json —
 * the four modalities of the platform registry, trained by tools/synth-cohort/train-demo-model.ts. The clinical-only
 * clinical-joint-demo stays shipped as a test fixture, not as the default.
 */
export const DEFAULT_MODEL_FOLDER = join(SHIPPED_MODELS_ROOT, 'multimodal-joint-demo');
