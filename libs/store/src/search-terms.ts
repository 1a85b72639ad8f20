/**
 * Search columns: lower-cased text computed in JavaScript (Unicode-aware on both databases; SQLite's lower() is
 * ASCII-only), matched with `contains`, which is a plain LIKE on both databases.
 */
import type { PatientDemographics } from './types';

/**
 * Lower-cased, with LIKE's wildcards and PostgreSQL's LIKE escape character mapped to private-use characters
 * (in the columns and in queries alike): Prisma's `contains` does not escape them, so "%" in a query would
 * otherwise match everything.
 */
const lower = (s: string | null | undefined) =>
  (s ?? '').toLocaleLowerCase('en-US').replace(/%/g, '\uE000').replace(/_/g, '\uE001').replace(/\\/g, '\uE002');

/** The patient id of a key: "Patient/cancer-patient-jenny-m" -> "cancer-patient-jenny-m". */
const idOfKey = (key: string) => key.slice(key.indexOf('/') + 1);

export function patientSearchText(key: string, p?: PatientDemographics): string {
  const parts = [p?.displayName, p?.given, p?.family, ...(p?.identifiers ?? []).map((i) => i.value), idOfKey(key)];
  return lower(parts.filter(Boolean).join(' ')).replace(/\s+/g, ' ').trim();
}

export function patientSortName(key: string, p?: PatientDemographics): string {
  const name = p?.displayName ?? [p?.family, p?.given].filter(Boolean).join(', ');
  return lower(name || idOfKey(key));
}

/** Whitespace-separated words of a query, lower-cased (each must appear). */
export function queryWords(text: string | undefined): string[] {
  return lower(text).split(/\s+/).filter(Boolean);
}

const ROMAN: Record<string, string> = { '1': 'i', '2': 'ii', '3': 'iii', '4': 'iv' };
const GROUP = '(0|[1-4]|iv|iii|ii|i|[a-c])([a-c]?[1-3]?)';
const IN_TEXT = new RegExp(`\\bstage\\s+${GROUP}\\b`, 'gi');
const WHOLE_QUERY = new RegExp(`^\\s*(?:stage\\s+)?${GROUP}\\s*$`, 'i');

function designation(group: string, sub: string): { full: string; group: string } {
  const g = ROMAN[group.toLowerCase()] ?? group.toLowerCase();
  return { full: `${g}${sub.toLowerCase()}`, group: g };
}

/**
 * The stage group's search column: designation tokens ("|iib|ii|"), the text, and the code, e.g.
 * "|iib|ii| american joint committee on cancer stage iib (qualifier value) |1222769001|".
 */
export function stageSearchText(text: string | null | undefined, code: string | null | undefined): string {
  const tokens = new Set<string>();
  for (const match of (text ?? '').matchAll(IN_TEXT)) {
    const d = designation(match[1]!, match[2] ?? '');
    tokens.add(d.full);
    tokens.add(d.group);
  }
  return `|${[...tokens].join('|')}| ${lower(text)} |${lower(code)}|`;
}

/** How a stage query matches the stage column: a designation token, or a substring of the text / code. */
export function stageQueryPattern(query: string): string {
  const m = WHOLE_QUERY.exec(query);
  if (m) return `|${designation(m[1]!, m[2] ?? '').full}|`;
  return lower(query).trim();
}

export function cancerSearchText(display: string | null | undefined, code: string | null | undefined): string {
  return `${lower(display)} |${lower(code)}|`;
}
