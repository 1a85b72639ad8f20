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
}

export interface PatientGenomicsView {
  variants: VariantView[];
  evidence: EvidenceView[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function listPatientReports(store: Store, patientKey: string): Promise<PatientReportView[]> {
  const records = await store.listPatientRecords(patientKey, 'report-text');
  const facts = await store.getFacts(patientKey);
  return records.map((r) => {
    const own = facts.filter((f) => f.sourceRecordKey === r.key && f.provenance[0]?.span);
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
  const facts = await store.getFacts(patientKey, { kinds: ['somatic-variant', 'actionability-evidence'] });
  const variants = facts
    .filter((f) => f.kind === 'somatic-variant')
    .map((f): VariantView => {
      const a = f.attributes as Record<string, unknown>;
      const p = f.provenance[0]!;
      return {
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
      };
    })
    .sort((x, y) => Number(y.onLabel) - Number(x.onLabel) || x.level.localeCompare(y.level) || x.gene.localeCompare(y.gene));
  return { variants, evidence };
}
