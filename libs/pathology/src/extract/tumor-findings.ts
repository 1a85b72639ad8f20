// The tumor itself: histologic type (+ ICD-O-3 morphology when named), grade, size, margins, lymphovascular and
// perineural invasion, lymph nodes, pTNM with AJCC edition — from synoptic lines and prose.
import type { Candidate, FindingValues } from './finding';
import { lineSpan, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';
import { COUNT, parseComparator, parseCount, parseEdition, parsePresence, parseSize, toMm } from './value-parsers';

// ------------------------------------------------------------------ histologic type

const HISTOLOGY = new RegExp(
  String.raw`\b(?:(invasive|infiltrating|metastatic|micro-?invasive)\s+)?(` +
    [
      String.raw`(?:ductal|lobular) carcinoma in situ`,
      String.raw`carcinoma of no special type`,
      String.raw`(?:ductal|lobular|mucinous|tubular|medullary|papillary|micropapillary|metaplastic|apocrine|cribriform|signet[- ]ring cell|serous|endometrioid|clear cell|urothelial|hepatocellular|renal cell|adenoid cystic|neuroendocrine|small cell|large cell(?: neuroendocrine)?|squamous cell|basal cell|acinar cell|adenosquamous|sarcomatoid|undifferentiated)(?:\s+carcinoma)`,
      String.raw`(?:mucinous |serous |endometrioid |clear cell )?adenocarcinoma(?:,?\s+(?:acinar|lepidic|papillary|micropapillary|solid|mucinous) predominant(?: pattern)?)?`,
      String.raw`carcinoma`,
      String.raw`(?:malignant )?melanoma`,
      String.raw`(?:neuroendocrine|gastrointestinal stromal|phyllodes) tumou?r`,
      String.raw`glioblastoma|mesothelioma|(?:leiomyo|liposarcoma|rhabdomyo|osteo|angio)?sarcoma|lymphoma`,
    ].join('|') +
    String.raw`)(?:,?\s+((?:classic|pleomorphic|cribriform|solid|mixed) type))?\b`,
  'gi',
);
const ICDO3 = /\b(?:ICD-?O-?3?\s*(?:code\s*)?:?\s*)?([89]\d{3})\/([0-369])\b/;

export function histologyOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const base = unit.label && /^(?:histologic(?:al)? type|histology|tumou?r type|diagnosis)\b/.test(unit.label.norm) ? unit.value : undefined;
  const from = base ? base.start - unit.span.start : 0;
  const out: Candidate[] = [];
  const matches = [...s.slice(from).matchAll(HISTOLOGY)];
  for (const m of matches) {
    const start = from + (m.index ?? 0);
    const modifier = m[1]?.toLowerCase();
    let name = [modifier && modifier !== 'metastatic' ? modifier : undefined, (m[2] as string).toLowerCase().replace(/\s+/g, ' '), m[3]?.toLowerCase()].filter(Boolean).join(' ');
    if (/carcinoma of no special type/.test(name) && /\(ductal\)/i.test(s.slice(start))) name = `${name} (ductal)`;
    // "carcinoma" inside a longer match's words is covered by that match (regex is leftmost-longest per position)
    const value: FindingValues['histologic-type'] = { name };
    if (/in situ/.test(name)) value.behavior = 'in situ';
    else if (modifier === 'invasive' || modifier === 'infiltrating' || /^invasive/.test(name)) value.behavior = 'invasive';
    if (modifier === 'metastatic') value.metastatic = true;
    // An ICD-O-3 code named in the same clause, after the type ("... CARCINOMA, MODERATELY DIFFERENTIATED (8070/3)")
    const after = s.slice(start + m[0].length, start + m[0].length + 60);
    const code = ICDO3.exec(after);
    let end = start + m[0].length;
    const between = code ? after.slice(0, code.index) : '';
    if (code && !/[;]|\.(?!\d)|carcinoma|sarcoma|melanoma|lymphoma/i.test(between)) {
      value.icdO3 = `${code[1]}/${code[2]}`;
      end = start + m[0].length + (code.index ?? 0) + code[0].length + (after[(code.index ?? 0) + code[0].length] === ')' ? 1 : 0);
    }
    const words = subSpan(unit, start, start + m[0].length);
    out.push({ kind: 'histologic-type', value, span: base ? lineSpan(unit) : subSpan(unit, start, end), target: words, key: `histologic-type/${value.behavior ?? 'unspecified'}`, source: base ? 'synoptic' : 'prose' });
  }
  return out;
}

// ------------------------------------------------------------------ grade

const DIFFERENTIATION = /\b(well|moderately|poorly)[- ]differentiated\b|\bundifferentiated\b/i;
const GRADE_NUMBER = /\b(?:(nottingham|histologic(?:al)?|combined histologic|overall|elston[- ]ellis|modified bloom[- ]richardson|sbr|fnclcc|who|fuhrman|isup(?:\/who)?)\s+)?(?<!nuclear )grade\s*(?:\(nottingham\)\s*)?(?::\s*)?(?:g\s*)?(1|2|3|4|iv|iii|ii|i)\b(?:\s*(?:of|\/)\s*(?:3|4|iii))?|\bG([1-4])\b/i;
const ROMAN: Record<string, 1 | 2 | 3 | 4> = { i: 1, ii: 2, iii: 3, iv: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

export function gradeOf(unit: ExtractionUnit): Candidate[] {
  const labelled = unit.label && /^(?:histologic(?:al)? |nottingham |overall |tumou?r |combined histologic )?grade\b/.test(unit.label.norm);
  const scope = labelled ? sliceOf(unit) : sliceOf(unit);
  const num = GRADE_NUMBER.exec(scope);
  const diff = DIFFERENTIATION.exec(scope);
  if (!num && !diff) return [];
  if (!labelled && num && /\bnuclear\s+$/i.test(scope.slice(0, num.index))) return [];
  const value: FindingValues['grade'] = {};
  if (num) {
    const n = ROMAN[(num[2] ?? num[3] ?? '').toLowerCase()];
    if (n) value.grade = n;
    if (num[3] || /\bg\s*[1-4]\b/i.test(num[0])) value.system = 'G';
    else if (/nottingham|elston|bloom|sbr/i.test(num[1] ?? '') || /nottingham/i.test(unit.label?.norm ?? '')) value.system = 'Nottingham';
  }
  if (diff) {
    value.differentiation = (diff[1]?.toLowerCase() ?? 'undifferentiated') as FindingValues['grade']['differentiation'];
    value.grade ??= diff[1] ? ({ well: 1, moderately: 2, poorly: 3 } as const)[diff[1].toLowerCase() as 'well' | 'moderately' | 'poorly'] : 4;
  }
  const scoreMatch = /(?:total\s+)?score\s*(?:of\s*|:\s*)?([3-9])\s*(?:\/|of|out of)\s*9\b/i.exec(scope);
  if (scoreMatch) value.nottinghamScore = Number(scoreMatch[1]);
  for (const [part, re] of [['tubules', /tubul(?:es|e formation)\s*(?:score)?\s*[:=]?\s*([1-3])\b/i], ['nuclei', /nucle(?:i|ar pleomorphism)\s*(?:score)?\s*[:=]?\s*([1-3])\b/i], ['mitoses', /mitos[ie]s\s*(?:score|count)?\s*[:=]?\s*([1-3])\b/i]] as const) {
    const m = re.exec(scope);
    if (m) value[part] = Number(m[1]);
  }
  const pieces = [num, diff].filter((m): m is RegExpExecArray => m !== null);
  const start = Math.min(...pieces.map((m) => m.index ?? 0));
  const end = Math.max(...pieces.map((m) => (m.index ?? 0) + m[0].length));
  return [{ kind: 'grade', value, span: labelled ? lineSpan(unit) : subSpan(unit, start, end), key: 'grade', source: labelled ? 'synoptic' : 'prose' }];
}

// ------------------------------------------------------------------ size

const SIZE_LABEL = /^(?:tumou?r size|size of (?:the )?(?:largest )?(?:invasive )?(?:carcinoma|tumou?r|focus)|greatest (?:tumou?r )?dimension|size \(greatest dimension\)|invasive tumou?r size)\b/;
const SIZE_PROSE = /\b(?:tumou?r|mass|carcinoma|lesion|neoplasm)\b[^.;:]{0,40}?\b(?:measur(?:es|ing|ed)|is|of)\s+(?:up to\s+|approximately\s+|about\s+)?(\d+(?:\.\d+)?(?:\s*(?:x|×)\s*\d+(?:\.\d+)?){0,2}\s*(?:cm|mm)\b)/i;

export function tumorSizeOf(unit: ExtractionUnit): Candidate[] {
  if (unit.label && unit.value && SIZE_LABEL.test(unit.label.norm)) {
    const size = parseSize(sliceOf(unit, unit.value));
    return size ? [{ kind: 'tumor-size', value: { greatestDimensionMm: size.greatestDimensionMm, dimensionsMm: size.dimensionsMm, unit: size.unit }, span: lineSpan(unit), target: unit.label.span, key: 'tumor-size', source: 'synoptic', affirmedByValue: true }] : [];
  }
  const s = sliceOf(unit);
  const m = SIZE_PROSE.exec(s);
  if (!m) return [];
  const sizeText = m[1] as string;
  const size = parseSize(sizeText);
  if (!size) return [];
  const start = m.index ?? 0;
  return [{ kind: 'tumor-size', value: { greatestDimensionMm: size.greatestDimensionMm, dimensionsMm: size.dimensionsMm, unit: size.unit }, span: subSpan(unit, start, start + m[0].length), key: 'tumor-size', source: 'prose' }];
}

// ------------------------------------------------------------------ margins

function marginStatus(s: string): FindingValues['margin']['status'] | undefined {
  const t = s.toLowerCase();
  if (/\b(?:negative|uninvolved|not involved|free|clear|no (?:tumou?r|carcinoma|invasive carcinoma))\b/.test(t)) return 'negative';
  if (/\b(?:positive|involved|transected|present at|extends to)\b/.test(t)) return 'positive';
  if (/\bclose\b/.test(t)) return 'close';
  return undefined;
}

const DISTANCE = /(<=|>=|[<>≤≥]|less than|greater than)?\s*(\d+(?:\.\d+)?)\s*(mm|cm)\b/i;

export function marginsOf(unit: ExtractionUnit): Candidate[] {
  const out: Candidate[] = [];
  if (unit.label && unit.value) {
    const label = unit.label.norm;
    const value = sliceOf(unit, unit.value);
    if (/^margins?(?: status)?(?: \(.*\))?$|^(?:surgical |resection )margins?$/.test(label)) {
      const status = marginStatus(value);
      if (status) out.push({ kind: 'margin', value: { status }, span: lineSpan(unit), target: unit.label.span, key: 'margin/status', source: 'synoptic', affirmedByValue: true });
      return out;
    }
    if (/^(?:distance|closest margin distance|distance (?:from|of) .*(?:closest|nearest) margin|distance to (?:the )?(?:closest|nearest) margin)/.test(label)) {
      const d = DISTANCE.exec(value);
      if (d) {
        const comparator = parseComparator(d[1]?.toLowerCase());
        out.push({ kind: 'margin', value: { closestDistanceMm: toMm(d[2] as string, d[3] as string), ...(comparator ? { closestDistanceComparator: comparator } : {}) }, span: lineSpan(unit), target: unit.label.span, key: 'margin/distance', source: 'synoptic', affirmedByValue: true });
      }
      return out;
    }
    if (/^(?:closest|nearest) margin/.test(label)) {
      const name = /^([a-z]+(?: [a-z]+)?)(?:\s*\(([a-z ]+)\))?/i.exec(value.trim());
      const d = DISTANCE.exec(value);
      const v: FindingValues['margin'] = {};
      if (name && !/^\d/.test(name[0])) v.closestMargin = (name[1] as string).toLowerCase();
      if (d) v.closestDistanceMm = toMm(d[2] as string, d[3] as string);
      if (v.closestMargin || v.closestDistanceMm !== undefined) out.push({ kind: 'margin', value: v, span: lineSpan(unit), target: unit.label.span, key: v.closestDistanceMm !== undefined ? 'margin/distance' : 'margin/closest', source: 'synoptic', affirmedByValue: true });
      return out;
    }
  }
  const s = sliceOf(unit);
  // "Margins negative for carcinoma", "all margins are free of tumor", "the deep margin is involved"
  const status = /\b((?:all |surgical |resection )?margins?)\b\s*(?:are |is |were )?((?:widely )?(?:negative|uninvolved|not involved|free|clear|positive|involved|close))\b/i.exec(s);
  if (status) {
    const st = marginStatus(status[2] as string);
    const start = status.index ?? 0;
    if (st) out.push({ kind: 'margin', value: { status: st }, span: subSpan(unit, start, start + status[0].length), target: subSpan(unit, start, start + (status[1] as string).length), key: 'margin/status', source: 'prose', affirmedByValue: true });
  }
  // "closest (radial) margin is 0.8 cm from the tumor", "closest margin (posterior) 2 mm"
  const closest = /\b(?:closest|nearest)\s*(?:\(([a-z ]+)\)\s*)?margin\s*(?:\(([a-z ]+)\))?[^.;\d]{0,30}?(<=|>=|[<>≤≥]|less than)?\s*(\d+(?:\.\d+)?)\s*(mm|cm)\b/i.exec(s);
  if (closest) {
    const start = closest.index ?? 0;
    const comparator = parseComparator(closest[3]?.toLowerCase());
    const name = (closest[1] ?? closest[2])?.toLowerCase().trim();
    out.push({ kind: 'margin', value: { closestDistanceMm: toMm(closest[4] as string, closest[5] as string), ...(comparator ? { closestDistanceComparator: comparator } : {}), ...(name ? { closestMargin: name } : {}) }, span: subSpan(unit, start, start + closest[0].length), key: 'margin/distance', source: 'prose', affirmedByValue: true });
  } else {
    // "carcinoma is 0.5 cm from the deep margin"
    const from = /(\d+(?:\.\d+)?)\s*(mm|cm)\s+from\s+the\s+((?:closest|nearest)\s+)?(?:\(?([a-z]+)\)?\s+)?(?:surgical\s+|resection\s+)?margin\b/i.exec(s);
    if (from) {
      const start = from.index ?? 0;
      const distance = toMm(from[1] as string, from[2] as string);
      const name = from[4]?.toLowerCase();
      const value: FindingValues['margin'] = from[3] ? { closestDistanceMm: distance, ...(name ? { closestMargin: name } : {}) } : { distanceMm: distance, ...(name ? { namedMargin: name } : {}) };
      out.push({ kind: 'margin', value, span: subSpan(unit, start, start + from[0].length), key: from[3] ? 'margin/distance' : `margin/distance/${name ?? 'unnamed'}`, source: 'prose', affirmedByValue: true });
    }
  }
  return out;
}

// ------------------------------------------------------------------ lymphovascular / perineural invasion

const LVI = /\b(?:lympho-?vascular(?: space)? invasion|angiolymphatic invasion|lymphatic(?:\/vascular| and vascular)? invasion|vascular invasion|\bLVSI\b|\bLVI\b)/i;
const PNI = /\b(?:perineural invasion|\bPNI\b)/i;

export function invasionOf(unit: ExtractionUnit): Candidate[] {
  const out: Candidate[] = [];
  for (const [kind, re] of [['lymphovascular-invasion', LVI], ['perineural-invasion', PNI]] as const) {
    if (unit.label && unit.value) {
      if (!re.test(unit.label.norm) || re.exec(unit.label.norm)?.index !== 0) continue;
      const status = parsePresence(sliceOf(unit, unit.value));
      if (status) out.push({ kind, value: { status }, span: lineSpan(unit), target: unit.label.span, key: kind, source: 'synoptic', ...(status === 'absent' ? { negatedByValue: true } : { affirmedByValue: true }) });
      continue;
    }
    const s = sliceOf(unit);
    const m = re.exec(s);
    if (!m) continue;
    const start = m.index ?? 0;
    const afterText = s.slice(start + m[0].length);
    const stated = /^\s*(?:is |are |was |were )?(?:not identified|not seen|not present|absent|present|negative|positive|none)\b/i.exec(afterText);
    const status = stated ? parsePresence(stated[0]) : 'present';
    const words = subSpan(unit, start, start + m[0].length);
    const span = stated ? subSpan(unit, start, start + m[0].length + stated[0].length) : words;
    out.push({ kind, value: { status: status ?? 'present' }, span, target: words, key: kind, source: 'prose', ...(status === 'absent' ? { negatedByValue: true } : {}) });
  }
  return out;
}

// ------------------------------------------------------------------ lymph nodes

const NODES_OF = new RegExp(String.raw`\b(${COUNT})\s+(?:\(\d+\)\s+)?(?:of|out of)\s+(${COUNT})\s+(?:\(\d+\)\s+)?((?:[a-z]+\s+){0,3}?)lymph\s+nodes?`, 'i');
const NODES_IN = new RegExp(String.raw`\bin\s+(${COUNT})\s+(?:of|out of)\s+(${COUNT})\s+((?:[a-z]+\s+){0,3}?)lymph\s+nodes?`, 'i');
const NODE_RATIO = /\((\d{1,3})\s*\/\s*(\d{1,3})\)/;
const NODE_COUNT = new RegExp(String.raw`\b(${COUNT})\s+((?:[a-z]+\s+){0,3}?)lymph\s+nodes?\b`, 'i');

export function lymphNodesOf(unit: ExtractionUnit): Candidate[] {
  if (unit.label && unit.value) {
    const label = unit.label.norm;
    const count = /^(\d{1,3})\b/.exec(sliceOf(unit, unit.value).trim());
    const examined = /(?:lymph )?nodes? examined|number of (?:regional )?(?:lymph )?nodes? (?:examined|retrieved|submitted)|total (?:lymph )?nodes?/.test(label);
    const involved = /(?:lymph )?nodes? (?:involved|positive|with (?:metastas[ie]s|tumou?r|carcinoma))|number of (?:regional )?(?:lymph )?nodes? (?:involved|positive|with)/.test(label);
    if ((examined || involved) && count) {
      const n = Number(count[1]);
      const sentinel = /sentinel/.test(label);
      const value: FindingValues['lymph-nodes'] = examined ? { examined: n } : { positive: n };
      if (sentinel) value.sentinel = true;
      return [{ kind: 'lymph-nodes', value, span: lineSpan(unit), target: unit.label.span, key: `lymph-nodes/${examined ? 'examined' : 'positive'}${sentinel ? '/sentinel' : ''}`, source: 'synoptic', affirmedByValue: true }];
    }
    if (examined || involved) return [];
  }
  const s = sliceOf(unit);
  const of = NODES_OF.exec(s) ?? NODES_IN.exec(s);
  const ratio = NODE_RATIO.exec(s);
  if (!of && !(ratio && /lymph\s+nodes?|\bnodes?\b/i.test(s))) return [];
  let positive: number | undefined;
  let examined: number | undefined;
  let start: number;
  let end: number;
  let qualifier = '';
  if (of) {
    positive = parseCount(of[1] as string);
    examined = parseCount(of[2] as string);
    qualifier = of[3] ?? '';
    start = (of.index ?? 0) + (of[0].toLowerCase().startsWith('in ') ? 3 : 0);
    end = (of.index ?? 0) + of[0].length;
    if (ratio && (ratio.index ?? 0) >= end && (ratio.index ?? 0) - end < 4) end = (ratio.index ?? 0) + ratio[0].length;
  } else {
    const r = ratio as RegExpExecArray;
    positive = Number(r[1]);
    examined = Number(r[2]);
    const count = NODE_COUNT.exec(s);
    start = count && (count.index ?? 0) < (r.index ?? 0) ? (count.index ?? 0) : (r.index ?? 0);
    qualifier = count?.[2] ?? '';
    end = (r.index ?? 0) + r[0].length;
  }
  if (positive === undefined || examined === undefined || positive > examined) return [];
  const sentinel = /sentinel/i.test(qualifier) || /sentinel/i.test(s.slice(start, end));
  return [{ kind: 'lymph-nodes', value: { examined, positive, ...(sentinel ? { sentinel: true } : {}) }, span: subSpan(unit, start, end), key: `lymph-nodes/ratio${sentinel ? '/sentinel' : ''}`, source: 'prose', affirmedByValue: true }];
}

// ------------------------------------------------------------------ pTNM

const TNM_TOKEN = /(?<![A-Za-z0-9])((?:y|r|yr|ry)?[pca])?([TNM])(is|[0-4][a-d]?(?:\d)?|x|X|mi)(\((?:sn|f|m|\d+|i\+|i-|mol\+|mol-|is)\))?(?![A-Za-z0-9])/g;

export function tnmOf(unit: ExtractionUnit, reportEdition: number | undefined): Candidate[] {
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  const tokens = [...s.matchAll(TNM_TOKEN)];
  const edition = parseEdition(s) ?? reportEdition;
  let lastPrefix: string | undefined;
  let lastEnd = -10;
  for (const m of tokens) {
    const start = m.index ?? 0;
    const category = m[2] as 'T' | 'N' | 'M';
    let prefix = m[1];
    const code = m[3] as string;
    if (category === 'M' && !/^[01x]/i.test(code)) continue;
    if (category === 'N' && !/^[0-3x]/i.test(code)) continue;
    // An unprefixed "N1a" counts only right after a prefixed category ("pT2 N1a M0")
    if (!prefix) {
      if (!lastPrefix || start - lastEnd > 3) continue;
      prefix = lastPrefix;
    }
    lastPrefix = prefix;
    lastEnd = start + m[0].length;
    const synoptic = unit.label !== undefined && /\(p?[tnm]\)|primary tumou?r|regional lymph nodes|distant metastas/i.test(unit.label.norm) && start >= (unit.value?.start ?? 0) - unit.span.start;
    const stated = m[0];
    out.push({
      kind: 'tnm',
      value: { category, prefix, code: `${category}${code}${m[4] ?? ''}`, stated, ...(edition ? { edition } : {}) },
      span: synoptic ? lineSpan(unit) : subSpan(unit, start, start + m[0].length),
      target: subSpan(unit, start, start + m[0].length),
      key: `tnm/${category}`,
      source: synoptic ? 'synoptic' : 'prose',
    });
  }
  return out;
}

/** The report-level AJCC edition: an "AJCC Edition: 8th" line or any "AJCC 8th edition" mention. */
export function reportEditionOf(text: string): number | undefined {
  const m = /^[ \t]*AJCC(?: staging)? edition[ \t]*:[ \t]*(\d{1,2})/im.exec(text);
  if (m) return Number(m[1]);
  return parseEdition(text);
}
