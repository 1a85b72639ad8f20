// Specimen, procedure, primary site and laterality: from synoptic lines ("Procedure: Sigmoidectomy") and from the
// part lines of the diagnosis / specimen sections ("A. LEFT BREAST, 2:00, ULTRASOUND-GUIDED CORE NEEDLE BIOPSY:").
import { isSpace } from '../context/tokens';
import type { Span } from '../span';
import type { Candidate, FindingValues } from './finding';
import { allMatches, lineSpan, namesNoTumour, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';

export const PROCEDURE = /\b(?:(?:(?:ultrasound|us|ct|mri|stereotactic|image|ebus)[- ]guided|stereotactic|pipelle|transanal|endoscopic|extended|vacuum[- ]assisted|needle[- ]localized|wire[- ]localized|laparoscopic|robotic(?:-assisted)?|snare|(?:skin|nipple)[- ]sparing|segmental|total|simple|radical)\s+)*(?:(?:core needle|needle core|core|vacuum[- ]assisted|needle) (?:biops(?:y|ies)|bx)(?: \((?:skin|nipple)[- ]sparing\))?|fine needle aspiration|excisional biopsy|incisional biopsy|punch biopsy|shave biopsy|endoscopic biopsy|endobronchial biopsy|transbronchial biopsy|ebus-tbna|transbronchial needle aspiration(?: \((?:radial )?ebus(?:-tbna)?\))?|tbna|fna|biops(?:y|ies)|lumpectomy|partial mastectomy|(?:bilateral )?(?:total |simple |modified radical |skin-sparing |nipple-sparing )?mastectom(?:y|ies)(?: \((?:skin|nipple)[- ]sparing\))?|re-excision|wide (?:local )?excision|wle|excision|(?:laparoscopic |robotic |open )?(?:(?:right|left|extended right|transverse|total|subtotal|sigmoid) )?(?:hemi)?colectomy|sigmoidectomy|low anterior resection|abdominoperineal resection|polypectomy|(?:lobectomy|segmentectomy|wedge resection|pneumonectomy)|bronchoscopic biopsy|thoracentesis|endometrial biopsy|(?:radical )?prostatectomy|ileocecectomy|high anterior resection|total mesorectal excision|transurethral resection|turbt|turp|(?:partial |radical )?nephrectomy|(?:total |subtotal |distal |partial )?gastrectomy|esophagectomy|whipple procedure|pancreaticoduodenectomy|hysterectomy|salpingo-oophorectomy|thyroidectomy|sentinel lymph node biopsy|(?:axillary )?lymph node dissection|resection)(?:\b|(?<=\)))/i;

/**
 * A word every PROCEDURE match holds (its procedure, after any modifiers): "biopsy", "bx", "aspiration", "ebus-tbna",
 * "tbna", "fna", "wle", "...ectomy", "excision", "resection", "thoracentesis", "turbt", "turp", "whipple", "dissection"
 * — a quick test first (a word added to PROCEDURE must be added here).
 */
const PROCEDURE_HINT = /biops|bx|aspiration|tbna|fna|wle|ectom|excision|resection|thoracentesis|tur[bp]|whipple|dissection/i;

export const SITE = /\b(?:(?:upper|lower) (?:outer|inner) quadrant|(?:right|left) (?:upper|middle|lower) lobe|(?:upper|middle|lower) lobe|central portion|subareolar|retroareolar|nipple|breast|lung|bronch(?:us|ial)|cecum|appendix|ascending colon|hepatic flexure|transverse colon|splenic flexure|descending colon|sigmoid colon|rectosigmoid(?: junction)?|rectum|colon|esophag(?:us|eal)|gastroesophageal junction|stomach|gastric (?:antrum|body|cardia)|duodenum|pancreas(?: (?:head|body|tail))?|liver|gallbladder|prostate|kidney|bladder|ovary|fallopian tube|endometrium|uterus|cervix|thyroid|skin|axilla|lymph node|(?:plantar |palmar )?(?:heel|sole|palm)|scalp|cheek|forehead|temple|ear|nose|chin|neck|shoulder|(?:upper |lower )?(?:arm|back|leg)|forearm|thigh|calf|shin|knee|ankle|foot|toe|finger|thumb|hand|wrist|elbow|buttock|flank|trunk|chest wall)\b/i;

const LATERALITY = /\b(left|right|bilateral)\b/i;

function laterality(word: string): FindingValues['laterality']['laterality'] {
  return word.toLowerCase() as FindingValues['laterality']['laterality'];
}

export function specimenOf(unit: ExtractionUnit): Candidate[] {
  const out: Candidate[] = [];
  const partSection = unit.section.kind === 'diagnosis' || unit.section.kind === 'specimen' || unit.section.kind === 'header';
  if (unit.label && unit.value) {
    const label = unit.label.norm;
    if (/^(?:specimens?(?: type| submitted| received| tested)?(?: \w)?|part \d+|specimen \d+)$/.test(label)) {
      // "Specimen: Breast, left, nipple-sparing mastectomy" names the part and its procedure
      const parts = partsOf(unit, unit.value, 'synoptic');
      if (parts.some((c) => c.kind === 'procedure')) return parts;
      if (/^specimens?(?: type)?$/.test(label)) {
        const value = synopticValue(unit, unit.value);
        out.push({ kind: 'specimen', value: { description: value }, key: 'specimen', ...synopticCommon(unit, unit.label.span) });
        // "Specimen: Left breast with axillary lymph nodes": the side of a paired organ named without a procedure
        const side = PAIRED_SITE.test(value) ? LATERALITY.exec(value) : null;
        if (side) {
          const at = unit.value.start - unit.span.start + (side.index ?? 0);
          out.push({ kind: 'laterality', value: { laterality: laterality(side[1] as string) }, span: subSpan(unit, at, at + side[0].length), key: 'laterality', source: 'synoptic' });
        }
      }
    } else if (/^(?:surgical )?procedure$/.test(label)) out.push({ kind: 'procedure', value: { procedure: synopticValue(unit, unit.value) }, key: 'procedure', ...synopticCommon(unit, unit.label.span) });
    else if (/^(?:tumou?r site|primary (?:tumou?r )?site|tumou?r location|site|site of (?:the )?(?:primary )?tumou?r)$/.test(label)) {
      const value = synopticValue(unit, unit.value);
      const common = synopticCommon(unit, unit.label.span);
      // "Site: Lymph node, station 11L" names where a sample came from, not the primary tumour's site
      if (label === 'site' && /^(?:lymph nodes?|nodes?|station)\b/i.test(value)) return out;
      const site = value.replace(/\s+/g, ' ').toLowerCase();
      const organ = organOfSite(site);
      out.push({ kind: 'primary-site', value: { site, ...(organ ? { organ } : {}) }, key: 'primary-site', ...common });
    } else if (/^(?:tumou?r |specimen )?laterality(?: of (?:disease|tumou?r))?$|^side$/.test(label)) {
      const l = LATERALITY.exec(synopticValue(unit, unit.value));
      if (l) out.push({ kind: 'laterality', value: { laterality: laterality(l[1] as string) }, key: 'laterality', ...synopticCommon(unit, unit.label.span) });
    }
    if (out.length) return out;
    // "DX: PROSTATE, TRANSURETHRAL RESECTION: Prostatic adenocarcinoma ...": the part line inside a diagnosis label
    const nested = /^(?:final )?(?:diagnosis|dx)$/.test(label) ? /^([^:\n]{3,80}?):\s/.exec(sliceOf(unit, unit.value)) : null;
    if (nested) return partsOf(unit, { start: unit.value.start, end: unit.value.start + (nested[1] as string).length }, 'prose');
    if (/^(?:gross(?: description)?|macroscopic(?: description)?|macroscopy)$/.test(label)) return grossSpecimenOf(unit, unit.value);
    // "Clinical history: ... treated with lumpectomy (2012)": a resection named in a labelled sentence
    if (!partSection) return procedureMentionsOf(unit);
    // " A: Breast, left, wide local excision" in a specimen list — the label is only the part's letter or number
    if (unit.section.kind === 'specimen' && /^(?:[a-z]\d?|\d{1,2})$/.test(label)) return partsOf(unit, unit.value, 'prose');
    // "(1) Right breast, 8 o'clock, core biopsy: Invasive ductal carcinoma ..." — the label is the part
    const labelText = sliceOf(unit, unit.label.span);
    if (/,|^\(?\d+[.)]|^[A-Z]\d?[.)]\s/.test(labelText) || PROSTATE_REGION.test(labelText)) {
      const parts = partsOf(unit, unit.label.span, 'prose');
      // "A. Prostate, right base, needle biopsy: Benign prostatic tissue": a benign part's specimen and procedure
      if (partDiagnosis(sliceOf(unit, unit.value)) === 'benign') for (const c of parts) if (c.kind === 'specimen' || c.kind === 'procedure') c.benignPart = true;
      // "G. Left base, lateral: Prostatic adenocarcinoma, ...": a prostate biopsy site names no organ; it is the
      // tumour's specimen when its diagnosis names the tumour
      const region = parts.length === 0 && partDiagnosis(sliceOf(unit, unit.value)) === 'tumour' ? PROSTATE_REGION.exec(labelText.replace(PART_ID, '')) : null;
      if (region) {
        const at = unit.label.span.start - unit.span.start + labelText.length - labelText.replace(PART_ID, '').length;
        parts.push({ kind: 'specimen', value: { description: `prostate, ${labelText.replace(PART_ID, '').toLowerCase()}` }, span: subSpan(unit, at, unit.label.span.end - unit.span.start), key: 'specimen', source: 'prose' });
      }
      return parts;
    }
    return procedureMentionsOf(unit);
  }
  // Part lines: a line ending with ":" in the diagnosis, any line of the specimen section
  const s = sliceOf(unit);
  if (unit.section.kind === 'gross') return [...grossSpecimenOf(unit, unit.span), ...procedureMentionsOf(unit)];
  // (a sentence that starts inside a line is prose that follows a label, "Clinical history: 74-year-old man ... . Father
  // and uncle both had lung cancer.", not a part of the specimen list)
  const isPartLine = (unit.section.kind === 'specimen' && startsLine(unit)) || (partSection && s.length < 160 && endsWithColon(s));
  if (isPartLine) return partsOf(unit, lineSpan(unit), 'prose');
  return procedureMentionsOf(unit);
}

/** A synoptic line's value as specimenOf reports it (computed only on the lines that report it). */
function synopticValue(unit: ExtractionUnit, value: Span): string {
  return sliceOf(unit, value).trim().replace(/\.$/, '');
}

/** The fields every synoptic specimen / procedure / site / laterality candidate has. */
function synopticCommon(unit: ExtractionUnit, target: Span): { span: Span; target: Span; source: 'synoptic'; affirmedByValue: true } {
  return { span: lineSpan(unit), target, source: 'synoptic', affirmedByValue: true };
}

/** /:\s*$/.test(s) without the regex's scan from the start: a colon, then only spaces (isSpace is \s) to the end. */
function endsWithColon(s: string): boolean {
  let i = s.length - 1;
  while (i >= 0 && isSpace(s.charCodeAt(i))) i--;
  return i >= 0 && s.charCodeAt(i) === 58;
}

/** Whether only spaces or a part's letter or number ("1. ", "B) ") stand between the start of the unit's line and the unit. */
function startsLine(unit: ExtractionUnit): boolean {
  const lineStart = unit.text.lastIndexOf('\n', unit.span.start - 1) + 1;
  return lineStart === unit.span.start || PART_PREFIX.test(unit.text.slice(lineStart, unit.span.start));
}
const PART_PREFIX = /^[ \t]*(?:(?:part[ \t]+)?[A-Za-z0-9]{1,2}[.):][ \t]*|\(\w{1,2}\)[ \t]*|[-•*][ \t]*)*$/i;

/** Prostate biopsy sites (sextant and zone): "Right base, lateral", "left apex", "Left mid-gland". */
const PROSTATE_REGION = /^(?:right|left)\s+(?:(?:anterior|posterior|lateral|medial)\s+)?(?:base|mid(?:-?gland)?|apex|transition zone|peripheral zone)\b/i;

/**
 * What the diagnosis on a part line says of the tumour: "benign" ("Benign prostatic tissue", "HGPIN; negative for
 * carcinoma"), "suspicious" ("ASAP, suspicious for carcinoma"), "tumour", or undefined (nothing about it).
 */
export function partDiagnosis(diagnosis: string): 'tumour' | 'suspicious' | 'benign' | undefined {
  const named = /carcinom|melanom|malignan|tumou?r|neoplasm|sarcoma|lymphoma/i.test(diagnosis);
  if (/suspicious|cannot be excluded|atypical/i.test(diagnosis) && !/^\s*(?:[a-z-]+\s+){0,3}(?:adeno)?carcinoma\b/i.test(diagnosis)) return 'suspicious';
  if (/\b(?:negative for|no|without|free of)\s+(?:\w+\s+){0,2}(?:carcinom|malignan|tumou?r|melanom|neoplasm)/i.test(diagnosis) || /^\s*benign\b/i.test(diagnosis)) return 'benign';
  return named ? 'tumour' : undefined;
}

/**
 * The gross description's designation of the specimen it describes, at the start of a line: "A. Right lower lobe,
 * 16.5 x 11.0 cm", "Macroscopic: Prostate with seminal vesicles, 36 g". The span is the site words.
 */
function grossSpecimenOf(unit: ExtractionUnit, within: Span): Candidate[] {
  // only the first words of a line, or of a "Gross:" label's value
  const lineStart = unit.text.lastIndexOf('\n', within.start - 1) + 1;
  if (within === unit.span && unit.text.slice(lineStart, within.start).trim() !== '') return [];
  const text = unit.text.slice(within.start, within.end);
  const lead = PART_ID.exec(text)?.[0].length ?? 0;
  const head = /^[A-Za-z][A-Za-z ,-]*?(?=,|\s+with\b|\s+\d|\s*\(|\.|$)/.exec(text.slice(lead));
  if (!head) return [];
  const site = SITE.exec(head[0]);
  // the site leads the designation (after a side or "Skin and subcutis,")
  if (!site || (site.index !== 0 && !/^(?:(?:right|left)\s+)?(?:skin(?: and subcutis)?,?\s+)?$/i.test(head[0].slice(0, site.index)))) return [];
  if (/\blymph node|axilla/i.test(head[0])) return [];
  const at = within.start - unit.span.start + lead;
  return [{ kind: 'specimen', value: { description: head[0].toLowerCase() }, span: subSpan(unit, at, at + head[0].length), key: 'specimen', source: 'prose' }];
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
  for (const piece of text.split(';')) {
    const pieceStart = within.start + offset;
    offset += piece.length + 1;
    const trimmed = piece.trimStart();
    const lead = PART_ID.exec(trimmed)?.[0].length ?? 0;
    const leadAt = piece.length - trimmed.length + lead;
    const body = piece.slice(leadAt).replace(/[:.\s]+$/, '');
    // a heading naming its CAP protocol ("SYNOPTIC REPORT (CAP cutaneous melanoma, excision):") is no part line
    if (/\(\s*CAP\b/.test(body)) continue;
    const proc = PROCEDURE_HINT.test(body) ? PROCEDURE.exec(body) : null;
    const head = body.slice(0, proc ? proc.index : body.length);
    const site = SITE.exec(head) ?? ORGAN_IN_TEXT.exec(head);
    if (!site && !proc) continue;
    if (/\blymph nodes?\b|\bnodes?\b|\bLN\b|\baxill(?:a|ary)\b/i.test(head) && !/\b(?:breast|lung|lobe|colon|rectum|stomach|prostate|uterus|skin|endometrium)\b/i.test(head)) {
      // a needle aspirate of a node (EBUS-TBNA, FNA) is the sample the tumour is diagnosed on; a node excision or
      // dissection is not the tumour's procedure
      if (proc && /ebus|aspiration|\bfna\b/i.test(proc[0])) {
        const start = pieceStart - unit.span.start + leadAt + (proc.index ?? 0);
        out.push({ kind: 'procedure', value: { procedure: proc[0].toLowerCase() }, span: subSpan(unit, start, start + proc[0].length), key: 'procedure', source });
      }
      continue;
    }
    // a separately sent margin ("Breast, left, additional superior margin") is not the tumour's specimen either, nor
    // a block sent for tests ("Breast biomarkers (block A1)")
    if (/\bmargins?\b|\bbiomarkers?\b/i.test(head)) continue;
    const base = pieceStart - unit.span.start + leadAt;
    const specimenEnd = head.replace(/[\s,;]+$/, '').length;
    // a part from a distant-metastasis site (liver, bone, adrenal): the tumour's specimen only when no other part is
    const metastasis = METASTASIS_SITE.test(head) && !PRIMARY_ORGAN_WORD.test(head) ? { metastasisSite: true } : {};
    if (site && specimenEnd > 0) out.push({ kind: 'specimen', value: { description: head.slice(0, specimenEnd) }, span: subSpan(unit, base, base + specimenEnd), key: 'specimen', source, ...metastasis });
    // "A. WLE left parietal scalp (stitch 12 o'clock)": the procedure leads, the site words follow it
    if (!site && proc && proc.index === 0) {
      const tail = /^[\s,]*([^(),;:]+)/.exec(body.slice(proc[0].length));
      const tailSite = tail ? SITE.exec(tail[1] as string) : null;
      if (tail && tailSite) {
        const words = (tail[1] as string).trimEnd();
        const at = base + proc[0].length + tail[0].length - (tail[1] as string).length;
        out.push({ kind: 'specimen', value: { description: words.toLowerCase() }, span: subSpan(unit, at, at + words.length), key: 'specimen', source });
      }
    }
    // the part's side ("LEFT BREAST", "Breast, left"), also where the part line is a synoptic "Specimen:" value
    const side = site && PAIRED_SITE.test(head) ? LATERALITY.exec(head.slice(0, specimenEnd)) : null;
    if (side) out.push({ kind: 'laterality', value: { laterality: laterality(side[1] as string) }, span: subSpan(unit, base + (side.index ?? 0), base + (side.index ?? 0) + side[0].length), key: 'laterality', source });
    if (proc && !/lymph node|dissection/i.test(proc[0])) {
      const start = base + (proc.index ?? 0);
      out.push({ kind: 'procedure', value: { procedure: proc[0].toLowerCase() }, span: subSpan(unit, start, start + proc[0].length), key: 'procedure', source, ...metastasis });
    }
  }
  return out;
}

/** Sites of distant metastases (not of the primary tumours the vocabulary names). */
export const METASTASIS_SITE = /\b(?:liver|bone|vertebra[el]?|vertebral body|adrenal(?: gland)?|brain|omentum|omental|peritoneum|peritoneal)\b/i;
const PRIMARY_ORGAN_WORD = /\b(?:breast|lung|lobe|colon|rectum|stomach|prostate|uterus|endometrium|skin)\b/i;

/**
 * Drops the specimen and procedure candidates of distant-metastasis parts, of benign parts and of the gross
 * description when the report designates the primary's specimen elsewhere (rule C2: they go on the part
 * designations): "(1) Right breast, core biopsy; (2) Bone, T10 vertebral body, CT-guided core biopsy"; "A. Prostate,
 * right base, needle biopsy: Benign prostatic tissue. B. Prostate, right mid, ...: adenocarcinoma"; "GROSS: A. Right
 * lower lobe, 16.5 x 11.0 cm".
 */
export function withoutMetastasisParts<T extends { candidate: Candidate; unit: ExtractionUnit }>(items: T[]): T[] {
  let secondary = false;
  let primary = false;
  for (const { candidate: c, unit } of items) {
    if (c.kind !== 'specimen' && c.kind !== 'procedure') continue;
    if (c.metastasisSite || c.benignPart || inGrossProse(c, unit)) secondary = true;
    else if (c.kind === 'specimen') primary = true;
  }
  return secondary && primary ? items.filter(({ candidate: c, unit }) => !((c.kind === 'specimen' || c.kind === 'procedure') && (c.metastasisSite || c.benignPart || inGrossProse(c, unit)))) : items;
}

/** A designation read from the gross description's prose (a "Specimen:" line there is a designation of its own). */
function inGrossProse(c: Candidate, unit: ExtractionUnit): boolean {
  return unit.section.kind === 'gross' && c.source === 'prose';
}

const PROCEDURE_ALL = new RegExp(PROCEDURE.source, 'gi');

/** Resections and excisions named in prose ("underwent right hemicolectomy"); biopsies and node procedures are not. */
function procedureMentionsOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  // one test for the usual sentence that names neither (their union in one regex scans no faster than the two)
  if (!RESECTION_WORD.test(s) && !ABBREVIATED_HINT.test(s)) return out;
  const abbreviated = ABBREVIATED_HINT.test(s);
  // "A re-excision of the superior margin may be considered", "Re-excision ... is advised": a planned procedure (rule C4)
  if (PLANNED.test(s)) return out;
  // "Op: laparoscopic TME / low anterior resection", "TLH + BSO + SLN": resections by their usual abbreviations
  if (abbreviated) for (const m of allMatches(s, ABBREVIATED_PROCEDURE)) {
    const start = m.index ?? 0;
    out.push({ kind: 'procedure', value: { procedure: ABBREVIATIONS[m[1] as string] as string }, span: subSpan(unit, start, start + m[0].length), key: 'procedure', source: 'prose' });
  }
  for (const m of allMatches(s, PROCEDURE_ALL)) {
    const words = m[0].toLowerCase();
    if (!/ectomy|ectomies|anterior resection|abdominoperineal|wedge resection|wide (?:local )?excision|re-excision|mesorectal excision|transurethral resection|^turb?t$|^turp$/.test(words)) continue;
    if (/lymph node|dissection/.test(words)) continue;
    const start = m.index ?? 0;
    // a container's label quoted in the gross ('labeled "right breast lumpectomy"') names no procedure of its own
    if (unit.section.kind === 'gross' && insideOpenQuote(s, start)) continue;
    out.push({ kind: 'procedure', value: { procedure: words }, span: subSpan(unit, start, start + m[0].length), key: 'procedure', source: 'prose' });
  }
  // "melanoma of the left shoulder excised in 2017", "squamous cell carcinoma of the left ear (2022), excised": an
  // excision of a tumour told in the past tense ("completely excised" states a margin, "should be excised" a plan)
  if (/excised/i.test(s)) for (const m of allMatches(s, TUMOUR_EXCISED)) {
    const start = (m.index ?? 0) + m[0].length - 'excised'.length;
    out.push({ kind: 'procedure', value: { procedure: 'excision' }, span: subSpan(unit, start, start + 'excised'.length), key: 'procedure', source: 'prose' });
  }
  return out;
}
/** Resection abbreviations (capitals only: "WLE", "TME", "TLH", "TAH-BSO", "LAR", "APR"). */
const ABBREVIATIONS: Record<string, string> = { WLE: 'wide local excision', TME: 'total mesorectal excision', TLH: 'hysterectomy', TAH: 'hysterectomy', LAVH: 'hysterectomy', LAR: 'low anterior resection', APR: 'abdominoperineal resection' };
const ABBREVIATED_HINT = /\b(?:WLE|TME|TLH|TAH|LAVH|LAR|APR)\b/;
const RESECTION_WORD = /ectom|resection|excis|turp|turbt/i;
const ABBREVIATED_PROCEDURE = /\b(WLE|TME|TLH|TAH|LAVH|LAR|APR)(?:[- ]BSO)?\b/g;
const PLANNED = /\b(?:may|might|should|could|would|will)\s+(?:be\s+)?(?:considered|upgraded|performed|indicated|needed|required|advised|recommended|warranted)\b|\b(?:is|are)\s+(?:advised|recommended|suggested|planned|scheduled)\b|\bif\s+(?:an?\s+)?(?:[a-z-]+\s+){0,2}(?:is|are)\s+performed\b/i;
const TUMOUR_EXCISED = /\b(?:carcinoma|melanoma|lesion|nevus|naevus|macule|papule|tumou?r)\b[^.;:]{0,60}?(?<!\b(?:completely|incompletely|entirely|widely|narrowly|not|be|been|being|to be)\s)\bexcised\b/gi;

// ------------------------------------------------------------------ organs and laterality in prose

/** Organ words (and their adjectives / subsites) → the organ, as the evaluation vocabulary names organs. */
const ORGAN_WORDS: readonly [RegExp, string][] = [
  [/^(?:breasts?|(?:upper|lower) (?:outer|inner) quadrant|(?:upper|lower|inner|outer) (?:central|quadrant)|subareolar|retroareolar|periareolar|nipple|areola|\d{1,2}(?::\d\d)? ?o'?clock)$/i, 'breast'],
  [/^(?:colon|colonic|colorectal|cecum|cecal|caecum|caecal|sigmoid(?: colon)?|(?:ascending|transverse|descending|sigmoid|right|left) colon|hepatic flexure|splenic flexure|ileocecal valve|bowel)$/i, 'colon'],
  [/^(?:rectum|rectal|mid-rectal|rectosigmoid(?: junction)?|upper rectum|anorectal)$/i, 'rectum'],
  [/^(?:lungs?|pulmonary|(?:(?:right|left) )?(?:upper|middle|lower) lobe|lingula|bronchus|bronchial|hilar mass|LUL|LLL|RUL|RML|RLL)$/i, 'lung'],
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
  // (the same designations recur in every report: each is read once; null keeps "no organ" apart from "not read")
  const known = ORGAN_OF_SITE.get(site);
  if (known !== undefined) return known ?? undefined;
  const organ = readOrganOfSite(site);
  if (ORGAN_OF_SITE.size < 10_000) ORGAN_OF_SITE.set(site, organ ?? null);
  return organ;
}
const ORGAN_OF_SITE = new Map<string, string | null>();

function readOrganOfSite(site: string): string | undefined {
  const words = site.toLowerCase().replace(/[^a-z0-9:' -]+/g, ' ').replace(/\s+/g, ' ').trim();
  for (const m of allMatches(words, ORGAN_MENTION)) {
    const organ = organOfWords(m[0]);
    if (organ) return organ;
  }
  for (const m of allMatches(words, SITE_PHRASE)) {
    const organ = organOfWords(m[0]);
    if (organ) return organ;
  }
  return undefined;
}

const ORGAN_OF_WORDS = new Map<string, string | null>();
function organOfWords(words: string): string | undefined {
  // (one lookup: null marks words known to name no organ)
  const known = ORGAN_OF_WORDS.get(words);
  if (known !== undefined) return known ?? undefined;
  const w = words.toLowerCase().replace(/\s+/g, ' ');
  const organ = ORGAN_WORDS.find(([re]) => re.test(w))?.[1];
  if (ORGAN_OF_WORDS.size < 10_000) ORGAN_OF_WORDS.set(words, organ ?? null);
  return organ;
}

/** A cheap test before ORGAN_MENTION: a stem of each of its words ("flexure" was missing: "mass at the hepatic flexure"). */
const ORGAN_HINT = /breast|colo|bowel|cec|caec|sigmoid|rect|lung|pulmon|lobe|skin|cutan|prostat|stomach|gastri|antr|endometri|uter|ovar|pancrea|kidney|renal|esophag|bladder|thyroid|flexure/i;
const ORGAN_IN_TEXT = /\b(?:breast|colon|rectum|rectal|lung|lobe|skin|prostate|stomach|gastric|endometrium|endometrial|uterus|ovary|cecum|sigmoid|liver|bone|pleural fluid|lymph node)\b/i;
const ORGAN_MENTION = /\b(?:(?<!small |large )bowel(?="? (?:cancers?|carcinomas?|tumou?rs?)\b)|(?:(?:right|left) )?(?:upper|middle|lower) lobe|LUL|LLL|RUL|RML|RLL|(?:ascending|transverse|descending|sigmoid) colon|(?:hepatic|splenic) flexure|gastric (?:antrum|body|cardia)|rectosigmoid(?: junction)?|mid-rectal|uterine corpus|breasts?|colon|colonic|colorectal|cecum|cecal|caecum|sigmoid|rectum|rectal|lungs?|pulmonary|skin|cutaneous|prostate|prostatic|stomach|gastric|antrum|endometrium|endometrial|uterus|uterine|ovary|ovaries|ovarian|pancreas|pancreatic|kidney|renal|esophagus|esophageal|bladder|thyroid)\b/gi;
/**
 * The stems of ORGAN_HINT at a word start, and the lobe abbreviations in any case: ORGAN_MENTION's alternatives each
 * hold one of them after a word boundary ("upper lobe", "ascending colon", "mid-rectal", "hepatic flexure", "rul").
 */
const ORGAN_WORD_START = /\b(?:breast|colo|bowel|cec|caec|sigmoid|rect|lung|pulmon|lobe|skin|cutan|prostat|stomach|gastri|antr|endometri|uter|ovar|pancrea|kidney|renal|esophag|bladder|thyroid|flexure|[lr][uml]l)/i;
/** In a site phrase, a quadrant or clock position places the site in the breast. */
const SITE_PHRASE = /\b(?:(?:upper|lower) (?:outer|inner) quadrant|\d{1,2}(?::\d\d)? ?o'?clock|subareolar|retroareolar|nipple)\b/gi;
/** Words saying a tumour is there (or is denied, or was): the organ named with one is the tumour's organ. */
const TUMOR_WORD = /\b(?:cancers?|carcinomas?|adenocarcinomas?|malignan(?:cy|cies|t)|tumou?rs?|mass(?:es)?|neoplasms?|lesions?|nodules?|melanomas?|primary|sarcomas?|lymphomas?|metastas[ie]s|metastatic)\b/gi;
const TUMOR_WORD_ONCE = new RegExp(TUMOR_WORD.source, 'i');

/**
 * Primary-site statements in prose: an organ (or a subsite or adjective: "sigmoid", "rectal", "right upper lobe")
 * named within a few words of a tumour word in the same sentence — "left breast mass", "mass in the ascending
 * colon", "father with colon cancer", "invasive ductal carcinoma of the breast". Synoptic "Tumor Site:" lines are
 * read by specimenOf. The span is the organ words.
 */
export function organMentionsOf(unit: ExtractionUnit): Candidate[] {
  if (unit.label && /^(?:tumou?r site|primary (?:tumou?r )?site|tumou?r location|site|specimens?(?: type)?|procedure|(?:tumou?r |specimen )?laterality)$/.test(unit.label.norm)) return [];
  const s = sliceOf(unit);
  // two necessary conditions first, cheaper than ORGAN_HINT (a \b-anchored regex skips inside words): a candidate
  // needs a TUMOR_WORD match and an ORGAN_MENTION match, and every ORGAN_MENTION match holds one of ORGAN_WORD_START's
  // stems at a word start; the original test then runs unchanged
  if (!TUMOR_WORD_ONCE.test(s) || !ORGAN_WORD_START.test(s)) return [];
  if (!ORGAN_HINT.test(s) && !LOBE_ABBREVIATION_HINT.test(s)) return [];
  const tumors: number[] = [];
  for (const m of allMatches(s, TUMOR_WORD)) if (!namesNoTumour(s, m.index ?? 0, (m.index ?? 0) + m[0].length)) tumors.push(m.index ?? 0);
  if (tumors.length === 0) return [];
  const out: Candidate[] = [];
  for (const m of allMatches(s, ORGAN_MENTION)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const organ = organOfWords(m[0]);
    if (!organ) continue;
    // near a tumour word: at most 6 words between, no sentence break
    const near = tumors.some((t) => {
      // 7 words are never this far apart (a cheap test before slicing)
      if (t < start - 200 || t > end + 200) return false;
      const between = t < start ? s.slice(t, start) : s.slice(end, t);
      return !/[.;:]\s/.test(between) && wordCount(between) <= 8;
    });
    if (!near) continue;
    // "breast biomarker", "colon polyps" (benign) — a following "polyps"/"biomarker" word is not a tumour
    out.push({ kind: 'primary-site', value: { site: m[0].toLowerCase(), organ }, span: subSpan(unit, start, end), key: 'primary-site', source: 'prose' });
  }
  return out;
}

/** between.split(/\s+/).filter(Boolean).length, counted without the arrays. */
function wordCount(between: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < between.length; i++) {
    const space = isSpace(between.charCodeAt(i));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/**
 * Where the run of spaces and commas at `from` ends: s.slice(from).replace(/^[\s,]+/, ' ').trimStart() is
 * s.slice(skipSpacesAndCommas(s, from)) (isSpace is \s, which is also what trimStart removes).
 */
function skipSpacesAndCommas(s: string, from: number): number {
  let i = from;
  while (i < s.length && (isSpace(s.charCodeAt(i)) || s.charCodeAt(i) === 44)) i++;
  return i;
}

/** Whether an opening double quote before position `at` in s is still open there. */
function insideOpenQuote(s: string, at: number): boolean {
  let open = false;
  for (let i = 0; i < at; i++) if (s.charCodeAt(i) === 34) open = !open;
  return open;
}

/** What "left"/"right" may qualify in a laterality statement: paired organs, lobes, limbs and skin sites, sides. */
const LATERAL_SITE = /^(?:(?:[a-z-]+ ){0,2}?)(?:breasts?|lung|(?:upper|middle|lower) lobe|lobes?|kidney|ovary|fallopian tube|thigh|arm|upper arm|forearm|leg|lower leg|calf|shin|knee|ankle|foot|hand|shoulder|back|upper back|flank|chest(?: wall)?|cheek|temple|forehead|ear|scalp|neck|hip|buttock|trunk|abdomen|heel|sole|toe|finger|thumb|apex|base|mid(?:-?gland)?|(?:peripheral|transition|central) zone|lateral|hemithorax|pleural|hil(?:um|ar) (?:mass|tumou?r|lesion)|parotid|thyroid lobe|\d{1,2}(?::\d\d)? ?o'?clock|primar(?:y|ies))\b/i;
/** Pelvic sentinel node sites: their side is a laterality statement (a non-sentinel node packet's is not). */
const PELVIC_NODE_SITE = /^(?:(?:[a-z-]+ ){0,2}?)(?:pelvic|obturator|(?:external |internal |common )?iliac)\b/i;
/**
 * "right and left obturator", "in 5 of 14 cores, left > right": both sides in one statement. Sticky: only a statement
 * at the side word counts (a global search scanned the rest of the unit for one found anywhere after it).
 */
const BOTH_SIDES = /\b(right|left)(?:\s+(?:and|&)\s+|\s*>\s*)(left|right)\b/iy;
const MARGIN_WORD = /margin/i;
/** A side written as its capital letter before a lower-case word ("R breast", "L cheek"). */
const SIDE_LETTER = /(?<![A-Za-z0-9.'’/&-])([RL])(?= [a-z])/g;
const SIDE_LETTER_HINT = /(?<![A-Za-z0-9])[RL] [a-z]/;
const LATERALITY_WORD = /\b(left|right|bilateral)\b/gi;
const LOBE_ABBREVIATION = /\b([LR])(?:UL|LL)\b|\b(R)ML\b/g;
const LOBE_ABBREVIATION_HINT = /[LR][UML]L/;
const SIDE_OR_LOBE_HINT = /[LR][UML]L|[Ll][Ee][Ff][Tt]|[Rr][Ii][Gg][Hh][Tt]|[Bb][Ii][Ll][Aa][Tt][Ee][Rr][Aa][Ll]/;

/**
 * Laterality in prose: "left"/"right"/"bilateral" before what it qualifies ("left breast", "RIGHT UPPER LOBE",
 * "skin of left thigh", "right 10 o'clock", "right obturator" in a sentinel-node sentence), or after a paired site
 * ("Breast, right", "breast cancer (left, 2017)"). Not: axillary nodes ("left axillary sentinel lymph node"), the
 * colon ("right hemicolectomy"), a bronchus, a procedure named without its organ ("left pneumonectomy").
 */
export function lateralityMentionsOf(unit: ExtractionUnit): Candidate[] {
  if (unit.label && unit.label.norm.includes('laterality') && /laterality(?: of (?:disease|tumou?r))?$/.test(unit.label.norm)) return [];
  const s = sliceOf(unit);
  // one scan for the usual unit that names neither: a candidate needs LOBE_ABBREVIATION_HINT, a side word (the letter
  // classes match what /left|right|bilateral/i matches: ASCII case pairs only) or a side letter (SIDE_LETTER_HINT)
  if (!SIDE_OR_LOBE_HINT.test(s) && !SIDE_LETTER_HINT.test(s)) return [];
  const out: Candidate[] = [];
  // lobe abbreviations: "nodule LUL", "RML mass"
  if (LOBE_ABBREVIATION_HINT.test(s)) for (const m of allMatches(s, LOBE_ABBREVIATION)) {
    const start = m.index ?? 0;
    out.push({ kind: 'laterality', value: { laterality: m[1] === 'L' ? 'left' : 'right' }, span: subSpan(unit, start, start + m[0].length), key: 'laterality', source: 'prose' });
  }
  // "mass L breast 10 o'clock", "plaque L parietal scalp", "SCC excised from R ear": a capital R / L before a site word
  if (SIDE_LETTER_HINT.test(s)) for (const m of allMatches(s, SIDE_LETTER)) {
    const start = m.index ?? 0;
    if (unit.section.kind === 'gross' && insideOpenQuote(s, start)) continue;
    const after = s.slice(start + 1).trimStart();
    if (!LATERAL_SITE.test(after) || /^(?:[a-z-]+ ){0,2}?(?:axilla|axillary)\b/i.test(after)) continue;
    out.push({ kind: 'laterality', value: { laterality: m[1] === 'L' ? 'left' : 'right' }, span: subSpan(unit, start, start + 1), key: 'laterality', source: 'prose' });
  }
  // (the side words themselves: a unit without one has nothing more to read — "bright" is no side)
  const sideWords = allMatches(s, LATERALITY_WORD);
  if (sideWords.length === 0) return out;
  const sentinel = /sentinel|\bSLNs?\b/i.test(s);
  // (both margin tests below need the word: one test per unit instead of two per side word)
  const marginNamed = MARGIN_WORD.test(s);
  let bothEnd = -1;
  for (const m of sideWords) {
    const start = m.index ?? 0;
    if (start < bothEnd) continue;
    let end = start + m[0].length;
    let side = laterality(m[1] as string);
    BOTH_SIDES.lastIndex = start;
    const both = BOTH_SIDES.exec(s);
    if (both && (both[1] as string).toLowerCase() !== (both[2] as string).toLowerCase()) {
      end = bothEnd = start + both[0].length;
      side = 'bilateral';
    }
    // a container's label quoted in the gross description ('labeled "right breast 9:00"') is not a statement
    if (unit.section.kind === 'gross' && insideOpenQuote(s, start)) continue;
    // the side of a part whose diagnosis (same line) is benign is not the tumour's side; a suspicious one is uncertain
    // (a pelvic sentinel node's side is labeled whatever the node shows: "C. Left external iliac sentinel node: negative")
    const diagnosis = onPartLabel(unit, start) ? partDiagnosis(sliceOf(unit, unit.value)) : undefined;
    if (diagnosis === 'benign' && !(sentinel && PELVIC_NODE_SITE.test(s.slice(end).replace(/^[\s,]+/, ' ').trimStart()))) continue;
    // a separately sent margin ("Breast, left, additional superior margin") is not the tumour's specimen, nor is the
    // place of a margin ("margin is positive at the left posterior base", "closest 0.5 mm, left apex")
    if (marginNamed && /^[^:\n.]{0,40}\bmargins?\b/i.test(s.slice(end)) && !/\b(?:carcinoma|tumou?r|mass|cancer)\b/i.test(s.slice(end, end + 40))) continue;
    if (marginNamed && /\bmargins?\b(?:[^.;:]|\.(?=\d)){0,70}$/i.test(s.slice(Math.max(0, start - 70), start)) && !/\b(?:carcinoma|tumou?r|mass|cancer|nodule|lesion)\b/i.test(s.slice(Math.max(0, start - 50), start))) continue;
    const after = s.slice(skipSpacesAndCommas(s, end));
    const before = s.slice(Math.max(0, start - 30), start);
    // "left axillary sentinel node" is not a laterality of the tumour; "LEFT BREAST AND AXILLARY CONTENTS" is
    const qualifies =
      (LATERAL_SITE.test(after) || (sentinel && PELVIC_NODE_SITE.test(after))) &&
      !/^(?:(?!breasts?\b|lung\b|lobe\b)[a-z-]+ ){0,2}?(?:axilla|axillary|colon|hemicolectomy|side|sided|margin|ventricle|heart|bundle)\b/i.test(after) &&
      // the side of a bronchus ("the left upper lobe bronchus") is not the tumour's side
      !/^(?:[a-z-]+ ){0,3}bronch/i.test(after);
    // "Breast, right", "breast cancer (left, 2017)"
    const afterSite = /\b(?:breast|lung|lobe|kidney|ovary|thigh|arm|forearm|leg|shoulder|back|cheek|ear|scalp|flank|foot|hand)(?:\s+(?:cancer|carcinoma|mass|tumou?r))?\s*[,(]\s*$/i.test(before);
    if (!qualifies && !afterSite && !statesTumourSide(s, start, end, after, before, side)) continue;
    out.push({ kind: 'laterality', value: { laterality: side }, span: subSpan(unit, start, end), key: 'laterality', source: 'prose', ...(diagnosis === 'suspicious' ? { uncertainByValue: true } : {}) });
  }
  return out;
}

/** "right-sided tumor", "Right-sided disease". */
const SIDED_TUMOUR = /^-?sided\s+(?:tumou?r|disease|carcinoma|adenocarcinoma|cancer|nodule|lesion|mass)\b/i;
/** "The left anterior nodule", "dominant nodule right posterior": a prostate nodule's side. */
const SIDE_OF_NODULE_AFTER = /^(?:anterior|posterior|lateral|dominant)\s+(?:nodule|tumou?r|lesion)\b/i;
const NODULE_BEFORE = /\b(?:nodule|tumou?r|lesion)\s+$/i;
const REGION_AFTER = /^(?:anterior|posterior|lateral)\b/i;
const TUMOUR_OR_CORES = /\b(?:tumou?rs?|carcinoma|adenocarcinoma|cancer|disease|cores?)\b/i;

/**
 * A side stated of the tumour without a site word after it: "right-sided tumor", "The left anterior nodule",
 * "DOMINANT NODULE RIGHT POSTERIOR", "adenocarcinoma in 5 of 14 cores, all on the left", "3 of 12 cores (all right
 * side)", "in 9/12 cores, bilateral".
 */
function statesTumourSide(s: string, start: number, end: number, after: string, before: string, side: string): boolean {
  if (side !== 'bilateral' && (SIDED_TUMOUR.test(s.slice(end)) || SIDE_OF_NODULE_AFTER.test(after) || (NODULE_BEFORE.test(before) && REGION_AFTER.test(after)))) return true;
  const earlier = s.slice(Math.max(0, start - 80), start);
  if (side !== 'bilateral' && /\bon the\s+$/i.test(before) && /^\s*(?:[;.),]|$)/.test(s.slice(end)) && TUMOUR_OR_CORES.test(earlier)) return true;
  if (side !== 'bilateral' && /\ball\s+$/i.test(before) && /^\s+sides?\b/i.test(s.slice(end)) && TUMOUR_OR_CORES.test(earlier)) return true;
  return side === 'bilateral' && /\bcores?,\s*$/i.test(before);
}

/** Whether position `at` of the unit lies in a part designation label ("D. Right mid, medial: <diagnosis>"). */
function onPartLabel(unit: ExtractionUnit, at: number): boolean {
  if (!unit.label || !unit.value) return false;
  const label = sliceOf(unit, unit.label.span);
  return unit.span.start + at < unit.label.span.end && (PROSTATE_REGION.test(label) || (unit.section.kind === 'diagnosis' && (PART_ID.test(label) || label.includes(','))));
}
