import { describe, expect, it } from 'vitest';
import { clinicalModule } from '@oncoboard/fusion-model';
import { imagingModule } from '@oncoboard/imaging';
import { createPlatformModuleRegistry, describeModules } from './platform-registry';
import { REGISTERED_MODULES } from './registered-modules';

describe('the platform module registry', () => {
  it('registers every module of the list, clinical and imaging among them', () => {
    const registry = createPlatformModuleRegistry();
    expect(registry.list().map((m) => m.id)).toEqual(REGISTERED_MODULES.map((m) => m.id).sort());
    expect(registry.get('clinical')).toBe(clinicalModule);
    expect(registry.get(imagingModule.id)).toBe(imagingModule);
    expect(imagingModule.modality).toBe('imaging');
  });

  it('describes each module by id, version, modality, vector size and description', () => {
    const clinical = describeModules().find((m) => m.id === 'clinical');
    expect(clinical).toEqual({ id: 'clinical', version: clinicalModule.version, modality: 'clinical', vectorSize: clinicalModule.vectorSize, description: clinicalModule.description });
    for (const m of describeModules()) expect(m.vectorSize).toBeGreaterThan(0);
  });
});
