import type { Resource } from '@medplum/fhirtypes';

const RESOURCE_TYPE_NAME = /^[A-Z][A-Za-z]{1,63}$/;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}

/**
 * Deepest JSON nesting (objects and arrays) the readers accept. Real FHIR resources nest a few dozen levels at
 * most (Questionnaire items, extensions of extensions); a much deeper text is an attack or corrupt, and code that
 * walks resources recursively (reference rewriting, hashing, mapping) would overflow the stack on it.
 */
export const MAX_JSON_DEPTH = 512;

export const TOO_DEEP_MESSAGE = `JSON nested more than ${MAX_JSON_DEPTH} levels deep; expected a FHIR resource (FHIR JSON nests far less)`;

/** Whether a parsed JSON value nests deeper than `max` levels of objects / arrays (iterative: no recursion). */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Why a parsed JSON value is not a FHIR resource (without quoting it), or undefined when it looks like one. */
export function notAResourceReason(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `not a FHIR resource: expected a JSON object, found ${kindOf(value)}`;
  }
  const resourceType = (value as Record<string, unknown>).resourceType;
  if (resourceType === undefined) return 'not a FHIR resource: the JSON object has no "resourceType"';
  if (typeof resourceType !== 'string' || !RESOURCE_TYPE_NAME.test(resourceType)) {
    return 'not a FHIR resource: "resourceType" is not a resource type name';
  }
  return undefined;
}

export function isResourceLike(value: unknown): value is Resource {
  return notAResourceReason(value) === undefined;
}

/** "Observation/abc", or "Observation" for a resource without an id. */
export function resourceLabel(resource: Pick<Resource, 'resourceType' | 'id'>): string {
  return resource.id ? `${resource.resourceType}/${resource.id}` : resource.resourceType;
}
