// ER, PR, HER2 (IHC score, ISH result, ratio, copy number), Ki-67, mismatch-repair proteins, MSI and PD-L1, from
// synoptic lines ("Estrogen Receptor (ER): Positive, 95%, strong, Allred 8/8") and prose ("ER positive (95%)").
import type { Span } from '../span';
import type { Candidate, FindingValues } from './finding';
import { allMatches, lineSpan, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';
import { parseIntensity, parsePercent } from './value-parsers';

type Receptor = FindingValues['er'];

export function parseReceptor(s: string): Receptor | undefined {
  const out: Receptor = {};
  // "appropriate internal control positive" speaks of the control tissue, not the tumour
  const t = s.toLowerCase().replace(STAIN_CONTROL, ' ');
  if (/\blow[- ]positive\b|\bweakly positive\b/.test(t)) out.result = 'low-positive';
  else if (/\bpositive\b/.test(t)) out.result = 'positive';
  else if (/\bnegative\b/.test(t)) out.result = 'negative';
  else if (/\bpending\b/.test(t)) out.result = 'pending';
  const pct = parsePercent(s);
  if (pct) {
    out.percent = pct.percent;
    if (pct.comparator) out.comparator = pct.comparator;
    if (pct.range) out.range = pct.range;
  }
  // ASCO/CAP 2020: "low positive" is 1-10% of cells; "weakly positive, 20%" names the intensity of a positive result
  if (out.result === 'low-positive' && !/\blow[- ]positive\b/.test(t) && out.percent !== undefined && out.percent > 10) out.result = 'positive';
  const intensity = parseIntensity(s);
  if (intensity) out.intensity = intensity;
  const allred = /\ballred(?:\s+score)?\s*(?:of\s*|:|=)?\s*(\d)\b(?:\s*(?:\/|of|out of)\s*8)?/i.exec(s);
  if (allred) out.allred = Number(allred[1]);
  // "ER 8/8 (Quick/Allred score)", "PR 6/8": a score out of 8 right after the marker is the Allred (Quick) score;
  // 0-2 is negative, 3-8 positive
  const quick = allred ? null : QUICK_SCORE.exec(s);
  if (quick) {
    out.allred = Number(quick[1]);
    out.result ??= out.allred >= 3 ? 'positive' : 'negative';
  }
  return Object.keys(out).length ? out : undefined;
}

const QUICK_SCORE = /^\s*(?:[:=–-]\s*)?([0-8])\s*\/\s*8\b/;

/** A stain's control tissue and its result: "internal control positive", "positive controls", "external controls are negative". */
const STAIN_CONTROL = /\b(?:internal|external|positive|negative)\s+controls?(?:\s+(?:is|are|was|were|stain(?:s|ed)?))?(?:\s+(?:appropriately\s+)?(?:positive|negative|reactive))?\b/g;

type Her2 = FindingValues['her2'];
const ISH_WORDS = /\b(?:fish|sish|cish|dish|ish|in situ hybridi[sz]ation|cep17|copy number|signals? per cell)\b/i;
const IHC_WORDS = /\b(?:ihc|immunohistochemi(?:stry|cal)|hercept ?test|4b5)\b/i;

/** The ISH technique itself (ISH_WORDS also takes "copy number", which sequencing reports too). */
const ISH_TECHNIQUE = /\b(?:fish|sish|cish|dish|ish|in situ hybridi[sz]ation|cep ?17)\b/i;
const SEQUENCING = /\b(?:NGS|next[- ]generation sequencing|sequencing)\b/i;
/** An ISH test ordered or awaited, not yet a result: "pending ISH", "reflex to FISH", "ISH to follow". */
const PLANNED_ISH = /\b(?:pending|reflex(?:ed)?(?:\s+to)?|awaiting|sent for)\s+(?:FISH|SISH|CISH|DISH|ISH|in situ hybridi[sz]ation)\b|\b(?:FISH|SISH|CISH|DISH|ISH|in situ hybridi[sz]ation)\s+(?:is\s+|will be\s+|has been\s+)?(?:pending|ordered|requested|to follow)\b/gi;

const BARE_ZERO_SCORE = /^\s*(?:HER-?2(?:\/neu)?|ERBB2)?\s*(?:\((?:by\s+)?(?:IHC|immunohistochemistry)\)|IHC|by IHC)?\s*[:=-]?\s*(0)\b(?![.,]\d|\s*%)/i;

export function parseHer2(s: string, methodHint?: Her2['method']): Her2 | undefined {
  // "HER2 NOT AMPLIFIED (Group 4 with IHC 2+)": amplification is an ISH result even where IHC is mentioned
  // "HER2 equivocal (2+) pending ISH": an ISH still to come is not the method of the result stated
  const method: Her2['method'] = methodHint ?? ((ISH_WORDS.test(s) && ISH_WORDS.test(s.replace(PLANNED_ISH, ' '))) || /^\W*(?:HER-?2(?:\/neu)?|ERBB2)?\s*:?\s*(?:is\s+)?(?:not |non-?)?amplifi/i.test(s) ? 'ISH' : IHC_WORDS.test(s) || /\b[0-3]\s*\+/.test(s) ? 'IHC' : 'unspecified');
  const out: Her2 = { method };
  const t = s.toLowerCase();
  // "3+", "score 0", and a bare 0 stated as the IHC result ("HER2 (IHC): 0", "HER2 0", "HER2: 0 (negative) by IHC")
  const score = /(?:score\s*(?:of\s*)?)?\b([0-3])\s*\+|\bscore\s*(?:of\s*|:\s*)?(0)\b/i.exec(s) ?? BARE_ZERO_SCORE.exec(s);
  if (score && method !== 'ISH') out.score = (score[1] === undefined || score[1] === '0' ? '0' : `${score[1]}+`) as Her2['score'];
  if (/\bnot amplified\b|\bnon-?amplified\b|\bno amplification\b/.test(t)) out.result = 'not-amplified';
  else if (/\bamplified\b|\bamplification\b/.test(t)) out.result = 'amplified';
  else if (/\bequivocal\b/.test(t)) out.result = 'equivocal';
  else if (/\bpositive\b/.test(t)) out.result = 'positive';
  else if (/\bnegative\b/.test(t)) out.result = 'negative';
  else if (/\bpending\b/.test(t)) out.result = 'pending';
  // "IHC 2+/ISH-": the ASCO/CAP shorthand of an ISH result
  const ishSign = method === 'ISH' && !out.result ? /\b(?:F|S|C|D)?ISH\s*([+-])(?![\w+])/i.exec(s) : null;
  if (ishSign) out.result = ishSign[1] === '+' ? 'amplified' : 'not-amplified';
  // an ISH result stated as positive / negative ("HER2-positive by ISH") is amplification / its absence
  if (method === 'ISH' && out.result === 'positive') out.result = 'amplified';
  else if (method === 'ISH' && out.result === 'negative') out.result = 'not-amplified';
  const ratio = /cep\s*17\s*ratio\s*(?:of\s*|:|=)?\s*(\d+(?:\.\d+)?)|ratio\s*(?:of\s*|:|=)?\s*(\d+(?:\.\d+)?)/i.exec(s);
  if (ratio && out.method === 'ISH') out.ratio = Number(ratio[1] ?? ratio[2]);
  const copies = /copy number\s*(?:of\s*|:|=)?\s*(\d+(?:\.\d+)?)/i.exec(s);
  if (copies) out.copyNumber = Number(copies[1]);
  const group = /\bgroup\s*([1-5])\b/i.exec(s);
  if (group && out.method === 'ISH') out.ishGroup = Number(group[1]);
  return out.score || out.result || out.ratio !== undefined || out.copyNumber !== undefined ? out : undefined;
}

function her2Key(v: Her2): string {
  if (v.method === 'ISH') return v.ratio !== undefined && !v.result ? 'her2/ISH/ratio' : v.copyNumber !== undefined && !v.result ? 'her2/ISH/copy-number' : 'her2/ISH';
  return `her2/${v.method}`;
}

type MmrProtein = FindingValues['mmr']['protein'];
function mmrStatus(s: string): FindingValues['mmr']['status'] | undefined {
  const t = s.toLowerCase();
  if (/\b(?:loss|lost|absent|absence|deficient|negative)\b/.test(t)) return 'lost';
  if (/\b(?:intact|retained|preserved|present|proficient|positive)\b/.test(t)) return 'intact';
  return undefined;
}

export function parseMsi(s: string): FindingValues['msi'] | undefined {
  if (/\bMSI-?H(?:igh)?\b|microsatellite instability[- ]high|high(?:[- ]level)? microsatellite instability|\bMSI-high\b/i.test(s)) return { status: 'MSI-H' };
  if (/\bMSI-?L(?:ow)?\b|microsatellite instability[- ]low|low(?:[- ]level)? microsatellite instability/i.test(s)) return { status: 'MSI-L' };
  if (/\bMSS\b|microsatellite[- ]stable|\bstable\b/i.test(s)) return { status: 'MSS' };
  return undefined;
}

const PDL1_CLONE = /\b(22C3|SP263|SP142|28-8|73-10)\b/i;

export function parsePdl1(s: string): FindingValues['pd-l1'] | undefined {
  const out: FindingValues['pd-l1'] = {};
  const tps = /(?:tumou?r proportion score|\bTPS\b)(?:\s*\(TPS\))?\s*(?:of\s*|:|=|(?:is|was)\s+)?\s*(<=|>=|[<>≤≥])?\s*(\d{1,3})\s*%/i.exec(s);
  if (tps) {
    out.tps = Number(tps[2]);
    if (tps[1]) out.comparator = normalizeComparator(tps[1]);
  }
  const cps = /(?:combined positive score|\bCPS\b)(?:\s*\(CPS\))?\s*(?:of\s*|:|=|(?:is|was)\s+)?\s*(<=|>=|[<>≤≥])?\s*(\d{1,3})\b/i.exec(s);
  if (cps) {
    out.cps = Number(cps[2]);
    if (cps[1]) out.comparator = normalizeComparator(cps[1]);
  }
  const clone = PDL1_CLONE.exec(s);
  if (clone) out.clone = (clone[1] as string).toUpperCase();
  return out.tps !== undefined || out.cps !== undefined ? out : undefined;
}

function normalizeComparator(c: string): FindingValues['pd-l1']['comparator'] {
  return c === '≥' ? '>=' : c === '≤' ? '<=' : (c as FindingValues['pd-l1']['comparator']);
}

// ------------------------------------------------------------------ synoptic labels

/** Biomarker findings of a "Label: value" line, or undefined when the label is not a biomarker. */
export function biomarkerFromLabel(unit: ExtractionUnit): Candidate[] | undefined {
  if (!unit.label || !unit.value) return undefined;
  const label = unit.label.norm;
  const value = sliceOf(unit, unit.value);
  const whole = sliceOf(unit);
  const span = lineSpan(unit);
  // "ER/PR/HER2: right - ER 95%, PR 80%, HER2 0; …": a label naming several markers is read as prose
  if (/^(?:er|pr|pgr|her-?2)\s*(?:\/|,|and)\s*(?:er|pr|pgr|her-?2)\b/.test(label)) return undefined;
  if (/^(?:estrogen receptor|oestrogen receptor|er)\b/.test(label)) {
    const v = parseReceptor(value);
    return v ? [{ kind: 'er', value: v, span, key: 'er', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  if (/^(?:progesterone receptor|pr|pgr)\b/.test(label)) {
    const v = parseReceptor(value);
    return v ? [{ kind: 'pr', value: v, span, key: 'pr', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  if (/^(?:final |overall )?(?:her-?2|erbb2)\b|^average her-?2|^her-?2\/cep ?17/.test(label)) {
    const hint: FindingValues['her2']['method'] | undefined = ISH_WORDS.test(unit.label.norm) ? 'ISH' : IHC_WORDS.test(unit.label.norm) ? 'IHC' : undefined;
    const v = parseHer2(whole, hint);
    const result = v && v.method === 'ISH' && !v.result && v.ratio !== undefined ? ishResultAfter(unit) : undefined;
    if (v && result) v.result = result.result;
    if (!v) return [];
    const out: Candidate[] = [{ kind: 'her2', value: v, span: result ? { start: span.start, end: result.end } : span, key: her2Key(v), source: 'synoptic', target: unit.label.span, affirmedByValue: true }];
    // "Final HER2 status: negative (IHC 2+, ISH not amplified)": the ISH statement also restates the IHC score
    const ihc = v.method === 'ISH' ? restatedIhcScore(unit, unit.value.start - unit.span.start, value) : undefined;
    if (ihc) out.push({ ...ihc, source: 'synoptic' });
    return out;
  }
  if (/^(?:ki-?67|mib-?1)\b/.test(label)) {
    const p = parsePercent(value);
    return p ? [{ kind: 'ki67', value: { percent: p.percent, ...(p.comparator ? { comparator: p.comparator } : {}), ...(p.range ? { range: p.range } : {}) }, span, key: 'ki67', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  // "MSH2 and MSH6: retained": several proteins share the label's value
  if ((label.match(/\b(?:mlh1|pms2|msh2|msh6)\b/g) ?? []).length > 1) return mmrProteinsOf(unit).map((c) => ({ ...c, source: 'synoptic' as const }));
  // "MLH1 promoter methylation: Present" is a methylation result, not the protein's expression
  const protein = /^(mlh1|pms2|msh2|msh6)\b(?!\s+(?:promoter|gene|germline|methylation|hypermethylation|mutation|variant|sequencing))/.exec(label);
  if (protein) {
    const status = mmrStatus(value);
    return status ? [{ kind: 'mmr', value: { protein: (protein[1] as string).toUpperCase() as MmrProtein, status }, span, key: `mmr/${(protein[1] as string).toUpperCase()}`, source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  if (/^(?:microsatellite|msi\b)/.test(label)) {
    const v = parseMsi(value);
    return v ? [{ kind: 'msi', value: v, span, key: 'msi', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  if (/^(?:mismatch repair|mmr)\b/.test(label)) {
    const t = value.toLowerCase();
    const status = /\bdeficient\b|\bdmmr\b|\bloss\b/.test(t) ? 'deficient' : /\bproficient\b|\bpmmr\b|\bintact\b/.test(t) ? 'proficient' : undefined;
    // "MMR IHC: MLH1 intact, PMS2 intact, MSH2 intact, MSH6 loss": each protein is its own finding
    const proteins = mmrProteinsOf(unit, unit.value).map((c) => ({ ...c, source: 'synoptic' as const }));
    if (proteins.length) return proteins;
    return status ? [{ kind: 'mmr', value: { protein: 'overall', status }, span, key: 'mmr/overall', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  if (/^pd-?l1\b|^programmed death/.test(label)) {
    const v = parsePdl1(whole);
    return v ? [{ kind: 'pd-l1', value: v, span, key: v.cps !== undefined && v.tps === undefined ? 'pd-l1/CPS' : 'pd-l1/TPS', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  return undefined;
}

// ------------------------------------------------------------------ prose

// Case-sensitive for ER/PR (not the words "er", "pr"); the spelled-out names in any of the usual cases
const MARKER = /\b(?:(?:[Ee]strogen [Rr]eceptor|ESTROGEN RECEPTOR)(?: \(ER\))?|[Oo]estrogen [Rr]eceptor|OESTROGEN RECEPTOR|(?:[Pp]rogesterone [Rr]eceptor|PROGESTERONE RECEPTOR)(?: \(PR\))?|ER|PR|PgR|HER-?2(?:\/neu)?|Ki-?67(?: \(MIB-?1\))?|PD-?L1(?: \((?:22C3|SP263|SP142|28-8)[^)]*\))?|MLH1|PMS2|MSH2|MSH6)\b/g;

const MARKER_ONCE = new RegExp(MARKER.source);

/** Biomarker statements in a prose sentence: each marker's statement runs to the next marker. */
export function biomarkersFromProse(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  // a sentence that names no marker (MARKER holds the MMR proteins too), no PD-L1 score, no MSI and no MMR status
  // ("there", "other" pass the caller's test) gives nothing: four quick tests instead of the readings below
  if (!MARKER_ONCE.test(s) && !PDL1_SCORE_HINT.test(s) && !MSI_HINT.test(s) && !MMR_HINT.test(s)) return [];
  const out: Candidate[] = [];
  const mentions = allMatches(s, MARKER);
  out.push(...mmrProteinsOf(unit));
  mentions.forEach((m, n) => {
    const start = m.index ?? 0;
    if (/^(?:MLH1|PMS2|MSH2|MSH6)$/.test(m[0])) return;
    const end = mentions[n + 1]?.index ?? s.length;
    const segment = s.slice(start, end);
    const name = m[0].toUpperCase();
    const target = subSpan(unit, start, start + m[0].length);
    const statement = (v: number) => subSpan(unit, start, start + Math.max(v, m[0].length));
    if (/^(?:ESTROGEN|OESTROGEN|ER\b)/.test(name) || /^(?:PROGESTERONE|PR\b|PGR)/.test(name)) {
      // "ER+", "PR-": the sign right after the marker is the result
      const sign = /^([+-])(?![\w+])/.exec(segment.slice(m[0].length));
      const v = sign ? { result: sign[1] === '+' ? ('positive' as const) : ('negative' as const) } : parseReceptor(segment.slice(m[0].length));
      if (sign) {
        out.push({ kind: name.startsWith('E') || name.startsWith('O') ? 'er' : 'pr', value: v as Receptor, span: statement(m[0].length + 1), target, key: name.startsWith('E') || name.startsWith('O') ? 'er' : 'pr', source: 'prose' });
        return;
      }
      // "ER/PR positive": the two receptors share the status stated after the second
      const next = mentions[n + 1];
      const shared = !v && next && /^\s*(?:\/|and|&)\s*$/.test(segment.slice(m[0].length)) && /^(?:ER|PR|PgR)$/.test(next[0]) ? s.slice(next.index ?? 0, mentions[n + 2]?.index ?? s.length) : undefined;
      const sharedValue = shared ? parseReceptor(shared.slice(next?.[0].length ?? 0)) : undefined;
      if (shared && sharedValue?.result) out.push({ kind: name.startsWith('E') || name.startsWith('O') ? 'er' : 'pr', value: sharedValue, span: subSpan(unit, start, (next?.index ?? 0) + lastValueEnd(shared)), target, key: name.startsWith('E') || name.startsWith('O') ? 'er' : 'pr', source: 'prose' });
      else if (v && (v.result || v.percent !== undefined)) out.push({ kind: name.startsWith('E') || name.startsWith('O') ? 'er' : 'pr', value: v, span: statement(lastValueEnd(segment)), target, key: name.startsWith('E') || name.startsWith('O') ? 'er' : 'pr', source: 'prose' });
    } else if (name.startsWith('HER')) {
      // "HER2 (ERBB2) not amplified by NGS": a sequencing panel's copy-number call is a gene alteration, not an ISH result
      const v = SEQUENCING.test(segment) && !ISH_TECHNIQUE.test(segment) ? undefined : parseHer2(segment);
      // "Result: NOT AMPLIFIED (HER2/CEP17 ratio 1.4; …)": the result stated just before the ratio, on its line
      const leadFrom = Math.max(s.lastIndexOf('\n', start) + 1, start - 60);
      const lead = /\b(not amplified|non-?amplified|amplified)\b[^.;\n]{0,12}$/i.exec(s.slice(leadFrom, start));
      if (v && v.method === 'ISH' && !v.result && lead) {
        v.result = /^no/i.test(lead[1] as string) ? 'not-amplified' : 'amplified';
        // the value states the result ("NOT AMPLIFIED" is not a negated finding)
        out.push({ kind: 'her2', value: v, span: subSpan(unit, leadFrom + lead.index, start + Math.max(lastValueEnd(segment), m[0].length)), target, key: her2Key(v), source: 'prose', affirmedByValue: true });
      } else if (v && v.method === 'ISH' && !v.result && v.ratio !== undefined && ishResultAfter(unit)) {
        // "HER2/CEP17 ratio 2.4; average HER2 copy number 5.1 signals/cell. Result: AMPLIFIED": the result closes the statement
        const result = ishResultAfter(unit) as { result: 'amplified' | 'not-amplified' | 'equivocal'; end: number };
        v.result = result.result;
        out.push({ kind: 'her2', value: v, span: { start: target.start, end: result.end }, target, key: her2Key(v), source: 'prose', affirmedByValue: true });
      } else if (v) out.push({ kind: 'her2', value: v, span: statement(lastValueEnd(segment)), target, key: her2Key(v), source: 'prose' });
      // "HER2 NOT AMPLIFIED (Group 4 with IHC 2+)": the ISH statement also restates the IHC score
      const ihc = v?.method === 'ISH' ? restatedIhcScore(unit, start, segment) : undefined;
      if (ihc) out.push(ihc);
    } else if (name.startsWith('KI')) {
      const p = parsePercent(segment);
      if (p) out.push({ kind: 'ki67', value: { percent: p.percent, ...(p.comparator ? { comparator: p.comparator } : {}), ...(p.range ? { range: p.range } : {}) }, span: statement(p.index + p.length), target, key: 'ki67', source: 'prose' });
    } else if (name.startsWith('PD')) {
      const v = parsePdl1(segment);
      if (v) out.push({ kind: 'pd-l1', value: v, span: statement(lastValueEnd(segment)), target, key: v.cps !== undefined && v.tps === undefined ? 'pd-l1/CPS' : 'pd-l1/TPS', source: 'prose' });
    }
  });
  // "a companion SP263 stain shows TPS 55%", "Clone 28-8: TPS 2%": a tumour proportion or combined positive score is
  // a PD-L1 result (no other IHC is scored so) even where the sentence does not name PD-L1; a lower bound there
  // ("CPS >= 1 but < 10" in a comment) is a treatment threshold, not the result
  const score = out.some((c) => c.kind === 'pd-l1') || !PDL1_SCORE_HINT.test(s) ? null : PDL1_SCORE.exec(s);
  const pdl1 = score ? parsePdl1(s.slice(score.index)) : undefined;
  if (score && pdl1 && pdl1.comparator !== '>=' && pdl1.comparator !== '>') {
    const clone = PDL1_CLONE.exec(s.slice(0, score.index));
    if (clone && !pdl1.clone) pdl1.clone = (clone[1] as string).toUpperCase();
    out.push({ kind: 'pd-l1', value: pdl1, span: subSpan(unit, score.index, score.index + score[0].length), key: pdl1.cps !== undefined && pdl1.tps === undefined ? 'pd-l1/CPS' : 'pd-l1/TPS', source: 'prose' });
  }
  // every MSI statement of the sentence ("may be MSI-L or MSS"), a restatement in parentheses only once ("MSI-H (high)")
  let msiFound = false;
  // (MSI_STATEMENT and SUGGESTED_MSI both need "MSI", "MSS" or "microsatellite": one quick test for the usual sentence)
  const msiNamed = MSI_HINT.test(s);
  if (msiNamed) for (const msi of allMatches(s, MSI_STATEMENT)) {
    const v = parseMsi(msi[0]);
    if (!v || (msiFound && /\(\s*$/.test(s.slice(0, msi.index)))) continue;
    msiFound = true;
    out.push({ kind: 'msi', value: v, span: subSpan(unit, msi.index ?? 0, (msi.index ?? 0) + msi[0].length), key: 'msi', source: 'prose' });
  }
  if (!msiFound && msiNamed) {
    // "(tumour-infiltrating lymphocytes …), suggestive of microsatellite instability": histology pointing to MSI-H,
    // hedged by its cue (the cue is in the span, the target is the MSI words, so ConText reads it as uncertain)
    const suggested = SUGGESTED_MSI.exec(s);
    if (suggested) {
      const at = (suggested.index ?? 0) + suggested[0].length - 'microsatellite instability'.length;
      out.push({ kind: 'msi', value: { status: 'MSI-H' }, span: subSpan(unit, suggested.index ?? 0, (suggested.index ?? 0) + suggested[0].length), target: subSpan(unit, at, at + 'microsatellite instability'.length), key: 'msi', source: 'prose' });
    }
  }
  // (each of its statements holds "MMR" or "mismatch")
  const dmmr = MMR_HINT.test(s) ? /\b(?:mismatch repair|MMR)[- ](deficient|proficient)\b|\b(dMMR|pMMR)\b/i.exec(s) : null;
  if (dmmr) {
    const status = /^d|deficient/i.test(dmmr[1] ?? dmmr[2] ?? '') ? 'deficient' : 'proficient';
    out.push({ kind: 'mmr', value: { protein: 'overall', status }, span: subSpan(unit, dmmr.index ?? 0, (dmmr.index ?? 0) + dmmr[0].length), key: 'mmr/overall', source: 'prose' });
  }
  return out;
}

const MSI_HINT = /MS[IS]|microsatellite/i;
const MMR_HINT = /mmr|mismatch/i;
/** PDL1_SCORE names a score ("... score") or its abbreviation (TPS, CPS). */
const PDL1_SCORE_HINT = /score|[TC]PS/i;
const MSI_STATEMENT = /\b(?:MSI-?H(?:igh)?|MSI-?L(?:ow)?|MSS|microsatellite (?:instability[- ](?:high|low)|stable)|(?:high|low)(?:[- ]level)? microsatellite instability)\b/gi;
/** Microsatellite instability named as what a finding points to (not a test: "microsatellite instability testing"). */
const SUGGESTED_MSI = /\b(?:suggestive|indicative) of microsatellite instability\b(?![- ](?:testing|analysis|status|studies|low))/i;
const PDL1_SCORE = /(?:tumou?r proportion score|\bTPS\b|combined positive score|\bCPS\b)(?:\s*\((?:TPS|CPS)\))?\s*(?:of\s*|:|=|(?:is|was)\s+)?\s*(?:<=|>=|[<>≤≥])?\s*\d{1,3}(?:\s*%)?/i;
const MMR_PROTEIN = /\b(MLH1|PMS2|MSH2|MSH6)\b/g;
const MMR_SIGN = /^([+-])(?![\w+])|^[ \t]([+-])(?=[ \t]*(?:[,;.)]|$))/;
const LOSS_PATTERN_AFTER = /^\s+(?:loss\s+)?pattern\b/i;
const MMR_STATUS_AFTER = /^\s*\)?\s*(?:[:–—-]\s*)?(?:(?:all|both|are|is|was|were|show|shows|showed|with|demonstrate|demonstrates)\s+)*(?:(?:intact|retained|preserved|present|positive|normal)\b|(?:loss|lost|absent|deficient|negative)\b)(?:\s+(?:nuclear\s+)?(?:expression|staining|immunoreactivity))?|^\s*\)?\s*(?:[:–—-]\s*)?(?:intact|retained|preserved|lost|absent)\s+(?:nuclear\s+)?expression/i;
const MMR_STATUS_BEFORE = /\b(?:loss|lost|absence|absent|intact|retained|preserved)\s+(?:of\s+)?(?:(?:nuclear\s+)?(?:expression|staining|immunoreactivity)\s+)?(?:of|for)?\s*$/i;
/** "all four proteins retained (MLH1, PMS2, ...", "MMR proteins all expressed (MLH1, ...": the status before a bracketed list. */
const MMR_STATUS_BEFORE_LIST = /\b(?:(intact|retained|preserved|expressed)|(lost|absent))\s*\(\s*$/i;
/** "(MLH1, PMS2, MSH2, MSH6): nuclear expression retained": the status after the bracketed list's label. */
const MMR_EXPRESSION_AFTER_LIST = /^\s*\)\s*:\s*(?:nuclear\s+)?(?:expression|staining|immunoreactivity)\s+(?:is\s+|are\s+)?(?:(intact|retained|preserved)|(lost|absent))\b/i;

/**
 * MMR proteins and their IHC status, one finding per protein: "MLH1 intact", "MLH1 – retained", "MLH1+",
 * "MLH1, PMS2, MSH2 and MSH6 retained" (a list sharing the status after it), "Loss of nuclear expression of MLH1
 * and PMS2" (the status before it), "(MLH1/PMS2/MSH2/MSH6 retained)". A protein followed by other words ("MLH1
 * promoter methylation") is not an IHC result. Each list member's span is its name; the member next to the status
 * words spans them too.
 */
export function mmrProteinsOf(unit: ExtractionUnit, within: Span = unit.span): Candidate[] {
  const s = unit.text.slice(within.start, within.end);
  const base = within.start - unit.span.start;
  const mentions = allMatches(s, MMR_PROTEIN);
  const out: Candidate[] = [];
  // groups of proteins joined by , / and &
  const groups: RegExpMatchArray[][] = [];
  for (const m of mentions) {
    const last = groups.at(-1)?.at(-1);
    const between = last ? s.slice((last.index ?? 0) + last[0].length, m.index) : undefined;
    if (last && between !== undefined && /^\s*(?:,|\/|and|&|,\s*and)?\s*$/i.test(between)) groups.at(-1)?.push(m);
    else groups.push([m]);
  }
  for (const group of groups) {
    const first = group[0] as RegExpMatchArray;
    const last = group.at(-1) as RegExpMatchArray;
    const groupEnd = (last.index ?? 0) + last[0].length;
    // "MLH1+ PMS2+", "MLH1 +, PMS2 +": a sign right after each name (after a space only where the item ends there)
    const signs = group.map((m) => MMR_SIGN.exec(s.slice((m.index ?? 0) + m[0].length)));
    const after = MMR_STATUS_AFTER.exec(s.slice(groupEnd));
    // "MMR deficient (dMMR), MLH1/PMS2 pattern": the pattern of loss a deficient result names
    const lossPattern = !after && LOSS_PATTERN_AFTER.exec(s.slice(groupEnd));
    const deficient = lossPattern && /\b(?:deficient|dMMR|loss|lost)\b/i.test(s.slice(0, first.index));
    const before = MMR_STATUS_BEFORE.exec(s.slice(Math.max(0, (first.index ?? 0) - 60), first.index));
    // a bracketed list of two or more proteins with the status just before the bracket or after its label's colon
    const listStatus = !after && !before && group.length > 1 ? bracketedListStatus(s, first.index ?? 0, groupEnd) : undefined;
    group.forEach((m, k) => {
      const at = m.index ?? 0;
      const sign = signs[k];
      let status: 'intact' | 'lost' | undefined;
      let spanStart = at;
      let spanEnd = at + m[0].length;
      if (sign) {
        status = (sign[1] ?? sign[2]) === '+' ? 'intact' : 'lost';
        spanEnd += sign[0].length;
      } else if (deficient && lossPattern) {
        status = 'lost';
        if (k === group.length - 1) spanEnd = groupEnd + lossPattern[0].length;
      } else if (after) {
        status = mmrStatus(after[0]) as 'intact' | 'lost' | undefined;
        if (k === group.length - 1) spanEnd = groupEnd + after[0].length;
      } else if (before) {
        status = mmrStatus(before[0]) as 'intact' | 'lost' | undefined;
        if (k === 0) spanStart = (first.index ?? 0) - before[0].length + (before[0].length - before[0].trimStart().length);
      } else if (listStatus) status = listStatus;
      if (!status) return;
      const target = subSpan(unit, base + at, base + at + m[0].length);
      out.push({ kind: 'mmr', value: { protein: m[0] as MmrProtein, status }, span: subSpan(unit, base + spanStart, base + spanEnd), target, key: `mmr/${m[0]}`, source: 'prose', affirmedByValue: true });
    });
  }
  return out;
}

/** The status of a bracketed protein list: "retained (MLH1, PMS2)", "(MLH1, PMS2): nuclear expression retained". */
function bracketedListStatus(s: string, start: number, end: number): 'intact' | 'lost' | undefined {
  const open = MMR_STATUS_BEFORE_LIST.exec(s.slice(Math.max(0, start - 20), start));
  const close = open ? null : MMR_EXPRESSION_AFTER_LIST.exec(s.slice(end, end + 60));
  const m = open ?? close;
  if (!m) return undefined;
  return m[1] ? 'intact' : 'lost';
}

/**
 * The IHC score an ISH statement (text, at offset `from` of the unit) restates: "(Group 4 with IHC 2+)". Its key is
 * its own: an echo of the IHC result inside an addendum's ISH result does not supersede that IHC result.
 */
function restatedIhcScore(unit: ExtractionUnit, from: number, text: string): Candidate | undefined {
  const ihc = /\bIHC\s*(?:score\s*)?([0-3])\s*\+/i.exec(text);
  if (!ihc) return undefined;
  const score = `${ihc[1]}+` as FindingValues['her2']['score'];
  return { kind: 'her2', value: { method: 'IHC', score }, span: subSpan(unit, from + ihc.index, from + ihc.index + ihc[0].length), key: 'her2/IHC/restated', source: 'prose', affirmedByValue: true };
}

/** A "Result: AMPLIFIED" / "Interpretation: NOT AMPLIFIED" after the unit, before the paragraph ends. */
function ishResultAfter(unit: ExtractionUnit): { result: 'amplified' | 'not-amplified' | 'equivocal'; end: number } | undefined {
  const after = unit.text.slice(unit.span.end, unit.span.end + 220);
  const paragraph = after.split(/\n\s*\n/)[0] as string;
  // "Result: AMPLIFIED", "the final result is NEGATIVE (NOT AMPLIFIED)"
  const m = /\b(?:result|interpretation)\s*(?::|\bis\b)\s*(?:HER-?2(?:\/neu)?\s+(?:gene\s+)?)?(?:(?:negative|positive)\s*\(\s*)?(not amplified|non-?amplified|amplified|equivocal)\b/i.exec(paragraph);
  if (!m) return undefined;
  const word = (m[1] as string).toLowerCase();
  return { result: word === 'amplified' ? 'amplified' : word === 'equivocal' ? 'equivocal' : 'not-amplified', end: unit.span.end + m.index + m[0].length };
}

/** End of the last value word/number in a marker's segment (so the span stops before "and", commas...). */
function lastValueEnd(segment: string): number {
  let end = 0;
  for (const m of allMatches(segment, /\d+(?:\.\d+)?\s*(?:%|\+|\/8)?|\b(?:positive|negative|equivocal|amplified|not amplified|non-amplified|pending|weak|moderate|strong|intact|retained|loss|lost|absent|low)\b|\)/gi)) {
    end = (m.index ?? 0) + m[0].length;
  }
  return end;
}
