// ER, PR, HER2 (IHC score, ISH result, ratio, copy number), Ki-67, mismatch-repair proteins, MSI and PD-L1, from
// synoptic lines ("Estrogen Receptor (ER): Positive, 95%, strong, Allred 8/8") and prose ("ER positive (95%)").
import type { Candidate, FindingValues } from './finding';
import { lineSpan, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';
import { parseIntensity, parsePercent } from './value-parsers';

type Receptor = FindingValues['er'];

export function parseReceptor(s: string): Receptor | undefined {
  const out: Receptor = {};
  const t = s.toLowerCase();
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
  const intensity = parseIntensity(s);
  if (intensity) out.intensity = intensity;
  const allred = /\ballred(?:\s+score)?\s*(?:of\s*|:|=)?\s*(\d)\b(?:\s*(?:\/|of|out of)\s*8)?/i.exec(s);
  if (allred) out.allred = Number(allred[1]);
  return Object.keys(out).length ? out : undefined;
}

type Her2 = FindingValues['her2'];
const ISH_WORDS = /\b(?:fish|sish|cish|dish|ish|in situ hybridi[sz]ation|cep17|copy number|signals? per cell)\b/i;
const IHC_WORDS = /\b(?:ihc|immunohistochemi(?:stry|cal)|hercept ?test|4b5)\b/i;

export function parseHer2(s: string, methodHint?: Her2['method']): Her2 | undefined {
  const method: Her2['method'] = methodHint ?? (ISH_WORDS.test(s) ? 'ISH' : IHC_WORDS.test(s) || /\b[0-3]\s*\+/.test(s) ? 'IHC' : 'unspecified');
  const out: Her2 = { method };
  const t = s.toLowerCase();
  const score = /(?:score\s*(?:of\s*)?)?\b([0-3])\s*\+|\bscore\s*(?:of\s*|:\s*)?(0)\b/i.exec(s);
  if (score && method !== 'ISH') out.score = (score[2] === '0' || score[1] === '0' ? '0' : `${score[1]}+`) as Her2['score'];
  if (/\bnot amplified\b|\bnon-?amplified\b|\bno amplification\b/.test(t)) out.result = 'not-amplified';
  else if (/\bamplified\b|\bamplification\b/.test(t)) out.result = 'amplified';
  else if (/\bequivocal\b/.test(t)) out.result = 'equivocal';
  else if (/\bpositive\b/.test(t)) out.result = 'positive';
  else if (/\bnegative\b/.test(t)) out.result = 'negative';
  else if (/\bpending\b/.test(t)) out.result = 'pending';
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

export function parsePdl1(s: string): FindingValues['pd-l1'] | undefined {
  const out: FindingValues['pd-l1'] = {};
  const tps = /(?:tumou?r proportion score|\bTPS\b)(?:\s*\(TPS\))?\s*(?:of\s*|:|=)?\s*(<=|>=|[<>≤≥])?\s*(\d{1,3})\s*%/i.exec(s);
  if (tps) {
    out.tps = Number(tps[2]);
    if (tps[1]) out.comparator = normalizeComparator(tps[1]);
  }
  const cps = /(?:combined positive score|\bCPS\b)(?:\s*\(CPS\))?\s*(?:of\s*|:|=)?\s*(<=|>=|[<>≤≥])?\s*(\d{1,3})\b/i.exec(s);
  if (cps) {
    out.cps = Number(cps[2]);
    if (cps[1]) out.comparator = normalizeComparator(cps[1]);
  }
  const clone = /\b(22C3|SP263|SP142|28-8|73-10)\b/i.exec(s);
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
    return v ? [{ kind: 'her2', value: v, span, key: her2Key(v), source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  if (/^(?:ki-?67|mib-?1)\b/.test(label)) {
    const p = parsePercent(value);
    return p ? [{ kind: 'ki67', value: { percent: p.percent, ...(p.comparator ? { comparator: p.comparator } : {}), ...(p.range ? { range: p.range } : {}) }, span, key: 'ki67', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  const protein = /^(mlh1|pms2|msh2|msh6)\b/.exec(label);
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
    return status ? [{ kind: 'mmr', value: { protein: 'overall', status }, span, key: 'mmr/overall', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  if (/^pd-?l1\b|^programmed death/.test(label)) {
    const v = parsePdl1(whole);
    return v ? [{ kind: 'pd-l1', value: v, span, key: v.cps !== undefined && v.tps === undefined ? 'pd-l1/CPS' : 'pd-l1/TPS', source: 'synoptic', target: unit.label.span, affirmedByValue: true }] : [];
  }
  return undefined;
}

// ------------------------------------------------------------------ prose

const MARKER = /\b(?:estrogen receptor(?: \(ER\))?|oestrogen receptor|progesterone receptor(?: \(PR\))?|ER|PR|PgR|HER-?2(?:\/neu)?|Ki-?67(?: \(MIB-?1\))?|PD-?L1(?: \((?:22C3|SP263|SP142|28-8)[^)]*\))?|MLH1|PMS2|MSH2|MSH6)\b/g;

/** Biomarker statements in a prose sentence: each marker's statement runs to the next marker. */
export function biomarkersFromProse(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  const mentions = [...s.matchAll(MARKER)];
  // "Loss of MLH1 and PMS2": proteins sharing one status word
  const handledProteins = new Set<number>();
  for (const shared of s.matchAll(/\b(loss|lost|absence|intact|retained|preserved)\b(?: of)?(?: nuclear expression)?(?: of)?\s+((?:MLH1|PMS2|MSH2|MSH6)(?:\s*(?:,|and|&)\s*(?:MLH1|PMS2|MSH2|MSH6))*)/gi)) {
    const status = mmrStatus(shared[1] as string) as 'intact' | 'lost';
    const at0 = shared.index ?? 0;
    const listStart = at0 + shared[0].length - (shared[2] as string).length;
    for (const p of (shared[2] as string).matchAll(/MLH1|PMS2|MSH2|MSH6/g)) {
      const at = listStart + (p.index ?? 0);
      handledProteins.add(at);
      out.push({ kind: 'mmr', value: { protein: p[0] as MmrProtein, status }, span: subSpan(unit, at0, at + p[0].length), target: subSpan(unit, at, at + p[0].length), key: `mmr/${p[0]}`, source: 'prose' });
    }
  }
  mentions.forEach((m, n) => {
    const start = m.index ?? 0;
    if (handledProteins.has(start)) return;
    const end = mentions[n + 1]?.index ?? s.length;
    const segment = s.slice(start, end);
    const name = m[0].toUpperCase();
    const target = subSpan(unit, start, start + m[0].length);
    const statement = (v: number) => subSpan(unit, start, start + Math.max(v, m[0].length));
    if (/^(?:ESTROGEN|OESTROGEN|ER\b)/.test(name) || /^(?:PROGESTERONE|PR\b|PGR)/.test(name)) {
      const v = parseReceptor(segment.slice(m[0].length));
      if (v && (v.result || v.percent !== undefined)) out.push({ kind: name.startsWith('E') || name.startsWith('O') ? 'er' : 'pr', value: v, span: statement(lastValueEnd(segment)), target, key: name.startsWith('E') || name.startsWith('O') ? 'er' : 'pr', source: 'prose' });
    } else if (name.startsWith('HER')) {
      const v = parseHer2(segment);
      if (v) out.push({ kind: 'her2', value: v, span: statement(lastValueEnd(segment)), target, key: her2Key(v), source: 'prose' });
    } else if (name.startsWith('KI')) {
      const p = parsePercent(segment);
      if (p) out.push({ kind: 'ki67', value: { percent: p.percent, ...(p.comparator ? { comparator: p.comparator } : {}), ...(p.range ? { range: p.range } : {}) }, span: statement(p.index + p.length), target, key: 'ki67', source: 'prose' });
    } else if (name.startsWith('PD')) {
      const v = parsePdl1(segment);
      if (v) out.push({ kind: 'pd-l1', value: v, span: statement(lastValueEnd(segment)), target, key: v.cps !== undefined && v.tps === undefined ? 'pd-l1/CPS' : 'pd-l1/TPS', source: 'prose' });
    } else {
      const status = mmrStatus(segment.slice(m[0].length, m[0].length + 40));
      if (status) out.push({ kind: 'mmr', value: { protein: name as MmrProtein, status }, span: statement(lastValueEnd(segment)), target, key: `mmr/${name}`, source: 'prose' });
    }
  });
  const msi = /\b(?:MSI-?H(?:igh)?|MSI-?L(?:ow)?|MSS|microsatellite (?:instability[- ](?:high|low)|stable)|(?:high|low)(?:[- ]level)? microsatellite instability)\b/i.exec(s);
  if (msi) {
    const v = parseMsi(msi[0]);
    if (v) out.push({ kind: 'msi', value: v, span: subSpan(unit, msi.index ?? 0, (msi.index ?? 0) + msi[0].length), key: 'msi', source: 'prose' });
  }
  const dmmr = /\b(?:mismatch repair|MMR)[- ](deficient|proficient)\b|\b(dMMR|pMMR)\b/i.exec(s);
  if (dmmr) {
    const status = /^d|deficient/i.test(dmmr[1] ?? dmmr[2] ?? '') ? 'deficient' : 'proficient';
    out.push({ kind: 'mmr', value: { protein: 'overall', status }, span: subSpan(unit, dmmr.index ?? 0, (dmmr.index ?? 0) + dmmr[0].length), key: 'mmr/overall', source: 'prose' });
  }
  return out;
}

/** End of the last value word/number in a marker's segment (so the span stops before "and", commas...). */
function lastValueEnd(segment: string): number {
  let end = 0;
  for (const m of segment.matchAll(/\d+(?:\.\d+)?\s*(?:%|\+|\/8)?|\b(?:positive|negative|equivocal|amplified|not amplified|non-amplified|pending|weak|moderate|strong|intact|retained|loss|lost|absent|low)\b|\)/gi)) {
    end = (m.index ?? 0) + m[0].length;
  }
  return end;
}
