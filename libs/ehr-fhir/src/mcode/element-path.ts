const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/;

/**
 * The value at a FHIRPath-like element path in a resource, e.g. "Observation.component[2].valueCodeableConcept",
 * "Condition.bodySite[0].extension[1].valueCodeableConcept.coding[0].display" or just "Patient" (the resource).
 * The first segment must be the resource's type. A segment without an index on an array gives the whole array.
 * Returns undefined when the path does not exist in this resource (or is not of this form).
 */
export function resolveElementPath(resource: unknown, path: string): unknown {
  if (typeof resource !== 'object' || resource === null || typeof path !== 'string') return undefined;
  const [root, ...rest] = path.split('.');
  if (!root || (resource as { resourceType?: unknown }).resourceType !== root) return undefined;
  return resolveJsonPath(resource, rest.join('.'));
}

/**
 * The value at a dotted path of the same form inside any JSON value, without a resource type in front, e.g.
 * "lesions[0]" in an imaging record; "" is the value itself. Undefined when the path does not exist.
 */
export function resolveJsonPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of path === '' ? [] : path.split('.')) {
    const match = SEGMENT.exec(segment);
    if (!match) return undefined;
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, match[1]!)) return undefined;
    current = (current as Record<string, unknown>)[match[1]!];
    if (match[2] !== undefined) {
      if (!Array.isArray(current)) return undefined;
      current = current[Number(match[2])];
    }
    if (current === undefined) return undefined;
  }
  return current;
}
