/**
 * Matching a patient's variants to the actionability KB, by gene and variant and by cancer type.
 *
 * Variant side — a KB variant (CIViC's name, parsed by hgvs/shorthand) matches a patient variant when:
 * - exact: the same protein change (from hgvsp), the same coding change (hgvsc), or the same GRCh37 allele
 *   (CIViC coordinates); a CIViC frameshift written without its new frame ("A149fs") matches any frameshift there;
 * - codon: "V600" matches any non-synonymous change of V600 (V600E, V600K...); "G12/G13" either codon;
 * - exon: "exon 19 deletion" matches an in-frame deletion (or a delins that loses residues) inside exon 19,
 *   "exon 20 insertion" an in-frame insertion or duplication, "exon N mutation" any protein-altering change there,
 *   "exon 14 skipping" a splice-site change at the exon's edges; exons that CIViC marks exon_loss_variant need the
 *   whole exon deleted. Exon positions come from CIViC itself (see KbExonRange): codons on its representative
 *   transcript, c. positions, or GRCh37 coordinates — the patient's hgvsp/hgvsc are assumed to be on the same
 *   (canonical) transcript;
 * - gene category: "mutation" any protein-altering change (a synonymous, intronic or UTR change is not one),
 *   "truncating"/"frameshift"/"loss-of-function" nonsense, frameshift, canonical splice, start loss (and for
 *   loss-of-function a gene deletion), "amplification"/"deletion" the copy-number kinds; expression, methylation,
 *   wild type, gain-of-function and domain-level categories never match a variant list (they need other data);
 * - fusion: "EML4-ALK" a fusion of those two genes in either order, "ALK fusion"/"fusion" any fusion of the gene;
 *   fusions named with breakpoint exons ("EML4-ALK E20;A20") need breakpoint data and do not match;
 * - compound: "V600E and amplification", "BCR-ABL T315I" — every part by some variant of the patient.
 * Nothing is inferred beyond this: no evidence is returned for a variant that matches none of it.
 *
 * Disease side — the evidence's disease (DOID, or name) against the patient's cancer conditions (ICD-10, SNOMED CT,
 * DOID, or names; see diseases.ts): same disease, a broader one (e.g. NSCLC evidence for lung adenocarcinoma,
 * "Cancer" / "Solid Tumor" evidence) or a subtype (HER2-positive breast cancer evidence for breast cancer) is
 * on-label; anything else is other-disease.
 *
 * Ranking: on-label first, then level A > B > C > D > E, then rating (5 → 1), then predictive evidence that supports
 * sensitivity, then the more specific match (exact > codon > exon/fusion > category), then evidence id.
 */
import type { HgvsVariant, ProteinEdit } from '../hgvs/ast';
import { formatHgvs } from '../hgvs/format';
import { parseHgvs, tryParseVariantName, type ProteinChange, type VariantName } from '../hgvs/shorthand';
import { sameGeneAsRow } from './build';
import { CANCER_DOID, DISEASE_TERMS, ICD10_TO_DOID, SNOMED_MAPPING_NOTES, SNOMED_NOT_A_DIAGNOSIS, SNOMED_TO_DOID, SOLID_TUMOR, diseaseLineage, normalizeDoid } from './diseases';
import type { ActionabilityKb, EvidenceLevel, KbAssertion, KbCitation, KbEvidence, KbExonRange, KbVariant } from './types';

/**
 * One variant of the patient, as the knowledge base needs it. The lead adapts the VCF/FHIR `SomaticVariant`
 * (vcf/types.ts) to this: gene already resolved to the official HGNC symbol (and Entrez id when known).
 */
export interface MatchableVariant {
  /** the caller's handle for this variant (e.g. the VCF variant key or "Observation/123"); echoed in matches */
  ref?: string;
  /** official HGNC symbol */
  geneSymbol: string;
  entrezId?: number;
  /** "p.Val600Glu", "p.V600E", "ENSP00000288602.6:p.Val600Glu", "p.(Val600Glu)" */
  hgvsp?: string;
  /** "c.1799T>A", "NM_004333.4:c.1799T>A" */
  hgvsc?: string;
  /** Sequence Ontology terms ("missense_variant"), as VEP/SnpEff write them ('&'-joined accepted) */
  consequence?: string | string[];
  kind: 'snv' | 'indel' | 'mnv' | 'cnv-amplification' | 'cnv-deletion' | 'fusion' | 'sv';
  /** the other gene of a fusion (official symbol; aliases go through `resolveGeneSymbol`) */
  fusionPartner?: string;
  /** which end of the fusion geneSymbol is, when known; matching accepts either order */
  fusionRole?: "5'" | "3'";
  /** the allele, VCF style (an indel keeps its anchor base); only GRCh37 is compared with CIViC's coordinates */
  genomic?: { assembly: 'GRCh37' | 'GRCh38'; chrom: string; pos: number; ref: string; alt: string };
  /** "rs113488022" */
  dbsnpId?: string;
}

export interface PatientCancerContext {
  /** codings of the patient's cancer Conditions (Condition.code.coding): ICD-10(-CM), SNOMED CT or DOID */
  codings?: { system?: string; code?: string; display?: string }[];
  /** diagnoses as names ("lung adenocarcinoma", "NSCLC") */
  names?: string[];
}

export interface MatchOptions {
  cancer?: PatientCancerContext;
  /** official symbol for a symbol or alias (e.g. the gene table's resolve): used on fusion partners named in CIViC */
  resolveGeneSymbol?: (symbol: string) => string | undefined;
}

export type MatchKind = 'exact-protein' | 'exact-coding' | 'exact-genomic' | 'dbsnp' | 'codon' | 'exon' | 'fusion' | 'gene-category' | 'compound';

export type DiseaseRelation = 'same' | 'subtype' | 'broader' | 'other' | 'unknown';

export interface KbStamp {
  source: string;
  release: string;
  sourceDate: string;
  version: string;
}

export interface EvidenceMatch {
  kb: KbStamp;
  evidenceId: number;
  evidenceUrl: string;
  /** `ref` (or index) of each patient variant that makes the match */
  variantRefs: string[];
  gene: string;
  civicVariant: { id: number; name: string; url: string };
  matchedBy: MatchKind;
  /** in words: "p.Val600Glu is CIViC's V600E (same protein change)" */
  why: string;
  disease: { name: string; doid?: string; relation: DiseaseRelation; onLabel: boolean; patientDisease?: string };
  evidenceType: string;
  direction: string;
  significance: string;
  level: EvidenceLevel;
  rating?: number;
  therapies: string[];
  therapyInteraction?: string;
  statement: string;
  citation: KbCitation;
  nctIds: string[];
  /** CIViC assertions that cite this evidence item (with their AMP/ASCO/CAP tier) */
  assertions: { assertionId: number; ampCategory?: string; ampTier?: string; ampLevel?: string; url: string }[];
}

export interface AssertionMatch {
  kb: KbStamp;
  assertionId: number;
  url: string;
  variantRefs: string[];
  gene: string;
  civicVariant: { id: number; name: string };
  matchedBy: MatchKind;
  why: string;
  disease: { name: string; doid?: string; relation: DiseaseRelation; onLabel: boolean };
  assertionType: string;
  direction: string;
  significance: string;
  ampCategory?: string;
  ampTier?: string;
  ampLevel?: string;
  therapies: string[];
  summary: string;
  evidenceIds: number[];
}

export interface PatientMatchResult {
  kb: KbStamp;
  /** the patient's cancer as understood: each input code or name and the disease it maps to (or why not) */
  patientDiseases: { input: string; doid?: string; name?: string; note?: string }[];
  evidence: EvidenceMatch[];
  assertions: AssertionMatch[];
  /** hgvsp/hgvsc strings that did not parse (the variant was still matched by its other fields) */
  warnings: string[];
}

// ───────────────────────────── the matcher ─────────────────────────────

interface Hit {
  kind: MatchKind;
  why: string;
}

interface PatientVariantFacts {
  v: MatchableVariant;
  ref: string;
  gene: string;
  protein?: ProteinChange;
  proteinSynonymousOrNone?: boolean;
  coding?: HgvsVariant;
  consequences: Set<string>;
  /** GRCh37 allele without the VCF anchor base: [start, end] (end < start for an insertion between bases) */
  g37?: { chrom: string; start: number; end: number; ref: string; alt: string };
}

const PROTEIN_ALTERING = new Set([
  'missense_variant', 'stop_gained', 'stop_lost', 'start_lost', 'frameshift_variant', 'inframe_insertion', 'inframe_deletion',
  'protein_altering_variant', 'splice_acceptor_variant', 'splice_donor_variant', 'disruptive_inframe_deletion', 'disruptive_inframe_insertion',
  'conservative_inframe_deletion', 'conservative_inframe_insertion', 'exon_loss_variant', 'initiator_codon_variant', 'stop_retained_variant_not',
]);
const LEVEL_ORDER: Record<EvidenceLevel, number> = { A: 0, B: 1, C: 2, D: 3, E: 4 };
const SPECIFICITY: Record<MatchKind, number> = { 'exact-protein': 0, 'exact-coding': 0, 'exact-genomic': 0, dbsnp: 0, compound: 0, codon: 1, exon: 2, fusion: 2, 'gene-category': 3 };
const RELATION_ORDER: Record<DiseaseRelation, number> = { same: 0, subtype: 1, broader: 2, other: 3, unknown: 4 };

export class KbMatcher {
  readonly stamp: KbStamp;
  private readonly byGene = new Map<string, KbVariant[]>();
  private readonly evidenceByVariant = new Map<number, KbEvidence[]>();
  private readonly assertionsByVariant = new Map<number, KbAssertion[]>();
  private readonly assertionsByEvidence = new Map<number, KbAssertion[]>();
  private readonly diseaseByName = new Map<string, string>();

  constructor(readonly kb: ActionabilityKb) {
    this.stamp = { source: kb.meta.source, release: kb.meta.release, sourceDate: kb.meta.sourceDate, version: kb.meta.version };
    for (const v of kb.variants) {
      if (!v.parsed) continue;
      this.addGene(v.gene, v);
      this.addGene(`#${v.entrezId}`, v);
    }
    for (const e of kb.evidence) push(this.evidenceByVariant, e.civicVariantId, e);
    for (const a of kb.assertions) {
      push(this.assertionsByVariant, a.civicVariantId, a);
      for (const id of a.evidenceIds) push(this.assertionsByEvidence, id, a);
    }
    for (const t of DISEASE_TERMS.values()) {
      this.diseaseByName.set(t.name.toLowerCase(), t.id);
      for (const s of t.synonyms) this.diseaseByName.set(s.toLowerCase(), t.id);
    }
    for (const e of kb.evidence) if (e.disease.doid && !this.diseaseByName.has(e.disease.name.toLowerCase())) this.diseaseByName.set(e.disease.name.toLowerCase(), e.disease.doid);
  }

  private addGene(key: string, v: KbVariant): void {
    const k = key.toUpperCase();
    const list = this.byGene.get(k);
    if (list) {
      if (!list.includes(v)) list.push(v);
    } else this.byGene.set(k, [v]);
  }

  /** Matches all of one patient's variants (compounds need the whole set) against the KB, ranked. */
  matchPatient(variants: readonly MatchableVariant[], options: MatchOptions = {}): PatientMatchResult {
    const warnings: string[] = [];
    const resolve = (s: string) => (options.resolveGeneSymbol?.(s) ?? s).toUpperCase();
    // only variants of genes the KB knows are read further (their HGVS parsed): the rest cannot match anything
    const facts: PatientVariantFacts[] = [];
    variants.forEach((v, i) => {
      if (this.knowsGene(v, resolve)) facts.push(this.factsOf(v, i, warnings));
    });
    const { doids, report } = this.patientDiseases(options.cancer);

    // evidence id → match (several variants may reach the same evidence item; the most specific reason is kept)
    const hits = new Map<number, { kbVariant: KbVariant; hit: Hit; refs: Set<string> }>();
    const record = (kbVariant: KbVariant, hit: Hit, refs: string[]) => {
      const key = kbVariant.civicVariantId;
      const prev = hits.get(key);
      if (!prev) hits.set(key, { kbVariant, hit, refs: new Set(refs) });
      else {
        refs.forEach((r) => prev.refs.add(r));
        if (SPECIFICITY[hit.kind] < SPECIFICITY[prev.hit.kind]) prev.hit = hit;
      }
    };

    const compoundCandidates = new Set<KbVariant>();
    for (const f of facts) {
      const genes = [f.gene, ...(f.v.entrezId !== undefined ? [`#${f.v.entrezId}`] : [])];
      if (f.v.fusionPartner) genes.push(resolve(f.v.fusionPartner));
      const seen = new Set<KbVariant>();
      for (const g of genes) {
        for (const kv of this.byGene.get(g.toUpperCase()) ?? []) {
          if (seen.has(kv)) continue;
          seen.add(kv);
          if (kv.parsed!.kind === 'compound') {
            compoundCandidates.add(kv);
            continue;
          }
          if (!this.sameGene(f, kv) && kv.parsed!.kind !== 'fusion') continue;
          const hit = matchPart(kv.parsed!, kv, f, resolve);
          if (hit) record(kv, hit, [f.ref]);
        }
      }
    }
    for (const kv of compoundCandidates) {
      const parsed = kv.parsed as Extract<VariantName, { kind: 'compound' }>;
      const refs: string[] = [];
      const whys: string[] = [];
      let all = true;
      for (const part of parsed.parts) {
        const found = facts
          .filter((f) => this.sameGene(f, kv) || part.kind === 'fusion')
          .map((f) => ({ f, hit: matchPart(part, kv, f, resolve) }))
          .find((x) => x.hit);
        if (!found) {
          all = false;
          break;
        }
        refs.push(found.f.ref);
        whys.push(found.hit!.why);
      }
      if (all) record(kv, { kind: 'compound', why: `every part of CIViC's ${JSON.stringify(kv.name)} is present: ${whys.join('; ')}` }, refs);
    }

    const evidence: EvidenceMatch[] = [];
    const assertions: AssertionMatch[] = [];
    for (const { kbVariant, hit, refs } of hits.values()) {
      for (const e of this.evidenceByVariant.get(kbVariant.civicVariantId) ?? []) {
        const disease = this.relate(e.disease, doids);
        evidence.push({
          kb: this.stamp,
          evidenceId: e.evidenceId,
          evidenceUrl: e.civicUrl,
          variantRefs: [...refs].sort(),
          gene: e.gene,
          civicVariant: { id: kbVariant.civicVariantId, name: kbVariant.name, url: kbVariant.civicUrl },
          matchedBy: hit.kind,
          why: hit.why,
          disease: { name: e.disease.name, ...(e.disease.doid ? { doid: e.disease.doid } : {}), ...disease },
          evidenceType: e.evidenceType,
          direction: e.direction,
          significance: e.significance,
          level: e.level,
          ...(e.rating !== undefined ? { rating: e.rating } : {}),
          therapies: e.therapies,
          ...(e.therapyInteraction ? { therapyInteraction: e.therapyInteraction } : {}),
          statement: e.statement,
          citation: e.citation,
          nctIds: e.nctIds,
          assertions: (this.assertionsByEvidence.get(e.evidenceId) ?? []).map((a) => ({
            assertionId: a.assertionId,
            ...(a.ampCategory ? { ampCategory: a.ampCategory } : {}),
            ...(a.ampTier ? { ampTier: a.ampTier } : {}),
            ...(a.ampLevel ? { ampLevel: a.ampLevel } : {}),
            url: a.civicUrl,
          })),
        });
      }
      for (const a of this.assertionsByVariant.get(kbVariant.civicVariantId) ?? []) {
        const disease = this.relate(a.disease, doids);
        assertions.push({
          kb: this.stamp,
          assertionId: a.assertionId,
          url: a.civicUrl,
          variantRefs: [...refs].sort(),
          gene: a.gene,
          civicVariant: { id: kbVariant.civicVariantId, name: kbVariant.name },
          matchedBy: hit.kind,
          why: hit.why,
          disease: { name: a.disease.name, ...(a.disease.doid ? { doid: a.disease.doid } : {}), relation: disease.relation, onLabel: disease.onLabel },
          assertionType: a.assertionType,
          direction: a.direction,
          significance: a.significance,
          ...(a.ampCategory ? { ampCategory: a.ampCategory } : {}),
          ...(a.ampTier ? { ampTier: a.ampTier } : {}),
          ...(a.ampLevel ? { ampLevel: a.ampLevel } : {}),
          therapies: a.therapies,
          summary: a.summary,
          evidenceIds: a.evidenceIds,
        });
      }
    }
    evidence.sort(compareEvidence);
    assertions.sort(
      (a, b) =>
        Number(b.disease.onLabel) - Number(a.disease.onLabel) ||
        tierRank(a.ampTier) - tierRank(b.ampTier) ||
        ((a.ampLevel ?? 'Z') < (b.ampLevel ?? 'Z') ? -1 : (a.ampLevel ?? 'Z') > (b.ampLevel ?? 'Z') ? 1 : 0) ||
        a.assertionId - b.assertionId,
    );
    return { kb: this.stamp, patientDiseases: report, evidence, assertions, warnings };
  }

  private knowsGene(v: MatchableVariant, resolve: (s: string) => string): boolean {
    return (
      this.byGene.has(v.geneSymbol.toUpperCase()) ||
      (v.entrezId !== undefined && this.byGene.has(`#${v.entrezId}`)) ||
      (v.fusionPartner !== undefined && this.byGene.has(resolve(v.fusionPartner)))
    );
  }

  private sameGene(f: PatientVariantFacts, kv: KbVariant): boolean {
    if (f.v.entrezId !== undefined) return f.v.entrezId === kv.entrezId;
    return f.gene === kv.gene.toUpperCase();
  }

  private factsOf(v: MatchableVariant, index: number, warnings: string[]): PatientVariantFacts {
    const ref = v.ref ?? `#${index}`;
    const facts: PatientVariantFacts = {
      v,
      ref,
      gene: v.geneSymbol.toUpperCase(),
      consequences: new Set(
        (Array.isArray(v.consequence) ? v.consequence : (v.consequence ?? '').split(/[&,]/))
          .map((c) => c.trim().toLowerCase())
          .filter(Boolean),
      ),
    };
    if (v.hgvsp) {
      const text = v.hgvsp.replace(/%3D/gi, '=');
      const p = proteinOf(text);
      if (p === 'no-change') facts.proteinSynonymousOrNone = true;
      else if (p) {
        facts.protein = p;
        if (!isNonSynonymous(p)) facts.proteinSynonymousOrNone = true;
      } else warnings.push(`${ref}: hgvsp ${JSON.stringify(v.hgvsp)} is not a protein change this parser reads; matched without it`);
    }
    if (v.hgvsc) {
      try {
        const c = parseHgvs(v.hgvsc);
        if (c.type === 'c') facts.coding = c;
        else warnings.push(`${ref}: hgvsc ${JSON.stringify(v.hgvsc)} is not a c. description`);
      } catch (e) {
        warnings.push(`${ref}: hgvsc not read: ${(e as Error).message}`);
      }
    }
    if (v.genomic && v.genomic.assembly === 'GRCh37') {
      let { pos, ref: r, alt: a } = v.genomic;
      // drop the VCF anchor base (and any further shared leading bases)
      while (r.length > 0 && a.length > 0 && r[0] === a[0]) {
        r = r.slice(1);
        a = a.slice(1);
        pos++;
      }
      facts.g37 = { chrom: v.genomic.chrom.replace(/^chr/i, ''), start: pos, end: pos + r.length - 1, ref: r, alt: a };
    }
    return facts;
  }

  /** The patient's diseases (DOIDs with their lineage) and how each input was understood. */
  patientDiseases(ctx: PatientCancerContext | undefined): { doids: string[]; report: PatientMatchResult['patientDiseases'] } {
    const doids: string[] = [];
    const report: PatientMatchResult['patientDiseases'] = [];
    const add = (input: string, doid: string | undefined, note?: string) => {
      if (doid && !doids.includes(doid)) doids.push(doid);
      report.push({ input, ...(doid ? { doid, name: DISEASE_TERMS.get(doid)?.name ?? this.nameOf(doid) } : {}), ...(note ? { note } : {}) });
    };
    for (const c of ctx?.codings ?? []) {
      const code = (c.code ?? '').trim();
      const system = (c.system ?? '').toLowerCase();
      const input = `${c.system ?? '?'}|${code}${c.display ? ` (${c.display})` : ''}`;
      if (!code) continue;
      if (system.includes('icd-10') || system.includes('icd10')) {
        const key = code.toUpperCase();
        const prefix = Object.keys(ICD10_TO_DOID)
          .filter((p) => key.startsWith(p))
          .sort((a, b) => b.length - a.length)[0];
        add(input, prefix ? ICD10_TO_DOID[prefix] : undefined, prefix ? undefined : 'ICD-10 code not in the cancer table');
      } else if (system.includes('snomed')) {
        if (SNOMED_NOT_A_DIAGNOSIS.has(code)) add(input, undefined, 'not a cancer diagnosis (suspected or in situ)');
        else add(input, SNOMED_TO_DOID[code], SNOMED_TO_DOID[code] ? SNOMED_MAPPING_NOTES[code] : 'SNOMED CT code not in the cancer table');
      } else if (system.includes('doid') || /^DOID:/i.test(code)) {
        add(input, normalizeDoid(code), normalizeDoid(code) ? undefined : 'not a DOID');
      } else add(input, undefined, 'code system not used for cancer types');
    }
    for (const n of ctx?.names ?? []) {
      const d = this.diseaseByName.get(n.trim().toLowerCase());
      if (d) {
        add(n, d);
        continue;
      }
      // EHR diagnosis names are longer than KB disease names ("Primary malignant neoplasm of female left breast"):
      // read the organ (or tumour) word, and say so in the note.
      const organ = ORGAN_WORDS.find(([re]) => re.test(n));
      const doid = organ && (DISEASE_TERMS.has(organ[1]) || this.nameOf(organ[1])) ? organ[1] : undefined;
      add(n, doid, doid ? `read from the word "${organ![0].exec(n)![0]}" in the name` : 'name not in the disease table or the KB');
    }
    return { doids, report };
  }

  private nameOf(doid: string): string | undefined {
    for (const [name, id] of this.diseaseByName) if (id === doid) return name;
    return undefined;
  }

  private relate(disease: { name: string; doid?: string }, patient: string[]): { relation: DiseaseRelation; onLabel: boolean; patientDisease?: string } {
    if (patient.length === 0) return { relation: 'unknown', onLabel: false };
    const e = disease.doid ?? this.diseaseByName.get(disease.name.toLowerCase());
    let best: { relation: DiseaseRelation; patientDisease?: string } = { relation: 'other' };
    for (const p of patient) {
      let r: DiseaseRelation = 'other';
      if (e && e === p) r = 'same';
      else if (e && diseaseLineage(e).includes(p)) r = 'subtype';
      else if (e && diseaseLineage(p).includes(e)) r = 'broader';
      else if (!e && disease.name.toLowerCase() === (DISEASE_TERMS.get(p)?.name ?? '').toLowerCase()) r = 'same';
      if (RELATION_ORDER[r] < RELATION_ORDER[best.relation]) best = { relation: r, patientDisease: p };
    }
    return { ...best, onLabel: best.relation === 'same' || best.relation === 'subtype' || best.relation === 'broader' };
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function tierRank(t: string | undefined): number {
  return t === 'I' ? 1 : t === 'II' ? 2 : t === 'III' ? 3 : t === 'IV' ? 4 : 5;
}

function isPredictiveSensitivity(e: EvidenceMatch): boolean {
  return e.evidenceType === 'Predictive' && e.direction === 'Supports' && e.significance === 'Sensitivity/Response';
}

/** Organ and tumour words of diagnosis names, most specific first, with the DOID they name. */
const ORGAN_WORDS: [RegExp, string][] = [
  [/\bnon[- ]small[- ]cell\b/i, 'DOID:3908'],
  [/\bsmall[- ]cell lung\b/i, 'DOID:5409'],
  [/\blung\b/i, 'DOID:1324'],
  [/\bbreast\b/i, 'DOID:1612'],
  [/\b(colorectal|colon|rectum|rectal|sigmoid)\b/i, 'DOID:9256'],
  [/\bmelanoma\b/i, 'DOID:1909'],
  [/\bprostat\w*/i, 'DOID:10283'],
  [/\bovar\w*/i, 'DOID:2394'],
  [/\bpancrea\w*/i, 'DOID:1793'],
  [/\b(stomach|gastric)\b/i, 'DOID:10534'],
  [/\bthyroid\b/i, 'DOID:1781'],
  [/\b(kidney|renal)\b/i, 'DOID:263'],
  [/\b(bladder|urothelial)\b/i, 'DOID:11054'],
  [/\bglioblastoma\b/i, 'DOID:3068'],
  [/\bchronic myeloid leuk\w*/i, 'DOID:8552'],
];

export function compareEvidence(a: EvidenceMatch, b: EvidenceMatch): number {
  return (
    Number(b.disease.onLabel) - Number(a.disease.onLabel) ||
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
    (b.rating ?? 0) - (a.rating ?? 0) ||
    Number(isPredictiveSensitivity(b)) - Number(isPredictiveSensitivity(a)) ||
    SPECIFICITY[a.matchedBy] - SPECIFICITY[b.matchedBy] ||
    RELATION_ORDER[a.disease.relation] - RELATION_ORDER[b.disease.relation] ||
    a.evidenceId - b.evidenceId
  );
}

// ───────────────────────────── variant-level matching ─────────────────────────────

/** A protein change from hgvsp text: full HGVS ("p.Val600Glu", with or without reference) or shorthand ("V600E"). */
function proteinOf(text: string): ProteinChange | 'no-change' | undefined {
  try {
    const h = parseHgvs(text);
    if (h.type !== 'p') return undefined;
    if (h.posedit.kind === 'change') return h.posedit;
    return h.posedit.kind === 'no-change' ? 'no-change' : undefined;
  } catch {
    const r = tryParseVariantName(text);
    if (r.ok && r.value.kind === 'protein-change') return r.value.change;
    return undefined;
  }
}

function span(c: ProteinChange): [number, number] {
  return [c.location.start.pos, c.location.end?.pos ?? c.location.start.pos];
}

function isNonSynonymous(c: ProteinChange): boolean {
  const e = c.edit;
  if (e.type === 'identity') return false;
  if (e.type === 'substitution') return e.alt !== '?' && e.alt !== c.location.start.aa;
  return true;
}

function describeProtein(c: ProteinChange): string {
  return formatHgvs({ kind: 'hgvs', type: 'p', posedit: c, notation: { aminoAcids: '1', stop: '*' } });
}

function sameAa(k: string, p: string): boolean {
  return k === '' || p === '' || k === p;
}

/** CIViC's protein change `k` (with alternative residues) against the patient's `p`. */
/** "I1145I" (a substitution by the same residue) is the synonymous "Ile1145=". */
function canonicalEdit(c: ProteinChange): ProteinEdit {
  return c.edit.type === 'substitution' && c.edit.alt === c.location.start.aa && c.location.end === undefined ? { type: 'identity' } : c.edit;
}

function proteinMatches(k: ProteinChange, alternatives: string[] | undefined, p: ProteinChange): { ok: boolean; note?: string } {
  const [ks, ke] = span(k);
  const [ps, pe] = span(p);
  if (ks !== ps || !sameAa(k.location.start.aa, p.location.start.aa)) return { ok: false };
  const ka = canonicalEdit(k);
  const pa = canonicalEdit(p);
  // "*214C": a stop codon substituted is the stop-loss extension "Ter214CysextTer?"
  if (ka.type === 'substitution' && k.location.start.aa === '*' && ka.alt !== '*' && pa.type === 'extension' && pa.alt === ka.alt)
    return { ok: true, note: 'the same stop-loss change, written as a substitution' };
  if (ka.type === 'frameshift') {
    if (pa.type !== 'frameshift') return { ok: false };
    const kFull = ka.alt !== undefined && ka.length !== undefined;
    if (kFull && (ka.alt !== pa.alt || ka.length !== pa.length)) return { ok: false };
    return { ok: true, ...(kFull ? {} : { note: 'a frameshift at the same codon (CIViC does not name the new frame)' }) };
  }
  if (ke !== pe) return { ok: false };
  if (ka.type !== pa.type) return { ok: false };
  switch (ka.type) {
    case 'substitution':
      return { ok: [ka.alt, ...(alternatives ?? [])].includes((pa as Extract<ProteinEdit, { type: 'substitution' }>).alt) };
    case 'insertion':
      return { ok: ka.alt === '' || ka.alt === (pa as Extract<ProteinEdit, { type: 'insertion' }>).alt };
    case 'delins':
      return { ok: ka.alt === (pa as Extract<ProteinEdit, { type: 'delins' }>).alt };
    case 'extension':
      return { ok: ka.alt === undefined || ka.alt === (pa as Extract<ProteinEdit, { type: 'extension' }>).alt };
    default:
      return { ok: true };
  }
}

function codingText(h: HgvsVariant): string {
  return formatHgvs(h, { omitReference: true });
}

function matchPart(k: VariantName, kv: KbVariant, f: PatientVariantFacts, resolve: (s: string) => string): Hit | undefined {
  const isSmall = f.v.kind === 'snv' || f.v.kind === 'indel' || f.v.kind === 'mnv';
  switch (k.kind) {
    case 'hgvs': {
      if (k.type === 'p' && f.protein && k.posedit.kind === 'change') {
        const r = proteinMatches(k.posedit, undefined, f.protein);
        if (r.ok) return { kind: 'exact-protein', why: `${describeProtein(f.protein)} is CIViC's ${JSON.stringify(kv.name)} (${r.note ?? 'same protein change'})` };
      }
      if (k.type === 'c' && f.coding && codingText(k) === codingText(f.coding)) return { kind: 'exact-coding', why: `${codingText(f.coding)} is CIViC's ${JSON.stringify(kv.name)} (same coding change)` };
      return exactGenomic(kv, f);
    }
    case 'protein-change': {
      if (!isSmall) return undefined;
      if (f.protein) {
        const r = proteinMatches(k.change, k.alternatives, f.protein);
        if (r.ok) return { kind: 'exact-protein', why: `${describeProtein(f.protein)} is CIViC's ${JSON.stringify(kv.name)} (${r.note ?? 'same protein change'})` };
      }
      if (k.coding && f.coding && codingText(k.coding) === codingText(f.coding))
        return { kind: 'exact-coding', why: `${codingText(f.coding)} is the coding change of CIViC's ${JSON.stringify(kv.name)}` };
      if (!f.protein) return exactGenomic(kv, f);
      return undefined;
    }
    case 'protein-position': {
      if (!isSmall || !f.protein || !isNonSynonymous(f.protein)) return undefined;
      const [ps, pe] = span(f.protein);
      const at = k.positions.find((q) => q.pos >= ps && q.pos <= pe && (q.pos !== ps || sameAa(q.aa, f.protein!.location.start.aa)));
      if (!at) return undefined;
      return { kind: 'codon', why: `${describeProtein(f.protein)} changes codon ${at.aa}${at.pos}, which CIViC's ${JSON.stringify(kv.name)} covers (any change of that residue)` };
    }
    case 'exon':
      return isSmall || f.v.kind === 'sv' || f.v.kind === 'cnv-deletion' ? matchExon(k, kv, f) : undefined;
    case 'category':
      return matchCategory(k, kv, f);
    case 'fusion':
      return matchFusion(k, kv, f, resolve);
    case 'dbsnp':
      return f.v.dbsnpId && f.v.dbsnpId.toLowerCase() === k.id.toLowerCase() ? { kind: 'dbsnp', why: `${f.v.dbsnpId} is CIViC's ${JSON.stringify(kv.name)}` } : undefined;
    case 'compound':
      return undefined;
  }
}

/** The patient's GRCh37 allele equals the one CIViC gives for this variant. */
function exactGenomic(kv: KbVariant, f: PatientVariantFacts): Hit | undefined {
  const c = kv.coordinates;
  if (!f.g37 || !c || c.build !== 'GRCh37' || (c.ref === undefined && c.alt === undefined)) return undefined;
  const same = c.chromosome === f.g37.chrom && c.start === f.g37.start && (c.ref ?? '') === f.g37.ref && (c.alt ?? '') === f.g37.alt && (c.ref ? c.stop === f.g37.end : true);
  return same ? { kind: 'exact-genomic', why: `GRCh37 ${f.g37.chrom}:${f.g37.start} ${f.g37.ref || '-'}>${f.g37.alt || '-'} is CIViC's ${JSON.stringify(kv.name)} (same allele)` } : undefined;
}

type ChangeClass = { inframeDeletion: boolean; inframeInsertion: boolean; duplication: boolean; frameshift: boolean; anyChange: boolean };

function classifyProtein(c: ProteinChange): ChangeClass {
  const [s, e] = span(c);
  const len = e - s + 1;
  const ed = c.edit;
  return {
    inframeDeletion: ed.type === 'deletion' || (ed.type === 'delins' && !ed.alt.includes('*') && ed.alt.length < len),
    inframeInsertion: ed.type === 'insertion' || ed.type === 'duplication' || (ed.type === 'delins' && !ed.alt.includes('*') && ed.alt.length > len),
    duplication: ed.type === 'duplication',
    frameshift: ed.type === 'frameshift',
    anyChange: isNonSynonymous(c),
  };
}

/** c. edit classes, for exonic positions only. */
function classifyCoding(h: HgvsVariant): { range: [number, number]; cls: ChangeClass } | undefined {
  if (h.type !== 'c' || h.posedit.location.kind !== 'interval') return undefined;
  const { start, end } = h.posedit.location;
  const last = end ?? start;
  if (start.datum !== 'start' || last.datum !== 'start' || start.base === null || last.base === null || start.offset !== 0 || last.offset !== 0 || start.offsetUnknown || last.offsetUnknown) return undefined;
  const len = last.base - start.base + 1;
  const e = h.posedit.edit;
  const delLen = e.type === 'deletion' ? e.ref?.length ?? e.refLength ?? len : e.type === 'delins' ? len : 0;
  const insLen = e.type === 'insertion' ? e.alt.length : e.type === 'delins' ? e.alt.length : e.type === 'duplication' ? len : 0;
  const net = insLen - delLen;
  return {
    range: [start.base, last.base],
    cls: {
      inframeDeletion: (e.type === 'deletion' || e.type === 'delins') && net < 0 && net % 3 === 0,
      inframeInsertion: (e.type === 'insertion' || e.type === 'duplication' || e.type === 'delins') && net > 0 && net % 3 === 0,
      duplication: e.type === 'duplication' && len % 3 === 0,
      frameshift: net % 3 !== 0,
      anyChange: e.type !== 'identity',
    },
  };
}

function within(inner: [number, number], outer: [number, number]): boolean {
  return inner[0] >= outer[0] && inner[1] <= outer[1];
}

function qualifies(effect: string, cls: ChangeClass): boolean {
  switch (effect) {
    case 'deletion':
      return cls.inframeDeletion;
    case 'insertion':
      return cls.inframeInsertion;
    case 'duplication':
      return cls.duplication;
    case 'frameshift':
      return cls.frameshift;
    case 'mutation':
      return cls.anyChange;
    default:
      return false;
  }
}

function matchExon(k: Extract<VariantName, { kind: 'exon' }>, kv: KbVariant, f: PatientVariantFacts): Hit | undefined {
  const range: KbExonRange | undefined = kv.exonRange;
  if (!range || k.region !== 'exon') return undefined;
  const label = `exon ${k.first}${k.last !== k.first ? `-${k.last}` : ''}`;
  const where = range.codons ? `codons ${range.codons[0]}–${range.codons[1]}` : range.cds ? `c.${range.cds[0]}_${range.cds[1]}` : `GRCh37 ${range.genomic?.chromosome}:${range.genomic?.start}-${range.genomic?.stop}`;
  const from = range.derivedFrom === 'anchor' ? `CIViC coordinates via ${range.anchor}` : range.derivedFrom === 'variant-hgvs' ? `CIViC's HGVS for ${kv.name}` : 'CIViC coordinates';
  const ok = (how: string, relation = 'lies in'): Hit => ({
    kind: 'exon',
    why: `${how} ${relation} ${label} (${where}${range.transcript ? ` on ${range.transcript}` : ''}, from ${from}): CIViC's ${JSON.stringify(kv.name)}`,
  });

  if (k.effect === 'skipping') {
    // a change at the exon's splice sites
    if (range.cds && f.coding && f.coding.type === 'c' && f.coding.posedit.location.kind === 'interval') {
      const { start, end } = f.coding.posedit.location;
      for (const p of [start, end ?? start]) {
        if (p.base === null || p.datum !== 'start') continue;
        if ((p.base === range.cds[0] && (p.offset < 0 || p.offsetUnknown === '-')) || (p.base === range.cds[1] && (p.offset > 0 || p.offsetUnknown === '+')))
          return ok(codingText(f.coding), 'is at a splice site of');
      }
    }
    const splice = ['splice_acceptor_variant', 'splice_donor_variant', 'exon_loss_variant'].some((c) => f.consequences.has(c));
    if (splice && f.g37 && range.genomic && f.g37.chrom === range.genomic.chromosome && f.g37.end >= range.genomic.start - 30 && f.g37.start <= range.genomic.stop + 30)
      return ok(`the splice-site change at GRCh37 ${f.g37.chrom}:${f.g37.start}`, 'is at the edge of');
    return undefined;
  }

  if (range.extent === 'whole-exon') {
    if (k.effect !== 'deletion') return undefined;
    const p = f.protein ? span(f.protein) : undefined;
    if (p && range.codons && f.protein!.edit.type === 'deletion' && within(range.codons, p)) return ok(`${describeProtein(f.protein!)} (deletes the whole exon)`);
    const c = f.coding ? classifyCoding(f.coding) : undefined;
    if (c && range.cds && c.cls.inframeDeletion && within(range.cds, c.range)) return ok(`${codingText(f.coding!)} (deletes the whole exon)`);
    if (f.g37 && range.genomic && f.g37.chrom === range.genomic.chromosome && f.g37.alt.length < f.g37.ref.length && within([range.genomic.start, range.genomic.stop], [f.g37.start, f.g37.end]))
      return ok(`the GRCh37 deletion ${f.g37.chrom}:${f.g37.start}-${f.g37.end} (covers the whole exon)`);
    if (f.consequences.has('exon_loss_variant') && f.g37 && range.genomic && f.g37.chrom === range.genomic.chromosome && f.g37.start <= range.genomic.stop && f.g37.end >= range.genomic.start)
      return ok(`an exon_loss_variant at GRCh37 ${f.g37.chrom}:${f.g37.start}`);
    return undefined;
  }

  if (f.protein && range.codons) {
    const cls = classifyProtein(f.protein);
    if (qualifies(k.effect, cls) && within(span(f.protein), range.codons)) return ok(describeProtein(f.protein));
    return undefined;
  }
  const c = f.coding ? classifyCoding(f.coding) : undefined;
  if (c && range.cds) {
    if (qualifies(k.effect, c.cls) && within(c.range, range.cds)) return ok(codingText(f.coding!));
    return undefined;
  }
  if (f.g37 && range.genomic && f.g37.chrom === range.genomic.chromosome) {
    const net = f.g37.alt.length - f.g37.ref.length;
    const cls: ChangeClass = {
      inframeDeletion: net < 0 && net % 3 === 0,
      inframeInsertion: net > 0 && net % 3 === 0,
      duplication: false,
      frameshift: net % 3 !== 0,
      anyChange: [...f.consequences].some((x) => PROTEIN_ALTERING.has(x)),
    };
    const reg: [number, number] = [Math.min(f.g37.start, f.g37.end), Math.max(f.g37.start, f.g37.end)];
    if (qualifies(k.effect, cls) && within(reg, [range.genomic.start, range.genomic.stop])) return ok(`the GRCh37 change ${f.g37.chrom}:${f.g37.start} ${f.g37.ref || '-'}>${f.g37.alt || '-'}`);
  }
  return undefined;
}

function isProteinAltering(f: PatientVariantFacts): boolean {
  if (f.proteinSynonymousOrNone) return false;
  if (f.protein) return isNonSynonymous(f.protein);
  return [...f.consequences].some((c) => PROTEIN_ALTERING.has(c));
}

function isTruncating(f: PatientVariantFacts): boolean {
  if (f.protein) return f.protein.edit.type === 'frameshift' || (f.protein.edit.type === 'substitution' && f.protein.edit.alt === '*');
  return f.consequences.has('stop_gained') || f.consequences.has('frameshift_variant');
}

function isCanonicalSplice(f: PatientVariantFacts): boolean {
  if (f.consequences.has('splice_acceptor_variant') || f.consequences.has('splice_donor_variant')) return true;
  if (f.coding?.type === 'c' && f.coding.posedit.location.kind === 'interval') {
    const p = f.coding.posedit.location.start;
    return p.offset !== 0 && Math.abs(p.offset) <= 2;
  }
  return false;
}

function matchCategory(k: Extract<VariantName, { kind: 'category' }>, kv: KbVariant, f: PatientVariantFacts): Hit | undefined {
  const small = f.v.kind === 'snv' || f.v.kind === 'indel' || f.v.kind === 'mnv';
  const name = JSON.stringify(kv.name);
  const what = f.protein ? describeProtein(f.protein) : f.coding ? codingText(f.coding) : f.v.kind;
  if (k.coding) {
    return f.coding && codingText(k.coding) === codingText(f.coding) ? { kind: 'exact-coding', why: `${codingText(f.coding)} is the coding change of CIViC's ${name}` } : undefined;
  }
  const hit = (why: string): Hit => ({ kind: 'gene-category', why: `${what}: ${why}, as CIViC's ${name} covers` });
  switch (k.category) {
    case 'mutation':
      return small && isProteinAltering(f) ? hit('a protein-altering change of the gene') : undefined;
    case 'alteration':
      if (small && isProteinAltering(f)) return hit('a protein-altering change of the gene');
      return f.v.kind === 'cnv-amplification' || f.v.kind === 'cnv-deletion' || f.v.kind === 'fusion' ? hit(`a ${f.v.kind} of the gene`) : undefined;
    case 'truncating':
      return small && isTruncating(f) ? hit('a truncating change (nonsense or frameshift)') : undefined;
    case 'frameshift':
      return small && (f.protein ? f.protein.edit.type === 'frameshift' : f.consequences.has('frameshift_variant')) ? hit('a frameshift') : undefined;
    case 'loss-of-function':
      if (f.v.kind === 'cnv-deletion') return hit('a deletion of the gene (loss of function)');
      if (small && (isTruncating(f) || isCanonicalSplice(f) || f.consequences.has('start_lost') || (f.protein?.location.start.pos === 1 && isNonSynonymous(f.protein))))
        return hit('a truncating, canonical splice-site or start-loss change (loss of function)');
      return undefined;
    case 'splice-site-mutation':
      return small && isCanonicalSplice(f) ? hit('a canonical splice-site change') : undefined;
    case 'amplification':
      return f.v.kind === 'cnv-amplification' ? hit('an amplification of the gene') : undefined;
    case 'deletion':
      return f.v.kind === 'cnv-deletion' ? hit('a deletion of the gene') : undefined;
    case 'copy-number-change':
      return f.v.kind === 'cnv-amplification' || f.v.kind === 'cnv-deletion' ? hit('a copy-number change of the gene') : undefined;
    default:
      // expression, methylation, wild type, gain-of-function, domains, LOH, phosphorylation, promoter, ITD: not
      // decidable from a variant list
      return undefined;
  }
}

function matchFusion(k: Extract<VariantName, { kind: 'fusion' }>, kv: KbVariant, f: PatientVariantFacts, resolve: (s: string) => string): Hit | undefined {
  const isFusion = f.v.kind === 'fusion' || (f.v.kind === 'sv' && !!f.v.fusionPartner);
  const isRearrangement = isFusion || f.v.kind === 'sv';
  if (!isRearrangement) return undefined;
  if (k.breakpoint) return undefined;
  const row = kv.gene.toUpperCase();
  const mine = resolve(f.v.geneSymbol);
  const partner = f.v.fusionPartner ? resolve(f.v.fusionPartner) : undefined;
  const hasRow = mine === row || partner === row || (f.v.entrezId !== undefined && f.v.entrezId === kv.entrezId);
  if (!hasRow) return undefined;
  const other = mine === row || (f.v.entrezId !== undefined && f.v.entrezId === kv.entrezId) ? partner : mine;
  const name = JSON.stringify(kv.name);
  const patientText = partner ? `the ${f.v.geneSymbol}–${f.v.fusionPartner} fusion` : `a ${f.v.geneSymbol} ${f.v.kind === 'sv' ? 'rearrangement' : 'fusion'} (partner not stated)`;
  if (k.fivePrime && k.threePrime) {
    if (!isFusion || !other) return undefined;
    const sides = [k.fivePrime, k.threePrime];
    const rowSide = sides.find((s) => sameGeneAsRow(s, kv.gene));
    const otherSide = sides.find((s) => s !== rowSide);
    if (!rowSide || !otherSide) return undefined;
    // the partner as CIViC writes it ("NPM" in NPM-ALK) goes through the caller's resolver (aliases → official symbol)
    if (resolve(otherSide) !== other) return undefined;
    let orientation = 'orientation not stated';
    if (f.v.fusionRole) {
      const rowIsFive = rowSide === k.fivePrime;
      const mineIsRow = mine === row;
      const patientRowIsFive = mineIsRow ? f.v.fusionRole === "5'" : f.v.fusionRole === "3'";
      orientation = patientRowIsFive === rowIsFive ? 'same orientation' : 'reciprocal orientation';
    }
    return { kind: 'fusion', why: `${patientText} joins the genes of CIViC's ${name} (${orientation})` };
  }
  if (k.word === 'fusion' || k.word === 'fusions') {
    if (!isFusion) return undefined;
    return { kind: 'fusion', why: `${patientText} is a fusion of ${kv.gene}, which CIViC's ${name} covers (any partner)` };
  }
  return { kind: 'fusion', why: `${patientText} is a rearrangement of ${kv.gene}, which CIViC's ${name} covers` };
}

/** "BRAF V600E — level A Predictive Supports Sensitivity/Response to Dabrafenib in Melanoma [CIViC EID95, PMID 22608338; civic-2021-08-01+sha256...]" */
export function describeEvidenceMatch(m: EvidenceMatch): string {
  const therapies = m.therapies.length ? ` to ${m.therapies.join(m.therapyInteraction === 'Combination' ? ' + ' : ' / ')}` : '';
  const cite = m.citation.pubmedId ? `PMID ${m.citation.pubmedId}` : `${m.citation.source} ${m.citation.ascoAbstractId ? `abstract ${m.citation.ascoAbstractId}` : m.citation.id}`;
  return `${m.gene} ${m.civicVariant.name} — level ${m.level} ${m.evidenceType.toLowerCase()} evidence, ${m.direction.toLowerCase()} ${m.significance.toLowerCase()}${therapies} in ${m.disease.name}${m.disease.relation === 'other' ? ' (other disease)' : ''} [CIViC EID${m.evidenceId}, ${cite}; KB ${m.kb.version}]`;
}

export { CANCER_DOID, SOLID_TUMOR };
