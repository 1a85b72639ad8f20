import type { Finding } from './finding';

/**
 * Addenda amend: when an addendum restates something (same kind and aspect, e.g. "her2/IHC"), the latest statement
 * wins. Earlier findings are kept and marked `supersededBy` the id of the one that replaces them; the replacing
 * finding lists them in `supersedes`. Only the patient's current findings take part (not negated-by-trigger
 * hypotheticals, historical statements or statements about someone else).
 */
export function markSupersededFindings(findings: Finding[]): void {
  const eligible = (f: Finding) => !f.context.hypothetical && !f.context.historical && f.context.experiencer === 'patient';
  const addenda = findings.filter((f) => f.addendum !== undefined && eligible(f)).sort((a, b) => (a.addendum as number) - (b.addendum as number) || a.span.start - b.span.start);
  for (const later of addenda) {
    for (const earlier of findings) {
      if (earlier === later || earlier.key !== later.key || !eligible(earlier)) continue;
      const before = earlier.addendum === undefined || (earlier.addendum as number) < (later.addendum as number);
      if (!before) continue;
      earlier.supersededBy = later.id;
      later.supersedes = [...(later.supersedes ?? []), earlier.id];
    }
  }
}

/** The findings that stand: not superseded by a later addendum. */
export function currentFindings<F extends Finding>(findings: readonly F[]): F[] {
  return findings.filter((f) => f.supersededBy === undefined);
}
