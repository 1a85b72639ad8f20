import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { ReadItem, SourceLocation } from './types';

type Severity = OperationOutcomeIssue['severity'];
type IssueCode = OperationOutcomeIssue['code'];

/** "file.json" for the file as a whole, else "file.json entry[3]". */
export function describeLocation(location: SourceLocation): string {
  return location.place === 'file' ? location.file : `${location.file} ${location.place}`;
}

export interface IssueOptions {
  severity?: Severity;
  code?: IssueCode;
  /** Element path(s), e.g. ["Bundle.entry[3]"]. */
  expression?: string[];
  /** Text placed after the file name instead of the place, e.g. "line 3, column 7" ("" for the file name alone). */
  where?: string;
}

/** One OperationOutcome issue whose diagnostics name the file and place: "file.json entry[3]: message". */
export function locatedIssue(location: SourceLocation, message: string, options: IssueOptions = {}): OperationOutcomeIssue {
  const where = options.where === undefined ? describeLocation(location) : options.where ? `${location.file} ${options.where}` : location.file;
  const issue: OperationOutcomeIssue = {
    severity: options.severity ?? 'error',
    code: options.code ?? 'invalid',
    details: { text: message },
    diagnostics: `${where}: ${message}`,
  };
  if (options.expression) issue.expression = options.expression;
  return issue;
}

export function outcomeOf(...issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** An `error` read item (severity error unless options say warning) with one located issue. */
export function errorItem(location: SourceLocation, message: string, options: IssueOptions = {}): ReadItem {
  return { kind: 'error', location, outcome: outcomeOf(locatedIssue(location, message, options)) };
}

export function warningItem(location: SourceLocation, message: string, options: IssueOptions = {}): ReadItem {
  return errorItem(location, message, { code: 'informational', ...options, severity: 'warning' });
}
