import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFhirFile } from './read-file';
import type { ReadItem } from './types';
import { MCODE_EXAMPLES_DIR } from '../testing/mcode-examples';

// Large inputs are generated here (not committed): ~100 MB of NDJSON, a ~100 MB Bundle, a 200 MB line.
// Memory is measured after a full garbage collection every few thousand items, so what is counted is what the
// reader keeps alive, not garbage that has yet to be collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const example = JSON.parse(readFileSync(join(MCODE_EXAMPLES_DIR, 'Observation-tumor-marker-test-er-jenny-m.json'), 'utf8'));
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ehr-fhir-large-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function writeLines(path: string, targetBytes: number, line: (i: number) => string, head = '', tail = ''): Promise<number> {
  const out = createWriteStream(path);
  out.write(head);
  let bytes = 0;
  let i = 0;
  while (bytes < targetBytes) {
    const text = line(i++);
    bytes += text.length;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end(tail);
  await once(out, 'finish');
  return i;
}

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * Reads everything, returning counts and the largest memory growth over the start: `peakMB` after a full GC every
 * `every` items (what the reader keeps alive), and `rawPeakMB` sampled every 10 ms without GC (an upper bound that
 * includes garbage, and also sees inside a long line, where no item is yielded).
 */
async function measure(items: AsyncIterable<ReadItem>, every = 2000) {
  gc();
  const start = used();
  let rawPeak = 0;
  const sampler = setInterval(() => {
    rawPeak = Math.max(rawPeak, used() - start);
  }, 10);
  let peak = 0;
  let count = 0;
  const kinds: Record<string, number> = {};
  const errors: string[] = [];
  for await (const item of items) {
    count++;
    kinds[item.kind] = (kinds[item.kind] ?? 0) + 1;
    if (item.kind === 'error') errors.push(item.outcome.issue?.[0]?.diagnostics ?? '');
    if (count % every === 0) {
      gc();
      peak = Math.max(peak, used() - start);
    }
  }
  clearInterval(sampler);
  gc();
  peak = Math.max(peak, used() - start);
  return { count, kinds, errors, peakMB: peak / MB, rawPeakMB: rawPeak / MB };
}

describe('reading large inputs in bounded memory', () => {
  it('a ~100 MB NDJSON file is read line by line', async () => {
    const path = join(work, 'bulk.ndjson');
    const written = await writeLines(path, 100 * MB, (i) => `${JSON.stringify({ ...example, id: `er-${i}` })}\n`);
    expect(statSync(path).size).toBeGreaterThan(100 * MB);
    const started = Date.now();
    const result = await measure(readFhirFile(path));
    console.info(`100 MB NDJSON: ${written} resources in ${Date.now() - started} ms, peak growth ${result.peakMB.toFixed(1)} MB (without GC ${result.rawPeakMB.toFixed(1)} MB)`);
    expect(result.kinds).toEqual({ resource: written });
    expect(result.peakMB).toBeLessThan(100);
  }, 120_000);

  it('a ~100 MB collection Bundle whose urn:uuid references point forward streams its entries (two passes: the worst case)', async () => {
    const path = join(work, 'bundle.json');
    const entry = (i: number) =>
      `${i ? ',' : ''}${JSON.stringify({
        fullUrl: `urn:uuid:${uuid(i)}`,
        resource: { ...example, id: undefined, subject: { reference: `urn:uuid:${uuid(i + 1)}` } },
      })}\n`;
    const written = await writeLines(path, 100 * MB, entry, '{"resourceType":"Bundle","type":"collection","entry":[\n', ']}');
    const started = Date.now();
    let checked = 0;
    async function* checking() {
      for await (const item of readFhirFile(path)) {
        // Every reference points at the next entry (forward): resolved through the first pass's map.
        if (item.kind === 'resource' && checked < written - 1) {
          const { id, subject } = item.resource as { id?: string; subject?: { reference?: string } };
          if (id === uuid(checked) && subject?.reference === `Observation/${uuid(checked + 1)}`) checked++;
        }
        yield item;
      }
    }
    const result = await measure(checking());
    console.info(`100 MB Bundle: ${written} entries in ${Date.now() - started} ms, peak growth ${result.peakMB.toFixed(1)} MB (without GC ${result.rawPeakMB.toFixed(1)} MB)`);
    expect(result.kinds).toEqual({ resource: written });
    expect(checked).toBe(written - 1);
    expect(result.peakMB).toBeLessThan(100);
  }, 180_000);

  it('a 200 MB line is reported as too long without being held, and the next line is read', async () => {
    const path = join(work, 'long-line.ndjson');
    const out = createWriteStream(path);
    out.write(`${JSON.stringify({ resourceType: 'Patient', id: 'before' })}\n{"resourceType":"Binary","id":"huge","data":"`);
    const block = 'A'.repeat(MB);
    for (let i = 0; i < 200; i++) if (!out.write(block)) await once(out, 'drain');
    out.end(`"}\n${JSON.stringify({ resourceType: 'Patient', id: 'after' })}\n`);
    await once(out, 'finish');
    const result = await measure(readFhirFile(path), 1);
    console.info(`200 MB line: peak growth ${result.peakMB.toFixed(1)} MB (without GC ${result.rawPeakMB.toFixed(1)} MB)`);
    expect(result.kinds).toEqual({ resource: 2, error: 1 });
    expect(result.errors).toEqual([`${path}: line 2 exceeds the maximum line length of 67108864 bytes; skipped`]);
    // At most the 64 MiB limit of the line is held before it is given up.
    expect(result.rawPeakMB).toBeLessThan(150);
  }, 120_000);
});
