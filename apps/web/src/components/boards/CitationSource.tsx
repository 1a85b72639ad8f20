'use client';
import type { Evidence } from '@oncoboard/tumor-board';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useMemo, useRef } from 'react';
import { formatDate } from '../../lib/format';
import { sourceHref } from '../../lib/routes';
import { useTRPC } from '../../lib/trpc';
import { SliceViewer } from '../imaging/SliceViewer';
import { JsonView } from '../JsonView';
import { SourceView } from '../SourceView';
import { ErrorNotice, Loading } from '../ui';

// The cited source of one summary citation, opened in place beside the summary, by kind: a report's text with
// the cited span marked, a knowledge-base evidence item with its PubMed link, a CT slice with the lesion mask and
// its measurement, a joint-model prediction or model card (kept with the prepared summary), else the record's
// JSON with the element highlighted.

/** Record-key prefixes of libs/tumor-board (the client does not import its runtime). */
const PREDICTION_PREFIX = 'prediction/';
const MODEL_CARD_PREFIX = 'model-card/';

export function CitationSource({ evidence, modelSources }: { evidence: Evidence; modelSources?: Record<string, string> }) {
  const key = evidence.sourceRecordKey;
  if (key.startsWith(PREDICTION_PREFIX)) return <PredictionSource evidence={evidence} content={modelSources?.[key]} />;
  if (key.startsWith(MODEL_CARD_PREFIX)) {
    const content = modelSources?.[key];
    return (
      <div data-testid="citation-source" data-source-kind="model-card">
        <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Model card · {key.slice(MODEL_CARD_PREFIX.length)}</p>
        {content !== undefined && evidence.span ? <HighlightedText text={content} span={evidence.span} /> : <MissingModelSource recordKey={key} />}
      </div>
    );
  }
  if (evidence.span) return <ReportSpanSource recordKey={key} span={evidence.span} />;
  if (key.startsWith('kb/')) return <KnowledgeBaseSource recordKey={key} elementPath={evidence.elementPath} />;
  if (key.startsWith('imaging/lesions/') || key.startsWith('dicom/series/')) return <ImagingSource evidence={evidence} />;
  return (
    <div data-testid="citation-source" data-source-kind="record">
      <SourceView recordKey={key} elementPath={evidence.elementPath} />
    </div>
  );
}

/** A text with one span marked and scrolled into view. */
function HighlightedText({ text, span }: { text: string; span: { start: number; end: number } }) {
  const mark = useRef<HTMLElement>(null);
  useEffect(() => {
    mark.current?.scrollIntoView({ block: 'center' });
  }, [span.start, span.end, text]);
  const valid = span.start >= 0 && span.end <= text.length && span.start < span.end;
  if (!valid) return <p className="text-sm text-amber-900">The cited characters [{span.start}, {span.end}) are not in this text (it has {text.length}).</p>;
  return (
    <pre className="mt-2 max-h-[32rem] overflow-auto rounded-md border border-slate-200 bg-white p-3 font-sans text-sm whitespace-pre-wrap text-slate-800" data-testid="cited-text">
      {text.slice(0, span.start)}
      <mark ref={mark} className="rounded bg-amber-200 px-0.5 text-slate-900" data-highlighted="true" data-testid="cited-span">
        {text.slice(span.start, span.end)}
      </mark>
      {text.slice(span.end)}
    </pre>
  );
}

function ReportSpanSource({ recordKey, span }: { recordKey: string; span: { start: number; end: number } }) {
  const trpc = useTRPC();
  const record = useQuery(trpc.sourceRecords.get.queryOptions({ key: recordKey }));
  if (record.isPending) return <Loading label="Loading the report…" />;
  if (record.isError) return <ErrorNotice error={record.error} what={`report ${recordKey}`} />;
  return (
    <div data-testid="citation-source" data-source-kind="report">
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Report · characters {span.start}–{span.end}</p>
      <p className="text-sm font-semibold">
        <Link href={sourceHref({ sourceRecordKey: recordKey })} className="hover:underline">
          {record.data.resourceType}/{record.data.resourceId}
        </Link>
      </p>
      <HighlightedText text={record.data.content} span={span} />
    </div>
  );
}

interface KbRecord {
  kb?: { source?: string; version?: string; release?: string };
  evidenceId?: string | number;
  evidenceUrl?: string;
  gene?: string;
  civicVariant?: string;
  disease?: { name?: string };
  evidenceType?: string;
  significance?: string;
  level?: string;
  therapies?: string[];
  statement?: string;
  citation?: { source?: string; id?: string; pubmedId?: string; url?: string };
}

function KnowledgeBaseSource({ recordKey, elementPath }: { recordKey: string; elementPath: string }) {
  const trpc = useTRPC();
  const record = useQuery(trpc.sourceRecords.get.queryOptions({ key: recordKey }));
  const kb = useMemo(() => {
    try {
      return record.data ? (JSON.parse(record.data.content) as KbRecord) : undefined;
    } catch {
      return undefined;
    }
  }, [record.data]);
  if (record.isPending) return <Loading label="Loading the knowledge-base evidence…" />;
  if (record.isError) return <ErrorNotice error={record.error} what={`knowledge-base evidence ${recordKey}`} />;
  if (!kb) return <SourceView recordKey={recordKey} elementPath={elementPath} />;
  // The row of the cited element is marked (elementPath is a top-level field: "level", "therapies", "citation"...).
  const cited = elementPath.split(/[.[]/)[0];
  const rows: { field: string; label: string; value: React.ReactNode }[] = [
    { field: 'civicVariant', label: 'Variant', value: `${kb.gene ?? ''} ${kb.civicVariant ?? ''}`.trim() },
    { field: 'statement', label: 'Statement', value: kb.statement },
    { field: 'level', label: 'Evidence level', value: kb.level },
    { field: 'significance', label: 'Significance', value: `${kb.evidenceType ?? ''} · ${kb.significance ?? ''}` },
    { field: 'disease', label: 'Disease', value: kb.disease?.name },
    { field: 'therapies', label: 'Therapy', value: kb.therapies?.join(' + ') || '—' },
    {
      field: 'citation',
      label: 'Citation',
      value: kb.citation?.pubmedId ? (
        <a href={`https://pubmed.ncbi.nlm.nih.gov/${kb.citation.pubmedId}/`} target="_blank" rel="noreferrer" className="text-sky-800 underline" data-testid="pubmed-link">
          PubMed {kb.citation.pubmedId}
        </a>
      ) : (
        `${kb.citation?.source ?? ''} ${kb.citation?.id ?? ''}`.trim() || '—'
      ),
    },
    {
      field: 'evidenceId',
      label: 'Evidence item',
      value: kb.evidenceUrl ? (
        <a href={kb.evidenceUrl} target="_blank" rel="noreferrer" className="text-sky-800 underline">
          {kb.kb?.source ?? 'KB'} {String(kb.evidenceId ?? '')}
        </a>
      ) : (
        String(kb.evidenceId ?? '')
      ),
    },
    { field: 'kb', label: 'Knowledge base', value: `${kb.kb?.source ?? ''} ${kb.kb?.release ?? kb.kb?.version ?? ''}`.trim() },
  ];
  return (
    <div data-testid="citation-source" data-source-kind="knowledge-base">
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Knowledge-base evidence</p>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm" data-testid="kb-evidence">
        {rows.map((r) => (
          <div key={r.field} className="contents">
            <dt className="text-slate-500">{r.label}</dt>
            <dd data-field={r.field} data-highlighted={r.field === cited ? 'true' : undefined} className={r.field === cited ? 'rounded bg-amber-100 px-1' : ''}>
              {r.value}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-xs">
        <Link href={sourceHref({ sourceRecordKey: recordKey, elementPath })} className="text-sky-800 hover:underline">
          The record as stored
        </Link>
      </p>
    </div>
  );
}

interface LesionEntry {
  lesion?: number;
  label?: number;
  longestDiameterMm?: number;
  shortAxisMm?: number;
  volumeMl?: number;
}

/** The series the citation is about, with the lesion mask drawn on its slice, and the cited measurement. */
function ImagingSource({ evidence }: { evidence: Evidence }) {
  const trpc = useTRPC();
  const key = evidence.sourceRecordKey;
  // "imaging/lesions/<series uid>/<mask hash>" or "dicom/series/<series uid>".
  const seriesKey = key.startsWith('dicom/series/') ? key : `dicom/series/${key.split('/')[2] ?? ''}`;
  const series = useQuery(trpc.imaging.series.queryOptions({ patientKey: evidence.patientKey }));
  const lesionRecord = useQuery({ ...trpc.sourceRecords.get.queryOptions({ key }), enabled: key.startsWith('imaging/lesions/') });
  const lesion = useMemo(() => {
    if (!lesionRecord.data) return undefined;
    try {
      const m = /^lesions\[(\d+)\]$/.exec(evidence.elementPath);
      const content = JSON.parse(lesionRecord.data.content) as { lesions?: LesionEntry[] };
      return m ? content.lesions?.[Number(m[1])] : undefined;
    } catch {
      return undefined;
    }
  }, [lesionRecord.data, evidence.elementPath]);
  if (series.isPending) return <Loading label="Loading the series…" />;
  if (series.isError) return <ErrorNotice error={series.error} what="the imaging series" />;
  const item = series.data.find((s) => s.key === seriesKey);
  const fmt = (x: number | undefined, unit: string) => (typeof x === 'number' ? `${Math.round(x * 10) / 10} ${unit}` : '—');
  return (
    <div className="space-y-3" data-testid="citation-source" data-source-kind="imaging" data-series-key={seriesKey}>
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">
        Imaging · {item ? `${item.modality} ${item.date ? formatDate(item.date) : ''}` : seriesKey}
      </p>
      {lesion ? (
        <p className="rounded bg-amber-100 px-2 py-1 text-sm" data-highlighted="true" data-testid="cited-measurement">
          Lesion {lesion.lesion ?? ''} (mask label {lesion.label ?? ''}): longest axial diameter {fmt(lesion.longestDiameterMm, 'mm')}, short axis {fmt(lesion.shortAxisMm, 'mm')}, volume{' '}
          {fmt(lesion.volumeMl, 'mL')}
        </p>
      ) : (
        <p className="rounded bg-amber-100 px-2 py-1 text-sm" data-highlighted="true" data-testid="cited-measurement">
          Cited: <code className="font-mono">{evidence.elementPath}</code> of the series record
        </p>
      )}
      {/* The slice through the cited lesion's centroid, with the mask the measurement was made on. */}
      {item ? (
        <SliceViewer key={item.key} series={item} initialAxialIndex={item.lesionSlices.find((l) => l.recordKey === key && `lesions[${l.lesionIndex}]` === evidence.elementPath)?.axialIndex} />
      ) : (
        <p className="text-sm text-amber-900">Series {seriesKey} is not among this patient&apos;s imported series.</p>
      )}
    </div>
  );
}

interface PredictionContent {
  modelVersion?: { id?: string; synthetic?: boolean };
  createdAt?: string;
  risk?: number;
  riskPercentile?: number;
}

function PredictionSource({ evidence, content }: { evidence: Evidence; content: string | undefined }) {
  const parsed = useMemo(() => {
    try {
      return content ? (JSON.parse(content) as PredictionContent) : undefined;
    } catch {
      return undefined;
    }
  }, [content]);
  if (content === undefined) return <MissingModelSource recordKey={evidence.sourceRecordKey} />;
  return (
    <div className="space-y-2" data-testid="citation-source" data-source-kind="model-prediction">
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Joint-model prediction · {evidence.sourceRecordKey}</p>
      <p className="text-sm">
        Model <strong>{parsed?.modelVersion?.id ?? '?'}</strong>
        {parsed?.modelVersion?.synthetic ? (
          <span className="ml-2 rounded bg-amber-200 px-1.5 py-0.5 text-xs font-semibold text-amber-950" data-testid="synthetic-badge">
            SYNTHETIC — trained on synthetic data
          </span>
        ) : null}
        {parsed?.createdAt ? ` · predicted ${formatDate(parsed.createdAt)}` : ''}
      </p>
      <JsonView content={content} elementPath={evidence.elementPath} />
    </div>
  );
}

function MissingModelSource({ recordKey }: { recordKey: string }) {
  return <p className="text-sm text-amber-900">{recordKey} was not kept with this summary: prepare the case again to open it here.</p>;
}
