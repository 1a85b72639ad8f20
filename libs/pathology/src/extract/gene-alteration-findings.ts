// Named gene alterations: "EGFR exon 19 deletion (p.E746_A750del)", "KRAS G12C", "ALK rearrangement",
// "EML4-ALK fusion", "MET exon 14 skipping", "NRAS: Wild-type", "BRAF V600E: Not detected".
import type { Candidate, FindingValues } from './finding';
import { allMatches, lineSpan, sliceOf, subSpan, type ExtractionUnit } from './extraction-unit';

/** Genes a solid-tumor report names with actionable or prognostic alterations (HUGO symbols). */
export const REPORTED_GENES = [
  'EGFR', 'KRAS', 'NRAS', 'HRAS', 'BRAF', 'ALK', 'ROS1', 'RET', 'MET', 'ERBB2', 'PIK3CA', 'BRCA1', 'BRCA2', 'TP53',
  'NTRK1', 'NTRK2', 'NTRK3', 'IDH1', 'IDH2', 'FGFR1', 'FGFR2', 'FGFR3', 'FGFR4', 'KIT', 'PDGFRA', 'ESR1', 'POLE',
  'STK11', 'KEAP1', 'CDKN2A', 'PTEN', 'APC', 'SMAD4', 'MAP2K1', 'AKT1', 'CTNNB1', 'ARID1A', 'ATM', 'PALB2', 'CHEK2',
  'NF1', 'TSC1', 'TSC2', 'NRG1', 'MYC', 'MDM2', 'CDK4', 'EWSR1', 'SMARCB1', 'VHL', 'H3F3A', 'TERT', 'GNAQ', 'GNA11',
  // prostate: androgen receptor, homologous-recombination and hereditary-risk genes
  'AR', 'CDK12', 'SPOP', 'HOXB13', 'RAD51C', 'RAD51D', 'BRIP1',
] as const;

/** Genes whose report names germline variants or promoter methylation (their protein IHC is read as MMR). */
const GERMLINE_ONLY_GENES = ['MLH1', 'MSH2', 'MSH6', 'PMS2', 'EPCAM', 'CDH1', 'BRCA'] as const;
/** Genes whose actionable alteration is a fusion: a bare positive/negative result (IHC, FISH, NGS) is about rearrangement. */
export const FUSION_GENES: ReadonlySet<string> = new Set(['ALK', 'ROS1', 'RET', 'NTRK1', 'NTRK2', 'NTRK3', 'NTRK', 'NRG1']);
/** "NTRK1-3 fusions": the NTRK family, read as the gene NTRK. */
const NTRK_FAMILY = 'NTRK1-3';
const GENE = new RegExp(String.raw`\b(?:([A-Z][A-Z0-9]{1,7})(?:-|::))?(${[NTRK_FAMILY, ...REPORTED_GENES, ...GERMLINE_ONLY_GENES, 'NTRK'].join('|')})\b(?!-(?!positive|negative|rearranged|mutated|mutant|hypermethylated|methylated))`, 'g');
/**
 * The gene symbols alone, at word boundaries: every GENE match holds one (its symbol starts a word: after GENE's \b,
 * or after the partner's "-" / "::"), and this regex scans faster than GENE's optional partner at each capital.
 */
const GENE_SYMBOL = new RegExp(String.raw`\b(?:${[NTRK_FAMILY, ...REPORTED_GENES, ...GERMLINE_ONLY_GENES, 'NTRK'].join('|')})\b`);

/** Whether s names a gene geneAlterationsOf reads (a cheap test before it runs). */
export function mayNameGene(s: string): boolean {
  // every gene symbol starts with a capital and a capital or digit: a text without such a pair skips the long regex
  return (CAPITAL_PAIR.test(s) && GENE_SYMBOL.test(s) && genesIn(s).length > 0) || s.includes('POLEmut');
}
const CAPITAL_PAIR = /[A-Z][A-Z0-9]/;

/**
 * allMatches(s, GENE), kept for the last text: mayNameGene's test and geneAlterationsOf read the same unit's text in
 * turn (the matches are only read, never changed).
 */
function genesIn(s: string): RegExpExecArray[] {
  if (s !== lastGenes.s) lastGenes = { s, genes: allMatches(s, GENE) };
  return lastGenes.genes;
}
let lastGenes: { s: string; genes: RegExpExecArray[] } = { s: '', genes: [] };
const TYPE_WORDS = String.raw`(?:likely )?pathogenic(?: (?:germline )?variants?)?|homozygous deletions?|germline (?:variants?|alterations?|mutations?)|(?:promoter )?(?:hyper)?methylat(?:ion|ed)|rearrangements?|rearranged|fusions?|translocations?|amplifications?|amplified|mutations?|mutated|mutant|deletions?|insertions?|duplications?|skipping|alterations?|variants?|loss|splice[- ]site (?:mutation|variant)`;
const EX = /ex/i;
const EXON = new RegExp(String.raw`\bexons?\s*(\d{1,2})(?:\s*(${TYPE_WORDS}))?`, 'i');
const PROTEIN = /\(?\b(?:p\.)?([ACDEFGHIKLMNPQRSTVWY]\d{1,4}_[ACDEFGHIKLMNPQRSTVWY]\d{1,4}(?:del|dup|ins[A-Z]+|delins[A-Z]+)|[ACDEFGHIKLMNPQRSTVWY]\d{1,4}(?:[ACDEFGHIKLMNPQRSTVWY*]|fs\*?\d*|del|dup)|[ACDEFGHIKLMNPQRSTVWY]\d{2,4}(?=\s+(?:mutations?|variants?|mutant|mutated|not detected|detected|negative|positive)\b))(?:\b|(?<=\*))\)?/;
/** HGVS with three-letter amino acids: "p.(Arg681*)", "p.Leu858Arg", "p.Gly12Cys", "p.(Arg213Ter)". */
const PROTEIN_3 = /\bp\.\(?([A-Z][a-z]{2})(\d{1,4})([A-Z][a-z]{2}|\*)\)?/;
const AMINO_ACIDS: Record<string, string> = { Ala: 'A', Arg: 'R', Asn: 'N', Asp: 'D', Cys: 'C', Gln: 'Q', Glu: 'E', Gly: 'G', His: 'H', Ile: 'I', Leu: 'L', Lys: 'K', Met: 'M', Phe: 'F', Pro: 'P', Ser: 'S', Thr: 'T', Trp: 'W', Tyr: 'Y', Val: 'V', Ter: '*' };

/** A three-letter protein change as PROTEIN's match would give it ([1]: "R681*"), or null. */
function threeLetterProtein(rest: string): RegExpExecArray | null {
  if (!rest.includes('p.')) return null;
  const m = PROTEIN_3.exec(rest);
  const from = m ? AMINO_ACIDS[m[1] as string] : undefined;
  const to = m ? (m[3] === '*' ? '*' : AMINO_ACIDS[m[3] as string]) : undefined;
  if (!m || !from || !to) return null;
  m[1] = `${from}${m[2]}${to}`;
  return m;
}
const CDNA = /\bc\.([-*]?(?:\d+[_+\-*]?)+(?:[ACGT]>[ACGT]|del[ACGT]*|dup[ACGT]*|ins[ACGT]+))/;
const TYPE_BEFORE_LIST = new RegExp(String.raw`\b(${TYPE_WORDS})\s+(?:in|of|for|involving|affecting)\s+(?:the\s+)?$`, 'i');
const TYPE = new RegExp(String.raw`\b(${TYPE_WORDS})\b`, 'i');
const NOT_DETECTED = /\b(?:not detected|not identified|not present|not amplified|not mutated|unmutated|non-?amplified|negative|absent|wild[- ]?type|no (?:pathogenic |reportable |clinically significant |[A-Z]\d{2,4}[A-Z]? )?(?:variants?|mutations?|alterations?|rearrangements?|fusions?|amplifications?)(?: (?:was |were )?(?:detected|identified|found))?)\b/i;
const DETECTED = /\b(?:detected|identified|present|positive|harbou?rs?|found)\b/i;

const ORDERED_TESTS = /\b(?:testing|tests?|analysis|studies|sequencing)\s+(?:(?:has|have) been\s+|(?:is|are|was|were)\s+)?(?:ordered|requested|sent|pending)\b|\breflex\b/i;

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
  const notDetectedEarly = NOT_DETECTED.exec(rest);
  // (neither the rewrite nor EXON matches a text without "ex": one quick literal test skips both)
  let exon = EX.test(rest) ? EXON.exec(rest.replace(/\bex(\d{1,2})\b/gi, 'exon$1')) : null;
  // exons listed as what was tested ("NRAS wild type (exons 2, 3, 4)") are not the alteration
  // (also one exon whose result is a denial: "KIT exon 11: no mutation" denies a KIT mutation)
  if (exon && notDetectedEarly && (/\bexons\b|\(\s*exons?/i.test(rest) || /^\s*[:-]?\s*no\b/i.test(rest.slice((exon.index ?? 0) + exon[0].length))) && !exon[2]) exon = null;
  const protein = PROTEIN.exec(rest) ?? threeLetterProtein(rest);
  if (exon) {
    value.exon = Number(exon[1]);
    const typed = exon[2] ? singular(exon[2]) : gene === 'MET' && exon[1] === '14' ? 'skipping' : undefined;
    // "KRAS exon 2 codon 12 mutation: p.G12C" is G12C; "exon 19 deletion (p.E746_A750del)" stays the exon deletion
    if (!(protein && (!typed || typed === 'mutation'))) parts.push(`exon ${exon[1]}${typed ? ` ${gene === 'MET' && exon[1] === '14' ? 'skipping' : typed}` : ''}`);
    end = Math.max(end, geneEnd + (exon.index ?? 0) + exon[0].length);
  }
  if (protein) {
    value.proteinChange = `p.${protein[1]}`;
    if (!parts.length) parts.push(protein[1] as string);
    end = Math.max(end, geneEnd + (protein.index ?? 0) + protein[0].length);
  }
  const cdna = CDNA.exec(rest);
  if (cdna) {
    value.cdnaChange = `c.${cdna[1]}`;
    if (!parts.length && !TYPE.test(rest.slice(0, cdna.index))) parts.push(`c.${cdna[1]}`);
    end = Math.max(end, geneEnd + (cdna.index ?? 0) + cdna[0].length + (rest[(cdna.index ?? 0) + cdna[0].length] === ')' ? 1 : 0));
  }
  const type = exon ? undefined : TYPE.exec(rest);
  // "TERT promoter: c.-124C>T", "BRCA2 c.7617+1G>A (splice donor), pathogenic": what the alteration is, as classified
  if (cdna && /^\s*promoter\b/i.test(rest)) parts.splice(0, parts.length, 'promoter mutation');
  if (type && (type.index ?? 0) < 40 && /pathogenic/i.test(type[1] as string) && !protein) {
    parts.splice(0, parts.length, 'pathogenic variant');
    end = Math.max(end, geneEnd + (type.index ?? 0) + type[0].length);
  } else if (type && (type.index ?? 0) < 40) {
    const word = typeWord(type[1] as string);
    // "T790M mutation" is "T790M"; a structural word stays ("rearrangement", "EML4::ALK fusion")
    if (!protein || /rearrangement|fusion|translocation|amplification/.test(word)) parts.push(partner ? `${partner}::${gene} ${word}` : word);
    end = Math.max(end, geneEnd + (type.index ?? 0) + type[0].length);
  } else if (partner) parts.push(`${partner}::${gene} fusion`);
  const vaf = /(?:variant allele (?:fraction|frequency)|\bVAF\b)\s*(?:of\s*|:|=)?\s*(\d{1,3}(?:\.\d+)?)\s*%/i.exec(rest);
  if (vaf) value.vafPercent = Number(vaf[1]);
  // (the same pure tests of rest as above: their results are reused, not recomputed)
  const notDetected = notDetectedEarly;
  const detectedWord = !notDetected && DETECTED.test(rest);
  const wildType = notDetected && /wild/i.test(notDetected[0]);
  // a test ordered or recommended, without a result ("MLH1 promoter methylation testing has been requested")
  if (!notDetected && !detectedWord && /^[\w\s-]{0,40}?\b(?:testing|analysis|test|studies|sequencing)\b/i.test(rest) && !protein) return undefined;
  // a fusion gene's bare result ("ALK (D5F3) IHC: Negative", "ALK-positive") is about rearrangement
  if (parts.length === 0 && FUSION_GENES.has(gene) && (notDetected || /^[-\s]*(?:\([^)]*\)\s*)?(?:IHC|FISH|by [A-Za-z]+)?\s*:?\s*(?:positive|detected|present)\b|^-positive/i.test(rest))) parts.push('rearrangement');
  if ((GERMLINE_ONLY_GENES as readonly string[]).includes(gene) && !/pathogenic|germline|methylation|variant|mutation|alteration/i.test(parts.join(' ')) && !/^\s*(?:testing|test)\b/i.test(rest)) return undefined;
  if (parts.length === 0 && !wildType && !notDetected) return undefined;
  if (parts.length) value.alteration = parts.join(' ');
  return { value, end, ...(notDetected ? { notDetectedWord: true } : detectedWord ? { detectedWord: true } : {}) };
}

/** The alteration word as the vocabulary names it: "rearranged" → rearrangement, "amplified" → amplification. */
function typeWord(word: string): string {
  const w = word.toLowerCase().replace(/\s+/g, ' ');
  if (w === 'rearranged') return 'rearrangement';
  if (w === 'amplified') return 'amplification';
  if (w === 'mutated' || w === 'mutant') return 'mutation';
  // "MLH1 promoter methylation", "MLH1-hypermethylated": what the guideline calls promoter hypermethylation
  if (/(?:hyper)?methylat/.test(w)) return 'promoter hypermethylation';
  if (/pathogenic/.test(w)) return 'pathogenic variant';
  if (/^germline/.test(w)) return singular(w);
  return singular(w);
}

function singular(word: string): string {
  const w = word.toLowerCase();
  return w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

function isGermlineOnly(gene: string): boolean {
  return (GERMLINE_ONLY_GENES as readonly string[]).includes(gene);
}
/** The words (stems) a germline-only gene's kept alteration needs in the text (see geneAlterationsOf). */
const GERMLINE_ONLY_WORDS = /pathogenic|germline|methylat|variant|muta|alteration|test|promoter/i;

/** Gene alterations in a unit (synoptic line or prose sentence). */
const RESTATED_MUTANT = /^E-mut(?:ant|ated)\b/;
const POLEMUT = /\bPOLEmut\b/g;

export function geneAlterationsOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const genes = genesIn(s);
  // MMR IHC lines ("MLH1: Intact", "MSH6 – LOST") name only germline-only genes, and such a gene is kept only with
  // "pathogenic", "germline", "methylation", "variant", "mutation" or "alteration" in its alteration or just before it;
  // each of those comes from the text's own words ("mutant" / "mutated" give "mutation", "promoter" + a c. change
  // "promoter mutation", a list's statement starting with "test" the default "mutation"): without one, nothing
  if (genes.every((m) => isGermlineOnly(m[2] as string)) && !GERMLINE_ONLY_WORDS.test(s) && !s.includes('POLEmut')) return [];
  // "Reflex BRAF V600E and MLH1 promoter methylation testing ordered": tests ordered, no result stated
  if (ORDERED_TESTS.test(s) && !DETECTED.test(s) && !NOT_DETECTED.test(s)) return [];
  const out: Candidate[] = [];
  // "EGFR, ALK, ROS1, BRAF or MET: negative", "No EGFR, KRAS or BRAF alterations": a list shares its statement
  const sharedFrom: number[] = genes.map((_, n) => n);
  for (let n = genes.length - 2; n >= 0; n--) {
    const here = genes[n] as RegExpMatchArray;
    const between = s.slice((here.index ?? 0) + here[0].length, genes[n + 1]?.index);
    if (/^\s*(?:,|\/|and|or|,\s*(?:and|or))\s*$/.test(between)) sharedFrom[n] = sharedFrom[n + 1] as number;
  }
  genes.forEach((m, n) => {
    const start = m.index ?? 0;
    const segEnd = genes[n + 1]?.index ?? s.length;
    const segment = s.slice(start, segEnd);
    const partner = m[1];
    const gene = m[2] === NTRK_FAMILY ? 'NTRK' : (m[2] as string);
    let parsed = parseSegment(segment, gene, partner, m[0].length);
    const last = genes[sharedFrom[n] as number] as RegExpMatchArray;
    if (last !== m) {
      const shared = s.slice((last.index ?? 0) + last[0].length, genes[(sharedFrom[n] as number) + 1]?.index ?? s.length);
      const lastParsed = parseSegment(`${gene}${shared}`, gene, partner, gene.length);
      if (lastParsed) {
        const alteration = lastParsed.value.alteration && !/^exon|^[A-Z]\d/.test(lastParsed.value.alteration) ? lastParsed.value.alteration : FUSION_GENES.has(gene) ? 'rearrangement' : 'mutation';
        parsed = { value: { gene, alteration }, end: m[0].length, ...(lastParsed.notDetectedWord ? { notDetectedWord: true } : lastParsed.detectedWord ? { detectedWord: true } : {}) };
      }
    }
    // "no pathogenic variants in BRCA1, BRCA2, PALB2": the type stated before the list
    const first = genes[genes.findIndex((_, k) => sharedFrom[k] === sharedFrom[n])] as RegExpMatchArray;
    const typeBefore = TYPE_BEFORE_LIST.exec(s.slice(Math.max(0, (first.index ?? 0) - 60), first.index));
    if (typeBefore && (!parsed || !parsed.value.alteration)) parsed = { value: { gene, alteration: typeWord(typeBefore[1] as string) }, end: m[0].length, ...(parsed?.notDetectedWord ? { notDetectedWord: true } : {}) };
    if (!parsed) return;
    // MLH1/MSH2/... "loss" is an IHC result (read as MMR); only germline variants and methylation are alterations here
    if ((GERMLINE_ONLY_GENES as readonly string[]).includes(gene) && !/pathogenic|germline|methylation|variant|mutation|alteration/i.test(`${parsed.value.alteration ?? ''} ${s.slice(Math.max(0, start - 12), start)}`)) return;
    // "germline MSH6 variant", "germline MSH2 or EPCAM alteration"
    if (parsed.value.alteration && /^(?:variant|alteration|mutation)$/.test(parsed.value.alteration) && /\bgermline\s+$/i.test(s.slice(Math.max(0, (first.index ?? 0) - 12), first.index))) parsed.value = { ...parsed.value, alteration: `germline ${parsed.value.alteration}` };
    // "germline ATM negative", "BRCA1/2 germline testing negative": germline testing reports pathogenic variants
    if (!parsed.value.alteration && (/\bgermline\s+$/i.test(s.slice(Math.max(0, start - 12), start)) || /^[\/\d\s]*germline\b/i.test(s.slice(start + m[0].length, start + m[0].length + 30)))) parsed.value = { ...parsed.value, alteration: 'pathogenic variant' };
    const synoptic = unit.label !== undefined && start < unit.label.span.end - unit.span.start;
    const wordsSpan = subSpan(unit, start, start + parsed.end);
    // "POLE: p.P286R detected -> POLE-mutant (POLEmut) subtype": the restatement after a label line's result is a
    // statement of its own (rule C6), kept beside the line's synoptic reading
    const restated = !synoptic && unit.label !== undefined && RESTATED_MUTANT.test(s.slice(start + m[0].length - 1, start + m[0].length + 9));
    // (parsed.value is this iteration's own new object: completed in place, not copied — "detected" still comes last)
    const value = parsed.value as Gene;
    value.detected = parsed.notDetectedWord ? false : parsed.detectedWord ? true : null;
    out.push({
      kind: 'gene-alteration',
      value,
      span: synoptic ? lineSpan(unit) : wordsSpan,
      target: wordsSpan,
      key: `gene-alteration/${gene}/${value.alteration ?? 'any'}`,
      source: synoptic || restated ? 'synoptic' : 'prose',
      ...(parsed.notDetectedWord ? { negatedByValue: true } : {}),
    });
  });
  // "Diagnosis of POLEmut endometrioid carcinoma": the subtype's short name (not "(POLEmut)" after a restatement,
  // not a FIGO stage string such as "IAm-POLEmut")
  if (s.includes('POLEmut')) {
    for (const m of allMatches(s, POLEMUT)) {
      const start = m.index ?? 0;
      if (/(?:[-\w]|\(\s*)$/.test(s.slice(Math.max(0, start - 2), start)) || /POLE-mut\w*\W{0,6}$/.test(s.slice(Math.max(0, start - 20), start))) continue;
      const span = subSpan(unit, start, start + m[0].length);
      out.push({ kind: 'gene-alteration', value: { gene: 'POLE', alteration: 'mutation', detected: true }, span, target: span, key: 'gene-alteration/POLE/mutation', source: 'prose' });
    }
  }
  return out;
}

/**
 * "If methylation is absent, germline testing ...", "if unmethylated, ...": a comment's plan that depends on the MLH1
 * promoter methylation result not yet known — the alteration, hypothetical ("if", ConText) and denied. Only where the
 * text just before names MLH1 methylation (the test a mismatch-repair comment means by "methylation").
 */
const CONDITIONAL_METHYLATION = /\bif\s+(?:(?:MLH1\s+)?(?:promoter\s+)?(methylation)\s+(?:is|was)\s+(?:absent|negative|not detected|not present)|(unmethylated))\b/gi;
const MLH1_METHYLATION_BEFORE = /\bMLH1\b[^.]{0,60}methylat|methylat[^.]{0,40}\bMLH1\b/i;

export function conditionalMethylationOf(unit: ExtractionUnit): Candidate[] {
  const s = sliceOf(unit);
  const out: Candidate[] = [];
  for (const m of allMatches(s, CONDITIONAL_METHYLATION)) {
    const start = m.index ?? 0;
    const at = unit.span.start + start;
    if (!MLH1_METHYLATION_BEFORE.test(unit.text.slice(Math.max(0, at - 300), at))) continue;
    const word = (m[1] ?? m[2]) as string;
    const wordAt = start + m[0].lastIndexOf(word);
    out.push({ kind: 'gene-alteration', value: { gene: 'MLH1', alteration: 'promoter hypermethylation', detected: false }, span: subSpan(unit, start, start + m[0].length), target: subSpan(unit, wordAt, wordAt + word.length), key: 'gene-alteration/MLH1', source: 'prose', negatedByValue: true });
  }
  return out;
}
