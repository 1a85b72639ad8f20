// Named gene alterations: "EGFR exon 19 deletion (p.E746_A750del)", "KRAS G12C", "ALK rearrangement",
// "EML4-ALK fusion", "MET exon 14 skipping", "NRAS: Wild-type", "BRAF V600E: Not detected".
import type { Candidate, FindingValues } from './finding';
import { lineSpan, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';

/** Genes a solid-tumor report names with actionable or prognostic alterations (HUGO symbols). */
export const REPORTED_GENES = [
  'EGFR', 'KRAS', 'NRAS', 'HRAS', 'BRAF', 'ALK', 'ROS1', 'RET', 'MET', 'ERBB2', 'PIK3CA', 'BRCA1', 'BRCA2', 'TP53',
  'NTRK1', 'NTRK2', 'NTRK3', 'IDH1', 'IDH2', 'FGFR1', 'FGFR2', 'FGFR3', 'FGFR4', 'KIT', 'PDGFRA', 'ESR1', 'POLE',
  'STK11', 'KEAP1', 'CDKN2A', 'PTEN', 'APC', 'SMAD4', 'MAP2K1', 'AKT1', 'CTNNB1', 'ARID1A', 'ATM', 'PALB2', 'CHEK2',
  'NF1', 'TSC1', 'TSC2', 'NRG1', 'MYC', 'MDM2', 'CDK4', 'EWSR1', 'SMARCB1', 'VHL', 'H3F3A', 'TERT', 'GNAQ', 'GNA11',
] as const;

const GENE = new RegExp(String.raw`\b(?:([A-Z][A-Z0-9]{1,7})(?:-|::))?(${REPORTED_GENES.join('|')})\b(?!-)`, 'g');
const TYPE_WORDS = String.raw`rearrangements?|fusions?|translocations?|amplifications?|mutations?|deletions?|insertions?|duplications?|skipping|alterations?|variants?|loss|splice[- ]site (?:mutation|variant)`;
const EXON = new RegExp(String.raw`\bexons?\s*(\d{1,2})(?:\s*(${TYPE_WORDS}))?`, 'i');
const PROTEIN = /\(?\b(?:p\.)?([ACDEFGHIKLMNPQRSTVWY]\d{1,4}_[ACDEFGHIKLMNPQRSTVWY]\d{1,4}(?:del|dup|ins[A-Z]+|delins[A-Z]+)|[ACDEFGHIKLMNPQRSTVWY]\d{1,4}(?:[ACDEFGHIKLMNPQRSTVWY*]|fs\*?\d*|del|dup))\b\)?/;
const CDNA = /\bc\.((?:\d+[_+\-*]?)+(?:[ACGT]>[ACGT]|del[ACGT]*|dup[ACGT]*|ins[ACGT]+))/;
const TYPE = new RegExp(String.raw`\b(${TYPE_WORDS})\b`, 'i');
const NOT_DETECTED = /\b(?:not detected|not identified|not present|negative|absent|wild[- ]?type|no (?:pathogenic |reportable |clinically significant )?(?:variants?|mutations?|alterations?|rearrangements?|fusions?|amplifications?)(?: (?:was |were )?(?:detected|identified|found))?)\b/i;
const DETECTED = /\b(?:detected|identified|present|positive|harbou?rs?|found)\b/i;

type Gene = FindingValues['gene-alteration'];

interface Parsed {
  value: Omit<Gene, 'detected'>;
  /** End (in the segment) of the alteration words. */
  end: number;
  detectedWord?: boolean;
  notDetectedWord?: boolean;
}

/** The alteration stated in segment (which starts with the gene, optionally after a fusion partner). */
function parseSegment(segment: string, gene: string, partner: string | undefined, geneEnd: number): Parsed | undefined {
  const rest = segment.slice(geneEnd);
  const value: Omit<Gene, 'detected'> = { gene };
  let end = geneEnd;
  const parts: string[] = [];
  const exon = EXON.exec(rest);
  if (exon) {
    value.exon = Number(exon[1]);
    parts.push(`exon ${exon[1]}${exon[2] ? ` ${singular(exon[2])}` : ''}`);
    end = Math.max(end, geneEnd + (exon.index ?? 0) + exon[0].length);
  }
  const protein = PROTEIN.exec(rest);
  if (protein) {
    value.proteinChange = `p.${protein[1]}`;
    if (!exon) parts.push(protein[1] as string);
    end = Math.max(end, geneEnd + (protein.index ?? 0) + protein[0].length);
  }
  const cdna = CDNA.exec(rest);
  if (cdna) {
    value.cdnaChange = `c.${cdna[1]}`;
    end = Math.max(end, geneEnd + (cdna.index ?? 0) + cdna[0].length + (rest[(cdna.index ?? 0) + cdna[0].length] === ')' ? 1 : 0));
  }
  const type = exon ? undefined : TYPE.exec(rest);
  if (type && (type.index ?? 0) < 40) {
    const word = singular(type[1] as string);
    // "T790M mutation" is "T790M"; a structural word stays ("rearrangement", "EML4::ALK fusion")
    if (!protein || /rearrangement|fusion|translocation|amplification/.test(word)) parts.push(partner ? `${partner}::${gene} ${word}` : word);
    end = Math.max(end, geneEnd + (type.index ?? 0) + type[0].length);
  } else if (partner) parts.push(`${partner}::${gene} fusion`);
  const vaf = /(?:variant allele (?:fraction|frequency)|\bVAF\b)\s*(?:of\s*|:|=)?\s*(\d{1,3}(?:\.\d+)?)\s*%/i.exec(rest);
  if (vaf) value.vafPercent = Number(vaf[1]);
  const notDetected = NOT_DETECTED.exec(rest);
  const wildType = notDetected && /wild/i.test(notDetected[0]);
  if (parts.length === 0 && !wildType && !notDetected) return undefined;
  if (parts.length) value.alteration = parts.join(' ');
  return { value, end, ...(notDetected ? { notDetectedWord: true } : DETECTED.test(rest) ? { detectedWord: true } : {}) };
}

function singular(word: string): string {
  const w = word.toLowerCase();
  return w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

/** Gene alterations in a unit (synoptic line or prose sentence). */
export function geneAlterationsOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const genes = [...s.matchAll(GENE)];
  const out: Candidate[] = [];
  genes.forEach((m, n) => {
    const start = m.index ?? 0;
    const segEnd = genes[n + 1]?.index ?? s.length;
    const segment = s.slice(start, segEnd);
    const partner = m[1];
    const gene = m[2] as string;
    const parsed = parseSegment(segment, gene, partner, m[0].length);
    if (!parsed) return;
    const synoptic = unit.label !== undefined && start < unit.label.span.end - unit.span.start;
    const wordsSpan = subSpan(unit, start, start + parsed.end);
    const value: Gene = { ...parsed.value, detected: parsed.notDetectedWord ? false : parsed.detectedWord ? true : null };
    out.push({
      kind: 'gene-alteration',
      value,
      span: synoptic ? lineSpan(unit) : wordsSpan,
      target: wordsSpan,
      key: `gene-alteration/${gene}/${value.alteration ?? 'any'}`,
      source: synoptic ? 'synoptic' : 'prose',
      ...(parsed.notDetectedWord ? { negatedByValue: true } : {}),
    });
  });
  return out;
}
