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
