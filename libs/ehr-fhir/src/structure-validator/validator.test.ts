// Exact-message unit tests, one group per rule. Each case states the issues this validator reports and whether
// Medplum 4.5.2's validateResource reports the same errors ('same'), accepts the resource ('accepts': this
// validator is deliberately stricter), or differs in a documented way ('differs').
import { indexStructureDefinitionBundle } from '@medplum/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitionBundles } from './compile';
import type { R4StructureValidator, StructureIssue } from './index';
import { compileR4StructureValidator, getR4StructureValidator, validateR4Structure } from './index';
import { medplumValidate } from './test-support/differential';

type Issue = Pick<StructureIssue, 'expression' | 'message'> & Partial<StructureIssue>;
interface Case {
  name: string;
  resource: unknown;
  expected: Issue[];
  medplum: 'same' | 'accepts' | 'differs';
}

let bundles: unknown[];
let v: R4StructureValidator;

beforeAll(() => {
  bundles = loadDefinitionBundles();
  for (const b of bundles) indexStructureDefinitionBundle(b as never);
  v = compileR4StructureValidator({ bundles });
}, 60_000);

const key = (i: { expression?: string; message: string }): string => `${i.expression ?? ''} :: ${i.message}`;
const sortedKeys = (issues: { expression?: string; message: string }[]): string[] => issues.map(key).sort();

function check(c: Case, validator: R4StructureValidator = v): void {
  const ours = validator.validate(structuredClone(c.resource));
  expect(sortedKeys(ours)).toEqual(sortedKeys(c.expected));
  for (const e of c.expected) {
    const got = ours.find((o) => o.expression === e.expression && o.message === e.message)!;
    expect(got).toMatchObject(e);
  }
  const m = medplumValidate(c.resource);
  const mErrors = m.issues.filter((i) => i.severity === 'error' && i.code !== 'invariant');
  if (c.medplum === 'same') {
    expect(sortedKeys(mErrors)).toEqual(sortedKeys(c.expected.filter((e) => (e.severity ?? 'error') === 'error')));
  } else if (c.medplum === 'accepts') {
    expect(mErrors).toEqual([]);
  }
}

const obs = (extra: Record<string, unknown>): Record<string, unknown> => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'x' },
  ...extra,
});
const E = (expression: string, message: string, code: StructureIssue['code'] = 'structure'): Issue => ({
  severity: 'error',
  code,
  expression,
  message,
});

const run = (cases: Case[]): void => {
  for (const c of cases) it(c.name, () => check(c));
};

describe('valid resources', () => {
  run([
    { name: 'minimal Observation', resource: obs({}), expected: [], medplum: 'same' },
    {
      name: 'primitive extensions, aligned arrays with nulls, choice with its _ sibling',
      resource: {
        resourceType: 'Patient',
        name: [{ given: ['a', null], _given: [null, { extension: [{ url: 'http://x', valueString: 'b' }] }] }],
        birthDate: '2020-01-01',
        _birthDate: { extension: [{ url: 'http://x', valueDateTime: '2020-01-01T10:00:00+01:00' }] },
        _gender: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] },
        multipleBirthInteger: 2,
        _multipleBirthInteger: { id: 'm' },
      },
      expected: [],
      medplum: 'same',
    },
    {
      name: 'string with a non-breaking space (XML-Schema \\s in the definitions regex)',
      resource: { resourceType: 'Patient', name: [{ family: 'van\u00a0Dam' }] },
      expected: [],
      medplum: 'same',
    },
  ]);
});

describe('resourceType', () => {
  run([
    { name: 'unknown', resource: { resourceType: 'Foo' }, expected: [E('resourceType', 'Unknown data type: Foo', 'invalid')], medplum: 'differs' },
    { name: 'missing', resource: { id: 'x' }, expected: [E('resourceType', 'Missing resource type', 'invalid')], medplum: 'differs' },
    { name: 'a datatype', resource: { resourceType: 'HumanName', family: 'x' }, expected: [E('resourceType', 'Unknown resource type: HumanName', 'invalid')], medplum: 'accepts' },
    {
      name: 'contained of unknown type',
      resource: { resourceType: 'Patient', contained: [{ resourceType: 'Foo' }] },
      expected: [E('Patient.contained[0].resourceType', 'Unknown data type: Foo', 'invalid')],
      medplum: 'differs',
    },
    {
      name: 'contained without resourceType (validated as Resource, like Medplum)',
      resource: { resourceType: 'Patient', contained: [{ id: 'a', foo: 1 }] },
      expected: [E('Patient.contained[0]', 'Missing resource type', 'invalid'), E('Patient.contained[0].foo', 'Invalid additional property "foo"')],
      medplum: 'differs',
    },
  ]);
  it('never throws on a non-object', () => {
    expect(v.validate([])).toEqual([E('', 'Invalid JSON type: expected object, but got array', 'invalid')]);
    expect(v.validate(null)).toEqual([E('', 'Invalid JSON type: expected object, but got null', 'invalid')]);
    expect(v.validate('Patient')).toEqual([E('', 'Invalid JSON type: expected object, but got string', 'invalid')]);
  });
});

describe('required elements', () => {
  run([
    { name: 'top level', resource: { resourceType: 'Observation', code: { text: 'x' } }, expected: [E('Observation.status', 'Missing required property', 'required')], medplum: 'same' },
    {
      name: 'in a BackboneElement',
      resource: obs({ component: [{ code: { text: 'a' } }, { code: { text: 'b' } }, { valueString: 'c' }] }),
      expected: [E('Observation.component[2].code', 'Missing required property', 'required')],
      medplum: 'same',
    },
    {
      name: 'required choice element',
      resource: { resourceType: 'Group', type: 'person', actual: true, characteristic: [{ code: { text: 'c' }, exclude: false }] },
      expected: [E('Group.characteristic[0].value[x]', 'Missing required property', 'required')],
      medplum: 'same',
    },
    {
      name: 'Extension.url',
      resource: { resourceType: 'Patient', extension: [{ valueString: 'x' }] },
      expected: [E('Patient.extension[0].url', 'Missing required property', 'required')],
      medplum: 'same',
    },
    {
      name: 'an empty string counts as missing',
      resource: obs({ status: '' }),
      expected: [E('Observation.status', 'Missing required property', 'required'), E('Observation.status', 'String must contain non-whitespace content', 'value')],
      medplum: 'differs',
    },
    {
      name: 'a primitive extension alone satisfies a required primitive',
      resource: obs({ status: undefined, _status: { extension: [{ url: 'http://x', valueString: 'y' }] } }),
      expected: [],
      medplum: 'same',
    },
  ]);
});

describe('cardinality and shape', () => {
  run([
    { name: 'array for a singleton', resource: obs({ code: [{ text: 'x' }] }), expected: [E('Observation.code', 'Expected single value for property')], medplum: 'same' },
    {
      name: 'array for a singleton inside an array: Medplum drops the indexes',
      resource: obs({ component: [{ code: { text: 'a' } }, { code: [{ text: 'b' }] }] }),
      expected: [E('Observation.component.code', 'Expected single value for property')],
      medplum: 'same',
    },
    { name: 'non-array for an array', resource: obs({ identifier: { value: 'a' } }), expected: [E('Observation.identifier', 'Expected array of values for property')], medplum: 'same' },
    { name: 'array for a primitive singleton', resource: obs({ status: ['final'] }), expected: [E('Observation.status', 'Expected single value for property')], medplum: 'same' },
    {
      name: 'primitive singleton for an array',
      resource: { resourceType: 'Patient', name: [{ given: 'Ann' }] },
      expected: [E('Patient.name.given', 'Expected array of values for property')],
      medplum: 'same',
    },
  ]);
  it('indexedPaths keeps the array indexes', () => {
    const indexed = compileR4StructureValidator({ bundles, indexedPaths: true });
    expect(indexed.validate(obs({ component: [{ code: { text: 'a' } }, { code: [{ text: 'b' }] }] }))).toEqual([
      E('Observation.component[1].code', 'Expected single value for property'),
    ]);
  });
  it('max cardinality below the base (a constrained definition): Medplum\'s "Invalid number of values"', () => {
    const copy = structuredClone(bundles) as { entry: { resource: { name?: string; snapshot?: { element: { path: string; max?: string }[] } } }[] }[];
    const patient = copy[1]!.entry.find((e) => e.resource.name === 'Patient')!.resource;
    patient.snapshot!.element.find((e) => e.path === 'Patient.name')!.max = '1';
    const constrained = compileR4StructureValidator({ bundles: copy });
    const r = { resourceType: 'Patient', name: [{ family: 'a' }, { family: 'b' }] };
    expect(constrained.validate(r)).toEqual([E('Patient.name', 'Invalid number of values: expected 0..1, but found 2')]);
  });
});

describe('unknown properties', () => {
  run([
    { name: 'top level', resource: obs({ foo: 1 }), expected: [E('Observation.foo', 'Invalid additional property "foo"')], medplum: 'same' },
    {
      name: 'deep, in an Extension value',
      resource: { resourceType: 'Patient', extension: [{ url: 'http://x', valueCoding: { code: 'a', foo: 1 } }] },
      expected: [E('Patient.extension[0].value[x].foo', 'Invalid additional property "foo"')],
      medplum: 'same',
    },
    { name: 'unknown _ sibling', resource: obs({ _foo: { id: 'x' } }), expected: [E('Observation._foo', 'Invalid additional property "_foo"')], medplum: 'same' },
    { name: '_ sibling of a complex element', resource: obs({ _code: { id: 'x' } }), expected: [E('Observation._code', 'Invalid additional property "_code"')], medplum: 'accepts' },
    {
      name: 'in a primitive extension',
      resource: { resourceType: 'Patient', birthDate: '2020-01-01', _birthDate: { foo: 1 } },
      expected: [E('Patient.birthDate.foo', 'Invalid additional property "foo"')],
      medplum: 'same',
    },
    { name: 'resourceType inside a datatype', resource: obs({ code: { text: 'x', resourceType: 'CodeableConcept' } }), expected: [E('Observation.code.resourceType', 'Invalid additional property "resourceType"')], medplum: 'accepts' },
  ]);
});

describe('choice types', () => {
  run([
    { name: 'unknown suffix', resource: obs({ valueFoo: 1 }), expected: [E('Observation.valueFoo', 'Invalid additional property "valueFoo"')], medplum: 'same' },
    { name: 'a FHIR type that is not allowed here', resource: obs({ valueAddress: { city: 'x' } }), expected: [E('Observation.valueAddress', 'Invalid additional property "valueAddress"')], medplum: 'same' },
    {
      name: 'two suffixes (Medplum: warning)',
      resource: obs({ valueString: 'a', valueBoolean: true }),
      expected: [E('Observation.valueBoolean', 'Conflicting choice of type properties: "valueBoolean", "valueString"')],
      medplum: 'accepts',
    },
    {
      name: '_ sibling of another type (Medplum: warning)',
      resource: obs({ valueString: 'a', _valueBoolean: { id: 'x' } }),
      expected: [E('Observation._valueBoolean', 'Type of primitive extension does not match the type of property "value[x]"')],
      medplum: 'accepts',
    },
    {
      name: 'valid suffix, wrong JSON type',
      resource: obs({ valueQuantity: true }),
      expected: [E('Observation.value[x]', 'Invalid JSON type: expected object, but got boolean')],
      medplum: 'accepts',
    },
    { name: 'value errors are reported at value[x]', resource: obs({ effectiveDateTime: '2020-13' }), expected: [E('Observation.effective[x]', 'Invalid dateTime format', 'value')], medplum: 'same' },
    {
      name: 'empty choice value: at the actual key (Medplum: "Invalid additional property")',
      resource: obs({ valueString: '' }),
      expected: [E('Observation.valueString', 'String must contain non-whitespace content', 'value')],
      medplum: 'differs',
    },
  ]);
});

describe('nested types, contentReference, contained resources', () => {
  run([
    {
      name: 'datatype inside a BackboneElement',
      resource: obs({ component: [{ code: { text: 'a' }, valueQuantity: { value: '1' } }] }),
      expected: [E('Observation.component[0].value[x].value', 'Invalid JSON type: expected number, but got string', 'value')],
      medplum: 'same',
    },
    {
      name: 'Reference, CodeableConcept, Coding',
      resource: obs({ subject: { reference: 'Patient/1', display: 7 }, category: [{ coding: [{ system: 'http://x', code: 'a', userSelected: 'yes' }] }] }),
      expected: [
        E('Observation.subject.display', 'Invalid JSON type: expected string, but got number', 'value'),
        E('Observation.category[0].coding[0].userSelected', 'Invalid JSON type: expected boolean, but got string', 'value'),
      ],
      medplum: 'same',
    },
    {
      name: 'Questionnaire.item.item (contentReference)',
      resource: { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: '1', type: 'group', item: [{ type: 'string', foo: 1 }] }] },
      expected: [E('Questionnaire.item[0].item[0].linkId', 'Missing required property', 'required'), E('Questionnaire.item[0].item[0].foo', 'Invalid additional property "foo"')],
      medplum: 'same',
    },
    {
      name: 'Bundle.entry.link (contentReference to Bundle.link)',
      resource: { resourceType: 'Bundle', type: 'collection', entry: [{ link: [{ url: 'http://x' }] }] },
      expected: [E('Bundle.entry[0].link[0].relation', 'Missing required property', 'required')],
      medplum: 'same',
    },
    {
      name: 'Bundle.entry.resource validated by its own resourceType',
      resource: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Observation', status: 'final', valueFoo: 1 } }] },
      expected: [E('Bundle.entry[0].resource.code', 'Missing required property', 'required'), E('Bundle.entry[0].resource.valueFoo', 'Invalid additional property "valueFoo"')],
      medplum: 'same',
    },
    {
      name: 'contained',
      resource: { resourceType: 'Patient', contained: [{ resourceType: 'Organization', name: ['x'] }] },
      expected: [E('Patient.contained.name', 'Expected single value for property')],
      medplum: 'same',
    },
  ]);
});

describe('primitive values', () => {
  run([
    { name: 'Resource.id (typed id by the spec; `string` in the R4 snapshot)', resource: obs({ id: 'a b' }), expected: [E('Observation.id', 'Invalid id format', 'value')], medplum: 'accepts' },
    { name: 'date', resource: { resourceType: 'Patient', birthDate: '2020-02-30T' }, expected: [E('Patient.birthDate', 'Invalid date format', 'value')], medplum: 'same' },
    { name: 'dateTime', resource: obs({ effectiveDateTime: '2020/01/01' }), expected: [E('Observation.effective[x]', 'Invalid dateTime format', 'value')], medplum: 'same' },
    {
      name: 'dateTime with a time but no time zone (definitions regex)',
      resource: obs({ effectiveDateTime: '2020-01-01T10:00:00' }),
      expected: [E('Observation.effective[x]', 'Invalid dateTime format', 'value')],
      medplum: 'accepts',
    },
    { name: 'instant', resource: obs({ issued: '2020-01-01T10:00:00' }), expected: [E('Observation.issued', 'Invalid instant format', 'value')], medplum: 'same' },
    { name: 'time', resource: obs({ valueTime: '25:00:00' }), expected: [E('Observation.value[x]', 'Invalid time format', 'value')], medplum: 'same' },
    { name: 'uri', resource: obs({ implicitRules: 'http://exa mple.org' }), expected: [E('Observation.implicitRules', 'Invalid uri format', 'value')], medplum: 'same' },
    { name: 'canonical', resource: { resourceType: 'Patient', meta: { profile: ['http://x y'] } }, expected: [E('Patient.meta.profile[0]', 'Invalid canonical format', 'value')], medplum: 'same' },
    { name: 'code', resource: obs({ language: 'en  US' }), expected: [E('Observation.language', 'Invalid code format', 'value')], medplum: 'same' },
    { name: 'base64Binary', resource: { resourceType: 'Binary', contentType: 'text/plain', data: 'abc' }, expected: [E('Binary.data', 'Invalid base64Binary format', 'value')], medplum: 'same' },
    { name: 'string with a control character', resource: obs({ valueString: 'a\u0001b' }), expected: [E('Observation.value[x]', 'Invalid string format', 'value')], medplum: 'same' },
    { name: 'blank string', resource: obs({ valueString: '  ' }), expected: [E('Observation.value[x]', 'String must contain non-whitespace content', 'value')], medplum: 'same' },
    { name: 'decimal as a string', resource: obs({ valueQuantity: { value: '1.0' } }), expected: [E('Observation.value[x].value', 'Invalid JSON type: expected number, but got string', 'value')], medplum: 'same' },
    { name: 'integer', resource: obs({ valueInteger: 1.5 }), expected: [E('Observation.value[x]', 'Expected number to be an integer', 'value')], medplum: 'same' },
    { name: 'integer beyond 32 bits', resource: obs({ valueInteger: 3000000000 }), expected: [E('Observation.value[x]', 'Expected number to be a 32-bit integer', 'value')], medplum: 'accepts' },
    { name: 'unsignedInt 0 and integer 1 are valid', resource: { resourceType: 'Patient', photo: [{ size: 0 }], multipleBirthInteger: 1 }, expected: [], medplum: 'same' },
    {
      name: 'positiveInt and unsignedInt',
      resource: { resourceType: 'ImmunizationRecommendation', patient: { reference: 'Patient/1' }, date: '2020', recommendation: [{ forecastStatus: { text: 'x' }, doseNumberPositiveInt: 0 }], _date: { id: 'd' } },
      expected: [E('ImmunizationRecommendation.recommendation[0].doseNumber[x]', 'Expected number to be positive', 'value')],
      medplum: 'same',
    },
    { name: 'unsignedInt', resource: { resourceType: 'Patient', photo: [{ size: -1 }] }, expected: [E('Patient.photo[0].size', 'Expected number to be non-negative', 'value')], medplum: 'same' },
    { name: 'boolean as a string', resource: { resourceType: 'Patient', active: 'true' }, expected: [E('Patient.active', 'Invalid JSON type: expected boolean, but got string', 'value')], medplum: 'same' },
    { name: 'number for a string', resource: obs({ valueString: 42 }), expected: [E('Observation.value[x]', 'Invalid JSON type: expected string, but got number', 'value')], medplum: 'same' },
    {
      name: 'object for a primitive: a type error, and validated as an Element like Medplum does',
      resource: obs({ status: { foo: 1 } }),
      expected: [E('Observation.status', 'Invalid JSON type: expected string, but got object', 'value'), E('Observation.status.foo', 'Invalid additional property "foo"')],
      medplum: 'differs',
    },
  ]);
  it('a long base64Binary with many whitespace runs and a bad end is rejected fast (no regex backtracking blow-up)', () => {
    const data = 'QUJD\r\n'.repeat(5_000) + 'A';
    const t0 = performance.now();
    expect(v.validate({ resourceType: 'Binary', contentType: 'text/plain', data })).toEqual([E('Binary.data', 'Invalid base64Binary format', 'value')]);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
  it("formats: 'medplum' uses Medplum's regexes only", () => {
    const lenient = compileR4StructureValidator({ bundles, formats: 'medplum' });
    expect(lenient.validate(obs({ id: 'a b', effectiveDateTime: '2020-01-01T10:00:00', valueInteger: 3000000000 }))).toEqual([]);
    expect(lenient.validate(obs({ effectiveDateTime: '2020/01/01' }))).toEqual([E('Observation.effective[x]', 'Invalid dateTime format', 'value')]);
  });
});

describe('empty values and nulls', () => {
  run([
    { name: 'empty object (Medplum: treated as absent)', resource: obs({ method: {} }), expected: [E('Observation.method', 'Invalid empty non-primitive value')], medplum: 'accepts' },
    { name: 'empty array (Medplum: treated as absent)', resource: obs({ identifier: [] }), expected: [E('Observation.identifier', 'Invalid empty value')], medplum: 'accepts' },
    { name: 'empty string (Medplum: treated as absent)', resource: obs({ subject: { reference: '' } }), expected: [E('Observation.subject.reference', 'String must contain non-whitespace content', 'value')], medplum: 'accepts' },
    {
      name: 'empty object in an array',
      resource: obs({ component: [{ code: { text: 'a' } }, {}] }),
      expected: [E('Observation.component[1]', 'Invalid empty non-primitive value'), E('Observation.component[1].code', 'Missing required property', 'required')],
      medplum: 'same',
    },
    { name: 'empty string in an array', resource: { resourceType: 'Patient', name: [{ given: [''] }] }, expected: [E('Patient.name[0].given[0]', 'String must contain non-whitespace content', 'value')], medplum: 'same' },
    { name: 'null property', resource: obs({ valueQuantity: { value: 1, unit: null } }), expected: [E('Observation.valueQuantity.unit', 'Invalid null value')], medplum: 'same' },
    { name: 'null in an array without an extension', resource: { resourceType: 'Patient', name: [{ given: ['a', null] }] }, expected: [E('Patient.name[0].given[1]', 'Invalid null value')], medplum: 'same' },
    {
      name: 'null complex item',
      resource: { resourceType: 'Patient', name: [null] },
      expected: [E('Patient.name[0]', 'Invalid null value'), E('Patient.name[0]', 'Invalid empty non-primitive value')],
      medplum: 'same',
    },
  ]);
});

describe('primitive extensions', () => {
  run([
    { name: '_x not an object', resource: { resourceType: 'Patient', birthDate: '2020', _birthDate: 'x' }, expected: [E('Patient._birthDate', 'Invalid JSON type: expected object, but got string')], medplum: 'differs' },
    {
      name: '_x of an array not an array (Medplum ignores it)',
      resource: { resourceType: 'Patient', name: [{ given: ['a'], _given: { id: 'x' } }] },
      expected: [E('Patient.name[0]._given', 'Invalid JSON type: expected array, but got object')],
      medplum: 'accepts',
    },
    {
      name: 'errors inside an extension of a primitive',
      resource: { resourceType: 'Patient', name: [{ given: ['a', 'b'], _given: [null, { extension: [{ valueString: 'x' }] }] }] },
      expected: [E('Patient.name[0].given[1].extension[0].url', 'Missing required property', 'required')],
      medplum: 'same',
    },
  ]);
});

describe('required bindings and reference targets', () => {
  run([
    {
      name: 'code outside its required value set',
      resource: { resourceType: 'Patient', gender: 'x' },
      expected: [E('Patient.gender', 'Code not in the required value set http://hl7.org/fhir/ValueSet/administrative-gender', 'value')],
      medplum: 'accepts',
    },
    {
      name: 'reference to a type the element does not allow: Medplum\'s warning',
      resource: obs({ subject: { reference: 'Medication/1' } }),
      expected: [
        {
          severity: 'warning',
          code: 'structure',
          expression: 'Observation.subject',
          message:
            'Invalid reference: got "Medication", expected "http://hl7.org/fhir/StructureDefinition/Patient", "http://hl7.org/fhir/StructureDefinition/Group", "http://hl7.org/fhir/StructureDefinition/Device", "http://hl7.org/fhir/StructureDefinition/Location"',
        },
      ],
      medplum: 'same',
    },
  ]);
  it('requiredBindings: false skips them', () => {
    const noBindings = compileR4StructureValidator({ bundles, requiredBindings: false });
    expect(noBindings.validate({ resourceType: 'Patient', gender: 'x' })).toEqual([]);
  });
});

describe('robustness and the shared instance', () => {
  it('reports pathological nesting instead of throwing', () => {
    let item: Record<string, unknown> = { linkId: 'x', type: 'display' };
    for (let i = 0; i < 30_000; i++) item = { linkId: String(i), type: 'group', item: [item] };
    const issues = v.validate({ resourceType: 'Questionnaire', status: 'active', item: [item] });
    expect(issues).toEqual([E('', 'Resource is nested too deeply')]);
  });
  it('getR4StructureValidator compiles once', () => {
    expect(getR4StructureValidator()).toBe(getR4StructureValidator());
    expect(validateR4Structure(obs({}))).toEqual([]);
  }, 60_000);
});
