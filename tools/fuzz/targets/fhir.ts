// Fuzz targets of libs/ehr-fhir: the FHIR JSON file reader (resources, Bundles), the bulk NDJSON reader and the
// R4 structure validator. The readers never throw: they yield `error` items whose OperationOutcome diagnostics
// read "<file> <place>: <what was expected>"; the validator returns issues with an expression and a message.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { readFhirFile, type ReadItem } from '../../../libs/ehr-fhir/src/read/index';
import { getR4StructureValidator } from '../../../libs/ehr-fhir/src/structure-validator/index';
import type { StructureIssue } from '../../../libs/ehr-fhir/src/structure-validator/types';
import { hasEngineErrorText, textOf, type FuzzSeed, type FuzzTarget } from '../fuzz-support';
import { jsonStructureMutator, jsonTokenMutator, ndjsonLineMutator, patientNamesIn } from './json-mutators';

const repoRoot = resolve(import.meta.dirname, '../../..');

function seedFile(relative: string): FuzzSeed {
  const bytes = new Uint8Array(readFileSync(join(repoRoot, relative)));
  return { name: relative, bytes, secrets: patientNamesIn(textOf(bytes)) };
}

/** A few resources of each kind from the mCODE STU4 examples, both Bundles, and the reader's own fixtures. */
function fhirJsonSeeds(): FuzzSeed[] {
  const demo = readdirSync(join(repoRoot, 'demo/mcode-stu4')).filter((f) => f.endsWith('.json')).sort();
  const picked = demo.filter((_, i) => i % 9 === 0);
  const fixtures = readdirSync(join(repoRoot, 'libs/ehr-fhir/fixtures/read')).filter((f) => f.endsWith('.json')).sort();
  return [
    ...readdirSync(join(repoRoot, 'demo/mcode-stu4-bundles')).sort().map((f) => seedFile(`demo/mcode-stu4-bundles/${f}`)),
    ...picked.map((f) => seedFile(`demo/mcode-stu4/${f}`)),
    ...fixtures.map((f) => seedFile(`libs/ehr-fhir/fixtures/read/${f}`)),
  ];
}

/** Bulk files: the reader's NDJSON fixture and NDJSON made of the mCODE examples (one resource per line). */
function ndjsonSeeds(): FuzzSeed[] {
  const demo = readdirSync(join(repoRoot, 'demo/mcode-stu4')).filter((f) => f.endsWith('.json')).sort();
  const lines = (files: string[]) => files.map((f) => JSON.stringify(JSON.parse(readFileSync(join(repoRoot, 'demo/mcode-stu4', f), 'utf8')))).join('\n') + '\n';
  const make = (name: string, text: string): FuzzSeed => ({ name, bytes: new TextEncoder().encode(text), secrets: patientNamesIn(text) });
  const bundle = JSON.stringify(JSON.parse(readFileSync(join(repoRoot, 'demo/mcode-stu4-bundles/Bundle-mcode-patient-bundle-jenny-m.json'), 'utf8')));
  return [
    seedFile('libs/ehr-fhir/fixtures/read/bulk.ndjson'),
    make('demo/mcode-stu4 (every 5th, as NDJSON)', lines(demo.filter((_, i) => i % 5 === 0))),
    make('demo/mcode-stu4 Patient + Condition (as NDJSON)', lines(demo.filter((f) => /^(Patient|Condition)-/.test(f)))),
    make('demo/mcode-stu4-bundles jenny-m Bundle on one line', `${bundle}\n`),
  ];
}

let scratch: string | undefined;
/** A scratch folder for the file readers (in memory when /dev/shm exists), removed when the process exits. */
function scratchDir(): string {
  if (!scratch) {
    let base = tmpdir();
    try {
      readdirSync('/dev/shm');
      base = '/dev/shm';
    } catch {
      // no /dev/shm: the system temporary folder
    }
    const dir = mkdtempSync(join(base, 'oncoboard-fuzz-'));
    scratch = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

interface ErrorReadItem {
  kind: 'error';
  outcome: OperationOutcome;
}

/** Reads the file the way an import does (readFhirFile: never throws) and collects the error items. */
async function readItems(input: Uint8Array, fileName: string, maxLineBytes?: number) {
  const path = join(scratchDir(), fileName);
  writeFileSync(path, input);
  const errors: ErrorReadItem[] = [];
  let failed = false;
  const visit = (item: ReadItem) => {
    if (item.kind === 'error') {
      errors.push(item);
      if (item.outcome.issue.some((i) => i.severity === 'error' || i.severity === 'fatal')) failed = true;
    } else if (item.kind === 'atomic-group') {
      item.items.forEach(visit);
    }
  };
  for await (const item of readFhirFile(path, maxLineBytes === undefined ? {} : { maxLineBytes })) visit(item);
  return failed ? { parsed: false as const, errors } : { parsed: true as const };
}

/**
 * A clear read error: every issue's diagnostics start with the file's path and a place ("<path>: ",
 * "<path> line 3, column 7: ", "<path> entry[2]: "), say what was expected, and are not the readers' last-resort
 * wrapper for an unexpected exception (code "exception", "cannot read: <engine message>").
 */
function judgeReadItem(item: unknown, fileName: string): string | undefined {
  const outcome = (item as ErrorReadItem).outcome;
  const path = join(scratchDir(), fileName);
  if (!outcome?.issue?.length) return 'error item without issues';
  for (const issue of outcome.issue) {
    const text = issue.diagnostics ?? '';
    if (!text.startsWith(`${path}:`) && !text.startsWith(`${path} `)) return 'diagnostics do not start with the file name';
    if (issue.code === 'exception') return `unexpected exception inside the reader (${text.slice(path.length + 2)})`;
    if (hasEngineErrorText(text)) return 'diagnostics carry an internal engine error';
    if (!(issue.details?.text ?? '').trim()) return 'issue without details';
  }
  return undefined;
}

function readItemMessage(item: unknown): string {
  const outcome = (item as ErrorReadItem).outcome;
  if (!outcome) return item instanceof Error ? `${item.name}: ${item.message}` : String(item);
  return outcome.issue.map((i) => i.diagnostics ?? '').join(' | ');
}

export const fhirJsonTarget: FuzzTarget = {
  name: 'fhir-json',
  description: 'libs/ehr-fhir readFhirFile on a .json file: one resource or a Bundle (streamed, two-pass, transaction)',
  fileName: 'fuzz-input.json',
  seeds: fhirJsonSeeds,
  mutators: [jsonStructureMutator, jsonTokenMutator],
  parse: (input, fileName) => readItems(input, fileName),
  judge: (error, fileName) => (error instanceof Error ? `threw ${error.name}` : judgeReadItem(error, fileName)),
  messageOf: readItemMessage,
};

export const ndjsonTarget: FuzzTarget = {
  name: 'ndjson',
  description: 'libs/ehr-fhir readFhirFile on a .ndjson bulk file (64 KiB line limit), one resource or Bundle per line',
  fileName: 'fuzz-input.ndjson',
  seeds: ndjsonSeeds,
  mutators: [ndjsonLineMutator, jsonTokenMutator, jsonStructureMutator],
  parse: (input, fileName) => readItems(input, fileName, 64 * 1024),
  judge: (error, fileName) => (error instanceof Error ? `threw ${error.name}` : judgeReadItem(error, fileName)),
  messageOf: readItemMessage,
};

/** The validator takes parsed JSON; a mutated text that is no longer JSON is rejected before it (reported, clear). */
class NotJsonInput extends Error {}

export const structureValidatorTarget: FuzzTarget = {
  name: 'fhir-validator',
  description: 'libs/ehr-fhir validateR4Structure on JSON.parse of the input (resources, Bundles, contained)',
  fileName: 'fuzz-input.json',
  seeds: fhirJsonSeeds,
  mutators: [jsonStructureMutator],
  // Mostly structural edits, so that most inputs are still JSON and reach the validator.
  customWeight: 12,
  warmUp() {
    getR4StructureValidator();
  },
  parse(input) {
    let value: unknown;
    try {
      value = JSON.parse(textOf(input));
    } catch {
      return { parsed: false, errors: [new NotJsonInput('not JSON: rejected before validation')] };
    }
    const issues = getR4StructureValidator().validate(value);
    const errors = issues.filter((i) => i.severity === 'error');
    return errors.length === 0 ? { parsed: true } : { parsed: false, errors };
  },
  judge(error) {
    if (error instanceof NotJsonInput) return undefined;
    if (error instanceof Error) return `threw ${error.name}`;
    const issue = error as StructureIssue;
    if (typeof issue.expression !== 'string') return 'issue without an expression';
    if (!issue.message?.trim()) return 'issue without a message';
    if (!['structure', 'required', 'value', 'invalid'].includes(issue.code)) return `issue code ${String(issue.code)}`;
    if (hasEngineErrorText(issue.message)) return 'issue message carries an internal engine error';
    return undefined;
  },
  messageOf: (error) => (error instanceof Error ? error.message : `${(error as StructureIssue).expression}: ${(error as StructureIssue).message}`),
};
