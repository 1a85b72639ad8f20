import { ModalityModuleRegistry } from '@oncoboard/fusion-model';
import { REGISTERED_MODULES } from './registered-modules';

/** A registry holding every module of REGISTERED_MODULES (a new one per call: registries are cheap, modules are shared). */
export function createPlatformModuleRegistry(): ModalityModuleRegistry {
  const registry = new ModalityModuleRegistry();
  for (const module of REGISTERED_MODULES) registry.register(module);
  return registry;
}

/** What the API and web show of a module. */
export interface ModuleDescription {
  id: string;
  version: string;
  modality: string;
  vectorSize: number;
  description: string;
}

export function describeModules(registry: ModalityModuleRegistry = createPlatformModuleRegistry()): ModuleDescription[] {
  return registry.list().map((m) => ({ id: m.id, version: m.version, modality: m.modality, vectorSize: m.vectorSize, description: m.description ?? '' }));
}
