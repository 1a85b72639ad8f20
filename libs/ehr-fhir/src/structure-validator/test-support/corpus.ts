// The mCODE STU4 example resources (demo/mcode-stu4: 177 loose resources; demo/mcode-stu4-bundles: 2 Bundles
// whose 65 entries are flattened), used by the tests and the benchmark.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_DIR = fileURLToPath(new URL('../../../../../demo/', import.meta.url));

export interface CorpusResource {
  /** File name, plus `#entry[i]` for a Bundle entry. */
  source: string;
  resource: Record<string, unknown>;
}

function readDir(dir: string): { name: string; json: Record<string, unknown> }[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((name) => ({ name, json: JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown> }));
}

/** The loose resources and the Bundles' entries (not the Bundles themselves). */
export function loadMcodeCorpus(): CorpusResource[] {
  const out: CorpusResource[] = [];
  for (const dir of ['mcode-stu4', 'mcode-stu4-bundles']) {
    for (const { name, json } of readDir(join(DEMO_DIR, dir))) {
      if (json.resourceType === 'Bundle') {
        const entries = (json.entry ?? []) as { resource?: Record<string, unknown> }[];
        entries.forEach((e, i) => {
          if (e.resource) out.push({ source: `${dir}/${name}#entry[${i}]`, resource: e.resource });
        });
      } else {
        out.push({ source: `${dir}/${name}`, resource: json });
      }
    }
  }
  return out;
}

/** The example Bundles as they are (for validating a whole Bundle). */
export function loadMcodeBundles(): CorpusResource[] {
  return readDir(join(DEMO_DIR, 'mcode-stu4-bundles')).map(({ name, json }) => ({ source: `mcode-stu4-bundles/${name}`, resource: json }));
}
