// Runs Medplum's validateResource and this validator on the same resource and compares the errors.
import { validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { R4StructureValidator, StructureIssue } from '../types';

export interface MedplumIssue {
  severity: string;
  code: string;
  expression: string | undefined;
  message: string;
}

/** Medplum's issues; `rejected` when it throws (any error issue, or an exception). Medplum gets its own copy. */
export function medplumValidate(resource: unknown): { rejected: boolean; issues: MedplumIssue[] } {
  const toIssue = (i: { severity?: string; code?: string; expression?: string[]; details?: { text?: string } }): MedplumIssue => ({
    severity: i.severity ?? '',
    code: i.code ?? '',
    expression: i.expression?.[0],
    message: i.details?.text ?? '',
  });
  try {
    const warnings = validateResource(structuredClone(resource) as Resource);
    return { rejected: false, issues: warnings.map(toIssue) };
  } catch (e) {
    const outcome = (e as { outcome?: { issue?: Parameters<typeof toIssue>[0][] } }).outcome;
    if (outcome?.issue) return { rejected: true, issues: outcome.issue.map(toIssue) };
    return { rejected: true, issues: [{ severity: 'error', code: 'exception', expression: undefined, message: String((e as Error).message) }] };
  }
}

export interface Comparison {
  medplumRejected: boolean;
  oursRejected: boolean;
  /** Medplum rejects and so do we, with an error at every expression where Medplum has a non-invariant error. */
  pathAgree: boolean;
  /** ...and with the same message there too. */
  messageAgree: boolean;
  /** Medplum rejects only because of FHIRPath invariants (out of scope here). */
  invariantOnly: boolean;
  missing: MedplumIssue[];
  medplum: MedplumIssue[];
  ours: StructureIssue[];
}

export function compare(validator: R4StructureValidator, resource: unknown): Comparison {
  const m = medplumValidate(resource);
  const ours = validator.validate(resource);
  const ourErrors = ours.filter((i) => i.severity === 'error');
  const mErrors = m.issues.filter((i) => i.severity === 'error');
  const structural = mErrors.filter((i) => i.code !== 'invariant');
  const missing: MedplumIssue[] = [];
  let messageAgree = true;
  for (const i of structural) {
    // Medplum's "Unknown data type" has no expression: match it by message.
    const at = i.expression === undefined ? ourErrors.filter((o) => o.message === i.message) : ourErrors.filter((o) => o.expression === i.expression);
    if (at.length === 0) missing.push(i);
    else if (!at.some((o) => o.message === i.message)) messageAgree = false;
  }
  const oursRejected = ourErrors.length > 0;
  const pathAgree = m.rejected && oursRejected && missing.length === 0;
  return {
    medplumRejected: m.rejected,
    oursRejected,
    pathAgree,
    messageAgree: pathAgree && messageAgree,
    invariantOnly: m.rejected && mErrors.length > 0 && structural.length === 0,
    missing,
    medplum: m.issues,
    ours,
  };
}
