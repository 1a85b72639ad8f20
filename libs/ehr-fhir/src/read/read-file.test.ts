import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFhirFile, readFhirPath, readFhirText } from './read-file';
import type { ReadItem } from './types';
import { MCODE_BUNDLES_DIR, MCODE_EXAMPLES_DIR } from '../testing/mcode-examples';

// Real files: the mCODE STU4 examples (CC0, demo/) and small hand-written inputs in libs/ehr-fhir/fixtures (see its README).
const fixtures = resolve(__dirname, '../../fixtures');
const readDir = join(fixtures, 'read');
const jennyBundle = join(MCODE_BUNDLES_DIR, 'Bundle-mcode-patient-bundle-jenny-m.json');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ehr-fhir-read-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function all(items: AsyncIterable<ReadItem>): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** [place, diagnostics] of each error item; [place, "Type/id"] of each resource. */
function summary(items: ReadItem[]): [string, string][] {
  return items.flatMap((item): [string, string][] => {
    if (item.kind === 'resource') return [[item.location.place, `${item.resource.resourceType}/${item.resource.id}`]];
    if (item.kind === 'error') return [[item.location.place, `${item.outcome.issue?.[0]?.severity}: ${item.outcome.issue?.[0]?.diagnostics}`]];
    return [[item.location.place, `atomic-group of ${item.items.length}`], ...summary(item.items)];
  });
}

const resourceAt = (items: ReadItem[], i: number): Resource | undefined => {
  const item = items[i];
  return item?.kind === 'resource' ? item.resource : undefined;
};
const errorOf = (item: ReadItem | undefined) => (item?.kind === 'error' ? item.outcome.issue?.[0] : undefined);

describe('readFhirFile: Bundles', () => {
  it('streams the 40 entries of the mCODE Jenny M. collection Bundle, in order, with their places', async () => {
    const items = await all(readFhirFile(jennyBundle));
    expect(items).toHaveLength(40);
    expect(items.every((i) => i.kind === 'resource')).toBe(true);
    expect(summary(items).slice(0, 3)).toEqual([
      ['entry[0]', 'Patient/cancer-patient-jenny-m'],
      ['entry[1]', 'Condition/primary-cancer-condition-jenny-m'],
      ['entry[2]', 'MedicationRequest/cancer-related-medication-request-cyclophosphamide-jenny-m'],
    ]);
    expect(items[39]!.location).toEqual({ file: jennyBundle, place: 'entry[39]' });
  });

  it('gives entries exactly the resources of the Bundle file', async () => {
    const bundle = JSON.parse(readFileSync(jennyBundle, 'utf8'));
    const items = await all(readFhirFile(jennyBundle));
    expect(items.map((i) => (i.kind === 'resource' ? i.resource : undefined))).toEqual(bundle.entry.map((e: { resource: Resource }) => e.resource));
  });

  it('turns a transaction Bundle into one atomic group, assigns ids from urn:uuid fullUrls and rewrites the references', async () => {
    const file = join(readDir, 'transaction-urn-uuid.json');
    const items = await all(readFhirFile(file));
    expect(items).toHaveLength(1);
    const group = items[0]!;
    expect(group.kind).toBe('atomic-group');
    expect(group.location).toEqual({ file, place: 'entry' });
    expect(summary(items)).toEqual([
      ['entry', 'atomic-group of 5'],
      ['entry[0]', 'Patient/6f1c4bde-3a0e-4d59-9d8e-7a1b2c3d4e5f'],
      ['entry[1]', 'Condition/0a6b9f7e-1111-4c2d-8e3f-abcdefabcdef'],
      ['entry[2]', 'Observation/9c4e2d1a-2222-4b3c-9d4e-5f6a7b8c9d0e'],
      ['entry[3]', 'Organization/org-1'],
      ['entry[4]', `warning: ${file} entry[4]: entry has no resource (request DELETE), skipped`],
    ]);
    const observation = group.kind === 'atomic-group' ? resourceAt(group.items, 2) : undefined;
    expect(observation).toMatchObject({
      resourceType: 'Observation',
      id: '9c4e2d1a-2222-4b3c-9d4e-5f6a7b8c9d0e',
      subject: { reference: 'Patient/6f1c4bde-3a0e-4d59-9d8e-7a1b2c3d4e5f' },
      focus: [{ reference: 'Condition/0a6b9f7e-1111-4c2d-8e3f-abcdefabcdef' }],
      performer: [{ reference: 'Practitioner/known-elsewhere' }],
    });
    expect(errorOf(group.kind === 'atomic-group' ? group.items[4] : undefined)).toEqual({
      severity: 'warning',
      code: 'informational',
      details: { text: 'entry has no resource (request DELETE), skipped' },
      diagnostics: `${file} entry[4]: entry has no resource (request DELETE), skipped`,
      expression: ['Bundle.entry[4]'],
    });
  });

  it('reads a searchset: absolute fullUrl references become Type/id, the search outcome entry is skipped with a warning', async () => {
    const file = join(readDir, 'searchset-with-outcome.json');
    const items = await all(readFhirFile(file));
    expect(summary(items)).toEqual([
      ['entry[0]', 'Patient/p1'],
      ['entry[1]', 'Observation/o1'],
      ['entry[2]', `warning: ${file} entry[2]: search outcome entry (about the search, not a record), skipped`],
    ]);
    expect(resourceAt(items, 1)).toMatchObject({ subject: { reference: 'Patient/p1' } });
  });

  it('derives ids deterministically: PUT url, urn:oid, absolute fullUrl, else a hash of the fullUrl', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: { resourceType: 'Patient' }, request: { method: 'PUT', url: 'Patient/from-put' } },
        { fullUrl: 'urn:oid:1.2.840.99999.1', resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        { fullUrl: 'https://ehr.example/fhir/Patient/abs-1', resource: { resourceType: 'Patient' } },
        { fullUrl: 'https://ehr.example/other/thing', resource: { resourceType: 'Patient' } },
        { resource: { resourceType: 'Patient' } },
        { fullUrl: 'urn:uuid:AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE', resource: { resourceType: 'Observation', subject: { reference: 'https://ehr.example/other/thing' } } },
      ],
    };
    const hashed = createHash('sha256').update('https://ehr.example/other/thing').digest('hex').slice(0, 40);
    const first = await all(readFhirText('batch.json', JSON.stringify(bundle)));
    const second = await all(readFhirText('batch.json', JSON.stringify(bundle)));
    expect(first).toEqual(second);
    expect(summary(first)).toEqual([
      ['entry[0]', 'Patient/from-put'],
      ['entry[1]', 'Patient/1.2.840.99999.1'],
      ['entry[2]', 'Patient/abs-1'],
      ['entry[3]', `Patient/${hashed}`],
      ['entry[4]', 'Patient/undefined'], // no fullUrl, no id: left to the importer to reject
      ['entry[5]', 'Observation/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'],
    ]);
    expect(resourceAt(first, 5)).toMatchObject({ subject: { reference: `Patient/${hashed}` } });
  });

  it('resolves references to entries that come later in a large Bundle (two streaming passes) exactly as in a small one', async () => {
    const bundle = JSON.parse(readFileSync(join(readDir, 'transaction-urn-uuid.json'), 'utf8'));
    bundle.type = 'collection';
    bundle.entry.reverse(); // references now point forward
    const file = join(work, 'forward.json');
    writeFileSync(file, JSON.stringify(bundle));
    const onePass = await all(readFhirFile(file));
    const twoPasses = await all(readFhirFile(file, { singlePassBytes: 10 }));
    expect(twoPasses).toEqual(onePass);
    expect(summary(twoPasses).map(([place, what]) => `${place} ${what}`)).toEqual([
      `entry[0] warning: ${file} entry[0]: entry has no resource (request DELETE), skipped`,
      'entry[1] Organization/org-1',
      'entry[2] Observation/9c4e2d1a-2222-4b3c-9d4e-5f6a7b8c9d0e',
      'entry[3] Condition/0a6b9f7e-1111-4c2d-8e3f-abcdefabcdef',
      'entry[4] Patient/6f1c4bde-3a0e-4d59-9d8e-7a1b2c3d4e5f',
    ]);
    expect(resourceAt(twoPasses, 2)).toMatchObject({ focus: [{ reference: 'Condition/0a6b9f7e-1111-4c2d-8e3f-abcdefabcdef' }] });
  });

  it('reads a Bundle whose "type" comes after its entries, and warns about a Bundle without a type', async () => {
    const text = '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"a"}}],"type":"transaction"}';
    expect(summary(await all(readFhirText('late-type.json', text)))).toEqual([
      ['entry', 'atomic-group of 1'],
      ['entry[0]', 'Patient/a'],
    ]);
    const untyped = '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"a"}}]}';
    expect(summary(await all(readFhirText('untyped.json', untyped)))).toEqual([
      ['resource', 'warning: untyped.json resource: Bundle.type: missing; the entries are read as a collection'],
      ['entry[0]', 'Patient/a'],
    ]);
  });

  it('reports entries that hold no resource, or not a FHIR resource, and reads the others', async () => {
    const text = JSON.stringify({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { id: 'x' } }, 'text', { resource: [1] }, { fullUrl: 'urn:uuid:1' }, { resource: { resourceType: 'Patient', id: 'ok' } }],
    });
    expect(summary(await all(readFhirText('entries.json', text)))).toEqual([
      ['entry[0]', 'error: entries.json entry[0]: not a FHIR resource: the JSON object has no "resourceType"'],
      ['entry[1]', 'error: entries.json entry[1]: Bundle entry is not a JSON object'],
      ['entry[2]', 'error: entries.json entry[2]: not a FHIR resource: expected a JSON object, found an array'],
      ['entry[3]', 'warning: entries.json entry[3]: entry has no resource, skipped'],
      ['entry[4]', 'Patient/ok'],
    ]);
  });

  it('keeps the "entry" of a resource that is not a Bundle (List)', async () => {
    const list = { resourceType: 'List', id: 'l1', status: 'current', mode: 'working', entry: [{ item: { reference: 'Patient/a' } }] };
    const items = await all(readFhirText('list.json', JSON.stringify(list)));
    expect(items).toEqual([{ kind: 'resource', resource: list, location: { file: 'list.json', place: 'resource' } }]);
    const large = await all(readFhirText('list.json', JSON.stringify(list), { singlePassBytes: 1 }));
    expect(large).toEqual(items);
  });
});

describe('readFhirFile: single resources and bad input', () => {
  it('reads a single-resource file with place "resource"', async () => {
    const file = join(MCODE_EXAMPLES_DIR, 'Patient-cancer-patient-jenny-m.json');
    const items = await all(readFhirFile(file));
    expect(items).toEqual([{ kind: 'resource', resource: JSON.parse(readFileSync(file, 'utf8')), location: { file, place: 'resource' } }]);
  });

  it('malformed JSON: says file, line and column, and what was expected', async () => {
    const file = join(readDir, 'malformed.json');
    const items = await all(readFhirFile(file));
    expect(items).toEqual([
      {
        kind: 'error',
        location: { file, place: 'line 5' },
        outcome: {
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code: 'structure',
              details: { text: "malformed JSON: expected ',' or '}' after a property value" },
              diagnostics: `${file} line 5, column 3: malformed JSON: expected ',' or '}' after a property value`,
            },
          ],
        },
      },
    ]);
  });

  it('a truncated upload says where the text ends', async () => {
    const items = await all(readFhirText('broken.json', '{"resourceType": "Patient", "id": '));
    expect(errorOf(items[0])?.diagnostics).toBe('broken.json line 1, column 35: malformed JSON: unexpected end of file, expected a value');
    expect(items[0]!.location).toEqual({ file: 'broken.json', place: 'line 1' });
  });

  it.each([
    ['not-fhir.json', 'resource', 'not a FHIR resource: the JSON object has no "resourceType"'],
    ['empty.json', 'file', 'empty file, expected a FHIR resource or Bundle'],
    ['latin1.json', 'file', 'not UTF-8 text: invalid byte sequence at byte offset 63'],
  ])('%s: %s: %s', async (name, place, message) => {
    const file = join(readDir, name);
    const items = await all(readFhirFile(file));
    expect(items).toHaveLength(1);
    expect(items[0]!.location).toEqual({ file, place });
    expect(errorOf(items[0])?.details?.text).toBe(message);
    expect(errorOf(items[0])?.diagnostics).toBe(`${file}${place === 'file' ? '' : ` ${place}`}: ${message}`);
  });

  it.each([
    ['whitespace.json', ' \n\t\n', 'file', 'empty file, expected a FHIR resource or Bundle'],
    ['array.json', '[{"resourceType": "Patient"}]', 'resource', 'not a FHIR resource: expected a JSON object, found an array'],
    ['string.json', '"Patient"', 'resource', 'not a FHIR resource: expected a JSON object, found a string'],
    ['bad-type.json', '{"resourceType": 42}', 'resource', 'not a FHIR resource: "resourceType" is not a resource type name'],
    ['two.json', '{"resourceType": "Patient"}\n{"resourceType": "Patient"}', 'line 2', 'malformed JSON: unexpected data after the end of the JSON value'],
  ])('%s: %s: %s', async (name, text, place, message) => {
    const items = await all(readFhirText(name, text));
    expect(items).toHaveLength(1);
    expect(items[0]!.location.place).toBe(place);
    expect(errorOf(items[0])?.details?.text).toBe(message);
  });

  it('recognizes UTF-16 and gzip data that is named .json', async () => {
    const utf16 = join(work, 'utf16.json');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"resourceType":"Patient"}', 'utf16le')]));
    expect(errorOf((await all(readFhirFile(utf16)))[0])?.diagnostics).toBe(`${utf16}: not UTF-8 text: it starts with a UTF-16 byte order mark (save it as UTF-8)`);
    const gz = join(work, 'compressed.json');
    writeFileSync(gz, gzipSync('{"resourceType":"Patient"}'));
    expect(errorOf((await all(readFhirFile(gz)))[0])?.diagnostics).toBe(`${gz}: not UTF-8 text: it is gzip-compressed data (name it .json.gz or .ndjson.gz)`);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const file = join(work, 'bom.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"resourceType":"Patient","id":"bom"}')]));
    expect(summary(await all(readFhirFile(file)))).toEqual([['resource', 'Patient/bom']]);
  });

  it('a missing file, a directory and an unreadable file are error items, not exceptions', async () => {
    const missing = join(work, 'nope.json');
    expect(await all(readFhirFile(missing))).toEqual([
      {
        kind: 'error',
        location: { file: missing, place: 'file' },
        outcome: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'not-found', details: { text: 'cannot read: no such file or directory (ENOENT)' }, diagnostics: `${missing}: cannot read: no such file or directory (ENOENT)` }],
        },
      },
    ]);
    expect(errorOf((await all(readFhirFile(work)))[0])?.diagnostics).toBe(`${work}: cannot read: is a directory (EISDIR)`);
    expect(errorOf((await all(readFhirPath(missing)))[0])?.diagnostics).toBe(`${missing}: cannot read: no such file or directory (ENOENT)`);
  });

  // Root reads any file regardless of its mode, so this can only be checked as an ordinary user.
  it.skipIf(process.getuid?.() === 0)('a file without read permission is reported (EACCES)', async () => {
    const file = join(work, 'secret.json');
    writeFileSync(file, '{"resourceType":"Patient"}');
    chmodSync(file, 0o000);
    expect(errorOf((await all(readFhirFile(file)))[0])).toMatchObject({ code: 'security', diagnostics: `${file}: cannot read: permission denied (EACCES)` });
  });

  it('reads .json.gz and reports gzip data that is broken', async () => {
    const gz = join(work, 'jenny.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(jennyBundle)));
    expect(await all(readFhirFile(gz))).toHaveLength(40);
    const notGz = join(work, 'plain.json.gz');
    writeFileSync(notGz, '{"resourceType":"Patient"}');
    expect(errorOf((await all(readFhirFile(notGz)))[0])?.diagnostics).toBe(`${notGz}: not valid gzip data: incorrect header check`);
    const truncated = join(work, 'truncated.json.gz');
    const whole = gzipSync(readFileSync(jennyBundle));
    writeFileSync(truncated, whole.subarray(0, whole.length >> 1));
    // The entries read before the data ends have been streamed already; then the error.
    const items = await all(readFhirFile(truncated));
    expect(items.slice(0, -1).every((i) => i.kind === 'resource')).toBe(true);
    expect(errorOf(items.at(-1))?.diagnostics).toBe(`${truncated}: not valid gzip data: unexpected end of file`);
  });

  it('stops quietly when aborted', async () => {
    const controller = new AbortController();
    const seen: ReadItem[] = [];
    for await (const item of readFhirFile(jennyBundle, { signal: controller.signal })) {
      seen.push(item);
      if (seen.length === 3) controller.abort();
    }
    expect(seen).toHaveLength(3);
  });
});

describe('readFhirFile: bulk NDJSON', () => {
  it('reads line by line; a bad line is an error for that line and reading goes on', async () => {
    const file = join(readDir, 'bulk.ndjson');
    expect(summary(await all(readFhirFile(file)))).toEqual([
      ['line 1', 'Patient/n1'],
      ['line 2', `error: ${file} line 2, column 41: malformed JSON: unexpected end of line, expected a property name in double quotes`],
      ['line 4', 'Patient/n3'],
      ['line 5', `error: ${file} line 5: not a FHIR resource: the JSON object has no "resourceType"`],
      ['line 6', 'Observation/n5'],
    ]);
  });

  it('reads .ndjson.gz, LF line ends, a last line without a line break, and a Bundle on a line', async () => {
    const lines = [
      JSON.stringify({ resourceType: 'Patient', id: 'g1' }),
      JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:c0ffee00-0000-4000-8000-000000000001', resource: { resourceType: 'Patient' } }, { resource: { resourceType: 'Observation', id: 'g2', subject: { reference: 'urn:uuid:c0ffee00-0000-4000-8000-000000000001' } } }] }),
      JSON.stringify({ resourceType: 'Patient', id: 'g3' }),
    ];
    const file = join(work, 'bulk.ndjson.gz');
    writeFileSync(file, gzipSync(lines.join('\n')));
    const items = await all(readFhirFile(file));
    expect(summary(items)).toEqual([
      ['line 1', 'Patient/g1'],
      ['line 2 entry[0]', 'Patient/c0ffee00-0000-4000-8000-000000000001'],
      ['line 2 entry[1]', 'Observation/g2'],
      ['line 3', 'Patient/g3'],
    ]);
    expect(resourceAt(items, 2)).toMatchObject({ subject: { reference: 'Patient/c0ffee00-0000-4000-8000-000000000001' } });
  });

  it('a line longer than the limit is reported as "line N exceeds ..." and skipped; the limit is configurable', async () => {
    const file = join(work, 'long.ndjson');
    const long = JSON.stringify({ resourceType: 'Binary', id: 'big', data: 'A'.repeat(5000) });
    writeFileSync(file, [JSON.stringify({ resourceType: 'Patient', id: 'l1' }), long, JSON.stringify({ resourceType: 'Patient', id: 'l3' }), long].join('\n'));
    const items = await all(readFhirFile(file, { maxLineBytes: 1024 }));
    expect(summary(items)).toEqual([
      ['line 1', 'Patient/l1'],
      ['line 2', `error: ${file}: line 2 exceeds the maximum line length of 1024 bytes; skipped`],
      ['line 3', 'Patient/l3'],
      ['line 4', `error: ${file}: line 4 exceeds the maximum line length of 1024 bytes; skipped`],
    ]);
    expect(errorOf(items[1])).toMatchObject({ code: 'too-long', details: { text: 'line 2 exceeds the maximum line length of 1024 bytes; skipped' } });
    expect(await all(readFhirFile(file))).toHaveLength(4);
  });

  it('reports a line that is not UTF-8 with its byte offset, and an empty NDJSON file', async () => {
    const file = join(work, 'latin1.ndjson');
    const first = Buffer.from('{"resourceType":"Patient","id":"u1"}\n');
    writeFileSync(file, Buffer.concat([first, Buffer.from('{"resourceType":"Organization","name":"Caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
    expect(summary(await all(readFhirFile(file)))).toEqual([
      ['line 1', 'Patient/u1'],
      ['line 2', `error: ${file} line 2: not UTF-8 text: invalid byte sequence at byte offset ${first.length + 42}`],
    ]);
    const empty = join(work, 'empty.ndjson');
    writeFileSync(empty, '\n\n');
    expect(summary(await all(readFhirFile(empty)))).toEqual([['file', `error: ${empty}: empty file, expected FHIR resources, one per line`]]);
  });

  it('readFhirText reads an uploaded NDJSON text by its name', async () => {
    const text = '{"resourceType":"Patient","id":"t1"}\n{"resourceType":"Patient","id":"t2"}\n';
    expect(summary(await all(readFhirText('upload.ndjson', text)))).toEqual([
      ['line 1', 'Patient/t1'],
      ['line 2', 'Patient/t2'],
    ]);
  });
});

describe('readFhirPath', () => {
  it('reads every FHIR file under a directory, recursively, sorted, skipping hidden entries and other files', async () => {
    const dir = join(work, 'tree');
    mkdirSync(join(dir, 'b/nested'), { recursive: true });
    mkdirSync(join(dir, '.hidden'), { recursive: true });
    writeFileSync(join(dir, 'z.json'), '{"resourceType":"Patient","id":"z"}');
    writeFileSync(join(dir, 'a.ndjson'), '{"resourceType":"Patient","id":"a"}\n');
    writeFileSync(join(dir, 'b/nested/c.json.gz'), gzipSync('{"resourceType":"Patient","id":"c"}'));
    writeFileSync(join(dir, 'b/d.ndjson.gz'), gzipSync('{"resourceType":"Patient","id":"d"}\n'));
    writeFileSync(join(dir, 'b/notes.txt'), 'not FHIR');
    writeFileSync(join(dir, '.hidden/h.json'), '{"resourceType":"Patient","id":"h"}');
    copyFileSync(join(readDir, 'empty.json'), join(dir, 'b/empty.json'));
    symlinkSync(dir, join(dir, 'b/loop'));
    const items = await all(readFhirPath(dir));
    expect(items.map((i) => [i.location.file.slice(dir.length + 1), i.kind === 'resource' ? i.resource.id : i.kind])).toEqual([
      ['a.ndjson', 'a'],
      ['b/d.ndjson.gz', 'd'],
      ['b/empty.json', 'error'],
      ['b/nested/c.json.gz', 'c'],
      ['z.json', 'z'],
    ]);
  });

  it('reads all 179 mCODE STU4 example files', async () => {
    const items = [...(await all(readFhirPath(MCODE_EXAMPLES_DIR))), ...(await all(readFhirPath(MCODE_BUNDLES_DIR)))];
    expect(new Set(items.map((i) => i.location.file)).size).toBe(179);
    expect(items.filter((i) => i.kind !== 'resource')).toEqual([]);
    expect(items).toHaveLength(177 + 40 + 25);
  });
});
