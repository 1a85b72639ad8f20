'use client';
import type { ImagingLesionsView } from '@oncoboard/api-router';
import { formatDate } from '../../lib/format';
import { dateScale, labelColour, RECIST_LABELS, valueScale, type ChartLayout } from '../../lib/imaging-view';
import { Cited, EmptyNote } from '../ui';

const mm = (v: number | null) => (v === null ? undefined : `${v.toFixed(1)} mm`);

export function LesionTable({ view }: { view: ImagingLesionsView }) {
  if (view.timepoints.length === 0) return <EmptyNote>No lesion measured: import a series with a mask (oncoboard imaging-import --mask).</EmptyNote>;
  const none = <span className="text-slate-400">—</span>;
  return (
    <table className="data-table" data-testid="lesion-table">
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Lesion</th>
          <th scope="col">Volume</th>
          <th scope="col">Longest</th>
          <th scope="col">Short axis</th>
        </tr>
      </thead>
      <tbody>
        {view.timepoints.map((t) =>
          t.lesions.map((l, n) => (
            <tr key={`${t.date}-${l.seriesInstanceUid}-${l.lesion}`} data-testid="lesion-row" data-date={t.date ?? ''}>
              <td className="whitespace-nowrap text-slate-600">{n === 0 ? (t.date ? formatDate(t.date) : 'undated') : ''}</td>
              <td>
                <span className="inline-block h-2.5 w-2.5 rounded-full align-middle" style={{ background: `rgb(${labelColour(l.label).join(',')})` }} aria-hidden />{' '}
                {l.targetId} <span className="text-slate-400">{l.modality}</span>
              </td>
              <td data-testid="lesion-volume">
                <Cited value={{ text: l.text, citation: l.citation }} verbatim className="font-medium" />
              </td>
              <td data-testid="lesion-longest">
                {mm(l.longestDiameterMm) ? <Cited value={{ text: mm(l.longestDiameterMm)!, citation: { sourceRecordKey: l.citation.sourceRecordKey, elementPath: `${l.citation.elementPath}.longestDiameterMm` } }} verbatim /> : none}
              </td>
              <td data-testid="lesion-short">
                {mm(l.shortAxisMm) ? <Cited value={{ text: mm(l.shortAxisMm)!, citation: { sourceRecordKey: l.citation.sourceRecordKey, elementPath: `${l.citation.elementPath}.shortAxisMm` } }} verbatim /> : none}
              </td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}

const LAYOUT: ChartLayout = { width: 520, height: 240, left: 56, right: 56, top: 16, bottom: 56 };

const RESPONSE_TONE: Record<string, string> = {
  BASELINE: '#475569',
  CR: '#15803d',
  PR: '#15803d',
  SD: '#a16207',
  PD: '#b91c1c',
  NE: '#64748b',
};

export function LesionChart({ view }: { view: ImagingLesionsView }) {
  const dated = view.timepoints.filter((t): t is typeof t & { date: string } => t.date !== null);
  if (dated.length === 0) return <EmptyNote>No dated lesion measurement.</EmptyNote>;
  const series = new Map<string, { label: number; points: { date: string; value: number }[] }>();
  for (const t of dated)
    for (const l of t.lesions) {
      if (l.longestDiameterMm === null) continue;
      const entry = series.get(l.targetId) ?? { label: l.label, points: [] };
      entry.points.push({ date: t.date, value: l.longestDiameterMm });
      series.set(l.targetId, entry);
    }
  const dates = dated.map((t) => t.date);
  const x = dateScale(dates, LAYOUT);
  const max = Math.max(1, ...[...series.values()].flatMap((s) => s.points.map((p) => p.value)));
  const { y, ticks } = valueScale(max, LAYOUT);
  const responseByDate = new Map((view.response ?? []).map((r) => [r.date, r]));
  const plotBottom = LAYOUT.height - LAYOUT.bottom;
  return (
    <div className="space-y-2">
      <svg viewBox={`0 0 ${LAYOUT.width} ${LAYOUT.height}`} className="w-full max-w-xl" role="img" aria-label="Longest diameter of each lesion over time" data-testid="diameter-chart">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={LAYOUT.left} x2={LAYOUT.width - LAYOUT.right} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
            <text x={LAYOUT.left - 6} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#64748b">
              {Math.round(t * 10) / 10}
            </text>
          </g>
        ))}
        <text x={12} y={LAYOUT.top + (plotBottom - LAYOUT.top) / 2} fontSize="11" fill="#64748b" transform={`rotate(-90 12 ${LAYOUT.top + (plotBottom - LAYOUT.top) / 2})`} textAnchor="middle">
          mm
        </text>
        {dates.map((d) => {
          const r = responseByDate.get(d);
          return (
            <g key={d}>
              <line x1={x(d)} x2={x(d)} y1={LAYOUT.top} y2={plotBottom} stroke="#f1f5f9" />
              <text x={x(d)} y={plotBottom + 16} textAnchor="middle" fontSize="11" fill="#475569">
                {formatDate(d)}
              </text>
              {r ? (
                <text x={x(d)} y={plotBottom + 34} textAnchor="middle" fontSize="12" fontWeight="600" fill={RESPONSE_TONE[r.response] ?? '#334155'} data-testid="recist-label" data-date={d} data-response={r.response}>
                  <title>{`${RECIST_LABELS[r.response] ?? r.response}${r.changeFromBaselinePct !== null ? ` (${r.changeFromBaselinePct > 0 ? '+' : ''}${r.changeFromBaselinePct.toFixed(0)}% from baseline)` : ''}`}</title>
                  {r.response === 'BASELINE' ? 'Baseline' : r.response}
                  {r.changeFromBaselinePct !== null && r.response !== 'BASELINE' ? ` ${r.changeFromBaselinePct > 0 ? '+' : ''}${r.changeFromBaselinePct.toFixed(0)}%` : ''}
                </text>
              ) : null}
            </g>
          );
        })}
        {[...series.entries()].map(([id, s]) => {
          const colour = `rgb(${labelColour(s.label).join(',')})`;
          return (
            <g key={id} data-testid="diameter-line" data-target={id}>
              <polyline fill="none" stroke={colour} strokeWidth="2" points={s.points.map((p) => `${x(p.date)},${y(p.value)}`).join(' ')} />
              {s.points.map((p) => (
                <circle key={p.date} cx={x(p.date)} cy={y(p.value)} r="4" fill={colour}>
                  <title>{`${id} ${formatDate(p.date)}: ${p.value.toFixed(1)} mm`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      {view.response ? (
        <ul className="flex flex-wrap gap-2 text-sm" data-testid="recist-list">
          {view.response.map((r) => (
            <li key={r.date} className="badge bg-slate-100 text-slate-700" data-testid="recist-item" data-response={r.response}>
              {formatDate(r.date)}: {RECIST_LABELS[r.response] ?? r.response} ({r.response}) · sum {r.sumMm.toFixed(1)} mm
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-600" data-testid="recist-note">
          {dated.length === 1 ? 'One timepoint: no response yet. ' : ''}
          {view.responseNote}
        </p>
      )}
      {view.response ? <p className="text-xs text-slate-500">{view.responseNote}</p> : null}
    </div>
  );
}
