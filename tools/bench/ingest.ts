/**
 * npm run bench:ingest [-- --resources 100000 --database-url <url>]
 *
 * Ingest of a large generated set: the demo cohort (mCODE STU4 examples) replicated with fresh ids and
 * consistently rewritten references up to ≥ N resources, written as one bulk NDJSON file, then imported
 * through the real pipeline (read → validate → map → store) into a fresh SQLite database.
 * Baseline measured in the same run: JSON.parse alone over the same NDJSON bytes, the best of 3 runs (the
 * fastest baseline is the strictest one for the ingest/parse ratio).
 * Prints a table, then one JSON object as the last line.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importFhirPath } from '@oncoboard/ingest';
import { openStore } from '@oncoboard/store';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { resources: { type: 'string', default: '100000' }, 'database-url': { type: 'string' }, 'write-ndjson': { type: 'string' } } });
const target = Number(values.resources);

/** Every resource of the demo cohort, bundles flattened, urn:uuid references turned into Type/id. */
function loadDemoResources(): { [k: string]: Json }[] {
  const dir = join(repoRoot, 'demo', 'mcode-stu4');
  const out: { [k: string]: Json }[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const r = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (r.resourceType === 'Bundle') {
      const fullUrls = new Map<string, string>();
      for (const e of r.entry ?? []) if (e.fullUrl && e.resource?.id) fullUrls.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
      for (const e of r.entry ?? []) if (e.resource) out.push(rewriteReferences(e.resource, (ref) => fullUrls.get(ref) ?? ref) as { [k: string]: Json });
    } else if (r.resourceType && r.id) out.push(r);
  }
  return out;
}

function rewriteReferences(node: Json, map: (ref: string) => string): Json {
  if (Array.isArray(node)) return node.map((n) => rewriteReferences(n, map));
  if (node && typeof node === 'object') {
    const copy: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(node)) copy[k] = k === 'reference' && typeof v === 'string' ? map(v) : rewriteReferences(v, map);
    return copy;
  }
  return node;
}

/** Writes the replicas line by line, so the generator's memory does not count in the ingest's peak RSS. */
function generateNdjson(path: string, minResources: number): { resources: number; bytes: number } {
  const base = loadDemoResources();
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (let replica = 0; written < minResources; replica += 1) {
      const suffix = `-r${replica}`;
      const chunk: string[] = [];
      for (const r of base) {
        const copy = rewriteReferences(r, (ref) => (/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]+$/.test(ref) ? `${ref}${suffix}` : ref)) as { [k: string]: Json };
        copy.id = `${String(r.id).slice(0, 64 - suffix.length)}${suffix}`;
        chunk.push(JSON.stringify(copy));
      }
      writeSync(fd, `${chunk.join('\n')}\n`);
      written += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return { resources: written, bytes: statSync(path).size };
}

async function parseOnly(path: string): Promise<number> {
  const started = performance.now();
  let n = 0;
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim()) {
      JSON.parse(line);
      n += 1;
    }
  }
  if (n === 0) throw new Error('parse-only baseline read nothing');
  return (performance.now() - started) / 1000;
}

// --write-ndjson <file>: only generate the data set (to profile an import of it with the CLI), then stop.
if (values['write-ndjson']) {
  const generated = generateNdjson(values['write-ndjson'], target);
  console.log(JSON.stringify({ bench: 'ingest', wrote: values['write-ndjson'], ...generated }));
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'oncoboard-bench-'));
try {
  const ndjson = join(work, 'cohort.ndjson');
  // Generated in a child process, so the generator's heap does not weigh on the measured import.
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--resources', String(target), '--write-ndjson', ndjson], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`generating the data set failed: ${child.stderr}`);
  const generated = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { resources: number; bytes: number };
  const parseSeconds = Math.min(await parseOnly(ndjson), await parseOnly(ndjson), await parseOnly(ndjson));

  const databaseUrl = values['database-url'] ?? `file:${join(work, 'bench.db')}`;
  const store = await openStore({ databaseUrl });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const started = performance.now();
  let lastShown = 0;
  const result = await importFhirPath(ndjson, {
    store,
    onProgress: (p) => {
      if (p.read - lastShown >= 20000) {
        lastShown = p.read;
        process.stderr.write(`  ${p.read} / ${generated.resources} read\n`);
      }
    },
  });
  const ingestSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const counts = await store.countRecords();
  await store.close();

  const rate = result.read / ingestSeconds;
  const ratio = ingestSeconds / parseSeconds;
  const rows: [string, string][] = [
    ['resources generated', String(generated.resources)],
    ['NDJSON size', `${(generated.bytes / 1e6).toFixed(1)} MB`],
    ['baseline: JSON.parse only (best of 3)', `${parseSeconds.toFixed(2)} s (${Math.round(generated.resources / parseSeconds)} resources/s)`],
    ['ingest into SQLite (validate+map+store)', `${ingestSeconds.toFixed(2)} s (${Math.round(rate)} resources/s)`],
    ['ingest / parse-only time', `${ratio.toFixed(2)}x (target ≤ 5x)`],
    ['throughput target', `${Math.round(rate)} / 3000 resources/s = ${(rate / 3000).toFixed(2)}x`],
    ['peak RSS', `${(peakRss / 1024 / 1024).toFixed(0)} MB`],
    ['imported / unchanged / rejected', `${result.imported} / ${result.unchanged} / ${result.rejected}`],
    ['store rows: records / facts / events', `${counts.sourceRecords} / ${counts.facts} / ${counts.events}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\nbench:ingest');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log(
    JSON.stringify({
      bench: 'ingest',
      resources: generated.resources,
      bytes: generated.bytes,
      parseOnlySeconds: +parseSeconds.toFixed(3),
      ingestSeconds: +ingestSeconds.toFixed(3),
      resourcesPerSecond: Math.round(rate),
      ingestToParseRatio: +ratio.toFixed(2),
      peakRssMB: Math.round(peakRss / 1024 / 1024),
      imported: result.imported,
      rejected: result.rejected,
      meetsThroughputTarget: rate >= 3000,
      meetsRatioTarget: ratio <= 5,
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
