import { OperationOutcomeError, validateResource as validateWithMedplum } from '@medplum/core';
import type { OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { describeLocation } from '../read/outcome';
import { resourceLabel } from '../read/resource-shape';
import type { SourceLocation } from '../read/types';
import { loadR4StructureDefinitions } from './definitions';
import { checkRequiredCodeBindings } from './required-bindings';
import { validateR4Structure } from '../structure-validator/index';

function issueText(issue: OperationOutcomeIssue): string {
  return issue.details?.text ?? issue.code ?? 'invalid';
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\[x\])?(?:\[(\d+)\])?$/;

/**
 * Medplum names a choice element "value[x]"; this puts the element actually present in its place
 * ("Observation.value[x].value" → "Observation.valueQuantity.value"), walking the resource.
 */
export function concreteElementPath(resource: Resource, path: string): string {
  if (!path.includes('[x]')) return path;
  const [root, ...segments] = path.split('.');
  let current: unknown = resource;
  const out = [root];
  for (const segment of segments) {
    const match = SEGMENT.exec(segment);
    const holder = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : undefined;
    if (!match) {
      out.push(segment);
      current = undefined;
      continue;
    }
    let name = match[1]!;
    if (match[2] && holder) {
      const concrete = Object.keys(holder).find((k) => k.startsWith(name) && /^[A-Z]/.test(k.slice(name.length)));
      if (concrete) name = concrete;
      else name = `${name}[x]`;
    } else if (match[2]) {
      name = `${name}[x]`;
    }
    let child = holder?.[name];
    if (match[3] !== undefined) child = Array.isArray(child) ? child[Number(match[3])] : undefined;
    out.push(match[3] !== undefined ? `${name}[${match[3]}]` : name);
    current = child;
  }
  return out.join('.');
}

export interface ValidateOptions {
  /**
   * Also evaluate the FHIRPath invariants of the R4 definitions (dom-*, obs-6, ...) with Medplum's validator.
   * Off by default: it is ~50x slower than the compiled structure check, which reports the same structural
   * problems with the same messages and paths (see ../structure-validator/validator.ts and its differential test).
   */
  invariants?: boolean;
}

/** Medplum's validator (structure and FHIRPath invariants) plus the required `code` bindings it does not check. */
function validateWithInvariants(resource: Resource): OperationOutcomeIssue[] {
  let found: OperationOutcomeIssue[];
  let knownType = true;
  try {
    loadR4StructureDefinitions();
    found = validateWithMedplum(resource);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      found = error.outcome.issue ?? [];
      knownType = !found.some((i) => /^Unknown data type/.test(i.details?.text ?? ''));
    } else {
      const message = `could not be validated: ${(error as Error)?.message ?? String(error)}`;
      found = [{ severity: 'error', code: 'processing', details: { text: message }, expression: [resource.resourceType] }];
      knownType = false;
    }
  }
  if (knownType) {
    try {
      found = [...found, ...checkRequiredCodeBindings(resource)];
    } catch {
      // A resource too broken to walk has its structure errors already.
    }
  }
  return found;
}

/**
 * Validates a resource against the base FHIR R4 structure definitions: cardinality, types, value formats,
 * required elements, unknown properties, choice types, and the required bindings of `code` elements whose value
 * sets the R4 definitions enumerate (Observation.status, Patient.gender...). With `invariants`, Medplum's
 * validator also evaluates the FHIRPath invariants. Profiles named in meta.profile (mCODE, US Core) are not
 * checked: extensions are validated as Extension, not against their definitions.
 *
 * Returns an OperationOutcome whose `issue` is empty when the resource is valid. Each issue has the element path
 * in `expression` and `diagnostics` that name the file, place, resource and path, e.g.
 * "demo/x.json entry[3] Observation/abc: Observation.status: Missing required property". Never throws.
 */
export function validateResource(resource: Resource, location: SourceLocation, options: ValidateOptions = {}): OperationOutcome {
  const label = resourceLabel(resource);
  const where = `${describeLocation(location)} ${label}`;
  const found: OperationOutcomeIssue[] = options.invariants
    ? validateWithInvariants(resource)
    : validateR4Structure(resource).map((i) => ({ severity: i.severity, code: i.code, details: { text: i.message }, expression: [i.expression] }));
  const issue = found.map((original): OperationOutcomeIssue => {
    const path = concreteElementPath(resource, original.expression?.[0] ?? resource.resourceType);
    const text = issueText(original);
    return {
      severity: original.severity,
      code: original.code,
      details: { text },
      expression: [path],
      diagnostics: `${where}: ${path}: ${text}`,
    };
  });
  return { resourceType: 'OperationOutcome', issue };
}

/** True when the outcome has an issue of severity error or fatal. */
export function hasErrors(outcome: OperationOutcome): boolean {
  return (outcome.issue ?? []).some((i) => i.severity === 'error' || i.severity === 'fatal');
}

/** One line per issue for a terminal: "error: <diagnostics>" (or details and path when there are no diagnostics). */
export function formatOutcome(outcome: OperationOutcome): string {
  return (outcome.issue ?? [])
    .map((issue) => {
      const text = issue.diagnostics ?? [issue.expression?.[0], issueText(issue)].filter(Boolean).join(': ');
      return `${issue.severity}: ${text}`;
    })
    .join('\n');
}
