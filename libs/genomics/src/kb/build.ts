/**
 * Builds the local actionability KB from a CIViC release's TSV files (see scripts/build-civic-kb.ts for the
 * command). Deterministic: the same files give the same bytes (records sorted by id, keys in a fixed order, no
 * build time in the output). The version is the source, its release date and the sha256 of the content.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HgvsVariant, NucleotidePosition } from '../hgvs/ast';
import { parseHgvs, tryParseVariantName, type VariantName } from '../hgvs/shorthand';
import { normalizeDoid } from './diseases';
import { readCivicTsv, type TsvLineIssue, type TsvRow } from './civic-tsv';
import {
  KB_SCHEMA_VERSION,
  type ActionabilityKb,
  type EvidenceLevel,
  type KbAssertion,
  type KbCoordinates,
  type KbEvidence,
  type KbExonRange,
  type KbGene,
  type KbMeta,
  type KbVariant,
  type KbVariantGroup,
} from './types';

const MONTHS: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

/** "01-Aug-2021" → "2021-08-01" */
export function civicReleaseDate(release: string): string {
  const m = /^(\d{2})-([A-Z][a-z]{2})-(\d{4})$/.exec(release);
  if (!m || !MONTHS[m[2]!]) throw new Error(`release ${JSON.stringify(release)}: expected a CIViC release name like "01-Aug-2021"`);
  return `${m[3]}-${MONTHS[m[2]!]}-${m[1]}`;
}

export const CIVIC_FILES = ['ClinicalEvidenceSummaries', 'VariantSummaries', 'AssertionSummaries', 'GeneSummaries', 'VariantGroupSummaries'] as const;

const REQUIRED: Record<(typeof CIVIC_FILES)[number], string[]> = {
  ClinicalEvidenceSummaries: [
    'gene', 'entrez_id', 'variant', 'disease', 'doid', 'phenotypes', 'drugs', 'drug_interaction_type', 'evidence_type', 'evidence_direction',
    'evidence_level', 'clinical_significance', 'evidence_statement', 'citation_id', 'source_type', 'asco_abstract_id', 'citation', 'nct_ids',
    'rating', 'evidence_status', 'evidence_id', 'variant_id', 'variant_origin', 'last_review_date', 'evidence_civic_url',
  ],
  VariantSummaries: [
    'variant_id', 'variant_civic_url', 'gene', 'entrez_id', 'variant', 'variant_groups', 'chromosome', 'start', 'stop', 'reference_bases',
    'variant_bases', 'representative_transcript', 'reference_build', 'chromosome2', 'start2', 'stop2', 'representative_transcript2',
    'variant_types', 'hgvs_expressions', 'variant_aliases', 'assertion_ids',
  ],
  AssertionSummaries: [
    'gene', 'entrez_id', 'variant', 'disease', 'doid', 'drugs', 'assertion_type', 'assertion_direction', 'clinical_significance', 'acmg_codes',
    'amp_category', 'nccn_guideline', 'nccn_guideline_version', 'regulatory_approval', 'fda_companion_test', 'assertion_summary',
    'assertion_id', 'evidence_item_ids', 'variant_id', 'last_review_date', 'assertion_civic_url',
  ],
  GeneSummaries: ['gene_id', 'name', 'entrez_id'],
  VariantGroupSummaries: ['variant_group_id', 'variant_group', 'description'],
};

export interface CivicKbBuildResult {
  kb: ActionabilityKb;
  /** the KB file's text (what `writeFileSync` should write) */
  text: string;
}

/**
 * Reads `<dir>/<release>-<File>.tsv` for the five CIViC files and builds the KB. Throws (naming file and line) when
 * a file or a required column is missing; bad rows are skipped and listed in `kb.meta.build`.
 */
export function buildCivicKb(dir: string, release: string): CivicKbBuildResult {
  const sourceDate = civicReleaseDate(release);
  const rejected: TsvLineIssue[] = [];
  const repaired: TsvLineIssue[] = [];
  const inputs: KbMeta['inputs'] = [];
  const tables = {} as Record<(typeof CIVIC_FILES)[number], TsvRow[]>;
  for (const name of CIVIC_FILES) {
    const file = `${release}-${name}.tsv`;
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, file));
    } catch (e) {
      throw new Error(`${join(dir, file)}: cannot read the CIViC file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const r = readCivicTsv(file, bytes.toString('utf8'), REQUIRED[name]);
    rejected.push(...r.rejected);
    repaired.push(...r.repaired);
    inputs.push({ file, sha256: sha256(bytes), rows: r.rows.length });
    tables[name] = r.rows;
  }

  const genes: KbGene[] = tables.GeneSummaries.map(({ fields: f }) => ({ entrezId: int(f.entrez_id), symbol: f.name!, civicGeneId: int(f.gene_id) })).sort(
    (a, b) => a.entrezId - b.entrezId,
  );

  const unparsedVariants: KbMeta['build']['unparsedVariants'] = [];
  const variants: KbVariant[] = [];
  for (const { fields: f } of tables.VariantSummaries) {
    const v = variantFromRow(f);
    if (!v.parsed) unparsedVariants.push({ variantId: v.civicVariantId, gene: v.gene, name: v.name, error: v.parseError ?? '' });
    variants.push(v);
  }
  variants.sort((a, b) => a.civicVariantId - b.civicVariantId);
  for (const v of variants) {
    const range = exonRangeOf(v, variants);
    if (range) v.exonRange = range;
  }
  unparsedVariants.sort((a, b) => a.variantId - b.variantId);

  let evidence = tables.ClinicalEvidenceSummaries.map(({ fields }) => evidenceFromRow(fields)).sort((a, b) => a.evidenceId - b.evidenceId);
  let assertions = tables.AssertionSummaries.map(({ fields }) => assertionFromRow(fields)).sort((a, b) => a.assertionId - b.assertionId);
  // A row's variant_id must name a variant of the row's gene with the row's variant name. CIViC 01-Aug-2021 has
  // one that does not (assertion 2, ERBB2 AMPLIFICATION, points at variant 18, CCND1 AMPLIFICATION): such a row is
  // re-pointed at the one variant with its gene and name, and reported; with none or several, it is reported and
  // left as it is.
  const byId = new Map(variants.map((v) => [v.civicVariantId, v]));
  const byGeneName = new Map<string, KbVariant[]>();
  for (const v of variants) push(byGeneName, `${v.entrezId}\t${v.name}`, v);
  const fileOf = (r: KbEvidence | KbAssertion) => ('evidenceId' in r ? `${release}-ClinicalEvidenceSummaries.tsv` : `${release}-AssertionSummaries.tsv`);
  const lineOf = new Map<KbEvidence | KbAssertion, number>();
  tables.ClinicalEvidenceSummaries.forEach((row) => lineOf.set(evidenceAt(evidence, int(row.fields.evidence_id)), row.line));
  tables.AssertionSummaries.forEach((row) => lineOf.set(assertions.find((a) => a.assertionId === int(row.fields.assertion_id))!, row.line));
  const inconsistencies: KbMeta['build']['repairedLines'] = [];
  const dropped = new Set<KbEvidence | KbAssertion>();
  for (const r of [...evidence, ...assertions]) {
    const v = byId.get(r.civicVariantId);
    if (v && v.entrezId === r.entrezId && v.name === r.variant) continue;
    const candidates = byGeneName.get(`${r.entrezId}\t${r.variant}`) ?? [];
    const what = 'evidenceId' in r ? `evidence ${r.evidenceId}` : `assertion ${r.assertionId}`;
    const was = v ? `variant ${v.civicVariantId} (${v.gene} ${v.name})` : `variant ${r.civicVariantId} (not in VariantSummaries)`;
    if (candidates.length === 1) {
      inconsistencies.push({ file: fileOf(r), line: lineOf.get(r) ?? 0, reason: `${what} (${r.gene} ${r.variant}): variant_id pointed at ${was}; re-pointed at variant ${candidates[0]!.civicVariantId}, the one ${r.gene} ${r.variant}` });
      r.civicVariantId = candidates[0]!.civicVariantId;
    } else {
      // a record pointing at the wrong variant would match the wrong patients: left out
      rejected.push({ file: fileOf(r), line: lineOf.get(r) ?? 0, reason: `${what} (${r.gene} ${r.variant}): variant_id points at ${was} and ${candidates.length} variants have its gene and name; left out` });
      dropped.add(r);
    }
  }
  repaired.push(...inconsistencies);
  if (dropped.size) {
    evidence = evidence.filter((e) => !dropped.has(e));
    assertions = assertions.filter((a) => !dropped.has(a));
  }
  const variantGroups: KbVariantGroup[] = tables.VariantGroupSummaries.map(({ fields: f }) => ({
    variantGroupId: int(f.variant_group_id),
    name: f.variant_group!,
    description: f.description ?? '',
  })).sort((a, b) => a.variantGroupId - b.variantGroupId);

  // plain code-unit order, not the locale's: the bytes must not depend on the machine
  const byFileLine = (a: TsvLineIssue, b: TsvLineIssue) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
  rejected.sort(byFileLine);
  repaired.sort(byFileLine);
  const data = { genes, variants, evidence, assertions, variantGroups };
  const contentSha256 = sha256(Buffer.from(serializeSections(data), 'utf8'));
  const meta: KbMeta = {
    schemaVersion: KB_SCHEMA_VERSION,
    source: 'CIViC',
    release,
    sourceDate,
    license: 'CC0 1.0 (CIViC data); this file: same',
    sourceUrl: `https://civicdb.org/releases (${release} TSV release)`,
    contentSha256,
    version: kbVersion('CIViC', sourceDate, contentSha256),
    inputs,
    counts: {
      genes: genes.length,
      variants: variants.length,
      variantsParsed: variants.filter((v) => v.parsed).length,
      evidence: evidence.length,
      assertions: assertions.length,
      variantGroups: variantGroups.length,
    },
    build: { rejectedLines: rejected, repairedLines: repaired, unparsedVariants },
  };
  const kb: ActionabilityKb = { meta, ...data };
  return { kb, text: serializeKb(kb) };
}

export function kbVersion(source: string, sourceDate: string, contentSha256: string): string {
  return `${source.toLowerCase()}-${sourceDate}+sha256.${contentSha256.slice(0, 12)}`;
}

type Sections = Omit<ActionabilityKb, 'meta'>;
const SECTION_NAMES = ['genes', 'variants', 'evidence', 'assertions', 'variantGroups'] as const;

/** The data sections, one record per line (what the content hash covers). */
export function serializeSections(s: Sections): string {
  return SECTION_NAMES.map((name) => `${JSON.stringify(name)}: [\n${(s[name] as unknown[]).map((r) => JSON.stringify(r)).join(',\n')}\n]`).join(',\n');
}

/** The KB file: meta first, then one record per line, so diffs between releases are readable. */
export function serializeKb(kb: ActionabilityKb): string {
  return `{\n"meta": ${JSON.stringify(kb.meta, null, 1)},\n${serializeSections(kb)}\n}\n`;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

// ───────────────────────────── rows → records ─────────────────────────────

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function evidenceAt(list: KbEvidence[], id: number): KbEvidence {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = list[mid]!;
    if (e.evidenceId === id) return e;
    if (e.evidenceId < id) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new Error(`evidence ${id} not found`);
}

function int(s: string | undefined): number {
  const n = Number(s);
  if (!Number.isInteger(n)) throw new Error(`expected an integer, found ${JSON.stringify(s)}`);
  return n;
}

function list(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '' && x !== 'N/A');
}

function opt(s: string | undefined): string | undefined {
  return s === undefined || s === '' || s === 'N/A' ? undefined : s;
}

function doid(s: string | undefined): string | undefined {
  return s && /^\d+$/.test(s) ? normalizeDoid(s) : undefined;
}

function coordinatesOf(f: Record<string, string>): KbCoordinates | undefined {
  if (!f.chromosome || !f.start || !f.stop) return undefined;
  return {
    build: f.reference_build || 'unknown',
    chromosome: f.chromosome,
    start: int(f.start),
    stop: int(f.stop),
    ...(f.reference_bases ? { ref: f.reference_bases } : {}),
    ...(f.variant_bases ? { alt: f.variant_bases } : {}),
    ...(f.representative_transcript ? { transcript: f.representative_transcript } : {}),
    ...(f.chromosome2 ? { chromosome2: f.chromosome2 } : {}),
    ...(f.start2 ? { start2: int(f.start2) } : {}),
    ...(f.stop2 ? { stop2: int(f.stop2) } : {}),
    ...(f.representative_transcript2 ? { transcript2: f.representative_transcript2 } : {}),
  };
}

/** Checks that the genes a parsed name states are the row's gene (a fusion's other partner aside). */
function geneMismatch(v: VariantName, rowGene: string): string | undefined {
  if (v.kind === 'compound') {
    for (const p of v.parts) {
      const e = geneMismatch(p, rowGene);
      if (e) return e;
    }
    return undefined;
  }
  if (v.kind === 'fusion') {
    const named = [v.fivePrime, v.threePrime, v.gene].filter((g): g is string => !!g);
    if (named.length && !named.some((g) => sameGeneAsRow(g, rowGene))) return `names the fusion ${named.join('-')}, which does not include the row's gene ${rowGene}`;
    return undefined;
  }
  if ('gene' in v && v.gene && !sameGeneAsRow(v.gene, rowGene)) return `names the gene ${v.gene}, but the row's gene is ${rowGene}`;
  return undefined;
}

/**
 * Whether a gene as written in a CIViC variant name is the row's gene: the same symbol in any case, or the symbol
 * without its trailing number as older fusion names write it ("BCR-ABL" under ABL1).
 */
export function sameGeneAsRow(written: string, rowGene: string): boolean {
  const w = written.toUpperCase();
  const g = rowGene.toUpperCase();
  return w === g || (g.startsWith(w) && /^\d+$/.test(g.slice(w.length)));
}

function variantFromRow(f: Record<string, string>): KbVariant {
  const name = f.variant!;
  const gene = f.gene!;
  const r = tryParseVariantName(name);
  let parsed: VariantName | null = r.ok ? r.value : null;
  let parseError = r.ok ? undefined : r.error.message;
  if (parsed) {
    const mismatch = geneMismatch(parsed, gene);
    if (mismatch) {
      parseError = `${JSON.stringify(name)}: ${mismatch}`;
      parsed = null;
    }
  }
  const coordinates = coordinatesOf(f);
  return {
    civicVariantId: int(f.variant_id),
    gene,
    entrezId: int(f.entrez_id),
    name,
    parsed,
    ...(parseError ? { parseError } : {}),
    variantTypes: list(f.variant_types),
    hgvsExpressions: list(f.hgvs_expressions),
    aliases: list(f.variant_aliases),
    groups: list(f.variant_groups),
    ...(coordinates ? { coordinates } : {}),
    civicUrl: f.variant_civic_url ?? '',
  };
}

function evidenceFromRow(f: Record<string, string>): KbEvidence {
  const level = f.evidence_level as EvidenceLevel;
  if (!['A', 'B', 'C', 'D', 'E'].includes(level)) throw new Error(`evidence ${f.evidence_id}: expected a level A–E, found ${JSON.stringify(level)}`);
  const source = f.source_type ?? '';
  const id = f.citation_id ?? '';
  const d = doid(f.doid);
  return {
    evidenceId: int(f.evidence_id),
    civicVariantId: int(f.variant_id),
    gene: f.gene!,
    entrezId: int(f.entrez_id),
    variant: f.variant!,
    disease: { name: f.disease ?? '', ...(d ? { doid: d } : {}) },
    phenotypes: list(f.phenotypes),
    therapies: list(f.drugs),
    ...(opt(f.drug_interaction_type) ? { therapyInteraction: f.drug_interaction_type } : {}),
    evidenceType: f.evidence_type ?? '',
    direction: f.evidence_direction ?? '',
    significance: f.clinical_significance ?? '',
    level,
    ...(f.rating ? { rating: int(f.rating) } : {}),
    statement: f.evidence_statement ?? '',
    citation: {
      source,
      id,
      ...(source === 'PubMed' ? { pubmedId: id } : {}),
      ...(opt(f.asco_abstract_id) ? { ascoAbstractId: f.asco_abstract_id } : {}),
      text: f.citation ?? '',
      url: source === 'PubMed' ? `https://pubmed.ncbi.nlm.nih.gov/${id}/` : f.evidence_civic_url ?? '',
    },
    nctIds: list(f.nct_ids),
    ...(opt(f.variant_origin) ? { variantOrigin: f.variant_origin } : {}),
    ...(opt(f.last_review_date) ? { lastReviewDate: f.last_review_date } : {}),
    civicUrl: f.evidence_civic_url ?? '',
  };
}

function assertionFromRow(f: Record<string, string>): KbAssertion {
  const amp = opt(f.amp_category);
  const m = amp ? /^Tier (I{1,3}|IV)(?: - Level ([A-D]))?/.exec(amp) : null;
  const d = doid(f.doid);
  const bool = (s: string | undefined) => (s === 'true' ? true : s === 'false' ? false : undefined);
  const regulatoryApproval = bool(f.regulatory_approval);
  const fdaCompanionTest = bool(f.fda_companion_test);
  return {
    assertionId: int(f.assertion_id),
    civicVariantId: int(f.variant_id),
    gene: f.gene!,
    entrezId: int(f.entrez_id),
    variant: f.variant!,
    disease: { name: f.disease ?? '', ...(d ? { doid: d } : {}) },
    therapies: list(f.drugs),
    assertionType: f.assertion_type ?? '',
    direction: f.assertion_direction ?? '',
    significance: f.clinical_significance ?? '',
    ...(amp ? { ampCategory: amp } : {}),
    ...(m ? { ampTier: m[1] as KbAssertion['ampTier'] } : {}),
    ...(m?.[2] ? { ampLevel: m[2] } : {}),
    acmgCodes: list(f.acmg_codes),
    ...(opt(f.nccn_guideline) ? { nccnGuideline: f.nccn_guideline } : {}),
    ...(opt(f.nccn_guideline_version) ? { nccnGuidelineVersion: f.nccn_guideline_version } : {}),
    ...(regulatoryApproval !== undefined ? { regulatoryApproval } : {}),
    ...(fdaCompanionTest !== undefined ? { fdaCompanionTest } : {}),
    summary: f.assertion_summary ?? '',
    evidenceIds: list(f.evidence_item_ids).map(int).sort((a, b) => a - b),
    ...(opt(f.last_review_date) ? { lastReviewDate: f.last_review_date } : {}),
    civicUrl: f.assertion_civic_url ?? '',
  };
}

// ───────────────────────────── exon ranges ─────────────────────────────

const COMPLEMENT: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A' };

function codonsOf(cds: [number, number]): [number, number] | undefined {
  const first = Math.max(1, cds[0]);
  if (cds[1] < 1 || first > cds[1]) return undefined;
  return [Math.ceil(first / 3), Math.ceil(cds[1] / 3)];
}

function cdsBase(p: NucleotidePosition): number | undefined {
  return p.base !== null && p.datum === 'start' ? p.base : undefined;
}

/**
 * Where an exon-level variant ("EXON 19 DELETION") lies: from its own c. range in CIViC's HGVS expressions, else
 * from its GRCh37 coordinates mapped to c. through a CIViC point variant of the same gene inside them (single exons
 * up to 5 kb only, and all such anchors must agree), else its genomic range alone.
 */
function exonRangeOf(v: KbVariant, all: KbVariant[]): KbExonRange | undefined {
  if (!v.parsed || v.parsed.kind !== 'exon' || v.parsed.region !== 'exon') return undefined;
  const extent: KbExonRange['extent'] = v.variantTypes.includes('exon_loss_variant') ? 'whole-exon' : 'within';
  const genomic = v.coordinates && v.coordinates.build === 'GRCh37' ? { build: 'GRCh37', chromosome: v.coordinates.chromosome, start: v.coordinates.start, stop: v.coordinates.stop } : undefined;
  // 1. the variant's own c. range
  for (const expr of v.hgvsExpressions) {
    let h: HgvsVariant;
    try {
      h = parseHgvs(expr);
    } catch {
      continue;
    }
    if (h.type !== 'c' || h.posedit.location.kind !== 'interval') continue;
    const loc = h.posedit.location;
    const s = cdsBase(loc.start);
    const e = loc.end ? cdsBase(loc.end) : s;
    if (s === undefined || e === undefined) continue;
    const cds: [number, number] = [s, e];
    const codons = codonsOf(cds);
    return { cds, ...(codons ? { codons } : {}), ...(h.reference ? { transcript: h.reference } : {}), ...(genomic ? { genomic } : {}), derivedFrom: 'variant-hgvs', extent };
  }
  if (!genomic) return undefined;
  // 2. anchored on a point variant inside the exon
  const transcript = v.coordinates?.transcript;
  if (v.parsed.first === v.parsed.last && transcript && genomic.stop - genomic.start <= 5000) {
    const derived = new Map<string, { cds: [number, number]; anchor: string }>();
    for (const o of all) {
      if (o.entrezId !== v.entrezId || o === v) continue;
      const g = o.hgvsExpressions.map((x) => /^NC_0+(\d+|X|Y)\.\d+:g\.(\d+)([ACGT])>([ACGT])$/.exec(x)).find((m) => m);
      const cExpr = o.hgvsExpressions.find((x) => x.startsWith(`${transcript}:c.`) && /:c\.\d+[ACGT]>[ACGT]$/.test(x));
      const c = cExpr ? /:c\.(\d+)([ACGT])>([ACGT])$/.exec(cExpr) : null;
      if (!g || !c) continue;
      const gPos = Number(g[2]);
      if (String(Number(g[1])) !== genomic.chromosome.replace(/^chr/, '') && g[1] !== genomic.chromosome) continue;
      if (gPos < genomic.start || gPos > genomic.stop) continue;
      const cPos = Number(c[1]);
      const plus = g[3] === c[2];
      const minus = COMPLEMENT[g[3]!] === c[2];
      if (!plus && !minus) continue;
      const cds: [number, number] = plus ? [cPos - (gPos - genomic.start), cPos + (genomic.stop - gPos)] : [cPos - (genomic.stop - gPos), cPos + (gPos - genomic.start)];
      derived.set(cds.join('_'), { cds, anchor: `${o.name} (${g[0]}, ${cExpr})` });
    }
    if (derived.size === 1) {
      const { cds, anchor } = [...derived.values()][0]!;
      const codons = codonsOf(cds);
      return { cds, ...(codons ? { codons } : {}), transcript, genomic, derivedFrom: 'anchor', anchor, extent };
    }
  }
  return { genomic, derivedFrom: 'coordinates-only', extent };
}
