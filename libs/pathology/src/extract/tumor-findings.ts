// The tumor itself: histologic type (+ ICD-O-3 morphology when named), grade, size, margins, lymphovascular and
// perineural invasion, lymph nodes, pTNM with AJCC edition — from synoptic lines and prose.
import { isSpace } from '../context/tokens';
import type { Candidate, FindingValues } from './finding';
import { allMatches, lineSpan, namesNoTumour, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';
import { COUNT, parseComparator, parseCount, parseEdition, parsePresence, parseSize, SIZE, toMm } from './value-parsers';

// ------------------------------------------------------------------ histologic type

const HISTOLOGY = new RegExp(
  String.raw`\b(?:(invasive|infiltrating|metastatic|micro-?invasive)\s+)?(` +
    [
      String.raw`(?:ductal|lobular) carcinoma in situ|DCIS|LCIS`,
      String.raw`carcinoma of no special type`,
      String.raw`(?:ductal|lobular|mucinous|tubular|medullary|papillary|micropapillary|metaplastic|apocrine|cribriform|signet[- ]ring cell|serous|endometrioid|clear cell|urothelial|hepatocellular|renal cell|adenoid cystic|neuroendocrine|small cell|large cell(?: neuroendocrine)?|squamous cell|basal cell|acinar cell|adenosquamous|sarcomatoid|undifferentiated)(?:\s+carcinoma)`,
      String.raw`(?:non-?mucinous |mucinous |serous |endometrioid |clear cell |(?:prostatic )?(?:acinar|ductal) )?adenocarcinoma(?:,?\s+(?:acinar|lepidic|papillary|micropapillary|solid|mucinous) predominant(?: pattern)?)?`,
      String.raw`carcinomas?`,
      // melanoma subtypes (WHO / CAP): "superficial spreading melanoma", "lentigo maligna melanoma", "melanoma in situ"
      String.raw`(?:(?:superficial spreading|nodular|lentigo maligna|acral lentiginous|desmoplastic|spitzoid|nevoid) )?(?:malignant )?melanoma(?: in situ)?|lentigo maligna`,
      String.raw`(?:neuroendocrine|gastrointestinal stromal|phyllodes) tumou?r`,
      // well-differentiated lung neuroendocrine tumours (WHO): "typical carcinoid tumor", "atypical carcinoid"
      String.raw`(?:(?:typical|atypical) )?carcinoid(?: tumou?r)?`,
      String.raw`glioblastoma|mesothelioma|(?:leiomyo|liposarcoma|rhabdomyo|osteo|angio)?sarcoma|lymphoma`,
    ].join('|') +
    String.raw`)(?:,?\s+((?:classic|pleomorphic|cribriform|solid|mixed|acinar|superficial spreading|nodular|lentigo maligna|acral lentiginous|desmoplastic) type))?\b`,
  'gi',
);
const ICDO3 = /\b(?:ICD-?O-?3?\s*(?:code\s*)?:?\s*)?([89]\d{3})\/([0-369])\b/;

export function histologyOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const base = unit.label && /^(?:histologic(?:al)? type|histology|(?:invasive )?tumou?r type|diagnosis)\b/.test(unit.label.norm) ? unit.value : undefined;
  const from = base ? base.start - unit.span.start : 0;
  const out: Candidate[] = [];
  // "Invasive tumour type ..... No special type (ductal NST)": the type named by "no special type" alone
  if (base && NO_SPECIAL_TYPE_VALUE.test(s.slice(from))) {
    return [{ kind: 'histologic-type', value: { name: 'invasive carcinoma of no special type', behavior: 'invasive' }, span: lineSpan(unit), target: subSpan(unit, from, s.length), key: 'histologic-type/invasive', source: 'synoptic' }];
  }
  const matches = allMatches(s.slice(from), HISTOLOGY);
  // (both tests below depend on s alone: each is run once, and only when a condition needs it)
  let aboutNodes: boolean | undefined;
  let countsNodes: boolean | undefined;
  for (const m of matches) {
    const start = from + (m.index ?? 0);
    const modifier = m[1]?.toLowerCase();
    // "negative for metastatic carcinoma (0/3)" is a node statement; "margins free of carcinoma" a margin statement;
    // "the carcinoma measures ..." refers back to a type already stated
    // (a node sample typed in the diagnosis without counting nodes, "Lymph node, station 4R, EBUS-TBNA: suspicious
    // for metastatic carcinoma", is the cytology diagnosis of the tumour)
    if (!base && modifier === 'metastatic' && (aboutNodes ??= ABOUT_NODES.test(s)) && ((countsNodes ??= NODE_COUNT_STATEMENT.test(s)) || unit.section.kind !== 'diagnosis')) continue;
    const clause = clauseAround(s, start, start + m[0].length);
    if (!base && /\bmargins?\b/i.test(clause)) continue;
    // "0 of 1 node with carcinoma", "Micrometastatic carcinoma in one of three lymph nodes": a node count's words
    if (!base && (aboutNodes ??= ABOUT_NODES.test(s)) && (NODES_WITH_BEFORE.test(s.slice(Math.max(0, start - 40), start)) || IN_NODES_AFTER.test(s.slice(start + m[0].length, start + m[0].length + 60)))) continue;
    // intraductal carcinoma (of the prostate) is a finding of its own (a CAP item), not the tumour's type
    if (!modifier && /^carcinoma$/i.test(m[2] as string) && /\bintraductal\s+$/i.test(s.slice(Math.max(0, start - 14), start))) continue;
    if (!base && !modifier && /^(?:carcinoma|adenocarcinoma)$/i.test(m[2] as string) && /\b(?:the|this|that)\s+(?:residual\s+)?$/i.test(s.slice(Math.max(0, start - 10), start))) continue;
    // the microscopic description's "nests of carcinoma", "infiltrated by a carcinoma" describe, they do not type
    if (!base && !modifier && unit.section.kind === 'microscopic' && /^carcinoma$/i.test(m[2] as string) && /\b(?:of|by an?)\s+(?:residual\s+)?(?:viable\s+)?$/i.test(s.slice(Math.max(0, start - 30), start))) continue;
    // the modifier and the type's words, the empty ones left out, joined by spaces (no array to filter and join)
    let name = modifier && modifier !== 'metastatic' ? modifier : '';
    for (const word of typeWords((m[2] as string).toLowerCase().replace(/\s+/g, ' '), m[3]?.toLowerCase())) if (word) name = name ? `${name} ${word}` : word;
    if (name.includes('carcinoma of no special type') && /\(ductal\)/i.test(s.slice(start))) name = `${name} (ductal)`;
    // "carcinoma" inside a longer match's words is covered by that match (regex is leftmost-longest per position)
    const value: FindingValues['histologic-type'] = { name };
    if (name.includes('in situ') || name === 'lentigo maligna') value.behavior = 'in situ';
    else if (modifier === 'invasive' || modifier === 'infiltrating' || name.startsWith('invasive')) value.behavior = 'invasive';
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
    if (namesNoTumour(s, start, start + m[0].length)) continue;
    // "sentinel lymph nodes: negative for carcinoma (0/2)" denies a node metastasis, not a type
    if (!base && (aboutNodes ??= ABOUT_NODES.test(s)) && (countsNodes ??= NODE_COUNT_STATEMENT.test(s)) && /\b(?:negative for|free of|no)\s+(?:\w+\s+)?$/i.test(s.slice(Math.max(0, start - 25), start))) continue;
    const words = subSpan(unit, start, start + m[0].length);
    const queried = /\?\s*$/.test(s.slice(Math.max(0, start - 2), start));
    // "Intraductal carcinoma is not identified", "Residual melanoma: absent": the statement after the type denies it
    const denied = base ? null : DENIED_AFTER.exec(s.slice(start + m[0].length));
    if (denied) end = Math.max(end, start + m[0].length + denied[0].length);
    out.push({ kind: 'histologic-type', value, span: base ? lineSpan(unit) : subSpan(unit, start, end), target: words, key: `histologic-type/${value.behavior ?? 'unspecified'}`, source: base ? 'synoptic' : 'prose', ...(denied ? { negatedByValue: true } : {}), ...(queried ? { uncertainByValue: true } : {}) });
  }
  // "Negative for atypia and malignancy", "No prior malignancy": a denied malignancy is a (negated) type statement
  // ("all negative for malignancy (0/20)", "Station 4L: negative for malignancy" are node statements)
  // (each denial names "malignancy", "cancer" or "tumour": plain tests first, the long patterns only where one occurs)
  const mayDenyType = /malignancy|cancer/i.test(s);
  const mayDenyTumour = /tumou?r/i.test(s);
  if ((!mayDenyType && !mayDenyTumour) || (aboutNodes ??= ABOUT_NODES.test(s)) || /\bstation\b/i.test(s)) return out;
  // the denial's words, and the tumour word in them that ConText assesses
  const denied = (m: RegExpExecArray, wordAt: number, word: string) =>
    out.push({ kind: 'histologic-type', value: { name: 'malignancy' }, span: subSpan(unit, m.index, m.index + m[0].length), target: subSpan(unit, m.index + wordAt, m.index + wordAt + word.length), key: 'histologic-type/unspecified', source: 'prose' });
  if (mayDenyTumour) for (const m of allMatches(s, NO_TUMOUR)) denied(m, m[0].search(/tumou?r/i), m[1] as string);
  if (!mayDenyType) return out;
  for (const m of allMatches(s, DENIED_MALIGNANCY)) {
    const word = /cancer$/i.test(m[0]) ? 'cancer' : 'malignancy';
    denied(m, m[0].length - word.length, word);
  }
  return out;
}
/** The unit speaks of lymph nodes: "lymph node(s)", "node(s)", "(0/3)". */
const ABOUT_NODES = /\blymph nodes?\b|\bnodes?\b|\(\d+\/\d+\)/i;
/** A type value that is only "No special type" / "NST" (UK datasets: invasive carcinoma of no special type). */
const NO_SPECIAL_TYPE_VALUE = /^\s*(?:no special type|NST)\b/i;
/** "... nodes with (metastatic) ", "... node positive for ": the tumour words after them count nodes. */
const NODES_WITH_BEFORE = /\bnodes?\s+(?:with|positive for|involved by|containing)\s+(?:[a-z]+\s+)?$/i;
/** " in one of three lymph nodes", " in 2 of 15 nodes" after a tumour word. */
const IN_NODES_AFTER = new RegExp(String.raw`^\s+in\s+(?:(?:${COUNT})\s+(?:of|out of)\s+(?:${COUNT})|\d{1,3}\s*\/\s*\d{1,3})\s+(?:[a-z-]+\s+){0,2}?(?:lymph\s+)?nodes?\b`, 'i');
/** A denial right after a type (NegEx has no post-trigger for pathology's "not identified"). */
const DENIED_AFTER = /^\s*(?::\s*|(?:is|are|was|were)\s+)?(?:not (?:identified|seen|present|detected)|absent)\b/i;

/**
 * The type's words as the vocabulary names them: "carcinomas" → carcinoma, "DCIS" → ductal carcinoma in situ,
 * "melanoma, superficial spreading type" → superficial spreading melanoma, "adenocarcinoma, acinar type" → acinar
 * adenocarcinoma; another trailing subtype is kept after the type ("lobular carcinoma classic type").
 */
function typeWords(type: string, subtype: string | undefined): (string | undefined)[] {
  // (string tests, not a regex each: /carcinomas$/ → "carcinoma", /^([dl])cis$/ → "… carcinoma in situ", / type$/ cut)
  const base = type.endsWith('carcinomas') ? type.slice(0, -1) : type === 'dcis' ? 'ductal carcinoma in situ' : type === 'lcis' ? 'lobular carcinoma in situ' : type;
  const sub = subtype !== undefined && subtype.endsWith(' type') ? subtype.slice(0, -5) : subtype;
  if (sub && (base === 'melanoma' || base === 'malignant melanoma') && sub !== 'acinar') return [`${sub} melanoma`];
  if (sub === 'acinar' && base === 'adenocarcinoma') return ['acinar adenocarcinoma'];
  return [base, subtype];
}

/** A statement that counts nodes: "(0/3)", "2 of 15", "three lymph nodes". */
const NODE_COUNT_STATEMENT = new RegExp(String.raw`\d\s*\/\s*\d|\b${COUNT}\s+(?:of|out of)\s+${COUNT}\b|\b${COUNT}\s+(?:[a-z-]+\s+){0,2}(?:lymph\s+)?nodes?\b|\bnegative\b`, 'i');
/**
 * "Negative for malignancy", "No prior malignancy", "No prior history of malignancy", "no family history of cancer"
 * (rule C7), "No invasive malignancy", "NEGATIVE FOR INTESTINAL METAPLASIA, DYSPLASIA AND MALIGNANCY" (a list of up to
 * three denied findings ending in malignancy).
 */
const DENIED_MALIGNANCY = /\b(?:negative for|no|without|free of)\s+(?:(?:prior|previous|personal|past|known|other)\s+)?(?:(?:(?:family|medical)\s+)?history\s+of\s+)?(?:evidence of\s+)?(?:[a-z-]+(?:\s+[a-z-]+)?(?:,\s*|\s+(?:and|or)\s+)){0,3}(?:invasive\s+)?(?:malignancy|cancer)\b/gi;
/**
 * "D. OMENTUM: NO TUMOR IDENTIFIED.", "No residual viable tumor identified in the tumor bed": a part or a tumour bed
 * without tumour (a denied type); "No residual tumor is seen in the mesorectal fat" denies spread, not the tumour.
 */
const NO_TUMOUR = /\bno\s+(?:residual\s+)?(?:viable\s+)?(tumou?r)\s+(?:is\s+|was\s+)?(?:identified|seen|present)\b(?=\s*(?:[.;]|$|in the tumou?r bed\b))/gi;

/** The clause (between , ; . : and parentheses) around [start, end) of s. */
function clauseAround(s: string, start: number, end: number): string {
  // (searched in s itself from `start` back and from `end` on: no slices of the text before and after)
  const cut = start > 0 ? Math.max(s.lastIndexOf(',', start - 1), s.lastIndexOf(';', start - 1), s.lastIndexOf(':', start - 1), lastPeriodBreak(s, start)) : -1;
  CLAUSE_END.lastIndex = end;
  const after = CLAUSE_END.exec(s);
  return s.slice(cut + 1, after === null ? s.length : after.index);
}
/** Where a clause ends (s.slice(end).search(/[,;:]|\.(?:\s|$)/), run on s from `end`: the pattern looks only forward). */
const CLAUSE_END = /[,;:]|\.(?:\s|$)/g;

/**
 * s.slice(0, end).search(/\.\s[^.]*$/) without the regex (which tried every position) or the slice: the last "."
 * before `end` when a space follows it (before `end`); an earlier "." always has that last one after it.
 */
function lastPeriodBreak(s: string, end: number): number {
  const at = end > 0 ? s.lastIndexOf('.', end - 1) : -1;
  return at >= 0 && at + 1 < end && isSpace(s.charCodeAt(at + 1)) ? at : -1;
}

// ------------------------------------------------------------------ grade

const DIFFERENTIATION = /\b(?:(well|moderately|poorly)(?:\s*(?:to|-|–)\s*(well|moderately|poorly))?[- ]differentiated|undifferentiated)\b/i;
const TWO_TIER = /\b(low|high)[- ]grade\b(?!\s+(?:dysplasia|squamous intraepithelial|intraepithelial|prostatic intraepithelial|PIN\b|DCIS|ductal carcinoma in situ|adenoma|tubular|(?:tumou?r )?budding))/i;
const GLEASON = /\bGleason(?:\s+score)?\s*(?:[:=]\s*)?(?:(\d)\s*\+\s*(\d)(?:\s*=\s*(\d{1,2}))?|(\d{1,2})(?:\s*\/\s*10)?\b)/i;
const GRADE_GROUP = /\b(?:(?:ISUP|WHO)\s+)?grade\s+group\s*(?:[:=]\s*)?(\d)\b|\bGG\s*([1-5])\b/i;

const GLEASON_ALL = new RegExp(GLEASON.source, 'gi');
const GRADE_GROUP_ALL = new RegExp(GRADE_GROUP.source, 'gi');

/** ISUP Grade Group of a Gleason score: 3+3 → 1, 3+4 → 2, 4+3 → 3, 8 → 4, 9-10 → 5. */
export function gradeGroupOf(primary: number | undefined, secondary: number | undefined, score: number): 1 | 2 | 3 | 4 | 5 | undefined {
  if (score <= 6) return 1;
  if (score === 7) return primary === 4 ? 3 : primary === 3 ? 2 : undefined;
  if (score === 8) return 4;
  return score <= 10 ? 5 : undefined;
}

/** Prostate grading: "Gleason score 3+4=7, Grade Group 2", "Gleason 4+3", "ISUP grade group 5". */
function prostateGradeOf(unit: ExtractionUnit, scope: string, labelled: boolean | undefined): Candidate[] {
  const out: Candidate[] = [];
  const gleasons = allMatches(scope, GLEASON_ALL);
  const groups = allMatches(scope, GRADE_GROUP_ALL);
  const usedGroups = new Set<number>();
  for (const g of gleasons) {
    const primary = g[1] ? Number(g[1]) : undefined;
    const secondary = g[2] ? Number(g[2]) : undefined;
    const score = g[3] ? Number(g[3]) : primary !== undefined && secondary !== undefined ? primary + secondary : Number(g[4]);
    if (!(score >= 2 && score <= 10)) continue;
    const start = g.index ?? 0;
    let end = start + g[0].length;
    // a Grade Group stated right after the score belongs to it
    const next = groups.find((m) => (m.index ?? 0) >= end && (m.index ?? 0) - end < 25 && !/[.;]/.test(scope.slice(end, m.index)));
    let gradeGroup = gradeGroupOf(primary, secondary, score);
    if (next) {
      usedGroups.add(next.index ?? 0);
      gradeGroup = Number(next[1] ?? next[2]) as 1 | 2 | 3 | 4 | 5;
      end = (next.index ?? 0) + next[0].length;
    }
    const value: FindingValues['grade'] = { system: 'Gleason', gleason: { ...(primary !== undefined ? { primary } : {}), ...(secondary !== undefined ? { secondary } : {}), score }, ...(gradeGroup ? { gradeGroup } : {}) };
    out.push({ kind: 'grade', value, span: labelled ? lineSpan(unit) : subSpan(unit, start, end), key: 'grade', source: labelled ? 'synoptic' : 'prose', affirmedByValue: true });
  }
  for (const m of groups) {
    if (usedGroups.has(m.index ?? 0)) continue;
    const n = Number(m[1] ?? m[2]);
    if (n < 1 || n > 5) continue;
    const start = m.index ?? 0;
    out.push({ kind: 'grade', value: { system: 'Gleason', gradeGroup: n as 1 | 2 | 3 | 4 | 5 }, span: labelled ? lineSpan(unit) : subSpan(unit, start, start + m[0].length), key: 'grade', source: labelled ? 'synoptic' : 'prose', affirmedByValue: true });
  }
  return out;
}
/** "2 (T3 P2 M2)", "G2", "Grade 3" as the whole start of a grade line's value. */
const BARE_GRADE_VALUE = /^(?:g(?:rade)?\s*)?([1-4])\b(?!\s*[+/.,]\s*\d)(?!\s*%)/i;
/** "Moderate", "Well differentiated", "Poor" as the value of a "Differentiation" line. */
const DIFFERENTIATION_VALUE = /^(well|moderate|moderately|poor|poorly)\b/i;

function datasetGradeOf(unit: ExtractionUnit, labelled: boolean): Candidate | undefined {
  const value = sliceOf(unit, unit.value).trim();
  const label = (unit.label as { norm: string }).norm;
  if (labelled && !/gleason/.test(label)) {
    const m = BARE_GRADE_VALUE.exec(value);
    if (!m) return undefined;
    const grade = Number(m[1]) as 1 | 2 | 3 | 4;
    return { kind: 'grade', value: { grade, ...(/nottingham/.test(label) ? { system: 'Nottingham' as const } : {}) }, span: lineSpan(unit), key: 'grade', source: 'synoptic', affirmedByValue: true };
  }
  if (/^(?:(?:degree of |tumou?r )?differentiation)$/.test(label)) {
    const m = DIFFERENTIATION_VALUE.exec(value);
    if (!m) return undefined;
    const word = (m[1] as string).toLowerCase();
    const differentiation = word.startsWith('well') ? 'well' : word.startsWith('moderate') ? 'moderately' : 'poorly';
    const grade = ({ well: 1, moderately: 2, poorly: 3 } as const)[differentiation];
    return { kind: 'grade', value: { grade, differentiation }, span: lineSpan(unit), key: 'grade', source: 'synoptic', affirmedByValue: true };
  }
  return undefined;
}
const GRADE_NUMBER = /\b(?:(nottingham|histologic(?:al)?|combined histologic|overall|elston[- ]ellis|modified bloom[- ]richardson|sbr|fnclcc|who|fuhrman|isup(?:\/who)?)\s+)?(?<!nuclear )grade\s*(?:\(nottingham\)\s*)?(?::\s*)?(?:g\s*)?(1|2|3|4|iv|iii|ii|i)\b(?:\s*(?:of|\/)\s*(?:3|4|iii))?|\bG([1-4])\b/i;
/**
 * Literal-led tests that GRADE_NUMBER may match: its first branch ends "grade", optional "(nottingham)", ":", "g",
 * then 1-4 or a roman numeral (i, ii, iii, iv); its second is "G1".."G4".
 */
const GRADE_NUMBER_HINT = /grade\s*(?:\(nottingham\)\s*)?(?::\s*)?(?:g\s*)?[1-4iv]/i;
const G_NUMBER_HINT = /\bG[1-4]\b/i;
/** "low grade", "high-grade": the last letter of low / high, then the grade. */
const TWO_TIER_HINT = /[wh][- ]grade/i;
const NOT_HISTOLOGIC_GRADE_BEFORE = /\b(?:becker|regression|mandard|dworak|ryan|plane|nuclei|nuclear|budding)\b[^.;]{0,25}$/i;
const IN_SITU = /\bDCIS\b|in situ|dysplasia|adenoma|\bPIN\b/i;
const IN_SITU_JUST_BEFORE = /(?:\bDCIS|in situ|dysplasia|adenoma|\bPIN)\W{1,3}(?:[a-z]+\W+){0,2}$/i;
const ROMAN: Record<string, 1 | 2 | 3 | 4> = { i: 1, ii: 2, iii: 3, iv: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

export function gradeOf(unit: ExtractionUnit): Candidate[] {
  const found = statedGradeOf(unit);
  if (found.length || !unit.label || !unit.value) return found;
  // dataset lines whose value is the bare grade: "Invasive grade ...... 2 (T3 P2 M2)", "Differentiation ..... Moderate"
  const dataset = datasetGradeOf(unit, GRADE_LABEL.test(unit.label.norm));
  return dataset ? [dataset] : found;
}
const GRADE_LABEL = /^(?:histologic(?:al)? |nottingham |overall |tumou?r |combined histologic |figo |who |gleason |isup |invasive )?(?:grade|gleason)\b/;

function statedGradeOf(unit: ExtractionUnit): Candidate[] {
  const labelled = unit.label && /^(?:histologic(?:al)? |nottingham |overall |tumou?r |combined histologic |figo |who |gleason |isup )?(?:grade|gleason)\b/.test(unit.label.norm);
  const scope = sliceOf(unit);
  if (/gleason|grade group|\bGG\s*[1-5]\b/i.test(scope)) {
    const prostate = prostateGradeOf(unit, scope, labelled);
    if (prostate.length) return prostate;
  }
  // (each pattern below only where a literal its every match holds occurs: GRADE_NUMBER's "grade <number>" or "G1",
  // DIFFERENTIATION's "differentiated", TWO_TIER's "low grade" / "high-grade")
  let num = /\bgrade group\b/i.test(scope) || !(GRADE_NUMBER_HINT.test(scope) || G_NUMBER_HINT.test(scope)) ? null : GRADE_NUMBER.exec(scope);
  // "Becker grade 2", "Mesorectal plane: complete (grade 3)", "Nuclei are intermediate (grade 2)" grade something else
  if (num && !labelled && NOT_HISTOLOGIC_GRADE_BEFORE.test(scope.slice(Math.max(0, (num.index ?? 0) - 40), num.index))) num = null;
  const diff = /differentiated/i.test(scope) ? DIFFERENTIATION.exec(scope) : null;
  let twoTier = TWO_TIER_HINT.test(scope) ? TWO_TIER.exec(scope) : null;
  // "DCIS, high grade", "low-grade dysplasia": the grade of an in-situ lesion, not of the tumour; an adenoma named
  // in another clause ("... (low grade), arising in a tubulovillous adenoma") does not count
  if (twoTier) {
    const at = twoTier.index ?? 0;
    if (IN_SITU.test(clauseAround(scope, at, at + twoTier[0].length)) || IN_SITU_JUST_BEFORE.test(scope.slice(Math.max(0, at - 40), at))) twoTier = null;
  }
  if (!num && !diff && !twoTier) return [];
  if (!labelled && num && /\bnuclear\s+$/i.test(scope.slice(0, num.index))) return [];
  const value: FindingValues['grade'] = {};
  if (num) {
    const n = ROMAN[(num[2] ?? num[3] ?? '').toLowerCase()];
    if (n) value.grade = n;
    if (num[3] || /\bg\s*[1-4]\b/i.test(num[0])) value.system = 'G';
    else if (/nottingham|elston|bloom|sbr/i.test(num[1] ?? '') || /nottingham/i.test(unit.label?.norm ?? '')) value.system = 'Nottingham';
  }
  if (diff) {
    // a range ("well to moderately differentiated") is graded by its worse end
    const ends = [diff[1], diff[2]].filter((d): d is string => d !== undefined).map((d) => d.toLowerCase() as 'well' | 'moderately' | 'poorly');
    const worst = ends.sort((a, b) => ({ well: 1, moderately: 2, poorly: 3 })[b] - ({ well: 1, moderately: 2, poorly: 3 })[a])[0];
    value.differentiation = (worst ?? 'undifferentiated') as FindingValues['grade']['differentiation'];
    value.grade ??= worst ? ({ well: 1, moderately: 2, poorly: 3 } as const)[worst] : 4;
  }
  if (twoTier) value.twoTier = (twoTier[1] as string).toLowerCase() as 'low' | 'high';
  if (num && /figo/i.test(scope.slice(Math.max(0, (num.index ?? 0) - 6), num.index))) value.system = 'FIGO';
  const scoreMatch = /(?:total\s+)?score\s*(?:of\s*|:\s*)?([3-9])\s*(?:\/|of|out of)\s*9\b/i.exec(scope);
  if (scoreMatch) value.nottinghamScore = Number(scoreMatch[1]);
  for (const [part, re] of [['tubules', /tubul(?:es|e formation)\s*(?:score)?\s*[:=]?\s*([1-3])\b/i], ['nuclei', /nucle(?:i|ar pleomorphism)\s*(?:score)?\s*[:=]?\s*([1-3])\b/i], ['mitoses', /mitos[ie]s\s*(?:score|count)?\s*[:=]?\s*([1-3])\b/i]] as const) {
    const m = re.exec(scope);
    if (m) value[part] = Number(m[1]);
  }
  const pieces = [num, diff, twoTier].filter((m): m is RegExpExecArray => m !== null);
  const start = Math.min(...pieces.map((m) => m.index ?? 0));
  const end = Math.max(...pieces.map((m) => (m.index ?? 0) + m[0].length));
  return [{ kind: 'grade', value, span: labelled ? lineSpan(unit) : subSpan(unit, start, end), key: 'grade', source: labelled ? 'synoptic' : 'prose' }];
}

// ------------------------------------------------------------------ size

const SIZE_LABEL = /^(?:size|(?:total |invasive |whole |residual |maximum )?tumou?r size|(?:maximum|greatest|largest) (?:invasive )?tumou?r (?:diameter|dimension)|size of (?:the )?(?:largest )?(?:invasive )?(?:carcinoma|tumou?r|focus)|greatest (?:tumou?r )?dimension|size \(greatest dimension\)|(?:largest|dominant) (?:tumou?r )?nodule(?: size)?)\b/;
/** A size label about something else: "Size of Largest Metastatic Deposit", "Size of specimen". */
const NOT_TUMOR_SIZE_LABEL = /deposit|node|metasta|margin|specimen/;
/** A second size inside a size value: "2.4 cm (invasive size 1.7 cm)", "3.0 cm; invasive component 2.2 cm". */
const SECOND_SIZE = new RegExp(String.raw`\b(?:invasive|total)\s+(?:tumou?r\s+)?(?:size|component|focus)\s*(?:of\s+|:\s*|=\s*|measures\s+)?(?:at least\s+)?${SIZE.source}`, 'i');

export function tumorSizeOf(unit: ExtractionUnit): Candidate[] {
  if (unit.label && unit.value && SIZE_LABEL.test(unit.label.norm)) {
    if (NOT_TUMOR_SIZE_LABEL.test(unit.label.norm)) return [];
    const value = sliceOf(unit, unit.value);
    const size = parseSize(value);
    if (!size) return [];
    const out: Candidate[] = [{ kind: 'tumor-size', value: { greatestDimensionMm: size.greatestDimensionMm, dimensionsMm: size.dimensionsMm, unit: size.unit }, span: lineSpan(unit), target: unit.label.span, key: 'tumor-size', source: 'synoptic', affirmedByValue: true }];
    // the total and the invasive size of a lung tumour are two statements (CAP lung protocol)
    const second = SECOND_SIZE.exec(value.slice(size.index + size.length));
    const secondSize = second ? parseSize(second[0]) : undefined;
    if (second && secondSize) {
      const at = unit.value.start - unit.span.start + size.index + size.length + second.index;
      out.push({ kind: 'tumor-size', value: { greatestDimensionMm: secondSize.greatestDimensionMm, dimensionsMm: secondSize.dimensionsMm, unit: secondSize.unit }, span: subSpan(unit, at, at + second[0].length), key: 'tumor-size/invasive', source: 'synoptic', affirmedByValue: true });
    }
    return out;
  }
  return sizeStatementsOf(unit);
}

const SIZE_ALL = new RegExp(SIZE.source, 'gi');
/** Words naming the tumour a size belongs to. */
const TUMOR_NOUN = /\b(?:tumou?rs?|mass(?:es)?|carcinoma|adenocarcinoma|melanoma|lesions?|nodules?|macules?|papules?|plaques?|patch(?:es)?|neoplasm|focus|foci|invasive|residual|ulcer(?:ation)?|tumou?r size|size|growth|cancer|infiltrat\w*|induration|area|component)\b/i;
/** A tumour noun within the next four words: "2.1 x 1.9 cm tumor", "2.4 cm right upper lobe spiculated nodule". */
const NOUN_AFTER = new RegExp(String.raw`^\s*(?:[a-z0-9/-]+,?\s+){0,4}?(?:${TUMOR_NOUN.source})`, 'i');
/** Words naming something else that is measured: the specimen, margins, depth, nodes, distances. */
/**
 * Words that make a measurement something other than the tumour's size even after a tumour noun ("carcinoma …
 * margin … 3 mm", "lymph node with metastatic carcinoma, 7 mm"); organ and location words are not among them.
 */
const STRONG_OTHER = /\b(?:polyps?|specimens?|segments?|fragments?|cores?|ellipses?|portions?|piece|margins?|nodes?|lymph|deposits?|depth|thickness|breslow|thick|width|extent|from|away|distance|closest|nearest|stalk|cavity|clip|seed|aggregate|each|ranging|range)\b/i;
/** A mass-forming tumour noun at most two words after a size: "3.8 x 3.1 cm ulcerated mass". */
const MASS_AFTER = /^\s*(?:[a-z-]+\s+){0,2}?(?:mass|tumou?r|nodule|lesion)\b/i;
/** A measurement followed by one of these is not a tumour size ("0.9 cm stalk", "3.0 x 2.0 cm piece of pericardium", "2.1 mm deposit"). */
const CORE_EXTENT_AFTER = /^\s*[\/,(]\s*\d{1,3}(?:\.\d+)?\s*%/;
const OTHER_AFTER = /^\s*(?:[a-z-]+\s+)?(?:polyps?|stalk|piece|segment|fragments?|cores?|ellipse|portion|deposits?|micrometasta\w*|macrometasta\w*|above|below|breslow|thick(?:ness)?|tumou?r bed)\b/i;
/** Words before a measurement that make it the size of another focus than the tumour ("A separate, firm 0.9 cm nodule"). */
const ANOTHER_FOCUS_BEFORE = /\b(?:separate|second|satellite)\b,?(?:\s+[a-z-]+,?){0,3}\s*$/i;
const ANOTHER_FOCUS_AFTER = /^\s*(?:[a-z-]+\s+)?satellite\b/i;
const LUNG_SEGMENT = /\b(?:(?:posterior|anterior|lateral|medial|superior|inferior|apical|basal|apicoposterior|lingular)\s+)+segments?\b/gi;
/** "a 0.3 mm focus of atypical junctional melanocytic hyperplasia" measures something that is not the tumour. */
const BENIGN_FOCUS_AFTER = /^\s*(?:[a-z-]+\s+){0,2}?(?:focus|foci|area)\s+of\s+(?:atypical|benign|reactive)\b/i;
const OTHER_MEASURE = /\b(?:closest|nearest|specimens?|segments?|fragments?|cores?|ellipses?|portions?|piece|skin|fat|tissue|mucosa|wall|length|circumference|lobes?|gland|uterus|breast|lung|colon|bowel|stomach|prostate|nodes?|lymph|margins?|mesentery|mesorectum|depth|thickness|breslow|thick|width|extent|deep|invad\w*|myometri\w*|from|away|distance|proximal|distal|radial|crm|cavity|clip|seed|vessels?|artery|vein|bronchus|ileum|appendix|attached|up to|apex|base|ranging|range|aggregate|each)\b/i;

const TRAILING_BEFORE_SIZE = /\bmeasur(?:es|ing|ed)\s+(?:up to\s+|at least\s+)?$|,\s*$|\b(?:maximum|greatest) (?:dimension|diameter)\s*(?:of\s*)?$/i;

/**
 * Tumour sizes in prose: a measurement whose nearest noun (before it in the clause, or right after it) names the
 * tumour — "mass measuring 3.2 x 2.9 x 1.1 cm", "a 2.4 cm spiculated nodule", "Invasive size 2.1 cm", "residual
 * carcinoma, 0.6 cm". Measurements of the specimen, distances to margins, depths and nodes are not sizes.
 */
export function sizeStatementsOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  if (!/\d\s*(?:cm|mm|millim|centim)/i.test(s)) return out;
  for (const m of allMatches(s, SIZE_ALL)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const sentenceBreak = lastSentenceBreak(s, start);
    const clauseStart = Math.max(s.lastIndexOf(';', start), sentenceBreak);
    const before = s.slice(clauseStart + 1, start);
    const after = s.slice(end, end + 60);
    // directly after: "2.1 x 1.9 cm tumor", "4.2 cm ill-defined mass", "1.2 cm area of ..."
    const afterWords = NOUN_AFTER.exec(after);
    // "a 1.5 cm right breast mass": organ words may qualify the tumour noun after the size
    const nounAfter = afterWords !== null && !STRONG_OTHER.test(afterWords[0]);
    if (/^\s*(?:from|to|away|above|below|of (?:the )?(?:\w+ )?margin|in (?:depth|thickness|length)|deep|thick|proximal|distal)\b/i.test(after) && !nounAfter) continue;
    // ("4 mm / 30%": a core's linear extent of carcinoma and its percentage, as prostate biopsy tables give them)
    // (a core's extent holds its "%": the plain test first)
    if (OTHER_AFTER.test(after) || BENIGN_FOCUS_AFTER.test(after) || (after.includes('%') && CORE_EXTENT_AFTER.test(after))) continue;
    // in a statement about nodes or a margin ("one lymph node with metastatic carcinoma, 7 mm", "margin free of
    // tumor (1.0 cm)", "Margins free of carcinoma (closest: anterior, 3 mm)") a measurement is not the tumour's size
    const sentence = s.slice(sentenceBreak + 1, start);
    // — unless a mass is named right after it: "2.0 cm proximal to the distal margin is a 3.8 x 3.1 cm ulcerated mass"
    const massAfter = nounAfter && MASS_AFTER.test(after);
    if (/\b(?:lymph nodes?|nodes?|deposits?)\b/i.test(sentence) || (/\bmargins?\b[^.;]{0,40}$/i.test(sentence) && !massAfter)) continue;
    // "mass at 25 cm" (from the anal verge) is where the tumour is, not its size; "invasive to 0.45 mm", "extends to
    // within 0.5 mm of the margin" are a depth and a distance; "elevated 0.3 cm" a height
    if (/\b(?:at|from|within|(?<!\bup\s)to|elevated|raised)\s+$/i.test(s.slice(Math.max(0, start - 10), start))) continue;
    // "A separate 0.6 cm nodule", "a second, 0.6 cm nodule", "a 0.9 cm satellite nodule": another focus, not the tumour
    if (ANOTHER_FOCUS_BEFORE.test(s.slice(Math.max(0, clauseStart + 1, start - 40), start)) || ANOTHER_FOCUS_AFTER.test(after)) continue;
    const tumor = lastMatchOf(before, TUMOR_NOUN);
    const tumorAt = tumor.end;
    const tumorStart = tumor.start;
    let nounBefore = false;
    // (no tumour noun before: the other nouns before need no scan)
    if (tumorAt >= 0) {
      // "in the posterior basal segment, 3.2 x 2.7 cm": a lung segment says where the tumour is
      const located = /segment/i.test(before) ? before.replace(LUNG_SEGMENT, (w) => ' '.repeat(w.length)) : before;
      const otherAt = lastMatchOf(located, OTHER_MEASURE).end;
      // "carcinoma …, grade 2 (…), measuring 2.5 mm", "ADENOCARCINOMA, …, OF THE ASCENDING COLON, 5.5 CM": the tumour
      // noun leads a longer clause, with only grade/location words (no other measured thing) between
      nounBefore = (tumorAt > otherAt && before.length - tumorAt < 60) || (TRAILING_BEFORE_SIZE.test(before) && before.length - tumorAt < 150 && lastMatchOf(located, STRONG_OTHER).end < tumorStart);
    }
    if (!nounBefore && !nounAfter) continue;
    const size = parseSize(m[0]);
    if (!size) continue;
    // the span runs from the tumour noun when it leads the clause up to the size ("carcinoma measures 1.4 cm")
    const from = nounBefore && /^[\s\w,-]*$/.test(before.slice(tumorAt)) && before.length - tumorStart < 40 ? clauseStart + 1 + tumorStart : start;
    out.push({ kind: 'tumor-size', value: { greatestDimensionMm: size.greatestDimensionMm, dimensionsMm: size.dimensionsMm, unit: size.unit }, span: subSpan(unit, from, end), key: 'tumor-size', source: 'prose', affirmedByValue: true });
  }
  return out;
}

/**
 * Where the last match of /\.(?!\d)\s|\n/g in s.slice(0, before) starts, or -1: scanned backward by character code
 * (the regex ran from the start of the unit for every measurement). A "." before a line break is that match's start.
 */
function lastSentenceBreak(s: string, before: number): number {
  const last = Math.min(before, s.length) - 1;
  if (last < 0) return -1;
  // the nearest of: the last line break, and the last "." with a space after it (native lastIndexOf, not a JS loop
  // over every character back to the start)
  const nl = s.lastIndexOf('\n', last);
  for (let i = s.lastIndexOf('.', last); i > nl; i = i > 0 ? s.lastIndexOf('.', i - 1) : -1) {
    if (i + 1 < before && isSpace(s.charCodeAt(i + 1))) return i;
  }
  if (nl < 0) return -1;
  return nl > 0 && s.charCodeAt(nl - 1) === 46 ? nl - 1 : nl;
}

/** The global (matchAll) twin of each pattern, made once. */
const GLOBAL = new Map<RegExp, RegExp>();
/** Where the last match of re in s starts and ends (-1, -1 when none): one scan for both. */
function lastMatchOf(s: string, re: RegExp): { start: number; end: number } {
  let g = GLOBAL.get(re);
  if (!g) GLOBAL.set(re, (g = new RegExp(re.source, 'gi')));
  let start = -1;
  let end = -1;
  // an exec loop (no list of the matches: only the last counts); g is this function's own, its lastIndex ends at 0
  g.lastIndex = 0;
  for (let m = g.exec(s); m !== null; m = g.exec(s)) {
    start = m.index;
    end = start + m[0].length;
    if (m[0] === '') g.lastIndex++;
  }
  return { start, end };
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
const DISTANCE_ALL = new RegExp(DISTANCE.source, 'gi');

/** A label asking whether a margin is involved (its value says yes or no). */
const INVOLVED_LABEL = /^(?:crm|circumferential (?:resection )?margin|(?:[a-z]+ )?margins?) (?:involved|involvement)$/;
/** Every margin statement (synoptic label or prose) holds one of these words: units without them are skipped. */
const MARGIN_HINT = /margin|crm|staple|distance/i;
/** UICC residual tumour: R0 none (negative margin), R1 microscopic, R2 macroscopic (involved); read beside a pTNM stage. */
const UICC_RESIDUAL = /(?<![A-Za-z0-9])R([012])(?![A-Za-z0-9])/g;

export function marginsOf(unit: ExtractionUnit): Candidate[] {
  const out: Candidate[] = [];
  if (!MARGIN_HINT.test(sliceOf(unit))) return /R[012]/.test(sliceOf(unit)) ? uiccResidualOf(unit) : out;
  if (unit.label && unit.value) {
    const label = unit.label.norm;
    const value = sliceOf(unit, unit.value);
    if (/length|extent|linear|location/.test(label)) return out;
    // "CRM involved ........ No", "Margins involved: yes": a yes/no answer to whether the margin is involved
    const answer = INVOLVED_LABEL.test(label) ? /^\s*(yes|no)\b/i.exec(value) : null;
    if (answer) return [{ kind: 'margin', value: { status: (answer[1] as string).toLowerCase() === 'yes' ? 'positive' : 'negative' }, span: lineSpan(unit), target: unit.label.span, key: 'margin/status', source: 'synoptic', affirmedByValue: true }];
    if (/^margins?(?: status)?(?: \(.*\))?$|^(?:surgical |resection )margins?$/.test(label) || (/\bmargins?(?: \([^)]*\))?$|^crm$/.test(label) && !/distance|closest|nearest/.test(label))) {
      const clauses = marginClauses(value);
      if (clauses.length > 1 && clauseStatus((clauses[0] as { text: string }).text)) {
        // "Margins: deep margin CLOSE (1 mm); peripheral margins negative (>5 mm)": each margin named with its own
        // status is a statement of its own; the line's status is its first clause's
        const first = clauses[0] as { at: number; text: string };
        const status = clauseStatus(first.text);
        if (status) out.push({ kind: 'margin', value: { status }, span: lineSpan(unit), target: unit.label.span, key: 'margin/status', source: 'synoptic', affirmedByValue: true });
        for (const clause of clauses.slice(1)) {
          const at = unit.value.start - unit.span.start + clause.at;
          // "...; tumor is 0.5 mm from the posterolateral margin (close)": the bracketed word states the status
          const bracketed = MARGIN_NAMED_FIRST.test(clause.text) ? null : /\((close)\)/i.exec(clause.text);
          if (bracketed) {
            const w = at + bracketed.index + 1;
            out.push({ kind: 'margin', value: { status: 'close' }, span: subSpan(unit, w, w + 5), key: `margin/status/${clause.at}`, source: 'synoptic', affirmedByValue: true });
            continue;
          }
          const own = MARGIN_NAMED_FIRST.test(clause.text) && !/^(?:length|extent|linear)\b/i.test(clause.text) ? clauseStatus(clause.text) : undefined;
          if (own) out.push({ kind: 'margin', value: { status: own }, span: subSpan(unit, at, at + clause.text.length), key: `margin/status/${clause.at}`, source: 'synoptic', affirmedByValue: true });
        }
      } else {
        const status = /\bclose\b/i.test(value) ? 'close' : marginStatus(value);
        if (status) out.push({ kind: 'margin', value: { status }, span: lineSpan(unit), target: unit.label.span, key: 'margin/status', source: 'synoptic', affirmedByValue: true });
      }
      // every distance the value states: "Negative; closest (medial) 8 mm; melanoma in situ 6 mm from the medial margin"
      if (!/\bx\b|×/.test(value)) {
        for (const d of allMatches(value, DISTANCE_ALL)) {
          const at = d.index ?? 0;
          if (NOT_MARGIN_DISTANCE_AFTER.test(value.slice(at + d[0].length))) continue;
          const comparator = parseComparator(d[1]?.toLowerCase());
          out.push({ kind: 'margin', value: { distanceMm: toMm(d[2] as string, d[3] as string), namedMargin: label, ...(comparator ? { closestDistanceComparator: comparator } : {}) }, span: subSpan(unit, unit.value.start - unit.span.start + at, unit.value.start - unit.span.start + at + d[0].length), key: `margin/distance/${label}/${at}`, source: 'synoptic', affirmedByValue: true });
        }
      }
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
  if (!/margin|CRM|staple/i.test(s)) return uiccResidualOf(unit);
  // "Margins negative for carcinoma", "all margins are free of tumor", "the deep margin is involved", "CRM clear",
  // "positive circumferential margin", "carcinoma present at the inked deep margin", "radial margin clear at 1 mm (close)"
  // (the two word-led scans below run only where one of their status words occurs: each match holds one)
  if (STATUS_AFTER_HINT.test(s)) for (const m of allMatches(s, MARGIN_STATUS_AFTER)) {
    const start = m.index ?? 0;
    const clause = clauseAround(s, start, start + m[0].length);
    const st = /\bclose\b/i.test(clause) ? 'close' : marginStatus(m[2] as string);
    if (st) out.push({ kind: 'margin', value: { status: st }, span: subSpan(unit, start, start + m[0].length), target: subSpan(unit, start, start + (m[1] as string).length), key: 'margin/status', source: 'prose', affirmedByValue: true });
  }
  if (STATUS_BEFORE_HINT.test(s)) for (const m of allMatches(s, MARGIN_STATUS_BEFORE)) {
    const start = m.index ?? 0;
    if (out.some((c) => c.span.start - unit.span.start < start + m[0].length && start < c.span.end - unit.span.start)) continue;
    // "re-excision to obtain a clear deep margin" is a goal, not a status
    if (/\b(?:obtain|achieve|ensure)\s+(?:an?\s+)?$/i.test(s.slice(Math.max(0, start - 20), start))) continue;
    const st = /^(?:present|extends?|extending|reach|reaches|involvement|abut)/i.test(m[1] as string) ? 'positive' : marginStatus(m[1] as string);
    // "appears to abut the deep margin": a hedged statement (the guideline's "appears to")
    const hedge = /\b(?:appears?|seems?)\s+to\s+$/i.exec(s.slice(Math.max(0, start - 15), start));
    if (st) out.push({ kind: 'margin', value: { status: st }, span: subSpan(unit, start - (hedge?.[0].length ?? 0), start + m[0].length), key: 'margin/status', source: 'prose', affirmedByValue: true, ...(hedge ? { uncertainByValue: true } : {}) });
  }
  // "carcinoma in situ extends along the bronchial mucosa to the bronchial resection margin": extension to a margin
  if (/\bextend/i.test(s)) for (const m of allMatches(s, EXTENDS_ALONG_TO_MARGIN)) {
    const start = m.index ?? 0;
    if (out.some((c) => c.span.start - unit.span.start < start + m[0].length && start < c.span.end - unit.span.start)) continue;
    out.push({ kind: 'margin', value: { status: 'positive' }, span: subSpan(unit, start, start + m[0].length), key: 'margin/status', source: 'prose', affirmedByValue: true });
  }
  // (every match holds "margin(s) involvement": a literal-led test first, the slow word-led scan only where it occurs)
  if (MARGIN_INVOLVEMENT_HINT.test(s)) for (const m of allMatches(s, MARGIN_INVOLVEMENT)) {
    const start = m.index ?? 0;
    out.push({ kind: 'margin', value: { status: 'positive' }, span: subSpan(unit, start, start + m[0].length), key: 'margin/status', source: 'prose', affirmedByValue: true });
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
    if (from && !measuresOtherThing(s.slice(0, from.index))) {
      const start = from.index ?? 0;
      const distance = toMm(from[1] as string, from[2] as string);
      const name = from[4]?.toLowerCase();
      const value: FindingValues['margin'] = from[3] ? { closestDistanceMm: distance, ...(name ? { closestMargin: name } : {}) } : { distanceMm: distance, ...(name ? { namedMargin: name } : {}) };
      out.push({ kind: 'margin', value, span: subSpan(unit, start, start + from[0].length), key: from[3] ? 'margin/distance' : `margin/distance/${name ?? 'unnamed'}`, source: 'prose', affirmedByValue: true });
    }
  }
  return [...out, ...marginDistancesOf(unit, out), ...uiccResidualOf(unit)];
}

const MARGIN_INVOLVEMENT = /\b((?:[A-Za-z]+\s+)?margins?)\s+involvement\b/gi;
const MARGIN_INVOLVEMENT_HINT = /margins?\s+involvement/i;
/** "extends along the mucosa to the bronchial resection margin" (not "to within 1 mm of", which is a distance). */
const EXTENDS_ALONG_TO_MARGIN = /\bextend(?:s|ing)?\s+(?:along|into|through|within)\s+[^.;,]{1,50}?\bto\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}?margins?\b/gi;
/** A margin named before its status: "deep margin negative", "radial margin CLEAR at 1 mm (close)". */
const MARGIN_NAMED_FIRST = /^(?:[a-z-]+\s+){0,3}margins?\b/i;
/** Where a margins value is cut into statements: at ";" and at a comma before another named margin. */
const MARGIN_CLAUSE_CUT = /;\s*|,\s*(?=(?:[a-z-]+\s+){0,2}margins?\b)/gi;

/** The statements of a margins value (text and offset in the value), when it has several. */
function marginClauses(value: string): { at: number; text: string }[] {
  if (!value.includes(';') && !value.includes(',')) return [{ at: 0, text: value }];
  const out: { at: number; text: string }[] = [];
  let at = 0;
  for (const m of allMatches(value, MARGIN_CLAUSE_CUT)) {
    const end = m.index ?? 0;
    const text = value.slice(at, end).trimEnd();
    if (text) out.push({ at, text });
    at = end + m[0].length;
  }
  const rest = value.slice(at).trimEnd();
  if (rest) out.push({ at, text: rest });
  return out;
}

function clauseStatus(clause: string): FindingValues['margin']['status'] | undefined {
  return /\bclose\b/i.test(clause) ? 'close' : marginStatus(clause);
}

function uiccResidualOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  if (!/\b(?:y?p|c)[TN][0-4X]/.test(s)) return [];
  return allMatches(s, UICC_RESIDUAL).map((m): Candidate => {
    const start = m.index ?? 0;
    return { kind: 'margin', value: { status: m[1] === '0' ? 'negative' : 'positive' }, span: subSpan(unit, start, start + m[0].length), key: 'margin/status', source: 'prose', affirmedByValue: true };
  });
}

const MARGIN_WORDS = String.raw`(?:(?:all|surgical|resection|(?!(?:the|a|an|and|or|are|is|of|at|to|with)\b)[a-z]+)\s+){0,3}?(?:margins?|CRM)`;
const MARGIN_STATUS_AFTER = new RegExp(String.raw`\b(${MARGIN_WORDS})\b\s*(?:\([^)]{0,60}\)\s*)?(?:of\s+(?:the\s+)?(?:resection|excision)\s+)?(?:(?:is|are|was|were)\s+)?(?:inked\s+and\s+)?(?:(?:widely|grossly|microscopically|all)\s+)?(negative|uninvolved|not involved|free|clear|positive|involved|transected|close)\b`, 'gi');
/** A word every MARGIN_STATUS_AFTER match ends with ("uninvolved", "not involved" hold "involved"). */
const STATUS_AFTER_HINT = /negative|involved|free|clear|positive|transected|close/i;
/** A word every MARGIN_STATUS_BEFORE match starts with ("extends to", "extending to" hold "extend"). */
const STATUS_BEFORE_HINT = /positive|negative|involved|close|clear|present at|extend|reach|abut/i;
const MARGIN_STATUS_BEFORE = new RegExp(String.raw`\b(positive|negative|involved|uninvolved|close|clear|present at|extends? to|extending to|reach(?:es)?|abut(?:s|ting)?)\s+(?:the\s+)?(?:inked\s+)?(${MARGIN_WORDS})\b`, 'gi');

/**
 * Distances from the tumour to a margin in prose, every one stated: "closest margin is posterior at 4 mm",
 * "1.2 cm from the deep (posterior) margin", "tumor 4 mm from CRM", "within 0.2 cm of the superior margin",
 * "radial margin 15 mm", "clear at 1 mm (close)". A distance belongs to a margin when its clause names a margin
 * (or CRM, the staple line) and the measurement is not a size (no "x", no tumour noun right after it).
 */
const NOT_MARGIN_DISTANCE_AFTER = /^\s*(?:(?:from|to)\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}?(?:skin|nipple|verge|dentate line|pleura|serosa|scar|tattoo)\b|(?:linear|in (?:linear )?(?:extent|length))\b|(?:beyond|into)\b)/i;

const LISTED_AFTER_STATUS = /\bmargins?\b[^.;:]{0,30}\b(?:negative|clear|free|uninvolved)\s*:\s*(?:[a-z]+\s+\d+(?:\.\d+)?\s*(?:mm|cm)\s*,\s*){0,3}[a-z]+\s*$/i;

/** The sentence up to a distance is about a scar or other non-tumour thing ("The scar is 1.1 cm from the margin"). */
function measuresOtherThing(before: string): boolean {
  const sentence = before.slice(lastSentenceBreak(before, before.length) + 1);
  // (a "scar-like lesion" after therapy is the tumour)
  return /\b(?:scar(?!-like)|biopsy site|nevus|cyst)\b/i.test(sentence) && !TUMOR_NOUN.test(sentence.replace(/\b(?:lesion|area|focus)\b/gi, ''));
}

function marginDistancesOf(unit: ExtractionUnit, already: Candidate[]): Candidate[] {
  const s = sliceOf(unit);
  if (!/\bmargins?\b|\bCRM\b|staple line/i.test(s)) return [];
  const out: Candidate[] = [];
  for (const m of allMatches(s, DISTANCE_ALL)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const around = s.slice(Math.max(0, start - 8), Math.min(s.length, end + 22));
    if (/\d\s*(?:x|×|by)\s*$/i.test(s.slice(Math.max(0, start - 6), start)) || /^\s*(?:x|×|by)\s*\d/i.test(s.slice(end))) continue;
    if (/\bin (?:greatest )?(?:dimension|diameter|length)|\btumou?r size\b/i.test(around)) continue;
    const clause = clauseAround(s, start, end);
    const after = s.slice(end, end + 50);
    const before = s.slice(Math.max(0, start - 40), start);
    // not a distance to a margin: from a landmark ("3.0 cm from the overlying skin"), a length along the margin
    // ("2 mm linear extent"), a depth ("to a depth of 2 mm beyond the muscularis propria")
    if (NOT_MARGIN_DISTANCE_AFTER.test(after) || /\b(?:depth|thickness|breslow|over)\b[^.;()\d]{0,15}$/i.test(before)) continue;
    // "positive surgical margin (2 mm, right posterolateral)": the extent of a positive margin, not a distance
    if (/\b(?:positive|involved)\b/i.test(before) && !/\b(?:from|closest|nearest|clear|free|negative|uninvolved)\b/i.test(before)) continue;
    // "wide local excision (2 cm margins)": a planned excision margin; "The scar is 1.1 cm from the margin"
    if (/^\s*(?:clinical\s+|peripheral\s+|surgical\s+)?margins?\b/i.test(after) || measuresOtherThing(s.slice(0, start))) continue;
    // "closest: anterior, 3 mm", "CLOSEST: INFERIOR AT 6 MM": the margin is named between "closest" and the distance
    const afterClosest = /\b(?:closest|nearest)(?: margin)?\s*[:,]?\s*(?:\(?[a-z]+(?: [a-z]+)?\)?\s*[,:]?\s*)?(?:at\s+|is\s+)?$/i.test(before);
    const fromMargin = /^\s*(?:\([^)]*\)\s*)?(?:from|to|of|away from)\s+(?:the\s+)?(?:[a-z()/-]+\s+){0,3}?(?:margins?|CRM|staple line|it)\b/i.test(after);
    // "Margins clear (peripheral 19 mm, deep 16 mm)": every distance in a parenthesis after a margin word
    // "margin negative, 18 mm": the distance right after a margin's status
    // ("All margins are free: peripheral 15 mm, deep 9 mm": the distances listed after the status, each named)
    const afterStatus = /\bmargins?\b[^.;]{0,30}\b(?:negative|clear|free|uninvolved|close)\s*,\s*(?:at\s+)?$/i.test(s.slice(Math.max(0, start - 60), start)) || LISTED_AFTER_STATUS.test(s.slice(Math.max(0, start - 90), start));
    const inMarginClause = (/\bmargins?\b|\bCRM\b|\bclosest\b/i.test(clause) || /\bmargins?\b[^().;]*\([^()]*$/i.test(s.slice(0, start)) || afterStatus) && !/\b(?:tumou?r|mass|nodule|polyp|lesion)\s+(?:size|measur\w*)/i.test(clause);
    if (!fromMargin && !inMarginClause && !afterClosest) continue;
    if ([...already, ...out].some((c) => c.span.start - unit.span.start < end && start < c.span.end - unit.span.start && ((c.value as FindingValues['margin']).closestDistanceMm !== undefined || (c.value as FindingValues['margin']).distanceMm !== undefined))) continue;
    const comparator = parseComparator(m[1]?.toLowerCase());
    out.push({ kind: 'margin', value: { distanceMm: toMm(m[2] as string, m[3] as string), ...(comparator ? { closestDistanceComparator: comparator } : {}) }, span: subSpan(unit, start, end), key: `margin/distance/${start}`, source: 'prose', affirmedByValue: true });
  }
  return out;
}

// ------------------------------------------------------------------ lymphovascular / perineural invasion

const LVI = /\b(?:lymphangiosis(?: carcinomatosa)?(?: and ha?emangiosis(?: carcinomatosa)?)?|ha?emangiosis(?: carcinomatosa)?|lympho-?vascular(?: space)? invasion|lympho-?vascular tumou?r emboli|lympho-?vascular(?= (?:and|or|\/) perineu?ral invasion)|lympho-?vascular(?= (?:or|nor) (?:visceral )?pleural invasion)|angiolymphatic invasion|lymphatic(?:\/vascular| and vascular|,? (?:and |or )?vascular,? (?:and|or) (?:pleural|perineu?ral))? invasion|(?:extramural )?(?:venous|vascular) invasion|\bEMVI\b|\bLVSI\b|\bLVI\b)/i;
const PNI = /\b(?:perineu?rial invasion|perineural invasion|perineu?ral(?= (?:and|or|\/) (?:lympho-?vascular|venous|vascular|angiolymphatic) invasion)|neurotropism|\bPNI\b|(?:tumou?r|carcinoma|melanoma)(?: cells)? (?:surround(?:s|ing)?|encircl(?:es|ing)|infiltrat(?:es|ing))(?: and (?:surround|encircle|infiltrate)s?)? (?:an?|multiple|several|small|the) (?:small )?nerves?\b)/i;
/** What is said right after an invasion term: presence, absence, or a hedge. */
const INVASION_STATED = /^\s*(?:[:=]\s*)?(?:(?:is|are|was|were)\s+)?(?:(?:also|focally|definitely)\s+)?(not identified|not seen|not present|not detected|absent|negative|none|present|identified|seen|detected|positive|extensive|substantial|conspicuous|prominent|focal|suspicious(?: but not definitive)?|equivocal|indeterminate|possible|probable|cannot be (?:excluded|ruled out)|not definitive)\b|^([+-])(?![\w+])/i;
const VESSEL_SITE_BEFORE_RESULT = /^(?:extramural|intramural|submucosal|small[- ]vessel|large[- ]vessel)\s*[,:;-]\s*/i;
const HEDGE = /suspicious|equivocal|possible|probable|cannot be (?:excluded|ruled out)|not definitive/i;

/**
 * Lymphovascular (also LVSI, extramural venous invasion) and perineural invasion (also neurotropism): synoptic
 * "Label: value" lines, prose with the result after the term ("LVI is not identified", "PNI present", "LVI-",
 * "lymphovascular invasion is suspicious but not definitive": present and uncertain), and shared statements
 * ("Lymphovascular and perineural invasion are not identified").
 */
export function invasionOf(unit: ExtractionUnit): Candidate[] {
  const out: Candidate[] = [];
  for (const [kind, re] of [['lymphovascular-invasion', LVI], ['perineural-invasion', PNI]] as const) {
    // a "Label: value" line about invasion; any other label ("Comment: Suspicious for LVI") is read as prose
    if (unit.label && unit.value && startsWithMatch(unit.label.norm, re)) {
      // "Venous invasion: extramural, present": the vessels' site before the result
      const value = sliceOf(unit, unit.value).replace(VESSEL_SITE_BEFORE_RESULT, '');
      const hedged = HEDGE.test(value) && !/^\s*(?:not identified|absent|negative)/i.test(value);
      const status = hedged ? 'present' : parsePresence(value);
      if (status) out.push({ kind, value: { status }, span: lineSpan(unit), target: unit.label.span, key: kind, source: 'synoptic', ...(status === 'absent' ? { negatedByValue: true } : { affirmedByValue: true }), ...(hedged ? { uncertainByValue: true } : {}) });
      continue;
    }
    const s = sliceOf(unit);
    // every statement in the unit: "EMVI is present, and small-vessel lymphovascular invasion is conspicuous"
    for (const m of allMatches(s, GLOBAL_INVASION.get(re) as RegExp)) {
      const start = m.index ?? 0;
      let termEnd = start + m[0].length;
      // "lymphovascular and perineural invasion are not identified", "perineural and venous invasion are seen": the
      // statement follows the shared noun
      if (!/invasion$/i.test(m[0]) && /^(?:lympho-?vascular|perineu?ral)$/i.test(m[0])) {
        const shared = /^\s+(?:and|or|\/)\s+(?:perineu?ral|lympho-?vascular|venous|vascular|angiolymphatic) invasion/i.exec(s.slice(termEnd));
        if (shared) termEnd += shared[0].length;
      }
      const afterText = s.slice(termEnd);
      const stated = INVASION_STATED.exec(afterText);
      const word = stated ? (stated[1] ?? stated[2] ?? '') : '';
      const hedged = HEDGE.test(word);
      const status = !stated ? 'present' : word === '+' ? 'present' : word === '-' ? 'absent' : hedged ? 'present' : (parsePresence(word) ?? 'present');
      const words = subSpan(unit, start, start + m[0].length);
      const span = stated ? subSpan(unit, start, termEnd + stated[0].length) : words;
      out.push({ kind, value: { status }, span, target: words, key: kind, source: 'prose', ...(status === 'absent' ? { negatedByValue: true } : {}), ...(hedged ? { uncertainByValue: true } : {}) });
    }
  }
  out.push(...uiccInvasionCodesOf(unit));
  return out;
}

const MAY_HOLD_UICC = /\b(?:[LV]|Pn)[012]\b/;
/** UICC TNM's additional descriptors: L (lymphatic), V (venous), Pn (perineural) invasion, 0 absent / 1-2 present. */
const UICC_INVASION = /(?<![A-Za-z0-9])(L|V|Pn)([012])(?![A-Za-z0-9+])/g;
/** The codes are read only beside a pTNM stage or an invasion statement ("pT3b pN1 L1 V0 Pn1 R1", "(L1, V0)"). */
const UICC_CONTEXT = /\b(?:y?p|c)[TN][0-4X]|invasion/i;

export function uiccInvasionCodesOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  if (!MAY_HOLD_UICC.test(s) || !UICC_CONTEXT.test(s)) return [];
  const out: Candidate[] = [];
  for (const m of allMatches(s, UICC_INVASION)) {
    const start = m.index ?? 0;
    const kind = m[1] === 'Pn' ? 'perineural-invasion' : 'lymphovascular-invasion';
    const absent = m[2] === '0';
    out.push({ kind, value: { status: absent ? 'absent' : 'present' }, span: subSpan(unit, start, start + m[0].length), key: `${kind}/${m[1]}`, source: 'prose', ...(absent ? { negatedByValue: true } : { affirmedByValue: true }) });
  }
  return out;
}
const GLOBAL_INVASION = new Map<RegExp, RegExp>([LVI, PNI].map((re) => [re, new RegExp(re.source, 'gi')]));
/** The sticky twin of each pattern: a match at 0 only. */
const STICKY_INVASION = new Map<RegExp, RegExp>([LVI, PNI].map((re) => [re, new RegExp(re.source, 'iy')]));

/** re.exec(s)?.index === 0 (the leftmost match starts at 0 exactly when some match does) without scanning all of s. */
function startsWithMatch(s: string, re: RegExp): boolean {
  const sticky = STICKY_INVASION.get(re) as RegExp;
  sticky.lastIndex = 0;
  return sticky.test(s);
}

// ------------------------------------------------------------------ lymph nodes


export function lymphNodesOf(unit: ExtractionUnit): Candidate[] {
  const row = nodeTableRowOf(unit);
  if (row) return [row];
  // every count label read below names nodes or the count ("Number examined", "Total positive"); other labels
  // ("Margins", "Tumor size") skip its regexes and are read as prose
  if (unit.label && unit.value && NODE_COUNT_LABEL_HINT.test(unit.label.norm)) {
    const label = unit.label.norm;
    const count = /^(\d{1,3})\b/.exec(sliceOf(unit, unit.value).trim());
    const examined = /(?:lymph )?nodes? examined|^(?:number |total )?examined\b|number of (?:regional )?(?:lymph )?nodes? (?:examined|retrieved|submitted)|total (?:lymph )?nodes?/.test(label);
    const involved = /(?:lymph )?nodes? (?:involved|positive|with (?:metastas[ie]s|tumou?r|carcinoma))|^(?:number |total )?(?:involved|positive)\b|^number with (?:(?:micro)?metastas[ie]s|tumou?r)|number of (?:regional )?(?:lymph )?nodes? (?:involved|positive|with)/.test(label);
    // "Total lymph nodes: 2 positive of 12 examined" states both counts: read as prose
    if ((examined || involved) && /\d\s*(?:\/|of|out of)\s*\d|\d\s+(?:positive|involved)\s*(?:\/|,|;|of)\s*\d/i.test(sliceOf(unit, unit.value))) return nodeStatementsOf(unit);
    // "Total positive cores: 6 of 15" counts biopsy cores, not nodes
    if ((examined || involved) && count && !/\b(?:cores?|fragments?|blocks?|slides?|cassettes?)\b/.test(label)) {
      const n = Number(count[1]);
      const sentinel = /sentinel/.test(label);
      const value: FindingValues['lymph-nodes'] = examined ? { examined: n } : { positive: n };
      if (sentinel) value.sentinel = true;
      return [{ kind: 'lymph-nodes', value, span: lineSpan(unit), target: unit.label.span, key: `lymph-nodes/${examined ? 'examined' : 'positive'}${sentinel ? '/sentinel' : ''}`, source: 'synoptic', affirmedByValue: true }];
    }
    if (examined || involved) return [];
    // "Lymph nodes: None submitted"
    if (/^(?:regional )?(?:lymph )?nodes?$/.test(label) && NONE_SUBMITTED_VALUE.test(sliceOf(unit, unit.value))) return [{ kind: 'lymph-nodes', value: { examined: 0 }, span: lineSpan(unit), target: unit.label.span, key: 'lymph-nodes/examined', source: 'synoptic', affirmedByValue: true }];
  }
  return nodeStatementsOf(unit);
}

const NODE_COUNT_LABEL_HINT = /node|examined|involved|positive|number with/;

/** "station 10L: two", "station 7: 3" (not a ratio, a size or a count of something else). */
const STATION_COUNT = new RegExp(String.raw`\bstation\s+\d{1,2}[LR]?\s*:\s*(${COUNT})\b(?!\s*(?:\/|of\b|out of\b|cm\b|mm\b|%|positive|involved|[a-z]))`, 'gi');
const NONE_SUBMITTED_VALUE = /^\s*none\s+(?:submitted|received|identified|found|present|sampled)\b/i;

/** Two counts on a table row: "9 / 2", "1/3", or two columns "14         1". */
const TABLE_ROW_COUNTS = /(?<![\w./])(\d{1,3})(?:[ \t]*\/[ \t]*|[ \t]{2,})(\d{1,3})(?![\w/]|\.\d)/;
/** A table header naming both count columns, in their order: "Site   Examined   Positive", "(positive/examined)". */
const TABLE_COLUMNS = /\b(examined|positive|involved)\b[^\n\d]*?\b(examined|positive|involved)\b/i;

/**
 * A row of a lymph node table whose header names the count columns ("LYMPH NODE STATIONS (examined / positive):"
 * then "Station 7 (left gastric artery): 4 / 0"; "Site   Examined   Positive" then "Pericolic   14   1"): the counts
 * in the header's order (a table may put the examined count first). The rows sit directly under the header, which
 * (or the line above it) speaks of lymph nodes or stations.
 */
function nodeTableRowOf(unit: ExtractionUnit): Candidate | undefined {
  const s = sliceOf(unit);
  // a row's counts are split by "/" or by column spaces; a row is one line (the digit-led pattern alone is cheaper
  // than three plain string tests before it, and fails for every unit without such a split)
  const counts = TABLE_ROW_COUNTS.exec(s);
  if (!counts || s.includes('\n')) return undefined;
  const above = new LinesAbove(unit.text, Math.max(0, unit.span.start - 600), unit.span.start);
  for (let k = 0; k < Math.min(above.length, 12); k++) {
    const line = above.line(k);
    // the other rows hold counts; the first line without any is the header, or the table has none
    if (/\d/.test(line)) continue;
    const columns = TABLE_COLUMNS.exec(line);
    if (!columns || (columns[1] as string).toLowerCase() === (columns[2] as string).toLowerCase()) return undefined;
    if (!/\b(?:lymph|nodes?|nodal|stations?)\b/i.test(line) && !/\b(?:lymph|nodes?|nodal|stations?)\b/i.test(k + 1 < above.length ? above.line(k + 1) : '')) return undefined;
    const examinedFirst = /^examined$/i.test(columns[1] as string);
    const first = Number(counts[1]);
    const second = Number(counts[2]);
    const value = examinedFirst ? { examined: first, positive: second } : { positive: first, examined: second };
    if (value.examined === 0 || value.positive > value.examined) return undefined;
    const start = counts.index;
    return { kind: 'lymph-nodes', value, span: subSpan(unit, start, start + counts[0].length), key: 'lymph-nodes/ratio', source: 'prose', affirmedByValue: true };
  }
  return undefined;
}

/**
 * text.slice(from, to).split('\n').slice(0, -1).reverse() read lazily: line k is the k-th whole line above `to`
 * (the earliest may be cut at `from`); the callers mostly stop at the first line or two, and no array is built.
 */
class LinesAbove {
  /** How many lines there are (the line breaks in [from, to)). */
  readonly length: number;
  private readonly ends: number[] = [];
  constructor(
    private readonly text: string,
    private readonly from: number,
    to: number,
  ) {
    const last = to > from ? text.lastIndexOf('\n', to - 1) : -1;
    this.ends.push(last >= from ? last : -1);
    let n = 0;
    for (let i = last; i >= from; i = i > 0 ? text.lastIndexOf('\n', i - 1) : -1) n++;
    this.length = n;
  }

  line(k: number): string {
    // ends[j] is the break after line j; the line runs from the break before it (or `from`)
    while (this.ends.length <= k + 1) {
      const end = this.ends[this.ends.length - 1] as number;
      const before = end > this.from ? this.text.lastIndexOf('\n', end - 1) : -1;
      this.ends.push(before >= this.from ? before : this.from - 1);
    }
    return this.text.slice((this.ends[k + 1] as number) + 1, this.ends[k]);
  }
}

const NODE_WORD = /\b(?:lymph[ -]?nodes?|nodes?|LNs?)\b/i;
/** "a of b" (with "positive"/"involved" between or after), or "a positive of b examined". */
const COUNT_OF = new RegExp(String.raw`\b(${COUNT})\s+(?:\(\d+\)\s+)?(?:positive\s+|involved\s+)?(?:of|out of)\s+(${COUNT})\b(?:\s+\(\d+\))?((?:\s+(?!of\b)[A-Za-z/-]+){0,4}?\s+(?:lymph[ -]?)?nodes?\b(?:\s*\(\d{1,3}\s*\/\s*\d{1,3}\))?)?`, 'gi');
/** The "of" every COUNT_OF match has between its counts, space on both sides ("out of" ends in it). */
const OF_BETWEEN = /\sof\s/i;
const POSITIVE_THEN_EXAMINED = /\b(\d{1,3})\s+(?:positive|involved)\s*(?:\/|,|;|of)\s*(\d{1,3})\s+(?:examined|retrieved|total|identified)\b/gi;
/** "0/14", "(2/17)": not part of a date (03/19/2026) or a longer fraction. */
const RATIO = /(?<![\d/.])\(?(\d{1,3})\s*\/\s*(\d{1,3})(?![\d/]|\.\d)\)?/g;
/** "Twelve lymph nodes", "All 16 lymph nodes", "two nodes", "lymph nodes (2)". */
const COUNT_NODES = new RegExp(String.raw`\b(?:(?:all|total of|a total of)\s+)?(${COUNT})\s+((?:(?!(?:cm|mm|with|largest|smallest)\b)[A-Za-z/-]+\s+){0,3}?)(?:(?:lymph[ -]?)?nodes?|LNs?)\b(?:\s+candidates)?|\b(?:lymph[ -]?)?nodes?\s*\((\d{1,3})\)`, 'gi');
const NAMED_COUNT = new RegExp(String.raw`\bnumber (?:of (?:regional |sentinel )?(?:lymph )?nodes? )?(examined|involved|positive|with (?:micro)?metastas[ie]s|with tumou?r)\s*:\s*(\d{1,3})\b|\bnodes?\s*:\s*(\d{1,3})\s+(?:identified|examined|retrieved|recovered)\b|\bnodes?\s*:\s*(${COUNT})\b(?!\s*(?:\/|of\b|cm\b|mm\b|positive|involved|sentinel|lymph|nodes?|(?:[a-z-]+\s+){1,2}(?:lymph\s+)?nodes?\b))`, 'gi');
/** Counts read from a pN or a heading above are ratios ("pN1 (3/23)", "Station 7: 1/4"). */
const HAS_RATIO = /\d\s*\/\s*\d/;
/** A nodal station's or level's count: "Levels 2R/4R 0/4; level 7 0/2", "station 11L 1/2". */
const STATION_RATIO = /\b(?:levels?|stations?)\s+\d{1,2}[LR]?(?:\s*\/\s*\d{1,2}[LR]?)*\s*:?\s*\d{1,3}\s*\/\s*\d{1,3}(?![\d/])/i;
const SIDE_COUNTS = /^\s*\(\s*(?:right|left)\s+\d{1,3}\s*,\s*(?:left|right)\s+\d{1,3}\s*\)/i;
/** "pN1 (3/23)": the nodes behind the category. */
const PN_WITH_COUNT = /\b(?:y?p)N[0-3X][a-c]?(?:\([a-z+-]+\))?\s*\(\d{1,3}\s*\/\s*\d{1,3}\)/;
/**
 * A line under a "Regional Lymph Nodes:" / "Lymph nodes:" line (the label alone, the counts below it: "Station 4R:
 * 0/3", "Right: external iliac 0/4"), or naming a nodal station, speaks of lymph nodes.
 */
function underNodeHeading(unit: ExtractionUnit): boolean {
  if (/\b(?:stations?|obturator|(?:external|internal|common) iliac)\b/i.test(sliceOf(unit))) return true;
  const lines = new LinesAbove(unit.text, Math.max(0, unit.span.start - 300), unit.span.start);
  for (let k = 0; k < Math.min(lines.length, 8); k++) {
    const line = lines.line(k);
    if (/^\s*(?:regional\s+)?(?:lymph\s+)?nodes?(?:\s+\([^)]*\))?\s*:\s*$/i.test(line)) return true;
    // the node lines of a list are indented or "Label: value" lines; anything else ends the list
    if (!/^\s+\S|^[^:\n]{1,40}:\s*\S/.test(line)) return false;
  }
  return false;
}
/** The words after a count of nodes say they are involved: "one lymph node with metastatic carcinoma", "with a subcapsular metastatic deposit". */
const NODES_INVOLVED_AFTER = /^\s*(?:(?:is|are|was|were)\s+)?(?:positive|involved|(?:with|contains?|show|shows|harbou?rs?) (?:an?\s+)?(?:[a-z-]+\s+)?(?:metasta|carcinoma|adenocarcinoma|melanoma|tumou?r|micrometasta|macrometasta))/i;
/** "<tumour> is present in " before a count of nodes. */
const TUMOUR_PRESENT_IN_BEFORE = /\b(?:carcinoma|adenocarcinoma|melanoma|metastas[ie]s|metastatic \w+|tumou?r)\s+(?:is|are|was|were)\s+(?:present|identified|seen|found)\s+in\s+$/i;
/** ", negative for metastatic melanoma" right after a count of nodes. */
const NODES_DENIED_AFTER = /^,?\s*(?:negative for|free of)\s+(?:metastatic\s+)?(?:carcinoma|adenocarcinoma|melanoma|malignancy|tumou?r|metastas[ie]s)\b/i;
/** "8 and " right before a count of nodes ("8 and 7 nodes"). */
const COUNT_AND_BEFORE = new RegExp(String.raw`(?<![\d.])\b(${COUNT})\s+and\s+$`, 'i');
/** Bracketed words ("(largest focus 1.4 mm; no extranodal extension)"). */
const BRACKETED = /\([^()]*\)/g;
/** Sections where "lymph nodes (3)" lists what was received rather than reporting a count. */
const NODES_RECEIVED_SECTIONS = new Set(['specimen', 'header']);
/** NO_NODES's "no " or "none", one of which its every match holds. */
const NO_OR_NONE = /no(?: |ne)/i;
const NO_NODES = /\bno (?:regional )?(?:lymph )?nodes? (?:(?:are|were|was|is) )?(?:submitted|identified|found|present|received|recovered)\b|\b(?:regional )?(?:lymph )?nodes?\s*:\s*none (?:submitted|identified|found|present|received|recovered|sampled)\b/gi;

const NODES_FREE = String.raw`(?:negative|uninvolved|benign|free of (?:metastatic\s+)?(?:tumou?r|carcinoma|adenocarcinoma|melanoma|malignancy|metastas[ie]s))`;
const BOTH_NODES = new RegExp(String.raw`\b(both\s+(?:(?:sentinel|axillary|regional|pelvic|hilar)\s+){0,2}(?:lymph[ -]?)?nodes)\b(?:\s+(?:(?:are|were)\s+)?(${NODES_FREE}))?`, 'gi');
const ALL_NODES_NEGATIVE = new RegExp(String.raw`\ball\s+(?:(?:sentinel|axillary|regional|pelvic|hilar|the)\s+){0,2}(?:lymph[ -]?)?nodes\s+(?:(?:are|were)\s+)?${NODES_FREE}\b(?!\s*\(?\s*\d)`, 'gi');
/** Whether the unit's section heading speaks of nodes ("LYMPH NODES:"), answered once per section. */
function headingSpeaksOfNodes(unit: ExtractionUnit): boolean {
  const section = unit.section;
  if (section.headingSpan === undefined) return false;
  if (section !== lastHeading.section) lastHeading = { section, nodes: /\bnodes?\b|\blymph/i.test(sliceOf(unit, section.headingSpan)) };
  return lastHeading.nodes;
}
let lastHeading: { section: ExtractionUnit['section'] | undefined; nodes: boolean } = { section: undefined, nodes: false };

/** The counts of one unit and the spans they take (methods on the prototype, not two closures per unit). */
class NodeCounts {
  readonly out: Candidate[] = [];
  readonly taken: [number, number][] = [];
  constructor(
    private readonly unit: ExtractionUnit,
    private readonly s: string,
  ) {}

  free(a: number, b: number): boolean {
    return this.taken.every(([x, y]) => b <= x || a >= y);
  }

  push(start: number, end: number, value: FindingValues['lymph-nodes']): void {
    if (value.positive !== undefined && value.examined !== undefined && value.positive > value.examined) return;
    this.taken.push([start, end]);
    const sentinel = /sentinel/i.test(this.s);
    const key = value.positive !== undefined && value.examined !== undefined ? 'ratio' : value.examined !== undefined ? 'examined' : 'positive';
    this.out.push({ kind: 'lymph-nodes', value: { ...value, ...(sentinel ? { sentinel: true } : {}) }, span: subSpan(this.unit, start, end), key: `lymph-nodes/${key}${sentinel ? '/sentinel' : ''}`, source: 'prose', affirmedByValue: true });
  }
}

/**
 * Node counts in a sentence that speaks of lymph nodes: "2 of 17 lymph nodes (2/17)", "4 OF 11 HILAR NODES",
 * "0/6 nodes", "1 of 3 sentinel nodes positive", "0 positive of 19 examined", "Twelve lymph nodes", "No lymph nodes
 * submitted" (0 examined). A count that stands alone is the number examined unless the words after it say the
 * nodes are involved ("one lymph node with metastatic carcinoma").
 */
export function nodeStatementsOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const nodeWord = NODE_WORD.test(s);
  const aboutNodes = nodeWord || (s.includes('/') && HAS_RATIO.test(s) && (PN_WITH_COUNT.test(s) || STATION_RATIO.test(s) || underNodeHeading(unit))) || (unit.label !== undefined && /node|nodal|^station\b/.test(unit.label.norm)) || headingSpeaksOfNodes(unit);
  if (!aboutNodes) return [];
  const counts = new NodeCounts(unit, s);
  const out = counts.out;
  const taken = counts.taken;
  // "Regional Lymph Nodes: Number examined: 23; Number involved: 2", "Nodes: 16 identified"
  // (each of NAMED_COUNT's statements has a ":" after its words)
  if (s.includes(':')) for (const m of allMatches(s, NAMED_COUNT)) {
    const start = m.index ?? 0;
    const n = m[4] !== undefined ? parseCount(m[4]) : Number(m[2] ?? m[3]);
    if (n === undefined) continue;
    counts.push(start, start + m[0].length, m[1] && /involved|positive|with/i.test(m[1]) ? { positive: n } : { examined: n });
    // "Number of lymph nodes examined: 11 (right 5, left 6)": the count of each side
    const sides = m[1] && /examined/i.test(m[1]) ? SIDE_COUNTS.exec(s.slice(start + m[0].length)) : null;
    if (sides) {
      const at = start + m[0].length + sides.index;
      for (const side of allMatches(sides[0] as string, /\b(?:right|left)\s+(\d{1,3})\b/gi)) counts.push(at + (side.index ?? 0), at + (side.index ?? 0) + side[0].length, { examined: Number(side[1]) });
    }
  }
  // (every "a of b" has " of " or " out of " between its counts: the word-led scan only where one occurs)
  if (OF_BETWEEN.test(s)) for (const m of allMatches(s, COUNT_OF)) {
    const start = (m.index ?? 0);
    const positive = parseCount(m[1] as string);
    const examined = parseCount(m[2] as string);
    if (positive === undefined || examined === undefined) continue;
    // isolated tumour cells in a node are not a positive node (pN0(i+)): "isolated tumor cells in one of two nodes"
    if (/isolated tumou?r cells?\s+(?:\(ITCs?\)\s+)?in\s*$/i.test(s.slice(Math.max(0, start - 40), start))) {
      counts.push(start, start + m[0].length, { positive: 0, examined });
      continue;
    }
    // "a of b" must be about nodes: node words after it, or a node sentence without other counted things
    // ("1 of 2 station 10L and 1 of 3 station 11L lymph nodes": a nodal station after the count)
    if (!m[3] && !/^\s*(?:positive|involved|examined|with|showed|show|contain|are|were|harbou?r)|^\s+(?:nodal\s+)?stations?\s+\d/i.test(s.slice(start + m[0].length)) && !/node/i.test(s.slice(Math.max(0, start - 40), start))) continue;
    // a count restated in digits, "one of one lymph node (1/1)" as "3 of 17 nodes (3/17)", is one statement (rule C1)
    counts.push(start, start + m[0].length, { positive, examined });
  }
  // "3 positive / 17 examined", "2 involved, 14 retrieved"
  for (const m of allMatches(s, POSITIVE_THEN_EXAMINED)) {
    const start = m.index ?? 0;
    if (counts.free(start, start + m[0].length)) counts.push(start, start + m[0].length, { positive: Number(m[1]), examined: Number(m[2]) });
  }
  // (a ratio has its "/")
  if (s.includes('/')) for (const m of allMatches(s, RATIO)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (!counts.free(start, end)) continue;
    const positive = Number(m[1]);
    const examined = Number(m[2]);
    if (examined === 0 || positive > examined) continue;
    // "one of three sentinel lymph nodes positive for carcinoma (1/3)": the ratio restates the count before it
    const same = out.find((c) => {
      const v = c.value as FindingValues['lymph-nodes'];
      // (bracketed words between may hold decimals and ";": "one of three nodes (largest focus 1.4 mm; no ENE) (1/3)",
      // "one of three lymph nodes (1.1 mm; 1/3)")
      return v.positive === positive && v.examined === examined && c.span.end - unit.span.start <= start && !/;|\.(?!\d)/.test(s.slice(c.span.end - unit.span.start, start).replace(BRACKETED, '').replace(/\([^()]*$/, ''));
    });
    if (same) {
      same.span = subSpan(unit, same.span.start - unit.span.start, end);
      taken.push([start, end]);
      continue;
    }
    // a ratio right after a count of nodes ("ONE LYMPH NODE, NEGATIVE ... (0/1)") joins it in one statement
    const count = allMatches(s.slice(0, start), COUNT_NODES).at(-1);
    // ("Twenty lymph nodes examined, all negative for malignancy (0/20)", "One lymph node with metastatic carcinoma,
    // 7 mm (1/1)", "Three lymph nodes, one with carcinoma (2.1 mm deposit) (1/3)": words and digits are one statement,
    // rule C1)
    const countStates = count !== undefined && counts.free(count.index ?? 0, start) && parseCount((count[1] ?? count[3]) as string) === examined;
    if (count && countStates && !/;|\.(?!\d)/.test(s.slice((count.index ?? 0) + count[0].length, start))) counts.push(count.index ?? 0, end - (m[0].endsWith(')') && !m[0].startsWith('(') ? 1 : 0), { positive, examined });
    else counts.push(start + (m[0].startsWith('(') ? 1 : 0), end - (m[0].endsWith(')') ? 1 : 0), { positive, examined });
  }
  // (COUNT_NODES and NO_NODES both hold a whole word "node(s)" or "LN(s)", "lymph-node(s)": where NODE_WORD found
  // none, neither can match)
  if (nodeWord) for (const m of allMatches(s, COUNT_NODES)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (!counts.free(start, end)) continue;
    const n = parseCount((m[1] ?? m[3]) as string);
    if (n === undefined || /(?:^|\s)(?:cm|mm)\b/i.test(m[2] ?? '')) continue;
    // "2. Left axillary sentinel lymph nodes (3)": in a specimen list or a header the number in brackets counts what
    // the container holds
    if (m[3] !== undefined && NODES_RECEIVED_SECTIONS.has(unit.section.kind)) continue;
    // not the decimals of a measurement ("1.5 cm"), not after a range's dash ("0.3-1.6 cm"); "C. One lymph node" counts
    if (/[\d.]$/.test(s.slice(Math.max(0, start - 1), start)) || /\d\s*[-x×]\s*$/.test(s.slice(Math.max(0, start - 4), start))) continue;
    const after = s.slice(end, end + 40);
    // "Metastatic adenocarcinoma is present in one peribronchial lymph node": the tumour is in the nodes counted
    const involved = NODES_INVOLVED_AFTER.test(after) || TUMOUR_PRESENT_IN_BEFORE.test(s.slice(Math.max(0, start - 60), start));
    // "All 16 lymph nodes are (therefore) free of tumour": examined, none positive
    const allNegative = /^\s*(?:(?:is|are|was|were)\s+)?(?:(?:therefore|thus|also)\s+)?(?:all\s+)?(?:negative|free of|uninvolved|benign|without)/i.test(after) && /^all\b|^\w+\s+of\s+\w+/i.test(m[0]) === /^all\b/i.test(m[0]) && /^all\b/i.test(m[0]);
    const freeEnd = allNegative ? end + (/^\s*(?:(?:is|are|was|were)\s+)?(?:(?:therefore|thus|also)\s+)?(?:all\s+)?(?:negative|free of \w+|uninvolved|benign)/i.exec(after)?.[0].length ?? 0) : end;
    counts.push(start, freeEnd, involved ? { positive: n } : allNegative ? { examined: n, positive: 0 } : { examined: n });
    // "the packets contain 8 and 7 nodes, respectively": each stated number is a count (rule C3), not an unstated sum
    const pair = !involved && !allNegative ? COUNT_AND_BEFORE.exec(s.slice(Math.max(0, start - 24), start)) : null;
    if (pair) {
      const at = Math.max(0, start - 24) + (pair.index ?? 0);
      const other = parseCount(pair[1] as string);
      if (other !== undefined && counts.free(at, at + (pair[1] as string).length)) counts.push(at, at + (pair[1] as string).length, { examined: other });
    }
    // "C. One lymph node, negative for metastatic melanoma": the count examined, and the denial is none positive
    const denial = !involved && !allNegative ? NODES_DENIED_AFTER.exec(after) : null;
    if (denial) {
      const at = end + denial.index + (denial[0].length - denial[0].trimStart().replace(/^,\s*/, '').length);
      counts.push(at, end + denial.index + denial[0].length, { positive: 0 });
    }
  }
  if (nodeWord && NO_OR_NONE.test(s)) for (const m of allMatches(s, NO_NODES)) counts.push(m.index ?? 0, (m.index ?? 0) + m[0].length, { examined: 0 });
  // "(station 10L: two; station 11L: three)": a count written after each station's name
  if (/station/i.test(s)) {
    for (const m of allMatches(s, STATION_COUNT)) {
      const at = (m.index ?? 0) + m[0].length - (m[1] as string).length;
      const n = parseCount(m[1] as string);
      if (n !== undefined && counts.free(at, at + (m[1] as string).length)) counts.push(at, at + (m[1] as string).length, { examined: n });
    }
  }
  // "Both sentinel nodes are free of tumour": two examined, the denial none positive
  if (/\bboth\b/i.test(s)) {
    for (const m of allMatches(s, BOTH_NODES)) {
      const start = m.index ?? 0;
      const end = start + (m[1] as string).length;
      if (!counts.free(start, end)) continue;
      counts.push(start, end, { examined: 2 });
      const free = m[2] ? start + m[0].length - m[2].length : -1;
      if (free >= 0) counts.push(free, start + m[0].length, { positive: 0 });
    }
  }
  // "All nodes negative", "all lymph nodes are free of tumour": no count, none positive
  if (/\ball\b/i.test(s)) {
    for (const m of allMatches(s, ALL_NODES_NEGATIVE)) {
      const start = m.index ?? 0;
      if (counts.free(start, start + m[0].length)) counts.push(start, start + m[0].length, { positive: 0 });
    }
  }
  return out;
}

// ------------------------------------------------------------------ pTNM

const TNM_TOKEN = /(?<![A-Za-z0-9])((?:y|r|yr|ry)?[pca])?([TNM])(is|[0-4][a-d]?(?:\d)?(?:mi)?|x|X|mi)(\s?\((?:sn|f|m|\d+|i\+|i-|mol\+|mol-|is)\))?(?![A-Za-z0-9])/g;
/** Upper-case reports write "PT3 PN1B (SN)": the same tokens with every letter upper case (prefix required). */
const TNM_TOKEN_UPPER = /(?<![A-Za-z0-9])((?:Y|R|YR|RY)?[PC])([TNM])(IS|[0-4][A-D]?(?:\d)?(?:MI)?|X|MI)(\((?:SN|F|M|\d+|I\+|I-|MOL\+|MOL-|IS)\))?(?![A-Za-z0-9])/g;

/** The prefix and category every TNM_TOKEN_UPPER match holds ("PT3", "YPN1", "CM0"). */
const UPPER_PREFIXED = /[PC][TNM]/;
/** A label that names a TNM item: "Primary tumor (pT)", "Regional lymph nodes (pN)", "Distant metastasis". */
const TNM_LABEL = /\(p?[tnm]\)|primary tumou?r|regional lymph nodes|distant metastas/i;

/** "T1MI" → "T1mi", "TIS" → "Tis", "N0(I+)" → "N0(i+)": AJCC's letter case. */
function tnmCase(category: string, code: string, suffix: string): string {
  return `${category}${code.toLowerCase().replace(/^x$/, 'X')}${suffix.toLowerCase().replace(/\s+/g, '')}`;
}

export function tnmOf(unit: ExtractionUnit, reportEdition: number | undefined): Candidate[] {
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  // both token patterns need a capital T, N or M with a code after it ("metastasis" has only a lower-case "tis")
  if (!/[TNM](?:[0-4xX]|is|IS|mi|MI)/.test(s)) return out;
  // (an upper-case token has its "PT", "PN", "CM", ...: the second scan only where one occurs)
  const upper = UPPER_PREFIXED.test(s) ? allMatches(s, TNM_TOKEN_UPPER).filter((m) => m[0] === m[0].toUpperCase()) : [];
  const tokens = [...allMatches(s, TNM_TOKEN), ...upper].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  if (tokens.length === 0) return out;
  const edition = editionOf(s) ?? reportEdition;
  let lastPrefix: string | undefined;
  let lastEnd = -10;
  // whether the label names a TNM item: the same for every token of the unit, tested once (at the first that asks)
  let tnmLabel: boolean | undefined;
  for (const m of tokens) {
    const start = m.index ?? 0;
    const category = m[2] as 'T' | 'N' | 'M';
    let prefix = m[1]?.toLowerCase();
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
    const synoptic = unit.label !== undefined && (tnmLabel ??= TNM_LABEL.test(unit.label.norm)) && start >= (unit.value?.start ?? 0) - unit.span.start;
    const stated = m[0];
    // "at least pT1a" (a transected base), "pT4b?": a category the specimen cannot settle (the guideline's hedge)
    const hedged = /\bat least\s+$/i.test(s.slice(Math.max(0, start - 9), start)) || s[start + m[0].length] === '?';
    out.push({
      kind: 'tnm',
      value: { category, prefix, code: tnmCase(category, code, m[4] ?? ''), stated, ...(edition ? { edition } : {}) },
      span: synoptic ? lineSpan(unit) : subSpan(unit, start, start + m[0].length),
      target: subSpan(unit, start, start + m[0].length),
      key: `tnm/${category}`,
      source: synoptic ? 'synoptic' : 'prose',
      ...(hedged ? { uncertainByValue: true } : {}),
    });
  }
  return out;
}

const EDITION_MENTION = /\b(?:AJCC|UICC|TNM)\b(?:[ \t]+staging)?(?:[ \t]+edition[ \t]*:)?[ \t]*\(?[ \t]*(\d{1,2})(?:st|nd|rd|th)?\b(?:[ \t]*(?:edition\b|ed\b\.?))?\)?|\b(\d{1,2})(?:st|nd|rd|th)[ \t]+(?:edition|ed\.)[ \t]+(?:of[ \t]+(?:the[ \t]+)?)?(?:AJCC|UICC|TNM)\b/gi;

/** Every staging-edition statement of a unit: "AJCC 8th edition", "AJCC 8", "(AJCC 8th ed.)", "TNM 8", "8th edition AJCC". */
export function stagingEditionsOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  for (const m of allMatches(s, EDITION_MENTION)) {
    const edition = Number(m[1] ?? m[2]);
    if (!(edition >= 5 && edition <= 9)) continue;
    const start = m.index ?? 0;
    let end = start + m[0].length;
    if (m[0].endsWith(')') && !m[0].includes('(')) end--;
    out.push({ kind: 'ajcc-edition', value: { edition }, span: subSpan(unit, start + (m[0].startsWith('(') ? 1 : 0), end), key: 'ajcc-edition', source: 'prose', affirmedByValue: true });
  }
  return out;
}

/** The report-level AJCC edition: an "AJCC Edition: 8th" line or any "AJCC 8th edition" mention. */
export function reportEditionOf(text: string): number | undefined {
  // (the line pattern needs "AJCC": a literal test over the whole report first)
  const m = AJCC_WORD.test(text) ? /^[ \t]*AJCC(?: staging)? edition[ \t]*:[ \t]*(\d{1,2})/im.exec(text) : null;
  if (m) return Number(m[1]);
  return editionOf(text);
}

const AJCC_WORD = /ajcc/i;
/** "8th ed", "7th edition": an ordinal before "ed". */
const ORDINAL_EDITION = /\d(?:st|nd|rd|th)\s*ed/i;
/**
 * parseEdition(s) where it can find anything: each of its matches holds "AJCC" or an ordinal before "ed"
 * ("8th edition"); the two literal-led tests are cheaper than its pattern, which is tried at every word.
 */
function editionOf(s: string): number | undefined {
  return AJCC_WORD.test(s) || ORDINAL_EDITION.test(s) ? parseEdition(s) : undefined;
}
