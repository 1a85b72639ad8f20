'use client';
import type { PatientReportView, ReportFindingView } from '@oncoboard/api-router';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { patientHref, sourceHref } from '../lib/routes';
import { useTRPC } from '../lib/trpc';
import { BackLink, EmptyNote, ErrorNotice, Loading, Section } from './ui';

/** One colour per family of fields (not per value: a colour never means good or bad). */
function fieldTone(kind: string): string {
  if (/marker|her2|er|pr|ki67|mmr|msi|pd-l1/.test(kind)) return 'bg-indigo-100';
  if (/gene|variant|alteration/.test(kind)) return 'bg-fuchsia-100';
  if (/stage|tnm|edition|node/.test(kind)) return 'bg-amber-100';
  if (/invasion|margin/.test(kind)) return 'bg-rose-100';
  if (/histolog|grade|size/.test(kind)) return 'bg-emerald-100';
  return 'bg-sky-100';
}

function contextWords(f: ReportFindingView): string {
  const c = f.context;
  return [c.negated && 'negated', c.uncertain && 'uncertain', c.historical && 'historical', c.hypothetical && 'hypothetical', c.experiencer !== 'patient' && 'about someone else', f.superseded && 'superseded by an addendum']
    .filter(Boolean)
    .join(', ');
}

/** The report text with each finding's span marked: strike-through when negated, dashed when uncertain. */
function HighlightedText({ report }: { report: PatientReportView }) {
  const parts: ReactNode[] = [];
  let at = 0;
  // Overlapping spans (one phrase, two fields) are marked once, by the first finding that starts there.
  for (const f of report.findings) {
    if (f.start < at) continue;
    if (f.start > at) parts.push(report.text.slice(at, f.start));
    const context = contextWords(f);
    parts.push(
      <mark
        key={`${f.start}-${f.kind}`}
        className={`rounded px-0.5 ${fieldTone(f.kind)} ${f.context.negated ? 'line-through decoration-2' : ''} ${f.context.uncertain ? 'underline decoration-dashed' : ''}`}
        title={`${f.label}: ${f.value}${context ? ` (${context})` : ''}`}
        data-testid="report-finding"
        data-kind={f.kind}
        data-negated={f.context.negated ? 'true' : undefined}
      >
        {report.text.slice(f.start, f.end)}
      </mark>,
    );
    at = f.end;
  }
  parts.push(report.text.slice(at));
  return <pre className="font-sans text-sm leading-relaxed whitespace-pre-wrap">{parts}</pre>;
}

export function ReportsView({ patientKey }: { patientKey: string }) {
  const trpc = useTRPC();
  const reports = useQuery(trpc.patients.reports.queryOptions({ patientKey }));
  if (reports.isPending) return <Loading label="Loading reports…" />;
  if (reports.isError) return <ErrorNotice error={reports.error} what={`the reports of ${patientKey}`} />;
  return (
    <div className="space-y-6">
      <BackLink href={patientHref(patientKey)}>Patient overview</BackLink>
      <h1 className="text-2xl font-semibold">Pathology reports</h1>
      {reports.data.length === 0 ? <EmptyNote>No pathology report is on record (import one with oncoboard pathology-import).</EmptyNote> : null}
      {reports.data.map((report) => (
        <Section key={report.key} title={`${report.key}${report.date ? ` · ${report.date.slice(0, 10)}` : ''}`} count={report.findings.length}>
          <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
            <HighlightedText report={report} />
            <table className="w-full self-start text-xs" data-testid="findings-table">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="py-1 font-medium">Field</th>
                  <th className="py-1 font-medium">Value</th>
                  <th className="py-1 font-medium">Context</th>
                </tr>
              </thead>
              <tbody>
                {report.findings.map((f) => (
                  <tr key={`${f.start}-${f.kind}-${f.value}`} className="border-t border-slate-100">
                    <td className="py-1">{f.label}</td>
                    <td className="py-1">
                      <Link href={sourceHref({ sourceRecordKey: report.key, elementPath: 'text' })} className={f.context.negated ? 'line-through' : ''} title={`characters ${f.start}–${f.end}`}>
                        {f.value || report.text.slice(f.start, f.end)}
                      </Link>
                    </td>
                    <td className="py-1 text-slate-600">{contextWords(f) || 'affirmed'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      ))}
    </div>
  );
}
