// The genomics modality module (the contract in libs/fusion-model, see /work/shared/DESIGN.md): a patient's
// somatic genome as one fixed-size vector, from the facts the VCF import writes (libs/ingest/src/genomics-import.ts:
// `somatic-variant`, `actionability-evidence`, `tumor-mutational-burden`; kinds in ../facts.ts).
//
// What the vector is (names in GENOMICS_VECTOR_NAMES, in order):
// 1. one element per gene of the committed panel (panels/genomics-module-panel.json, see panel.ts): the strongest
//    alteration of a PASS, non-germline variant in that gene — 1 truncating or structural (stop gained, frameshift,
//    splice donor/acceptor, start/stop lost, fusion partner, SV deletion/duplication/copy number), 0.67 missense or
//    in-frame (missense, in-frame insertion/deletion, protein altering), 0.33 other coding or splice region, else 0;
// 2. per pathway gene set (pathways.ts): altered (0/1) and the fraction of its genes altered (non-zero above);
// 3. TMB from the stored TMB fact (tanh(mut/Mb / 10), TMB ≥ 10 mut/Mb 0/1, present 0/1); no fact: all 0 (TMB is
//    never computed here without a declared target size);
// 4. actionability: distinct knowledge-base evidence items per level A–E (tanh n/3), and on-label level A/B;
// 5. PASS somatic variants (log1p n / 7) and altered genes outside the panel (tanh n/20).
// `usedEvidence` cites the variant facts (VCF lines) that set an element, the TMB fact and the evidence facts;
// `variantKeys` lists the variant keys used.
import { createHash } from 'node:crypto';
import type { Fact, PatientKey, Provenance } from '@oncoboard/facts';
import type { ModalityModule } from '@oncoboard/fusion-model';
import { ACTIONABILITY_EVIDENCE_FACT, SOMATIC_VARIANT_FACT, TMB_FACT } from '../facts.js';
import { loadModulePanel, type ModulePanel } from './panel.js';
import { GENOMICS_PATHWAYS } from './pathways.js';

export const GENOMICS_MODULE_ID = 'genomics-alterations';
export const GENOMICS_MODULE_VERSION = '0.1.0';
export const EVIDENCE_LEVELS = ['A', 'B', 'C', 'D', 'E'] as const;

const TRUNCATING = new Set(['stop_gained', 'frameshift_variant', 'splice_acceptor_variant', 'splice_donor_variant', 'start_lost', 'stop_lost', 'transcript_ablation', 'feature_truncation']);
const MISSENSE_INFRAME = new Set(['missense_variant', 'inframe_insertion', 'inframe_deletion', 'protein_altering_variant']);
const OTHER_CODING = new Set(['splice_region_variant', 'coding_sequence_variant', 'incomplete_terminal_codon_variant']);
const STRUCTURAL = new Set(['rearrangement', 'sv-deletion', 'sv-duplication', 'sv-copy-number']);

/** The alteration score of one variant (see the header comment); 0 when it does not alter a protein. */
export function alterationScore(variantType: string, consequences: readonly string[]): number {
  if (STRUCTURAL.has(variantType)) return 1;
  if (consequences.some((c) => TRUNCATING.has(c))) return 1;
  if (consequences.some((c) => MISSENSE_INFRAME.has(c))) return 0.67;
  if (consequences.some((c) => OTHER_CODING.has(c))) return 0.33;
  return 0;
}

export interface GenomicsInputVariant {
  id: string;
  genes: string[];
  variantType: string;
  consequences: string[];
  filterStatus: string;
  origin?: string;
  provenance: Provenance[];
}

export interface GenomicsInputs {
  /** Sorted by id, then provenance: the same facts give the same inputs (and hash) in any order. */
  variants: GenomicsInputVariant[];
  tmb?: { value: number; targetSizeMb: number; provenance: Provenance[] };
  evidence: { evidenceId: string; level: string; onLabel: boolean; provenance: Provenance[] }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
const provKey = (p: Provenance[]) => p.map((x) => `${x.sourceRecordKey}#${x.elementPath}`).join('|');

export function collectGenomicsInputs(patientKey: PatientKey, facts: readonly Fact[]): GenomicsInputs | undefined {
  const mine = facts.filter((f) => f.patientKey === patientKey);
  const variants: GenomicsInputVariant[] = [];
  for (const f of mine) {
    if (f.kind !== SOMATIC_VARIANT_FACT) continue;
    const a = f.attributes as Record<string, unknown>;
    const id = str(a.variantId);
    if (!id) continue;
    const genes = [...new Set([...(str(a.gene) ? [str(a.gene) as string] : []), ...strings(a.partnerGenes)])];
    const origin = str(a.origin);
    variants.push({ id, genes, variantType: str(a.variantType) ?? 'other', consequences: strings(a.consequences), filterStatus: str(a.filterStatus) ?? 'missing', ...(origin ? { origin } : {}), provenance: f.provenance });
  }
  const tmbFacts = mine
    .filter((f) => f.kind === TMB_FACT && f.value?.type === 'quantity' && typeof (f.attributes as Record<string, unknown>).targetSizeMb === 'number')
    .sort(byKey((f) => `${f.effectiveStart ?? ''} ${provKey(f.provenance)}`));
  const tmbFact = tmbFacts.at(-1);
  const evidence = new Map<string, GenomicsInputs['evidence'][number]>();
  for (const f of mine) {
    if (f.kind !== ACTIONABILITY_EVIDENCE_FACT) continue;
    const a = f.attributes as Record<string, unknown>;
    const evidenceId = String(a.evidenceId ?? '');
    const level = str(a.level);
    if (!evidenceId || !level) continue;
    const seen = evidence.get(evidenceId);
    if (seen) seen.onLabel ||= a.onLabel === true;
    else evidence.set(evidenceId, { evidenceId, level, onLabel: a.onLabel === true, provenance: f.provenance });
  }
  if (variants.length === 0 && !tmbFact) return undefined;
  return {
    variants: variants.sort(byKey((v) => `${v.id} ${provKey(v.provenance)}`)),
    ...(tmbFact && tmbFact.value?.type === 'quantity'
      ? { tmb: { value: tmbFact.value.quantity.value, targetSizeMb: (tmbFact.attributes as { targetSizeMb: number }).targetSizeMb, provenance: tmbFact.provenance } }
      : {}),
    evidence: [...evidence.values()].sort(byKey((e) => e.evidenceId)),
  };
}

function vectorNames(panel: ModulePanel): string[] {
  return [
    ...panel.genes.map((g) => `gene ${g.symbol} alteration (0 / 0.33 / 0.67 / 1)`),
    ...GENOMICS_PATHWAYS.flatMap((p) => [`pathway ${p.id} altered (0/1)`, `pathway ${p.id} fraction of genes altered`]),
    'TMB (tanh mut/Mb / 10)',
    'TMB ≥ 10 mut/Mb (0/1)',
    'TMB present (0/1)',
    ...EVIDENCE_LEVELS.map((l) => `knowledge-base evidence level ${l} (tanh n/3)`),
    'on-label level A/B evidence (tanh n/3)',
    'PASS somatic variants (log1p n / 7)',
    'altered genes outside the panel (tanh n/20)',
  ];
}

/** The names of the vector's elements, in order, so a contribution can be explained. */
export const GENOMICS_VECTOR_NAMES: readonly string[] = vectorNames(loadModulePanel());

export function encodeGenomicsInputs(inputs: GenomicsInputs): { vector: Float32Array; usedEvidence: Provenance[]; inputHash: string; variantKeys: string[] } {
  const panel = loadModulePanel();
  const index = new Map<string, string>();
  for (const g of panel.genes) {
    index.set(g.symbol.toUpperCase(), g.symbol);
    for (const a of g.aliases) if (!index.has(a.toUpperCase())) index.set(a.toUpperCase(), g.symbol);
  }
  const geneScore = new Map<string, number>();
  const outside = new Set<string>();
  const used: Provenance[] = [];
  const variantKeys = new Set<string>();
  let passCount = 0;
  for (const v of inputs.variants) {
    if (v.filterStatus !== 'pass' || v.origin === 'germline') continue;
    passCount++;
    const score = alterationScore(v.variantType, v.consequences);
    if (score === 0) continue;
    let counted = false;
    for (const g of v.genes) {
      const symbol = index.get(g.toUpperCase());
      if (!symbol) {
        outside.add(g.toUpperCase());
        continue;
      }
      geneScore.set(symbol, Math.max(geneScore.get(symbol) ?? 0, score));
      counted = true;
    }
    if (counted) {
      used.push(...v.provenance);
      variantKeys.add(v.id);
    }
  }
  const values: number[] = panel.genes.map((g) => geneScore.get(g.symbol) ?? 0);
  for (const p of GENOMICS_PATHWAYS) {
    const altered = p.genes.filter((g) => (geneScore.get(g) ?? 0) > 0).length;
    values.push(altered > 0 ? 1 : 0, altered / p.genes.length);
  }
  const tmb = inputs.tmb;
  values.push(tmb ? Math.tanh(tmb.value / 10) : 0, tmb && tmb.value >= 10 ? 1 : 0, tmb ? 1 : 0);
  if (tmb) used.push(...tmb.provenance);
  for (const level of EVIDENCE_LEVELS) values.push(Math.tanh(inputs.evidence.filter((e) => e.level === level).length / 3));
  values.push(Math.tanh(inputs.evidence.filter((e) => e.onLabel && (e.level === 'A' || e.level === 'B')).length / 3));
  for (const e of inputs.evidence) used.push(...e.provenance);
  values.push(Math.log1p(passCount) / 7, Math.tanh(outside.size / 20));
  const inputHash = createHash('sha256').update(JSON.stringify({ panel: panel.kbVersion, inputs })).digest('hex');
  return { vector: Float32Array.from(values, (v) => (Number.isFinite(v) ? v : 0)), usedEvidence: used, inputHash, variantKeys: [...variantKeys] };
}

export const genomicsModule: ModalityModule<GenomicsInputs> = {
  id: GENOMICS_MODULE_ID,
  version: GENOMICS_MODULE_VERSION,
  modality: 'genomics',
  vectorSize: GENOMICS_VECTOR_NAMES.length,
  description:
    'Gene-level alteration vector over a documented 178-gene panel (CIViC level A/B predictive genes + pathway members), pathway aggregates (Sanchez-Vega 2018 pathways, HRR, MMR), TMB over its declared target, and knowledge-base evidence counts by level A–E',
  collectInputs: collectGenomicsInputs,
  encode: encodeGenomicsInputs,
};
