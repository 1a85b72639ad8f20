// Specimen, procedure, primary site and laterality: from synoptic lines ("Procedure: Sigmoidectomy") and from the
// part lines of the diagnosis / specimen sections ("A. LEFT BREAST, 2:00, ULTRASOUND-GUIDED CORE NEEDLE BIOPSY:").
import type { Span } from '../span';
import type { Candidate, FindingValues } from './finding';
import { lineSpan, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';

export const PROCEDURE = /\b(?:(?:(?:ultrasound|us|ct|mri|stereotactic|image|ebus)[- ]guided|stereotactic|pipelle|transanal|endoscopic|extended|vacuum[- ]assisted|needle[- ]localized|wire[- ]localized|laparoscopic|robotic(?:-assisted)?|snare|(?:skin|nipple)[- ]sparing|segmental|total|simple|radical)\s+)*(?:(?:core needle|needle core|core|vacuum[- ]assisted|needle) (?:biops(?:y|ies)|bx)(?: \((?:skin|nipple)[- ]sparing\))?|fine needle aspiration|excisional biopsy|incisional biopsy|punch biopsy|shave biopsy|endoscopic biopsy|endobronchial biopsy|transbronchial biopsy|ebus-tbna|biops(?:y|ies)|lumpectomy|partial mastectomy|(?:total |simple |modified radical |skin-sparing |nipple-sparing )?mastectomy(?: \((?:skin|nipple)[- ]sparing\))?|re-excision|wide local excision|excision|(?:laparoscopic |robotic |open )?(?:(?:right|left|extended right|transverse|total|subtotal|sigmoid) )?(?:hemi)?colectomy|sigmoidectomy|low anterior resection|abdominoperineal resection|polypectomy|(?:lobectomy|segmentectomy|wedge resection|pneumonectomy)|bronchoscopic biopsy|thoracentesis|endometrial biopsy|(?:radical )?prostatectomy|ileocecectomy|high anterior resection|total mesorectal excision|transurethral resection|(?:partial |radical )?nephrectomy|(?:total |subtotal |distal |partial )?gastrectomy|esophagectomy|whipple procedure|pancreaticoduodenectomy|hysterectomy|salpingo-oophorectomy|thyroidectomy|sentinel lymph node biopsy|(?:axillary )?lymph node dissection|resection)\b/i;

export const SITE = /\b(?:(?:upper|lower) (?:outer|inner) quadrant|(?:right|left) (?:upper|middle|lower) lobe|(?:upper|middle|lower) lobe|central portion|subareolar|retroareolar|nipple|breast|lung|bronch(?:us|ial)|cecum|appendix|ascending colon|hepatic flexure|transverse colon|splenic flexure|descending colon|sigmoid colon|rectosigmoid(?: junction)?|rectum|colon|esophag(?:us|eal)|gastroesophageal junction|stomach|gastric (?:antrum|body|cardia)|duodenum|pancreas(?: (?:head|body|tail))?|liver|gallbladder|prostate|kidney|bladder|ovary|fallopian tube|endometrium|uterus|cervix|thyroid|skin|axilla|lymph node)\b/i;

const LATERALITY = /\b(left|right|bilateral)\b/i;

function laterality(word: string): FindingValues['laterality']['laterality'] {
  return word.toLowerCase() as FindingValues['laterality']['laterality'];
}

export function specimenOf(unit: ExtractionUnit): Candidate[] {
  const out: Candidate[] = [];
  const partSection = unit.section.kind === 'diagnosis' || unit.section.kind === 'specimen' || unit.section.kind === 'header';
  if (unit.label && unit.value) {
    const label = unit.label.norm;
    const value = sliceOf(unit, unit.value).trim().replace(/\.$/, '');
    const span = lineSpan(unit);
    const common = { span, target: unit.label.span, source: 'synoptic' as const, affirmedByValue: true };
    if (/^(?:specimens?(?: type| submitted| received)?(?: \w)?|part \d+|specimen \d+)$/.test(label)) {
      // "Specimen: Breast, left, nipple-sparing mastectomy" names the part and its procedure
      const parts = partsOf(unit, unit.value, 'synoptic');
      if (parts.some((c) => c.kind === 'procedure')) return parts;
      if (/^specimens?(?: type)?$/.test(label)) {
        out.push({ kind: 'specimen', value: { description: value }, key: 'specimen', ...common });
        // "Specimen: Left breast with axillary lymph nodes": the side of a paired organ named without a procedure
        const side = PAIRED_SITE.test(value) ? LATERALITY.exec(value) : null;
        if (side) {
          const at = unit.value.start - unit.span.start + (side.index ?? 0);
          out.push({ kind: 'laterality', value: { laterality: laterality(side[1] as string) }, span: subSpan(unit, at, at + side[0].length), key: 'laterality', source: 'synoptic' });
        }
      }
    } else if (/^(?:surgical )?procedure$/.test(label)) out.push({ kind: 'procedure', value: { procedure: value }, key: 'procedure', ...common });
    else if (/^(?:tumou?r site|primary (?:tumou?r )?site|tumou?r location|site)$/.test(label)) {
      // "Site: Lymph node, station 11L" names where a sample came from, not the primary tumour's site
      if (label === 'site' && /^(?:lymph nodes?|nodes?|station)\b/i.test(value)) return out;
      const site = value.replace(/\s+/g, ' ').toLowerCase();
      const organ = organOfSite(site);
      out.push({ kind: 'primary-site', value: { site, ...(organ ? { organ } : {}) }, key: 'primary-site', ...common });
    } else if (/^(?:tumou?r |specimen )?laterality(?: of (?:disease|tumou?r))?$/.test(label)) {
      const l = LATERALITY.exec(value);
      if (l) out.push({ kind: 'laterality', value: { laterality: laterality(l[1] as string) }, key: 'laterality', ...common });
    }
    if (out.length || !partSection) return out;
    // " A: Breast, left, wide local excision" in a specimen list — the label is only the part's letter or number
    if (unit.section.kind === 'specimen' && /^(?:[a-z]\d?|\d{1,2})$/.test(label)) return partsOf(unit, unit.value, 'prose');
    // "(1) Right breast, 8 o'clock, core biopsy: Invasive ductal carcinoma ..." — the label is the part
    const labelText = sliceOf(unit, unit.label.span);
    if (/,|^\(?\d+[.)]|^[A-Z]\d?[.)]\s/.test(labelText)) return partsOf(unit, unit.label.span, 'prose');
    return out;
  }
  // Part lines: a line ending with ":" in the diagnosis, any line of the specimen section
  const s = sliceOf(unit);
  const isPartLine = unit.section.kind === 'specimen' || (partSection && /:\s*$/.test(s) && s.length < 160);
  if (isPartLine) return partsOf(unit, lineSpan(unit), 'prose');
  return procedureMentionsOf(unit);
}

/** Sites a side belongs to (paired organs, lobes, limbs and skin): "RIGHT COLON" states no laterality. */
const PAIRED_SITE = /\b(?:breasts?|lungs?|lobes?|kidney|ovary|skin|thigh|arm|forearm|leg|shoulder|back|cheek|ear|scalp|flank|foot|hand|chest)\b/i;

const PART_ID = /^(?:part\s+\d+\s*[:.)-]?\s*|\(?\d+\)\s*|\d+[.)]\s+|[A-Z]\d?[.)]\s+|[-•*]\s*)/i;

/**
 * The parts a part line lists ("A. LEFT BREAST, NEEDLE-LOCALIZED LUMPECTOMY", "(1) Right breast, 8 o'clock, core
 * biopsy; (2) ..."): each part's specimen (the site words before the procedure) and procedure. Lymph-node-only parts
 * ("SENTINEL LYMPH NODE #1, LEFT AXILLA, EXCISION") give nothing: they are not the tumour's specimen.
 */
function partsOf(unit: ExtractionUnit, within: Span, source: 'synoptic' | 'prose'): Candidate[] {
  const out: Candidate[] = [];
  const text = unit.text.slice(within.start, within.end);
  let offset = 0;
  for (const piece of text.split(/;/)) {
    const pieceStart = within.start + offset;
    offset += piece.length + 1;
    const lead = PART_ID.exec(piece.trimStart())?.[0].length ?? 0;
    const leadAt = piece.length - piece.trimStart().length + lead;
    const body = piece.slice(leadAt).replace(/[:.\s]+$/, '');
    const proc = PROCEDURE.exec(body);
    const head = body.slice(0, proc ? proc.index : body.length);
    const site = SITE.exec(head) ?? ORGAN_IN_TEXT.exec(head);
    if (!site && !proc) continue;
    if (/\blymph nodes?\b|\bnodes?\b|\bLN\b|\baxilla\b/i.test(head) && !/\b(?:breast|lung|lobe|colon|rectum|stomach|prostate|uterus|skin|endometrium)\b/i.test(head)) continue;
    // a separately sent margin ("Breast, left, additional superior margin") is not the tumour's specimen either
    if (/\bmargins?\b/i.test(head)) continue;
    const base = pieceStart - unit.span.start + leadAt;
    const specimenEnd = head.replace(/[\s,;]+$/, '').length;
    if (site && specimenEnd > 0) out.push({ kind: 'specimen', value: { description: head.slice(0, specimenEnd) }, span: subSpan(unit, base, base + specimenEnd), key: 'specimen', source });
    // the part's side ("LEFT BREAST", "Breast, left"), also where the part line is a synoptic "Specimen:" value
    const side = site && PAIRED_SITE.test(head) ? LATERALITY.exec(head.slice(0, specimenEnd)) : null;
    if (side) out.push({ kind: 'laterality', value: { laterality: laterality(side[1] as string) }, span: subSpan(unit, base + (side.index ?? 0), base + (side.index ?? 0) + side[0].length), key: 'laterality', source });
    if (proc) {
      const start = base + (proc.index ?? 0);
      out.push({ kind: 'procedure', value: { procedure: proc[0].toLowerCase() }, span: subSpan(unit, start, start + proc[0].length), key: 'procedure', source });
    }
  }
  return out;
}

const PROCEDURE_ALL = new RegExp(PROCEDURE.source, 'gi');

/** Resections and excisions named in prose ("underwent right hemicolectomy"); biopsies and node procedures are not. */
function procedureMentionsOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  if (!/ectom|resection|excision/i.test(s)) return out;
  for (const m of s.matchAll(PROCEDURE_ALL)) {
    const words = m[0].toLowerCase();
    if (!/ectomy|ectomies|anterior resection|abdominoperineal|wedge resection|wide local excision|mesorectal excision|transurethral resection/.test(words)) continue;
    if (/lymph node|dissection/.test(words)) continue;
    const start = m.index ?? 0;
    // a container's label quoted in the gross ('labeled "right breast lumpectomy"') names no procedure of its own
    if (unit.section.kind === 'gross' && insideOpenQuote(s, start)) continue;
    out.push({ kind: 'procedure', value: { procedure: words }, span: subSpan(unit, start, start + m[0].length), key: 'procedure', source: 'prose' });
  }
  return out;
}

// ------------------------------------------------------------------ organs and laterality in prose

/** Organ words (and their adjectives / subsites) → the organ, as the evaluation vocabulary names organs. */
const ORGAN_WORDS: readonly [RegExp, string][] = [
  [/^(?:breasts?|(?:upper|lower) (?:outer|inner) quadrant|(?:upper|lower|inner|outer) (?:central|quadrant)|subareolar|retroareolar|periareolar|nipple|areola|\d{1,2}(?::\d\d)? ?o'?clock)$/i, 'breast'],
  [/^(?:colon|colonic|colorectal|cecum|cecal|caecum|caecal|sigmoid(?: colon)?|(?:ascending|transverse|descending|sigmoid|right|left) colon|hepatic flexure|splenic flexure|ileocecal valve)$/i, 'colon'],
  [/^(?:rectum|rectal|mid-rectal|rectosigmoid(?: junction)?|upper rectum|anorectal)$/i, 'rectum'],
  [/^(?:lungs?|pulmonary|(?:(?:right|left) )?(?:upper|middle|lower) lobe|lingula|bronchus|bronchial|hilar mass)$/i, 'lung'],
  [/^(?:skin|cutaneous)$/i, 'skin'],
  [/^(?:prostate|prostatic)$/i, 'prostate'],
  [/^(?:stomach|gastric|antrum|antral|gastric (?:antrum|body|cardia)|cardia|fundus)$/i, 'stomach'],
  [/^(?:endometrium|endometrial|uterus|uterine|uterine corpus)$/i, 'endometrium'],
  [/^(?:ovary|ovaries|ovarian)$/i, 'ovary'],
  [/^(?:pancreas|pancreatic)$/i, 'pancreas'],
  [/^(?:kidney|renal)$/i, 'kidney'],
  [/^(?:esophagus|esophageal|oesophagus|oesophageal)$/i, 'esophagus'],
  [/^(?:bladder|urothelial)$/i, 'bladder'],
  [/^(?:thyroid)$/i, 'thyroid'],
];

/** The organ a site phrase is in ("Upper outer quadrant, 2 o'clock" → breast; "Sigmoid colon" → colon). */
export function organOfSite(site: string): string | undefined {
  const words = site.toLowerCase().replace(/[^a-z0-9:' -]+/g, ' ').replace(/\s+/g, ' ').trim();
  for (const m of words.matchAll(ORGAN_MENTION)) {
    const organ = organOfWords(m[0]);
    if (organ) return organ;
  }
  for (const m of words.matchAll(SITE_PHRASE)) {
    const organ = organOfWords(m[0]);
    if (organ) return organ;
  }
  return undefined;
}

const ORGAN_OF_WORDS = new Map<string, string | undefined>();
function organOfWords(words: string): string | undefined {
  if (ORGAN_OF_WORDS.has(words)) return ORGAN_OF_WORDS.get(words);
  const w = words.toLowerCase().replace(/\s+/g, ' ');
  const organ = ORGAN_WORDS.find(([re]) => re.test(w))?.[1];
  if (ORGAN_OF_WORDS.size < 10_000) ORGAN_OF_WORDS.set(words, organ);
  return organ;
}

const ORGAN_HINT = /breast|colo|cec|caec|sigmoid|rect|lung|pulmon|lobe|skin|cutan|prostat|stomach|gastri|antr|endometri|uter|ovar|pancrea|kidney|renal|esophag|bladder|thyroid/i;
const ORGAN_IN_TEXT = /\b(?:breast|colon|rectum|rectal|lung|lobe|skin|prostate|stomach|gastric|endometrium|endometrial|uterus|ovary|cecum|sigmoid|liver|bone|pleural fluid|lymph node)\b/i;
const ORGAN_MENTION = /\b(?:(?:(?:right|left) )?(?:upper|middle|lower) lobe|(?:ascending|transverse|descending|sigmoid) colon|(?:hepatic|splenic) flexure|gastric (?:antrum|body|cardia)|rectosigmoid(?: junction)?|mid-rectal|uterine corpus|breasts?|colon|colonic|colorectal|cecum|cecal|caecum|sigmoid|rectum|rectal|lungs?|pulmonary|skin|cutaneous|prostate|prostatic|stomach|gastric|antrum|endometrium|endometrial|uterus|uterine|ovary|ovaries|ovarian|pancreas|pancreatic|kidney|renal|esophagus|esophageal|bladder|thyroid)\b/gi;
/** In a site phrase, a quadrant or clock position places the site in the breast. */
const SITE_PHRASE = /\b(?:(?:upper|lower) (?:outer|inner) quadrant|\d{1,2}(?::\d\d)? ?o'?clock|subareolar|retroareolar|nipple)\b/gi;
/** Words saying a tumour is there (or is denied, or was): the organ named with one is the tumour's organ. */
const TUMOR_WORD = /\b(?:cancers?|carcinomas?|adenocarcinomas?|malignan(?:cy|cies|t)|tumou?rs?|mass(?:es)?|neoplasms?|lesions?|nodules?|melanomas?|primary|sarcomas?|lymphomas?|metastas[ie]s|metastatic)\b/gi;

/**
 * Primary-site statements in prose: an organ (or a subsite or adjective: "sigmoid", "rectal", "right upper lobe")
 * named within a few words of a tumour word in the same sentence — "left breast mass", "mass in the ascending
 * colon", "father with colon cancer", "invasive ductal carcinoma of the breast". Synoptic "Tumor Site:" lines are
 * read by specimenOf. The span is the organ words.
 */
export function organMentionsOf(unit: ExtractionUnit): Candidate[] {
  if (unit.label && /^(?:tumou?r site|primary (?:tumou?r )?site|tumou?r location|site|specimens?(?: type)?|procedure|(?:tumou?r |specimen )?laterality)$/.test(unit.label.norm)) return [];
  const s = sliceOf(unit);
  if (!ORGAN_HINT.test(s)) return [];
  const tumors = [...s.matchAll(TUMOR_WORD)].map((m) => m.index ?? 0);
  if (tumors.length === 0) return [];
  const out: Candidate[] = [];
  for (const m of s.matchAll(ORGAN_MENTION)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const organ = organOfWords(m[0]);
    if (!organ) continue;
    // near a tumour word: at most 6 words between, no sentence break
    const near = tumors.some((t) => {
      // 7 words are never this far apart (a cheap test before slicing)
      if (t < start - 200 || t > end + 200) return false;
      const between = t < start ? s.slice(t, start) : s.slice(end, t);
      return !/[.;:]\s/.test(between) && between.split(/\s+/).filter(Boolean).length <= 7;
    });
    if (!near) continue;
    // "breast biomarker", "colon polyps" (benign) — a following "polyps"/"biomarker" word is not a tumour
    out.push({ kind: 'primary-site', value: { site: m[0].toLowerCase(), organ }, span: subSpan(unit, start, end), key: 'primary-site', source: 'prose' });
  }
  return out;
}

/** Whether an opening double quote before position `at` in s is still open there. */
function insideOpenQuote(s: string, at: number): boolean {
  let open = false;
  for (let i = 0; i < at; i++) if (s.charCodeAt(i) === 34) open = !open;
  return open;
}

/** What "left"/"right" may qualify in a laterality statement: paired organs, lobes, limbs and skin sites, sides. */
const LATERAL_SITE = /^(?:(?:[a-z-]+ ){0,2}?)(?:breasts?|lung|(?:upper|middle|lower) lobe|lobe|kidney|ovary|fallopian tube|adrenal|thigh|arm|upper arm|forearm|leg|lower leg|calf|shin|knee|ankle|foot|hand|shoulder|back|upper back|flank|chest(?: wall)?|cheek|temple|forehead|ear|scalp|neck|hip|buttock|trunk|abdomen|heel|sole|toe|finger|thumb|apex|base|mid(?:-gland)?|lateral|hemithorax|pleural|hil(?:um|ar) (?:mass|tumou?r|lesion)|parotid|thyroid lobe|\d{1,2}(?::\d\d)? ?o'?clock|primar(?:y|ies))\b/i;
/** Pelvic sentinel node sites: their side is a laterality statement (a non-sentinel node packet's is not). */
const PELVIC_NODE_SITE = /^(?:(?:[a-z-]+ ){0,2}?)(?:pelvic|obturator|(?:external |internal |common )?iliac)\b/i;
/** "right and left obturator": both sides in one statement. */
const BOTH_SIDES = /\b(right|left)\s+(?:and|&)\s+(left|right)\b/gi;
const LATERALITY_WORD = /\b(left|right|bilateral)\b/gi;

/**
 * Laterality in prose: "left"/"right"/"bilateral" before what it qualifies ("left breast", "RIGHT UPPER LOBE",
 * "skin of left thigh", "right 10 o'clock", "right obturator" in a sentinel-node sentence), or after a paired site
 * ("Breast, right", "breast cancer (left, 2017)"). Not: axillary nodes ("left axillary sentinel lymph node"), the
 * colon ("right hemicolectomy"), a bronchus, a procedure named without its organ ("left pneumonectomy").
 */
export function lateralityMentionsOf(unit: ExtractionUnit): Candidate[] {
  if (unit.label && /laterality(?: of (?:disease|tumou?r))?$/.test(unit.label.norm)) return [];
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  if (!/left|right|bilateral/i.test(s)) return out;
  const sentinel = /sentinel/i.test(s);
  let bothEnd = -1;
  for (const m of s.matchAll(LATERALITY_WORD)) {
    const start = m.index ?? 0;
    if (start < bothEnd) continue;
    let end = start + m[0].length;
    let side = laterality(m[1] as string);
    BOTH_SIDES.lastIndex = start;
    const both = BOTH_SIDES.exec(s);
    if (both && both.index === start && (both[1] as string).toLowerCase() !== (both[2] as string).toLowerCase()) {
      end = bothEnd = start + both[0].length;
      side = 'bilateral';
    }
    // a container's label quoted in the gross description ('labeled "right breast 9:00"') is not a statement
    if (unit.section.kind === 'gross' && insideOpenQuote(s, start)) continue;
    // a separately sent margin ("Breast, left, additional superior margin") is not the tumour's specimen
    if (/^[^:\n.]{0,40}\bmargins?\b/i.test(s.slice(end)) && !/\b(?:carcinoma|tumou?r|mass|cancer)\b/i.test(s.slice(end, end + 40))) continue;
    const after = s.slice(end).replace(/^[\s,]+/, ' ').trimStart();
    const before = s.slice(Math.max(0, start - 30), start);
    // "left axillary sentinel node" is not a laterality of the tumour; "LEFT BREAST AND AXILLARY CONTENTS" is
    const qualifies =
      (LATERAL_SITE.test(after) || (sentinel && PELVIC_NODE_SITE.test(after))) &&
      !/^(?:(?!breasts?\b|lung\b|lobe\b)[a-z-]+ ){0,2}?(?:axilla|axillary|colon|hemicolectomy|side|sided|margin|ventricle|heart|bundle)\b/i.test(after) &&
      // the side of a bronchus ("the left upper lobe bronchus") is not the tumour's side
      !/^(?:[a-z-]+ ){0,3}bronch/i.test(after);
    // "Breast, right", "breast cancer (left, 2017)"
    const afterSite = /\b(?:breast|lung|lobe|kidney|ovary|thigh|arm|forearm|leg|shoulder|back|cheek|ear|scalp|flank|foot|hand)(?:\s+(?:cancer|carcinoma|mass|tumou?r))?\s*[,(]\s*$/i.test(before);
    if (!qualifies && !afterSite) continue;
    out.push({ kind: 'laterality', value: { laterality: side }, span: subSpan(unit, start, end), key: 'laterality', source: 'prose' });
  }
  return out;
}
