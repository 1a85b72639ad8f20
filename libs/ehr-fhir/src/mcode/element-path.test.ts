import { describe, expect, it } from 'vitest';
import { loadExample } from './__fixtures__/load-examples';
import { resolveElementPath } from './element-path';

describe('resolveElementPath', () => {
  const variant = loadExample('Observation-genomic-variant-jenny-m.json');
  const ecog = loadExample('Observation-ecog-performance-status-jenny-m.json');

  it('resolves a component value, a coding inside it and a field of that coding', () => {
    expect(resolveElementPath(variant, 'Observation.component[2].valueCodeableConcept')).toEqual({ coding: [{ system: 'http://varnomen.hgvs.org', code: 'NC_000016.10:g.23603471G>T' }] });
    expect(resolveElementPath(variant, 'Observation.component[1].valueCodeableConcept.coding[0].display')).toBe('NM_024675.3(PALB2):c.3549C>A (p.Tyr1183Ter)');
    expect(resolveElementPath(variant, 'Observation.effectiveDateTime')).toBe('2018-03-15');
  });

  it('gives the resource itself for its type alone, and a whole list for a segment without index', () => {
    expect(resolveElementPath(variant, 'Observation')).toBe(variant);
    expect(resolveElementPath(variant, 'Observation.component')).toHaveLength(4);
  });

  it('keeps falsy values (0, false) distinct from absent elements', () => {
    expect(resolveElementPath(ecog, 'Observation.valueInteger')).toBe(0);
    expect(resolveElementPath({ resourceType: 'Patient', deceasedBoolean: false }, 'Patient.deceasedBoolean')).toBe(false);
  });

  it('answers undefined for paths that are not in the resource', () => {
    expect(resolveElementPath(variant, 'Condition.code')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation.component[9].valueCodeableConcept')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation.valueQuantity')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation.code[0]')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation.component[0].valueCodeableConcept.coding[0].display.length')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation.component[-1]')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation..code')).toBeUndefined();
    expect(resolveElementPath(variant, '')).toBeUndefined();
    expect(resolveElementPath(undefined, 'Observation')).toBeUndefined();
  });

  it('never reaches inherited properties', () => {
    expect(resolveElementPath(variant, 'Observation.constructor')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation.__proto__')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation.component.length')).toBeUndefined();
    expect(resolveElementPath(variant, 'Observation.code.toString')).toBeUndefined();
  });
});
