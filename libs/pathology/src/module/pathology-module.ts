// The pathology modality module (the contract in libs/fusion-model): a patient's pathology as one fixed-size vector —
// the structured findings of all their pathology reports (an aggregate: per slot, the latest report that states it)
// followed by the report embedding (the L2-normalised mean of each report text's embedding by the local text model).
//
// Inputs come from the store as the imaging module's do: the finding facts that `pathologyReportRecords` writes
// (`attributes.finding`, provenance into a `report-text` record "pathology/…") and, like the imaging import's
// `imaging-embedding` facts, a `pathology-report-embedding` fact per report that the import computed
// (`reportEmbeddingFact`). A report without one is embedded here from its text, which lives in the report-text
// source record: a module made with `readReportText` (e.g. `storeReportTextReader(store)`) reads it. Without
// either, the embedding slots stay 0 and the "report embedding present" flag says so.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Fact, PatientKey, Provenance } from '@oncoboard/facts';
import type { ModalityModule } from '@oncoboard/fusion-model';
import { DEFAULT_TEXT_MODEL_DIR } from '../embedding/index';
import { l2Normalize, readModelFolderIdentity, TextEmbedder, type EmbeddingModelVersion } from '../embedding/text-embedder';
import { REPORT_TEXT_RECORD_KIND, type ReportTextRecord } from '../report-facts';

export const PATHOLOGY_MODULE_ID = 'pathology-report';
/** Bump when the vector's layout or scaling changes. */
export const PATHOLOGY_MODULE_CODE_VERSION = '0.1.0';

/** Genes with a slot of their own (the actionable ones a tumor board asks about); other genes are counted together. */
export const PATHOLOGY_VECTOR_GENES = ['EGFR', 'KRAS', 'NRAS', 'BRAF', 'ALK', 'ROS1', 'RET', 'MET', 'ERBB2', 'PIK3CA', 'BRCA1', 'BRCA2', 'TP53', 'NTRK', 'IDH1', 'KIT'] as const;

const HISTOLOGY_FAMILIES: readonly { name: string; test: RegExp }[] = [
  { name: 'ductal / no special type carcinoma', test: /ductal|no special type/ },
  { name: 'lobular carcinoma', test: /lobular/ },
  { name: 'adenocarcinoma', test: /adenocarcinoma/ },
  { name: 'squamous cell carcinoma', test: /squamous/ },
  { name: 'melanoma', test: /melanoma/ },
  { name: 'neuroendocrine or small cell carcinoma', test: /neuroendocrine|small cell/ },
];

/**
 * The structured slots, in vector order. Each value slot has a "missing" flag (1 = no report states it), so a 0
 * value is never confused with "not stated". Presence values: present 1, uncertain/indeterminate 0.5, absent 0.
 */
export const PATHOLOGY_STRUCTURED_NAMES: readonly string[] = [
  ...HISTOLOGY_FAMILIES.map((f) => `histology: ${f.name} (0/1)`),
  'histology: other type (0/1)',
  'histology: missing (0/1)',
  'invasive carcinoma stated (0/1)',
  'in situ only (0/1)',
  'metastatic tumour stated (0/1)',
  'grade (Nottingham/G 1–3 → 0..1; ISUP grade group 1–5 → 0..1; low 0.25, high 0.75)',
  'grade: missing (0/1)',
  'tumour size (tanh mm/50)',
  'tumour size: missing (0/1)',
  'margin status (negative 0, close 0.5, positive 1)',
  'margin status: missing (0/1)',
  'closest margin distance (tanh mm/10)',
  'closest margin distance: missing (0/1)',
  'lymphovascular invasion (presence)',
  'lymphovascular invasion: missing (0/1)',
  'perineural invasion (presence)',
  'perineural invasion: missing (0/1)',
  'positive lymph nodes (log1p n / log 11)',
  'examined lymph nodes (log1p n / log 31)',
  'positive fraction of examined nodes',
  'lymph nodes: missing (0/1)',
  'T category (T0/Tis 0, T1mi 0.1, T1–T4 → 0.25..1)',
  'T category: missing (0/1)',
  'N category (N0 0 … N3 1)',
  'N category: missing (0/1)',
  'M category (M0 0, M1 1)',
  'M category: missing (0/1)',
  'ER (percent/100; positive without percent 1, low-positive 0.05, negative 0)',
  'ER: missing (0/1)',
  'PR (percent/100; positive without percent 1, low-positive 0.05, negative 0)',
  'PR: missing (0/1)',
  'HER2 IHC score (0, 1+ 0.33, 2+ 0.67, 3+ 1)',
  'HER2 IHC: missing (0/1)',
  'HER2 ISH amplified (0/1)',
  'HER2 ISH: missing (0/1)',
  'Ki-67 (percent/100)',
  'Ki-67: missing (0/1)',
  'mismatch repair deficient (any protein lost 1, all intact 0)',
  'mismatch repair: missing (0/1)',
  'MSI-H (MSI-H 1, MSI-L 0.5, MSS 0)',
  'MSI: missing (0/1)',
  'PD-L1 TPS (percent/100)',
  'PD-L1 TPS: missing (0/1)',
  'PD-L1 CPS (tanh CPS/10)',
  'PD-L1 CPS: missing (0/1)',
  ...PATHOLOGY_VECTOR_GENES.flatMap((g) => [`${g} altered (detected 1, uncertain 0.5, not detected 0)`, `${g}: not tested (0/1)`]),
  'other genes altered (tanh count/3)',
];

export interface PathologyModuleOptions {
  /** A BERT-family model folder for the report embedding (default: the shipped civic-bert-mini). */
  textModelDir?: string;
  /**
   * The verbatim text of a report-text record by its key (the record the facts' provenance names); undefined when
   * not found. Without it the module encodes the structured findings only (embedding flagged missing).
   */
  readReportText?: (recordKey: string) => Promise<string | undefined> | string | undefined;
}

/** One fact the vector used: enough of it to encode and to hash (stable across store round trips). */
interface UsedFinding {
  kind: string;
  assertion: string;
  attributes: Record<string, unknown>;
  value?: unknown;
  provenance: Provenance[];
}

export interface PathologyInputs {
  patientKey: string;
  /**
   * The patient's pathology reports (report-text record keys), oldest first, each with its standing findings in
   * order, its stored embedding by this module's model (when the import made one) or else its text.
   */
  reports: {
    recordKey: string;
    date: string;
    findings: UsedFinding[];
    embedding?: { vector: number[]; provenance: Provenance[] };
    text?: string;
    textSha256?: string;
  }[];
}

/** Fact kind of a report text's embedding, computed at import (one per report-text record). */
export const PATHOLOGY_REPORT_EMBEDDING_FACT = 'pathology-report-embedding';

export interface PathologyModule extends ModalityModule<PathologyInputs> {
  /** The embedding model (name, version, ONNX sha256); part of `version`. */
  embeddingModel: EmbeddingModelVersion;
  /** Names of the vector's elements, in order. */
  vectorNames: readonly string[];
}

const embedders = new Map<string, Promise<TextEmbedder>>();
/** One loaded embedder per model folder for the process (loading the transformer per encode would dominate). */
function cachedEmbedder(folder: string): Promise<TextEmbedder> {
  const dir = resolve(folder);
  let found = embedders.get(dir);
  if (!found) {
    found = TextEmbedder.load(dir);
    found.catch(() => embedders.delete(dir));
    embedders.set(dir, found);
  }
  return found;
}

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The report-text record a pathology finding fact points into, or undefined for any other fact. */
function reportKeyOf(fact: Fact): string | undefined {
  const finding = record(fact.attributes).finding;
  if (!finding || typeof record(finding).kind !== 'string') return undefined;
  return fact.provenance.find((p) => p.sourceRecordKey.startsWith('pathology/'))?.sourceRecordKey;
}

/**
 * The patient's pathology finding facts grouped by report, oldest report first; superseded findings and
 * historical, hypothetical or someone else's statements left out (they are not the patient's current pathology).
 * Report embeddings are taken only when made by `modelId` (another model's vectors are not comparable).
 */
export function collectPathologyFindings(patientKey: PatientKey, facts: readonly Fact[], modelId?: string): PathologyInputs | undefined {
  const byReport = new Map<string, { date: string; findings: (UsedFinding & { id: number })[]; embedding?: { vector: number[]; provenance: Provenance[] } }>();
  for (const fact of facts) {
    if (fact.patientKey !== patientKey || fact.status === 'superseded') continue;
    if (fact.kind === PATHOLOGY_REPORT_EMBEDDING_FACT) {
      const a = record(fact.attributes);
      const key = fact.provenance[0]?.sourceRecordKey;
      if (!key || a.model !== modelId || !Array.isArray(a.vector) || !a.vector.every((x) => typeof x === 'number' && Number.isFinite(x))) continue;
      const report = byReport.get(key) ?? { date: '', findings: [] };
      report.embedding = { vector: a.vector as number[], provenance: fact.provenance };
      if (fact.effectiveStart && fact.effectiveStart > report.date) report.date = fact.effectiveStart;
      byReport.set(key, report);
      continue;
    }
    const key = reportKeyOf(fact);
    if (!key) continue;
    const attributes = record(fact.attributes);
    const assertion = typeof attributes.assertion === 'string' ? attributes.assertion : 'affirmed';
    if (assertion === 'historical' || assertion === 'hypothetical' || assertion === 'other-experiencer') continue;
    const finding = record(attributes.finding);
    const report = byReport.get(key) ?? { date: '', findings: [] };
    if (fact.effectiveStart && fact.effectiveStart > report.date) report.date = fact.effectiveStart;
    report.findings.push({ id: num(finding.id) ?? 0, kind: finding.kind as string, assertion, attributes, ...(fact.value ? { value: fact.value } : {}), provenance: fact.provenance });
    byReport.set(key, report);
  }
  if (byReport.size === 0) return undefined;
  const reports = [...byReport.entries()]
    .sort(([ka, a], [kb, b]) => a.date.localeCompare(b.date) || ka.localeCompare(kb))
    .map(([recordKey, r]) => ({
      recordKey,
      date: r.date,
      findings: r.findings.sort((a, b) => a.id - b.id).map(({ id: _id, ...f }) => f),
      ...(r.embedding ? { embedding: r.embedding } : {}),
    }));
  return { patientKey, reports };
}

const TNM_PATTERN = /^[a-z]*([TNM])(is|mi|X|\d)([a-d])?/;

/** The structured part of the vector, and the provenance of each finding it used. */
export function pathologyStructuredVector(inputs: PathologyInputs): { values: number[]; usedEvidence: Provenance[] } {
  // Later statements (later reports, later findings in a report) overwrite earlier ones slot by slot.
  const slots = new Map<string, { value: number; evidence: Provenance[] }>();
  const set = (slot: string, value: number, evidence: Provenance[]) => slots.set(slot, { value, evidence });
  const presence = (f: UsedFinding, status: unknown): number | undefined =>
    f.assertion === 'negated' || status === 'absent' ? 0 : f.assertion === 'uncertain' || status === 'indeterminate' ? 0.5 : status === 'present' ? 1 : undefined;
  const otherGenes = new Map<string, { value: number; evidence: Provenance[] }>();
  for (const report of inputs.reports) {
    for (const f of report.findings) {
      const a = f.attributes;
      const ev = f.provenance;
      const negated = f.assertion === 'negated';
      const uncertain = f.assertion === 'uncertain';
      switch (f.kind) {
        case 'histologic-type': {
          // A negated or hedged type ("negative for carcinoma", "suspicious for melanoma") is not the patient's type.
          if (negated || uncertain || typeof a.name !== 'string') break;
          if (a.metastatic === true) {
            set('metastatic', 1, ev);
            break;
          }
          const family = HISTOLOGY_FAMILIES.findIndex((h) => h.test.test(a.name as string));
          // A bare "carcinoma" restating an earlier, more specific type does not replace it.
          if (family < 0 && /^(?:invasive |infiltrating )?carcinoma$/.test(a.name) && slots.has('histology')) break;
          set('histology', family < 0 ? HISTOLOGY_FAMILIES.length : family, ev);
          if (a.behavior === 'invasive') set('invasive', 1, ev);
          if (a.behavior === 'in situ') set('in-situ', 1, ev);
          break;
        }
        case 'grade': {
          if (negated || uncertain) break;
          const gg = num(a.gradeGroup);
          const g = num(a.grade);
          const value = gg !== undefined ? (gg - 1) / 4 : g !== undefined ? (Math.min(g, 3) - 1) / 2 : a.twoTier === 'low' ? 0.25 : a.twoTier === 'high' ? 0.75
            : a.differentiation === 'well' ? 0 : a.differentiation === 'moderately' ? 0.5 : a.differentiation === 'poorly' || a.differentiation === 'undifferentiated' ? 1 : undefined;
          if (value !== undefined) set('grade', value, ev);
          break;
        }
        case 'tumor-size': {
          const mm = num(record(a.longestDimension).value);
          if (!negated && !uncertain && mm !== undefined) set('size', Math.tanh(mm / 50), ev);
          break;
        }
        case 'margin': {
          if (uncertain) break;
          const status = negated ? undefined : a.status;
          if (status === 'negative' || status === 'close' || status === 'positive') set('margin', status === 'negative' ? 0 : status === 'close' ? 0.5 : 1, ev);
          const distance = num(a.closestDistanceMm);
          if (!negated && distance !== undefined) set('margin-distance', Math.tanh(distance / 10), ev);
          break;
        }
        case 'lymphovascular-invasion':
        case 'perineural-invasion': {
          const value = presence(f, a.status);
          if (value !== undefined) set(f.kind, value, ev);
          break;
        }
        case 'lymph-nodes': {
          if (negated || uncertain) break;
          const examined = num(a.examined);
          const positive = num(a.positive);
          if (examined === undefined && positive === undefined) break;
          set('nodes', 1, ev);
          set('nodes-positive', positive !== undefined ? Math.log1p(positive) / Math.log(11) : 0, ev);
          set('nodes-examined', examined !== undefined ? Math.log1p(examined) / Math.log(31) : 0, ev);
          set('nodes-fraction', positive !== undefined && examined ? Math.min(1, positive / examined) : 0, ev);
          break;
        }
        case 'tnm': {
          if (negated || uncertain || typeof a.category !== 'string') break;
          const m = TNM_PATTERN.exec(a.category);
          if (!m || m[2] === 'X') break;
          const [, category, level] = m;
          const value =
            category === 'T' ? (level === 'is' || level === '0' ? 0 : level === 'mi' ? 0.1 : Math.min(4, Number(level)) / 4)
              : category === 'N' ? (level === 'mi' ? 0.1 : Math.min(3, Number(level)) / 3)
                : Number(level) > 0 ? 1 : 0;
          set(`tnm-${category}`, value, ev);
          break;
        }
        case 'er':
        case 'pr': {
          if (uncertain || a.result === 'pending') break;
          const percent = num(a.percent);
          const value = negated ? 0 : percent !== undefined ? percent / 100 : a.result === 'positive' ? 1 : a.result === 'low-positive' ? 0.05 : a.result === 'negative' ? 0 : undefined;
          if (value !== undefined) set(f.kind, Math.min(1, value), ev);
          break;
        }
        case 'her2': {
          if (uncertain || negated) break;
          const score = a.score;
          if (score === '0' || score === '1+' || score === '2+' || score === '3+') set('her2-ihc', { '0': 0, '1+': 1 / 3, '2+': 2 / 3, '3+': 1 }[score], ev);
          else if (a.method === 'IHC' && (a.result === 'negative' || a.result === 'positive')) set('her2-ihc', a.result === 'positive' ? 1 : 0, ev);
          const ratio = num(a.ratio);
          if (a.method === 'ISH' && (a.result === 'amplified' || a.result === 'not-amplified' || a.result === 'positive' || a.result === 'negative')) set('her2-ish', a.result === 'amplified' || a.result === 'positive' ? 1 : 0, ev);
          else if (a.method === 'ISH' && ratio !== undefined && a.result === undefined) set('her2-ish', ratio >= 2 ? 1 : 0, ev);
          break;
        }
        case 'ki67': {
          const percent = num(a.percent);
          if (!negated && !uncertain && percent !== undefined) set('ki67', Math.min(1, percent / 100), ev);
          break;
        }
        case 'mmr': {
          if (uncertain) break;
          // "loss of MLH1 is not identified" (negated) reads as intact
          const lost = !negated && (a.status === 'lost' || a.status === 'deficient');
          const prior = slots.get('mmr');
          // One lost protein makes the tumour deficient; an intact one does not undo that within the same report set.
          if (lost || !prior || prior.value === 0) set('mmr', lost ? 1 : 0, lost || !prior ? ev : [...prior.evidence, ...ev]);
          break;
        }
        case 'msi': {
          if (negated || uncertain) break;
          set('msi', a.status === 'MSI-H' ? 1 : a.status === 'MSI-L' ? 0.5 : 0, ev);
          break;
        }
        case 'pd-l1': {
          if (negated || uncertain) break;
          const tps = num(a.tps);
          const cps = num(a.cps);
          if (tps !== undefined) set('pdl1-tps', Math.min(1, tps / 100), ev);
          if (cps !== undefined) set('pdl1-cps', Math.tanh(cps / 10), ev);
          break;
        }
        case 'gene-alteration': {
          const gene = typeof a.geneStudied === 'string' ? a.geneStudied : undefined;
          if (!gene) break;
          const detected = a.detected;
          const value = negated || detected === false ? 0 : uncertain || detected === null ? 0.5 : 1;
          const slot = (PATHOLOGY_VECTOR_GENES as readonly string[]).includes(gene) ? gene : /^NTRK[123]$/.test(gene) ? 'NTRK' : undefined;
          if (!slot) {
            otherGenes.set(gene, { value, evidence: ev });
            break;
          }
          // A detected alteration of the gene is not cancelled by a "no other alteration" statement about it.
          const prior = slots.get(`gene-${slot}`);
          if (!prior || value > prior.value) set(`gene-${slot}`, value, ev);
          break;
        }
        default:
          break; // specimen, procedure, site, laterality, edition: provenance for display, not in the vector
      }
    }
  }
  const values: number[] = [];
  const used: Provenance[] = [];
  const take = (slot: string): number | undefined => {
    const s = slots.get(slot);
    if (!s) return undefined;
    used.push(...s.evidence);
    return s.value;
  };
  const histology = take('histology');
  for (let i = 0; i <= HISTOLOGY_FAMILIES.length; i++) values.push(histology === i ? 1 : 0);
  values.push(histology === undefined ? 1 : 0);
  const invasive = take('invasive');
  const inSitu = take('in-situ');
  values.push(invasive ?? 0, inSitu !== undefined && invasive === undefined ? 1 : 0, take('metastatic') ?? 0);
  const measured = (slot: string) => {
    const v = take(slot);
    values.push(v ?? 0, v === undefined ? 1 : 0);
  };
  measured('grade');
  measured('size');
  measured('margin');
  measured('margin-distance');
  measured('lymphovascular-invasion');
  measured('perineural-invasion');
  const nodes = take('nodes');
  values.push(take('nodes-positive') ?? 0, take('nodes-examined') ?? 0, take('nodes-fraction') ?? 0, nodes === undefined ? 1 : 0);
  for (const slot of ['tnm-T', 'tnm-N', 'tnm-M', 'er', 'pr', 'her2-ihc', 'her2-ish', 'ki67', 'mmr', 'msi', 'pdl1-tps', 'pdl1-cps']) measured(slot);
  for (const gene of PATHOLOGY_VECTOR_GENES) measured(`gene-${gene}`);
  const altered = [...otherGenes.values()].filter((g) => g.value === 1);
  for (const g of altered) used.push(...g.evidence);
  values.push(Math.tanh(altered.length / 3));
  // Each fact's provenance once, in vector order
  const seen = new Set<string>();
  const usedEvidence = used.filter((p) => {
    const k = `${p.sourceRecordKey}|${p.elementPath}|${p.span?.start ?? ''}|${p.span?.end ?? ''}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  return { values, usedEvidence };
}

/**
 * The pathology module over a text model folder and (optionally) a reader of report texts. Its `version` names
 * the embedding model (`0.1.0+civic-bert-mini@1.0.0+sha256:…`), so encodings of another model are cached apart.
 */
export function createPathologyModule(options: PathologyModuleOptions = {}): PathologyModule {
  const modelDir = options.textModelDir ?? DEFAULT_TEXT_MODEL_DIR;
  const { model, dimension } = readModelFolderIdentity(modelDir);
  const vectorNames = [
    ...PATHOLOGY_STRUCTURED_NAMES,
    ...Array.from({ length: dimension }, (_, i) => `report embedding[${i}] (${model.name}, mean of the reports)`),
    'report embedding present (0/1)',
  ];
  const readReportText = options.readReportText;
  return {
    id: PATHOLOGY_MODULE_ID,
    version: `${PATHOLOGY_MODULE_CODE_VERSION}+${model.id}`,
    modality: 'pathology',
    vectorSize: vectorNames.length,
    vectorNames,
    embeddingModel: model,
    description:
      `Structured findings of the patient's pathology reports (histology, grade, size, margins, LVI/PNI, nodes, pTNM, ER/PR/HER2, Ki-67, MMR/MSI, PD-L1, ${PATHOLOGY_VECTOR_GENES.length} genes; ` +
      `latest statement per slot; negated/uncertain respected; missing flagged) and the mean ${model.name} embedding of the report texts`,
    async collectInputs(patientKey, facts) {
      const inputs = collectPathologyFindings(patientKey, facts, model.id);
      if (!inputs || !readReportText) return inputs;
      for (const report of inputs.reports) {
        if (report.embedding) continue;
        const text = await readReportText(report.recordKey);
        if (typeof text === 'string' && text.trim() !== '') Object.assign(report, { text, textSha256: sha256(text) });
      }
      return inputs;
    },
    async encode(inputs) {
      const { values, usedEvidence } = pathologyStructuredVector(inputs);
      const embedding = new Float64Array(dimension);
      const add = (v: ArrayLike<number>) => {
        for (let j = 0; j < dimension; j++) embedding[j] = embedding[j]! + (v[j] ?? 0);
      };
      const stored = inputs.reports.filter((r) => r.embedding && r.embedding.vector.length === dimension);
      for (const r of stored) {
        add(r.embedding!.vector);
        usedEvidence.push(...r.embedding!.provenance);
      }
      const texts = inputs.reports.filter((r): r is typeof r & { text: string } => !stored.includes(r) && typeof r.text === 'string');
      if (texts.length > 0) {
        const embedder = await cachedEmbedder(modelDir);
        for (const v of await embedder.embed(texts.map((r) => r.text))) add(v.vector);
        for (const r of texts) usedEvidence.push({ sourceRecordKey: r.recordKey, elementPath: 'text', span: { start: 0, end: r.text.length } });
      }
      const embedded = stored.length + texts.length;
      const vector = Float32Array.from([...values, ...l2Normalize(embedding), embedded > 0 ? 1 : 0], (v) => (Number.isFinite(v) ? v : 0));
      // The hash covers what the vector is computed from: each used finding (no ids), each text's hash, the model.
      const hashed = inputs.reports.map((r) => ({
        recordKey: r.recordKey,
        date: r.date,
        text: r.textSha256 ?? null,
        embedding: r.embedding ? sha256(canonicalJson(r.embedding.vector)) : null,
        findings: r.findings.map((f) => canonicalJson({ kind: f.kind, assertion: f.assertion, value: f.value, attributes: { ...f.attributes, finding: undefined } })),
      }));
      const inputHash = sha256(`${PATHOLOGY_MODULE_ID}@${PATHOLOGY_MODULE_CODE_VERSION}+${model.id}\n${canonicalJson(hashed)}`);
      return { vector, usedEvidence, inputHash };
    },
  };
}

/** JSON with object keys sorted, undefined members dropped (stable across store round trips). */
function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/**
 * The `pathology-report-embedding` fact of one report-text record: the embedding of its whole text (chunked and
 * averaged when longer than the model's window) with the model id; provenance = the record, the whole text.
 */
export async function reportEmbeddingFact(
  record: Pick<ReportTextRecord, 'key' | 'patientKey' | 'content' | 'originLocation'> & { effectiveStart?: string },
  embedder: TextEmbedder,
): Promise<Fact> {
  const [embedding] = await embedder.embed([record.content]);
  return {
    kind: PATHOLOGY_REPORT_EMBEDDING_FACT,
    patientKey: record.patientKey,
    ...(record.effectiveStart ? { effectiveStart: record.effectiveStart } : {}),
    attributes: { model: embedder.model.id, dimension: embedder.dimension, chunks: embedding!.chunks, vector: Array.from(embedding!.vector, (x) => Math.round(x * 1e6) / 1e6) },
    provenance: [{ sourceRecordKey: record.key, elementPath: 'text', span: { start: 0, end: record.content.length } }],
  };
}

/** The default text model, loaded once per process (for imports that embed reports). */
export function defaultReportEmbedder(modelDir: string = DEFAULT_TEXT_MODEL_DIR): Promise<TextEmbedder> {
  return cachedEmbedder(modelDir);
}

/** A `readReportText` over the store (structurally its getSourceRecord): the content of a report-text record. */
export function storeReportTextReader(store: {
  getSourceRecord(key: string): Promise<{ record: { kind: string; content: string } } | null>;
}): (recordKey: string) => Promise<string | undefined> {
  return async (key) => {
    const found = await store.getSourceRecord(key);
    return found && found.record.kind === REPORT_TEXT_RECORD_KIND ? found.record.content : undefined;
  };
}

/**
 * The module with the default model and no text reader: structured findings only, embedding flagged missing.
 * Where a store (or other source of the report texts) is at hand, register
 * `createPathologyModule({ readReportText: storeReportTextReader(store) })` instead — same id and version.
 */
export const pathologyModule: PathologyModule = createPathologyModule();
