// Specimen, procedure, primary site and laterality: from synoptic lines ("Procedure: Sigmoidectomy") and from the
// part lines of the diagnosis / specimen sections ("A. LEFT BREAST, 2:00, ULTRASOUND-GUIDED CORE NEEDLE BIOPSY:").
import type { Candidate, FindingValues } from './finding';
import { lineSpan, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';

export const PROCEDURE = /\b(?:(?:ultrasound|ct|mri|stereotactic|image)[- ]guided\s+)?(?:core needle biopsy|needle core biopsy|core biopsy|fine needle aspiration|excisional biopsy|incisional biopsy|punch biopsy|shave biopsy|endoscopic biopsy|endobronchial biopsy|transbronchial biopsy|ebus-tbna|biopsy|lumpectomy|partial mastectomy|(?:total |simple |modified radical |skin-sparing |nipple-sparing )?mastectomy|re-excision|wide local excision|excision|(?:laparoscopic |robotic |open )?(?:(?:right|left|extended right|transverse|total|subtotal|sigmoid) )?(?:hemi)?colectomy|sigmoidectomy|low anterior resection|abdominoperineal resection|polypectomy|(?:lobectomy|segmentectomy|wedge resection|pneumonectomy)|(?:radical )?prostatectomy|(?:partial |radical )?nephrectomy|(?:total |subtotal |distal |partial )?gastrectomy|esophagectomy|whipple procedure|pancreaticoduodenectomy|hysterectomy|salpingo-oophorectomy|thyroidectomy|sentinel lymph node biopsy|(?:axillary )?lymph node dissection|resection)\b/i;

export const SITE = /\b(?:(?:upper|lower) (?:outer|inner) quadrant|(?:right|left) (?:upper|middle|lower) lobe|(?:upper|middle|lower) lobe|central portion|subareolar|retroareolar|nipple|breast|lung|bronch(?:us|ial)|cecum|appendix|ascending colon|hepatic flexure|transverse colon|splenic flexure|descending colon|sigmoid colon|rectosigmoid(?: junction)?|rectum|colon|esophag(?:us|eal)|gastroesophageal junction|stomach|gastric (?:antrum|body|cardia)|duodenum|pancreas(?: (?:head|body|tail))?|liver|gallbladder|prostate|kidney|bladder|ovary|fallopian tube|endometrium|uterus|cervix|thyroid|skin|axilla|lymph node)\b/i;

const LATERALITY = /\b(left|right|bilateral)\b/i;

function laterality(word: string): FindingValues['laterality']['laterality'] {
  return word.toLowerCase() as FindingValues['laterality']['laterality'];
}

export function specimenOf(unit: ExtractionUnit): Candidate[] {
  const out: Candidate[] = [];
  if (unit.label && unit.value) {
    const label = unit.label.norm;
    const value = sliceOf(unit, unit.value).trim().replace(/\.$/, '');
    const span = lineSpan(unit);
    const common = { span, target: unit.label.span, source: 'synoptic' as const, affirmedByValue: true };
    if (/^specimens?(?: type)?$/.test(label)) out.push({ kind: 'specimen', value: { description: value }, key: 'specimen', ...common });
    else if (/^(?:surgical )?procedure$/.test(label)) out.push({ kind: 'procedure', value: { procedure: value }, key: 'procedure', ...common });
    else if (/^(?:tumou?r site|primary (?:tumou?r )?site|tumou?r location|site)$/.test(label)) out.push({ kind: 'primary-site', value: { site: value.replace(/\s+/g, ' ').toLowerCase() }, key: 'primary-site', ...common });
    else if (/^(?:tumou?r |specimen )?laterality$/.test(label)) {
      const l = LATERALITY.exec(value);
      if (l) out.push({ kind: 'laterality', value: { laterality: laterality(l[1] as string) }, key: 'laterality', ...common });
    }
    if (out.length || !/diagnosis|specimen/.test(unit.section.kind)) return out;
  }
  // Part lines: in the diagnosis section an upper-case line ending with ":"; in the specimen section any line.
  const s = sliceOf(unit);
  const isPartLine = unit.section.kind === 'specimen' ? !unit.label : unit.section.kind === 'diagnosis' && /:\s*$/.test(s) && s === s.toUpperCase() && /[A-Z]{3}/.test(s);
  if (!isPartLine) return out;
  const lead = /^(?:[A-Z]\d?[.)]\s+|\d+[.)]\s+|[-•]\s*)?/.exec(s)?.[0].length ?? 0;
  const body = s.slice(lead).replace(/:\s*$/, '');
  const proc = PROCEDURE.exec(body);
  const site = SITE.exec(body);
  const lat = LATERALITY.exec(body);
  if (!site && !proc) return out;
  const specimenEnd = proc ? body.slice(0, proc.index).replace(/[\s,;]+$/, '').length : body.length;
  if (specimenEnd > 0) {
    out.push({ kind: 'specimen', value: { description: body.slice(0, specimenEnd) }, span: subSpan(unit, lead, lead + specimenEnd), key: 'specimen', source: 'prose' });
  }
  if (proc) {
    const start = lead + (proc.index ?? 0);
    out.push({ kind: 'procedure', value: { procedure: proc[0].toLowerCase() }, span: subSpan(unit, start, start + proc[0].length), key: 'procedure', source: 'prose' });
  }
  if (site && (!proc || (site.index ?? 0) < (proc.index ?? 0))) {
    const start = lead + (site.index ?? 0);
    out.push({ kind: 'primary-site', value: { site: site[0].toLowerCase() }, span: subSpan(unit, start, start + site[0].length), key: 'primary-site', source: 'prose' });
  }
  if (lat && (!proc || (lat.index ?? 0) < (proc.index ?? 0))) {
    const start = lead + (lat.index ?? 0);
    out.push({ kind: 'laterality', value: { laterality: laterality(lat[1] as string) }, span: subSpan(unit, start, start + lat[0].length), key: 'laterality', source: 'prose' });
  }
  return out;
}
