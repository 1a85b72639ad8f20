import { resolve } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { readFhirPath } from '../read/read-file';
import type { ReadItem, SourceLocation } from '../read/types';
import { MCODE_BUNDLES_DIR, MCODE_EXAMPLES_DIR } from '../testing/mcode-examples';
import { concreteElementPath, formatOutcome, hasErrors, validateResource } from './validate-resource';

const at: SourceLocation = { file: 'demo/x.json', place: 'entry[3]' };

describe('validateResource against the base R4 structure definitions', () => {
  it('finds every one of the 179 mCODE STU4 example files valid R4 (profiles and extensions not checked)', async () => {
    const items: ReadItem[] = [];
    for (const dir of [MCODE_EXAMPLES_DIR, MCODE_BUNDLES_DIR]) for await (const item of readFhirPath(dir)) items.push(item);
    expect(new Set(items.map((i) => i.location.file)).size).toBe(179);
    const problems: string[] = [];
    let validated = 0;
    for (const item of items) {
      if (item.kind !== 'resource') continue;
      validated++;
      const outcome = validateResource(item.resource, item.location);
      if (outcome.issue?.length) problems.push(formatOutcome(outcome));
    }
    expect(validated).toBe(177 + 40 + 25);
    expect(problems).toEqual([]);
  }, 60_000);

  it('returns an OperationOutcome with no issues for a valid resource', () => {
    const valid: Resource = { resourceType: 'Observation', id: 'abc', status: 'final', code: { text: 'x' } };
    expect(validateResource(valid, at)).toEqual({ resourceType: 'OperationOutcome', issue: [] });
  });

  it('a missing required element: severity, code, path and diagnostics with file, place, resource and path', () => {
    const outcome = validateResource({ resourceType: 'Observation', id: 'abc', code: { text: 'x' } } as Resource, at);
    expect(outcome).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'required',
          details: { text: 'Missing required property' },
          expression: ['Observation.status'],
          diagnostics: 'demo/x.json entry[3] Observation/abc: Observation.status: Missing required property',
        },
      ],
    });
    expect(hasErrors(outcome)).toBe(true);
  });

  it('reports each problem with its element path', () => {
    const invalid = {
      resourceType: 'Observation',
      id: 'abc',
      status: 'done',
      code: { text: 'x' },
      valueQuantity: { value: 'seven' },
      component: [{ code: { text: 'c0' } }, {}],
      effectiveDateTime: '2024-13-45',
      unknownThing: true,
    } as unknown as Resource;
    expect(validateResource(invalid, { file: 'up.json', place: 'resource' }).issue?.map((i) => i.diagnostics).sort()).toEqual([
      'up.json resource Observation/abc: Observation.effectiveDateTime: Invalid dateTime format',
      'up.json resource Observation/abc: Observation.valueQuantity.value: Invalid JSON type: expected number, but got string',
      'up.json resource Observation/abc: Observation.component[1]: Invalid empty non-primitive value',
      'up.json resource Observation/abc: Observation.component[1].code: Missing required property',
      'up.json resource Observation/abc: Observation.unknownThing: Invalid additional property "unknownThing"',
      'up.json resource Observation/abc: Observation.status: Code not in the required value set http://hl7.org/fhir/ValueSet/observation-status',
    ].sort());
  });

  it('checks the required bindings of code elements (which Medplum leaves out), where the R4 value set is enumerable', () => {
    const patient = { resourceType: 'Patient', id: 'p', gender: 'F', communication: [{ language: { text: 'x' } }], contact: [{ gender: 'female', organization: { reference: 'Organization/o' } }] } as unknown as Resource;
    expect(validateResource(patient, at).issue).toEqual([
      {
        severity: 'error',
        code: 'value',
        details: { text: 'Code not in the required value set http://hl7.org/fhir/ValueSet/administrative-gender' },
        expression: ['Patient.gender'],
        diagnostics: 'demo/x.json entry[3] Patient/p: Patient.gender: Code not in the required value set http://hl7.org/fhir/ValueSet/administrative-gender',
      },
    ]);
    // A language (BCP-47) cannot be enumerated from the definitions: not checked.
    const withLanguage: Resource = { resourceType: 'Patient', id: 'p', language: 'xx-unknown' };
    expect(validateResource(withLanguage, at).issue).toEqual([]);
  });

  it('checks cardinality, and the FHIRPath invariants when asked to', () => {
    const tooMany = { resourceType: 'Patient', id: 'p', gender: ['female', 'male'] } as unknown as Resource;
    expect(validateResource(tooMany, at).issue?.map((i) => i.diagnostics)).toEqual(['demo/x.json entry[3] Patient/p: Patient.gender: Expected single value for property']);
    const noValue = { resourceType: 'Patient', id: 'p', extension: [{ url: 'http://example.org/x' }] } as unknown as Resource;
    expect(validateResource(noValue, at).issue).toEqual([]);
    expect(validateResource(noValue, at, { invariants: true }).issue?.map((i) => `${i.code} ${i.expression?.[0]}: ${i.details?.text}`)).toEqual([
      'invariant Patient.extension[0]: Constraint ext-1 not met: Must have either extensions or value[x], not both',
    ]);
  });

  it('accepts extensions it has no definition for (mCODE, US Core): base R4 only', () => {
    const patient: Resource = {
      resourceType: 'Patient',
      id: 'p',
      meta: { profile: ['http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-patient'] },
      extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex', valueCode: 'F' }],
    };
    expect(validateResource(patient, at).issue).toEqual([]);
  });

  it('names an unknown resource type', () => {
    const outcome = validateResource({ resourceType: 'Pateint', id: 'x' } as unknown as Resource, at);
    expect(outcome.issue?.map((i) => i.diagnostics)).toEqual(['demo/x.json entry[3] Pateint/x: resourceType: Unknown data type: Pateint']);
  });

  it('never puts element values into its messages', () => {
    const patient = { resourceType: 'Patient', id: 'p', name: [{ family: 42, given: ['Jane'] }], birthDate: 'Jane-1970' } as unknown as Resource;
    const text = formatOutcome(validateResource(patient, at));
    expect(text).not.toContain('Jane');
    expect(text).not.toContain('42');
  });
});

describe('formatOutcome', () => {
  it('prints one line per issue, severity first', () => {
    const outcome = validateResource({ resourceType: 'Observation', id: 'abc', code: { text: 'x' }, foo: 1 } as unknown as Resource, at);
    expect(formatOutcome(outcome)).toBe(
      [
        'error: demo/x.json entry[3] Observation/abc: Observation.foo: Invalid additional property "foo"',
        'error: demo/x.json entry[3] Observation/abc: Observation.status: Missing required property',
      ].join('\n'),
    );
  });

  it('uses path and details when an issue has no diagnostics, and prints nothing for no issues', () => {
    expect(formatOutcome({ resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'informational', expression: ['Bundle.type'], details: { text: 'missing' } }] })).toBe(
      'warning: Bundle.type: missing',
    );
    expect(formatOutcome({ resourceType: 'OperationOutcome', issue: [] })).toBe('');
  });
});

describe('concreteElementPath', () => {
  it('replaces a choice element [x] with the element present', () => {
    const observation = { resourceType: 'Observation', component: [{ valueCodeableConcept: {} }, { valueQuantity: { value: 1 } }] } as unknown as Resource;
    expect(concreteElementPath(observation, 'Observation.component[1].value[x].value')).toBe('Observation.component[1].valueQuantity.value');
    expect(concreteElementPath(observation, 'Observation.effective[x]')).toBe('Observation.effective[x]');
    expect(concreteElementPath(observation, 'Observation.status')).toBe('Observation.status');
  });
});
