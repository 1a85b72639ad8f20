import { describe, expect, it } from 'vitest';
import { readJsonDocument } from './json-document';
import type { ByteSource } from './source';
import type { ReadItem } from './types';

/** A text source that counts how often it is read from the start. */
function countingSource(text: string, chunkBytes = 7): { source: ByteSource; opens: () => number } {
  let opens = 0;
  const bytes = Buffer.from(text);
  return {
    opens: () => opens,
    source: async function* read() {
      opens++;
      for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, i + chunkBytes);
    },
  };
}

async function read(text: string, singlePassBytes = 1) {
  const counted = countingSource(text);
  const items: ReadItem[] = [];
  for await (const item of readJsonDocument('b.json', counted.source, { singlePassBytes })) items.push(item);
  const described = items.map((i) =>
    i.kind === 'resource' ? `${i.location.place} ${i.resource.resourceType}/${i.resource.id} ${JSON.stringify((i.resource as { subject?: unknown }).subject ?? null)}` : `${i.location.place} ${i.kind}`,
  );
  return { described, passes: counted.opens() };
}

const uuid = (n: number) => `urn:uuid:00000000-0000-4000-8000-00000000000${n}`;
const patient = (n: number) => ({ fullUrl: uuid(n), resource: { resourceType: 'Patient' } });
const observation = (n: number, subject: number) => ({ fullUrl: uuid(n), resource: { resourceType: 'Observation', subject: { reference: uuid(subject) } } });
const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

describe('readJsonDocument: how many passes a Bundle takes', () => {
  it('one streaming pass when every reference points backwards', async () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [patient(1), observation(2, 1), observation(3, 1)] };
    expect(await read(JSON.stringify(bundle))).toEqual({
      passes: 1,
      described: [
        `entry[0] Patient/${id(1)} null`,
        `entry[1] Observation/${id(2)} {"reference":"Patient/${id(1)}"}`,
        `entry[2] Observation/${id(3)} {"reference":"Patient/${id(1)}"}`,
      ],
    });
  });

  it('two passes from the first forward reference on; entries before it are not read twice', async () => {
    const bundle = { resourceType: 'Bundle', type: 'searchset', entry: [patient(1), observation(2, 1), observation(3, 4), patient(4), observation(5, 4)] };
    expect(await read(JSON.stringify(bundle))).toEqual({
      passes: 2,
      described: [
        `entry[0] Patient/${id(1)} null`,
        `entry[1] Observation/${id(2)} {"reference":"Patient/${id(1)}"}`,
        `entry[2] Observation/${id(3)} {"reference":"Patient/${id(4)}"}`,
        `entry[3] Patient/${id(4)} null`,
        `entry[4] Observation/${id(5)} {"reference":"Patient/${id(4)}"}`,
      ],
    });
  });

  it('a transaction is read once and kept whole', async () => {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [observation(2, 1), patient(1)] };
    expect(await read(JSON.stringify(bundle))).toEqual({
      passes: 1,
      described: ['entry atomic-group'],
    });
  });

  it('a Bundle whose type comes after its entries: kept when small, else read twice', async () => {
    const text = `{"resourceType":"Bundle","entry":${JSON.stringify([observation(2, 1), patient(1)])},"type":"collection"}`;
    const expected = [`entry[0] Observation/${id(2)} {"reference":"Patient/${id(1)}"}`, `entry[1] Patient/${id(1)} null`];
    expect(await read(text, 1_000_000)).toEqual({ passes: 1, described: expected });
    expect(await read(text, 1)).toEqual({ passes: 2, described: expected });
  });
});
