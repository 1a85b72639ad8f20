import { describe, expect, it } from 'vitest';
import { buildJsonTree, isWithinPath, jsonLines, parseElementPath, resolveElementPath, rootPathOf } from './json-paths';

const observation = {
  resourceType: 'Observation',
  id: 'tumor-marker-test-er-jenny-m',
  code: { coding: [{ system: 'http://loinc.org', code: '16112-5', display: 'Estrogen receptor' }] },
  extension: [
    { url: 'http://example.org/a', valueString: 'first' },
    { url: 'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-related-condition', valueReference: { reference: 'Condition/x' } },
  ],
  component: [
    { code: { text: 'c0' }, valueQuantity: { value: 1 } },
    { code: { text: 'c1' }, valueString: 's' },
    { code: { text: 'c2' }, valueCodeableConcept: { coding: [{ code: 'LA6576-8', display: 'Positive' }] } },
  ],
  valueCodeableConcept: { coding: [{ code: '10828004', display: 'Positive' }] },
  empty: [],
  nothing: null,
};

describe('json paths', () => {
  const tree = buildJsonTree(observation);

  it('names the root by its resourceType, or "$" for plain JSON', () => {
    expect(rootPathOf(observation)).toBe('Observation');
    expect(rootPathOf([1, 2])).toBe('$');
    expect(rootPathOf({ a: 1 })).toBe('$');
    expect(tree.path).toBe('Observation');
  });

  it('prints exactly what JSON.stringify(v, null, 2) prints, line by line', () => {
    const printed = jsonLines(tree)
      .map((l) => `${'  '.repeat(l.depth)}${l.key !== undefined ? `${JSON.stringify(l.key)}: ` : ''}${l.text}${l.comma ? ',' : ''}`)
      .join('\n');
    expect(printed).toBe(JSON.stringify(observation, null, 2));
  });

  it('gives every line the path of its node (opening and closing brackets alike)', () => {
    const lines = jsonLines(tree);
    const component2 = lines.filter((l) => l.path === 'Observation.component[2]');
    expect(component2.map((l) => l.text)).toEqual(['{', '}']);
    expect(lines.find((l) => l.key === 'display' && l.text === '"Positive"' && l.path.includes('component'))?.path).toBe(
      'Observation.component[2].valueCodeableConcept.coding[0].display',
    );
  });

  it('splits paths into segments, keeping dots inside where() and quotes', () => {
    expect(parseElementPath('Observation.component[2].valueCodeableConcept')).toEqual([
      { name: 'Observation' },
      { name: 'component', index: 2 },
      { name: 'valueCodeableConcept' },
    ]);
    expect(parseElementPath("Condition.extension.where(url='http://a.b/c.d').valueDateTime")).toEqual([
      { name: 'Condition' },
      { name: 'extension' },
      { name: "where(url='http://a.b/c.d')" },
      { name: 'valueDateTime' },
    ]);
    expect(parseElementPath('Observation.value[x]')).toEqual([{ name: 'Observation' }, { name: 'value[x]' }]);
  });

  it('resolves an exact element path', () => {
    const r = resolveElementPath(tree, 'Observation.component[2].valueCodeableConcept');
    expect(r).toMatchObject({ exact: true, path: 'Observation.component[2].valueCodeableConcept' });
    expect(r.node.kind).toBe('object');
    expect(resolveElementPath(tree, 'Observation.code.coding[0].code')).toMatchObject({ exact: true, path: 'Observation.code.coding[0].code' });
    expect(resolveElementPath(tree, 'Observation')).toMatchObject({ exact: true, path: 'Observation' });
  });

  it('resolves choice elements named by their base, singleton indexes, a missing root and extension filters', () => {
    expect(resolveElementPath(tree, 'Observation.value')).toMatchObject({ exact: true, path: 'Observation.valueCodeableConcept' });
    expect(resolveElementPath(tree, 'Observation.value[x]')).toMatchObject({ exact: true, path: 'Observation.valueCodeableConcept' });
    expect(resolveElementPath(tree, 'Observation.component[0].value')).toMatchObject({ exact: true, path: 'Observation.component[0].valueQuantity' });
    expect(resolveElementPath(tree, 'Observation.code[0].coding[0]')).toMatchObject({ exact: true, path: 'Observation.code.coding[0]' });
    expect(resolveElementPath(tree, 'component[1].valueString')).toMatchObject({ exact: true, path: 'Observation.component[1].valueString' });
    expect(
      resolveElementPath(tree, "Observation.extension.where(url='http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-related-condition').valueReference"),
    ).toMatchObject({ exact: true, path: 'Observation.extension[1].valueReference' });
    expect(resolveElementPath(tree, "Observation.extension('http://example.org/a').value")).toMatchObject({ exact: true, path: 'Observation.extension[0].valueString' });
  });

  it('falls back to the deepest existing ancestor and names the missing segment', () => {
    expect(resolveElementPath(tree, 'Observation.component[7].code')).toMatchObject({ exact: false, path: 'Observation.component', missing: 'component[7]' });
    expect(resolveElementPath(tree, 'Observation.component[2].interpretation')).toMatchObject({
      exact: false,
      path: 'Observation.component[2]',
      missing: 'interpretation',
    });
    expect(resolveElementPath(tree, 'Condition.code')).toMatchObject({ exact: false, path: 'Observation', missing: 'Condition' });
    // "valueX" must not match a member that merely starts with the same letters in lower case
    expect(resolveElementPath(tree, 'Observation.emp')).toMatchObject({ exact: false, missing: 'emp' });
  });

  it('decides which lines lie within a highlighted element', () => {
    expect(isWithinPath('Observation.component[2].code', 'Observation.component[2]')).toBe(true);
    expect(isWithinPath('Observation.component[2]', 'Observation.component[2]')).toBe(true);
    expect(isWithinPath('Observation.component[2]', 'Observation.component')).toBe(true);
    expect(isWithinPath('Observation.component[20]', 'Observation.component[2]')).toBe(false);
    expect(isWithinPath('Observation.codeX', 'Observation.code')).toBe(false);
    const lines = jsonLines(tree).filter((l) => isWithinPath(l.path, 'Observation.component[2].valueCodeableConcept'));
    // "valueCodeableConcept": {, "coding": [, {, "code", "display", }, ], }
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatchObject({ key: 'valueCodeableConcept', text: '{' });
    expect(lines[lines.length - 1]).toMatchObject({ text: '}', comma: false });
  });

  it('handles scalars, empty containers and non-resource JSON', () => {
    const plain = buildJsonTree([1, 'a', { b: [] }]);
    expect(plain.path).toBe('$');
    const lines = jsonLines(plain);
    expect(lines.map((l) => l.path)).toEqual(['$', '$[0]', '$[1]', '$[2]', '$[2].b', '$[2]', '$']);
    expect(resolveElementPath(plain, '$[2].b')).toMatchObject({ exact: true, path: '$[2].b' });
  });
});
