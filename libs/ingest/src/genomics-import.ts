// Imports a somatic VCF for a patient: the file kept verbatim as one `vcf` record, each variant a fact citing its
// line (a character span of that text), each knowledge-base evidence item that matches the patient's variants and
// cancer a fact citing both the variant line and a `kb-evidence` reference record (the CIViC item, with its
// citation and the KB version). Everything of one file is written in ONE store transaction.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Fact, Provenance, TimelineEvent } from '@oncoboard/facts';
import {
  ACTIONABILITY_EVIDENCE_FACT,
  KbMatcher,
  SOMATIC_VARIANT_FACT,
  TMB_FACT,
  VCF_READ_SUMMARY_FACT,
  computeTmb,
  DEFAULT_KB_PATH,
  loadKb,
  readSomaticVariants,
  type RecordIssue,
  type TmbOptions,
  type EvidenceMatch,
  type FilterPolicy,
  type GenomeAssembly,
  type MatchableVariant,
  type SomaticVariant,
} from '@oncoboard/genomics';
import type { RecordWrite, Store } from '@oncoboard/store';

export const VCF_RECORD_KIND = 'vcf';
export const KB_EVIDENCE_RECORD_KIND = 'kb-evidence';
// The fact kinds live in libs/genomics (readers of the facts need them without this importer).
export { ACTIONABILITY_EVIDENCE_FACT, SOMATIC_VARIANT_FACT, TMB_FACT, VCF_READ_SUMMARY_FACT };
/** A VCF kept verbatim in the store: larger files are refused with advice (a region, or a filtered file). */
export const MAX_VCF_BYTES = 64 * 1024 * 1024;

export interface VcfImportRequest {
  patientKey: string;
  /** The genome build when the header does not state it (never guessed). */
  assembly?: GenomeAssembly;
  tumorSample?: string;
  normalSample?: string;
  /** Default 'pass': only PASS records. */
  filter?: FilterPolicy;
  /** A knowledge base file other than the committed CIViC release. */
  kbPath?: string;
  /** Default 'skip': a malformed record is left out and reported (`skippedRecords`); 'fail' refuses the file. */
  invalidRecords?: 'skip' | 'fail';
  /** Compute tumor mutational burden over this declared target (a TMB fact citing the variants counted). */
  tmb?: TmbOptions;
}

export interface VcfImportResult {
  runId: string;
  recordKey: string;
  variants: number;
  evidence: number;
  assertions: number;
  kbVersion: string;
  imported: number;
  updated: number;
  unchanged: number;
  /** Malformed records left out (all of them counted). */
  skippedRecords: number;
  /** The first of them: file, line and what was expected (see `logSafeIssue` for a line to log). */
  skipped: RecordIssue[];
  /** "8.2 mut/Mb (41 mutations / 5 Mb)" when `tmb` was asked for. */
  tmb?: string;
  warnings: string[];
}

/**
 * A skipped record for logs: file:line, the column and what was expected, without the found value (which is
 * a piece of the record, possibly patient data).
 */
export function logSafeIssue(issue: RecordIssue): string {
  return `skipped record ${issue.message.replace(/, found [\s\S]*$/, '')}`;
}

export class VcfImportError extends Error {
  override name = 'VcfImportError';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The decompressed text of a VCF (plain, gzip or bgzip: bgzip is concatenated gzip members). */
function vcfText(path: string): string {
  const bytes = readFileSync(path);
  const gz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const raw = gz ? gunzipSync(bytes) : bytes;
  if (raw.length > MAX_VCF_BYTES) {
    throw new VcfImportError(`${basename(path)}: ${raw.length} bytes decompressed: expected at most ${MAX_VCF_BYTES} to keep verbatim; import a region or a filtered file`);
  }
  return raw.toString('utf8');
}

/** Character span of each line (1-based line number → [start, end) without the line break). */
function lineSpans(text: string): (line: number) => { start: number; end: number } | undefined {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (line) => {
    const start = starts[line - 1];
    if (start === undefined) return undefined;
    let end = (starts[line] ?? text.length + 1) - 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    return { start, end: Math.max(start, end) };
  };
}

/** The matcher's view of a variant (see MatchableVariant in libs/genomics/src/kb/match.ts). */
export function matchableVariant(v: SomaticVariant): MatchableVariant | undefined {
  if (!v.gene) return undefined;
  const kind: MatchableVariant['kind'] =
    v.variantType === 'snv' ? 'snv'
    : v.variantType === 'mnv' ? 'mnv'
    : v.variantType === 'insertion' || v.variantType === 'deletion' || v.variantType === 'delins' ? 'indel'
    : v.variantType === 'rearrangement' && v.structural?.partnerGenes?.length ? 'fusion'
    : v.variantType === 'sv-duplication' || v.variantType === 'sv-copy-number' ? 'cnv-amplification'
    : v.variantType === 'sv-deletion' ? 'cnv-deletion'
    : 'sv';
  const partner = v.structural?.partnerGenes?.find((g) => g !== v.gene);
  return {
    ref: v.id,
    geneSymbol: v.gene,
    ...(v.hgvsp ? { hgvsp: v.hgvsp } : {}),
    ...(v.hgvsc ? { hgvsc: v.hgvsc } : {}),
    consequence: v.consequences,
    kind,
    ...(kind === 'fusion' && partner ? { fusionPartner: partner } : {}),
    ...(v.key ? { genomic: { assembly: v.key.assembly, chrom: v.key.chrom, pos: v.key.pos, ref: v.key.ref, alt: v.key.alt } } : {}),
  } as MatchableVariant;
}

/** The knowledge-base item as a reference record (no patient data): what the summary cites for a therapy. */
function kbEvidenceRecord(m: EvidenceMatch): RecordWrite {
  const key = `kb/${m.kb.source}/${m.kb.version}/evidence/${m.evidenceId}`.replace(/\s+/g, '-');
  const content = JSON.stringify({
    kb: m.kb,
    evidenceId: m.evidenceId,
    evidenceUrl: m.evidenceUrl,
    gene: m.gene,
    civicVariant: m.civicVariant,
    disease: { name: m.disease.name, ...(m.disease.doid ? { doid: m.disease.doid } : {}) },
    evidenceType: m.evidenceType,
    direction: m.direction,
    significance: m.significance,
    level: m.level,
    ...(m.rating !== undefined ? { rating: m.rating } : {}),
    therapies: m.therapies,
    ...(m.therapyInteraction ? { therapyInteraction: m.therapyInteraction } : {}),
    statement: m.statement,
    citation: m.citation,
    nctIds: m.nctIds,
    assertions: m.assertions,
  });
  return {
    key,
    kind: KB_EVIDENCE_RECORD_KIND,
    resourceType: 'KnowledgeBaseEvidence',
    resourceId: `${m.kb.source}-${m.evidenceId}`,
    content,
    contentHash: sha256(content),
    origin: `${m.kb.source} ${m.kb.release}`,
    originLocation: `evidence ${m.evidenceId}`,
    facts: [],
    events: [],
  };
}


/**
 * The knowledge base and its matcher, parsed once per file version: parsing and checking it dominated a VCF import
 * (87% of a 25-file import's time), and a cohort import reads the same file for every patient. A rebuilt file (new
 * mtime or size) is read again.
 */
let cachedKb: { stamp: string; kb: ReturnType<typeof loadKb>; matcher: KbMatcher } | undefined;
function knowledgeBase(kbPath: string | undefined): { kb: ReturnType<typeof loadKb>; matcher: KbMatcher } {
  const path = resolve(kbPath ?? DEFAULT_KB_PATH);
  let stamp = '';
  try {
    const st = statSync(path);
    stamp = `${path}:${st.mtimeMs}:${st.size}`;
  } catch {
    // Unreadable: loadKb below names the file and the fix.
  }
  if (!stamp || cachedKb?.stamp !== stamp) {
    const kb = loadKb(path);
    cachedKb = { stamp, kb, matcher: new KbMatcher(kb) };
  }
  return cachedKb;
}

/** The parts of a knowledge-base record an actionability statement states (and so cites). */
const KB_CITED_ELEMENTS = ['civicVariant', 'level', 'significance', 'therapies', 'disease', 'citation', 'evidenceId', 'kb'] as const;

export async function importVcf(
  path: string,
  request: VcfImportRequest,
  options: { store: Store; onProgress?: (step: 'reading' | 'matching' | 'writing') => void },
): Promise<VcfImportResult> {
  const { store } = options;
  const { patientKey } = request;
  if (!/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(patientKey)) throw new VcfImportError(`patientKey: expected "Patient/<id>", found "${patientKey.slice(0, 80)}"`);
  options.onProgress?.('reading');
  const text = vcfText(path);
  const { variants, reader } = await readSomaticVariants(path, {
    ...(request.assembly ? { assembly: request.assembly } : {}),
    ...(request.tumorSample ? { tumorSample: request.tumorSample } : {}),
    ...(request.normalSample ? { normalSample: request.normalSample } : {}),
    filter: request.filter ?? 'pass',
    invalidRecords: request.invalidRecords ?? 'skip',
  } as Parameters<typeof readSomaticVariants>[1]);
  const spanOf = lineSpans(text);
  const recordKey = `vcf/${sha256(text).slice(0, 24)}`;

  // The patient's cancer, from the EHR facts, for on-label ranking.
  options.onProgress?.('matching');
  const cancers = await store.getFacts(patientKey, { kinds: ['primary-cancer-condition', 'secondary-cancer-condition'] });
  const codings = cancers.flatMap((f) => (f.code ? [{ system: f.code.system, code: f.code.code, display: f.code.display }] : []));
  const { kb, matcher } = knowledgeBase(request.kbPath);
  const matchable = variants.map(matchableVariant).filter((m): m is MatchableVariant => !!m);
  const names = cancers.flatMap((f) => [f.code?.display, typeof f.attributes.histologyMorphologyBehavior === 'object' ? (f.attributes.histologyMorphologyBehavior as { display?: string }).display : undefined]).filter((n): n is string => !!n);
  const matched = matcher.matchPatient(matchable, { cancer: { codings, names } });

  const assembly = variants[0]?.key?.assembly;
  const variantProvenance = new Map<string, Provenance>();
  const facts: Fact[] = [];
  for (const v of variants) {
    const line = v.source.kind === 'vcf' ? v.source.line : undefined;
    const span = line ? spanOf(line) : undefined;
    const provenance: Provenance = { sourceRecordKey: recordKey, elementPath: line ? `line ${line}` : 'text', ...(span ? { span } : {}) };
    variantProvenance.set(v.id, provenance);
    const label = [v.gene, v.hgvsp ?? v.hgvsc ?? (v.key ? `${v.key.chrom}:${v.key.pos} ${v.key.ref}>${v.key.alt}` : v.id)].filter(Boolean).join(' ');
    facts.push({
      kind: SOMATIC_VARIANT_FACT,
      patientKey,
      value: { type: 'string', value: label },
      attributes: {
        variantId: v.id,
        variantType: v.variantType,
        ...(v.gene ? { gene: v.gene } : {}),
        ...(v.transcript ? { transcript: v.transcript } : {}),
        ...(v.hgvsc ? { hgvsc: v.hgvsc } : {}),
        ...(v.hgvsp ? { hgvsp: v.hgvsp } : {}),
        consequences: v.consequences,
        ...(v.key ? { assembly: v.key.assembly, chrom: v.key.chrom, pos: v.key.pos, ref: v.key.ref, alt: v.key.alt } : {}),
        ...(v.vaf !== undefined ? { vaf: v.vaf } : {}),
        ...(v.depth !== undefined ? { depth: v.depth } : {}),
        ...(v.tumor?.altDepth !== undefined && Number.isFinite(v.tumor.altDepth) ? { altDepth: v.tumor.altDepth } : {}),
        filterStatus: v.filterStatus,
        ...(v.origin ? { origin: v.origin } : {}),
        ...(v.structural?.partnerGenes ? { partnerGenes: v.structural.partnerGenes } : {}),
      },
      provenance: [provenance],
    });
  }
  const kbRecords = new Map<string, RecordWrite>();
  for (const m of matched.evidence) {
    const kbRecord = kbEvidenceRecord(m);
    kbRecords.set(kbRecord.key, kbRecord);
    const variantSides = m.variantRefs.map((ref) => variantProvenance.get(ref)).filter((p): p is Provenance => !!p);
    facts.push({
      kind: ACTIONABILITY_EVIDENCE_FACT,
      patientKey,
      value: { type: 'string', value: `${m.gene} ${m.civicVariant.name}: level ${m.level} ${m.evidenceType.toLowerCase()} evidence (${m.significance})` },
      attributes: {
        kbVersion: m.kb.version,
        kbSourceDate: m.kb.sourceDate,
        evidenceId: m.evidenceId,
        gene: m.gene,
        civicVariant: m.civicVariant.name,
        level: m.level,
        evidenceType: m.evidenceType,
        direction: m.direction,
        significance: m.significance,
        therapies: m.therapies,
        disease: m.disease.name,
        onLabel: m.disease.onLabel,
        matchedBy: m.matchedBy,
        why: m.why,
        citation: m.citation.pubmedId ? `PubMed ${m.citation.pubmedId}` : `${m.citation.source} ${m.citation.id}`,
        ...(m.citation.pubmedId ? { pubmedId: m.citation.pubmedId } : {}),
        citationUrl: m.citation.url,
        evidenceUrl: m.evidenceUrl,
        statement: m.statement,
        ...(m.disease.doid ? { doid: m.disease.doid } : {}),
        variantIds: m.variantRefs,
        // The patient's variant(s) as their VCF annotation writes them.
        patientVariants: m.variantRefs.map((ref) => variants.find((v) => v.id === ref)).filter((v): v is SomaticVariant => !!v).map((v) => v.hgvsp ?? v.hgvsc ?? v.id),
        ampTiers: m.assertions.map((a) => a.ampTier).filter(Boolean),
        // Where each stated part sits in the knowledge-base record.
        elementPaths: Object.fromEntries(KB_CITED_ELEMENTS.map((e) => [e, e])),
      },
      provenance: [...variantSides, ...KB_CITED_ELEMENTS.map((elementPath) => ({ sourceRecordKey: kbRecord.key, elementPath }))],
    });
  }
  let tmbDisplay: string | undefined;
  if (request.tmb) {
    const tmb = computeTmb(variants, request.tmb);
    tmbDisplay = tmb.display;
    const { display, ...attributes } = tmb;
    facts.push({
      kind: TMB_FACT,
      patientKey,
      value: { type: 'quantity', quantity: { value: tmb.value, unit: 'mutations/Mb' } },
      attributes: { ...attributes, label: display },
      provenance: [{ sourceRecordKey: recordKey, elementPath: 'text' }, ...tmb.variantKeys.map((k) => variantProvenance.get(k)).filter((p): p is Provenance => !!p)],
    });
  }
  const summary = reader.summary;
  facts.push({
    kind: VCF_READ_SUMMARY_FACT,
    patientKey,
    value: { type: 'string', value: `${summary.variants} variants from ${summary.records} records${summary.skippedInvalid ? `; ${summary.skippedInvalid} malformed records skipped` : ''}` },
    attributes: {
      file: basename(path),
      records: summary.records,
      variants: summary.variants,
      skippedByFilter: summary.skippedByFilter,
      skippedInvalid: summary.skippedInvalid,
      skippedIssues: summary.issues.map(logSafeIssue),
    },
    provenance: [{ sourceRecordKey: recordKey, elementPath: 'text' }],
  });
  const actionable = matched.evidence.filter((m) => m.disease.onLabel && (m.level === 'A' || m.level === 'B')).length;
  const event: TimelineEvent = {
    patientKey,
    category: 'genomics',
    title: `Somatic variants: ${variants.length} (${matched.evidence.length} knowledge-base evidence items, ${actionable} on-label level A/B${summary.skippedInvalid ? `; ${summary.skippedInvalid} malformed records skipped` : ''})`,
    detail: `${basename(path)} · ${assembly ?? 'build unknown'} · ${kb.meta.source ?? 'KB'} ${matched.kb.version}${tmbDisplay ? ` · TMB ${tmbDisplay}` : ''}`,
    provenance: { sourceRecordKey: recordKey, elementPath: 'text' },
  };
  const vcfRecord: RecordWrite = {
    key: recordKey,
    kind: VCF_RECORD_KIND,
    resourceType: 'VariantCallFile',
    resourceId: recordKey.slice('vcf/'.length),
    patientKey,
    content: text,
    contentHash: sha256(text),
    origin: path,
    originLocation: `${summary.records} records${summary.skippedInvalid ? `, ${summary.skippedInvalid} malformed skipped` : ''}`,
    facts,
    events: [event],
  };
  options.onProgress?.('writing');
  const run = await store.beginImportRun(`VCF ${basename(path)} for ${patientKey}`);
  try {
    const written = await store.writeRecords(run.id, [vcfRecord, ...kbRecords.values()]);
    await store.finishImportRun(run.id, { status: 'succeeded', imported: written.imported, updated: written.updated, unchanged: written.unchanged, rejected: 0 });
    return {
      runId: run.id,
      recordKey,
      variants: variants.length,
      evidence: matched.evidence.length,
      assertions: matched.assertions.length,
      kbVersion: matched.kb.version,
      ...written,
      skippedRecords: summary.skippedInvalid,
      skipped: summary.issues,
      ...(tmbDisplay ? { tmb: tmbDisplay } : {}),
      warnings: [
        ...(summary.skippedInvalid ? [`${summary.skippedInvalid} malformed record(s) skipped`, ...summary.issues.map(logSafeIssue)] : []),
        ...matched.warnings,
      ],
    };
  } catch (error) {
    await store.finishImportRun(run.id, { status: 'failed', imported: 0, updated: 0, unchanged: 0, rejected: 1 });
    throw error;
  }
}
