// The bundled demo cohort (demo/mcode-stu4: the mCODE STU4 IG examples) for the de-identification tests, and the
// identifying strings of a patient's ORIGINAL resources, which must not survive de-identification.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Json = Record<string, unknown>;

export const DEMO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../demo');

export function loadDemoResources(): Json[] {
  const dir = join(DEMO_DIR, 'mcode-stu4');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json);
}

export function loadDemoBundle(name: string): Json {
  return JSON.parse(readFileSync(join(DEMO_DIR, 'mcode-stu4-bundles', name), 'utf8')) as Json;
}

/** The patient and every resource that references it (directly, anywhere in the resource). */
export function resourcesOfPatient(all: Json[], patientId: string): Json[] {
  const ref = `"Patient/${patientId}"`;
  return all.filter((r) => (r.resourceType === 'Patient' && r.id === patientId) || JSON.stringify(r).includes(`"reference":${ref}`));
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(v: unknown, visit: (key: string, value: unknown, parent: Json) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) {
    visit(k, x, v);
    walk(x, visit);
  }
}

export interface IdentifyingStrings {
  /** Names, identifier values, telecom, address parts, resource ids (3+ characters: shorter ones, such as the
   * family name "M", occur everywhere in any JSON and are checked through the name combinations instead). */
  strings: Set<string>;
  /** Every full-precision date (YYYY-MM-DD) in the original. */
  dates: Set<string>;
}

export function identifyingStrings(resources: Json[]): IdentifyingStrings {
  const strings = new Set<string>();
  const dates = new Set<string>();
  const add = (s: unknown) => {
    if (typeof s === 'string' && s.trim().length >= 3) strings.add(s.trim());
  };
  for (const r of resources) {
    add(r.id);
    walk(r, (key, value, parent) => {
      if (key === 'name' && Array.isArray(value) && ['Patient', 'RelatedPerson'].includes(String(r.resourceType))) {
        for (const n of value as Json[]) {
          const given = (n.given as string[] | undefined) ?? [];
          for (const g of given) add(g);
          add(n.family);
          add(n.text);
          if (n.family && given[0]) add(`${given[0]} ${n.family as string}`);
        }
      }
      if (key === 'identifier') for (const i of (Array.isArray(value) ? value : [value]) as Json[]) if (isObject(i)) add(i.value);
      if (key === 'telecom' && Array.isArray(value)) for (const t of value as Json[]) add(t.value);
      if (key === 'address' && Array.isArray(value)) {
        for (const a of value as Json[]) {
          for (const line of (a.line as string[] | undefined) ?? []) add(line);
          add(a.city);
          add(a.district);
          add(a.postalCode);
          add(a.text);
        }
      }
      if (key === 'reference' && typeof value === 'string') {
        const m = /([A-Za-z]+)\/([A-Za-z0-9.-]+)$/.exec(value);
        if (m) add(m[2]);
      }
      if (typeof value === 'string' && key !== 'div') {
        const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
        if (m) dates.add(m[1]!);
      }
      void parent;
    });
  }
  return { strings, dates };
}

/** All YYYY-MM-DD dates in structured values (not narratives) of resources, with where they sit. */
export function structuredDates(resource: Json): string[] {
  const out: string[] = [];
  walk(resource, (key, value) => {
    if (typeof value === 'string' && key !== 'div' && /^\d{4}-\d{2}-\d{2}/.test(value)) out.push(value.slice(0, 10));
  });
  return out;
}
