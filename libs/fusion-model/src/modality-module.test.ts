import { describe, expect, it } from 'vitest';
import type { Fact } from '@oncoboard/facts';
import { ModalityModuleRegistry, type ModalityModule } from './modality-module';

const ageFact: Fact = {
  kind: 'patient',
  patientKey: 'Patient/p1',
  attributes: { birthDate: '1960-05-01' },
  provenance: [{ sourceRecordKey: 'fhir/Patient/p1', elementPath: 'Patient.birthDate' }],
};

function birthYearModule(vectorSize = 1): ModalityModule<{ year: number; fact: Fact }> {
  return {
    id: 'birth-year',
    version: '1.0.0',
    modality: 'clinical',
    vectorSize,
    collectInputs: (_key, facts) => {
      const fact = facts.find((f) => f.kind === 'patient' && typeof f.attributes.birthDate === 'string');
      return fact ? { year: Number(String(fact.attributes.birthDate).slice(0, 4)), fact } : undefined;
    },
    encode: ({ year, fact }) => ({ vector: new Float32Array([year / 1000]), usedEvidence: fact.provenance, inputHash: String(year) }),
  };
}

describe('ModalityModuleRegistry', () => {
  it('encodes a patient with provenance and reports a missing modality as undefined', async () => {
    const registry = new ModalityModuleRegistry();
    registry.register(birthYearModule());
    const encoding = await registry.encodePatient('birth-year', 'Patient/p1', [ageFact]);
    expect(encoding?.moduleVersion).toBe('1.0.0');
    expect(encoding?.vector[0]).toBeCloseTo(1.96, 5);
    expect(encoding?.usedEvidence).toEqual([{ sourceRecordKey: 'fhir/Patient/p1', elementPath: 'Patient.birthDate' }]);
    expect(await registry.encodePatient('birth-year', 'Patient/p2', [])).toBeUndefined();
  });

  it('refuses duplicate ids, bad ids and vectors of the wrong size', async () => {
    const registry = new ModalityModuleRegistry();
    registry.register(birthYearModule());
    expect(() => registry.register(birthYearModule())).toThrow('modality module birth-year is already registered');
    expect(() => registry.register({ ...birthYearModule(), id: 'Bad Id' })).toThrow('modality module id "Bad Id": expected lowercase letters, digits and dashes');
    const wrong = new ModalityModuleRegistry();
    wrong.register(birthYearModule(3));
    await expect(wrong.encodePatient('birth-year', 'Patient/p1', [ageFact])).rejects.toThrow('encode returned 1 values, expected vectorSize 3');
  });
});
