// The pathology report view (each report text with its findings as spans) and the genomics view (variants and
// the knowledge-base evidence matched to them), read from the store's records and facts.
import { formatFactValue } from '@oncoboard/facts';
import type { Store } from '@oncoboard/store';

export interface ReportFindingView {
  kind: string;
  label: string;
  value: string;
  start: number;
  end: number;
  context: { negated: boolean; uncertain: boolean; historical: boolean; hypothetical: boolean; experiencer: string };
  superseded: boolean;
}

export interface PatientReportView {
  key: string;
  text: string;
  date?: string;
  findings: ReportFindingView[];
}

export interface VariantView {
  variantId?: string;
  filterStatus?: string;
  gene?: string;
  hgvsp?: string;
  hgvsc?: string;
  location?: string;
  consequences: string[];
  vaf?: number;
  depth?: number;
  citation: { sourceRecordKey: string; elementPath: string; span?: { start: number; end: number } };
}

export interface EvidenceView {
  gene: string;
  civicVariant: string;
  patientVariants: string[];
  level: string;
  evidenceType: string;
  significance: string;
  therapies: string[];
  disease: string;
  onLabel: boolean;
  why: string;
  citation: string;
  evidenceId: number;
  kbVersion: string;
  kbSourceDate?: string;
  kbRecordKey: string;
  /** The CIViC evidence statement (from the fact, else from the knowledge-base record). */
  statement?: string;
  /** Link to the publication (PubMed) and to the CIViC evidence item. */
  citationUrl?: string;
  evidenceUrl?: string;
}

/** Tumor mutational burden as stored by the import, always with its denominator. */
export interface TmbView {
  value: number;
  count: number;
  targetSizeMb: number;
  definition: string;
  label: string;
}

export interface PatientGenomicsView {
  variants: VariantView[];
  evidence: EvidenceView[];
  /** Absent when no TMB was computed (no target size was declared at import). */
  tmb?: TmbView;
  /** What the imports read: records, and the malformed ones skipped (file:line and what was expected, no content). */
  vcf: { files: number; records: number; skippedInvalid: number; skippedIssues: string[] };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function listPatientReports(store: Store, patientKey: string): Promise<PatientReportView[]> {
  const records = await store.listPatientRecords(patientKey, 'report-text');
  const facts = await store.getFacts(patientKey);
  return records.map((r) => {
    // Findings only: other facts of the report (e.g. its embedding, which cites the whole text) are not findings.
    const own = facts.filter((f) => f.sourceRecordKey === r.key && f.provenance[0]?.span && (f.attributes as Record<string, unknown>).finding);
    const findings = own.map((f): ReportFindingView => {
      const a = f.attributes as Record<string, unknown>;
      const c = (a.context ?? {}) as Partial<ReportFindingView['context']>;
      const finding = (a.finding ?? {}) as { kind?: string };
      const value = formatFactValue(f.value);
      const span = f.provenance[0]!.span!;
      return {
        kind: f.kind,
        label: finding.kind ?? f.kind,
        value,
        start: span.start,
        end: span.end,
        context: { negated: !!c.negated, uncertain: !!c.uncertain, historical: !!c.historical, hypothetical: !!c.hypothetical, experiencer: c.experiencer ?? 'patient' },
        superseded: f.status === 'superseded',
      };
    });
    const date = own.find((f) => f.effectiveStart)?.effectiveStart;
    return { key: r.key, text: r.content, ...(date ? { date } : {}), findings: findings.sort((x, y) => x.start - y.start) };
  });
}

export async function buildPatientGenomics(store: Store, patientKey: string): Promise<PatientGenomicsView> {
  const facts = await store.getFacts(patientKey, { kinds: ['somatic-variant', 'actionability-evidence', 'tumor-mutational-burden', 'vcf-read-summary'] });
  const variants = facts
    .filter((f) => f.kind === 'somatic-variant')
    .map((f): VariantView => {
      const a = f.attributes as Record<string, unknown>;
      const p = f.provenance[0]!;
      return {
        variantId: str(a.variantId),
        filterStatus: str(a.filterStatus),
        gene: str(a.gene),
        hgvsp: str(a.hgvsp),
        hgvsc: str(a.hgvsc),
        location: typeof a.chrom === 'string' ? `${a.chrom}:${String(a.pos)} ${String(a.ref)}>${String(a.alt)} (${String(a.assembly)})` : undefined,
        consequences: Array.isArray(a.consequences) ? (a.consequences as string[]) : [],
        vaf: typeof a.vaf === 'number' ? a.vaf : undefined,
        depth: typeof a.depth === 'number' ? a.depth : undefined,
        citation: { sourceRecordKey: p.sourceRecordKey, elementPath: p.elementPath, ...(p.span ? { span: p.span } : {}) },
      };
    });
  const evidence = facts
    .filter((f) => f.kind === 'actionability-evidence')
    .map((f): EvidenceView => {
      const a = f.attributes as Record<string, unknown>;
      return {
        gene: String(a.gene),
        civicVariant: String(a.civicVariant),
        patientVariants: Array.isArray(a.patientVariants) ? (a.patientVariants as string[]) : [],
        level: String(a.level),
        evidenceType: String(a.evidenceType),
        significance: String(a.significance),
        therapies: Array.isArray(a.therapies) ? (a.therapies as string[]) : [],
        disease: String(a.disease),
        onLabel: a.onLabel === true,
        why: String(a.why ?? ''),
        citation: String(a.citation),
        evidenceId: Number(a.evidenceId),
        kbVersion: String(a.kbVersion),
        kbSourceDate: str(a.kbSourceDate),
        kbRecordKey: f.provenance.find((p) => p.sourceRecordKey.startsWith('kb/'))?.sourceRecordKey ?? '',
        statement: str(a.statement),
        citationUrl: str(a.citationUrl) ?? (str(a.pubmedId) ? `https://pubmed.ncbi.nlm.nih.gov/${String(a.pubmedId)}/` : undefined),
        evidenceUrl: str(a.evidenceUrl),
      };
    })
    .sort((x, y) => Number(y.onLabel) - Number(x.onLabel) || x.level.localeCompare(y.level) || x.gene.localeCompare(y.gene));
  // Facts from imports made before statements were stored: read them from the knowledge-base record.
  const kbContent = new Map<string, Record<string, unknown> | undefined>();
  for (const e of evidence) {
    if (e.statement || !e.kbRecordKey) continue;
    if (!kbContent.has(e.kbRecordKey)) {
      const found = await store.getSourceRecord(e.kbRecordKey);
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = found ? (JSON.parse(found.record.content) as Record<string, unknown>) : undefined;
      } catch {
        parsed = undefined;
      }
      kbContent.set(e.kbRecordKey, parsed);
    }
    const kb = kbContent.get(e.kbRecordKey);
    e.statement = str(kb?.statement);
    e.citationUrl ??= str((kb?.citation as { url?: unknown } | undefined)?.url);
    e.evidenceUrl ??= str(kb?.evidenceUrl);
  }
  const tmbFact = facts.filter((f) => f.kind === 'tumor-mutational-burden' && f.value?.type === 'quantity').at(-1);
  const t = tmbFact?.attributes as Record<string, unknown> | undefined;
  const tmb: TmbView | undefined =
    tmbFact && tmbFact.value?.type === 'quantity' && t && typeof t.targetSizeMb === 'number'
      ? { value: tmbFact.value.quantity.value, count: Number(t.count ?? 0), targetSizeMb: t.targetSizeMb, definition: String(t.definition ?? ''), label: String(t.label ?? `${tmbFact.value.quantity.value} mut/Mb`) }
      : undefined;
  const summaries = facts.filter((f) => f.kind === 'vcf-read-summary').map((f) => f.attributes as Record<string, unknown>);
  const vcf = {
    files: summaries.length,
    records: summaries.reduce((n, a) => n + Number(a.records ?? 0), 0),
    skippedInvalid: summaries.reduce((n, a) => n + Number(a.skippedInvalid ?? 0), 0),
    skippedIssues: summaries.flatMap((a) => (Array.isArray(a.skippedIssues) ? (a.skippedIssues as string[]) : [])).slice(0, 50),
  };
  return { variants, evidence, ...(tmb ? { tmb } : {}), vcf };
}
