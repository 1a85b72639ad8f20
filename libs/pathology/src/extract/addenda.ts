import type { Finding } from './finding';

/**
 * Addenda amend: when an addendum restates something (same kind and aspect, e.g. "her2/IHC"), the latest statement
 * wins. Earlier findings are kept and marked `supersededBy` the id of the one that replaces them (the latest
 * addendum's statement of that key); the replacing finding lists them in `supersedes`. Only the patient's current
 * findings take part (not negated-by-trigger hypotheticals, historical statements or statements about someone
 * else). Work is per key and linear in the number of findings (a very long text has many).
 */
export function markSupersededFindings(findings: Finding[]): void {
  // only an addendum's statement supersedes: a report without one (most) needs no grouping
  let addendum = false;
  for (const f of findings) if (f.addendum !== undefined) addendum = true;
  if (!addendum) return;
  const eligible = (f: Finding) => !f.context.hypothetical && !f.context.historical && f.context.experiencer === 'patient';
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!eligible(f)) continue;
    const list = byKey.get(f.key);
    if (list) list.push(f);
    else byKey.set(f.key, [f]);
  }
  for (const list of byKey.values()) {
    // the latest statement of the key: highest addendum ordinal, then last in the text
    let latest: Finding | undefined;
    for (const f of list) {
      if (f.addendum === undefined) continue;
      if (!latest || (f.addendum as number) > (latest.addendum as number) || ((f.addendum as number) === (latest.addendum as number) && f.span.start > latest.span.start)) latest = f;
    }
    if (!latest) continue;
    for (const earlier of list) {
      if (earlier === latest) continue;
      if (earlier.addendum !== undefined && (earlier.addendum as number) >= (latest.addendum as number)) continue;
      earlier.supersededBy = latest.id;
      (latest.supersedes ??= []).push(earlier.id);
    }
  }
}

/** The findings that stand: not superseded by a later addendum. */
export function currentFindings<F extends Finding>(findings: readonly F[]): F[] {
  return findings.filter((f) => f.supersededBy === undefined);
}
