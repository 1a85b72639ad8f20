import { sentenceAt } from '../context/sentences';
import type { ReportSection } from '../sections';
import type { Span } from '../span';
import type { Finding } from './finding';

/** The report around the findings: lets an addendum's wording decide whether it amends and which values it names as old. */
export interface AddendumText {
  text: string;
  sentences: readonly Span[];
  sections: readonly ReportSection[];
}

/**
 * Addenda amend: when an addendum restates something (same kind and aspect, e.g. "her2/IHC") with another value, the
 * latest statement wins. Earlier findings are kept and marked `supersededBy` the id of the one that replaces them (the
 * latest addendum's statement of that key); the replacing finding lists them in `supersedes`. Only the patient's
 * current findings take part (not negated-by-trigger hypotheticals, historical statements or statements about someone
 * else). Given the report's text, three more rules: an addendum replaces the tumour's site, type, side, specimen or
 * procedure only where it says it amends ("amended", "corrected", "revised"; one that adds MMR results and names the
 * tumour again replaces nothing), while a later result of a test replaces the earlier one as such; its mention of the
 * value it corrects ("PR was reported as 70%", "the previously reported pN2 is superseded") is not its new statement
 * but is superseded with the earlier ones; a node count replaces only a count of as many nodes (the total 0/16 is no
 * correction of station 7's 0/3). Work is per key and linear in the number of findings (a very long text has many).
 */
export function markSupersededFindings(findings: Finding[], report?: AddendumText): void {
  // only an addendum's statement supersedes: a report without one (most) needs no grouping
  let addendum = false;
  for (const f of findings) if (f.addendum !== undefined) addendum = true;
  if (!addendum) return;
  const eligible = (f: Finding) => !f.context.hypothetical && !f.context.historical && f.context.experiencer === 'patient';
  const priorValues = new Set(report ? findings.filter((f) => f.addendum !== undefined && mentionsPriorValue(report, f.span)) : []);
  const amends = amendingAddenda(report);
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!eligible(f)) continue;
    const list = byKey.get(f.key);
    if (list) list.push(f);
    else byKey.set(f.key, [f]);
  }
  for (const list of byKey.values()) {
    // the latest new statement of the key: highest addendum ordinal, then last in the text
    let latest: Finding | undefined;
    for (const f of list) {
      if (f.addendum === undefined || (amends && DESCRIPTIVE.has(f.kind) && !amends.has(f.addendum)) || priorValues.has(f)) continue;
      if (!latest || (f.addendum as number) > (latest.addendum as number) || ((f.addendum as number) === (latest.addendum as number) && f.span.start > latest.span.start)) latest = f;
    }
    if (!latest) continue;
    for (const earlier of list) {
      if (earlier === latest) continue;
      const prior = priorValues.has(earlier);
      if (!prior && earlier.addendum !== undefined && (earlier.addendum as number) >= (latest.addendum as number)) continue;
      // an addendum that restates a value unchanged ("Tumor site: hepatic flexure") replaces nothing
      if (!prior && JSON.stringify(earlier.value) === JSON.stringify(latest.value)) continue;
      if (!prior && earlier.kind === 'lymph-nodes' && !sameNodes(earlier, latest)) continue;
      earlier.supersededBy = latest.id;
      (latest.supersedes ??= []).push(earlier.id);
    }
  }
}

/** Words by which an addendum's sentence names the value it corrects ("was reported as", "previously reported"). */
const PRIOR_VALUE = /\b(?:previously (?:reported|stated|given|issued)|was (?:reported|given|stated|listed) as|were (?:reported|given|listed) as|originally reported|initially reported|erroneously|in error|(?:is|are) (?:now )?superseded|replaces)\b/i;

function mentionsPriorValue(report: AddendumText, span: Span): boolean {
  const sentence = sentenceAt(report.sentences, span.start);
  return sentence !== undefined && PRIOR_VALUE.test(report.text.slice(sentence.start, sentence.end));
}

/** Kinds that describe the tumour rather than report a result: an addendum that names them again need not amend them. */
const DESCRIPTIVE = new Set<Finding['kind']>(['primary-site', 'histologic-type', 'laterality', 'specimen', 'procedure']);

/** What an addendum says when it changes an earlier value rather than adding a result. */
const AMENDS = /amend|correct|revis|replac|supersed|re-?(?:count|scor|review|evaluat|assess|examin)|updat|error/i;

/** The ordinals of the addenda whose heading or text amends (undefined without the report: every addendum may). */
function amendingAddenda(report: AddendumText | undefined): Set<number> | undefined {
  if (!report) return undefined;
  const out = new Set<number>();
  for (const s of report.sections) if (s.ordinal !== undefined && AMENDS.test(report.text.slice(s.span.start, s.span.end))) out.add(s.ordinal);
  return out;
}

/** Two counts of the same nodes: as many examined (a count without the number examined may be of any). */
function sameNodes(a: Finding, b: Finding): boolean {
  const x = (a as Finding<'lymph-nodes'>).value.examined;
  const y = (b as Finding<'lymph-nodes'>).value.examined;
  return x === undefined || y === undefined || x === y;
}

/** The findings that stand: not superseded by a later addendum. */
export function currentFindings<F extends Finding>(findings: readonly F[]): F[] {
  return findings.filter((f) => f.supersededBy === undefined);
}
