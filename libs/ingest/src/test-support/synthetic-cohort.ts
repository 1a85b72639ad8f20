/**
 * A largish synthetic FHIR input for the crash-safety tests, generated (never committed): the mCODE STU4 example
 * resources of one patient (Jenny M., CC0, committed in demo/mcode-stu4) replicated for `patients` synthetic
 * patients, with fresh ids, consistently rewritten references, varied names and dates, and the narrative removed
 * (small resources: the tests measure the store, not the validator). Written as one bulk NDJSON file.
 */
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const DEMO_DIR = resolve(__dirname, '../../../../demo/mcode-stu4');
/** The template patient: every demo resource of hers (about 50, Patient, Condition, Observation, Procedure, ...). */
const TEMPLATE = 'jenny-m';
/** Too big or nothing patient-specific to add: left out. */
const SKIP = /^(DiagnosticReport-genomics|Observation-genomic-region)/;

function templates(): JsonObject[] {
  return readdirSync(DEMO_DIR)
    .filter((name) => name.endsWith('.json') && name.includes(TEMPLATE) && !SKIP.test(name))
    .sort()
    .map((name) => {
      const resource = JSON.parse(readFileSync(join(DEMO_DIR, name), 'utf8')) as JsonObject;
      delete resource.text;
      return resource;
    });
}

function rewrite(node: Json, reference: (ref: string) => string, date: (value: string) => string): Json {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, reference, date));
  if (node && typeof node === 'object') {
    const copy: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'reference' && typeof v === 'string') copy[k] = reference(v);
      else if (typeof v === 'string' && /^(effective|onset|performed|authored|issued|recorded|occurrence|abatement)(DateTime)?$|^start$|^end$/.test(k)) copy[k] = date(v);
      else copy[k] = rewrite(v, reference, date);
    }
    return copy;
  }
  return node;
}

/** Shifts the year of an ISO date(-time) by `years` (keeps the rest as written). */
function shiftYear(value: string, years: number): string {
  const m = /^(\d{4})(.*)$/.exec(value);
  return m ? `${Number(m[1]) + years}${m[2]}` : value;
}

export interface SyntheticCohort {
  path: string;
  /** Resources written (one per line, all distinct keys). */
  resources: number;
  patients: number;
  /** Source record keys in input order ("fhir/<type>/<id>"). */
  keys: string[];
}

/** Writes `<path>`: `patients` × the template's resources, one resource per line. */
export function writeSyntheticCohort(path: string, patients: number): SyntheticCohort {
  const base = templates();
  const ownIds = new Set(base.map((r) => `${r.resourceType}/${r.id}`));
  const keys: string[] = [];
  const fd = openSync(path, 'w');
  try {
    for (let p = 0; p < patients; p++) {
      const suffix = `-cs${p}`;
      const years = p % 7;
      const lines: string[] = [];
      for (const template of base) {
        const copy = rewrite(template, (ref) => (ownIds.has(ref) ? `${ref}${suffix}` : ref), (d) => shiftYear(d, years)) as JsonObject;
        copy.id = `${String(template.id)}${suffix}`;
        if (copy.resourceType === 'Patient') {
          copy.name = [{ family: `Synthetic${p}`, given: [`Patient${p % 37}`] }];
          copy.identifier = [{ system: 'http://hospital.example.org', value: `CS-MRN-${p}` }];
          copy.birthDate = `${1940 + (p % 50)}-0${1 + (p % 9)}-1${p % 10}`;
        }
        lines.push(JSON.stringify(copy));
        keys.push(`fhir/${String(copy.resourceType)}/${String(copy.id)}`);
      }
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return { path, resources: keys.length, patients, keys };
}
