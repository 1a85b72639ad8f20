import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFhirText } from './read-file';

// Regression tests of bugs the fuzz command found (tools/fuzz; `npm run fuzz`, and its fixed-seed sample in
// tools/fuzz/fuzz-sample.test.ts), each with the minimized input and the exact error it gives now.

async function read(name: string, text: string): Promise<string[]> {
  const out: string[] = [];
  for await (const item of readFhirText(name, text)) {
    out.push(item.kind === 'error' ? item.outcome.issue.map((i) => `${i.code}: ${i.diagnostics}`).join(' | ') : item.kind);
  }
  return out;
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('FHIR JSON and NDJSON readers under fuzzing', () => {

  // Regressions found by the fuzzer: JSON nested thousands of levels deep overflowed the stack in the
  // recursive reference rewriting, and the RangeError came out as a wrong or engine-worded error.
  it('rejects a Bundle entry nested 20,000 levels deep with a clear error (was "malformed JSON: Maximum call stack size exceeded")', async () => {
    const text = `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","x":${nested(20_000)}}}]}`;
    expect(await read('deep.json', text)).toEqual(['structure: deep.json: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
  });

  it('rejects a transaction nested 20,000 levels deep with a clear error (was "the file changed while it was read")', async () => {
    const text = `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","x":${nested(20_000)}}}]}`;
    expect(await read('deep.json', text)).toEqual(['structure: deep.json: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
  });

  it('rejects an NDJSON line nested 20,000 levels deep at its line (was "line 2: cannot read: Maximum call stack size exceeded")', async () => {
    const bundle = `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","x":${nested(20_000)}}}]}\n`;
    expect(await read('deep.ndjson', bundle)).toEqual(['structure: deep.ndjson line 1: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
    const patient = `{"resourceType":"Patient","id":"a"}\n{"resourceType":"Patient","x":${nested(20_000)}}\n`;
    expect(await read('deep.ndjson', patient)).toEqual(['resource', 'structure: deep.ndjson line 2: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
  });

  it('still reads resources nested up to the limit', async () => {
    // 2 levels for the resource and its "x" array itself, 510 more inside.
    expect(await read('ok.json', `{"resourceType":"Patient","x":${nested(511)}}`)).toEqual(['resource']);
    expect(await read('ok.json', `{"resourceType":"Patient","x":${nested(512)}}`)).toEqual(['structure: ok.json: JSON nested more than 512 levels deep; expected a FHIR resource (FHIR JSON nests far less)']);
    expect(await read('ok.ndjson', `{"resourceType":"Patient","x":${nested(511)}}\n`)).toEqual(['resource']);
  });
});
